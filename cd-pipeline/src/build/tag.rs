//! Rendering the image tag of a build from the spec's template.

use std::time::SystemTime;

use crate::error::{Error, Result};
use crate::spec::{Placeholder, Template};

/// The values a tag template may use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagValues<'a> {
    /// `{git_sha}`, when the caller gave one.
    pub git_sha: Option<&'a str>,
    /// `{build_number}`, when the template needs it (see [`needs_build_number`]).
    pub build_number: Option<u64>,
    /// `{service}`.
    pub service: &'a str,
    /// `{timestamp}`, `YYYYMMDDhhmmss` in UTC.
    pub timestamp: String,
}

/// Whether the template uses `{build_number}`.
pub fn needs_build_number(template: &Template) -> bool {
    template
        .placeholders()
        .any(|p| p == Placeholder::BuildNumber)
}

/// `time` as `YYYYMMDDhhmmss` in UTC.
pub fn timestamp(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time)
        .to_string()
        .chars()
        .filter(char::is_ascii_digit)
        .collect()
}

/// Whether `tag` is a Docker tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
pub fn is_docker_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
        && tag.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

/// Renders `template` with `values`; a missing value or a result that is
/// not a Docker tag is a usage error naming the template.
pub fn render(template: &Template, values: &TagValues<'_>) -> Result<String> {
    let tag = template
        .render(|p| match p {
            Placeholder::GitSha => values.git_sha.map(str::to_owned),
            Placeholder::BuildNumber => values.build_number.map(|n| n.to_string()),
            Placeholder::Service => Some(values.service.to_owned()),
            Placeholder::Timestamp => Some(values.timestamp.clone()),
            _ => None,
        })
        .map_err(|missing| {
            Error::Usage(format!(
                "the tag template `{template}` needs {{{}}}{}",
                missing.name(),
                if missing == Placeholder::GitSha {
                    ": give the commit (BuildParams::git_sha, --git-sha)"
                } else {
                    ""
                }
            ))
        })?;
    if !is_docker_tag(&tag) {
        return Err(Error::Usage(format!(
            "the tag {tag:?} rendered from `{template}` is not a Docker tag (letters, digits, \
             '_', '.', '-', at most 128, not starting with '.' or '-')"
        )));
    }
    Ok(tag)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::spec::TAG_PLACEHOLDERS;

    fn values() -> TagValues<'static> {
        TagValues {
            git_sha: Some("0a1b2c3"),
            build_number: Some(7),
            service: "hello",
            timestamp: "20261201054500".into(),
        }
    }

    #[test]
    fn every_placeholder_renders() {
        let t = Template::parse(
            "{service}-{git_sha}-{build_number}-{timestamp}",
            &TAG_PLACEHOLDERS,
        )
        .unwrap();
        assert!(needs_build_number(&t));
        assert_eq!(
            render(&t, &values()).unwrap(),
            "hello-0a1b2c3-7-20261201054500"
        );
        let t = Template::parse("v{git_sha}", &TAG_PLACEHOLDERS).unwrap();
        assert!(!needs_build_number(&t));
    }

    #[test]
    fn a_missing_sha_and_a_bad_tag_are_usage_errors() {
        let t = Template::parse("{git_sha}", &TAG_PLACEHOLDERS).unwrap();
        let e = render(
            &t,
            &TagValues {
                git_sha: None,
                ..values()
            },
        )
        .unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("needs {git_sha}"), "{e}");
        let e = render(
            &t,
            &TagValues {
                git_sha: Some("feature/x"),
                ..values()
            },
        )
        .unwrap_err();
        assert!(e.to_string().contains("not a Docker tag"), "{e}");
    }

    #[test]
    fn tags_and_timestamps() {
        assert!(is_docker_tag("1.2.3-rc_1"));
        assert!(is_docker_tag("_x"));
        assert!(!is_docker_tag(""));
        assert!(!is_docker_tag(".x"));
        assert!(!is_docker_tag("-x"));
        assert!(!is_docker_tag("a:b"));
        assert!(!is_docker_tag(&"a".repeat(129)));
        assert!(is_docker_tag(&"a".repeat(128)));
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_567_900);
        assert_eq!(timestamp(t), "20251201054500");
    }
}
