//! IAM and Admin Router: logins through our own client and with plain HTTP,
//! exact statuses, headers and bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use dcos_auth::{Cluster, Credentials, ServiceAccount};
use serde_json::{Value, json};

const UNREGISTERED_KEY: &str = include_str!("keys/unregistered.pem");

/// A service login token signed with `pem`, built by hand (RS256).
fn login_token(uid: &str, pem: &str, exp: u64) -> String {
    let der = base64::engine::general_purpose::STANDARD
        .decode(
            pem.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>(),
        )
        .unwrap();
    let pair = ring::signature::RsaKeyPair::from_pkcs8(&der).unwrap();
    let input = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(json!({"uid": uid, "exp": exp}).to_string())
    );
    let mut sig = vec![0; pair.public().modulus_len()];
    pair.sign(
        &ring::signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        input.as_bytes(),
        &mut sig,
    )
    .unwrap();
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn login(cluster: &dcos_sim::SimCluster, body: Value) -> reqwest::Response {
    http()
        .post(format!("{}/acs/api/v1/auth/login", cluster.url()))
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn assert_acsjwt_401(response: reqwest::Response) {
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "acsjwt");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("<html>") && body.contains("401"), "{body}");
}

#[tokio::test]
async fn our_client_logs_in_with_a_password_and_reads_the_user() {
    let cluster = start().await;
    let su = cluster.superuser().clone();
    let client = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    let user = client.iam().user(&su.uid).await.unwrap();
    assert_eq!(user.uid, su.uid);
    assert_eq!(user.is_service, Some(false));
    let claims = client.token_claims().await.unwrap().unwrap();
    assert_eq!(claims.uid.as_deref(), Some(su.uid.as_str()));
    let exp = claims.exp.unwrap();
    let lifetime = exp.duration_since(std::time::SystemTime::now()).unwrap();
    assert!(
        lifetime > Duration::from_secs(4 * 24 * 3600),
        "{lifetime:?}"
    );
}

#[tokio::test]
async fn our_client_logs_in_with_the_service_account_credential_json() {
    let cluster = start().await;
    let json = cluster.service_account().credential_json();
    let parsed: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["scheme"], "RS256");
    assert_eq!(parsed["uid"], cluster.service_account().uid());
    assert_eq!(
        parsed["login_endpoint"],
        format!("{}/acs/api/v1/auth/login", cluster.url())
    );
    assert!(
        parsed["private_key"]
            .as_str()
            .unwrap()
            .starts_with("-----BEGIN PRIVATE KEY-----")
    );
    let account = ServiceAccount::from_json(&json).unwrap();
    let client = Cluster::builder(cluster.url())
        .auth(account)
        .build()
        .unwrap();
    let user = client
        .iam()
        .user(cluster.service_account().uid())
        .await
        .unwrap();
    assert_eq!(user.is_service, Some(true));
    assert!(
        user.public_key
            .unwrap()
            .starts_with("-----BEGIN PUBLIC KEY-----")
    );
}

#[tokio::test]
async fn login_answers_a_token_and_cookies() {
    let cluster = start().await;
    let su = cluster.superuser();
    let response = login(&cluster, json!({"uid": su.uid, "password": su.password})).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let cookies: Vec<&str> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(cookies[0].starts_with("dcos-acs-auth-cookie=") && cookies[0].contains("HttpOnly"));
    assert!(cookies[1].starts_with("dcos-acs-info-cookie="));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1, "{body}");
    let token = body["token"].as_str().unwrap();
    let mut parts = token.split('.');
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    let claims: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts.next().unwrap()).unwrap()).unwrap();
    assert_eq!(claims["uid"], su.uid.as_str());
    assert!(claims["exp"].as_u64().unwrap() > now());
}

#[tokio::test]
async fn bad_credentials_get_401_err_invalid_credentials() {
    let cluster = start().await;
    let uid = cluster.superuser().uid.clone();
    let sa = cluster.service_account().uid().to_owned();
    let forged = {
        let good = login_token(&sa, cluster.service_account().private_key_pem(), now() + 60);
        let parts: Vec<&str> = good.split('.').collect();
        let other_payload =
            URL_SAFE_NO_PAD.encode(json!({"uid": sa, "exp": now() + 9999}).to_string());
        format!("{}.{other_payload}.{}", parts[0], parts[2])
    };
    for body in [
        json!({"uid": uid, "password": "wrong"}),
        json!({"uid": "nobody", "password": "x"}),
        // A login JWT signed with a key the account did not register.
        json!({"uid": sa, "token": login_token(&sa, UNREGISTERED_KEY, now() + 60)}),
        // A tampered payload.
        json!({"uid": sa, "token": forged}),
        // Expired.
        json!({"uid": sa, "token": login_token(&sa, cluster.service_account().private_key_pem(), now() - 1)}),
        // Signed for another uid.
        json!({"uid": sa, "token": login_token(&uid, cluster.service_account().private_key_pem(), now() + 60)}),
        // A password account cannot log in with a token.
        json!({"uid": uid, "token": login_token(&uid, UNREGISTERED_KEY, now() + 60)}),
        json!({"uid": sa, "token": "not.a.jwt"}),
    ] {
        let response = login(&cluster, body.clone()).await;
        assert_eq!(response.status(), 401, "{body}");
        assert_eq!(response.headers()["www-authenticate"], "acsjwt");
        let error: Value = response.json().await.unwrap();
        assert_eq!(
            error,
            json!({"title": "401 Unauthorized", "description": "Invalid credentials.", "code": "ERR_INVALID_CREDENTIALS"})
        );
    }
    // A good service login works with plain HTTP too.
    let good = login_token(&sa, cluster.service_account().private_key_pem(), now() + 60);
    assert_eq!(
        login(&cluster, json!({"uid": sa, "token": good}))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn malformed_login_bodies_get_400() {
    let cluster = start().await;
    for body in [
        json!({"uid": "a"}),
        json!({"uid": "a", "password": "p", "token": "t"}),
        json!({"password": "p"}),
        json!({"token": "t"}),
    ] {
        let response = login(&cluster, body.clone()).await;
        assert_eq!(response.status(), 400, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["code"], "ERR_INVALID_DATA");
        assert_eq!(error["title"], "400 Bad Request");
    }
    let response = http()
        .post(format!("{}/acs/api/v1/auth/login", cluster.url()))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn missing_forged_expired_and_revoked_tokens_get_admin_router_401() {
    let cluster = start().await;
    let users = format!("{}/acs/api/v1/users/bootstrapuser", cluster.url());
    // Missing.
    assert_acsjwt_401(http().get(&users).send().await.unwrap()).await;
    // Forged: a payload swapped under a real signature.
    let token = superuser_token(&cluster).await;
    let parts: Vec<&str> = token.split('.').collect();
    let payload = URL_SAFE_NO_PAD.encode(json!({"uid": "root", "exp": now() + 999}).to_string());
    let forged = format!("{}.{payload}.{}", parts[0], parts[2]);
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={forged}"))
        .send()
        .await
        .unwrap();
    assert_acsjwt_401(r).await;
    // Signed by another key.
    let foreign = login_token("bootstrapuser", UNREGISTERED_KEY, now() + 60);
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={foreign}"))
        .send()
        .await
        .unwrap();
    assert_acsjwt_401(r).await;
    // Valid: token=, Bearer and the cookie are all accepted.
    for (name, value) in [
        ("Authorization", format!("token={token}")),
        ("Authorization", format!("Bearer {token}")),
        ("Cookie", format!("dcos-acs-auth-cookie={token}")),
    ] {
        let r = http().get(&users).header(name, value).send().await.unwrap();
        assert_eq!(r.status(), 200, "{name}");
    }
    // Expired: a zero lifetime.
    cluster.set_token_lifetime(Duration::ZERO);
    let expired = superuser_token(&cluster).await;
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={expired}"))
        .send()
        .await
        .unwrap();
    assert_acsjwt_401(r).await;
    // Revoked by the fault knob.
    cluster.set_token_lifetime(Duration::from_secs(60));
    let fresh = superuser_token(&cluster).await;
    cluster.faults().expire_tokens();
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={fresh}"))
        .send()
        .await
        .unwrap();
    assert_acsjwt_401(r).await;
    let after = superuser_token(&cluster).await;
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={after}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn our_client_logs_in_again_after_every_token_expires() {
    let cluster = start().await;
    let su = cluster.superuser().clone();
    let client = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    client.iam().user(&su.uid).await.unwrap();
    cluster.faults().expire_tokens();
    let user = client.iam().user(&su.uid).await.unwrap();
    assert_eq!(user.uid, su.uid);
}

#[tokio::test]
async fn public_routes_and_auth_off() {
    let cluster = fast().auth(false).start().await.unwrap();
    let version: Value = http()
        .get(format!("{}/dcos-metadata/dcos-version.json", cluster.url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(version["version"], dcos_sim::DCOS_VERSION);
    assert_eq!(version["dcos-variant"], "enterprise");
    let r = http()
        .get(format!("{}/acs/api/v1/users/bootstrapuser", cluster.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    cluster.set_auth(true);
    let r = http()
        .get(format!("{}/acs/api/v1/users/bootstrapuser", cluster.url()))
        .send()
        .await
        .unwrap();
    assert_acsjwt_401(r).await;
    let r = http()
        .get(format!("{}/dcos-metadata/dcos-version.json", cluster.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn our_client_lists_users_and_service_accounts() {
    let cluster = start().await;
    let su = cluster.superuser().clone();
    let client = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    let all = client.iam().users(false).await.unwrap();
    let mut uids: Vec<&str> = all.iter().map(|u| u.uid.as_str()).collect();
    uids.sort();
    let mut expected = vec![su.uid.as_str(), cluster.service_account().uid()];
    expected.sort();
    assert_eq!(uids, expected);
    let services = client.iam().users(true).await.unwrap();
    assert_eq!(services.len(), 1);
    assert_eq!(services[0].uid, cluster.service_account().uid());
}

#[tokio::test]
async fn unknown_users_and_routes() {
    let cluster = start().await;
    let token = superuser_token(&cluster).await;
    let r = http()
        .get(format!("{}/acs/api/v1/users/ghost", cluster.url()))
        .header("Authorization", format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], "ERR_UNKNOWN_USER_ID");
    let r = http()
        .get(format!("{}/nowhere", cluster.url()))
        .header("Authorization", format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
}

#[tokio::test]
async fn secrets_stay_out_of_debug_output() {
    let cluster = start().await;
    let shown = format!("{cluster:?}");
    assert!(!shown.contains("BEGIN PRIVATE KEY"), "{shown}");
    assert!(!shown.contains(&cluster.superuser().password), "{shown}");
    assert!(shown.contains("***"));
}

#[tokio::test]
async fn upstream_login_shapes_match() {
    let Some(dir) = upstream("dcos/payloads") else {
        return;
    };
    let cluster = start().await;
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("acs-login-error-invalid-credentials.json")).unwrap(),
    )
    .unwrap();
    let got: Value = login(&cluster, json!({"uid": "x", "password": "y"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got, expected, "the real 401 body, byte for byte in meaning");
    for (file, got) in [
        (
            "acs-login-response.json",
            login(
                &cluster,
                json!({"uid": cluster.superuser().uid, "password": cluster.superuser().password}),
            )
            .await
            .json::<Value>()
            .await
            .unwrap(),
        ),
        (
            "dcos-version-1.13.0-alpha-enterprise.json",
            http()
                .get(format!("{}/dcos-metadata/dcos-version.json", cluster.url()))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap(),
        ),
    ] {
        let expected: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let (e, g) = (expected.as_object().unwrap(), got.as_object().unwrap());
        let mut ek: Vec<_> = e.keys().collect();
        let mut gk: Vec<_> = g.keys().collect();
        ek.sort();
        gk.sort();
        assert_eq!(ek, gk, "{file}");
        for k in ek {
            assert_eq!(kind(&e[k]), kind(&g[k]), "{file}: {k}");
        }
    }
}
