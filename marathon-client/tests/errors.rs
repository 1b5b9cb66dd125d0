//! Every upstream error body, through `Error::from_http`: the variant, the
//! server's message, the details and the blocking deployments.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use dcos_auth::ErrorBody;
use dcos_auth::http::{Method, StatusCode, Url};
use marathon_client::{Error, ValidationDetails};

fn fixture(name: &str) -> Option<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/marathon");
    if !dir.is_dir() {
        eprintln!("skipping: {} not found", dir.display());
        return None;
    }
    Some(std::fs::read(dir.join(name)).unwrap())
}

fn answer(status: u16, body: &[u8]) -> Error {
    Error::from_http(dcos_auth::Error::Api {
        method: Method::GET,
        url: Box::new(Url::parse("http://marathon:8080/v2/apps").unwrap()),
        status: StatusCode::from_u16(status).unwrap(),
        body: ErrorBody::from_bytes(body),
    })
}

#[test]
fn every_upstream_error_body_maps_to_its_variant() {
    let cases: &[(&str, u16, &str)] = &[
        ("error_400_invalid_json.json", 400, "Validation"),
        ("error_400_pod_id_mismatch.json", 400, "Validation"),
        ("error_400_tasks_delete_unknown_id.json", 400, "Validation"),
        ("error_401_unauthorized.json", 401, "Http"),
        ("error_403_forbidden.json", 403, "Http"),
        ("error_404_app_not_found.json", 404, "NotFound"),
        ("error_404_deployment_not_found.json", 404, "NotFound"),
        ("error_404_no_leader.json", 404, "NotFound"),
        ("error_404_task_not_found.json", 404, "NotFound"),
        ("error_405_events_wrong_accept.html", 405, "Http"),
        ("error_409_app_exists.json", 409, "Conflict"),
        ("error_409_app_exists_legacy.json", 409, "Conflict"),
        ("error_409_app_locked.json", 409, "AppLocked"),
        ("error_409_app_locked_transcript.json", 409, "AppLocked"),
        ("error_409_group_exists.json", 409, "Conflict"),
        ("error_422_group_id_not_child.json", 422, "Validation"),
        ("error_422_object_not_valid.json", 422, "Validation"),
        ("error_422_role_enforced.json", 422, "Validation"),
    ];
    for (file, status, variant) in cases {
        let Some(body) = fixture(file) else { return };
        let err = answer(*status, &body);
        let got = match &err {
            Error::Validation { .. } => "Validation",
            Error::NotFound { .. } => "NotFound",
            Error::Conflict { .. } => "Conflict",
            Error::AppLocked { .. } => "AppLocked",
            Error::Http(_) => "Http",
            other => panic!("{file}: {other:?}"),
        };
        assert_eq!(got, *variant, "{file}");
        assert_eq!(err.status().unwrap().as_u16(), *status, "{file}");
        let json: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
        if let Some(message) = json.as_ref().and_then(|j| j["message"].as_str()) {
            assert_eq!(
                err.message(),
                Some(message),
                "{file}: the server's message is kept"
            );
        }
    }
}

#[test]
fn details_and_deployments_are_kept() {
    let Some(body) = fixture("error_422_group_id_not_child.json") else {
        return;
    };
    match answer(422, &body) {
        Error::Validation {
            details: Some(ValidationDetails::Fields(fields)),
            ..
        } => {
            assert_eq!(fields[0].path, "/apps(0)/id");
            assert!(fields[0].errors[0].contains("is not child of"));
        }
        other => panic!("{other:?}"),
    }
    let Some(body) = fixture("error_409_app_locked_transcript.json") else {
        return;
    };
    match answer(409, &body) {
        Error::AppLocked { deployments, .. } => {
            assert_eq!(
                deployments[0].as_str(),
                "5cd987cd-85ae-4e70-8df7-f1438367d9cb"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_plain_string_detail_and_the_legacy_errors_list_are_read() {
    let err = answer(
        400,
        br#"{"message":"Invalid JSON","details":"Unexpected end-of-input"}"#,
    );
    assert!(matches!(
        err,
        Error::Validation { details: Some(ValidationDetails::Text(ref t)), .. } if t == "Unexpected end-of-input"
    ));
    let err = answer(
        422,
        br#"{"message":"Bad","errors":[{"attribute":"id","error":"is invalid"}]}"#,
    );
    match err {
        Error::Validation {
            details: Some(ValidationDetails::Fields(f)),
            ..
        } => {
            assert_eq!(f[0].path, "id");
            assert_eq!(f[0].errors, ["is invalid"]);
        }
        other => panic!("{other:?}"),
    }
    let err = answer(502, b"Could not determine the current leader");
    assert!(matches!(err, Error::NoLeader { .. }), "{err:?}");
}
