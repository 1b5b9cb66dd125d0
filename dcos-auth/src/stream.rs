//! A response body read as it arrives, with an idle time-out.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::BoxStream;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use tokio::time::{Instant, Sleep};
use url::Url;

use crate::error::Error;

/// The body of a 2xx streaming response, chunk by chunk.
///
/// It has no total time-out. If no bytes arrive for the idle time-out it yields
/// [`Error::Timeout`] and ends; a broken connection yields [`Error::Transport`]
/// and ends. Decoders for SSE, RecordIO and progressive text sit on top of it.
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    method: Method,
    url: Url,
    idle: Duration,
    inner: BoxStream<'static, reqwest::Result<Bytes>>,
    deadline: Pin<Box<Sleep>>,
    done: bool,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("status", &self.status)
            .field("url", &self.url.as_str())
            .field("idle", &self.idle)
            .field("done", &self.done)
            .finish()
    }
}

impl ByteStream {
    pub(crate) fn new(
        response: reqwest::Response,
        method: Method,
        url: Url,
        idle: Duration,
    ) -> Self {
        ByteStream {
            status: response.status(),
            headers: response.headers().clone(),
            method,
            url,
            idle,
            inner: Box::pin(response.bytes_stream()),
            deadline: Box::pin(tokio::time::sleep(idle)),
            done: false,
        }
    }

    /// The response status (always 2xx).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The URL that answered, after redirects.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        match self.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                let next = Instant::now() + self.idle;
                self.deadline.as_mut().reset(next);
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(e))) => {
                self.done = true;
                let err = Error::transport(&self.method, &self.url, e.without_url());
                Poll::Ready(Some(Err(err)))
            }
            Poll::Ready(None) => {
                self.done = true;
                Poll::Ready(None)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    self.done = true;
                    Poll::Ready(Some(Err(Error::Timeout {
                        method: self.method.clone(),
                        url: Box::new(self.url.clone()),
                        after: self.idle,
                    })))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}
