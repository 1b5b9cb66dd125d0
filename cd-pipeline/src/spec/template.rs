//! [`Template`]: text with `{name}` placeholders, checked when the spec is read.

use std::fmt;

/// A placeholder a template may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Placeholder {
    /// `{git_sha}`: the commit the build ran on.
    GitSha,
    /// `{build_number}`: the Jenkins build number.
    BuildNumber,
    /// `{service}`: the spec's service name.
    Service,
    /// `{timestamp}`: the build time, `YYYYMMDDhhmmss` in UTC.
    Timestamp,
    /// `{image}`: the full image reference, `repository:tag` (deploy values only).
    Image,
    /// `{tag}`: the image tag (deploy values only).
    Tag,
}

impl Placeholder {
    /// Every placeholder, in the order of the docs.
    pub const ALL: [Placeholder; 6] = [
        Placeholder::GitSha,
        Placeholder::BuildNumber,
        Placeholder::Service,
        Placeholder::Timestamp,
        Placeholder::Image,
        Placeholder::Tag,
    ];

    /// The name between the braces.
    pub fn name(self) -> &'static str {
        match self {
            Placeholder::GitSha => "git_sha",
            Placeholder::BuildNumber => "build_number",
            Placeholder::Service => "service",
            Placeholder::Timestamp => "timestamp",
            Placeholder::Image => "image",
            Placeholder::Tag => "tag",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        Placeholder::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Placeholder(Placeholder),
}

/// Text with `{name}` placeholders, such as `{git_sha}-{build_number}`.
///
/// `{{` and `}}` stand for literal braces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    parts: Vec<Part>,
}

/// Why a template was refused: a message and the byte offset in the template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// What is wrong.
    pub message: String,
    /// Where, as a byte offset in the template text.
    pub offset: usize,
}

impl Template {
    /// Parses `source`, allowing only the placeholders in `allowed`.
    pub fn parse(source: &str, allowed: &[Placeholder]) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((offset, c)) = chars.next() {
            match c {
                '{' if chars.peek().is_some_and(|(_, n)| *n == '{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().is_some_and(|(_, n)| *n == '}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let rest = source.get(offset + 1..).unwrap_or_default();
                    let Some(end) = rest.find('}') else {
                        return Err(TemplateError {
                            message: "`{` without a closing `}` (write `{{` for a brace)".into(),
                            offset,
                        });
                    };
                    let name = rest.get(..end).unwrap_or_default();
                    let placeholder = Placeholder::from_name(name)
                        .filter(|p| allowed.contains(p))
                        .ok_or_else(|| TemplateError {
                            message: format!(
                                "unknown placeholder `{{{name}}}`; expected one of {}",
                                allowed
                                    .iter()
                                    .map(|p| format!("{{{}}}", p.name()))
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                            offset,
                        })?;
                    if !text.is_empty() {
                        parts.push(Part::Text(std::mem::take(&mut text)));
                    }
                    parts.push(Part::Placeholder(placeholder));
                    for _ in 0..=name.len() {
                        chars.next();
                    }
                }
                '}' => {
                    return Err(TemplateError {
                        message: "`}` without an opening `{` (write `}}` for a brace)".into(),
                        offset,
                    });
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        Ok(Template {
            source: source.to_owned(),
            parts,
        })
    }

    /// The template as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The literal text of the template, without its placeholders.
    pub fn literal_text(&self) -> String {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.as_str()),
                Part::Placeholder(_) => None,
            })
            .collect()
    }

    /// The placeholders used, in order.
    pub fn placeholders(&self) -> impl Iterator<Item = Placeholder> + '_ {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(p) => Some(*p),
            Part::Text(_) => None,
        })
    }

    /// Fills the placeholders with `value`; a placeholder it has no value for
    /// is reported by name.
    pub fn render(
        &self,
        value: impl Fn(Placeholder) -> Option<String>,
    ) -> Result<String, Placeholder> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Placeholder(p) => out.push_str(&value(*p).ok_or(*p)?),
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAG: [Placeholder; 4] = [
        Placeholder::GitSha,
        Placeholder::BuildNumber,
        Placeholder::Service,
        Placeholder::Timestamp,
    ];

    #[test]
    fn renders_placeholders_and_escaped_braces() {
        let t = Template::parse("{service}-{build_number}{{x}}", &TAG).unwrap();
        assert_eq!(
            t.placeholders().collect::<Vec<_>>(),
            [Placeholder::Service, Placeholder::BuildNumber]
        );
        let out = t
            .render(|p| match p {
                Placeholder::Service => Some("hello".into()),
                Placeholder::BuildNumber => Some("7".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(out, "hello-7{x}");
        assert_eq!(t.literal_text(), "-{x}");
        assert_eq!(t.as_str(), "{service}-{build_number}{{x}}");
    }

    #[test]
    fn a_missing_value_is_named() {
        let t = Template::parse("{git_sha}", &TAG).unwrap();
        assert_eq!(t.render(|_| None), Err(Placeholder::GitSha));
    }

    #[test]
    fn unknown_or_disallowed_placeholders_are_refused_with_their_offset() {
        let e = Template::parse("v-{sha}", &TAG).unwrap_err();
        assert_eq!(e.offset, 2);
        assert!(
            e.message.contains("unknown placeholder `{sha}`"),
            "{}",
            e.message
        );
        assert!(e.message.contains("{git_sha}"), "{}", e.message);
        let e = Template::parse("{image}", &TAG).unwrap_err();
        assert!(e.message.contains("`{image}`"), "{}", e.message);
        assert!(Template::parse("{image}", &Placeholder::ALL).is_ok());
    }

    #[test]
    fn unbalanced_braces_are_refused() {
        assert_eq!(Template::parse("a{b", &TAG).unwrap_err().offset, 1);
        assert_eq!(Template::parse("ab}", &TAG).unwrap_err().offset, 2);
    }
}
