//! Jobs: [`Job`] (tagged on `_class`), [`JobInfo`], and the list entries
//! [`JobSummary`].

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{BallColor, BuildRef, HealthReport, JobProperty, ViewRef};

dcos_auth::string_enum! {
    /// A job's `_class`: the kinds this crate names, and any other kept as
    /// `Unknown` (matrix and Maven projects, organisation folders, plugins'
    /// own kinds).
    pub enum JobKind {
        /// A freestyle project.
        FreeStyleProject = "hudson.model.FreeStyleProject",
        /// A Pipeline job.
        WorkflowJob = "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        /// A folder (CloudBees Folders plugin).
        Folder = "com.cloudbees.hudson.plugins.folder.Folder",
        /// A multibranch Pipeline project: a folder of branch jobs.
        WorkflowMultiBranchProject = "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
        /// An organisation folder: a folder of multibranch projects.
        OrganizationFolder = "jenkins.branch.OrganizationFolder",
    }
}

impl JobKind {
    /// Whether items of this kind hold other jobs.
    pub fn is_folder(&self) -> bool {
        matches!(
            self,
            JobKind::Folder | JobKind::WorkflowMultiBranchProject | JobKind::OrganizationFolder
        )
    }
}

dcos_auth::json_model! {
    /// A job as a list shows it (`jobs[…]` of the root, a folder or a view),
    /// with the nested `jobs` of a folder when the `tree=` asked for them.
    pub struct JobSummary {
        /// The job's class (absent before Jenkins 2); see [`JobSummary::kind`].
        "_class" class: Option<String>,
        /// The job's own name; a multibranch branch `feature/x` is named
        /// `feature%2Fx`.
        "name" name: String,
        /// The full name, folders included, joined by `/`.
        "fullName" full_name: Option<String>,
        /// The URL as Jenkins wrote it; rebase it before use.
        "url" url: Option<String>,
        /// The status ball; folders have none.
        "color" color: Option<BallColor>,
        /// The jobs inside a folder, when asked for.
        "jobs" jobs: Option<Vec<JobSummary>>,
    }
}

impl JobSummary {
    /// The kind, from `_class`; `None` when the server sent no `_class`.
    pub fn kind(&self) -> Option<JobKind> {
        kind_of(self.class.as_deref())
    }
}

dcos_auth::json_model! {
    /// The `jobs` of the root or of a folder (`GET [job/…/]api/json?tree=jobs[…]`).
    pub struct JobList {
        /// The class of the container: `hudson.model.Hudson`, a folder…
        "_class" class: Option<String>,
        /// The jobs.
        "jobs" jobs: Vec<JobSummary>,
    }
}

dcos_auth::json_model! {
    /// What `GET job/…/api/json` says of a job: the fields every kind shares,
    /// the project fields (builds, queue, parameters) and the folder fields
    /// (jobs, views). Absent fields stay `None`; everything else the server
    /// sends is kept in `extra`.
    pub struct JobInfo {
        /// The job's class (absent before Jenkins 2).
        "_class" class: Option<String>,
        /// The job's own name.
        "name" name: String,
        /// The full name, folders included, joined by `/`.
        "fullName" full_name: Option<String>,
        /// The display name.
        "displayName" display_name: Option<String>,
        /// The full display name, joined by ` » `.
        "fullDisplayName" full_display_name: Option<String>,
        /// The description (HTML as entered).
        "description" description: Option<String>,
        /// The URL as Jenkins wrote it; rebase it before use.
        "url" url: Option<String>,
        /// The status ball; folders have none.
        "color" color: Option<BallColor>,
        /// Whether a build can be started (false when disabled).
        "buildable" buildable: Option<bool>,
        /// Whether the job is disabled (newer servers; else see `color`).
        "disabled" disabled: Option<bool>,
        /// Whether a build of it waits in the queue.
        "inQueue" in_queue: Option<bool>,
        /// The number the next build gets.
        "nextBuildNumber" next_build_number: Option<u64>,
        /// Whether builds may run concurrently.
        "concurrentBuild" concurrent_build: Option<bool>,
        /// The recent builds, newest first (capped by the `tree=` range).
        "builds" builds: Option<Vec<BuildRef>>,
        /// The first build.
        "firstBuild" first_build: Option<BuildRef>,
        /// The last build, running or not.
        "lastBuild" last_build: Option<BuildRef>,
        /// The last finished build.
        "lastCompletedBuild" last_completed_build: Option<BuildRef>,
        /// The last failed build.
        "lastFailedBuild" last_failed_build: Option<BuildRef>,
        /// The last stable build.
        "lastStableBuild" last_stable_build: Option<BuildRef>,
        /// The last successful build (stable or unstable).
        "lastSuccessfulBuild" last_successful_build: Option<BuildRef>,
        /// The last unstable build.
        "lastUnstableBuild" last_unstable_build: Option<BuildRef>,
        /// The last build that did not succeed.
        "lastUnsuccessfulBuild" last_unsuccessful_build: Option<BuildRef>,
        /// The health report.
        "healthReport" health_report: Option<Vec<HealthReport>>,
        /// Job properties; parameters live in a `ParametersDefinitionProperty`.
        "property" property: Option<Vec<JobProperty>>,
        /// The queue item of a waiting build, as sent; decode it with the
        /// queue models.
        "queueItem" queue_item: Option<serde_json::Value>,
        /// The jobs inside a folder or multibranch project.
        "jobs" jobs: Option<Vec<JobSummary>>,
        /// The views of a folder.
        "views" views: Option<Vec<ViewRef>>,
        /// The primary view of a folder.
        "primaryView" primary_view: Option<ViewRef>,
    }
}

impl JobInfo {
    /// The kind, from `_class`; `None` when the server sent no `_class`.
    pub fn kind(&self) -> Option<JobKind> {
        kind_of(self.class.as_deref())
    }

    /// The parameters the job takes, from its `ParametersDefinitionProperty`.
    pub fn parameters(&self) -> impl Iterator<Item = &super::ParameterDefinition> {
        self.property
            .iter()
            .flatten()
            .filter_map(|p| p.parameter_definitions.as_ref())
            .flatten()
    }

    /// Whether the job is disabled: `disabled`, or else its colour.
    pub fn is_disabled(&self) -> bool {
        self.disabled
            .unwrap_or_else(|| self.color.as_ref().is_some_and(BallColor::is_disabled))
    }
}

/// A job, by its `_class`. Each variant holds the same [`JobInfo`]; the
/// project fields are set for projects and the folder fields for folders.
/// A job of another kind, or from a server too old to send `_class`, is
/// [`Job::Unknown`], with everything it sent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Job {
    /// `hudson.model.FreeStyleProject`.
    FreeStyle(JobInfo),
    /// `org.jenkinsci.plugins.workflow.job.WorkflowJob`: a Pipeline.
    Workflow(JobInfo),
    /// `com.cloudbees.hudson.plugins.folder.Folder`.
    Folder(JobInfo),
    /// `org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject`.
    MultiBranch(JobInfo),
    /// Any other `_class`, or none.
    Unknown(JobInfo),
}

impl Job {
    /// Sorts a decoded [`JobInfo`] by its `_class`.
    pub fn from_info(info: JobInfo) -> Self {
        match info.kind() {
            Some(JobKind::FreeStyleProject) => Job::FreeStyle(info),
            Some(JobKind::WorkflowJob) => Job::Workflow(info),
            Some(JobKind::Folder) => Job::Folder(info),
            Some(JobKind::WorkflowMultiBranchProject) => Job::MultiBranch(info),
            _ => Job::Unknown(info),
        }
    }

    /// The fields, whatever the kind.
    pub fn info(&self) -> &JobInfo {
        match self {
            Job::FreeStyle(i)
            | Job::Workflow(i)
            | Job::Folder(i)
            | Job::MultiBranch(i)
            | Job::Unknown(i) => i,
        }
    }

    /// The fields, whatever the kind, by value.
    pub fn into_info(self) -> JobInfo {
        match self {
            Job::FreeStyle(i)
            | Job::Workflow(i)
            | Job::Folder(i)
            | Job::MultiBranch(i)
            | Job::Unknown(i) => i,
        }
    }

    /// The `_class` as sent.
    pub fn class(&self) -> Option<&str> {
        self.info().class.as_deref()
    }

    /// Whether it holds other jobs (a folder, multibranch project or
    /// organisation folder).
    pub fn is_folder(&self) -> bool {
        self.info().kind().is_some_and(|k| k.is_folder())
    }
}

impl<'de> Deserialize<'de> for Job {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        JobInfo::deserialize(deserializer).map(Job::from_info)
    }
}

impl Serialize for Job {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.info().serialize(serializer)
    }
}

fn kind_of(class: Option<&str>) -> Option<JobKind> {
    class.map(|c| c.parse().unwrap_or_else(|never| match never {}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_sorted_by_class_and_keep_what_they_do_not_know() {
        let json = serde_json::json!({
            "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
            "name": "app", "fullName": "team/app", "color": "red_anime",
            "lastBuild": {"number": 52, "url": "http://j/job/team/job/app/52/"},
            "lastFailedBuild": null,
            "resumeBlocked": false,
            "property": [{"_class": "hudson.model.ParametersDefinitionProperty",
                "parameterDefinitions": [{"name": "TAG", "type": "StringParameterDefinition",
                    "defaultParameterValue": {"value": "latest"}}]}]
        });
        let job: Job = serde_json::from_value(json.clone()).unwrap();
        let Job::Workflow(info) = &job else {
            panic!("{job:?}")
        };
        assert_eq!(info.full_name.as_deref(), Some("team/app"));
        assert_eq!(info.last_build.as_ref().unwrap().number, 52);
        assert_eq!(info.last_failed_build, None);
        assert!(info.color.as_ref().unwrap().is_building());
        assert_eq!(info.parameters().next().unwrap().name, "TAG");
        assert_eq!(info.extra["resumeBlocked"], false);
        assert_eq!(
            serde_json::to_value(&job).unwrap(),
            json,
            "a lossless round trip"
        );

        let other: Job = serde_json::from_value(
            serde_json::json!({"_class": "hudson.matrix.MatrixProject", "name": "m"}),
        )
        .unwrap();
        assert!(matches!(other, Job::Unknown(_)));
        assert_eq!(other.class(), Some("hudson.matrix.MatrixProject"));
        let old: Job =
            serde_json::from_value(serde_json::json!({"name": "x", "color": "disabled"})).unwrap();
        assert!(matches!(old, Job::Unknown(_)));
        assert!(old.info().is_disabled());
        let folder: Job = serde_json::from_value(serde_json::json!({
            "_class": "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
            "name": "multi", "jobs": [{"name": "feature%2Fx", "color": "blue"}]
        }))
        .unwrap();
        assert!(matches!(folder, Job::MultiBranch(_)) && folder.is_folder());
    }
}
