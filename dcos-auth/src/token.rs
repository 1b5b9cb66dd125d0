//! The token cache: one token per cluster, refreshed before it expires, with a
//! single refresh in flight however many requests are waiting.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures_util::FutureExt;
use futures_util::future::{BoxFuture, Shared};

use crate::error::{AuthError, Error};
use crate::jwt::TokenClaims;
use crate::secret::Secret;

/// How long before `exp` a token is replaced. A token that lives less than
/// twice this long is replaced halfway through its life instead.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// A token with what was read from it.
#[derive(Debug)]
pub(crate) struct CachedToken {
    pub(crate) token: Secret,
    pub(crate) claims: TokenClaims,
    /// Which fetch produced it; a 401 invalidates only the token it was sent with.
    pub(crate) generation: u64,
    /// When to fetch a new one.
    refresh_at: Option<SystemTime>,
}

impl CachedToken {
    /// A token received at `now`. A token that was handed to us (seeded) has an
    /// unknown lifetime, so the full margin applies.
    fn new(token: Secret, generation: u64, received: Option<SystemTime>) -> Self {
        let claims = TokenClaims::decode_unverified(token.expose());
        let refresh_at = claims.exp.map(|exp| {
            let margin = match received.and_then(|r| exp.duration_since(r).ok()) {
                Some(lifetime) => REFRESH_MARGIN.min(lifetime / 2),
                None => REFRESH_MARGIN,
            };
            exp.checked_sub(margin).unwrap_or(exp)
        });
        CachedToken {
            token,
            claims,
            generation,
            refresh_at,
        }
    }

    fn is_fresh(&self, now: SystemTime) -> bool {
        self.refresh_at.is_none_or(|at| now < at)
    }

    fn is_unexpired(&self, now: SystemTime) -> bool {
        self.claims.exp.is_none_or(|exp| now < exp)
    }
}

type Flight = Shared<BoxFuture<'static, Result<Arc<CachedToken>, Error>>>;

#[derive(Default)]
struct State {
    current: Option<Arc<CachedToken>>,
    /// The fetch in progress, shared by every request waiting for it.
    in_flight: Option<(u64, Flight)>,
    last_generation: u64,
}

/// Holds the current token and runs one fetch at a time.
#[derive(Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = self.lock();
        f.debug_struct("TokenCache")
            .field("has_token", &state.current.is_some())
            .field("refreshing", &state.in_flight.is_some())
            .finish()
    }
}

impl TokenCache {
    /// A cache that starts with `token` (for example a token from the
    /// environment that a login can later replace).
    pub(crate) fn seeded(token: Option<Secret>) -> Self {
        let cache = TokenCache::default();
        if let Some(token) = token {
            cache.lock().current = Some(Arc::new(CachedToken::new(token, 0, None)));
        }
        cache
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain data that no panic can leave half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current token if it is fresh, else a new one from `fetch`.
    ///
    /// The fetch runs in its own task, and every request that needs a token
    /// while it runs awaits that same task: fifty requests with an expired token
    /// cause one login, a bad password causes one failed login rather than fifty,
    /// and a waiter that gives up (a time-out, a dropped future) does not cancel
    /// the login for the others. If a refresh fails while the current token has
    /// not yet expired, the current token is used and the error is logged.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<CachedToken>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret, Error>> + Send + 'static,
    {
        let (generation, flight) = {
            let mut state = self.lock();
            if let Some(t) = state
                .current
                .as_ref()
                .filter(|t| t.is_fresh(SystemTime::now()))
            {
                return Ok(t.clone());
            }
            match &state.in_flight {
                Some(flight) => flight.clone(),
                None => {
                    state.last_generation += 1;
                    let generation = state.last_generation;
                    let task = tokio::spawn(fetch());
                    let flight = async move {
                        let token = task.await.map_err(|e| {
                            Error::from(AuthError::Source {
                                message: format!("the token fetch task failed: {e}"),
                            })
                        })??;
                        let received = Some(SystemTime::now());
                        Ok(Arc::new(CachedToken::new(token, generation, received)))
                    }
                    .boxed()
                    .shared();
                    state.in_flight = Some((generation, flight.clone()));
                    (generation, flight)
                }
            }
        };
        let result = flight.await;
        let mut state = self.lock();
        if state
            .in_flight
            .as_ref()
            .is_some_and(|(g, _)| *g == generation)
        {
            state.in_flight = None;
            if let Ok(token) = &result {
                state.current = Some(token.clone());
            }
        }
        match result {
            Ok(token) => Ok(token),
            Err(err) => match state
                .current
                .as_ref()
                .filter(|t| t.is_unexpired(SystemTime::now()))
            {
                Some(still_valid) => {
                    tracing::warn!(error = %err, "token refresh failed; the current token is still valid and stays in use");
                    Ok(still_valid.clone())
                }
                None => Err(err),
            },
        }
    }

    /// The current token if it has not expired, without fetching one.
    pub(crate) fn current(&self) -> Option<Arc<CachedToken>> {
        self.lock()
            .current
            .clone()
            .filter(|t| t.is_unexpired(SystemTime::now()))
    }

    /// Drops the token of `generation` after the server rejected it. A newer
    /// token, fetched by another request meanwhile, is kept.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut state = self.lock();
        if state
            .current
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            state.current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    fn jwt_expiring_in(secs: i64) -> Secret {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"uid":"u","exp":{}}}"#, now + secs));
        Secret::new(format!("h.{payload}.s"))
    }

    fn counted(
        calls: &Arc<AtomicUsize>,
        delay_ms: u64,
        result: Result<Secret, Error>,
    ) -> impl Future<Output = Result<Secret, Error>> + Send + 'static {
        let calls = calls.clone();
        async move {
            calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            result
        }
    }

    #[tokio::test]
    async fn concurrent_waiters_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| counted(&calls, 20, Ok(jwt_expiring_in(3600))))
                    .await
                    .map(|t| t.generation)
            }));
        }
        for t in tasks {
            assert_eq!(t.await.unwrap().unwrap(), 1);
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn waiters_share_a_failure_then_the_next_call_tries_again() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..10 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| counted(&calls, 20, Err(Error::config("login down"))))
                    .await
            }));
        }
        for t in tasks {
            assert!(t.await.unwrap().is_err());
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let again = cache.get(|| async { Ok(jwt_expiring_in(3600)) }).await;
        assert!(again.is_ok());
    }

    #[tokio::test]
    async fn a_cancelled_waiter_does_not_cancel_the_fetch() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        // The first caller gives up long before the 200 ms login ends.
        let first = tokio::time::timeout(
            Duration::from_millis(20),
            cache.get(|| counted(&calls, 200, Ok(jwt_expiring_in(3600)))),
        )
        .await;
        assert!(first.is_err(), "the first caller timed out");
        // The next caller joins the same login instead of starting another.
        let t = cache
            .get(|| counted(&calls, 0, Ok(Secret::new("second-login"))))
            .await
            .unwrap();
        assert_eq!(t.generation, 1);
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn tokens_near_expiry_are_refreshed() {
        let cache = TokenCache::seeded(Some(jwt_expiring_in(20)));
        let t = cache
            .get(|| async { Ok(jwt_expiring_in(3600)) })
            .await
            .unwrap();
        assert_eq!(
            t.generation, 1,
            "a token 20 s from exp is inside the 30 s margin"
        );
        let t = cache
            .get(|| async { panic!("a fresh token must not be refetched") })
            .await
            .unwrap();
        assert_eq!(t.generation, 1);
    }

    #[tokio::test]
    async fn short_lived_tokens_are_refreshed_halfway() {
        let cache = TokenCache::default();
        // A 10 s token: refreshed after 5 s, not on every use.
        let t = cache
            .get(|| async { Ok(jwt_expiring_in(10)) })
            .await
            .unwrap();
        let again = cache
            .get(|| async { panic!("a 10 s token is good for 5 s") })
            .await
            .unwrap();
        assert_eq!(again.generation, t.generation);
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_an_unexpired_token() {
        let cache = TokenCache::seeded(Some(jwt_expiring_in(20)));
        let t = cache
            .get(|| async { Err(Error::config("IAM unavailable")) })
            .await
            .unwrap();
        assert_eq!(t.generation, 0, "the seeded token is still valid for 20 s");
        let expired = TokenCache::seeded(Some(jwt_expiring_in(-1)));
        assert!(
            expired
                .get(|| async { Err(Error::config("IAM unavailable")) })
                .await
                .is_err()
        );
    }

    #[tokio::test]
    async fn invalidate_drops_only_the_rejected_generation() {
        let cache = TokenCache::default();
        let first = cache
            .get(|| async { Ok(jwt_expiring_in(3600)) })
            .await
            .unwrap();
        cache.invalidate(first.generation + 7);
        let same = cache.get(|| async { panic!("still valid") }).await.unwrap();
        assert_eq!(same.generation, first.generation);
        cache.invalidate(first.generation);
        let next = cache
            .get(|| async { Ok(Secret::new("opaque")) })
            .await
            .unwrap();
        assert_eq!(next.generation, first.generation + 1);
        assert_eq!(
            next.claims,
            TokenClaims::default(),
            "opaque tokens never expire locally"
        );
    }
}
