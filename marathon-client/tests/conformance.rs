//! Decodes every payload under `shared/upstream/marathon` (next to the
//! workspace) into the model of its endpoint, and checks that entity payloads
//! are written back without losing anything.
//!
//! Every file of the folder must be listed in [`FIXTURES`]: a new one makes
//! the test fail until it is given a decoder. When the folder is absent (a
//! checkout without it), the tests print a notice and pass.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use marathon_client::models::{
    App, AppList, AppSingle, AppVersions, Container, Deployment, DeploymentResult, DeploymentSteps,
    DockerContainer, Group, GroupVersions, HealthCheck, Info, KilledInstance, Leader, Message, Pod,
    PodStatus, Queue, TaskIds, TaskList, TaskSingle,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a payload and writes it back as a JSON value.
type Decoder = fn(&str, &[u8]) -> Result<Value, String>;

/// What to check after decoding.
#[derive(Clone, Copy)]
enum Expect {
    /// Written back, it equals the original.
    RoundTrip,
    /// Decoded, but written back in the current shape (the reason says how
    /// the old shape differs).
    Normalised(&'static str),
    /// Not decoded here (the reason says why).
    Skip(&'static str),
}

use Expect::{Normalised, RoundTrip, Skip};

const OTHER_CODE: &str =
    "events, event subscriptions and errors are decoded by their own modules; here only as JSON";

/// Every file of the folder, with its decoder.
const FIXTURES: &[(&str, Decoder, Expect)] = &[
    ("REPORT.md", none, Skip("notes")),
    ("SOURCES.md", none, Skip("notes")),
    ("app_check_http_request.json", app, RoundTrip),
    ("app_create_request_legacy.json", app, RoundTrip),
    ("app_create_response_201_legacy.json", app, RoundTrip),
    ("app_definition_full.json", app, RoundTrip),
    (
        "app_delete_response.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    (
        "app_get_embed_tasks_lastTaskFailure.jsonc",
        app_single,
        RoundTrip,
    ),
    ("app_get_unreachable_disabled.json", app_single, RoundTrip),
    (
        "app_patch_deployment_result.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    ("app_patch_request.json", app, RoundTrip),
    (
        "app_put_response.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    ("app_task_kill_single.json", typed::<TaskSingle>, RoundTrip),
    ("app_tasks_kill_legacy.json", typed::<TaskList>, RoundTrip),
    ("app_tasks_list.json", typed::<TaskList>, RoundTrip),
    ("app_tasks_list_legacy.json", typed::<TaskList>, RoundTrip),
    (
        "app_tasks_list_legacy.txt",
        none,
        Skip("text/plain task list, not JSON"),
    ),
    ("app_version_get_legacy.json", app, RoundTrip),
    ("app_versions_list.json", typed::<AppVersions>, RoundTrip),
    (
        "app_versions_list_legacy.json",
        typed::<AppVersions>,
        RoundTrip,
    ),
    ("apps_bulk_patch_request.json", apps, RoundTrip),
    ("apps_bulk_put_request.json", apps, RoundTrip),
    ("apps_list.json", app_list, RoundTrip),
    ("apps_list_embed_readiness.json", app_list, RoundTrip),
    ("apps_list_label_selector.json", app_list, RoundTrip),
    ("apps_list_legacy.json", app_list, RoundTrip),
    (
        "deployment_cancel_rollback.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    (
        "deployment_result.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    ("deployments_list.json", typed::<Vec<Deployment>>, RoundTrip),
    (
        "deployments_list_legacy_readiness.json",
        typed::<Vec<Deployment>>,
        Normalised("currentActions[].readinessChecks is written as readinessCheckResults"),
    ),
    (
        "deployments_list_pre_1.0.json",
        typed::<Vec<Deployment>>,
        Normalised("steps [[…]] are written as [{\"actions\": […]}]"),
    ),
    (
        "deployments_list_v1.1.1.json",
        typed::<Vec<Deployment>>,
        Normalised("actions[].type is written as action"),
    ),
    ("error_400_invalid_json.json", json, Skip(OTHER_CODE)),
    ("error_400_pod_id_mismatch.json", json, Skip(OTHER_CODE)),
    (
        "error_400_tasks_delete_unknown_id.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("error_401_unauthorized.json", json, Skip(OTHER_CODE)),
    ("error_403_forbidden.json", json, Skip(OTHER_CODE)),
    ("error_404_app_not_found.json", json, Skip(OTHER_CODE)),
    (
        "error_404_deployment_not_found.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("error_404_no_leader.json", json, Skip(OTHER_CODE)),
    ("error_404_task_not_found.json", json, Skip(OTHER_CODE)),
    (
        "error_405_events_wrong_accept.html",
        none,
        Skip("HTML error page"),
    ),
    ("error_409_app_exists.json", json, Skip(OTHER_CODE)),
    ("error_409_app_exists_legacy.json", json, Skip(OTHER_CODE)),
    ("error_409_app_locked.json", json, Skip(OTHER_CODE)),
    (
        "error_409_app_locked_transcript.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("error_409_group_exists.json", json, Skip(OTHER_CODE)),
    ("error_422_group_id_not_child.json", json, Skip(OTHER_CODE)),
    ("error_422_object_not_valid.json", json, Skip(OTHER_CODE)),
    ("error_422_role_enforced.json", json, Skip(OTHER_CODE)),
    ("event_subscription_subscribe.json", json, Skip(OTHER_CODE)),
    (
        "event_subscription_unsubscribe.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("event_subscriptions_list.json", json, Skip(OTHER_CODE)),
    ("events_add_health_check_event.json", json, Skip(OTHER_CODE)),
    ("events_api_post_event.json", json, Skip(OTHER_CODE)),
    ("events_app_terminated_event.json", json, Skip(OTHER_CODE)),
    ("events_deployment_failed.json", json, Skip(OTHER_CODE)),
    ("events_deployment_info.json", json, Skip(OTHER_CODE)),
    (
        "events_deployment_step_failure.json",
        json,
        Skip(OTHER_CODE),
    ),
    (
        "events_deployment_step_success.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_deployment_success.json", json, Skip(OTHER_CODE)),
    ("events_event_stream_attached.json", json, Skip(OTHER_CODE)),
    ("events_event_stream_detached.json", json, Skip(OTHER_CODE)),
    (
        "events_failed_health_check_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    (
        "events_framework_message_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_group_change_failed.json", json, Skip(OTHER_CODE)),
    ("events_group_change_success.json", json, Skip(OTHER_CODE)),
    (
        "events_health_status_changed_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_instance_changed_event.json", json, Skip(OTHER_CODE)),
    (
        "events_instance_health_changed_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    (
        "events_instance_health_changed_event_1.4.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_pod_created_event.json", json, Skip(OTHER_CODE)),
    ("events_pod_deleted_event.json", json, Skip(OTHER_CODE)),
    ("events_pod_updated_event.json", json, Skip(OTHER_CODE)),
    (
        "events_remove_health_check_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_sse_curl_attached.txt", none, Skip("SSE stream")),
    ("events_sse_data_only_legacy.txt", none, Skip("SSE stream")),
    ("events_sse_stream.txt", none, Skip("SSE stream")),
    ("events_status_update_event.json", json, Skip(OTHER_CODE)),
    ("events_subscribe_event.json", json, Skip(OTHER_CODE)),
    (
        "events_unhealthy_instance_kill_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    (
        "events_unhealthy_task_kill_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    (
        "events_unknown_instance_terminated_event.json",
        json,
        Skip(OTHER_CODE),
    ),
    ("events_unsubscribe_event.json", json, Skip(OTHER_CODE)),
    (
        "group_create_response_legacy.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    (
        "group_dry_run_steps.json",
        typed::<DeploymentSteps>,
        RoundTrip,
    ),
    (
        "group_dry_run_steps_legacy.json",
        typed::<DeploymentSteps>,
        Normalised("actions[].type is written as action"),
    ),
    ("group_get_legacy.json", group, RoundTrip),
    (
        "group_update_response.json",
        typed::<DeploymentResult>,
        RoundTrip,
    ),
    (
        "group_versions_list.json",
        typed::<GroupVersions>,
        RoundTrip,
    ),
    (
        "group_versions_list_legacy.json",
        typed::<GroupVersions>,
        RoundTrip,
    ),
    ("groups_root_nested.json", group, RoundTrip),
    ("groups_root_nested_legacy.json", group, RoundTrip),
    ("info.json", typed::<Info>, RoundTrip),
    ("info_legacy_0.7.json", typed::<Info>, RoundTrip),
    ("leader.json", typed::<Leader>, RoundTrip),
    ("leader_abdicate.json", typed::<Message>, RoundTrip),
    ("pod_create_response.json", typed::<Pod>, RoundTrip),
    ("pod_definition.json", typed::<Pod>, RoundTrip),
    (
        "pod_instance_delete_response.json",
        typed::<KilledInstance>,
        RoundTrip,
    ),
    ("pod_status.json", typed::<PodStatus>, RoundTrip),
    ("pods_status_all.json", typed::<Vec<PodStatus>>, RoundTrip),
    ("queue.json", queue, RoundTrip),
    ("queue_legacy.json", queue, RoundTrip),
    (
        "schema/AppDefinition.json",
        json,
        Skip("JSON Schema; see schema_fields_are_typed"),
    ),
    (
        "schema/Group.json",
        json,
        Skip("JSON Schema; see schema_fields_are_typed"),
    ),
    ("tasks_delete_request.json", typed::<TaskIds>, RoundTrip),
    ("tasks_list.json", typed::<TaskList>, RoundTrip),
    (
        "tasks_list.txt",
        none,
        Skip("text/plain task list, not JSON"),
    ),
    ("tasks_list_with_health.json", typed::<TaskList>, RoundTrip),
];

/// `<workspace>/../shared/upstream/marathon`.
fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/marathon")
}

/// The folder, or `None` after printing a notice when it is absent.
fn present() -> Option<PathBuf> {
    let dir = fixtures_dir();
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipping: {} not found", dir.display());
        None
    }
}

/// Every file under `dir`, as paths relative to it with `/` separators.
fn files_under(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(at) = stack.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                let parts: Vec<_> = rel.iter().map(|p| p.to_string_lossy()).collect();
                out.insert(parts.join("/"));
            }
        }
    }
    out
}

/// Removes `//` comments that start outside strings (so `http://` in a
/// string stays).
fn strip_line_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let (mut in_string, mut escaped) = (false, false);
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
        } else if c == '/' && chars.peek() == Some(&'/') {
            for rest in chars.by_ref() {
                if rest == '\n' {
                    out.push('\n');
                    break;
                }
            }
        } else {
            if c == '"' {
                in_string = true;
            }
            out.push(c);
        }
    }
    out
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    let bytes = std::fs::read(dir.join(name)).unwrap();
    if name.ends_with(".jsonc") {
        strip_line_comments(std::str::from_utf8(&bytes).unwrap()).into_bytes()
    } else {
        bytes
    }
}

/// Decodes with the client's decoder, so a failure names the failing field.
fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T, String> {
    dcos_auth::decode_json::<T>(bytes, || what.to_owned()).map_err(|e| {
        let mut text = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            text.push_str(&format!(": {s}"));
            source = s.source();
        }
        text
    })
}

fn write<T: Serialize>(value: &T) -> Result<Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn typed<T: DeserializeOwned + Serialize>(what: &str, bytes: &[u8]) -> Result<Value, String> {
    write(&decode::<T>(what, bytes)?)
}

fn json(what: &str, bytes: &[u8]) -> Result<Value, String> {
    decode::<Value>(what, bytes)
}

fn none(_: &str, _: &[u8]) -> Result<Value, String> {
    Ok(Value::Null)
}

/// Every top-level field of an upstream app is a typed field: only explicit
/// `null`s of known fields are in `extra`.
fn all_typed(what: &str, app: &App) -> Result<(), String> {
    let untyped: Vec<&String> = app
        .extra
        .iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| k)
        .collect();
    if untyped.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{what}: app {} has untyped fields {untyped:?}",
            app.id
        ))
    }
}

fn app(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let app: App = decode(what, bytes)?;
    all_typed(what, &app)?;
    write(&app)
}

fn apps(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let apps: Vec<App> = decode(what, bytes)?;
    apps.iter().try_for_each(|a| all_typed(what, a))?;
    write(&apps)
}

fn app_list(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let list: AppList = decode(what, bytes)?;
    list.apps.iter().try_for_each(|a| all_typed(what, a))?;
    write(&list)
}

fn app_single(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let single: AppSingle = decode(what, bytes)?;
    all_typed(what, &single.app)?;
    write(&single)
}

fn group(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let group: Group = decode(what, bytes)?;
    group
        .all_apps()
        .into_iter()
        .try_for_each(|a| all_typed(what, a))?;
    write(&group)
}

fn queue(what: &str, bytes: &[u8]) -> Result<Value, String> {
    let queue: Queue = decode(what, bytes)?;
    queue
        .queue
        .iter()
        .filter_map(|item| item.app.as_ref())
        .try_for_each(|a| all_typed(what, a))?;
    write(&queue)
}

/// Where `got` differs from `want`, if it does. Numbers compare by value:
/// `1` and `1.0` are the same JSON number (a float field writes `1.0`).
fn difference(path: &str, got: &Value, want: &Value) -> Option<String> {
    match (got, want) {
        (Value::Number(a), Value::Number(b)) => {
            (a.as_f64() != b.as_f64()).then(|| format!("{path}: wrote {a}, read {b}"))
        }
        (Value::Object(a), Value::Object(b)) => {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            keys.into_iter().find_map(|k| {
                let at = format!("{path}.{k}");
                match (a.get(k), b.get(k)) {
                    (Some(x), Some(y)) => difference(&at, x, y),
                    (Some(x), None) => Some(format!("{at}: wrote {x}, absent when read")),
                    (None, Some(y)) => Some(format!("{at}: lost (read {y})")),
                    (None, None) => None,
                }
            })
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| difference(&format!("{path}[{i}]"), x, y)),
        _ => (got != want).then(|| format!("{path}: wrote {got}, read {want}")),
    }
}

#[test]
fn every_fixture_is_listed() {
    let Some(dir) = present() else { return };
    let on_disk = files_under(&dir);
    let listed: BTreeSet<String> = FIXTURES.iter().map(|(n, ..)| (*n).to_owned()).collect();
    assert_eq!(listed.len(), FIXTURES.len(), "a fixture is listed twice");
    let unlisted: Vec<_> = on_disk.difference(&listed).collect();
    let missing: Vec<_> = listed.difference(&on_disk).collect();
    assert!(
        unlisted.is_empty(),
        "fixtures with no decoder in FIXTURES: {unlisted:?}"
    );
    assert!(
        missing.is_empty(),
        "listed fixtures not on disk: {missing:?}"
    );
    for (name, _, expect) in FIXTURES {
        match expect {
            Skip(why) => eprintln!("{name}: not checked against a model: {why}"),
            Normalised(how) => eprintln!("{name}: decoded, written normalised: {how}"),
            RoundTrip => {}
        }
    }
}

#[test]
fn every_fixture_decodes_and_entities_round_trip() {
    let Some(dir) = present() else { return };
    let mut failures = Vec::new();
    let (mut decoded, mut round_tripped) = (0, 0);
    for (name, decoder, expect) in FIXTURES {
        if !dir.join(name).is_file() {
            continue; // reported by every_fixture_is_listed
        }
        let is_json = name.ends_with(".json") || name.ends_with(".jsonc");
        if !is_json {
            assert!(
                matches!(expect, Skip(_)),
                "{name}: not JSON, must be skipped"
            );
            continue;
        }
        let bytes = read(&dir, name);
        let written = match decoder(name, &bytes) {
            Ok(value) => value,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        decoded += 1;
        if let RoundTrip = expect {
            let original: Value = serde_json::from_slice(&bytes).unwrap();
            match difference("", &written, &original) {
                None => round_tripped += 1,
                Some(diff) => failures.push(format!("{name}: round trip differs at {diff}")),
            }
        }
    }
    eprintln!("decoded {decoded} JSON fixtures; {round_tripped} round-tripped exactly");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn normalised_fixtures_write_the_current_shape() {
    let Some(dir) = present() else { return };
    for name in [
        "deployments_list_pre_1.0.json",
        "deployments_list_v1.1.1.json",
        "deployments_list_legacy_readiness.json",
    ] {
        let value = typed::<Vec<Deployment>>(name, &read(&dir, name)).unwrap();
        for step in value[0]["steps"].as_array().unwrap() {
            for action in step["actions"].as_array().unwrap() {
                assert!(action["action"].is_string(), "{name}: {action}");
                assert!(action.get("type").is_none(), "{name}: {action}");
            }
        }
    }
    let value = typed::<Vec<Deployment>>(
        "legacy readiness",
        &read(&dir, "deployments_list_legacy_readiness.json"),
    )
    .unwrap();
    let action = &value[0]["currentActions"][0];
    assert_eq!(action["readinessCheckResults"][0]["ready"], false);
}

/// A sample value of the schema's type for a property.
fn sample(schema: &Value) -> Value {
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    if schema.get("oneOf").is_some() {
        return schema["oneOf"][0]
            .get("enum")
            .and_then(|e| e.get(0))
            .cloned()
            .unwrap_or_else(|| serde_json::json!({}));
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return match reference {
            "#/definitions/pathType" => Value::from("/x"),
            _ => serde_json::json!([]), // containerPortMappings
        };
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => Value::from("x"),
        Some("integer") => Value::from(1),
        Some("number") => Value::from(1.5),
        Some("boolean") => Value::from(true),
        Some("array") => serde_json::json!([]),
        _ => serde_json::json!({}),
    }
}

/// Each property of `schema` decodes into a typed field of `T`, not `extra`.
fn assert_typed<T: DeserializeOwned>(
    what: &str,
    schema: &Value,
    base: Value,
    extra: fn(&T) -> &serde_json::Map<String, Value>,
) {
    let properties = schema["properties"].as_object().unwrap();
    assert!(!properties.is_empty(), "{what}");
    for (key, property) in properties {
        let mut object = base.clone();
        object[key] = sample(property);
        let decoded: T = serde_json::from_value(object.clone())
            .unwrap_or_else(|e| panic!("{what}.{key}: {object} does not decode: {e}"));
        assert!(
            !extra(&decoded).contains_key(key),
            "{what}.{key} is not a typed field"
        );
    }
}

#[test]
fn schema_fields_are_typed() {
    let Some(dir) = present() else { return };
    let app: Value = serde_json::from_slice(&read(&dir, "schema/AppDefinition.json")).unwrap();
    let id = || serde_json::json!({"id": "/a"});
    assert_typed::<App>("app", &app, id(), |a| &a.extra);
    let container = &app["properties"]["container"];
    assert_typed::<Container>("container", container, serde_json::json!({}), |c| &c.extra);
    assert_typed::<DockerContainer>(
        "container.docker",
        &container["properties"]["docker"],
        serde_json::json!({}),
        |d| &d.extra,
    );
    assert_typed::<HealthCheck>(
        "healthChecks[]",
        &app["properties"]["healthChecks"]["items"],
        serde_json::json!({}),
        |h| &h.extra,
    );

    // Nested objects, checked through a whole app so every type is reached.
    let nested = [
        ("container.appc", "/container/appc"),
        ("container.volumes[]", "/container/volumes/items"),
        (
            "container.volumes[].persistent",
            "/container/volumes/items/persistent",
        ),
        (
            "container.volumes[].external",
            "/container/volumes/items/external",
        ),
        ("fetch[]", "/fetch/items"),
        ("portDefinitions[]", "/portDefinitions/items"),
        ("readinessChecks[]", "/readinessChecks/items"),
        ("residency", "/residency"),
        ("upgradeStrategy", "/upgradeStrategy"),
        ("versionInfo", "/versionInfo"),
        ("networks[]", "/networks/items"),
        ("ipAddress", "/ipAddress"),
        (
            "ipAddress.discovery.ports[]",
            "/ipAddress/discovery/ports/items",
        ),
    ];
    for (what, pointer) in nested {
        let schema_pointer = pointer
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| match s {
                "items" => "items".to_owned(),
                other => format!("properties/{other}"),
            })
            .collect::<Vec<_>>()
            .join("/");
        let schema = app.pointer(&format!("/{schema_pointer}")).unwrap();
        let properties = schema["properties"].as_object().unwrap();
        for (key, property) in properties {
            let mut object = serde_json::Map::new();
            object.insert(key.clone(), sample(property));
            let inner = Value::Object(object);
            let whole = place(pointer, inner);
            let mut with_id = whole.as_object().unwrap().clone();
            with_id.insert("id".into(), "/a".into());
            let decoded: App = serde_json::from_value(Value::Object(with_id))
                .unwrap_or_else(|e| panic!("{what}.{key} does not decode: {e}"));
            let written = serde_json::to_value(&decoded).unwrap();
            let back = fetch(&written, pointer);
            assert!(back.get(key).is_some(), "{what}.{key} lost in {written}");
            assert!(
                extra_of(&decoded, pointer).is_none_or(|m| !m.contains_key(key)),
                "{what}.{key} is not a typed field"
            );
        }
    }

    let group: Value = serde_json::from_slice(&read(&dir, "schema/Group.json")).unwrap();
    assert_typed::<Group>("group", &group, id(), |g| &g.extra);
}

/// Builds the app object that holds `inner` at `pointer` (`items` is an
/// array element).
fn place(pointer: &str, inner: Value) -> Value {
    let parts: Vec<&str> = pointer.split('/').filter(|s| !s.is_empty()).collect();
    parts.iter().rev().fold(inner, |acc, part| match *part {
        "items" => Value::Array(vec![acc]),
        key => serde_json::json!({ key: acc }),
    })
}

/// The value at `pointer` in a written app (`items` is the first element).
fn fetch<'v>(app: &'v Value, pointer: &str) -> &'v Value {
    pointer
        .split('/')
        .filter(|s| !s.is_empty())
        .fold(app, |at, part| match part {
            "items" => &at[0],
            key => &at[key],
        })
}

/// The `extra` map of the nested model at `pointer`, for the pointers that
/// `schema_fields_are_typed` checks.
fn extra_of<'a>(app: &'a App, pointer: &str) -> Option<&'a serde_json::Map<String, Value>> {
    let container = app.container.as_ref();
    let volume = || container?.volumes.as_ref()?.first();
    let ip = app.ip_address.as_ref();
    Some(match pointer {
        "/container/appc" => &container?.appc.as_ref()?.extra,
        "/container/volumes/items" => &volume()?.extra,
        "/container/volumes/items/persistent" => &volume()?.persistent.as_ref()?.extra,
        "/container/volumes/items/external" => &volume()?.external.as_ref()?.extra,
        "/fetch/items" => &app.fetch.as_ref()?.first()?.extra,
        "/portDefinitions/items" => &app.port_definitions.as_ref()?.first()?.extra,
        "/readinessChecks/items" => &app.readiness_checks.as_ref()?.first()?.extra,
        "/residency" => &app.residency.as_ref()?.extra,
        "/upgradeStrategy" => &app.upgrade_strategy.as_ref()?.extra,
        "/versionInfo" => &app.version_info.as_ref()?.extra,
        "/networks/items" => &app.networks.as_ref()?.first()?.extra,
        "/ipAddress" => &ip?.extra,
        "/ipAddress/discovery/ports/items" => {
            &ip?.discovery.as_ref()?.ports.as_ref()?.first()?.extra
        }
        other => panic!("no extra_of for {other}"),
    })
}

#[test]
fn jsonc_comments_are_stripped_outside_strings() {
    let text = "{\"a\": \"http://x\", // note\n \"b\": 1 // more\n}";
    let value: Value = serde_json::from_str(&strip_line_comments(text)).unwrap();
    assert_eq!(value, serde_json::json!({"a": "http://x", "b": 1}));
}

#[test]
fn round_trip_differences_are_found() {
    let a = serde_json::json!({"x": [1, {"y": 2}], "z": 1.0});
    let b = serde_json::json!({"x": [1, {"y": 3}], "z": 1});
    assert_eq!(difference("", &a, &b).unwrap(), ".x[1].y: wrote 2, read 3");
    assert!(difference("", &a, &a).is_none());
    let lost = serde_json::json!({"x": [1, {"y": 2}], "z": 1, "w": null});
    assert!(difference("", &a, &lost).unwrap().contains("lost"));
}
