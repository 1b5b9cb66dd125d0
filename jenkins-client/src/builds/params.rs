//! Typed build parameters and how they are put on the wire.
//!
//! `buildWithParameters` reads parameters as form fields, so they go in a
//! `application/x-www-form-urlencoded` body, never in the query string
//! (where a password would end up in access logs). A file parameter needs a
//! `multipart/form-data` body whose part is named like the parameter
//! (Jenkins' `FileParameterDefinition` reads `req.getFileItem(name)`).

use bytes::{BufMut, Bytes, BytesMut};
use dcos_auth::Secret;

/// The value of one build parameter.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParamValue {
    /// A string (or text) parameter.
    String(String),
    /// A boolean parameter, sent as `true` or `false`.
    Bool(bool),
    /// A choice parameter: one of the job's choices.
    Choice(String),
    /// A password parameter. Printed as `***`.
    Password(Secret),
    /// A file parameter: the file name and its content.
    File {
        /// The file name the job sees.
        file_name: String,
        /// The content.
        content: Bytes,
    },
}

impl std::fmt::Debug for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::String(s) => f.debug_tuple("String").field(s).finish(),
            ParamValue::Bool(b) => f.debug_tuple("Bool").field(b).finish(),
            ParamValue::Choice(s) => f.debug_tuple("Choice").field(s).finish(),
            ParamValue::Password(_) => f.write_str("Password(***)"),
            ParamValue::File { file_name, content } => f
                .debug_struct("File")
                .field("file_name", file_name)
                .field("bytes", &content.len())
                .finish(),
        }
    }
}

impl ParamValue {
    /// The value as a form field, for every kind but a file.
    fn as_text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            ParamValue::String(s) | ParamValue::Choice(s) => Some(s.as_str().into()),
            ParamValue::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
            ParamValue::Password(p) => Some(p.expose().into()),
            ParamValue::File { .. } => None,
        }
    }
}

/// The parameters of a build, in order. `Debug` hides passwords and file
/// contents.
///
/// ```
/// use jenkins_client::BuildParams;
///
/// let params = BuildParams::new()
///     .string("IMAGE", "registry.example.com/app")
///     .choice("ENV", "staging")
///     .bool("PUSH", true)
///     .password("REGISTRY_PASSWORD", "s3cret");
/// assert!(!format!("{params:?}").contains("s3cret"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct BuildParams {
    params: Vec<(String, ParamValue)>,
}

impl BuildParams {
    /// No parameters.
    pub fn new() -> Self {
        BuildParams::default()
    }

    /// Adds a parameter of any kind.
    pub fn param(mut self, name: impl Into<String>, value: ParamValue) -> Self {
        self.params.push((name.into(), value));
        self
    }

    /// Adds a string parameter.
    pub fn string(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.param(name, ParamValue::String(value.into()))
    }

    /// Adds a boolean parameter.
    pub fn bool(self, name: impl Into<String>, value: bool) -> Self {
        self.param(name, ParamValue::Bool(value))
    }

    /// Adds a choice parameter.
    pub fn choice(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.param(name, ParamValue::Choice(value.into()))
    }

    /// Adds a password parameter.
    pub fn password(self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.param(name, ParamValue::Password(value.into()))
    }

    /// Adds a file parameter.
    pub fn file(
        self,
        name: impl Into<String>,
        file_name: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        self.param(
            name,
            ParamValue::File {
                file_name: file_name.into(),
                content: content.into(),
            },
        )
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// The parameters, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParamValue)> {
        self.params.iter().map(|(n, v)| (n.as_str(), v))
    }

    /// Whether a file parameter is among them (the body is then multipart).
    pub fn has_files(&self) -> bool {
        self.params
            .iter()
            .any(|(_, v)| matches!(v, ParamValue::File { .. }))
    }

    /// The `application/x-www-form-urlencoded` body, when there is no file.
    pub(crate) fn form_body(&self) -> Option<String> {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &self.params {
            form.append_pair(name, &value.as_text()?);
        }
        Some(form.finish())
    }

    /// The `multipart/form-data` body and its `Content-Type`.
    pub(crate) fn multipart_body(&self) -> (Bytes, String) {
        let boundary = loop {
            let candidate = format!(
                "----jenkins-client-{:016x}{:016x}",
                fastrand::u64(..),
                fastrand::u64(..)
            );
            if !self.params.iter().any(|(_, v)| match v {
                ParamValue::File { content, .. } => contains(content, candidate.as_bytes()),
                other => other
                    .as_text()
                    .is_some_and(|t| t.contains(candidate.as_str())),
            }) {
                break candidate;
            }
        };
        let mut body = BytesMut::new();
        for (name, value) in &self.params {
            body.put_slice(format!("--{boundary}\r\n").as_bytes());
            match value {
                ParamValue::File { file_name, content } => {
                    body.put_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n\
                             Content-Type: application/octet-stream\r\n\r\n",
                            quote(name),
                            quote(file_name)
                        )
                        .as_bytes(),
                    );
                    body.put_slice(content);
                }
                other => {
                    body.put_slice(
                        format!(
                            "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                            quote(name)
                        )
                        .as_bytes(),
                    );
                    body.put_slice(other.as_text().unwrap_or_default().as_bytes());
                }
            }
            body.put_slice(b"\r\n");
        }
        body.put_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            body.freeze(),
            format!("multipart/form-data; boundary={boundary}"),
        )
    }
}

/// Escapes a name for a quoted `Content-Disposition` parameter, as browsers
/// do (HTML form encoding): `"` as `%22`, CR and LF as `%0D` and `%0A`.
fn quote(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_body_encodes_every_kind() {
        let p = BuildParams::new()
            .string("TAG", "v1 & more")
            .bool("PUSH", false)
            .choice("ENV", "prod")
            .password("PW", "p=w");
        assert_eq!(
            p.form_body().unwrap(),
            "TAG=v1+%26+more&PUSH=false&ENV=prod&PW=p%3Dw"
        );
        assert!(!p.has_files());
        assert!(!format!("{p:?}").contains("p=w"));
    }

    #[test]
    fn files_make_a_multipart_body() {
        let p = BuildParams::new().string("NAME", "x\"y").file(
            "UPLOAD",
            "a.txt",
            &b"hello\r\nworld"[..],
        );
        assert!(p.has_files());
        assert_eq!(p.form_body(), None);
        let (body, content_type) = p.multipart_body();
        let boundary = content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(
            text,
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"NAME\"\r\n\r\nx\"y\r\n\
                 --{boundary}\r\nContent-Disposition: form-data; name=\"UPLOAD\"; filename=\"a.txt\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\nhello\r\nworld\r\n--{boundary}--\r\n"
            )
        );
        assert!(format!("{p:?}").contains("bytes: 12"));
    }
}
