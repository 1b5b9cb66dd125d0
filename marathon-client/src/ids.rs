//! Identifiers: Marathon path ids for apps, groups and pods, and opaque ids for
//! deployments and tasks.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A Marathon path id such as `/prod/web`, naming an app, a group or a pod.
///
/// [`PathId::new`] checks the id the way Marathon does: each segment is
/// lowercase letters, digits, `-` and `.` (dot-separated labels that start
/// and end with a letter or digit), or `.` / `..`. The root group is `/`.
/// Ids read from a server are taken as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PathId(String);

/// The id of an app.
pub type AppId = PathId;
/// The id of a group.
pub type GroupId = PathId;
/// The id of a pod.
pub type PodId = PathId;

impl PathId {
    /// Checks and wraps an id. Relative ids (`web`, `../db`) are allowed; they
    /// are resolved by the server against the enclosing group.
    pub fn new(id: impl Into<String>) -> Result<Self, Error> {
        let id = id.into();
        match invalid_segment(&id).map(str::to_owned) {
            None => Ok(PathId(id)),
            Some(segment) => Err(Error::InvalidId {
                id,
                reason: format!(
                    "segment {segment:?} must be lowercase letters, digits, '-' and '.', \
                     start and end with a letter or digit, or be '.' or '..'"
                ),
            }),
        }
    }

    /// The root group, `/`.
    pub fn root() -> Self {
        PathId("/".to_owned())
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the id starts with `/`.
    pub fn is_absolute(&self) -> bool {
        self.0.starts_with('/')
    }

    /// The URL path segments of the id: `/prod/web` gives `prod`, `web`.
    /// Slashes stay path separators, as Marathon expects (`{id:.+}`).
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/').filter(|s| !s.is_empty())
    }

    /// The enclosing group: `/prod/web` gives `/prod`, `/web` gives `/`.
    pub fn parent(&self) -> Option<PathId> {
        let trimmed = self.0.trim_end_matches('/');
        if trimmed.is_empty() {
            return None;
        }
        let cut = trimmed.rfind('/')?;
        Some(PathId(if cut == 0 {
            "/".to_owned()
        } else {
            trimmed[..cut].to_owned()
        }))
    }
}

impl fmt::Display for PathId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PathId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        PathId::new(s)
    }
}

impl TryFrom<&str> for PathId {
    type Error = Error;
    fn try_from(s: &str) -> Result<Self, Error> {
        PathId::new(s)
    }
}

impl AsRef<str> for PathId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl dcos_auth::model::Field for PathId {
    fn is_unset(&self) -> bool {
        false
    }
}

/// The first segment of `id` that Marathon would reject, if any.
fn invalid_segment(id: &str) -> Option<&str> {
    if id.is_empty() {
        return Some(id);
    }
    if id == "/" {
        return None;
    }
    let body = id.strip_prefix('/').unwrap_or(id);
    let body = body.strip_suffix('/').unwrap_or(body);
    body.split('/').find(|segment| !valid_segment(segment))
}

fn valid_segment(segment: &str) -> bool {
    if segment == "." || segment == ".." {
        return true;
    }
    !segment.is_empty()
        && segment.split('.').all(|label| {
            let bytes = label.as_bytes();
            let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
            match (bytes.first(), bytes.last()) {
                (Some(first), Some(last)) => {
                    alnum(first) && alnum(last) && bytes.iter().all(|b| alnum(b) || *b == b'-')
                }
                _ => false,
            }
        })
}

macro_rules! opaque_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            /// Wraps an id.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }
            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_owned())
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl dcos_auth::model::Field for $name {
            fn is_unset(&self) -> bool {
                false
            }
        }
    };
}

opaque_id!(
    /// A deployment id (a UUID), as in `Marathon-Deployment-Id`.
    DeploymentId
);
opaque_id!(
    /// A task id such as `web.9f3a…`; an instance id for pods.
    TaskId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids() {
        for id in [
            "/",
            "/prod/web",
            "web",
            "../db",
            "/a.b-c/d9",
            "/prod/web/",
            "./x",
            "/1",
        ] {
            assert!(PathId::new(id).is_ok(), "{id}");
        }
    }

    #[test]
    fn invalid_ids() {
        for id in [
            "", "/Prod", "/a_b", "/a//b", "/-a", "/a-", "/a..b", "/a b", "/*",
        ] {
            let err = PathId::new(id).unwrap_err();
            assert!(matches!(err, Error::InvalidId { .. }), "{id}");
        }
    }

    #[test]
    fn segments_and_parent() {
        let id = PathId::new("/prod/web").unwrap();
        assert_eq!(id.segments().collect::<Vec<_>>(), ["prod", "web"]);
        assert_eq!(id.parent().unwrap().as_str(), "/prod");
        assert_eq!(PathId::new("/web").unwrap().parent().unwrap().as_str(), "/");
        assert_eq!(PathId::root().parent(), None);
        assert_eq!(PathId::root().segments().count(), 0);
    }

    #[test]
    fn server_ids_are_taken_as_sent() {
        let id: PathId = serde_json::from_str(r#""/Legacy_App""#).unwrap();
        assert_eq!(id.as_str(), "/Legacy_App");
    }
}
