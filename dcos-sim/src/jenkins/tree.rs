//! The `tree=` query parameter: `jobs[name,builds[number]{0,5}],color`.
//!
//! As Jenkins: an object keeps only the named properties (and `_class`);
//! a named property that is an object or array of objects with no
//! sub-tree keeps only their `_class`; `{M,N}` takes elements M..N of an
//! array (`{M,}`, `{,N}` and `{N}` too). Unknown names are left out.

use serde_json::{Map, Value};

/// One selected property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Field {
    name: String,
    children: Option<Vec<Field>>,
    range: Option<(Option<usize>, Option<usize>)>,
}

/// Why a `tree` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TreeError(pub(crate) String);

/// Parses a `tree` value.
pub(crate) fn parse(spec: &str) -> Result<Vec<Field>, TreeError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut pos = 0;
    let fields = parse_list(&chars, &mut pos)?;
    if pos != chars.len() {
        return Err(TreeError(format!(
            "unexpected '{}' at {pos} in tree",
            chars[pos]
        )));
    }
    Ok(fields)
}

fn parse_list(chars: &[char], pos: &mut usize) -> Result<Vec<Field>, TreeError> {
    let mut fields = Vec::new();
    loop {
        let start = *pos;
        while *pos < chars.len() && !matches!(chars[*pos], ',' | '[' | ']' | '{' | '}') {
            *pos += 1;
        }
        let name: String = chars[start..*pos]
            .iter()
            .collect::<String>()
            .trim()
            .to_owned();
        let mut field = Field {
            name,
            children: None,
            range: None,
        };
        if chars.get(*pos) == Some(&'[') {
            *pos += 1;
            field.children = Some(parse_list(chars, pos)?);
            if chars.get(*pos) != Some(&']') {
                return Err(TreeError("unclosed '[' in tree".to_owned()));
            }
            *pos += 1;
        }
        if chars.get(*pos) == Some(&'{') {
            let start = *pos + 1;
            let end = chars[start..]
                .iter()
                .position(|c| *c == '}')
                .map(|p| start + p)
                .ok_or_else(|| TreeError("unclosed '{' in tree".to_owned()))?;
            let text: String = chars[start..end].iter().collect();
            field.range = Some(parse_range(&text)?);
            *pos = end + 1;
        }
        if !field.name.is_empty() {
            fields.push(field);
        }
        if chars.get(*pos) == Some(&',') {
            *pos += 1;
            continue;
        }
        return Ok(fields);
    }
}

fn parse_range(text: &str) -> Result<(Option<usize>, Option<usize>), TreeError> {
    let bad = || TreeError(format!("bad range {{{text}}} in tree"));
    let number = |s: &str| -> Result<Option<usize>, TreeError> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse().map(Some).map_err(|_| bad())
        }
    };
    match text.split_once(',') {
        Some((a, b)) => Ok((number(a)?, number(b)?)),
        None => {
            let n = number(text)?.ok_or_else(bad)?;
            Ok((Some(n), Some(n + 1)))
        }
    }
}

/// Keeps only what `fields` selects.
pub(crate) fn apply(value: &Value, fields: &[Field]) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            if let Some(class) = map.get("_class") {
                out.insert("_class".to_owned(), class.clone());
            }
            for field in fields {
                let Some(v) = map.get(&field.name) else {
                    continue;
                };
                out.insert(field.name.clone(), select(v, field));
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| apply(v, fields)).collect()),
        other => other.clone(),
    }
}

fn select(value: &Value, field: &Field) -> Value {
    let value = match (value, field.range) {
        (Value::Array(items), Some((from, to))) => {
            let from = from.unwrap_or(0).min(items.len());
            let to = to.unwrap_or(items.len()).clamp(from, items.len());
            Value::Array(items[from..to].to_vec())
        }
        (v, _) => v.clone(),
    };
    match &field.children {
        Some(children) => apply(&value, children),
        None => apply(&value, &[]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trees_select_nested_fields_and_ranges() {
        let v = json!({"_class": "J", "name": "x", "color": "blue", "builds": [
            {"_class": "R", "number": 3, "url": "u3"}, {"_class": "R", "number": 2, "url": "u2"}, {"_class": "R", "number": 1, "url": "u1"}],
            "lastBuild": {"_class": "R", "number": 3}, "property": [{"_class": "P", "x": 1}]});
        let t = parse("name,builds[number]{1,},lastBuild,property,nope").unwrap();
        assert_eq!(
            apply(&v, &t),
            json!({"_class": "J", "name": "x", "builds": [{"_class": "R", "number": 2}, {"_class": "R", "number": 1}],
                "lastBuild": {"_class": "R"}, "property": [{"_class": "P"}]})
        );
        assert_eq!(
            apply(&v, &parse("builds[number]{0}").unwrap())["builds"],
            json!([{"_class": "R", "number": 3}])
        );
        assert!(parse("jobs[name").is_err());
        assert!(parse("jobs{a,b}").is_err());
    }
}
