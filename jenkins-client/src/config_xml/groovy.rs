//! Quoting values into generated Groovy.

use std::fmt::Write as _;

/// A Groovy single-quoted string literal holding exactly `value`.
///
/// Single quotes make Groovy skip `${…}` interpolation, so the value can never
/// run as code. Backslash and quote are escaped, and line breaks and other
/// control characters become escape sequences (a single-quoted literal cannot
/// span lines).
///
/// ```
/// use jenkins_client::config_xml::groovy_string;
///
/// assert_eq!(groovy_string(r"it's ${x} \o/"), r"'it\'s ${x} \\o/'");
/// assert_eq!(groovy_string("a\nb"), r"'a\nb'");
/// ```
pub fn groovy_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{C}' => out.push_str("\\f"),
            c if c.is_control() => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(groovy_string(""), "''");
        assert_eq!(groovy_string("plain"), "'plain'");
        assert_eq!(groovy_string("'"), r"'\''");
        assert_eq!(groovy_string(r"\"), r"'\\'");
        assert_eq!(groovy_string(r"\'"), r"'\\\''");
        assert_eq!(groovy_string("\"$HOME\" ${env.X}"), "'\"$HOME\" ${env.X}'");
        assert_eq!(
            groovy_string("a\r\n\tb\u{1}c\u{7F}"),
            r"'a\r\n\tb\u0001c\u007F'"
        );
        assert_eq!(groovy_string("ünï ✓"), "'ünï ✓'");
    }
}
