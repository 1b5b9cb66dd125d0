//! Jobs and folders of the simulated Jenkins: config.xml stored verbatim,
//! folders, copy, rename, delete, enable/disable and `tree=`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jenkins_support;

use jenkins_support::{Jk, PIPELINE, pipeline_xml};

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn config_xml_is_stored_and_served_back_verbatim() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    let xml = format!(
        "{}<!-- kept as sent -->\n",
        pipeline_xml("echo 'a & b'", &[("X", "1")])
    );
    jk.create("", "v", &xml).await;
    let r = jk.get("job/v/config.xml").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/xml");
    assert_eq!(r.text().await.unwrap(), xml);

    let updated = pipeline_xml("echo 'new'", &[]);
    let r = jk
        .post("job/v/config.xml", &updated, "application/xml")
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        jk.get("job/v/config.xml").await.text().await.unwrap(),
        updated
    );
    // Another kind of item cannot replace it.
    let r = jk
        .post("job/v/config.xml", "<project/>", "application/xml")
        .await;
    assert_eq!(r.status(), 400);

    // Bad creations: existing name, no name, unsafe name, unknown type.
    let r = jk.post("createItem?name=v", &xml, "application/xml").await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().contains_key("x-error"));
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("A job already exists with the name ‘v’")
    );
    assert_eq!(
        jk.post("createItem", &xml, "application/xml")
            .await
            .status(),
        400
    );
    assert_eq!(
        jk.post("createItem?name=a%2Fb", &xml, "application/xml")
            .await
            .status(),
        400
    );
    let r = jk
        .post("createItem?name=m", "<matrix-project/>", "application/xml")
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(jk.get("job/m/api/json").await.status(), 404);
    cluster.shutdown().await;
}

#[tokio::test]
async fn folders_hold_jobs_and_items_copy_rename_and_delete() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    // A folder by mode, another by its XML root.
    let r = jk
        .post(
            "createItem?name=team&mode=com.cloudbees.hudson.plugins.folder.Folder",
            "",
            FORM,
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], format!("{}job/team/", jk.root));
    jk.create("job/team/", "sub", "<com.cloudbees.hudson.plugins.folder.Folder plugin=\"cloudbees-folder@6.4\"><properties/></com.cloudbees.hudson.plugins.folder.Folder>").await;
    jk.create("job/team/job/sub/", "web", &pipeline_xml("echo 'x'", &[]))
        .await;

    let folder = jk.get_json("job/team/api/json").await;
    assert_eq!(
        folder["_class"],
        "com.cloudbees.hudson.plugins.folder.Folder"
    );
    assert_eq!(folder["jobs"][0]["name"], "sub");
    let job = jk.get_json("job/team/job/sub/job/web/api/json").await;
    assert_eq!(job["_class"], PIPELINE);
    assert_eq!(job["fullName"], "team/sub/web");
    assert_eq!(job["fullDisplayName"], "team » sub » web");
    assert_eq!(job["color"], "notbuilt");
    assert!(job["lastBuild"].is_null());
    let root = jk.get_json("api/json").await;
    assert_eq!(root["jobs"].as_array().unwrap().len(), 1);
    let tree = jk
        .get_json("api/json?tree=jobs[name,jobs[name,jobs[name,color]]]")
        .await;
    assert_eq!(
        tree["jobs"][0],
        serde_json::json!({"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "team", "jobs": [
            {"_class": "com.cloudbees.hudson.plugins.folder.Folder", "name": "sub", "jobs": [
                {"_class": PIPELINE, "name": "web", "color": "notbuilt"}]}]})
    );
    // Jobs cannot be created under a job.
    let r = jk
        .post(
            "job/team/job/sub/job/web/createItem?name=x",
            "<project/>",
            "application/xml",
        )
        .await;
    assert_eq!(r.status(), 404);

    // Copy, relative to the folder and absolute.
    let r = jk
        .post(
            "job/team/job/sub/createItem?name=web2&mode=copy&from=web",
            "",
            FORM,
        )
        .await;
    assert_eq!(r.status(), 302);
    let r = jk
        .post(
            "createItem?name=web3&mode=copy&from=/team/sub/web",
            "",
            FORM,
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        jk.get("web3/config.xml").await.status(),
        404,
        "paths without job/ are not items"
    );
    assert_eq!(
        jk.get("job/web3/config.xml").await.text().await.unwrap(),
        jk.get("job/team/job/sub/job/web/config.xml")
            .await
            .text()
            .await
            .unwrap()
    );

    // Rename a folder: its jobs move with it.
    let r = jk.post("job/team/doRename?newName=crew", "", FORM).await;
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], format!("{}job/crew/", jk.root));
    assert_eq!(jk.get("job/team/api/json").await.status(), 404);
    assert_eq!(
        jk.get_json("job/crew/job/sub/job/web2/api/json").await["fullName"],
        "crew/sub/web2"
    );
    let r = jk
        .post("job/web3/confirmRename?newName=crew", "", FORM)
        .await;
    assert_eq!(r.status(), 400);

    // Delete: POST doDelete redirects to the parent; DELETE answers 200.
    let r = jk
        .post("job/crew/job/sub/job/web2/doDelete", "", FORM)
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        r.headers()["location"],
        format!("{}job/crew/job/sub/", jk.root)
    );
    assert_eq!(
        jk.get("job/crew/job/sub/job/web2/api/json").await.status(),
        404
    );
    let r = jk.with_auth_delete("job/crew/").await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        jk.get("job/crew/job/sub/job/web/api/json").await.status(),
        404
    );
    cluster.shutdown().await;
}

#[tokio::test]
async fn disabled_jobs_refuse_builds_and_trees_select_fields() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    jk.create("", "d", &pipeline_xml("echo 'x'", &[("TAG", "1")]))
        .await;
    assert_eq!(jk.post("job/d/disable", "", FORM).await.status(), 302);
    assert!(
        jk.get("job/d/config.xml")
            .await
            .text()
            .await
            .unwrap()
            .contains("<disabled>true</disabled>")
    );
    let job = jk.get_json("job/d/api/json").await;
    assert_eq!(
        (job["color"].as_str(), job["buildable"].as_bool()),
        (Some("disabled"), Some(false))
    );
    assert_eq!(jk.post("job/d/build", "", FORM).await.status(), 409);
    assert_eq!(jk.get("job/d/build").await.status(), 405);
    assert_eq!(jk.post("job/d/enable", "", FORM).await.status(), 302);
    assert_eq!(
        jk.post("job/d/build?delay=0sec", "", FORM).await.status(),
        201
    );

    let job = jk
        .get_json("job/d/api/json?tree=name,color,property[parameterDefinitions[name,type]]")
        .await;
    let keys: Vec<&String> = job.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["_class", "color", "name", "property"]);
    assert_eq!(
        job["property"][0]["parameterDefinitions"][0],
        serde_json::json!({"_class": "hudson.model.StringParameterDefinition", "name": "TAG", "type": "StringParameterDefinition"})
    );
    let root = jk.get_json("api/json?tree=jobs[name]").await;
    assert_eq!(
        root,
        serde_json::json!({"_class": "hudson.model.Hudson", "jobs": [{"_class": PIPELINE, "name": "d"}]})
    );
    assert_eq!(jk.get("api/json?tree=jobs[name").await.status(), 400);
    cluster.shutdown().await;
}
