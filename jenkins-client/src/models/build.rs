//! Builds (runs): `GET job/<path>/<n>/api/json`.
//!
//! A build is finished when `building` is `false`. `result` is `null` while it
//! runs, but a Pipeline may set it early (say to `FAILURE` before its `post`
//! steps end), so a result alone never means the build is over.

use dcos_auth::{json_model, string_enum};
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::tagged::{class_of, variant};
use super::{BuildRef, ParameterValue};

string_enum! {
    /// How a finished build ended (`hudson.model.Result`).
    pub enum BuildResult {
        /// All went well.
        Success = "SUCCESS",
        /// Built, but tests failed or a step marked it unstable.
        Unstable = "UNSTABLE",
        /// A step failed.
        Failure = "FAILURE",
        /// Not built, as a stage skipped or a multi-stage build stopped early.
        NotBuilt = "NOT_BUILT",
        /// Stopped by a user or a timeout.
        Aborted = "ABORTED",
    }
}

impl BuildResult {
    /// Whether this is [`BuildResult::Success`].
    pub fn is_success(&self) -> bool {
        matches!(self, BuildResult::Success)
    }
}

json_model! {
    /// A build, as `GET job/<path>/<n>/api/json` returns it.
    ///
    /// Every field is optional because a `tree=` query picks the fields sent.
    pub struct Build {
        /// The Java class: `hudson.model.FreeStyleBuild`,
        /// `org.jenkinsci.plugins.workflow.job.WorkflowRun`… (absent before
        /// Jenkins 2).
        "_class" class: Option<String>,
        /// The build number.
        "number" number: Option<u64>,
        /// The build id: the number as text (a timestamp before Jenkins 1.597).
        "id" id: Option<String>,
        /// The absolute URL, from Jenkins' configured root URL. Do not follow
        /// it: the client rebases it onto its own base.
        "url" url: Option<String>,
        /// How it ended; `null` while it runs.
        "result" result: Option<BuildResult>,
        /// Whether it is still running. `false` means finished.
        "building" building: Option<bool>,
        /// Sent by some servers and plugins; no captured payload has it.
        "inProgress" in_progress: Option<bool>,
        /// How long it took, in milliseconds (0 while running).
        "duration" duration: Option<u64>,
        /// How long Jenkins expects it to take, in milliseconds (-1 if unknown).
        "estimatedDuration" estimated_duration: Option<i64>,
        /// When it was scheduled to start, in milliseconds since the epoch.
        "timestamp" timestamp: Option<u64>,
        /// `#12` or a name set by the build.
        "displayName" display_name: Option<String>,
        /// `folder » job #12`.
        "fullDisplayName" full_display_name: Option<String>,
        /// A description set by a user or the build.
        "description" description: Option<String>,
        /// The node it ran on; `""` for the built-in node.
        "builtOn" built_on: Option<String>,
        /// The id of the queue item that started it.
        "queueId" queue_id: Option<u64>,
        /// Whether the build is kept forever.
        "keepLog" keep_log: Option<bool>,
        /// Actions: causes, parameters, test results and any plugin's.
        "actions" actions: Option<Vec<BuildAction>>,
        /// Archived artifacts.
        "artifacts" artifacts: Option<Vec<Artifact>>,
        /// The changes of a freestyle build (one SCM).
        "changeSet" change_set: Option<ChangeSet>,
        /// The changes of a Pipeline run (one set per SCM checkout).
        "changeSets" change_sets: Option<Vec<ChangeSet>>,
        /// The authors of the changes since the last successful build.
        "culprits" culprits: Option<Vec<UserRef>>,
        /// The executor running it (`{}` without depth), `null` once finished.
        "executor" executor: Option<Value>,
        /// The previous build.
        "previousBuild" previous_build: Option<BuildRef>,
        /// The next build.
        "nextBuild" next_build: Option<BuildRef>,
    }
}

impl Build {
    /// Whether the build is over: `building` is `false`. A set `result` alone
    /// does not mean it (a Pipeline sets it before its `post` steps end).
    pub fn is_finished(&self) -> bool {
        self.building == Some(false)
    }

    /// The causes of every cause action, in order.
    pub fn causes(&self) -> impl Iterator<Item = &Cause> {
        self.actions
            .iter()
            .flatten()
            .filter_map(|a| match a {
                BuildAction::Causes(c) => c.causes.as_deref(),
                _ => None,
            })
            .flatten()
    }

    /// The parameter values of every parameters action, in order.
    pub fn parameters(&self) -> impl Iterator<Item = &ParameterValue> {
        self.actions
            .iter()
            .flatten()
            .filter_map(|a| match a {
                BuildAction::Parameters(p) => p.parameters.as_deref(),
                _ => None,
            })
            .flatten()
    }

    /// The value of parameter `name`, if the build has it.
    pub fn parameter(&self, name: &str) -> Option<&Value> {
        self.parameters()
            .find(|p| p.name.as_deref() == Some(name))
            .and_then(|p| p.value.as_ref())
    }

    /// The test result summary, when the build recorded tests.
    pub fn test_results(&self) -> Option<&TestResultAction> {
        self.actions.iter().flatten().find_map(|a| match a {
            BuildAction::TestResults(t) => Some(t),
            _ => None,
        })
    }

    /// Every change of the build: `changeSets` (Pipeline) or `changeSet`
    /// (freestyle).
    pub fn changes(&self) -> impl Iterator<Item = &ChangeSetItem> {
        self.change_sets
            .iter()
            .flatten()
            .chain(self.change_set.iter())
            .filter_map(|set| set.items.as_deref())
            .flatten()
    }
}

json_model! {
    /// `job/<path>/api/json?tree=builds[number,queueId,url]`: a job's recent
    /// builds (at most about 100; `allBuilds` is never asked for).
    pub struct BuildList {
        /// The builds, newest first.
        "builds" builds: Option<Vec<BuildRef>>,
    }
}

/// One entry of a build's `actions`, chosen by `_class`.
///
/// Jenkins sends `{}` for every action that exports nothing, and plugins add
/// classes at will: those are [`BuildAction::Empty`] and
/// [`BuildAction::Unknown`]. Payloads from before Jenkins 2 have no `_class`;
/// their causes and parameters are recognised by their keys.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BuildAction {
    /// `hudson.model.CauseAction`: why the build started.
    Causes(CauseAction),
    /// `hudson.model.ParametersAction`: the parameter values.
    Parameters(ParametersAction),
    /// `hudson.tasks.junit.TestResultAction` and the other test result
    /// actions: pass, fail and skip counts.
    TestResults(TestResultAction),
    /// `{}`: an action with nothing exported.
    Empty,
    /// Any other action, kept as sent.
    Unknown(Map<String, Value>),
}

const TEST_RESULT_CLASSES: &[&str] = &[
    "hudson.tasks.junit.TestResultAction",
    "hudson.tasks.test.AggregatedTestResultAction",
    "hudson.maven.reporters.SurefireAggregatedReport",
    "hudson.tasks.test.TestResultProjectAction",
];

impl<'de> Deserialize<'de> for BuildAction {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        if map.is_empty() {
            return Ok(BuildAction::Empty);
        }
        let kind = match class_of(&map) {
            Some("hudson.model.CauseAction") => Kind::Causes,
            Some("hudson.model.ParametersAction") => Kind::Parameters,
            Some(c) if TEST_RESULT_CLASSES.contains(&c) => Kind::Tests,
            Some(_) => Kind::Unknown,
            None if map.contains_key("causes") => Kind::Causes,
            None if map.contains_key("parameters") => Kind::Parameters,
            None if map.contains_key("failCount") && map.contains_key("totalCount") => Kind::Tests,
            None => Kind::Unknown,
        };
        Ok(match kind {
            Kind::Causes => BuildAction::Causes(variant(map, "CauseAction")?),
            Kind::Parameters => BuildAction::Parameters(variant(map, "ParametersAction")?),
            Kind::Tests => BuildAction::TestResults(variant(map, "TestResultAction")?),
            Kind::Unknown => BuildAction::Unknown(map),
        })
    }
}

enum Kind {
    Causes,
    Parameters,
    Tests,
    Unknown,
}

impl Serialize for BuildAction {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BuildAction::Causes(a) => a.serialize(serializer),
            BuildAction::Parameters(a) => a.serialize(serializer),
            BuildAction::TestResults(a) => a.serialize(serializer),
            BuildAction::Empty => Map::new().serialize(serializer),
            BuildAction::Unknown(map) => map.serialize(serializer),
        }
    }
}

impl dcos_auth::model::Field for BuildAction {
    fn is_unset(&self) -> bool {
        false
    }
}

json_model! {
    /// `hudson.model.CauseAction`.
    pub struct CauseAction {
        /// The Java class (absent before Jenkins 2).
        "_class" class: Option<String>,
        /// The causes.
        "causes" causes: Option<Vec<Cause>>,
    }
}

json_model! {
    /// Why a build started: `hudson.model.Cause$UserIdCause`,
    /// `Cause$UpstreamCause`, `hudson.triggers.SCMTrigger$SCMTriggerCause`,
    /// `hudson.model.Cause$RemoteCause`, a replay…
    pub struct Cause {
        /// The Java class.
        "_class" class: Option<String>,
        /// `Started by user admin`.
        "shortDescription" short_description: Option<String>,
        /// The user id, for a user cause.
        "userId" user_id: Option<String>,
        /// The user's name, for a user cause.
        "userName" user_name: Option<String>,
        /// The upstream job's full name, for an upstream cause.
        "upstreamProject" upstream_project: Option<String>,
        /// The upstream build number, for an upstream cause.
        "upstreamBuild" upstream_build: Option<u64>,
        /// The upstream build's URL relative to the root, for an upstream cause.
        "upstreamUrl" upstream_url: Option<String>,
        /// The remote address, for a remote (token) cause.
        "addr" addr: Option<String>,
        /// The note given with the token, for a remote cause.
        "note" note: Option<String>,
    }
}

json_model! {
    /// `hudson.model.ParametersAction`.
    pub struct ParametersAction {
        /// The Java class (absent before Jenkins 2).
        "_class" class: Option<String>,
        /// The parameter values.
        "parameters" parameters: Option<Vec<ParameterValue>>,
    }
}

/// Reading a parameter's value.
impl ParameterValue {
    /// The value as text, when it is a string.
    pub fn as_str(&self) -> Option<&str> {
        self.value.as_ref().and_then(Value::as_str)
    }

    /// The value as a boolean, when it is one.
    pub fn as_bool(&self) -> Option<bool> {
        self.value.as_ref().and_then(Value::as_bool)
    }
}

json_model! {
    /// A test result summary attached to a build.
    pub struct TestResultAction {
        /// The Java class.
        "_class" class: Option<String>,
        /// Failed tests.
        "failCount" fail_count: Option<u64>,
        /// Skipped tests.
        "skipCount" skip_count: Option<u64>,
        /// All tests.
        "totalCount" total_count: Option<u64>,
        /// `testReport`: the path of the report under the build.
        "urlName" url_name: Option<String>,
    }
}

json_model! {
    /// An archived artifact.
    pub struct Artifact {
        /// The name shown (the file name, or more when names clash).
        "displayPath" display_path: Option<String>,
        /// The file name.
        "fileName" file_name: Option<String>,
        /// The path under the build's `artifact/`, with `/` separators.
        "relativePath" relative_path: String,
    }
}

json_model! {
    /// The changes of one SCM in a build.
    pub struct ChangeSet {
        /// The Java class: `hudson.plugins.git.GitChangeSetList`,
        /// `hudson.scm.EmptyChangeLogSet`…
        "_class" class: Option<String>,
        /// `git`, `svn`, or `null`.
        "kind" kind: Option<String>,
        /// The commits.
        "items" items: Option<Vec<ChangeSetItem>>,
    }
}

json_model! {
    /// One commit of a change set.
    pub struct ChangeSetItem {
        /// The Java class.
        "_class" class: Option<String>,
        /// The commit id.
        "commitId" commit_id: Option<String>,
        /// The commit id again (git).
        "id" id: Option<String>,
        /// When it was committed, in milliseconds since the epoch.
        "timestamp" timestamp: Option<i64>,
        /// The author.
        "author" author: Option<UserRef>,
        /// The author's e-mail address (git).
        "authorEmail" author_email: Option<String>,
        /// The full commit message.
        "comment" comment: Option<String>,
        /// The first line of the message.
        "msg" msg: Option<String>,
        /// The commit date as text.
        "date" date: Option<String>,
        /// The paths changed.
        "affectedPaths" affected_paths: Option<Vec<String>>,
        /// The paths changed, with how.
        "paths" paths: Option<Vec<ChangePath>>,
    }
}

json_model! {
    /// One path of a commit.
    pub struct ChangePath {
        /// `add`, `edit` or `delete`.
        "editType" edit_type: Option<String>,
        /// The path.
        "file" file: Option<String>,
    }
}

json_model! {
    /// A Jenkins user, as a change author or culprit.
    pub struct UserRef {
        /// The user's page.
        "absoluteUrl" absolute_url: Option<String>,
        /// The user's full name.
        "fullName" full_name: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_running_build_has_a_null_result() {
        let build: Build = serde_json::from_str(
            r#"{"number":3,"building":true,"result":null,"actions":[{},{"_class":"x.Y","a":1}]}"#,
        )
        .unwrap();
        assert_eq!(build.result, None);
        assert!(!build.is_finished());
        assert_eq!(build.actions.as_ref().unwrap()[0], BuildAction::Empty);
        assert!(
            matches!(&build.actions.as_ref().unwrap()[1], BuildAction::Unknown(m) if m["a"] == 1)
        );
        let back: Value = serde_json::to_value(&build).unwrap();
        assert_eq!(back["result"], Value::Null);
        assert_eq!(back["actions"][0], serde_json::json!({}));
    }

    #[test]
    fn a_result_before_building_ends_is_not_the_end() {
        let build: Build = serde_json::from_str(r#"{"building":true,"result":"FAILURE"}"#).unwrap();
        assert_eq!(build.result, Some(BuildResult::Failure));
        assert!(!build.is_finished());
    }

    #[test]
    fn causes_and_parameters_are_found_with_or_without_class() {
        let build: Build = serde_json::from_str(
            r#"{"actions":[{"parameters":[{"name":"bear","value":true}]},
                {"_class":"hudson.model.CauseAction","causes":[{"shortDescription":"Started by user a","userId":"a"}]},
                {"_class":"hudson.tasks.junit.TestResultAction","failCount":1,"skipCount":0,"totalCount":3,"urlName":"testReport"}]}"#,
        )
        .unwrap();
        assert_eq!(build.parameter("bear"), Some(&Value::Bool(true)));
        assert_eq!(build.causes().next().unwrap().user_id.as_deref(), Some("a"));
        assert_eq!(build.test_results().unwrap().fail_count, Some(1));
    }

    #[test]
    fn unknown_results_are_kept() {
        let r: BuildResult = serde_json::from_str(r#""CANCELLED""#).unwrap();
        assert_eq!(r, BuildResult::Unknown("CANCELLED".into()));
        assert!(!r.is_success());
    }

    #[test]
    fn a_bad_known_action_names_the_class() {
        let err = serde_json::from_str::<BuildAction>(
            r#"{"_class":"hudson.model.CauseAction","causes":3}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("CauseAction"), "{err}");
    }
}
