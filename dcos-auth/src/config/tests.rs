use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::Duration;

use super::*;

const PKCS8: &str = include_str!("../../tests/fixtures/test-service-account.pkcs8.pem");

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| map.get(name).cloned()
}

fn credential_json(uid: &str, endpoint: &str) -> String {
    serde_json::json!({
        "scheme": "RS256",
        "uid": uid,
        "login_endpoint": endpoint,
        "private_key": PKCS8,
    })
    .to_string()
}

#[test]
fn env_static_token() {
    let b = builder_from_env(
        &env(&[
            ("DCOS_URL", "https://dcos.example.com"),
            ("DCOS_ACS_TOKEN", "tok"),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(b.url, "https://dcos.example.com");
    assert!(matches!(&b.credentials, Credentials::Token(t) if t.expose() == "tok"));
    assert!(b.seed_token.is_none());
}

#[test]
fn env_user_login_seeded_with_a_token() {
    let b = builder_from_env(
        &env(&[
            ("DCOS_URL", "https://dcos.example.com"),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", "pw"),
            ("DCOS_ACS_TOKEN", "tok"),
        ]),
        None,
    )
    .unwrap();
    assert!(
        matches!(&b.credentials, Credentials::Login { uid, password } if uid == "alice" && password.expose() == "pw")
    );
    assert_eq!(b.seed_token.as_ref().map(Secret::expose), Some("tok"));
}

#[test]
fn env_uid_and_password_go_together() {
    for pairs in [
        &[("DCOS_URL", "https://a"), ("DCOS_UID", "alice")][..],
        &[("DCOS_URL", "https://a"), ("DCOS_PASSWORD", "pw")][..],
    ] {
        let err = builder_from_env(&env(pairs), None).unwrap_err();
        assert!(err.to_string().contains("DCOS_"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
}

#[test]
fn env_service_account_inline_wins_over_login() {
    let json = credential_json("cd-bot", "https://leader.mesos/acs/api/v1/auth/login");
    let b = builder_from_env(
        &env(&[
            ("DCOS_URL", "https://dcos.example.com"),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", "pw"),
            ("DCOS_SERVICE_ACCOUNT_CREDENTIAL", &json),
        ]),
        None,
    )
    .unwrap();
    match &b.credentials {
        Credentials::ServiceAccount(sa) => {
            assert_eq!(sa.uid(), "cd-bot");
            assert_eq!(
                sa.login_endpoint(),
                Some("https://leader.mesos/acs/api/v1/auth/login")
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(b.url, "https://dcos.example.com");
}

#[test]
fn env_service_account_from_a_file_gives_the_url_when_dcos_url_is_unset() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sa.json");
    fs::write(
        &path,
        credential_json("cd-bot", "https://leader.mesos/acs/api/v1/auth/login"),
    )
    .unwrap();
    let b = builder_from_env(
        &env(&[("DCOS_SERVICE_ACCOUNT_CREDENTIAL", path.to_str().unwrap())]),
        None,
    )
    .unwrap();
    assert_eq!(b.url, "https://leader.mesos");
    assert!(matches!(&b.credentials, Credentials::ServiceAccount(sa) if sa.uid() == "cd-bot"));
}

#[test]
fn env_service_account_value_is_never_echoed() {
    let key_line = PKCS8.lines().nth(1).unwrap();
    // A bare PEM, and JSON that is broken: both are inline content, not paths.
    for value in [
        PKCS8.to_owned(),
        format!("{{\"uid\": \"x\", \"private_key\": \"{key_line}"),
    ] {
        let err = builder_from_env(
            &env(&[
                ("DCOS_URL", "https://a"),
                ("DCOS_SERVICE_ACCOUNT_CREDENTIAL", &value),
            ]),
            None,
        )
        .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(key_line), "{shown}");
        assert!(!shown.contains("cannot read"), "taken for a path: {shown}");
    }
}

#[test]
fn env_service_account_json_with_quotes_or_a_bom() {
    let json = credential_json("cd-bot", "/acs/api/v1/auth/login");
    for value in [
        format!("'{json}'"),
        format!("\"{json}\""),
        format!("\u{feff}{json}\n"),
    ] {
        let b = builder_from_env(
            &env(&[
                ("DCOS_URL", "https://a"),
                ("DCOS_SERVICE_ACCOUNT_CREDENTIAL", &value),
            ]),
            None,
        )
        .unwrap();
        assert!(matches!(&b.credentials, Credentials::ServiceAccount(sa) if sa.uid() == "cd-bot"));
    }
}

#[test]
fn env_without_a_url_is_an_error() {
    let err = builder_from_env(&env(&[("DCOS_ACS_TOKEN", "tok")]), None).unwrap_err();
    assert!(err.to_string().contains("DCOS_URL"), "{err}");
    // A relative login endpoint gives no origin to fall back on.
    let json = credential_json("cd-bot", "/acs/api/v1/auth/login");
    let err =
        builder_from_env(&env(&[("DCOS_SERVICE_ACCOUNT_CREDENTIAL", &json)]), None).unwrap_err();
    assert!(err.to_string().contains("DCOS_URL"), "{err}");
}

#[test]
fn env_ssl_verify_and_timeout() {
    let base = [("DCOS_URL", "https://a")];
    let with = |extra: &[(&str, &str)]| {
        let mut pairs = base.to_vec();
        pairs.extend_from_slice(extra);
        builder_from_env(&env(&pairs), None)
    };
    let b = with(&[("DCOS_SSL_VERIFY", "false")]).unwrap();
    assert!(b.accept_invalid_certs);
    let b = with(&[("DCOS_SSL_VERIFY", "True")]).unwrap();
    assert!(!b.accept_invalid_certs && b.ca_files.is_empty());
    let b = with(&[("DCOS_SSL_VERIFY", "/etc/dcos/ca.crt")]).unwrap();
    assert_eq!(b.ca_files, [Path::new("/etc/dcos/ca.crt")]);
    let b = with(&[("DCOS_TIMEOUT", "7")]).unwrap();
    assert_eq!(b.timeout, Duration::from_secs(7));
    assert!(with(&[("DCOS_TIMEOUT", "soon")]).is_err());
    assert!(with(&[("DCOS_TIMEOUT", "-1")]).is_err());
    for absurd in ["1e30", "inf", "NaN"] {
        assert!(with(&[("DCOS_TIMEOUT", absurd)]).is_err(), "{absurd}");
    }
}

#[test]
fn env_with_an_explicit_url_ignores_dcos_url() {
    let b = builder_from_env(
        &env(&[
            ("DCOS_URL", "https://from-env.example.com"),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", "pw"),
        ]),
        Some("https://given.example.com".into()),
    )
    .unwrap();
    assert_eq!(b.url, "https://given.example.com");
    assert!(matches!(&b.credentials, Credentials::Login { uid, .. } if uid == "alice"));
    // No DCOS_URL at all is fine when the URL is given.
    let b = builder_from_env(&env(&[("DCOS_ACS_TOKEN", "t")]), Some("https://a".into())).unwrap();
    assert!(matches!(b.credentials, Credentials::Token(_)));
}

#[test]
fn env_empty_values_count_as_unset() {
    let b = builder_from_env(
        &env(&[("DCOS_URL", "https://a"), ("DCOS_ACS_TOKEN", "")]),
        None,
    )
    .unwrap();
    assert!(matches!(b.credentials, Credentials::None));
}

/// Writes `~/.dcos/clusters/<id>/dcos.toml` files; `attached` marks one.
fn cli_dir(clusters: &[(&str, &str, bool)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (id, toml, attached) in clusters {
        let cluster = dir.path().join("clusters").join(id);
        fs::create_dir_all(&cluster).unwrap();
        fs::write(cluster.join("dcos.toml"), toml).unwrap();
        if *attached {
            fs::write(cluster.join("attached"), "").unwrap();
        }
    }
    dir
}

const PROD: &str = r#"
[core]
dcos_url = "https://prod.example.com"
dcos_acs_token = "prod-token"
ssl_verify = "/home/u/.dcos/clusters/111/dcos_ca.crt"
timeout = 12
[cluster]
name = "prod"
"#;

const STAGING: &str = r#"
[core]
dcos_url = "https://staging.example.com"
ssl_verify = "false"
[cluster]
name = "staging"
"#;

#[test]
fn cli_reads_the_attached_cluster() {
    let dir = cli_dir(&[("111-aaa", PROD, true), ("222-bbb", STAGING, false)]);
    let d = dir.path().to_str().unwrap();
    let b = builder_from_dcos_cli(&env(&[("DCOS_DIR", d)])).unwrap();
    assert_eq!(b.url, "https://prod.example.com");
    assert!(matches!(&b.credentials, Credentials::Token(t) if t.expose() == "prod-token"));
    assert_eq!(
        b.ca_files,
        [Path::new("/home/u/.dcos/clusters/111/dcos_ca.crt")]
    );
    assert_eq!(b.timeout, Duration::from_secs(12));
}

#[test]
fn cli_dcos_cluster_selects_by_name_or_id_prefix() {
    let dir = cli_dir(&[("111-aaa", PROD, true), ("222-bbb", STAGING, false)]);
    let d = dir.path().to_str().unwrap();
    for wanted in ["staging", "222", "222-bbb"] {
        let b = builder_from_dcos_cli(&env(&[("DCOS_DIR", d), ("DCOS_CLUSTER", wanted)])).unwrap();
        assert_eq!(b.url, "https://staging.example.com", "{wanted}");
        assert!(b.accept_invalid_certs, "ssl_verify = \"false\"");
        assert!(matches!(b.credentials, Credentials::None));
    }
    let err =
        builder_from_dcos_cli(&env(&[("DCOS_DIR", d), ("DCOS_CLUSTER", "nope")])).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn cli_env_overrides_ssl_verify_and_timeout() {
    let dir = cli_dir(&[("111-aaa", PROD, true)]);
    let d = dir.path().to_str().unwrap();
    let b = builder_from_dcos_cli(&env(&[
        ("DCOS_DIR", d),
        ("DCOS_SSL_VERIFY", "true"),
        ("DCOS_TIMEOUT", "3"),
    ]))
    .unwrap();
    assert!(b.ca_files.is_empty() && !b.accept_invalid_certs);
    assert_eq!(b.timeout, Duration::from_secs(3));
}

#[test]
fn cli_home_default_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let dcos = dir.path().join(".dcos").join("clusters").join("abc");
    fs::create_dir_all(&dcos).unwrap();
    fs::write(dcos.join("dcos.toml"), PROD).unwrap();
    let home = dir.path().to_str().unwrap();
    let err = builder_from_dcos_cli(&env(&[("HOME", home)])).unwrap_err();
    assert!(err.to_string().contains("no cluster is attached"), "{err}");
    fs::write(dcos.join("attached"), "").unwrap();
    let b = builder_from_dcos_cli(&env(&[("HOME", home)])).unwrap();
    assert_eq!(b.url, "https://prod.example.com");

    let empty = tempfile::tempdir().unwrap();
    let err =
        builder_from_dcos_cli(&env(&[("DCOS_DIR", empty.path().to_str().unwrap())])).unwrap_err();
    assert!(
        err.to_string().contains("no DC/OS CLI configuration"),
        "{err}"
    );
}

#[test]
fn cli_legacy_single_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("dcos.toml"),
        "[core]\ndcos_url = \"http://legacy.example.com\"\nssl_verify = false\ntimeout = 5\n",
    )
    .unwrap();
    let b = builder_from_dcos_cli(&env(&[("DCOS_DIR", dir.path().to_str().unwrap())])).unwrap();
    assert_eq!(b.url, "http://legacy.example.com");
    assert!(b.accept_invalid_certs, "a TOML boolean false");
    assert_eq!(b.timeout, Duration::from_secs(5));
}

#[test]
fn cli_malformed_toml_does_not_quote_the_token() {
    let dir = cli_dir(&[(
        "111",
        "[core]\ndcos_url = \"https://a\"\ndcos_acs_token = \"SECRET-TOKEN-VALUE\n",
        true,
    )]);
    let err =
        builder_from_dcos_cli(&env(&[("DCOS_DIR", dir.path().to_str().unwrap())])).unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("SECRET-TOKEN-VALUE"), "{shown}");
    assert!(shown.contains("line 3"), "{shown}");
}

#[test]
fn cli_missing_url_is_an_error() {
    let dir = cli_dir(&[("111", "[core]\nssl_verify = false\n", true)]);
    let err =
        builder_from_dcos_cli(&env(&[("DCOS_DIR", dir.path().to_str().unwrap())])).unwrap_err();
    assert!(err.to_string().contains("core.dcos_url"), "{err}");
}

/// The real `dcos.toml` examples from the DC/OS CLI and dcos-commons, read in
/// place from `../shared/upstream/dcos/payloads/`.
#[test]
fn cli_upstream_examples() {
    let payloads =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/dcos/payloads");
    if !payloads.is_dir() {
        eprintln!(
            "NOTICE: {} is absent; skipping the upstream dcos.toml examples",
            payloads.display()
        );
        return;
    }
    let read = |name: &str| fs::read_to_string(payloads.join(name)).unwrap();
    let cases = [
        (
            "dcos.toml.example-dcos-cli-doc-test.toml",
            Some("https://example.com"),
            true,
        ),
        (
            "dcos.toml.example-dcos-cli-testdata.toml",
            Some("https://success.example.com"),
            false,
        ),
        (
            "dcos.toml.example-dcos-cli-legacy-migration.toml",
            None,
            false,
        ),
    ];
    for (name, url, has_token) in cases {
        let dir = cli_dir(&[("97193161-f7f1-2295-2514-a6b3918043b6", &read(name), true)]);
        let got = builder_from_dcos_cli(&env(&[("DCOS_DIR", dir.path().to_str().unwrap())]));
        match url {
            Some(url) => {
                let b = got.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(b.url, url, "{name}");
                assert_eq!(
                    matches!(b.credentials, Credentials::Token(_)),
                    has_token,
                    "{name}"
                );
            }
            None => {
                let err = got.unwrap_err();
                assert!(err.to_string().contains("core.dcos_url"), "{name}: {err}");
            }
        }
    }
    let doc = cli_dir(&[("1", &read("dcos.toml.example-dcos-cli-doc-test.toml"), true)]);
    let b = builder_from_dcos_cli(&env(&[("DCOS_DIR", doc.path().to_str().unwrap())])).unwrap();
    assert_eq!(b.ca_files, [Path::new("/path/to/dcos_ca.crt")]);
    let by_name = builder_from_dcos_cli(&env(&[
        ("DCOS_DIR", doc.path().to_str().unwrap()),
        ("DCOS_CLUSTER", "my-cluster"),
    ]))
    .unwrap();
    assert_eq!(by_name.url, "https://example.com");
}

#[test]
fn cli_configured_only_with_a_cluster_or_a_legacy_config() {
    let empty = tempfile::tempdir().unwrap();
    let e = empty.path().to_str().unwrap();
    assert!(!dcos_cli_configured(&env(&[("DCOS_DIR", e)])));
    assert!(!dcos_cli_configured(&env(&[])));
    fs::create_dir_all(empty.path().join("clusters/no-config")).unwrap();
    assert!(!dcos_cli_configured(&env(&[("DCOS_DIR", e)])));
    let dir = cli_dir(&[("111-aaa", PROD, true)]);
    let d = dir.path().to_str().unwrap();
    assert!(dcos_cli_configured(&env(&[("DCOS_DIR", d)])));
    fs::write(empty.path().join("dcos.toml"), PROD).unwrap();
    assert!(dcos_cli_configured(&env(&[("DCOS_DIR", e)])));
}

#[test]
fn cli_cluster_by_name_overrides_dcos_cluster() {
    let dir = cli_dir(&[("111-aaa", PROD, true), ("222-bbb", STAGING, false)]);
    let d = dir.path().to_str().unwrap();
    let pairs = [("DCOS_DIR", d), ("DCOS_CLUSTER", "111-aaa")];
    let lookup = env(&pairs);
    let b = builder_from_dcos_cli(&with_cluster(&lookup, "staging")).unwrap();
    assert_eq!(b.url, "https://staging.example.com");
}
