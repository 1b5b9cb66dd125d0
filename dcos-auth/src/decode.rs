//! JSON decoding that names the failing field.

use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::Error;

/// Decodes `bytes` as JSON into `T`. On failure the error names the path of the
/// failing field (such as `apps[3].container.docker.image`) and `what` was being
/// decoded; `what` is only built when decoding fails.
pub fn decode_json<T: DeserializeOwned>(
    bytes: &[u8],
    what: impl FnOnce() -> String,
) -> Result<T, Error> {
    // The fast path decodes without tracking the path: bodies such as Mesos
    // state or 10,000 Marathon apps are large, and failures are rare. Only a
    // failure is decoded again to find the failing field.
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(fast) => Err(locate::<T>(bytes, fast, what)),
    }
}

/// Decodes `bytes` again, tracking the path, to name where `fast` failed.
fn locate<T: DeserializeOwned>(
    bytes: &[u8],
    fast: serde_json::Error,
    what: impl FnOnce() -> String,
) -> Error {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => (e.path().to_string(), e.into_inner()),
        // Only trailing bytes after a valid value are left.
        Ok(_) => match de.end() {
            Err(e) => (".".to_owned(), e),
            Ok(()) => (".".to_owned(), fast),
        },
    };
    Error::Decode {
        what: what(),
        path,
        source: Arc::new(source),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct App {
        id: String,
        instances: u32,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Apps {
        apps: Vec<App>,
    }

    #[test]
    fn names_the_failing_field() {
        let err = decode_json::<Apps>(
            br#"{"apps":[{"id":"/a","instances":1},{"id":"/b","instances":"two"}]}"#,
            || "GET /v2/apps".into(),
        )
        .unwrap_err();
        match &err {
            Error::Decode { what, path, .. } => {
                assert_eq!(what, "GET /v2/apps");
                assert_eq!(path, "apps[1].instances");
            }
            other => panic!("{other:?}"),
        }
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn truncated_and_trailing_input_fail() {
        assert!(decode_json::<Apps>(br#"{"apps":[{"id":"/a""#, || "x".into()).is_err());
        assert!(decode_json::<Apps>(br#"{"apps":[]} x"#, || "x".into()).is_err());
        assert!(decode_json::<Apps>(br#"{"apps":[]}"#, || "x".into()).is_ok());
    }
}
