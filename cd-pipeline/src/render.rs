//! Rendering the Marathon app (or group) from the spec's JSON template:
//! values written at typed JSON paths, never by text replacement, and the
//! pipeline's labels stamped on every app.
//!
//! Two labels make a deploy safe to re-run and safe to clean up after:
//! - [`SPEC_HASH_LABEL`]: a SHA-256 of the rendered definition and the
//!   strategy; a running app with the same hash needs no deploy.
//! - [`OWNER_LABEL`]: the pipeline's service name; no strategy deletes or
//!   scales down an app that does not carry it with the same value.

use ring::digest;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::spec::{PipelineSpec, Placeholder, Strategy, TemplateKind};

/// The label holding the spec hash of the definition an app was deployed from.
pub const SPEC_HASH_LABEL: &str = "DCOS_CD_SPEC_HASH";
/// The label naming the pipeline (its service name) that created an app.
pub const OWNER_LABEL: &str = "DCOS_CD_PIPELINE";

/// A rendered definition, ready to apply.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Rendered {
    /// The app or group id (`/hello`).
    pub id: String,
    /// App or group.
    pub kind: TemplateKind,
    /// The definition, with the labels stamped.
    pub definition: Value,
    /// The spec hash stamped in [`SPEC_HASH_LABEL`].
    pub spec_hash: String,
    /// The image deployed.
    pub image: String,
}

/// Renders the spec's template for `image` (`repository:tag`): every
/// `[deploy.set]` value is rendered (`{image}`, `{tag}`, `{service}`) and
/// written at its JSON path, then the owner and spec-hash labels are stamped
/// on the app (or on every app of the group).
///
/// # Errors
/// [`Error::Refused`] when a value uses a placeholder that has no value at
/// deploy time (`{build_number}` outside a run), when a path cannot be
/// written, or when the result has no `id`.
pub fn render(spec: &PipelineSpec, image: &str) -> Result<Rendered> {
    let mut definition = spec.deploy.template.clone();
    let tag = image_tag(image).unwrap_or_default().to_owned();
    let value_of = |p: Placeholder| match p {
        Placeholder::Image => Some(image.to_owned()),
        Placeholder::Tag => Some(tag.clone()),
        Placeholder::Service => Some(spec.service.clone()),
        _ => None,
    };
    for sub in &spec.deploy.set {
        let value = sub.render(&value_of).map_err(|p| Error::Refused {
            reason: format!(
                "deploy.set.\"{}\": {{{}}} has no value at deploy time (only {{image}}, {{tag}} \
                 and {{service}} do)",
                sub.path.as_str(),
                p.name()
            ),
        })?;
        sub.path
            .set(&mut definition, value)
            .map_err(|why| Error::Refused {
                reason: format!("deploy.set.\"{}\": {why}", sub.path.as_str()),
            })?;
    }
    let id = definition
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| Error::Refused {
            reason: "the rendered template has no \"id\"".into(),
        })?
        .to_owned();
    let spec_hash = spec_hash(&definition, &spec.deploy.strategy);
    let kind = spec.deploy.kind;
    match kind {
        TemplateKind::App => stamp(&mut definition, &spec.service, &spec_hash),
        TemplateKind::Group => stamp_group(&mut definition, &spec.service, &spec_hash),
    }
    Ok(Rendered {
        id,
        kind,
        definition,
        spec_hash,
        image: image.to_owned(),
    })
}

/// The tag of an image reference (`reg:5000/app:1.2` → `1.2`), if it has one.
pub fn image_tag(image: &str) -> Option<&str> {
    let last = image.rsplit('/').next().unwrap_or(image);
    let last = last.split('@').next().unwrap_or(last);
    last.split_once(':').map(|(_, tag)| tag)
}

/// The SHA-256 (hex, first 16 bytes) of `definition` (its canonical JSON,
/// members sorted) and the strategy. It ignores the labels it is stamped in.
pub fn spec_hash(definition: &Value, strategy: &Strategy) -> String {
    let mut unstamped = definition.clone();
    strip_labels(&mut unstamped);
    let text = format!("{}\n{}", canonical(&unstamped), strategy_text(strategy));
    let digest = digest::digest(&digest::SHA256, text.as_bytes());
    digest.as_ref()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A stable text for a strategy.
pub fn strategy_text(strategy: &Strategy) -> String {
    match strategy {
        Strategy::Rolling => "rolling".into(),
        Strategy::BlueGreen => "blue-green".into(),
        Strategy::Canary { steps } => format!("canary{steps:?}"),
    }
}

/// JSON with object members sorted at every depth.
fn canonical(value: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for key in keys {
                    out.insert(key.clone(), sorted(&map[key]));
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

fn strip_labels(value: &mut Value) {
    if let Some(labels) = value.get_mut("labels").and_then(Value::as_object_mut) {
        labels.remove(SPEC_HASH_LABEL);
        labels.remove(OWNER_LABEL);
    }
    for key in ["apps", "groups"] {
        if let Some(items) = value.get_mut(key).and_then(Value::as_array_mut) {
            items.iter_mut().for_each(strip_labels);
        }
    }
}

/// Stamps the owner and spec-hash labels on one app definition.
pub fn stamp(app: &mut Value, owner: &str, spec_hash: &str) {
    set_label(app, OWNER_LABEL, owner);
    set_label(app, SPEC_HASH_LABEL, spec_hash);
}

fn stamp_group(group: &mut Value, owner: &str, spec_hash: &str) {
    if let Some(apps) = group.get_mut("apps").and_then(Value::as_array_mut) {
        for app in apps {
            stamp(app, owner, spec_hash);
        }
    }
    if let Some(groups) = group.get_mut("groups").and_then(Value::as_array_mut) {
        for sub in groups {
            stamp_group(sub, owner, spec_hash);
        }
    }
}

/// Sets one label of an app definition, creating `labels` when needed.
pub fn set_label(app: &mut Value, key: &str, value: &str) {
    let Some(object) = app.as_object_mut() else {
        return;
    };
    let labels = object
        .entry("labels")
        .or_insert_with(|| Value::Object(Map::new()));
    if !labels.is_object() {
        *labels = Value::Object(Map::new());
    }
    if let Some(labels) = labels.as_object_mut() {
        labels.insert(key.to_owned(), Value::String(value.to_owned()));
    }
}

/// Reads one label of an app definition.
pub fn label<'a>(app: &'a Value, key: &str) -> Option<&'a str> {
    app.get("labels")?.get(key)?.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(strategy: &str, set: &str) -> PipelineSpec {
        let text = format!(
            r#"service = "hello"
[build]
job = "cd/hello"
agent_label = "dind"
image = "registry.example.com/hello"
tag = "{{build_number}}"
jenkinsfile = {{ inline = "pipeline {{ }}" }}
[deploy]
strategy = {strategy}
template_inline = '''{{"id": "/hello", "instances": 2, "cpus": 0.1, "mem": 64,
  "container": {{"type": "DOCKER", "docker": {{"image": "placeholder"}}}},
  "labels": {{"team": "cd"}}}}'''
[deploy.set]
{set}
"#
        );
        PipelineSpec::parse(&text, "pipeline.toml").unwrap()
    }

    #[test]
    fn values_are_written_at_typed_paths_and_labels_stamped() {
        let spec = spec(
            "\"rolling\"",
            "\"container.docker.image\" = \"{image}\"\ninstances = 3\n\"env.TAG\" = \"{tag}\"",
        );
        let r = render(&spec, "registry.example.com/hello:42").unwrap();
        assert_eq!(r.id, "/hello");
        assert_eq!(
            r.definition["container"]["docker"]["image"],
            "registry.example.com/hello:42"
        );
        assert_eq!(r.definition["instances"], 3);
        assert_eq!(r.definition["env"]["TAG"], "42");
        assert_eq!(r.definition["labels"]["team"], "cd");
        assert_eq!(label(&r.definition, OWNER_LABEL), Some("hello"));
        assert_eq!(
            label(&r.definition, SPEC_HASH_LABEL),
            Some(r.spec_hash.as_str())
        );
        assert_eq!(r.spec_hash.len(), 32);
    }

    #[test]
    fn the_hash_follows_image_and_strategy_and_ignores_its_own_labels() {
        let set = "\"container.docker.image\" = \"{image}\"";
        let a = render(&spec("\"rolling\"", set), "r/hello:1").unwrap();
        let again = render(&spec("\"rolling\"", set), "r/hello:1").unwrap();
        let b = render(&spec("\"rolling\"", set), "r/hello:2").unwrap();
        let c = render(&spec("\"blue-green\"", set), "r/hello:1").unwrap();
        assert_eq!(a.spec_hash, again.spec_hash);
        assert_ne!(a.spec_hash, b.spec_hash);
        assert_ne!(a.spec_hash, c.spec_hash);
        assert_eq!(spec_hash(&a.definition, &Strategy::Rolling), a.spec_hash);
    }

    #[test]
    fn a_build_placeholder_at_deploy_time_is_refused_with_the_path() {
        let spec = spec("\"rolling\"", "\"env.BUILD\" = \"{build_number}\"");
        let err = render(&spec, "r/hello:1").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("env.BUILD"), "{text}");
        assert!(text.contains("{build_number}"), "{text}");
    }

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("reg:5000/app:1.2"), Some("1.2"));
        assert_eq!(image_tag("reg:5000/app"), None);
        assert_eq!(image_tag("app:latest"), Some("latest"));
    }
}
