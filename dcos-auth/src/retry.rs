//! When to send a request again: a pure decision, kept apart from the I/O.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;

/// How many times, and how patiently, the core resends a failed request.
///
/// The defaults: at most 4 attempts, backoff from 200 ms doubling up to 5 s, and a
/// server's `Retry-After` honoured up to 60 s (a longer wait ends the retries and
/// returns the error).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The most attempts, counting the first. `1` turns retries off.
    pub max_attempts: u32,
    /// The backoff before the first retry.
    pub base_delay: Duration,
    /// The longest backoff between two attempts.
    pub max_delay: Duration,
    /// The longest `Retry-After` the core waits for.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

/// What happened to one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The connection could not be made: nothing was sent.
    ConnectFailed,
    /// The request may have reached the server but no answer came back (a
    /// time-out or a dropped connection): its outcome is unknown.
    Interrupted,
    /// The server answered.
    Status {
        /// The status it sent.
        status: StatusCode,
        /// Its `Retry-After`, already parsed.
        retry_after: Option<Duration>,
    },
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Give up and report the last outcome.
    Stop,
    /// Try again after the delay.
    Retry(Delay),
}

/// How long to wait before the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delay {
    /// Exactly this long, as the server asked with `Retry-After`.
    Exactly(Duration),
    /// Exponential backoff: a random wait between half of `max` and `max`.
    Backoff {
        /// The capped exponential delay for this attempt.
        max: Duration,
    },
}

impl Delay {
    /// The wait, given a uniform random number in `[0, 1)` for the jitter.
    pub fn with_jitter(self, random: f64) -> Duration {
        match self {
            Delay::Exactly(d) => d,
            Delay::Backoff { max } => {
                let random = if random.is_finite() {
                    random.clamp(0.0, 1.0)
                } else {
                    0.5
                };
                Duration::try_from_secs_f64(max.as_secs_f64() * (0.5 + 0.5 * random)).unwrap_or(max)
            }
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Sets the most attempts, counting the first.
    #[must_use]
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first and the longest backoff.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base_delay = base;
        self.max_delay = max.max(base);
        self
    }

    /// Sets the longest `Retry-After` the core waits for.
    #[must_use]
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Decides whether to send a request again after `attempt` attempts (1 after
    /// the first) ended in `outcome`.
    ///
    /// - A failed connection is retried for every method: nothing was sent.
    /// - 429 is retried for every method: the server refused the request without
    ///   acting on it. Its `Retry-After` is honoured.
    /// - An interrupted request and 502, 503 and 504 are retried only when the
    ///   request is idempotent: a POST whose outcome is unknown is never resent.
    /// - Everything else stops.
    pub fn decide(&self, attempt: u32, idempotent: bool, outcome: &Outcome) -> Decision {
        if attempt >= self.max_attempts {
            return Decision::Stop;
        }
        let backoff = Decision::Retry(Delay::Backoff {
            max: self.backoff_for(attempt),
        });
        match *outcome {
            Outcome::ConnectFailed => backoff,
            Outcome::Interrupted if idempotent => backoff,
            Outcome::Interrupted => Decision::Stop,
            Outcome::Status {
                status,
                retry_after,
            } => {
                let retryable = match status.as_u16() {
                    429 => true,
                    502..=504 => idempotent,
                    _ => false,
                };
                match (retryable, retry_after) {
                    (false, _) => Decision::Stop,
                    (true, Some(wait)) if wait > self.max_retry_after => Decision::Stop,
                    (true, Some(wait)) => Decision::Retry(Delay::Exactly(wait)),
                    (true, None) => backoff,
                }
            }
        }
    }

    fn backoff_for(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(20);
        self.base_delay
            .saturating_mul(1u32 << exp)
            .min(self.max_delay)
    }
}

/// How long a stream connection must last for [`Reconnect`] to start again
/// from its shortest wait (or the longest wait, if that is shorter).
pub const HEALTHY_AFTER: Duration = Duration::from_secs(10);

/// Capped, jittered backoff for streams that reconnect for ever (event
/// watches, operator subscriptions).
///
/// The wait starts at `min` and doubles after each failed or short-lived
/// connection up to `max`, with jitter (a random wait between half of the
/// cap and all of it). A connection that lasted [`HEALTHY_AFTER`] (or `max`,
/// if shorter) starts the count again, so a server that accepts and at once
/// closes is not hammered, while one that drops the stream now and then is
/// rejoined quickly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconnect {
    min: Duration,
    max: Duration,
    failures: u32,
}

impl Reconnect {
    /// Backoff from `min` to `max`.
    pub fn new(min: Duration, max: Duration) -> Self {
        Reconnect {
            min,
            max: max.max(min),
            failures: 0,
        }
    }

    /// The cap of the next wait.
    pub fn cap(&self) -> Duration {
        reconnect_cap(self.min, self.max, self.failures)
    }

    /// Failed or short-lived connections in a row.
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// The next wait, jittered, counting one more failure.
    pub fn next_wait(&mut self) -> Duration {
        let wait = Delay::Backoff { max: self.cap() }.with_jitter(fastrand::f64());
        self.failures = self.failures.saturating_add(1);
        wait
    }

    /// A connection ended after `lasted`: a long-lived one starts the count
    /// again.
    pub fn ended_after(&mut self, lasted: Duration) {
        if lasted >= self.max.min(HEALTHY_AFTER) {
            self.failures = 0;
        }
    }
}

/// The cap of the wait after `failures` failed or short-lived connections:
/// `min` doubled per failure, at most `max`.
pub fn reconnect_cap(min: Duration, max: Duration, failures: u32) -> Duration {
    min.saturating_mul(1u32 << failures.min(20)).min(max)
}

/// Parses a `Retry-After` value: a number of seconds or an HTTP date.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether a method is idempotent by definition (RFC 9110 §9.2.2).
pub fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(code: u16) -> Outcome {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    fn backoff(ms: u64) -> Decision {
        Decision::Retry(Delay::Backoff {
            max: Duration::from_millis(ms),
        })
    }

    #[test]
    fn gateway_errors_retry_only_idempotent_calls() {
        let p = RetryPolicy::default();
        for code in [502, 503, 504] {
            assert_eq!(p.decide(1, true, &status(code)), backoff(200), "{code}");
            assert_eq!(p.decide(1, false, &status(code)), Decision::Stop, "{code}");
        }
    }

    #[test]
    fn connect_failures_retry_every_method() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(1, false, &Outcome::ConnectFailed), backoff(200));
        assert_eq!(p.decide(1, true, &Outcome::ConnectFailed), backoff(200));
    }

    #[test]
    fn an_unknown_outcome_is_never_resent_for_a_post() {
        let p = RetryPolicy::default();
        assert_eq!(p.decide(1, false, &Outcome::Interrupted), Decision::Stop);
        assert_eq!(p.decide(1, true, &Outcome::Interrupted), backoff(200));
    }

    #[test]
    fn other_statuses_stop() {
        let p = RetryPolicy::default();
        for code in [200, 201, 400, 401, 403, 404, 409, 422, 500, 501] {
            assert_eq!(p.decide(1, true, &status(code)), Decision::Stop, "{code}");
        }
    }

    #[test]
    fn too_many_requests_honours_retry_after() {
        let p = RetryPolicy::default();
        let o = Outcome::Status {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::from_secs(3)),
        };
        let want = Decision::Retry(Delay::Exactly(Duration::from_secs(3)));
        assert_eq!(p.decide(1, true, &o), want);
        assert_eq!(
            p.decide(1, false, &o),
            want,
            "429 means the POST was not acted on"
        );
        assert_eq!(p.decide(1, true, &status(429)), backoff(200));
    }

    #[test]
    fn retry_after_longer_than_the_cap_stops() {
        let p = RetryPolicy::default().max_retry_after(Duration::from_secs(10));
        let o = Outcome::Status {
            status: StatusCode::SERVICE_UNAVAILABLE,
            retry_after: Some(Duration::from_secs(11)),
        };
        assert_eq!(p.decide(1, true, &o), Decision::Stop);
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = RetryPolicy::default()
            .max_attempts(10)
            .backoff(Duration::from_millis(100), Duration::from_millis(1000));
        let delays: Vec<_> = (1..=6)
            .map(|a| match p.decide(a, true, &status(503)) {
                Decision::Retry(Delay::Backoff { max }) => max.as_millis(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
    }

    #[test]
    fn attempts_are_bounded() {
        let p = RetryPolicy::default().max_attempts(3);
        assert_ne!(p.decide(2, true, &status(503)), Decision::Stop);
        assert_eq!(p.decide(3, true, &status(503)), Decision::Stop);
        assert_eq!(
            RetryPolicy::never().decide(1, true, &status(503)),
            Decision::Stop
        );
    }

    #[test]
    fn jitter_stays_between_half_and_full() {
        let d = Delay::Backoff {
            max: Duration::from_millis(1000),
        };
        assert_eq!(d.with_jitter(0.0), Duration::from_millis(500));
        assert_eq!(d.with_jitter(1.0), Duration::from_millis(1000));
        let r = d.with_jitter(0.5);
        assert!(r > Duration::from_millis(500) && r < Duration::from_millis(1000));
        assert_eq!(
            Delay::Exactly(Duration::from_secs(2)).with_jitter(0.9),
            Duration::from_secs(2)
        );
        assert_eq!(d.with_jitter(f64::NAN), Duration::from_millis(750));
        let huge = Delay::Backoff { max: Duration::MAX };
        assert!(huge.with_jitter(1.0) > Duration::from_secs(1 << 60));
    }

    #[test]
    fn retry_after_parses_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn reconnect_doubles_to_its_cap_and_resets_after_a_long_connection() {
        let mut r = Reconnect::new(Duration::from_millis(100), Duration::from_millis(350));
        let caps: Vec<u128> = (0..4)
            .map(|_| {
                let cap = r.cap();
                let wait = r.next_wait();
                assert!(wait <= cap && wait >= cap / 2, "{wait:?} within {cap:?}");
                cap.as_millis()
            })
            .collect();
        assert_eq!(caps, [100, 200, 350, 350]);
        r.ended_after(Duration::from_millis(100));
        assert_eq!(r.failures(), 4, "a short connection keeps the count");
        r.ended_after(Duration::from_millis(350));
        assert_eq!(r.failures(), 0);
        assert_eq!(
            reconnect_cap(Duration::from_secs(1), Duration::MAX, u32::MAX).as_secs(),
            1 << 20
        );
    }
}
