//! The fault knobs on the Marathon routes: the standby's 302 on the event
//! stream, 502 with no leader, 503 bursts, expired tokens, dropped streams
//! and slow answers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod marathon_support;

use std::time::{Duration, Instant};

use marathon_support::{Api, Sse, app};

#[tokio::test]
async fn a_standby_redirects_the_event_stream_to_the_leader_and_proxies_the_rest() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut before = api.events("").await;
    let _ = before.event().await;
    let leader = cluster.faults().marathon_standby();
    assert_eq!(leader, cluster.second_master_url());
    // Open streams close when leadership moves.
    let mut ended = false;
    for _ in 0..10 {
        match before.next().await {
            Ok(Some(_)) => continue,
            Ok(None) | Err(_) => {
                ended = true;
                break;
            }
        }
    }
    assert!(ended);

    let response = api
        .request(
            reqwest::Method::GET,
            "/v2/events?event_type=deployment_success",
        )
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["Location"].to_str().unwrap().to_owned();
    assert_eq!(
        location,
        format!("{leader}/service/marathon/v2/events?event_type=deployment_success")
    );
    // The leader serves the stream (the token is re-sent by hand, as
    // clients must on a cross-host redirect).
    let response = api
        .http
        .get(&location)
        .header("Authorization", format!("token={}", api.token))
        .header("Accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mut sse = Sse::new(response);
    api.post("/v2/apps", &app("s", 1)).await;
    let success = sse.next_of("deployment_success").await;
    assert!(success["id"].is_string());

    // Other routes are proxied to the leader.
    let response = api.get("/v2/apps").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["X-Marathon-Leader"], leader.as_str());
    assert_eq!(
        api.get_json("/v2/leader").await["leader"],
        leader.trim_start_matches("http://")
    );

    cluster.faults().marathon_leader_elected();
    let _ = api.events("").await;
}

#[tokio::test]
async fn without_a_leader_every_marathon_route_answers_502() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    cluster.faults().marathon_no_leader();
    for path in ["/v2/apps", "/v2/info", "/v2/events"] {
        let response = api.get(path).await;
        assert_eq!(response.status(), 502, "{path}");
        let body = response.text().await.unwrap();
        assert!(
            body.contains("Could not determine the current leader"),
            "{body}"
        );
    }
    // Through marathon-client it is a NoLeader error.
    let client = marathon_support::client(&cluster);
    let error = client.info().await.unwrap_err();
    assert!(
        matches!(error, marathon_client::Error::NoLeader { .. }),
        "{error:?}"
    );
    cluster.faults().marathon_leader_elected();
    assert_eq!(api.get("/v2/apps").await.status(), 200);
}

#[tokio::test]
async fn bursts_of_503_tokens_expired_and_slow_answers_hit_marathon_routes() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    cluster.faults().unavailable("/service/marathon/", 2);
    assert_eq!(api.get("/v2/apps").await.status(), 503);
    assert_eq!(api.get("/v2/info").await.status(), 503);
    assert_eq!(api.get("/v2/apps").await.status(), 200);
    // marathon-client retries a 503 burst on reads.
    cluster.faults().unavailable("/service/marathon/", 1);
    let client = marathon_support::client(&cluster);
    assert!(client.apps().list().send().await.unwrap().is_empty());

    cluster.faults().set_latency(Duration::from_millis(60));
    let start = Instant::now();
    assert_eq!(api.get("/v2/apps").await.status(), 200);
    assert!(start.elapsed() >= Duration::from_millis(60));
    cluster.faults().set_latency(Duration::ZERO);

    cluster.faults().expire_tokens();
    let response = api.get("/v2/apps").await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["WWW-Authenticate"], "acsjwt");
    // The client logs in again and goes on.
    assert!(client.apps().list().send().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_dropped_stream_breaks_mid_way() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut sse = api.events("").await;
    let _ = sse.event().await;
    cluster.faults().drop_streams();
    let mut broke = false;
    for _ in 0..10 {
        match sse.next().await {
            Ok(Some(_)) => continue,
            Err(_) => {
                broke = true;
                break;
            }
            Ok(None) => panic!("the stream ended cleanly; a drop cuts it"),
        }
    }
    assert!(broke);
}
