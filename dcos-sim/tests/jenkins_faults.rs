//! Fault knobs on the simulated Jenkins: bursts of 503 on both mounts,
//! expired DC/OS tokens, slow responses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jenkins_support;

use std::time::{Duration, Instant};

use jenkins_support::Jk;

#[tokio::test]
async fn bursts_of_503_expired_tokens_and_slow_responses_reach_jenkins() {
    let cluster = common::start().await;
    let direct = Jk::token(&cluster);
    let behind = Jk::dcos(&cluster, common::superuser_token(&cluster).await);

    // Two 503s for Jenkins paths, on whichever mount asks first.
    cluster.faults().unavailable("/service/jenkins/", 2);
    assert_eq!(direct.get("api/json").await.status(), 503);
    assert_eq!(behind.get("api/json").await.status(), 503);
    assert_eq!(direct.get("api/json").await.status(), 200);
    assert_eq!(behind.get("api/json").await.status(), 200);

    // Expired DC/OS tokens stop requests at Admin Router; Jenkins auth on
    // the direct listener does not care.
    cluster.faults().expire_tokens();
    let r = behind.get("api/json").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "acsjwt");
    assert_eq!(direct.get("api/json").await.status(), 200);

    cluster.faults().set_latency(Duration::from_millis(60));
    let started = Instant::now();
    assert_eq!(direct.get("api/json").await.status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(60));
    cluster.faults().set_latency(Duration::ZERO);
    cluster.shutdown().await;
}
