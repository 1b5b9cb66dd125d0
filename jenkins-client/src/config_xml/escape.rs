//! Text escaping for XML 1.1, the version Jenkins writes its `config.xml` in.
//!
//! quick-xml escapes the markup characters (`<`, `>`, `&`; escaping `>` also
//! breaks any `]]>`). On top of that, characters that a conforming XML 1.1
//! parser would drop or rewrite are written as character references, exactly as
//! XStream does on the Jenkins side:
//! - `\r`, U+0085 and U+2028 are line ends that a parser normalizes to `\n`;
//! - the other C0 controls and U+007F–U+009F are "restricted" characters that
//!   XML 1.1 allows only as references.
//!
//! NUL, U+FFFE and U+FFFF cannot appear in any XML document, even as a
//! reference, so they are an error instead of a silent loss.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::error::ConfigXmlError;

/// Whether `c` must be written as a character reference to survive a parser.
fn needs_char_ref(c: char) -> bool {
    matches!(c,
        '\u{1}'..='\u{8}' | '\u{B}' | '\u{C}' | '\r' | '\u{E}'..='\u{1F}'
        | '\u{7F}'..='\u{9F}' | '\u{2028}')
}

/// Whether `c` can appear in no XML document at all.
fn is_forbidden(c: char) -> bool {
    matches!(c, '\0' | '\u{FFFE}' | '\u{FFFF}')
}

/// Escapes `text` for an element's content. `field` names it in errors.
pub(crate) fn escape_text<'a>(
    field: &'static str,
    text: &'a str,
) -> Result<Cow<'a, str>, ConfigXmlError> {
    let escaped = quick_xml::escape::partial_escape(text);
    if !escaped
        .chars()
        .any(|c| needs_char_ref(c) || is_forbidden(c))
    {
        return Ok(escaped);
    }
    let mut out = String::with_capacity(escaped.len() + 16);
    for c in escaped.chars() {
        if is_forbidden(c) {
            return Err(ConfigXmlError::UnrepresentableChar {
                field,
                code: u32::from(c),
            });
        }
        if needs_char_ref(c) {
            // Writing to a String cannot fail.
            let _ = write!(out, "&#x{:X};", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_quotes_are_left_alone() {
        let s = escape_text("script", r#"a < b && c > d "q" 'q' ]]> <![CDATA[x]]>"#).unwrap();
        assert_eq!(
            s,
            r#"a &lt; b &amp;&amp; c &gt; d "q" 'q' ]]&gt; &lt;![CDATA[x]]&gt;"#
        );
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape_text("x", "echo héllo\n\tworld ✓").unwrap(),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn line_ends_and_restricted_chars_become_references() {
        let s = escape_text("x", "a\r\nb\u{85}c\u{2028}d\u{1}e\u{1B}f\u{7F}").unwrap();
        assert_eq!(s, "a&#xD;\nb&#x85;c&#x2028;d&#x1;e&#x1B;f&#x7F;");
    }

    #[test]
    fn nul_and_non_characters_are_errors() {
        for (text, code) in [("a\0b", 0), ("\u{FFFE}", 0xFFFE), ("x\u{FFFF}", 0xFFFF)] {
            assert_eq!(
                escape_text("description", text).unwrap_err(),
                ConfigXmlError::UnrepresentableChar {
                    field: "description",
                    code
                }
            );
        }
    }
}
