//! Decodes every upstream Jenkins sample of the kinds this part of the
//! client owns (jobs, folders, views, plugins, users, whoAmI, crumbs and the
//! root) into its type, read from `../shared/upstream/jenkins` at run time
//! and skipped with a notice when that folder is absent. Every such file
//! must be listed here, so a new upstream file fails the test until it is
//! classified.
//!
//! The `.js` files are Node `util.inspect` printouts of real responses
//! (unquoted keys, single quotes): they are not JSON, and are asserted to
//! stay so rather than hand-converted. Builds, queue, nodes, wfapi and
//! console samples are decoded by their own conformance test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use jenkins_client::Crumb;
use jenkins_client::models::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How a file is checked.
enum Check {
    /// Decoded into its type, then asserted on.
    Decode(fn(&str)),
    /// A Node printout, not JSON (asserted to stay so).
    NodePrintout,
    /// A plain-text endpoint: the body as Jenkins sends it.
    Text(fn(&str)),
    /// Not an endpoint this client models (why).
    NotModelled(&'static str),
}

fn upstream() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/jenkins");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NOTICE: {} is absent; skipping", dir.display());
        None
    }
}

/// Decodes strictly, naming the failing field, and checks that writing the
/// model back gives the same JSON (unknown fields and nulls kept).
fn decode<T: DeserializeOwned + serde::Serialize>(text: &str) -> T {
    let value: Value = serde_json::from_str(text).unwrap();
    let mut de = serde_json::Deserializer::from_str(text);
    let model: T = serde_path_to_error::deserialize(&mut de)
        .unwrap_or_else(|e| panic!("{}: {e}", std::any::type_name::<T>()));
    assert_eq!(
        serde_json::to_value(&model).unwrap(),
        value,
        "{} does not round-trip",
        std::any::type_name::<T>()
    );
    model
}

fn table() -> Vec<(&'static str, Check)> {
    use Check::*;
    vec![
        (
            "crumbIssuer_api_json__DefaultCrumbIssuer__linuxsuren-blog.json",
            Decode(|t| {
                let c: Crumb = serde_json::from_str(t).unwrap();
                assert_eq!(c.field.as_str(), "jenkins-crumb");
                assert!(!c.value.expose().is_empty());
            }),
        ),
        (
            "crumbIssuer_api_json__legacy_dotcrumb__python-jenkins.json",
            Decode(|t| {
                let c: Crumb = serde_json::from_str(t).unwrap();
                assert_eq!(c.field.as_str(), ".crumb");
            }),
        ),
        (
            "folder_api_json_tree_jobs__cdancy.json",
            Decode(|t| {
                let list: JobList = decode(t);
                assert_eq!(list.jobs.len(), 1);
                assert_eq!(list.jobs[0].kind(), Some(JobKind::FreeStyleProject));
                assert_eq!(
                    list.class.as_deref(),
                    Some("com.cloudbees.hudson.plugins.folder.Folder")
                );
            }),
        ),
        (
            "job_folder_api_json__api4jenkins.json",
            Decode(|t| {
                let job: Job = decode(t);
                let Job::Folder(info) = &job else {
                    panic!("{job:?}")
                };
                let jobs = info.jobs.as_ref().unwrap();
                assert_eq!(jobs.len(), 4);
                assert_eq!(
                    jobs[2].kind(),
                    Some(JobKind::Unknown("hudson.matrix.MatrixProject".into()))
                );
                assert_eq!(jobs[3].kind(), Some(JobKind::Folder));
                assert_eq!(jobs[3].color, None, "folders have no ball");
                assert_eq!(info.primary_view.as_ref().unwrap().name, "All");
            }),
        ),
        (
            "job_freestyle_api_json__disabled__node-jenkins.json",
            Decode(|t| {
                let job: Job = decode(t);
                assert!(matches!(job, Job::Unknown(_)), "no _class before Jenkins 2");
                let info = job.info();
                assert!(info.is_disabled());
                assert_eq!(info.buildable, Some(false));
                assert_eq!(info.last_build, None);
                assert_eq!(info.builds.as_deref(), Some(&[][..]));
            }),
        ),
        (
            "job_freestyle_api_json__modern_class__jenkins-client-ts.js",
            NodePrintout,
        ),
        (
            "job_freestyle_api_json__never_built__node-jenkins.json",
            Decode(|t| {
                let job: Job = decode(t);
                assert_eq!(job.info().next_build_number, Some(1));
                assert_eq!(job.info().first_build, None);
            }),
        ),
        (
            "job_freestyle_api_json__params_inqueue_blocked__cdancy.json",
            Decode(|t| {
                let job: Job = decode(t);
                let info = job.info();
                assert_eq!(info.color, Some(BallColor::BlueAnime));
                assert_eq!(info.in_queue, Some(true));
                assert_eq!(info.queue_item.as_ref().unwrap()["id"], 71);
                let params: Vec<_> = info.parameters().collect();
                assert_eq!(params.len(), 2);
                assert_eq!(
                    params[0].kind.as_deref(),
                    Some("BooleanParameterDefinition")
                );
                assert_eq!(
                    params[1].default_value.as_ref().unwrap().value,
                    Some(Value::from("salmon"))
                );
                assert_eq!(info.last_completed_build.as_ref().unwrap().number, 6);
            }),
        ),
        (
            "job_lastBuild_buildNumber__cdancy.txt",
            Text(|t| assert_eq!(t.trim().parse::<u64>().unwrap(), 123)),
        ),
        (
            "job_lastBuild_buildTimestamp__cdancy.txt",
            NotModelled(
                "lastBuild/buildTimestamp is a server-locale date; builds carry `timestamp` in ms",
            ),
        ),
        (
            "job_multibranch_WorkflowMultiBranchProject_api_json__api4jenkins.json",
            Decode(|t| {
                let job: Job = decode(t);
                let Job::MultiBranch(info) = &job else {
                    panic!("{job:?}")
                };
                assert!(job.is_folder());
                let branch = &info.jobs.as_ref().unwrap()[0];
                assert_eq!(branch.name, "feature%2Fgithub-commands");
                assert_eq!(info.description, None);
                assert_eq!(info.views.as_ref().unwrap().len(), 2);
            }),
        ),
        (
            "job_pipeline_WorkflowJob_api_json__api4jenkins.json",
            Decode(|t| {
                let job: Job = decode(t);
                let Job::Workflow(info) = &job else {
                    panic!("{job:?}")
                };
                assert_eq!(info.builds.as_ref().unwrap().len(), 8);
                assert_eq!(info.last_build.as_ref().unwrap().number, 52);
                assert_eq!(info.last_successful_build.as_ref().unwrap().number, 49);
                assert_eq!(info.health_report.as_ref().unwrap()[0].score, Some(20));
                assert_eq!(info.color, Some(BallColor::Red));
                assert_eq!(info.concurrent_build, Some(true));
                assert_eq!(info.extra["resumeBlocked"], false);
            }),
        ),
        ("jobs_list_root_tree__jenkins-client-ts.js", NodePrintout),
        (
            "me_api_json__python-jenkins.json",
            Decode(|t| {
                let user: User = decode(t);
                assert_eq!(user.id, "jsmith");
                assert_eq!(user.full_name.as_deref(), Some("John Smith"));
            }),
        ),
        (
            "pluginManager_api_json_depth1__cdancy.json",
            Decode(|t| {
                let list: PluginList = decode(t);
                let p = &list.plugins[0];
                assert_eq!(p.short_name, "workflow-aggregator");
                assert_eq!((p.active, p.enabled), (Some(true), Some(true)));
                assert_eq!(p.dependencies.as_ref().unwrap().len(), 19);
            }),
        ),
        (
            "pluginManager_api_json_depth_2__node-jenkins.json",
            Decode(|t| {
                let list: PluginList = decode(t);
                assert!(list.plugins.len() > 2);
                assert!(list.plugins.iter().all(|p| p.version.is_some()));
            }),
        ),
        (
            "pluginManager_installStatus__api4jenkins.json",
            NotModelled("plugin installation is not part of this client"),
        ),
        ("pluginManager_plugins__jenkins-client-ts.js", NodePrintout),
        (
            "root_api_json__jobs_views__node-jenkins_2014.json",
            Decode(|t| {
                let root: JenkinsInfo = decode(t);
                assert_eq!(root.mode.as_deref(), Some("NORMAL"));
                assert_eq!(
                    root.jobs.as_ref().unwrap()[1].color,
                    Some(BallColor::NotBuilt)
                );
            }),
        ),
        (
            "root_api_json__nested_folder_tree__api4jenkins.json",
            Decode(|t| {
                let root: JenkinsInfo = decode(t);
                let folder = &root.jobs.as_ref().unwrap()[0];
                assert_eq!(folder.jobs.as_ref().unwrap().len(), 4);
                assert_eq!(root.use_crumbs, Some(false));
            }),
        ),
        (
            "root_api_json__two_views__node-jenkins_2014.json",
            Decode(|t| {
                let root: JenkinsInfo = decode(t);
                assert_eq!(root.views.as_ref().unwrap()[1].name, "Test");
                assert_eq!(root.num_executors, Some(2));
            }),
        ),
        (
            "root_api_json_tree_jobs_classes__cdancy_EDITED.json",
            Decode(|t| {
                let list: JobList = decode(t);
                let kinds: Vec<_> = list.jobs.iter().map(|j| j.kind().unwrap()).collect();
                assert_eq!(kinds[1], JobKind::WorkflowMultiBranchProject);
                assert_eq!(kinds[2], JobKind::Folder);
                assert!(matches!(kinds[3], JobKind::Unknown(_)));
                assert_eq!(kinds[5], JobKind::WorkflowJob);
            }),
        ),
        (
            "user_api_json__admin__cdancy.json",
            Decode(|t| {
                let user: User = decode(t);
                assert_eq!(user.id, "admin");
                assert_eq!(user.property.as_ref().unwrap().len(), 9);
            }),
        ),
        ("user_api_json__jenkins-client-ts.js", NodePrintout),
        (
            "user_generateNewToken_response__cdancy.json",
            NotModelled("API-token generation is not part of this client"),
        ),
        (
            "user_generateNewToken_result__jenkins-client-ts.js",
            NodePrintout,
        ),
        (
            "view_allview_api_json__api4jenkins.json",
            Decode(|t| {
                let view: View = decode(t);
                assert_eq!(view.class.as_deref(), Some("hudson.model.AllView"));
                assert_eq!(view.jobs.len(), 2);
            }),
        ),
        ("view_allview_api_json__jenkins-client-ts.js", NodePrintout),
        (
            "view_api_json__listview__node-jenkins.json",
            Decode(|t| {
                let view: View = decode(t);
                assert_eq!(view.jobs[0].color, Some(BallColor::Blue));
            }),
        ),
        (
            "view_config_listview__jenkins-client-ts.xml",
            NotModelled("a view's config.xml: views are read, not configured, by this client"),
        ),
        (
            "view_config_listview__node-jenkins.xml",
            NotModelled("a view's config.xml: views are read, not configured, by this client"),
        ),
        ("views_list__jenkins-client-ts.js", NodePrintout),
        ("whoAmI_api_json__jenkins-client-ts.js", NodePrintout),
    ]
}

const OWNED: &[&str] = &[
    "crumbIssuer_",
    "folder_",
    "job_",
    "jobs_",
    "me_",
    "pluginManager_",
    "root_",
    "user_",
    "view",
    "whoAmI_",
];

#[test]
fn every_upstream_job_view_plugin_and_user_file_is_listed_and_decodes() {
    let Some(dir) = upstream() else {
        return;
    };
    let table = table();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| OWNED.iter().any(|p| n.starts_with(p)))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "classify every upstream file in the table");
    for (name, check) in table {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        match check {
            Check::Decode(f) | Check::Text(f) => f(&text),
            Check::NodePrintout => {
                assert!(name.ends_with(".js"), "{name}");
                assert!(
                    serde_json::from_str::<Value>(&text).is_err(),
                    "{name} is JSON now: decode it"
                );
            }
            Check::NotModelled(reason) => eprintln!("not modelled: {name} ({reason})"),
        }
    }
}

#[test]
fn the_whoami_printout_has_the_fields_the_model_reads() {
    // The only whoAmI sample is a Node printout; check its field names
    // against the model without converting it.
    let Some(dir) = upstream() else {
        return;
    };
    let text = std::fs::read_to_string(dir.join("whoAmI_api_json__jenkins-client-ts.js")).unwrap();
    for field in [
        "_class:",
        "anonymous:",
        "authenticated:",
        "authorities:",
        "name:",
    ] {
        assert!(text.contains(field), "{field}");
    }
    let me: WhoAmI = serde_json::from_value(serde_json::json!({
        "_class": "hudson.security.WhoAmI", "anonymous": false, "authenticated": true,
        "authorities": ["authenticated"], "name": "admin"
    }))
    .unwrap();
    assert_eq!(me.name, "admin");
}
