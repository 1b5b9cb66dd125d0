//! The simulated Jenkins's auth: crumbs paired with the session cookie,
//! API tokens exempt, Basic failures, and the Admin Router mount.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jenkins_support;

use dcos_sim::JENKINS_VERSION;
use jenkins_support::{Auth, Jk, pipeline_xml};

#[tokio::test]
async fn password_posts_need_the_crumb_of_their_session() {
    let cluster = common::start().await;
    let mut jk = Jk::password(&cluster);
    let xml = pipeline_xml("echo 'hi'", &[]);

    // No crumb at all.
    let r = jk.post("createItem?name=a", &xml, "application/xml").await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["x-jenkins"], JENKINS_VERSION);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("No valid crumb was included in the request")
    );

    // The crumb issuer starts a session: JSESSIONID.<hash> cookie.
    let r = jk.get("crumbIssuer/api/json").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-jenkins"], JENKINS_VERSION);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("JSESSIONID."), "{cookie}");
    assert!(cookie.contains("; Path=/; HttpOnly"), "{cookie}");
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["_class"], "hudson.security.csrf.DefaultCrumbIssuer");
    assert_eq!(body["crumbRequestField"], "Jenkins-Crumb");
    let crumb = body["crumb"].as_str().unwrap().to_owned();
    assert_eq!(crumb.len(), 64);

    // The crumb without its cookie is refused.
    jk.crumb = Some(crumb.clone());
    let r = jk.post("createItem?name=a", &xml, "application/xml").await;
    assert_eq!(r.status(), 403);

    // Crumb and cookie together pass; the same session keeps its crumb.
    jk.cookie = Some(cookie.split(';').next().unwrap().to_owned());
    let r = jk.post("createItem?name=a", &xml, "application/xml").await;
    assert_eq!(r.status(), 200);
    let again: serde_json::Value = jk.get_json("crumbIssuer/api/json").await;
    assert_eq!(again["crumb"], crumb.as_str());

    // Another session's crumb does not fit this session.
    let mut other = Jk::password(&cluster);
    other.fetch_crumb().await;
    assert_ne!(other.crumb, jk.crumb);
    jk.crumb = other.crumb.clone();
    let r = jk.post("createItem?name=b", &xml, "application/xml").await;
    assert_eq!(r.status(), 403);

    // The crumb also works as a form field.
    let mut form = Jk::password(&cluster);
    form.fetch_crumb().await;
    let crumb = form.crumb.take().unwrap();
    let r = form
        .post(
            &format!("job/a/disable?Jenkins-Crumb={crumb}"),
            "",
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 302);
    cluster.shutdown().await;
}

#[tokio::test]
async fn api_tokens_are_exempt_and_bad_credentials_get_401() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    let r = jk
        .post(
            "createItem?name=t",
            &pipeline_xml("echo 'x'", &[]),
            "application/xml",
        )
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-jenkins"], JENKINS_VERSION);

    let mut bad = Jk::token(&cluster);
    bad.auth = Auth::Basic("admin".into(), "wrong".into());
    let r = bad.get("api/json").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "Basic realm=\"Jenkins\"");
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("Invalid password/token for user: admin")
    );

    let mut anonymous = Jk::token(&cluster);
    anonymous.auth = Auth::None;
    let r = anonymous.get("api/json").await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["x-you-are-authenticated-as"], "anonymous");
    assert_eq!(r.headers()["x-jenkins"], JENKINS_VERSION);

    // 404 for an item that does not exist.
    let r = jk.get("job/nope/api/json").await;
    assert_eq!(r.status(), 404);
    cluster.shutdown().await;
}

#[tokio::test]
async fn through_admin_router_the_dcos_token_and_a_crumb_are_needed() {
    let cluster = common::start().await;
    let token = common::superuser_token(&cluster).await;

    // No DC/OS token: Admin Router's 401, before Jenkins.
    let r = common::http()
        .get(format!("{}/service/jenkins/api/json", cluster.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["www-authenticate"], "acsjwt");

    let mut jk = Jk::dcos(&cluster, token);
    assert!(jk.root.ends_with("/service/jenkins/"));
    let root = jk.get_json("api/json").await;
    assert_eq!(root["_class"], "hudson.model.Hudson");
    assert_eq!(root["url"], jk.root.as_str());
    let r = jk
        .post(
            "createItem?name=ar",
            &pipeline_xml("echo 'x'", &[]),
            "application/xml",
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = jk.get("crumbIssuer/api/json").await;
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Path=/service/jenkins;"), "{cookie}");
    jk.fetch_crumb().await;
    jk.create("", "ar", &pipeline_xml("echo 'x'", &[])).await;
    let item = jk.trigger("job/ar/", "delay=0sec").await;
    assert!(item.starts_with("queue/item/"), "{item}");
    let job = jk.get_json("job/ar/api/json").await;
    assert_eq!(job["url"], format!("{}job/ar/", jk.root));
    let who = jk.get_json("whoAmI/api/json").await;
    assert_eq!(who["name"], cluster.superuser().uid.as_str());
    cluster.shutdown().await;
}

/// Kills the binary when the test ends.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_jenkins_urls_and_credentials_that_work() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_dcos-sim"))
            .args(["--port", "0", "--agents", "1", "--speed", "50"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let line = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map(Result::unwrap)
            .find(|l| l.trim_start().starts_with("Jenkins:"))
            .unwrap()
    })
    .await
    .unwrap();
    // "  Jenkins: <service url> (Admin Router) or <url> as <user> with
    // password <password> or API token <token>"
    let words: Vec<&str> = line.split_whitespace().collect();
    assert!(words[1].ends_with("/service/jenkins/"), "{line}");
    let jk = Jk {
        root: words[5].to_owned(),
        auth: Auth::Basic(words[7].to_owned(), words[14].to_owned()),
        cookie: None,
        crumb: None,
    };
    let r = jk.get("api/json").await;
    assert_eq!(r.status(), 200, "{line}");
    assert_eq!(r.headers()["x-jenkins"], JENKINS_VERSION);
    let r = jk
        .post(
            "createItem?name=cli",
            &pipeline_xml("echo 'x'", &[]),
            "application/xml",
        )
        .await;
    assert_eq!(r.status(), 200);
}
