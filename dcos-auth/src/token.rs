//! The token cache: one token per cluster, refreshed before it expires, with a
//! single refresh in flight however many requests are waiting.

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use crate::error::Error;
use crate::jwt::TokenClaims;
use crate::secret::Secret;

/// How long before `exp` a token is replaced.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(30);

/// A token with what was read from it.
#[derive(Debug)]
pub(crate) struct CachedToken {
    pub(crate) token: Secret,
    pub(crate) claims: TokenClaims,
    /// Which login produced it; a 401 invalidates only the token it was sent with.
    pub(crate) generation: u64,
}

impl CachedToken {
    fn is_fresh(&self, now: SystemTime) -> bool {
        self.claims.exp.is_none_or(|exp| now + REFRESH_MARGIN < exp)
    }
}

#[derive(Debug, Default)]
struct State {
    current: Option<Arc<CachedToken>>,
    /// Counts finished fetches, so a waiter can tell that one ran while it waited.
    fetches: u64,
    /// The error of the last fetch, handed to the requests that waited on it.
    last_error: Option<Error>,
    next_generation: u64,
}

/// Holds the current token and serialises refreshes.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
    flight: tokio::sync::Mutex<()>,
}

impl TokenCache {
    /// A cache that starts with `token` (for example a token from the CLI config
    /// that a login can later replace).
    pub(crate) fn seeded(token: Option<Secret>) -> Self {
        let cache = TokenCache::default();
        if let Some(token) = token {
            cache.lock().current = Some(Arc::new(CachedToken {
                claims: TokenClaims::decode_unverified(token.expose()),
                token,
                generation: 0,
            }));
        }
        cache
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // The state is plain data that no panic can leave half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The current token if it is fresh, else a new one from `fetch`.
    ///
    /// Only one `fetch` runs at a time. Requests that queued while a fetch ran
    /// take its result, token or error, instead of fetching again: fifty requests
    /// with an expired token cause one login, and a bad password causes one
    /// failed login, not fifty.
    pub(crate) async fn get<F, Fut>(&self, fetch: F) -> Result<Arc<CachedToken>, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Secret, Error>>,
    {
        let seen = {
            let state = self.lock();
            if let Some(t) = state
                .current
                .as_ref()
                .filter(|t| t.is_fresh(SystemTime::now()))
            {
                return Ok(t.clone());
            }
            state.fetches
        };
        let _flight = self.flight.lock().await;
        {
            let state = self.lock();
            if state.fetches != seen {
                if let Some(t) = state
                    .current
                    .as_ref()
                    .filter(|t| t.is_fresh(SystemTime::now()))
                {
                    return Ok(t.clone());
                }
                if let Some(err) = &state.last_error {
                    return Err(err.clone());
                }
            }
        }
        let result = fetch().await;
        let mut state = self.lock();
        state.fetches += 1;
        match result {
            Ok(token) => {
                state.next_generation += 1;
                let cached = Arc::new(CachedToken {
                    claims: TokenClaims::decode_unverified(token.expose()),
                    token,
                    generation: state.next_generation,
                });
                state.current = Some(cached.clone());
                state.last_error = None;
                Ok(cached)
            }
            Err(err) => {
                state.last_error = Some(err.clone());
                Err(err)
            }
        }
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

    #[tokio::test]
    async fn concurrent_waiters_share_one_fetch() {
        let cache = Arc::new(TokenCache::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let (cache, calls) = (cache.clone(), calls.clone());
            tasks.push(tokio::spawn(async move {
                cache
                    .get(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Ok(jwt_expiring_in(3600))
                    })
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
                    .get(|| async {
                        calls.fetch_add(1, Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        Err(Error::config("login down"))
                    })
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
    async fn tokens_near_expiry_are_refreshed() {
        let cache = TokenCache::seeded(Some(jwt_expiring_in(10)));
        let t = cache
            .get(|| async { Ok(jwt_expiring_in(3600)) })
            .await
            .unwrap();
        assert_eq!(
            t.generation, 1,
            "a token 10 s from exp is inside the 30 s margin"
        );
        let t = cache
            .get(|| async { panic!("a fresh token must not be refetched") })
            .await
            .unwrap();
        assert_eq!(t.generation, 1);
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
