//! Reads the real `config.xml` samples under `shared/upstream/jenkins` (next to
//! the workspace) and checks the fields we manage. Skips with a notice when the
//! folder is absent; the samples are never copied into the project.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use std::path::PathBuf;

use jenkins_client::config_xml::{
    BuildStep, Concurrency, FolderConfig, JobConfig, JobKind, ParameterDefinition, PipelineConfig,
    PipelineDefinition, compare, needs_update,
};

/// The upstream folder, or `None` (with a notice) when it is absent.
fn upstream() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/jenkins");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NOTICE: {} is absent; skipping", dir.display());
        None
    }
}

/// An upstream sample parsed, or `None` when the folder is absent.
fn sample(name: &str) -> Option<(String, JobConfig)> {
    let path = upstream()?.join(name);
    let xml = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = JobConfig::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}"));
    Some((xml, parsed))
}

#[test]
fn every_config_sample_is_listed_and_parses() {
    let Some(dir) = upstream() else { return };
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("config_") && n.ends_with(".xml"))
        .collect();
    on_disk.sort();
    let listed = [
        "config_folder__cdancy.xml",
        "config_freestyle_shell_builder__cdancy.xml",
        "config_freestyle_timer_mesos_single_use__dcos-jenkins-service.xml",
        "config_freestyle_with_string_param__cdancy.xml",
        "config_pipeline_flow-definition_CpsFlowDefinition__cdancy.xml",
    ];
    assert_eq!(
        on_disk, listed,
        "a new config sample needs its own test below"
    );
    for name in listed {
        let (_, parsed) = sample(name).unwrap();
        assert!(
            !matches!(parsed.kind(), JobKind::Other(_)),
            "{name}: {parsed:?}"
        );
    }
}

#[test]
fn pipeline_with_inline_script() {
    let Some((xml, parsed)) =
        sample("config_pipeline_flow-definition_CpsFlowDefinition__cdancy.xml")
    else {
        return;
    };
    let JobConfig::Pipeline(p) = &parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(p.description, "");
    assert!(!p.disabled);
    assert_eq!(
        p.definition,
        PipelineDefinition::Script {
            script: "node { sh 'sleep 20' }".into(),
            sandbox: true
        }
    );
    assert!(p.parameters.is_empty());
    assert_eq!(p.discarder, None);
    assert_eq!(p.concurrency, Concurrency::Allow);

    // The same job built here needs no update, despite plugin versions,
    // indentation and `<description/>`; another script does.
    let same = JobConfig::from(PipelineConfig::script("node { sh 'sleep 20' }"));
    assert!(!needs_update(&same, &xml).unwrap());
    let other = JobConfig::from(PipelineConfig::script("node { sh 'sleep 21' }"));
    assert!(needs_update(&other, &xml).unwrap());
}

#[test]
fn freestyle_with_a_shell_step() {
    let Some((_, parsed)) = sample("config_freestyle_shell_builder__cdancy.xml") else {
        return;
    };
    let JobConfig::Freestyle(f) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(f.description, "");
    assert!(!f.disabled);
    assert_eq!(f.label, None, "canRoam is true");
    assert_eq!(
        f.steps,
        [BuildStep::Shell("echo begin\nsleep 2\necho end".into())]
    );
    assert!(f.parameters.is_empty());
    assert!(!f.concurrent_build);
}

#[test]
fn freestyle_with_a_string_parameter() {
    let Some((_, parsed)) = sample("config_freestyle_with_string_param__cdancy.xml") else {
        return;
    };
    let JobConfig::Freestyle(f) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(f.description, "HelloWorld");
    assert_eq!(
        f.parameters,
        [ParameterDefinition::string("SomeKey", "SomeValue").with_description("whatever")]
    );
    assert!(f.steps.is_empty());
}

#[test]
fn dcos_freestyle_on_mesos() {
    let Some((_, parsed)) =
        sample("config_freestyle_timer_mesos_single_use__dcos-jenkins-service.xml")
    else {
        return;
    };
    let JobConfig::Freestyle(f) = parsed else {
        panic!("{parsed:?}")
    };
    assert_eq!(f.description, "created from tests");
    // canRoam=false with assignedNode "null": Jenkins reads the literal label `null`.
    assert_eq!(f.label.as_deref(), Some("null"));
    assert_eq!(
        f.steps,
        [BuildStep::Shell("echo \"Hello World\"; sleep 30".into())]
    );
    // Plugin properties, the timer trigger and the Mesos build wrapper are not
    // managed, so they are not parameters.
    assert!(f.parameters.is_empty());
    assert_eq!(f.discarder, None);
}

#[test]
fn folder() {
    let Some((xml, parsed)) = sample("config_folder__cdancy.xml") else {
        return;
    };
    assert_eq!(parsed, JobConfig::Folder(FolderConfig::new()));
    // Views, health metrics and icon are the plugin's business.
    let desired = JobConfig::from(FolderConfig::new());
    assert!(compare(&desired, &parsed).is_unchanged());
    assert!(needs_update(&JobConfig::from(FolderConfig::new().description("x")), &xml).unwrap());
}

#[test]
fn view_configs_are_items_of_another_kind() {
    // Real Jenkins XML of a kind we do not generate (XML 1.0 and 1.1 headers):
    // it parses, is recognised as another kind, and is never written back.
    for name in [
        "view_config_listview__node-jenkins.xml",
        "view_config_listview__jenkins-client-ts.xml",
    ] {
        let Some((xml, parsed)) = sample(name) else {
            return;
        };
        assert_eq!(
            parsed,
            JobConfig::Other {
                root: "hudson.model.ListView".into()
            },
            "{name}"
        );
        assert!(parsed.to_xml().is_err());
        assert!(needs_update(&JobConfig::from(FolderConfig::new()), &xml).unwrap());
    }
}
