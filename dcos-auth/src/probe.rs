//! The prober: a background task that brings hosts marked down back into use.
//!
//! It runs only while some host is down, and only when a health probe is
//! configured. It holds a `Weak` reference, so it also ends once the cluster and
//! every core made from it are dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use futures_util::future::join_all;
use reqwest::header::{ACCEPT, AUTHORIZATION};

use crate::core::Shared;
use crate::hosts::{HealthProbe, with_origin};
use crate::request::Request;

/// Starts the prober for `shared`'s host set. The caller has recorded that a
/// prober runs ([`HostSet::mark_down`](crate::hosts::HostSet::mark_down)).
pub(crate) fn start(shared: &Arc<Shared>) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        tracing::warn!("no Tokio runtime: down hosts are not probed");
        shared.hosts.prober_stopped();
        return;
    };
    let interval = shared.hosts.probe_interval();
    runtime.spawn(run(Arc::downgrade(shared), interval));
}

async fn run(weak: Weak<Shared>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        let Some(shared) = weak.upgrade() else {
            return;
        };
        let Some(probe) = shared.hosts.probe() else {
            shared.hosts.prober_stopped();
            return;
        };
        let down = shared.hosts.down_or_stop_probing();
        if down.is_empty() {
            tracing::debug!("every host is up: the prober stops");
            return;
        }
        let results = join_all(down.iter().map(|&i| probe_host(&shared, probe, i))).await;
        for (&i, healthy) in down.iter().zip(results) {
            let origin = shared.hosts.name(i);
            if healthy && shared.hosts.mark_up(i) {
                tracing::info!(host = %origin, "the health probe succeeded: the host is back");
            } else if !healthy {
                tracing::debug!(host = %origin, "the health probe failed: the host stays down");
            }
        }
    }
}

/// Sends the health probe to host `i` once, with no retries, no redirects and
/// the connect time-out as its whole time limit. Credentials go along when
/// they are at hand; the prober never logs in.
async fn probe_host(shared: &Shared, probe: &HealthProbe, i: usize) -> bool {
    let base = with_origin(&shared.root, shared.hosts.origin(i));
    let Ok(url) = Request::get(probe.segments.iter().cloned()).url(&base) else {
        return false;
    };
    let mut builder = shared
        .http
        .get(url)
        .header(ACCEPT, probe.accept.clone())
        .timeout(shared.connect_timeout);
    if let Some(value) = shared.auth.header_without_login() {
        builder = builder.header(AUTHORIZATION, value);
    }
    match builder.send().await {
        Ok(response) => response.status().is_success(),
        Err(_) => false,
    }
}
