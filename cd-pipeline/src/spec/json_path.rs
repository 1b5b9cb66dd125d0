//! [`JsonPath`]: where a deploy value goes in the Marathon JSON template.

use std::fmt;

use serde_json::Value;

/// One step of a [`JsonPath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
}

/// A dotted path into JSON, such as `container.docker.image` or
/// `container.portMappings.0.containerPort` (a number is an array index).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct JsonPath {
    source: String,
    segments: Vec<Segment>,
}

impl JsonPath {
    /// Parses a dotted path; empty segments are refused.
    pub fn parse(source: &str) -> Result<Self, String> {
        if source.is_empty() {
            return Err("the path is empty".into());
        }
        let segments = source
            .split('.')
            .map(|s| match s {
                "" => Err(format!("empty segment in `{source}`")),
                s if s.bytes().all(|b| b.is_ascii_digit()) => s
                    .parse()
                    .map(Segment::Index)
                    .map_err(|_| format!("index `{s}` is too large")),
                s => Ok(Segment::Key(s.to_owned())),
            })
            .collect::<Result<_, _>>()?;
        Ok(JsonPath {
            source: source.to_owned(),
            segments,
        })
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The value at the path, if there is one.
    pub fn get<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        self.segments.iter().try_fold(root, |v, s| match s {
            Segment::Key(k) => v.get(k),
            Segment::Index(i) => v.get(i),
        })
    }

    /// Checks that `value` may be written at the path of `root`: every step
    /// that exists has the right shape (an object for a key, an array long
    /// enough for an index), and an existing non-null value has the same
    /// JSON type as `value`. Missing object members are fine; they are
    /// created.
    pub fn check(&self, root: &Value, value: &Value) -> Result<(), String> {
        let mut current = Some(root);
        for (depth, segment) in self.segments.iter().enumerate() {
            let Some(here) = current else { break };
            let at = self.prefix(depth);
            current = match (segment, here) {
                (Segment::Key(k), Value::Object(map)) => map.get(k),
                (Segment::Index(i), Value::Array(items)) => match items.get(*i) {
                    Some(item) => Some(item),
                    None => {
                        return Err(format!(
                            "`{at}` has {} elements, index {i} is out of range",
                            items.len()
                        ));
                    }
                },
                (Segment::Index(i), Value::Null) => {
                    return Err(format!("`{at}` is null, index {i} cannot be set"));
                }
                (Segment::Key(_), Value::Null) => None,
                (_, other) => {
                    return Err(format!(
                        "`{at}` is {} in the template, not {}",
                        type_name(other),
                        match segment {
                            Segment::Key(_) => "an object",
                            Segment::Index(_) => "an array",
                        }
                    ));
                }
            };
        }
        match current {
            Some(existing) if !existing.is_null() && !same_type(existing, value) => Err(format!(
                "the template has {} at `{}`, the spec sets {}",
                type_name(existing),
                self.source,
                type_name(value)
            )),
            _ => Ok(()),
        }
    }

    /// Writes `value` at the path, creating missing object members.
    /// Errors as [`JsonPath::check`] does.
    pub fn set(&self, root: &mut Value, value: Value) -> Result<(), String> {
        self.check(root, &value)?;
        let mut current = root;
        for segment in &self.segments {
            current = match segment {
                Segment::Key(k) => {
                    if current.is_null() {
                        *current = Value::Object(serde_json::Map::new());
                    }
                    match current {
                        Value::Object(map) => map.entry(k.clone()).or_insert(Value::Null),
                        _ => return Err(format!("`{}` is not an object", self.source)),
                    }
                }
                Segment::Index(i) => match current.get_mut(*i) {
                    Some(item) => item,
                    None => return Err(format!("index {i} is out of range in `{}`", self.source)),
                },
            };
        }
        *current = value;
        Ok(())
    }

    fn prefix(&self, depth: usize) -> String {
        if depth == 0 {
            return "(root)".into();
        }
        self.source
            .split('.')
            .take(depth)
            .collect::<Vec<_>>()
            .join(".")
    }
}

impl fmt::Display for JsonPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn same_type(a: &Value, b: &Value) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// `a string`, `a number`…
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parses_keys_and_indexes() {
        let p = JsonPath::parse("container.portMappings.0.containerPort").unwrap();
        assert_eq!(p.segments()[2], Segment::Index(0));
        assert_eq!(p.segments()[3], Segment::Key("containerPort".into()));
        assert!(JsonPath::parse("").is_err());
        assert!(
            JsonPath::parse("a..b")
                .unwrap_err()
                .contains("empty segment")
        );
        assert!(JsonPath::parse("a.99999999999999999999999").is_err());
    }

    #[test]
    fn sets_existing_and_missing_members() {
        let mut app =
            json!({"id": "/hello", "instances": 1, "container": {"docker": {"image": "x"}}});
        JsonPath::parse("container.docker.image")
            .unwrap()
            .set(&mut app, json!("r/hello:7"))
            .unwrap();
        JsonPath::parse("labels.TEAM")
            .unwrap()
            .set(&mut app, json!("cd"))
            .unwrap();
        JsonPath::parse("instances")
            .unwrap()
            .set(&mut app, json!(3))
            .unwrap();
        assert_eq!(app["container"]["docker"]["image"], "r/hello:7");
        assert_eq!(app["labels"]["TEAM"], "cd");
        assert_eq!(app["instances"], 3);
        let p = JsonPath::parse("labels.TEAM").unwrap();
        assert_eq!(p.get(&app), Some(&json!("cd")));
    }

    #[test]
    fn sets_array_elements_in_range_only() {
        let mut app = json!({"portDefinitions": [{"port": 0}]});
        let p = JsonPath::parse("portDefinitions.0.port").unwrap();
        p.set(&mut app, json!(8080)).unwrap();
        assert_eq!(app["portDefinitions"][0]["port"], 8080);
        let e = JsonPath::parse("portDefinitions.1.port")
            .unwrap()
            .set(&mut app, json!(1))
            .unwrap_err();
        assert!(e.contains("index 1 is out of range"), "{e}");
    }

    #[test]
    fn type_mismatches_are_refused() {
        let app = json!({"instances": 1, "cmd": "run", "container": "oops"});
        let e = JsonPath::parse("instances")
            .unwrap()
            .check(&app, &json!("3"))
            .unwrap_err();
        assert_eq!(
            e,
            "the template has a number at `instances`, the spec sets a string"
        );
        let e = JsonPath::parse("container.docker")
            .unwrap()
            .check(&app, &json!({}))
            .unwrap_err();
        assert!(e.contains("`container` is a string in the template"), "{e}");
        let e = JsonPath::parse("cmd.0")
            .unwrap()
            .check(&app, &json!(1))
            .unwrap_err();
        assert!(e.contains("not an array"), "{e}");
        assert!(
            JsonPath::parse("cmd")
                .unwrap()
                .check(&app, &json!("x"))
                .is_ok()
        );
    }
}
