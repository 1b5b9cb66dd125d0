//! App definitions: ids, the server's defaults, type checks (`400 Invalid
//! JSON`), validation (`422 Object is not valid`), and the rules read from a
//! definition (resources, upgrade strategy, the broken-app rule).

use serde_json::{Map, Value, json};

/// One field error: the JSON path and its messages.
pub(crate) type FieldError = (String, String);

/// The regular expression Marathon gives in its id errors.
const ID_PATTERN: &str = "^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$";

/// Makes `raw` absolute against group `base` (`/` for the root), resolving
/// `.` and `..`, with no trailing slash (`/` stays `/`).
pub(crate) fn canonical_id(raw: &str, base: &str) -> String {
    let mut parts: Vec<&str> = if raw.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|s| !s.is_empty()).collect()
    };
    for segment in raw.split('/').filter(|s| !s.is_empty()) {
        match segment {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Whether one id segment is valid.
fn valid_segment(s: &str) -> bool {
    s.split('.').all(|label| {
        !label.is_empty()
            && label
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// Whether a raw id (absolute or relative) is valid.
pub(crate) fn valid_id(raw: &str) -> bool {
    raw.split('/')
        .filter(|s| !s.is_empty())
        .all(|s| s == "." || s == ".." || valid_segment(s))
}

/// The parent group of an absolute id (`/` for top-level ids).
pub(crate) fn parent(id: &str) -> String {
    match id.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => id[..i].to_owned(),
    }
}

/// Whether `id` is `group` or under it.
pub(crate) fn is_under(id: &str, group: &str) -> bool {
    group == "/" || id == group || id.starts_with(&format!("{group}/"))
}

/// `/prod/web` as Marathon writes it in task ids: `prod_web`.
pub(crate) fn safe_name(id: &str) -> String {
    id.trim_start_matches('/').replace('/', "_")
}

/// The play-json error name for a value that is not of the expected type.
fn expected(kind: &str) -> String {
    format!("error.expected.{kind}")
}

/// Checks the JSON types of the fields the simulator reads, as Marathon's
/// JSON reader does: `400 Invalid JSON` with the failing paths.
pub(crate) fn type_errors(app: &Map<String, Value>, prefix: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    type Check = (&'static str, fn(&Value) -> bool, &'static str);
    let checks: [Check; 18] = [
        ("id", Value::is_string, "jsstring"),
        ("cmd", Value::is_string, "jsstring"),
        ("user", Value::is_string, "jsstring"),
        ("instances", Value::is_number, "jsnumber"),
        ("cpus", Value::is_number, "jsnumber"),
        ("mem", Value::is_number, "jsnumber"),
        ("disk", Value::is_number, "jsnumber"),
        ("gpus", Value::is_number, "jsnumber"),
        ("backoffSeconds", Value::is_number, "jsnumber"),
        ("backoffFactor", Value::is_number, "jsnumber"),
        ("maxLaunchDelaySeconds", Value::is_number, "jsnumber"),
        ("args", Value::is_array, "jsarray"),
        ("env", Value::is_object, "jsobject"),
        ("labels", Value::is_object, "jsobject"),
        ("healthChecks", Value::is_array, "jsarray"),
        ("portDefinitions", Value::is_array, "jsarray"),
        ("upgradeStrategy", Value::is_object, "jsobject"),
        ("container", Value::is_object, "jsobject"),
    ];
    for (key, ok, kind) in checks {
        if let Some(v) = app.get(key) {
            if !v.is_null() && !ok(v) {
                errors.push((format!("{prefix}/{key}"), expected(kind)));
            }
        }
    }
    if let Some(Value::Object(strategy)) = app.get("upgradeStrategy") {
        for key in ["minimumHealthCapacity", "maximumOverCapacity"] {
            if strategy.get(key).is_some_and(|v| !v.is_number()) {
                errors.push((
                    format!("{prefix}/upgradeStrategy/{key}"),
                    expected("jsnumber"),
                ));
            }
        }
    }
    if let Some(Value::Object(env)) = app.get("env") {
        for (key, v) in env {
            if !v.is_string() && !v.get("secret").is_some_and(Value::is_string) {
                errors.push((format!("{prefix}/env/{key}"), expected("jsstring")));
            }
        }
    }
    errors
}

/// Fills Marathon's defaults into an app definition (absolute id already
/// set), keeping every field it does not know.
pub(crate) fn with_defaults(mut app: Map<String, Value>) -> Map<String, Value> {
    let defaults = [
        ("instances", json!(1)),
        ("cpus", json!(1.0)),
        ("mem", json!(128.0)),
        ("disk", json!(0.0)),
        ("gpus", json!(0)),
        ("executor", json!("")),
        ("constraints", json!([])),
        ("fetch", json!([])),
        ("backoffSeconds", json!(1)),
        ("backoffFactor", json!(1.15)),
        ("maxLaunchDelaySeconds", json!(300)),
        ("env", json!({})),
        ("labels", json!({})),
        ("healthChecks", json!([])),
        ("readinessChecks", json!([])),
        ("dependencies", json!([])),
        ("secrets", json!({})),
        ("requirePorts", json!(false)),
        ("killSelection", json!("YOUNGEST_FIRST")),
        (
            "unreachableStrategy",
            json!({ "inactiveAfterSeconds": 0, "expungeAfterSeconds": 0 }),
        ),
        ("networks", json!([{ "mode": "host" }])),
        ("role", json!("*")),
    ];
    for (key, value) in defaults {
        if app.get(key).is_none_or(Value::is_null) {
            app.insert(key.to_owned(), value);
        }
    }
    let mut strategy = app
        .get("upgradeStrategy")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    strategy
        .entry("minimumHealthCapacity")
        .or_insert(json!(1.0));
    strategy.entry("maximumOverCapacity").or_insert(json!(1.0));
    app.insert("upgradeStrategy".into(), Value::Object(strategy));
    let checks: Vec<Value> = app
        .get("healthChecks")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|check| match check {
            Value::Object(mut c) => {
                for (key, value) in [
                    ("gracePeriodSeconds", json!(300)),
                    ("intervalSeconds", json!(60)),
                    ("timeoutSeconds", json!(20)),
                    ("maxConsecutiveFailures", json!(3)),
                    ("delaySeconds", json!(15)),
                ] {
                    c.entry(key).or_insert(value);
                }
                Value::Object(c)
            }
            other => other,
        })
        .collect();
    app.insert("healthChecks".into(), Value::Array(checks));
    let has_mappings = container_port_mappings(&app).is_some();
    if !has_mappings && app.get("portDefinitions").is_none_or(Value::is_null) {
        app.insert(
            "portDefinitions".into(),
            json!([{ "port": 0, "protocol": "tcp", "name": "default" }]),
        );
    }
    app
}

fn container_port_mappings(app: &Map<String, Value>) -> Option<&Vec<Value>> {
    let container = app.get("container")?;
    container
        .get("portMappings")
        .or_else(|| container.get("docker").and_then(|d| d.get("portMappings")))
        .and_then(Value::as_array)
}

/// Validates a definition with defaults filled: the `422` details.
pub(crate) fn validate(app: &Map<String, Value>, prefix: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let raw_id = app.get("id").and_then(Value::as_str).unwrap_or_default();
    if raw_id.is_empty() || raw_id == "/" {
        errors.push((format!("{prefix}/id"), "error.path.missing".to_owned()));
    } else if !valid_id(raw_id) {
        errors.push((
            format!("{prefix}/id"),
            format!("must fully match regular expression '{ID_PATTERN}'"),
        ));
    }
    let has_cmd = app.get("cmd").is_some_and(|v| !v.is_null());
    let has_args = app.get("args").is_some_and(|v| !v.is_null());
    let has_container = app.get("container").is_some_and(|v| !v.is_null());
    if (has_cmd && has_args) || (!has_cmd && !has_args && !has_container) {
        errors.push((
            prefix_or_root(prefix),
            "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'."
                .to_owned(),
        ));
    }
    for (key, min) in [
        ("instances", 0.0),
        ("cpus", 0.0),
        ("mem", 0.0),
        ("disk", 0.0),
    ] {
        if let Some(n) = app.get(key).and_then(Value::as_f64) {
            if n < min {
                errors.push((
                    format!("{prefix}/{key}"),
                    format!("got {n}, expected {min} or more"),
                ));
            }
        }
    }
    if let Some(strategy) = app.get("upgradeStrategy") {
        for key in ["minimumHealthCapacity", "maximumOverCapacity"] {
            if let Some(n) = strategy.get(key).and_then(Value::as_f64) {
                let path = format!("{prefix}/upgradeStrategy/{key}");
                if n > 1.0 {
                    errors.push((path, "is greater than 1".to_owned()));
                } else if n < 0.0 {
                    errors.push((path, "is less than 0".to_owned()));
                }
            }
        }
    }
    errors
}

fn prefix_or_root(prefix: &str) -> String {
    if prefix.is_empty() {
        "/".to_owned()
    } else {
        prefix.to_owned()
    }
}

/// A number field, or `default`.
pub(crate) fn number(app: &Value, key: &str, default: f64) -> f64 {
    app.get(key).and_then(Value::as_f64).unwrap_or(default)
}

/// The target instance count.
pub(crate) fn instances(app: &Value) -> usize {
    app.get("instances").and_then(Value::as_u64).unwrap_or(1) as usize
}

/// `(minimumHealthCapacity, maximumOverCapacity)`.
pub(crate) fn strategy(app: &Value) -> (f64, f64) {
    let s = app.get("upgradeStrategy");
    let get = |key: &str| {
        s.and_then(|s| s.get(key))
            .and_then(Value::as_f64)
            .unwrap_or(1.0)
    };
    (
        get("minimumHealthCapacity").clamp(0.0, 1.0),
        get("maximumOverCapacity").clamp(0.0, 1.0),
    )
}

/// How many host ports an instance needs.
pub(crate) fn port_count(app: &Value) -> u64 {
    if let Some(map) = app.as_object() {
        if let Some(mappings) = container_port_mappings(map) {
            return mappings
                .iter()
                .filter(|m| m.get("hostPort").is_some_and(|p| !p.is_null()))
                .count() as u64;
        }
    }
    app.get("portDefinitions")
        .and_then(Value::as_array)
        .map_or(0, |p| p.len() as u64)
}

/// The Docker image, if any.
pub(crate) fn image(app: &Value) -> Option<&str> {
    app.get("container")
        .and_then(|c| c.get("docker"))
        .and_then(|d| d.get("image"))
        .and_then(Value::as_str)
}

/// Whether the app has health checks.
pub(crate) fn has_health_checks(app: &Value) -> bool {
    app.get("healthChecks")
        .and_then(Value::as_array)
        .is_some_and(|h| !h.is_empty())
}

/// The documented broken-app rule: env `SIM_BROKEN=true`, or a Docker image
/// whose tag ends in `broken` (`repo/app:broken`, `repo/app:1.2-broken`).
pub(crate) fn is_broken(app: &Value) -> bool {
    let env = app
        .get("env")
        .and_then(|e| e.get("SIM_BROKEN"))
        .and_then(Value::as_str)
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let tag = image(app)
        .and_then(|i| i.rsplit_once(':'))
        .is_some_and(|(repo, tag)| {
            !tag.contains('/') && !repo.is_empty() && tag.ends_with("broken")
        });
    env || tag
}

/// The fields that do not change the configuration of running tasks.
const NOT_CONFIG: [&str; 4] = ["instances", "version", "versionInfo", "deployments"];

/// Whether two definitions differ in more than the instance count.
pub(crate) fn config_differs(a: &Value, b: &Value) -> bool {
    let strip = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(map) = v.as_object_mut() {
            for key in NOT_CONFIG {
                map.remove(key);
            }
        }
        v
    };
    strip(a) != strip(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_made_absolute_and_checked() {
        assert_eq!(canonical_id("web", "/prod"), "/prod/web");
        assert_eq!(canonical_id("../web", "/prod/a"), "/prod/web");
        assert_eq!(canonical_id("/x/", "/prod"), "/x");
        assert!(valid_id("/prod/web-1.v2"));
        assert!(!valid_id("/Prod"));
        assert!(!valid_id("/a/-b"));
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert!(is_under("/a/b", "/a") && !is_under("/ab", "/a"));
    }

    #[test]
    fn the_broken_rule_reads_env_and_image_tag() {
        assert!(is_broken(&json!({"env": {"SIM_BROKEN": "true"}})));
        assert!(is_broken(
            &json!({"container": {"docker": {"image": "reg:5000/app:broken"}}})
        ));
        assert!(!is_broken(
            &json!({"container": {"docker": {"image": "reg:5000/app"}}})
        ));
        assert!(!is_broken(&json!({"env": {"SIM_BROKEN": "no"}})));
    }

    #[test]
    fn validation_names_the_paths() {
        let app = with_defaults(
            json!({"id": "/a", "cmd": "x", "instances": -1, "upgradeStrategy": {"minimumHealthCapacity": 2}})
                .as_object()
                .cloned()
                .unwrap_or_default(),
        );
        let errors = validate(&app, "");
        assert!(errors.contains(&("/instances".into(), "got -1, expected 0 or more".into())));
        assert!(errors.contains(&(
            "/upgradeStrategy/minimumHealthCapacity".into(),
            "is greater than 1".into()
        )));
        let types = type_errors(
            json!({"id": 3, "instances": "two"}).as_object().unwrap(),
            "",
        );
        assert_eq!(types.len(), 2);
    }
}
