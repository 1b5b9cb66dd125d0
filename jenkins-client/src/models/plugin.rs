//! Plugins: [`Plugin`] and [`PluginList`].

dcos_auth::json_model! {
    /// The installed plugins (`GET pluginManager/api/json?tree=plugins[…]`).
    pub struct PluginList {
        /// The plugin manager's class.
        "_class" class: Option<String>,
        /// The plugins.
        "plugins" plugins: Vec<Plugin>,
    }
}

dcos_auth::json_model! {
    /// One installed plugin.
    pub struct Plugin {
        /// Its id, such as `workflow-aggregator`.
        "shortName" short_name: String,
        /// Its display name, such as `Pipeline`.
        "longName" long_name: Option<String>,
        /// The installed version.
        "version" version: Option<String>,
        /// Whether it is loaded and running now.
        "active" active: Option<bool>,
        /// Whether it is enabled (it may be enabled but not active until a
        /// restart).
        "enabled" enabled: Option<bool>,
        /// Whether a newer version is available.
        "hasUpdate" has_update: Option<bool>,
        /// Whether it came bundled with Jenkins.
        "bundled" bundled: Option<bool>,
        /// Whether it is pinned.
        "pinned" pinned: Option<bool>,
        /// Whether it is marked for deletion.
        "deleted" deleted: Option<bool>,
        /// The oldest Jenkins it runs on.
        "requiredCoreVersion" required_core_version: Option<String>,
        /// Its wiki or plugin site page.
        "url" url: Option<String>,
        /// The plugins it needs.
        "dependencies" dependencies: Option<Vec<PluginDependency>>,
    }
}

dcos_auth::json_model! {
    /// A plugin another one needs.
    pub struct PluginDependency {
        /// Its id.
        "shortName" short_name: String,
        /// The version needed.
        "version" version: Option<String>,
        /// Whether it is optional.
        "optional" optional: Option<bool>,
    }
}
