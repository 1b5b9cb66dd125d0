//! [`HealthReport`]: a job's weather.

dcos_auth::json_model! {
    /// One entry of a job's `healthReport`.
    pub struct HealthReport {
        /// What it means, such as `Build stability: No recent builds failed.`.
        "description" description: Option<String>,
        /// The score, 0 to 100.
        "score" score: Option<u32>,
        /// The icon's CSS class.
        "iconClassName" icon_class_name: Option<String>,
        /// The icon's file name.
        "iconUrl" icon_url: Option<String>,
    }
}
