//! Server info and leadership.

use dcos_auth::json_model;

json_model! {
    /// `GET /v2/info`.
    pub struct Info {
        /// The server name, `marathon`.
        "name" name: Option<String>,
        /// The Marathon version.
        "version" version: Option<String>,
        /// The build's git reference.
        "buildref" buildref: Option<String>,
        /// Whether this instance is the leader.
        "elected" elected: Option<bool>,
        /// The leader's `host:port`.
        "leader" leader: Option<String>,
        /// The Mesos framework id.
        "frameworkId" framework_id: Option<String>,
        /// The main command line settings.
        "marathon_config" marathon_config: Option<MarathonConfig>,
        /// The ZooKeeper settings.
        "zookeeper_config" zookeeper_config: Option<ZookeeperConfig>,
        /// The HTTP settings.
        "http_config" http_config: Option<HttpConfig>,
        /// The HTTP callback event subscriber (removed in Marathon 1.6).
        "event_subscriber" event_subscriber: Option<EventSubscriber>,
    }
}

json_model! {
    /// The main command line settings of a Marathon. The many other settings
    /// are kept in `extra`.
    pub struct MarathonConfig {
        /// The Mesos master, such as `zk://…/mesos`.
        "master" master: Option<String>,
        /// The framework name.
        "framework_name" framework_name: Option<String>,
        /// The host name Marathon advertises.
        "hostname" hostname: Option<String>,
        /// Whether high availability is on.
        "ha" ha: Option<bool>,
        /// Whether task checkpointing is on.
        "checkpoint" checkpoint: Option<bool>,
        /// The default executor.
        "executor" executor: Option<String>,
        /// The framework failover timeout, in seconds.
        "failover_timeout" failover_timeout: Option<u64>,
        /// Enabled features, such as `vips`, `gpu_resources`.
        "features" features: Option<Vec<String>>,
        /// The Mesos role Marathon registers with.
        "mesos_role" mesos_role: Option<String>,
        /// The user tasks run as by default.
        "mesos_user" mesos_user: Option<String>,
        /// The Mesos UI of the leading master.
        "mesos_leader_ui_url" mesos_leader_ui_url: Option<String>,
        /// Marathon's UI.
        "webui_url" webui_url: Option<String>,
        /// The lowest service port Marathon assigns.
        "local_port_min" local_port_min: Option<u32>,
        /// The highest service port Marathon assigns.
        "local_port_max" local_port_max: Option<u32>,
        /// The container network used when an app names none.
        "default_network_name" default_network_name: Option<String>,
        /// Milliseconds a task may take to start running.
        "task_launch_timeout" task_launch_timeout: Option<u64>,
    }
}

json_model! {
    /// ZooKeeper settings.
    pub struct ZookeeperConfig {
        /// The state URL, such as `zk://…/marathon`.
        "zk" zk: Option<String>,
        /// The operation timeout in milliseconds.
        "zk_timeout" zk_timeout: Option<u64>,
        /// The session timeout in milliseconds.
        "zk_session_timeout" zk_session_timeout: Option<u64>,
        /// The connection timeout in milliseconds.
        "zk_connection_timeout" zk_connection_timeout: Option<u64>,
        /// How many versions of each app are kept.
        "zk_max_versions" zk_max_versions: Option<u64>,
        /// Whether stored data is compressed.
        "zk_compression" zk_compression: Option<bool>,
        /// The size in bytes above which data is compressed.
        "zk_compression_threshold" zk_compression_threshold: Option<u64>,
        /// The largest node in bytes.
        "zk_max_node_size" zk_max_node_size: Option<u64>,
    }
}

json_model! {
    /// HTTP settings.
    pub struct HttpConfig {
        /// The HTTP port.
        "http_port" http_port: Option<u16>,
        /// The HTTPS port.
        "https_port" https_port: Option<u16>,
        /// Where UI assets are served from (old servers).
        "assets_path" assets_path: Option<String>,
    }
}

json_model! {
    /// The HTTP callback event subscriber.
    pub struct EventSubscriber {
        /// `http_callback`.
        "type" kind: Option<String>,
        /// The callback URLs.
        "http_endpoints" http_endpoints: Option<Vec<String>>,
    }
}

json_model! {
    /// `GET /v2/leader`: `{"leader": "host:port"}`.
    pub struct Leader {
        /// The leader's `host:port`.
        "leader" leader: Option<String>,
    }
}

json_model! {
    /// A body holding only a message, as `DELETE /v2/leader` answers.
    pub struct Message {
        /// The message.
        "message" message: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_config_and_kept_rest() {
        let i: Info = serde_json::from_str(
            r#"{"name":"marathon","elected":true,"marathon_config":{"master":"zk://m/mesos","mesos_role":null,"launch_token":100},
                "http_config":{"http_port":8080,"assets_path":null},
                "event_subscriber":{"type":"http_callback","http_endpoints":["h:9/e"]}}"#,
        )
        .unwrap();
        let c = i.marathon_config.as_ref().unwrap();
        assert_eq!(c.master.as_deref(), Some("zk://m/mesos"));
        assert_eq!(c.mesos_role, None);
        assert_eq!(c.extra["launch_token"], 100);
        assert_eq!(i.http_config.as_ref().unwrap().http_port, Some(8080));
        let back = serde_json::to_value(&i).unwrap();
        assert_eq!(
            back["marathon_config"]["mesos_role"],
            serde_json::Value::Null
        );
        assert_eq!(back["http_config"]["assets_path"], serde_json::Value::Null);
    }
}
