//! Skipping updates: a desired configuration compared with what a server
//! returns, ignoring formatting and elements we do not manage, and noticing
//! every managed field that changed.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use jenkins_client::config_xml::{
    Concurrency, ConfigXmlError, Difference, FolderConfig, FreestyleConfig, GitScm, JobConfig,
    JobKind, LogRotator, ParameterDefinition, PipelineConfig, compare, needs_update,
};

fn desired_pipeline() -> PipelineConfig {
    PipelineConfig::from_git(
        GitScm::new("https://git.example.com/team/app.git", "*/main").credentials_id("git-ro"),
        "Jenkinsfile",
    )
    .description("Builds team/app")
    .parameter(ParameterDefinition::string("TAG", "latest").with_trim(true))
    .parameter(ParameterDefinition::choice("ENV", ["staging", "prod"]))
    .parameter(ParameterDefinition::password("TOKEN", ""))
    .parameter(ParameterDefinition::boolean("PUSH", true))
    .discarder(LogRotator::keep_builds(30))
    .concurrency(Concurrency::Disallow)
}

/// The desired pipeline as a Jenkins server saves it: versioned plugin
/// attributes, an encrypted password default, the `Arrays$ArrayList` choice
/// shape, trimmed identifiers with stray spaces, fields of newer Git plugins,
/// and properties, triggers and settings we do not manage.
const SERVER_PIPELINE: &str = r#"<?xml version='1.1' encoding='UTF-8'?>
<flow-definition plugin="workflow-job@1400.v7fd111b_ec82f">
  <actions>
    <org.jenkinsci.plugins.pipeline.modeldefinition.actions.DeclarativeJobAction plugin="pipeline-model-definition@2.2214.vb_b_34b_2ea_9b_83"/>
  </actions>
  <description>Builds team/app</description>
  <displayName>App</displayName>
  <keepDependencies>false</keepDependencies>
  <properties>
    <com.sonyericsson.rebuild.RebuildSettings plugin="rebuild@332.va_1ee476d8f6d">
      <autoRebuild>false</autoRebuild>
      <rebuildDisabled>false</rebuildDisabled>
    </com.sonyericsson.rebuild.RebuildSettings>
    <jenkins.model.BuildDiscarderProperty>
      <strategy class="hudson.tasks.LogRotator">
        <daysToKeep>-1</daysToKeep>
        <numToKeep>30</numToKeep>
        <artifactDaysToKeep>-1</artifactDaysToKeep>
        <artifactNumToKeep>-1</artifactNumToKeep>
      </strategy>
    </jenkins.model.BuildDiscarderProperty>
    <org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty>
      <abortPrevious>false</abortPrevious>
    </org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty>
    <hudson.model.ParametersDefinitionProperty>
      <parameterDefinitions>
        <hudson.model.StringParameterDefinition>
          <name>TAG</name>
          <defaultValue>latest</defaultValue>
          <trim>true</trim>
        </hudson.model.StringParameterDefinition>
        <hudson.model.ChoiceParameterDefinition>
          <name>ENV</name>
          <description></description>
          <choices class="java.util.Arrays$ArrayList">
            <a class="string-array">
              <string>staging</string>
              <string>prod</string>
            </a>
          </choices>
        </hudson.model.ChoiceParameterDefinition>
        <hudson.model.PasswordParameterDefinition>
          <name>TOKEN</name>
          <defaultValue>{AQAAABAAAAAQzmRQDmLl3lxF2lTHOp3bXLNKxV1+oXRuoNj8HFPtgZE=}</defaultValue>
        </hudson.model.PasswordParameterDefinition>
        <hudson.model.BooleanParameterDefinition>
          <name>PUSH</name>
          <defaultValue>true</defaultValue>
        </hudson.model.BooleanParameterDefinition>
      </parameterDefinitions>
    </hudson.model.ParametersDefinitionProperty>
    <org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
      <triggers>
        <hudson.triggers.SCMTrigger>
          <spec>H/5 * * * *</spec>
          <ignorePostCommitHooks>false</ignorePostCommitHooks>
        </hudson.triggers.SCMTrigger>
      </triggers>
    </org.jenkinsci.plugins.workflow.job.properties.PipelineTriggersJobProperty>
  </properties>
  <definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition" plugin="workflow-cps@3894.vd0f0248b_a_fc4">
    <scm class="hudson.plugins.git.GitSCM" plugin="git@5.2.2">
      <configVersion>2</configVersion>
      <userRemoteConfigs>
        <hudson.plugins.git.UserRemoteConfig>
          <url> https://git.example.com/team/app.git </url>
          <credentialsId>git-ro</credentialsId>
        </hudson.plugins.git.UserRemoteConfig>
      </userRemoteConfigs>
      <branches>
        <hudson.plugins.git.BranchSpec>
          <name>*/main</name>
        </hudson.plugins.git.BranchSpec>
      </branches>
      <doGenerateSubmoduleConfigurations>false</doGenerateSubmoduleConfigurations>
      <submoduleCfg class="empty-list"/>
      <extensions>
        <hudson.plugins.git.extensions.impl.CleanBeforeCheckout/>
      </extensions>
    </scm>
    <scriptPath>Jenkinsfile</scriptPath>
    <lightweight>true</lightweight>
  </definition>
  <triggers/>
  <quietPeriod>0</quietPeriod>
  <disabled>false</disabled>
</flow-definition>
"#;

/// A copy of `base` changed by `f` (the configs are `#[non_exhaustive]`).
fn edit<T: Clone>(base: &T, f: impl FnOnce(&mut T)) -> T {
    let mut copy = base.clone();
    f(&mut copy);
    copy
}

fn differences(desired: impl Into<JobConfig>, current_xml: &str) -> Vec<Difference> {
    let current = JobConfig::parse(current_xml).unwrap_or_else(|e| panic!("{e}\n{current_xml}"));
    compare(&desired.into(), &current).differences
}

#[test]
fn a_server_saved_copy_needs_no_update() {
    let desired = JobConfig::from(desired_pipeline());
    let current = JobConfig::parse(SERVER_PIPELINE).unwrap();
    let cmp = compare(&desired, &current);
    assert_eq!(
        (cmp.differences.clone(), cmp.unverified.clone()),
        (Vec::<Difference>::new(), vec!["TOKEN".to_owned()]),
        "{cmp:?}"
    );
    assert!(cmp.is_unchanged());
    assert!(!needs_update(&desired, SERVER_PIPELINE).unwrap());
}

#[test]
fn formatting_makes_no_difference() {
    let desired = JobConfig::from(desired_pipeline());
    let xml = desired.to_xml().unwrap();
    let variants = [
        // No indentation at all.
        xml.lines()
            .map(str::trim_start)
            .collect::<Vec<_>>()
            .join(""),
        // Tabs and CRLF between elements.
        xml.replace("  ", "\t").replace(">\n", ">\r\n"),
        // XML 1.0 declaration with single quotes, or none.
        xml.replace(
            "<?xml version=\"1.1\" encoding=\"UTF-8\"?>",
            "<?xml version='1.0' encoding='UTF-8'?>",
        ),
        xml.replace("<?xml version=\"1.1\" encoding=\"UTF-8\"?>\n", ""),
        // Explicit empty elements and single-quoted attributes.
        xml.replace("<description/>", "<description></description>")
            .replace(
                "class=\"hudson.tasks.LogRotator\"",
                "class='hudson.tasks.LogRotator'",
            ),
        // A comment Jenkins would never write.
        xml.replace(
            "<properties>",
            "<properties><!-- managed by jenkins-client -->",
        ),
    ];
    for variant in variants {
        assert!(!needs_update(&desired, &variant).unwrap(), "{variant}");
    }
}

#[test]
fn every_managed_pipeline_field_is_noticed() {
    let base = desired_pipeline();
    let cases: Vec<(PipelineConfig, Difference)> = vec![
        (
            base.clone().description("Builds team/app!"),
            Difference::Description,
        ),
        (base.clone().disabled(true), Difference::Disabled),
        (base.clone().lightweight(false), Difference::Definition),
        (
            edit(&base, |c| {
                c.definition = PipelineConfig::from_git(
                    GitScm::new("https://git.example.com/team/other.git", "*/main")
                        .credentials_id("git-ro"),
                    "Jenkinsfile",
                )
                .definition
            }),
            Difference::Definition,
        ),
        (
            edit(&base, |c| {
                c.definition = PipelineConfig::from_git(
                    GitScm::new("https://git.example.com/team/app.git", "*/release")
                        .credentials_id("git-ro"),
                    "Jenkinsfile",
                )
                .definition
            }),
            Difference::Definition,
        ),
        (
            edit(&base, |c| {
                c.definition = PipelineConfig::from_git(
                    GitScm::new("https://git.example.com/team/app.git", "*/main"),
                    "Jenkinsfile",
                )
                .definition
            }),
            Difference::Definition,
        ),
        (
            edit(&base, |c| {
                c.definition = PipelineConfig::from_git(
                    GitScm::new("https://git.example.com/team/app.git", "*/main")
                        .credentials_id("git-ro"),
                    "ci/Jenkinsfile",
                )
                .definition
            }),
            Difference::Definition,
        ),
        (
            edit(&base, |c| {
                c.definition = PipelineConfig::script("node {}").definition
            }),
            Difference::Definition,
        ),
        (
            base.clone()
                .parameter(ParameterDefinition::string("MORE", "")),
            Difference::Parameters,
        ),
        (
            base.clone()
                .parameters(base.parameters.iter().rev().cloned()),
            Difference::Parameters,
        ),
        (
            base.clone()
                .parameters(base.parameters[1..].iter().cloned()),
            Difference::Parameters,
        ),
        (
            base.clone().parameters(
                std::iter::once(ParameterDefinition::string("TAG", "stable").with_trim(true))
                    .chain(base.parameters[1..].iter().cloned()),
            ),
            Difference::Parameters,
        ),
        (
            base.clone().parameters(
                std::iter::once(
                    ParameterDefinition::string("TAG", "latest")
                        .with_trim(true)
                        .with_description("tag"),
                )
                .chain(base.parameters[1..].iter().cloned()),
            ),
            Difference::Parameters,
        ),
        (
            base.clone().discarder(LogRotator::keep_builds(31)),
            Difference::Discarder,
        ),
        (edit(&base, |c| c.discarder = None), Difference::Discarder),
        (
            base.clone().concurrency(Concurrency::Allow),
            Difference::Concurrency,
        ),
        (
            base.clone().concurrency(Concurrency::AbortPrevious),
            Difference::Concurrency,
        ),
    ];
    for (desired, expected) in cases {
        assert_eq!(
            differences(desired.clone(), SERVER_PIPELINE),
            [expected],
            "{desired:#?}"
        );
        assert!(needs_update(&desired.into(), SERVER_PIPELINE).unwrap());
    }
}

#[test]
fn script_changes_are_noticed_to_the_byte() {
    let current = PipelineConfig::script("node {\n  sh 'make'\n}\n")
        .to_xml()
        .unwrap();
    for script in [
        "node {\n  sh 'make'\n}",
        "node {\r\n  sh 'make'\r\n}\r\n",
        "node {\n  sh 'make' \n}\n",
    ] {
        assert_eq!(
            differences(PipelineConfig::script(script), &current),
            [Difference::Definition]
        );
    }
    assert_eq!(
        differences(
            PipelineConfig::script("node {\n  sh 'make'\n}\n").sandbox(false),
            &current
        ),
        [Difference::Definition]
    );
    assert!(differences(PipelineConfig::script("node {\n  sh 'make'\n}\n"), &current).is_empty());
}

#[test]
fn a_changed_plain_password_default_is_noticed() {
    let current = PipelineConfig::script("x")
        .parameter(ParameterDefinition::password("P", "old"))
        .to_xml()
        .unwrap();
    let desired = PipelineConfig::script("x").parameter(ParameterDefinition::password("P", "new"));
    let cmp = compare(
        &desired.clone().into(),
        &JobConfig::parse(&current).unwrap(),
    );
    assert_eq!(cmp.differences, [Difference::Parameters]);
    assert!(cmp.unverified.is_empty());
    // The comparison never shows the values.
    assert!(!format!("{cmp:?}").contains("old") && !format!("{cmp:?}").contains("new"));
}

#[test]
fn freestyle_fields_are_compared() {
    let base = FreestyleConfig::new()
        .description("d")
        .label("linux")
        .shell("make")
        .parameter(ParameterDefinition::boolean("B", true));
    let current = base.to_xml().unwrap();
    assert!(differences(base.clone(), &current).is_empty());
    // Jenkins trims labels.
    assert!(differences(base.clone().label(" linux "), &current).is_empty());
    let cases = [
        (base.clone().label("docker"), Difference::Label),
        (edit(&base, |c| c.label = None), Difference::Label),
        (base.clone().shell("make install"), Difference::Steps),
        (edit(&base, |c| c.steps.clear()), Difference::Steps),
        (base.clone().concurrent_build(true), Difference::Concurrency),
        (
            base.clone().discarder(LogRotator::keep_builds(1)),
            Difference::Discarder,
        ),
        (base.clone().disabled(true), Difference::Disabled),
        (base.clone().description(""), Difference::Description),
        (
            edit(&base, |c| c.parameters.clear()),
            Difference::Parameters,
        ),
    ];
    for (desired, expected) in cases {
        assert_eq!(
            differences(desired.clone(), &current),
            [expected],
            "{desired:#?}"
        );
    }
}

#[test]
fn an_unlimited_log_rotator_is_the_same_as_none() {
    let current = PipelineConfig::script("x")
        .discarder(LogRotator::default())
        .to_xml()
        .unwrap();
    assert!(current.contains("hudson.tasks.LogRotator"));
    assert!(differences(PipelineConfig::script("x"), &current).is_empty());
}

#[test]
fn legacy_top_level_log_rotator_is_read() {
    let current = r#"<project><logRotator class="hudson.tasks.LogRotator"><daysToKeep>7</daysToKeep><numToKeep>-1</numToKeep></logRotator><canRoam>true</canRoam></project>"#;
    assert!(
        differences(
            FreestyleConfig::new().discarder(LogRotator::default().days_to_keep(7)),
            current
        )
        .is_empty()
    );
    assert_eq!(
        differences(FreestyleConfig::new(), current),
        [Difference::Discarder]
    );
}

#[test]
fn a_job_without_can_roam_is_tied_to_the_controller() {
    // XStream leaves a missing boolean at false, and Jenkins then runs the job
    // on the controller: not what a job that may run anywhere wants.
    let JobConfig::Freestyle(f) = JobConfig::parse("<project/>").unwrap() else {
        panic!()
    };
    assert_eq!(f.label.as_deref(), Some(""));
    assert_eq!(
        differences(FreestyleConfig::new(), "<project/>"),
        [Difference::Label]
    );
    assert!(
        differences(
            FreestyleConfig::new(),
            "<project><canRoam>true</canRoam></project>"
        )
        .is_empty()
    );
}

#[test]
fn another_kind_is_a_kind_difference() {
    let folder = FolderConfig::new().to_xml().unwrap();
    assert_eq!(
        differences(PipelineConfig::script("x"), &folder),
        [Difference::Kind {
            desired: JobKind::Pipeline,
            current: JobKind::Folder
        }]
    );
    let d = Difference::Kind {
        desired: JobKind::Pipeline,
        current: JobKind::Other("hudson.maven.MavenModuleSet".into()),
    };
    assert_eq!(
        d.to_string(),
        "kind (Other(\"hudson.maven.MavenModuleSet\") on the server, Pipeline wanted)"
    );
    assert_eq!(Difference::Parameters.to_string(), "parameters");
}

#[test]
fn an_unreadable_current_config_is_an_error_not_a_skip() {
    let desired = JobConfig::from(PipelineConfig::script("x"));
    assert!(matches!(
        needs_update(
            &desired,
            "<flow-definition><disabled>false</flow-definition>"
        ),
        Err(ConfigXmlError::Malformed { .. })
    ));
    let err = needs_update(
        &desired,
        "<flow-definition><disabled>maybe</disabled></flow-definition>",
    )
    .unwrap_err();
    assert_eq!(
        err,
        ConfigXmlError::InvalidValue {
            path: "flow-definition/disabled".into(),
            value: "maybe".into(),
            expected: "true or false"
        }
    );
    assert_eq!(
        err.to_string(),
        "`flow-definition/disabled` holds \"maybe\", expected true or false"
    );
}
