//! The JSON Jenkins answers: root, jobs, folders, builds, queue items,
//! computers and the stage view.

use serde_json::{Value, json};

use super::config::Kind;
use super::state::{Build, Item, JenkinsState, QueueItem, Stage, Task};
use super::{AGENT_LABEL, JENKINS_VERSION};

/// Percent-encodes one path segment (everything but unreserved characters).
pub(crate) fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URL of an item: `<root>job/a/job/b/`.
pub(crate) fn item_url(root: &str, full_name: &str) -> String {
    let mut url = root.to_owned();
    for segment in full_name.split('/').filter(|s| !s.is_empty()) {
        url.push_str("job/");
        url.push_str(&encode_segment(segment));
        url.push('/');
    }
    url
}

/// The URL of a build.
pub(crate) fn build_url(root: &str, full_name: &str, number: u64) -> String {
    format!("{}{number}/", item_url(root, full_name))
}

/// `a » b`: the display form of a full name.
fn full_display(full_name: &str) -> String {
    full_name.replace('/', " » ")
}

fn leaf(full_name: &str) -> &str {
    full_name.rsplit('/').next().unwrap_or(full_name)
}

/// The ball colour of a job.
pub(crate) fn color(item: &Item) -> String {
    if item.config.disabled {
        return "disabled".to_owned();
    }
    let last_done = item.builds.values().rev().find(|b| !b.building);
    let base = last_done
        .and_then(|b| b.result)
        .map_or("notbuilt", |r| r.color());
    if item.builds.values().any(|b| b.building) {
        format!("{base}_anime")
    } else {
        base.to_owned()
    }
}

fn build_ref(item: &Item, root: &str, full: &str, build: Option<&Build>) -> Value {
    match build {
        Some(b) => json!({
            "_class": item.config.kind.build_class(),
            "number": b.number,
            "url": build_url(root, full, b.number),
        }),
        None => Value::Null,
    }
}

/// A short job entry, as listed in `jobs`.
pub(crate) fn job_entry(root: &str, full: &str, item: &Item) -> Value {
    let mut entry = json!({
        "_class": item.config.kind.class(),
        "name": leaf(full),
        "url": item_url(root, full),
    });
    if item.config.kind != Kind::Folder {
        entry["color"] = Value::String(color(item));
    }
    entry
}

fn parameter_property(item: &Item) -> Vec<Value> {
    if item.config.params.is_empty() {
        return Vec::new();
    }
    let defs: Vec<Value> = item
        .config
        .params
        .iter()
        .map(|p| {
            let value = if p.class.contains("Boolean") {
                json!(p.default.trim() == "true")
            } else {
                json!(p.default)
            };
            json!({
                "_class": p.class,
                "defaultParameterValue": {
                    "_class": p.value_class(),
                    "name": p.name,
                    "value": value,
                },
                "description": p.description,
                "name": p.name,
                "type": p.type_name(),
            })
        })
        .collect();
    vec![json!({
        "_class": "hudson.model.ParametersDefinitionProperty",
        "parameterDefinitions": defs,
    })]
}

/// `GET /job/…/api/json` of a job or folder. `expanded` (when `tree=` is
/// given) renders builds and child jobs whole, so that a tree can reach
/// their properties (`builds[number,queueId]`, `jobs[name,jobs[name]]`).
pub(crate) fn item_json(
    state: &JenkinsState,
    root: &str,
    full: &str,
    item: &Item,
    now_ms: i64,
    expanded: bool,
) -> Value {
    let url = item_url(root, full);
    let mut v = json!({
        "_class": item.config.kind.class(),
        "actions": [{}],
        "description": item.config.description,
        "displayName": leaf(full),
        "displayNameOrNull": null,
        "fullDisplayName": full_display(full),
        "fullName": full,
        "name": leaf(full),
        "url": url,
    });
    if item.config.kind == Kind::Folder {
        let jobs: Vec<Value> = state
            .children(full)
            .into_iter()
            .map(|(name, child)| {
                if expanded {
                    item_json(state, root, name, child, now_ms, true)
                } else {
                    job_entry(root, name, child)
                }
            })
            .collect();
        v["healthReport"] = json!([]);
        v["jobs"] = Value::Array(jobs);
        v["primaryView"] = json!({"_class": "hudson.model.AllView", "name": "All", "url": url});
        v["views"] = json!([{"_class": "hudson.model.AllView", "name": "All", "url": url}]);
        return v;
    }
    let builds: Vec<&Build> = item.builds.values().rev().collect();
    let find = |pred: &dyn Fn(&Build) -> bool| builds.iter().copied().find(|b| pred(b));
    use super::state::BuildResult as R;
    let queue_item = state
        .queue
        .values()
        .find(|q| q.task == Task::Job(full.to_owned()) && !matches!(q.stage, Stage::Left { .. }));
    let map = |b: Option<&Build>| match (b, expanded) {
        (Some(b), true) => build_json(root, full, item, b, now_ms),
        (b, _) => build_ref(item, root, full, b),
    };
    let obj = v.as_object_mut();
    if let Some(o) = obj {
        o.insert("buildable".into(), json!(item.buildable()));
        o.insert(
            "builds".into(),
            Value::Array(builds.iter().take(100).map(|b| map(Some(b))).collect()),
        );
        o.insert("color".into(), json!(color(item)));
        o.insert("firstBuild".into(), map(item.builds.values().next()));
        o.insert("healthReport".into(), json!([]));
        o.insert("inQueue".into(), json!(queue_item.is_some()));
        o.insert("keepDependencies".into(), json!(false));
        o.insert("lastBuild".into(), map(builds.first().copied()));
        o.insert("lastCompletedBuild".into(), map(find(&|b| !b.building)));
        o.insert(
            "lastFailedBuild".into(),
            map(find(&|b| b.result == Some(R::Failure))),
        );
        o.insert(
            "lastStableBuild".into(),
            map(find(&|b| b.result == Some(R::Success))),
        );
        o.insert(
            "lastSuccessfulBuild".into(),
            map(find(&|b| b.result == Some(R::Success))),
        );
        o.insert("lastUnstableBuild".into(), Value::Null);
        o.insert(
            "lastUnsuccessfulBuild".into(),
            map(find(&|b| matches!(b.result, Some(R::Failure | R::Aborted)))),
        );
        o.insert("nextBuildNumber".into(), json!(item.next_build));
        o.insert("property".into(), Value::Array(parameter_property(item)));
        o.insert(
            "queueItem".into(),
            queue_item.map_or(Value::Null, |q| queue_item_json(state, root, q)),
        );
        o.insert("concurrentBuild".into(), json!(true));
        o.insert("disabled".into(), json!(item.config.disabled));
        match item.config.kind {
            Kind::Pipeline => {
                o.insert("resumeBlocked".into(), json!(false));
            }
            _ => {
                o.insert("downstreamProjects".into(), json!([]));
                o.insert("labelExpression".into(), json!(item.config.label));
                o.insert("scm".into(), json!({"_class": "hudson.scm.NullSCM"}));
                o.insert("upstreamProjects".into(), json!([]));
            }
        }
    }
    v
}

/// `GET /api/json` (`expanded` as for [`item_json`]).
pub(crate) fn root_json(state: &JenkinsState, root: &str, now_ms: i64, expanded: bool) -> Value {
    let jobs: Vec<Value> = state
        .children("")
        .into_iter()
        .map(|(name, item)| {
            if expanded {
                item_json(state, root, name, item, now_ms, true)
            } else {
                job_entry(root, name, item)
            }
        })
        .collect();
    json!({
        "_class": "hudson.model.Hudson",
        "assignedLabels": [{"name": "built-in"}],
        "mode": "EXCLUSIVE",
        "nodeDescription": "the Jenkins controller's built-in node",
        "nodeName": "",
        "numExecutors": 0,
        "description": format!("Jenkins {JENKINS_VERSION} on DC/OS (dcos-sim)"),
        "jobs": jobs,
        "overallLoad": {},
        "primaryView": {"_class": "hudson.model.AllView", "name": "all", "url": root},
        "quietingDown": false,
        "slaveAgentPort": 50000,
        "unlabeledLoad": {"_class": "jenkins.model.UnlabeledLoadStatistics"},
        "url": root,
        "useCrumbs": true,
        "useSecurity": true,
        "views": [{"_class": "hudson.model.AllView", "name": "all", "url": root}],
    })
}

fn param_json(p: &super::state::ParamValue) -> Value {
    let value = if p.class.contains("Boolean") {
        json!(p.value.trim() == "true")
    } else if p.class.contains("Password") {
        Value::Null
    } else {
        json!(p.value)
    };
    json!({"_class": p.class, "name": p.name, "value": value})
}

fn actions(params: &[super::state::ParamValue], user: &str) -> Vec<Value> {
    let mut actions = Vec::new();
    if !params.is_empty() {
        actions.push(json!({
            "_class": "hudson.model.ParametersAction",
            "parameters": params.iter().map(param_json).collect::<Vec<_>>(),
        }));
    }
    actions.push(json!({
        "_class": "hudson.model.CauseAction",
        "causes": [{
            "_class": "hudson.model.Cause$UserIdCause",
            "shortDescription": format!("Started by user {user}"),
            "userId": user,
            "userName": user,
        }],
    }));
    actions
}

/// `GET /job/…/N/api/json`.
pub(crate) fn build_json(root: &str, full: &str, item: &Item, build: &Build, now_ms: i64) -> Value {
    let url = build_url(root, full, build.number);
    let duration = if build.building { 0 } else { build.duration_ms };
    let prev = item
        .builds
        .range(..build.number)
        .next_back()
        .map(|(n, _)| *n);
    let next = item
        .builds
        .range(build.number + 1..)
        .next()
        .map(|(n, _)| *n);
    let link = |n: Option<u64>| match n {
        Some(n) => json!({"number": n, "url": build_url(root, full, n)}),
        None => Value::Null,
    };
    let estimated = item
        .builds
        .values()
        .rev()
        .find(|b| !b.building)
        .map_or(-1, |b| b.duration_ms);
    let executor = if build.building {
        json!({
            "_class": "hudson.model.OneOffExecutor",
            "currentExecutable": {"_class": item.config.kind.build_class()},
            "idle": false,
            "likelyStuck": false,
            "number": -1,
            "progress": if estimated > 0 { ((now_ms - build.timestamp_ms) * 100 / estimated).clamp(0, 99) } else { -1 },
        })
    } else {
        Value::Null
    };
    let mut v = json!({
        "_class": item.config.kind.build_class(),
        "actions": actions(&build.params, &build.user),
        "artifacts": [],
        "building": build.building,
        "description": null,
        "displayName": format!("#{}", build.number),
        "duration": duration,
        "estimatedDuration": estimated,
        "executor": executor,
        "fullDisplayName": format!("{} #{}", full_display(full), build.number),
        "id": build.number.to_string(),
        "keepLog": false,
        "number": build.number,
        "queueId": build.queue_id,
        "result": build.result.map(|r| r.as_str()),
        "timestamp": build.timestamp_ms,
        "url": url,
        "culprits": [],
        "nextBuild": link(next),
        "previousBuild": link(prev),
    });
    if item.config.kind == Kind::Pipeline {
        v["changeSets"] = json!([]);
        v["inProgress"] = json!(build.building);
    } else {
        v["builtOn"] = json!(build.node.clone().unwrap_or_default());
        v["changeSet"] =
            json!({"_class": "hudson.scm.EmptyChangeLogSet", "items": [], "kind": null});
    }
    v
}

/// `GET /queue/item/N/api/json`.
pub(crate) fn queue_item_json(state: &JenkinsState, root: &str, q: &QueueItem) -> Value {
    let (class, blocked, buildable) = match q.stage {
        Stage::Waiting => ("hudson.model.Queue$WaitingItem", false, false),
        Stage::Buildable { .. } => ("hudson.model.Queue$BuildableItem", false, true),
        Stage::Left { .. } => ("hudson.model.Queue$LeftItem", false, false),
    };
    let task = match &q.task {
        Task::Job(full) => match state.items.get(full) {
            Some(item) => job_entry(root, full, item),
            None => {
                json!({"_class": super::config::PIPELINE_CLASS, "name": leaf(full), "url": item_url(root, full)})
            }
        },
        Task::Placeholder { .. } => json!({
            "_class": "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask",
        }),
    };
    let params: String = q
        .params
        .iter()
        .map(|p| format!("\n{}={}", p.name, p.value))
        .collect();
    let mut v = json!({
        "_class": class,
        "actions": actions(&q.params, &q.user),
        "blocked": blocked,
        "buildable": buildable,
        "id": q.id,
        "inQueueSince": q.in_queue_since_ms,
        "params": params,
        "stuck": q.stuck,
        "task": task,
        "url": format!("queue/item/{}/", q.id),
        "why": q.why,
    });
    match q.stage {
        Stage::Waiting => v["timestamp"] = json!(q.quiet_until_ms),
        Stage::Buildable { since_ms } => {
            v["buildableStartMilliseconds"] = json!(since_ms);
            v["pending"] = json!(false);
        }
        Stage::Left {
            executable,
            cancelled,
            ..
        } => {
            v["why"] = Value::Null;
            v["cancelled"] = json!(cancelled);
            let (job, class) = match &q.task {
                Task::Job(full) => (
                    full.clone(),
                    state
                        .items
                        .get(full)
                        .map_or(Kind::Pipeline, |i| i.config.kind)
                        .build_class(),
                ),
                Task::Placeholder { job, .. } => (
                    job.clone(),
                    "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask$PlaceholderExecutable",
                ),
            };
            v["executable"] = match executable {
                Some(n) => json!({"_class": class, "number": n, "url": build_url(root, &job, n)}),
                None => Value::Null,
            };
        }
    }
    v
}

/// `GET /queue/api/json`: the items still in the queue.
pub(crate) fn queue_json(state: &JenkinsState, root: &str) -> Value {
    let items: Vec<Value> = state
        .queue
        .values()
        .filter(|q| !matches!(q.stage, Stage::Left { .. }))
        .map(|q| queue_item_json(state, root, q))
        .collect();
    json!({"_class": "hudson.model.Queue", "discoverableItems": [], "items": items})
}

fn monitor_data() -> Value {
    json!({
        "hudson.node_monitors.SwapSpaceMonitor": null,
        "hudson.node_monitors.TemporarySpaceMonitor": null,
        "hudson.node_monitors.DiskSpaceMonitor": null,
        "hudson.node_monitors.ArchitectureMonitor": null,
        "hudson.node_monitors.ResponseTimeMonitor": null,
        "hudson.node_monitors.ClockMonitor": null,
    })
}

/// The built-in node.
fn built_in() -> Value {
    json!({
        "_class": "hudson.model.Hudson$MasterComputer",
        "actions": [],
        "assignedLabels": [{"name": "built-in"}],
        "description": "the Jenkins controller's built-in node",
        "displayName": "Built-In Node",
        "executors": [],
        "icon": "symbol-computer",
        "iconClassName": "symbol-computer",
        "idle": true,
        "jnlpAgent": false,
        "launchSupported": true,
        "loadStatistics": {"_class": "hudson.model.Label$1"},
        "manualLaunchAllowed": true,
        "monitorData": monitor_data(),
        "numExecutors": 0,
        "offline": false,
        "offlineCause": null,
        "offlineCauseReason": "",
        "oneOffExecutors": [],
        "temporarilyOffline": false,
    })
}

/// One Mesos agent node.
pub(crate) fn agent_json(agent: &super::state::Agent) -> Value {
    json!({
        "_class": "org.jenkinsci.plugins.mesos.MesosComputer",
        "actions": [],
        "assignedLabels": [{"name": agent.label}, {"name": agent.name}],
        "description": format!("Mesos agent of the {AGENT_LABEL} template"),
        "displayName": agent.name,
        "executors": [{}],
        "icon": if agent.online { "symbol-computer" } else { "symbol-computer-offline" },
        "iconClassName": if agent.online { "symbol-computer" } else { "symbol-computer-offline" },
        "idle": agent.busy.is_none(),
        "jnlpAgent": true,
        "launchSupported": false,
        "loadStatistics": {"_class": "hudson.model.Label$1"},
        "manualLaunchAllowed": false,
        "monitorData": monitor_data(),
        "numExecutors": 1,
        "offline": !agent.online,
        "offlineCause": null,
        "offlineCauseReason": "",
        "oneOffExecutors": [],
        "temporarilyOffline": false,
        "absoluteRemotePath": if agent.online { json!("/home/jenkins/agent") } else { Value::Null },
    })
}

/// `GET /computer/api/json`.
pub(crate) fn computers_json(state: &JenkinsState) -> Value {
    let mut computers = vec![built_in()];
    computers.extend(state.agents.values().map(agent_json));
    let busy = state.agents.values().filter(|a| a.busy.is_some()).count();
    json!({
        "_class": "hudson.model.ComputerSet",
        "busyExecutors": busy,
        "computer": computers,
        "displayName": "Nodes",
        "totalExecutors": state.agents.values().filter(|a| a.online).count(),
    })
}

/// `GET /computer/<name>/api/json`.
pub(crate) fn computer_json(state: &JenkinsState, name: &str) -> Option<Value> {
    if matches!(name, "(built-in)" | "(master)") {
        return Some(built_in());
    }
    state.agents.get(name).map(agent_json)
}

/// `GET /job/…/wfapi/describe`: a Pipeline job.
pub(crate) fn job_describe_json(root_path: &str, full: &str, item: &Item) -> Value {
    let base = item_url(root_path, full);
    json!({
        "_links": {
            "self": {"href": format!("{base}wfapi/describe")},
            "runs": {"href": format!("{base}wfapi/runs")},
        },
        "name": leaf(full),
        "runCount": item.builds.len(),
    })
}

/// `GET /job/…/wfapi/runs`: the last ten runs, newest first.
pub(crate) fn runs_json(root_path: &str, full: &str, item: &Item, now_ms: i64) -> Value {
    Value::Array(
        item.builds
            .values()
            .rev()
            .take(10)
            .map(|b| describe_json(root_path, full, b, now_ms))
            .collect(),
    )
}

/// `GET /job/…/N/wfapi/describe`.
pub(crate) fn describe_json(root_path: &str, full: &str, build: &Build, now_ms: i64) -> Value {
    let base = format!("{}{}/", item_url(root_path, full), build.number);
    let end = if build.building {
        now_ms
    } else {
        build.timestamp_ms + build.duration_ms
    };
    let status = match build.result {
        None => "IN_PROGRESS",
        Some(r) => r.stage_status(),
    };
    let stages: Vec<Value> = build
        .stages
        .iter()
        .map(|s| {
            let duration = if s.status == "IN_PROGRESS" {
                now_ms - s.start_ms
            } else {
                s.duration_ms
            };
            json!({
                "_links": {"self": {"href": format!("{base}execution/node/{}/wfapi/describe", s.id)}},
                "id": s.id.to_string(),
                "name": s.name,
                "execNode": "",
                "status": s.status,
                "startTimeMillis": s.start_ms,
                "durationMillis": duration.max(0),
                "pauseDurationMillis": 0,
            })
        })
        .collect();
    json!({
        "_links": {"self": {"href": format!("{base}wfapi/describe")}},
        "id": build.number.to_string(),
        "name": format!("#{}", build.number),
        "status": status,
        "startTimeMillis": build.timestamp_ms,
        "endTimeMillis": end,
        "durationMillis": (end - build.timestamp_ms).max(0),
        "queueDurationMillis": (build.timestamp_ms - build.queued_ms).max(0),
        "pauseDurationMillis": 0,
        "stages": stages,
    })
}
