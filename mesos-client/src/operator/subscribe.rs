//! The operator SUBSCRIBE stream: [`Operator::subscribe`] and
//! [`OperatorEvents`].

use std::pin::Pin;
use std::task::{Context, Poll};

use dcos_auth::http::Url;
use dcos_auth::{ByteStream, Request};
use futures_util::Stream;

use super::Operator;
use crate::error::{Error, Result};
use crate::models::OperatorEvent;
use crate::recordio::RecordStream;

/// The SUBSCRIBE request: `POST api/v1` with `{"type":"SUBSCRIBE"}`,
/// `Content-Type: application/json` and `Accept: application/json`.
///
/// With `Accept: application/json` the master answers `200` with
/// `Content-Type: application/json` and a chunked body of RecordIO-framed
/// JSON events (`docs/operator-http-api.md`, SUBSCRIBE). The newer
/// `Accept: application/recordio` plus `Message-Accept` form is not needed
/// for JSON, and older masters do not know it. SUBSCRIBE changes nothing,
/// so it may be retried.
pub(crate) fn subscribe_request() -> Result<Request> {
    Ok(Request::post(["api", "v1"])
        .json(&serde_json::json!({"type": "SUBSCRIBE"}))?
        .idempotent(true))
}

/// The events of one operator subscription, from [`Operator::subscribe`]:
/// SUBSCRIBED first, then TASK_ADDED, TASK_UPDATED, AGENT_*, FRAMEWORK_*
/// and HEARTBEAT as they happen.
///
/// It ends when the connection closes (or after a framing error, which is
/// yielded first); an event that does not decode is yielded as an error and
/// the stream goes on. [`Operator::watch`] reconnects.
#[derive(Debug)]
pub struct OperatorEvents {
    inner: RecordStream<OperatorEvent, ByteStream>,
}

impl OperatorEvents {
    /// The URL that answered (the leader's, after a redirect).
    pub fn url(&self) -> &Url {
        self.inner.get_ref().url()
    }

    /// How many events have been read.
    pub fn events_read(&self) -> u64 {
        self.inner.records_read()
    }
}

impl Stream for OperatorEvents {
    type Item = Result<OperatorEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Pin::new(&mut self.inner).poll_next(cx)
    }
}

impl Operator {
    /// SUBSCRIBE: opens the master's event stream. The first event is
    /// SUBSCRIBED with the whole cluster state; a `307` to the leader is
    /// followed by the core. For a stream that reconnects and keeps a
    /// [`ClusterView`](crate::view::ClusterView), use [`Operator::watch`].
    pub async fn subscribe(&self) -> Result<OperatorEvents> {
        let body = self
            .core()
            .stream(subscribe_request()?)
            .await
            .map_err(Error::from_http)?;
        Ok(OperatorEvents {
            inner: RecordStream::from_body(body),
        })
    }
}
