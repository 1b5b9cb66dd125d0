//! Task statistics of an app (`embed=apps.taskStats`).

use dcos_auth::json_model;

json_model! {
    /// `tasksStats`: task statistics of an app, by group of tasks. A group
    /// with no tasks is left out.
    pub struct TasksStats {
        /// Tasks started since the last scale or restart.
        "startedAfterLastScaling" started_after_last_scaling: Option<TaskStatsGroup>,
        /// Tasks running the current definition.
        "withLatestConfig" with_latest_config: Option<TaskStatsGroup>,
        /// Tasks running an older definition.
        "withOutdatedConfig" with_outdated_config: Option<TaskStatsGroup>,
        /// All tasks.
        "totalSummary" total_summary: Option<TaskStatsGroup>,
    }
}

json_model! {
    /// One group of `tasksStats`: `{"stats": …}`.
    pub struct TaskStatsGroup {
        /// The statistics.
        "stats" stats: Option<TaskStats>,
    }
}

json_model! {
    /// Counts and life times of a group of tasks.
    pub struct TaskStats {
        /// Tasks by state.
        "counts" counts: Option<TaskCounts>,
        /// How long the tasks have lived.
        "lifeTime" life_time: Option<TaskLifeTime>,
    }
}

json_model! {
    /// Tasks by state.
    pub struct TaskCounts {
        /// Staged.
        "staged" staged: Option<u32>,
        /// Running.
        "running" running: Option<u32>,
        /// Running with all health checks passing.
        "healthy" healthy: Option<u32>,
        /// Running with a failing health check.
        "unhealthy" unhealthy: Option<u32>,
    }
}

json_model! {
    /// How long tasks have lived, in seconds.
    pub struct TaskLifeTime {
        /// The mean.
        "averageSeconds" average_seconds: Option<f64>,
        /// The median.
        "medianSeconds" median_seconds: Option<f64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_nested_stats() {
        let s: TasksStats = serde_json::from_str(
            r#"{"totalSummary":{"stats":{"counts":{"staged":0,"running":2,"healthy":2,"unhealthy":0},
                "lifeTime":{"averageSeconds":17.5,"medianSeconds":17.5}}}}"#,
        )
        .unwrap();
        let stats = s.total_summary.unwrap().stats.unwrap();
        assert_eq!(stats.counts.unwrap().running, Some(2));
        assert_eq!(stats.life_time.unwrap().median_seconds, Some(17.5));
    }
}
