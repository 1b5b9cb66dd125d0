//! Byte offsets in a TOML text turned into lines, columns and field names.

use std::ops::Range;

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}

/// The dotted field that the text at `span` belongs to, found by reading the
/// TOML back: the last `[table]` header before it and the key of the
/// assignment it sits in (`deploy.strategy`). Used for toml's own errors,
/// which carry a span but not the key.
pub(crate) fn field_at(text: &str, span: &Range<usize>) -> String {
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let mut table = String::new();
    let mut key = None;
    // The line holding the span may itself be a key or a header.
    let line_end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| start + i);
    let upto_line_end = text.get(..line_end).unwrap_or(before);
    for line in upto_line_end.lines() {
        let trimmed = line.trim();
        if let Some(header) = header_name(trimmed) {
            table = header;
            key = None;
        } else if let Some(name) = assignment_key(line) {
            key = Some(name);
        }
    }
    match key {
        Some(key) if table.is_empty() => key,
        Some(key) => format!("{table}.{key}"),
        None => table,
    }
}

/// `deploy` for `[deploy]`, `deploy.gates` for `[[deploy.gates]]`.
fn header_name(line: &str) -> Option<String> {
    let inner = line
        .strip_prefix("[[")
        .and_then(|l| l.split("]]").next())
        .or_else(|| line.strip_prefix('[').and_then(|l| l.split(']').next()))?;
    Some(normalise_key(inner))
}

/// The key of a top-level `key = value` line (not one inside an array or an
/// inline table on a continuation line).
fn assignment_key(line: &str) -> Option<String> {
    if line.starts_with([' ', '\t'])
        && !line
            .trim_start()
            .starts_with(|c: char| c.is_alphabetic() || c == '"')
    {
        return None;
    }
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let (key, _) = trimmed.split_once('=')?;
    let key = key.trim();
    let valid = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' '));
    valid.then(|| normalise_key(key))
}

/// Drops quotes and spaces around dotted parts: `"a" . b` → `a.b`.
fn normalise_key(key: &str) -> String {
    key.split('.')
        .map(|part| part.trim().trim_matches(|c| c == '"' || c == '\''))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns_are_one_based_and_count_characters() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 6), (2, 1));
        let offset = text.find("= 2").unwrap();
        assert_eq!(line_column(text, offset), (2, 4));
        assert_eq!(line_column(text, 10_000), (3, 1));
    }

    #[test]
    fn fields_come_from_headers_and_keys() {
        let text =
            "service = \"x\"\n[deploy]\nstrategy = \"fast\"\n[[deploy.gates]]\ntype = \"http\"\n";
        let at = |needle: &str| {
            let start = text.find(needle).unwrap();
            field_at(text, &(start..start + 1))
        };
        assert_eq!(at("\"x\""), "service");
        assert_eq!(at("\"fast\""), "deploy.strategy");
        assert_eq!(at("\"http\""), "deploy.gates.type");
        assert_eq!(at("[deploy]"), "deploy");
    }

    #[test]
    fn quoted_and_dotted_keys_are_normalised() {
        let text = "[deploy.set]\n\"container.docker.image\" = 3\n";
        let start = text.find('3').unwrap();
        assert_eq!(
            field_at(text, &(start..start)),
            "deploy.set.container.docker.image"
        );
    }
}
