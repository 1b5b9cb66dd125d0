//! [`Error`]: what stopped a pipeline, with the stage it happened in.

use std::path::PathBuf;

use crate::events::Stage;

/// Why a pipeline step failed.
///
/// Stage variants ([`Error::Configure`], [`Error::Build`], [`Error::Deploy`])
/// wrap the client error that caused them as their `source`; `Display` never
/// repeats the source, so print the chain (`std::error::Error::source`) to see
/// it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The spec is invalid: where and why.
    #[error("{}:{line}:{column}: {field}: {message}", file.display())]
    Spec {
        /// The file (the spec, or a file it names).
        file: PathBuf,
        /// The line, from 1.
        line: usize,
        /// The column, from 1.
        column: usize,
        /// The field, as a dotted path (`deploy.strategy`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// A spec file could not be read.
    #[error("cannot read {}", path.display())]
    SpecRead {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Bad command-line usage.
    #[error("{0}")]
    Usage(String),
    /// The configure stage failed.
    #[error("configure failed")]
    Configure {
        /// The cause.
        #[source]
        source: Box<Error>,
    },
    /// The build stage failed before the build had a result (trigger, queue,
    /// console).
    #[error("build of {job} failed")]
    Build {
        /// The Jenkins job path.
        job: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
    /// The build ran and did not succeed.
    #[error("build #{build_number} ended {result}{}: {url}", stage.as_ref().map(|s| format!(" in stage '{s}'")).unwrap_or_default())]
    BuildFailed {
        /// The Jenkins result (`FAILURE`, `ABORTED`, `UNSTABLE`…).
        result: String,
        /// The build's URL.
        url: String,
        /// The build number.
        build_number: u64,
        /// The Pipeline stage that failed (from `wfapi/describe`), when
        /// Jenkins tells.
        stage: Option<String>,
    },
    /// The queue item was cancelled before a build started.
    #[error("the queued build of {job} was cancelled")]
    QueueCancelled {
        /// The Jenkins job path.
        job: String,
    },
    /// The image tag was rendered with the build number Jenkins announced
    /// (`nextBuildNumber`), but another trigger took that number first; the
    /// build was stopped so that it cannot push a misleading tag.
    #[error(
        "the tag was made for build #{expected}, but the build got #{actual} (another build of {job} started first); run again"
    )]
    BuildNumberTaken {
        /// The Jenkins job path.
        job: String,
        /// The number the tag was rendered with.
        expected: u64,
        /// The number the build got.
        actual: u64,
    },
    /// The build succeeded but the cluster's registry has no such image:
    /// the Jenkinsfile did not push `$IMAGE:$TAG`.
    #[error(
        "build #{build_number} succeeded but did not push {image} (the Jenkinsfile must push \"$IMAGE:$TAG\")"
    )]
    ImageNotPushed {
        /// The image the pipeline expected.
        image: String,
        /// The build number.
        build_number: u64,
    },
    /// The deploy stage failed.
    #[error("deploy of {app} failed")]
    Deploy {
        /// The Marathon app or group id.
        app: String,
        /// The cause.
        #[source]
        source: Box<Error>,
    },
    /// The cluster has not enough free unreserved resources.
    #[error("not enough capacity: need {needed}, free {free} ({detail})")]
    Capacity {
        /// What the new instances need (`cpus=1.5 mem=768`).
        needed: String,
        /// What is free.
        free: String,
        /// Which agents were considered and why they do not fit.
        detail: String,
    },
    /// Another deployment of the same app is in progress (use `--force`).
    #[error("the app is locked by deployments {}", deployments.join(", "))]
    Locked {
        /// The ids of the deployments in progress.
        deployments: Vec<String>,
    },
    /// The new version failed and was rolled back.
    #[error("rolled back to {to_version}: {reason}")]
    RolledBack {
        /// Why the new version was refused.
        reason: String,
        /// The version now running.
        to_version: String,
    },
    /// The deploy refused to act: a value it cannot render, an app the
    /// pipeline did not create, nothing recorded to roll back to.
    #[error("refused: {reason}")]
    Refused {
        /// Why.
        reason: String,
    },
    /// A gate did not pass.
    #[error("gate {gate} failed: {detail}")]
    Gate {
        /// The gate.
        gate: String,
        /// What was observed.
        detail: String,
    },
    /// No cluster could be set up (bad URL, unreadable credentials, the
    /// embedded simulator could not start).
    #[error("cluster: {detail}")]
    Cluster {
        /// What went wrong.
        detail: String,
        /// The cause, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// A Marathon call failed.
    #[error("marathon")]
    Marathon(#[from] marathon_client::Error),
    /// A Mesos call failed.
    #[error("mesos")]
    Mesos(#[from] mesos_client::Error),
    /// A Jenkins call failed.
    #[error("jenkins")]
    Jenkins(#[from] jenkins_client::Error),
    /// An HTTP call through the cluster core failed.
    #[error("http")]
    Http(#[from] dcos_auth::Error),
}

/// A result with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps `source` as a configure failure.
    pub fn configure(source: impl Into<Error>) -> Self {
        Error::Configure {
            source: Box::new(source.into()),
        }
    }

    /// Wraps `source` as a failure of the build of `job`.
    pub fn build(job: impl Into<String>, source: impl Into<Error>) -> Self {
        Error::Build {
            job: job.into(),
            source: Box::new(source.into()),
        }
    }

    /// Wraps `source` as a failure of the deploy of `app`.
    pub fn deploy(app: impl Into<String>, source: impl Into<Error>) -> Self {
        Error::Deploy {
            app: app.into(),
            source: Box::new(source.into()),
        }
    }

    /// A cluster set-up failure with no underlying error.
    pub fn cluster(detail: impl Into<String>) -> Self {
        Error::Cluster {
            detail: detail.into(),
            source: None,
        }
    }

    /// The stage the error happened in, when it is known.
    pub fn stage(&self) -> Option<Stage> {
        match self {
            Error::Configure { .. } => Some(Stage::Configure),
            Error::Build { .. }
            | Error::BuildFailed { .. }
            | Error::QueueCancelled { .. }
            | Error::BuildNumberTaken { .. }
            | Error::ImageNotPushed { .. } => Some(Stage::Build),
            Error::Deploy { source, .. } => source.stage().or(Some(Stage::Deploy)),
            Error::Capacity { .. }
            | Error::Locked { .. }
            | Error::Gate { .. }
            | Error::Refused { .. } => Some(Stage::Deploy),
            Error::RolledBack { .. } => Some(Stage::Rollback),
            _ => None,
        }
    }

    /// The process exit code: 2 for a bad spec or bad usage (also when a
    /// stage found it, such as an undeclared build parameter), 1 for every
    /// other failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Spec { .. } | Error::SpecRead { .. } | Error::Usage(_) => 2,
            Error::Configure { source }
            | Error::Build { source, .. }
            | Error::Deploy { source, .. } => source.exit_code(),
            _ => 1,
        }
    }

    /// The error and its sources, joined with `": "`, for one-line reports.
    pub fn chain(&self) -> String {
        let mut text = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_errors_name_file_line_column_and_field_and_exit_2() {
        let error = Error::Spec {
            file: "pipeline.toml".into(),
            line: 4,
            column: 12,
            field: "deploy.strategy".into(),
            message: "unknown strategy `fast`".into(),
        };
        assert_eq!(
            error.to_string(),
            "pipeline.toml:4:12: deploy.strategy: unknown strategy `fast`"
        );
        assert_eq!(error.exit_code(), 2);
        assert_eq!(error.stage(), None);
        assert_eq!(Error::Usage("no".into()).exit_code(), 2);
        assert_eq!(
            Error::build("cd/x", Error::Usage("no".into())).exit_code(),
            2
        );
    }

    #[test]
    fn stages_and_exit_code_1_for_pipeline_failures() {
        let failed = Error::BuildFailed {
            result: "FAILURE".into(),
            url: "http://j/job/x/3/".into(),
            build_number: 3,
            stage: Some("Push".into()),
        };
        assert_eq!(
            failed.to_string(),
            "build #3 ended FAILURE in stage 'Push': http://j/job/x/3/"
        );
        assert_eq!(failed.stage(), Some(Stage::Build));
        assert_eq!(failed.exit_code(), 1);
        let locked = Error::deploy(
            "/hello",
            Error::Locked {
                deployments: vec!["d1".into()],
            },
        );
        assert_eq!(locked.stage(), Some(Stage::Deploy));
        let rolled = Error::deploy(
            "/hello",
            Error::RolledBack {
                reason: "unhealthy".into(),
                to_version: "v1".into(),
            },
        );
        assert_eq!(rolled.stage(), Some(Stage::Rollback));
        assert_eq!(
            Error::configure(Error::cluster("x")).stage(),
            Some(Stage::Configure)
        );
        assert_eq!(Error::cluster("x").exit_code(), 1);
    }

    #[test]
    fn display_leaves_the_source_to_the_chain() {
        let error = Error::deploy(
            "/hello",
            Error::Gate {
                gate: "http /health".into(),
                detail: "503".into(),
            },
        );
        assert_eq!(error.to_string(), "deploy of /hello failed");
        assert_eq!(
            error.chain(),
            "deploy of /hello failed: gate http /health failed: 503"
        );
    }
}
