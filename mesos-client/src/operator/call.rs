//! One operator call: the request body and the generic send.

use std::fmt;
use std::marker::PhantomData;

use dcos_auth::{HttpCore, Request};
use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, Result};

/// An operator call body: `{"type": "GET_METRICS", "get_metrics": {…}}`.
///
/// The typed methods build these; [`Operator::send`](super::Operator::send)
/// sends one that has no typed method yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    kind: &'static str,
    body: Value,
}

impl Call {
    /// A call with no payload: `{"type": kind}`.
    pub fn new(kind: &'static str) -> Self {
        let mut body = Map::new();
        body.insert("type".into(), Value::from(kind));
        Call {
            kind,
            body: Value::Object(body),
        }
    }

    /// A call whose payload goes under the lower-cased type:
    /// `{"type": "TEARDOWN", "teardown": payload}`.
    pub fn with(kind: &'static str, payload: Value) -> Self {
        let mut call = Call::new(kind);
        if let Value::Object(map) = &mut call.body {
            map.insert(kind.to_ascii_lowercase(), payload);
        }
        call
    }

    /// The call's type, such as `GET_STATE`.
    pub fn kind(&self) -> &'static str {
        self.kind
    }

    /// The JSON body.
    pub fn body(&self) -> &Value {
        &self.body
    }

    /// Whether the call only reads (GET_*, LIST_FILES, READ_FILE), and may
    /// be retried when its outcome is unknown.
    pub fn reads_only(&self) -> bool {
        self.kind.starts_with("GET_") || matches!(self.kind, "LIST_FILES" | "READ_FILE")
    }
}

/// The sending half shared by the master's and the agent's operator API.
#[derive(Debug, Clone)]
pub(crate) struct Api {
    pub(crate) core: HttpCore,
}

impl Api {
    fn request(call: &Call) -> Result<Request> {
        Ok(Request::post(["api", "v1"])
            .json(call.body())?
            .idempotent(call.reads_only()))
    }

    /// Sends `call` and decodes the payload under the lower-cased type of
    /// the response (`get_state` for GET_STATE).
    pub(crate) async fn call<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        let response = self
            .core
            .execute(Api::request(&call)?)
            .await
            .map_err(Error::from_http)?;
        let key = call.kind().to_ascii_lowercase();
        let mut de = serde_json::Deserializer::from_slice(&response.body);
        let decoded = PayloadSeed::<T> {
            key: &key,
            marker: PhantomData,
        }
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
        match decoded {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(Error::Http(dcos_auth::Error::Decode {
                what: format!("{} {} ({})", response.method, response.url, call.kind()),
                path: key,
                source: std::sync::Arc::new(de::Error::missing_field("payload")),
            })),
            Err(fast) => {
                // Decode the payload again, tracking the path, to name the
                // failing field.
                let what = || format!("{} {} ({})", response.method, response.url, call.kind());
                let inner = serde_json::from_slice::<Value>(&response.body)
                    .ok()
                    .and_then(|mut v| v.get_mut(&key).map(Value::take))
                    .and_then(|v| serde_json::to_vec(&v).ok());
                match inner {
                    Some(bytes) => match dcos_auth::decode_json::<T>(&bytes, what) {
                        Err(e) => Err(Error::Http(e)),
                        Ok(value) => Ok(value),
                    },
                    None => Err(Error::Http(dcos_auth::Error::Decode {
                        what: what(),
                        path: ".".into(),
                        source: std::sync::Arc::new(fast),
                    })),
                }
            }
        }
    }

    /// Sends `call`, which answers with an empty 200 or 202.
    pub(crate) async fn call_empty(&self, call: Call) -> Result<()> {
        self.core
            .execute(Api::request(&call)?)
            .await
            .map_err(Error::from_http)?;
        Ok(())
    }
}

/// Finds `key` in the response object and decodes only it; every other
/// field (`type`) is skipped without building a tree.
struct PayloadSeed<'k, T> {
    key: &'k str,
    marker: PhantomData<T>,
}

impl<'de, T: DeserializeOwned> DeserializeSeed<'de> for PayloadSeed<'_, T> {
    type Value = Option<T>;

    fn deserialize<D: de::Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Option<T>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, T: DeserializeOwned> Visitor<'de> for PayloadSeed<'_, T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an operator response with `{}`", self.key)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Option<T>, A::Error> {
        let mut out = None;
        while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
            if key == self.key {
                out = Some(map.next_value::<T>()?);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(out)
    }
}
