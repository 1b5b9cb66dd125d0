//! `GET /v2/events` as a stream of [`Event`]s that ends with its connection.

use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use dcos_auth::http::Url;
use dcos_auth::http::header::CONTENT_TYPE;
use dcos_auth::{ByteStream, Request};
use futures_util::Stream;
use tokio_util::codec::Decoder;

use super::{Event, EventType};
use crate::client::MarathonClient;
use crate::error::{Error, Result};
use crate::sse::{SseDecoder, SseError, SseFrame};

/// The media type of an event stream.
pub(crate) const EVENT_STREAM: &str = "text/event-stream";

/// Which events to ask for.
///
/// Marathon 1.3.7 and later filter on the server (`event_type=`, repeated);
/// [`EventStream`] filters again on the client, so older servers that ignore
/// the parameter give the same result.
///
/// ```
/// use marathon_client::events::{EventFilter, EventType};
/// let all = EventFilter::all();
/// let deployments = EventFilter::types([EventType::DeploymentSuccess, EventType::DeploymentFailed])
///     .light_plans(true);
/// let custom = EventFilter::types(["status_update_event", "some_future_event"]);
/// # let _ = (all, deployments, custom);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventFilter {
    /// The types wanted; empty means every type.
    pub event_types: Vec<EventType>,
    /// Sends `plan-format=light`, which leaves the `original` and `target`
    /// groups out of deployment plans. It is the default from Marathon 1.7
    /// and the only format from 1.8.
    pub light_plans: bool,
}

impl EventFilter {
    /// Every event.
    pub fn all() -> Self {
        EventFilter::default()
    }

    /// Only events of these types.
    pub fn types<I, T>(types: I) -> Self
    where
        I: IntoIterator<Item = T>,
        T: Into<EventType>,
    {
        EventFilter {
            event_types: types.into_iter().map(Into::into).collect(),
            light_plans: false,
        }
    }

    /// Adds a type.
    #[must_use]
    pub fn with_type(mut self, event_type: impl Into<EventType>) -> Self {
        self.event_types.push(event_type.into());
        self
    }

    /// Asks for light deployment plans (`plan-format=light`) or not.
    #[must_use]
    pub fn light_plans(mut self, light: bool) -> Self {
        self.light_plans = light;
        self
    }

    /// Whether events of the type named `name` pass.
    pub fn accepts(&self, name: &str) -> bool {
        self.event_types.is_empty() || self.event_types.iter().any(|t| t.as_str() == name)
    }

    /// The request: `GET v2/events` with `Accept: text/event-stream`, one
    /// `event_type` parameter per type, and `plan-format=light` if asked.
    pub fn request(&self) -> Request {
        let mut request = Request::get(["v2", "events"]).accept(EVENT_STREAM);
        for event_type in &self.event_types {
            request = request.query("event_type", event_type);
        }
        if self.light_plans {
            request = request.query("plan-format", "light");
        }
        request
    }
}

impl MarathonClient {
    /// Subscribes to the event stream. The stream ends when the connection
    /// closes: on a leader change, when the server drops a slow consumer, on
    /// the core's idle time-out (an error item first) or a broken
    /// connection. [`MarathonClient::watch`] reconnects instead.
    ///
    /// A standby's redirect to the leader is followed by the core, with
    /// credentials when the leader is an allowed host. A status outside 2xx
    /// (405 without the `Accept` header, 401, 403, no leader) is the error
    /// here, before any event. In the stream, a frame that cannot be decoded
    /// is an error item and the stream goes on.
    pub async fn events(&self, filter: EventFilter) -> Result<EventStream> {
        let body = self
            .core()
            .stream(filter.request())
            .await
            .map_err(Error::from_http)?;
        if let Some(content_type) = body.headers().get(CONTENT_TYPE) {
            let text = content_type.to_str().unwrap_or_default();
            if !text
                .get(..EVENT_STREAM.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(EVENT_STREAM))
            {
                return Err(Error::Protocol(format!(
                    "GET {} answered with Content-Type `{text}`, not an event stream",
                    body.url()
                )));
            }
        }
        Ok(EventStream::new(body, filter))
    }
}

/// The events of one connection to `/v2/events`, from
/// [`MarathonClient::events`]. It ends when the connection closes.
///
/// An error item is either about one frame (it could not be decoded, or was
/// too large; the stream goes on) or about the connection (a broken
/// connection, the idle time-out, a frame cut off by the end of the stream;
/// the stream then ends).
#[derive(Debug)]
pub struct EventStream {
    frames: Frames<ByteStream>,
    filter: EventFilter,
}

impl EventStream {
    fn new(body: ByteStream, filter: EventFilter) -> Self {
        let url = body.url().clone();
        EventStream {
            frames: Frames::new(body, url),
            filter,
        }
    }

    /// The URL that answered: the leader's, after a standby's redirect.
    pub fn url(&self) -> &Url {
        &self.frames.url
    }

    /// The reconnection time the server asked for with `retry:`, if any.
    pub fn server_retry(&self) -> Option<Duration> {
        self.frames.decoder.retry()
    }
}

impl Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            let frame = match ready!(Pin::new(&mut this.frames).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                Some(Ok(frame)) => frame,
            };
            // Skip unwanted frames before decoding them when the name says.
            if frame
                .event
                .as_deref()
                .is_some_and(|name| !this.filter.accepts(name))
            {
                continue;
            }
            let event = Event::from_frame(&frame);
            if let Ok(event) = &event {
                if !this.filter.accepts(event.type_name()) {
                    continue;
                }
            }
            return Poll::Ready(Some(event));
        }
    }
}

/// SSE frames from a body stream. Unlike `FramedRead`, a frame error does not
/// end it: the decoder skips the bad frame. A body error does.
#[derive(Debug)]
pub(crate) struct Frames<S> {
    body: S,
    url: Url,
    buf: BytesMut,
    decoder: SseDecoder,
    eof: bool,
    done: bool,
}

impl<S> Frames<S> {
    pub(crate) fn new(body: S, url: Url) -> Self {
        Frames {
            body,
            url,
            buf: BytesMut::new(),
            decoder: SseDecoder::new(),
            eof: false,
            done: false,
        }
    }

    fn frame_error(&self, err: SseError) -> Error {
        Error::Protocol(format!("GET {}: {err}", self.url))
    }
}

impl<S> Stream for Frames<S>
where
    S: Stream<Item = Result<Bytes, dcos_auth::Error>> + Unpin,
{
    type Item = Result<SseFrame>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let step = if this.eof {
                this.decoder.decode_eof(&mut this.buf)
            } else {
                this.decoder.decode(&mut this.buf)
            };
            match step {
                Ok(Some(frame)) => return Poll::Ready(Some(Ok(frame))),
                Err(err) => return Poll::Ready(Some(Err(this.frame_error(err)))),
                Ok(None) if this.eof => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Ok(None) => {}
            }
            match ready!(Pin::new(&mut this.body).poll_next(cx)) {
                Some(Ok(chunk)) => this.buf.extend_from_slice(&chunk),
                Some(Err(err)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::Http(err))));
                }
                None => this.eof = true,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use futures_util::stream;

    fn url() -> Url {
        Url::parse("http://marathon:8080/v2/events").unwrap()
    }

    fn frames(chunks: Vec<Result<Bytes, dcos_auth::Error>>) -> Vec<Result<SseFrame>> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(Frames::new(stream::iter(chunks), url()).collect())
    }

    #[test]
    fn filters_build_the_query() {
        let base = Url::parse("http://m/").unwrap();
        let all = EventFilter::all().request();
        assert_eq!(all.url(&base).unwrap().as_str(), "http://m/v2/events");
        let some = EventFilter::types([EventType::DeploymentSuccess])
            .with_type("deployment_failed")
            .light_plans(true)
            .request();
        assert_eq!(
            some.url(&base).unwrap().as_str(),
            "http://m/v2/events?event_type=deployment_success&event_type=deployment_failed&plan-format=light"
        );
        let filter = EventFilter::types(["x"]);
        assert!(filter.accepts("x") && !filter.accepts("y"));
        assert!(EventFilter::all().accepts("y"));
    }

    #[test]
    fn frame_errors_do_not_end_the_stream_but_body_errors_do() {
        let got = frames(vec![
            Ok(Bytes::from_static(b"data: 1\n\ndata: \xFF\n\ndata: 2\n")),
            Ok(Bytes::from_static(b"\n")),
        ]);
        let summary: Vec<String> = got
            .iter()
            .map(|r| match r {
                Ok(f) => f.data.clone(),
                Err(e) => format!("error: {e}"),
            })
            .collect();
        assert_eq!(summary.len(), 3, "{summary:?}");
        assert_eq!(summary[0], "1");
        assert!(summary[1].contains("not valid UTF-8"), "{summary:?}");
        assert!(summary[1].contains("http://marathon:8080/v2/events"));
        assert_eq!(summary[2], "2");

        let timeout = dcos_auth::Error::Timeout {
            method: dcos_auth::http::Method::GET,
            url: Box::new(url()),
            after: Duration::from_secs(1),
        };
        let got = frames(vec![
            Ok(Bytes::from_static(b"data: 1\n\ndata: cut")),
            Err(timeout),
            Ok(Bytes::from_static(b"\n\ndata: never\n\n")),
        ]);
        assert_eq!(got.len(), 2);
        assert!(matches!(
            &got[1],
            Err(Error::Http(dcos_auth::Error::Timeout { .. }))
        ));
    }

    #[test]
    fn a_cut_frame_at_the_end_is_reported() {
        let got = frames(vec![Ok(Bytes::from_static(b"data: 1\n\ndata: cut"))]);
        assert_eq!(got.len(), 2);
        let err = got[1].as_ref().unwrap_err();
        assert!(err.to_string().contains("ended inside a frame"), "{err}");
    }
}
