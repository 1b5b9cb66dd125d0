//! CSRF crumbs: fetched once per session, sent with every POST.
//!
//! With CSRF protection on, Jenkins refuses a POST without a crumb header.
//! `GET /crumbIssuer/api/json` answers `{crumb, crumbRequestField}`; the field
//! is the header name (`Jenkins-Crumb` today, `.crumb` on old servers). A 404
//! there means CSRF protection is off. Since Jenkins 2.176.2 the default
//! crumb hashes the web session id too, so the crumb is only valid with the
//! `JSESSIONID.<hash>` cookie of the request that fetched it: the client's
//! core keeps a cookie store for that. API-token auth is exempt from CSRF, so
//! with [`CrumbPolicy::Skip`] no crumb is fetched at all.
//!
//! A 403 "No valid crumb" (the session expired, Jenkins restarted) makes the
//! client drop the session and the crumb, fetch both again, and retry the
//! request once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use dcos_auth::Secret;
use dcos_auth::http::{HeaderName, HeaderValue};
use serde::Deserialize;
use tokio::sync::Mutex;

use crate::error::{Error, Result};

/// Whether the client fetches and sends CSRF crumbs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CrumbPolicy {
    /// Fetch a crumb before the first POST and send it with every POST
    /// (password auth, anonymous, a DC/OS token through Admin Router). A 404
    /// from the crumb issuer turns crumbs off.
    #[default]
    Fetch,
    /// Send no crumb: API-token auth is exempt from CSRF. If Jenkins still
    /// answers "No valid crumb", the client fetches one and retries once.
    Skip,
}

/// A CSRF crumb: the header to send and its value. The value never shows
/// in `Debug` output.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "CrumbJson")]
#[non_exhaustive]
pub struct Crumb {
    /// The header name, from `crumbRequestField`: `Jenkins-Crumb`, or
    /// `.crumb` on old servers.
    pub field: HeaderName,
    /// The crumb, from `crumb`.
    pub value: Secret,
}

impl std::fmt::Debug for Crumb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crumb")
            .field("field", &self.field)
            .field("value", &self.value)
            .finish()
    }
}

impl Crumb {
    /// The header value, marked sensitive.
    pub(crate) fn header_value(&self) -> Result<HeaderValue> {
        let mut value = HeaderValue::from_str(self.value.expose())
            .map_err(|_| Error::Protocol("the crumb is not a valid header value".to_owned()))?;
        value.set_sensitive(true);
        Ok(value)
    }
}

/// `/crumbIssuer/api/json` as sent.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CrumbJson {
    crumb: String,
    crumb_request_field: String,
}

impl TryFrom<CrumbJson> for Crumb {
    type Error = String;
    fn try_from(json: CrumbJson) -> std::result::Result<Self, String> {
        let field = HeaderName::from_bytes(json.crumb_request_field.as_bytes()).map_err(|_| {
            format!(
                "crumbRequestField {:?} is not a header name",
                json.crumb_request_field
            )
        })?;
        Ok(Crumb {
            field,
            value: Secret::new(json.crumb),
        })
    }
}

/// What the client knows about the crumb of its current session.
#[derive(Debug, Clone)]
pub(crate) enum CrumbState {
    /// Not fetched yet, or dropped after a rejection.
    Unknown,
    /// The crumb issuer answered 404: CSRF protection is off.
    Off,
    /// The crumb of the current session.
    Have(Arc<Crumb>),
}

/// The crumb cache of one client and its clones. The lock is held while a
/// crumb is fetched, so however many POSTs wait, one fetch runs.
#[derive(Debug)]
pub(crate) struct Crumbs {
    pub(crate) policy: CrumbPolicy,
    /// Set after a rejection under [`CrumbPolicy::Skip`]: the server wants
    /// crumbs after all (the "token" was a password).
    forced: AtomicBool,
    state: Mutex<(u64, CrumbState)>,
}

impl Crumbs {
    pub(crate) fn new(policy: CrumbPolicy) -> Self {
        Crumbs {
            policy,
            forced: AtomicBool::new(false),
            state: Mutex::new((0, CrumbState::Unknown)),
        }
    }

    /// The crumb to send and the generation it belongs to, fetching it with
    /// `fetch` when none is known. Under [`CrumbPolicy::Skip`] nothing is
    /// fetched until a crumb was once rejected.
    pub(crate) async fn current<F, Fut>(&self, fetch: F) -> Result<(u64, Option<Arc<Crumb>>)>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<Option<Crumb>>>,
    {
        if self.policy == CrumbPolicy::Skip && !self.forced.load(Ordering::Relaxed) {
            return Ok((0, None));
        }
        let mut state = self.state.lock().await;
        let generation = state.0;
        match &state.1 {
            CrumbState::Have(crumb) => return Ok((generation, Some(crumb.clone()))),
            CrumbState::Off => return Ok((generation, None)),
            CrumbState::Unknown => {}
        }
        let fetched = fetch().await?;
        state.1 = match fetched {
            Some(crumb) => CrumbState::Have(Arc::new(crumb)),
            None => CrumbState::Off,
        };
        Ok((
            generation,
            match &state.1 {
                CrumbState::Have(crumb) => Some(crumb.clone()),
                _ => None,
            },
        ))
    }

    /// Drops the crumb of `generation`, unless another request already did
    /// (then a fresh one may be in place). Returns whether it dropped it.
    pub(crate) async fn invalidate(&self, generation: u64) -> bool {
        self.forced.store(true, Ordering::Relaxed);
        let mut state = self.state.lock().await;
        if state.0 != generation {
            return false;
        }
        *state = (generation + 1, CrumbState::Unknown);
        true
    }

    /// The current state.
    #[cfg(test)]
    pub(crate) async fn state(&self) -> CrumbState {
        self.state.lock().await.1.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crumbs_decode_modern_and_legacy_and_hide_their_value() {
        let c: Crumb = serde_json::from_str(
            r#"{"_class":"hudson.security.csrf.DefaultCrumbIssuer","crumb":"f00d","crumbRequestField":"Jenkins-Crumb"}"#,
        )
        .unwrap();
        assert_eq!(c.field.as_str(), "jenkins-crumb");
        assert_eq!(c.value.expose(), "f00d");
        assert!(!format!("{c:?}").contains("f00d"));
        assert!(c.header_value().unwrap().is_sensitive());
        let legacy: Crumb =
            serde_json::from_str(r#"{"crumb":"x","crumbRequestField":".crumb"}"#).unwrap();
        assert_eq!(legacy.field.as_str(), ".crumb");
        let err = serde_json::from_str::<Crumb>(r#"{"crumb":"x","crumbRequestField":"a b"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("not a header name"), "{err}");
    }

    #[tokio::test]
    async fn one_fetch_per_generation_and_skip_fetches_nothing() {
        let crumbs = Crumbs::new(CrumbPolicy::Fetch);
        let fetched = std::sync::atomic::AtomicUsize::new(0);
        let fetch = || async {
            fetched.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Some(Crumb {
                field: HeaderName::from_static("jenkins-crumb"),
                value: Secret::new("c"),
            }))
        };
        let (g, c) = crumbs.current(fetch).await.unwrap();
        assert_eq!((g, c.unwrap().value.expose()), (0, "c"));
        crumbs.current(fetch).await.unwrap();
        assert_eq!(fetched.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(crumbs.invalidate(0).await);
        assert!(
            !crumbs.invalidate(0).await,
            "a stale generation drops nothing"
        );
        let (g, _) = crumbs.current(fetch).await.unwrap();
        assert_eq!(g, 1);
        assert_eq!(fetched.load(std::sync::atomic::Ordering::SeqCst), 2);

        let off = Crumbs::new(CrumbPolicy::Fetch);
        assert!(
            off.current(|| async { Ok(None) })
                .await
                .unwrap()
                .1
                .is_none()
        );
        assert!(matches!(off.state().await, CrumbState::Off));

        let skip = Crumbs::new(CrumbPolicy::Skip);
        let (_, none) = skip
            .current(|| async { panic!("API-token auth fetches no crumb") })
            .await
            .unwrap();
        assert!(none.is_none());
        skip.invalidate(0).await;
        let (_, forced) = skip.current(fetch).await.unwrap();
        assert!(forced.is_some(), "after a rejection even Skip fetches");
    }
}
