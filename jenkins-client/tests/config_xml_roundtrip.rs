//! `config.xml` round trips: build, write, parse, compare equal; and the exact
//! shapes Jenkins expects for each element we write.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use jenkins_client::config_xml::{
    BuildDiscarder, BuildStep, Concurrency, ConfigXmlError, DindBuild, FolderConfig,
    FreestyleConfig, GitScm, JobConfig, LogRotator, ParameterDefinition, PipelineConfig,
    PipelineDefinition, compare,
};

fn all_parameters() -> Vec<ParameterDefinition> {
    vec![
        ParameterDefinition::string("TAG", "latest")
            .with_description("Image tag")
            .with_trim(true),
        ParameterDefinition::boolean("PUSH", true).with_description("Push it"),
        ParameterDefinition::boolean("DRY_RUN", false),
        ParameterDefinition::choice("ENV", ["staging", "prod", "ünïcode ✓"]),
        ParameterDefinition::password("TOKEN", "s3cr3t <&>"),
        ParameterDefinition::string("EMPTY", ""),
    ]
}

fn round_trip(config: JobConfig) {
    let xml = config.to_xml().unwrap();
    let parsed = JobConfig::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(parsed, config, "\n{xml}");
    assert!(compare(&config, &parsed).is_unchanged());
    // Writing the parsed value gives the same document.
    assert_eq!(parsed.to_xml().unwrap(), xml);
}

#[test]
fn pipeline_inline_script_round_trips() {
    round_trip(
        PipelineConfig::script("pipeline {\n  agent { label 'linux' }\n  stages { stage('x') { steps { sh 'echo \"a < b && c\"' } } }\n}\n")
            .description("<b>HTML</b> & more")
            .disabled(true)
            .parameters(all_parameters())
            .discarder(
                LogRotator::keep_builds(10)
                    .days_to_keep(30)
                    .artifact_days_to_keep(7)
                    .artifact_num_to_keep(3),
            )
            .concurrency(Concurrency::Disallow)
            .into(),
    );
    round_trip(PipelineConfig::script("").sandbox(false).into());
    round_trip(
        PipelineConfig::script("x")
            .concurrency(Concurrency::AbortPrevious)
            .discarder(LogRotator::default().days_to_keep(0))
            .into(),
    );
}

#[test]
fn pipeline_from_git_round_trips() {
    round_trip(
        PipelineConfig::from_git(
            GitScm::new("git@github.com:team/app.git", "refs/tags/v1.*").credentials_id("ssh-key"),
            "ci/Jenkinsfile",
        )
        .lightweight(false)
        .parameter(ParameterDefinition::choice("ENV", ["a"]))
        .into(),
    );
    round_trip(
        PipelineConfig::from_git(
            GitScm::new("https://git.example.com/a.git", "*/main"),
            "Jenkinsfile",
        )
        .into(),
    );
}

#[test]
fn freestyle_round_trips() {
    round_trip(
        FreestyleConfig::new()
            .description("Nightly")
            .label("linux && docker")
            .shell("set -e\nmake build")
            .shell("echo 'done' > out.txt")
            .parameter(ParameterDefinition::boolean("CLEAN", false))
            .discarder(LogRotator::keep_builds(3))
            .concurrent_build(true)
            .disabled(true)
            .into(),
    );
    round_trip(FreestyleConfig::new().into());
    // The controller: canRoam=false and no assignedNode.
    let controller = FreestyleConfig::new().label("");
    round_trip(controller.clone().into());
    let xml = controller.to_xml().unwrap();
    assert!(
        xml.contains("<canRoam>false</canRoam>") && !xml.contains("assignedNode"),
        "{xml}"
    );
}

#[test]
fn folder_round_trips() {
    round_trip(FolderConfig::new().description("Team A").into());
    round_trip(FolderConfig::new().into());
}

#[test]
fn dind_template_round_trips() {
    let job = DindBuild::new(
        GitScm::new("https://git.example.com/team/app.git", "*/main").credentials_id("git"),
        "registry.example.com:5000/team/app",
    )
    .label("dind")
    .dockerfile("docker/Dockerfile")
    .context("docker")
    .registry("registry.example.com:5000")
    .registry_credentials("registry-push");
    let pipeline = job.to_pipeline();
    round_trip(pipeline.clone().into());
    let PipelineDefinition::Script { script, sandbox } = &pipeline.definition else {
        panic!("{pipeline:?}")
    };
    assert!(sandbox);
    assert_eq!(script, &job.script());
    assert!(script.contains("node('dind') {"));
    let names: Vec<_> = pipeline
        .parameters
        .iter()
        .map(|p| p.name().unwrap())
        .collect();
    assert_eq!(names, ["IMAGE", "TAG"]);
    assert_eq!(
        pipeline.parameters[0],
        ParameterDefinition::string("IMAGE", "registry.example.com:5000/team/app")
            .with_description("Image name without tag, such as registry.example.com:5000/team/app")
            .with_trim(true)
    );
    assert_eq!(job.to_xml().unwrap(), pipeline.to_xml().unwrap());
    assert!(matches!(
        job.clone().label(" ").to_xml(),
        Err(ConfigXmlError::Invalid(_))
    ));
}

#[test]
fn pipeline_document_shape() {
    let xml = PipelineConfig::script("echo 1")
        .parameters(all_parameters())
        .discarder(LogRotator::keep_builds(5))
        .concurrency(Concurrency::Disallow)
        .to_xml()
        .unwrap();
    assert!(xml.starts_with("<?xml version=\"1.1\" encoding=\"UTF-8\"?>\n<flow-definition plugin=\"workflow-job\">\n"), "{xml}");
    for expected in [
        "<definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\" plugin=\"workflow-cps\">\n    <script>echo 1</script>\n    <sandbox>true</sandbox>\n  </definition>",
        "<jenkins.model.BuildDiscarderProperty>\n      <strategy class=\"hudson.tasks.LogRotator\">\n        <daysToKeep>-1</daysToKeep>\n        <numToKeep>5</numToKeep>\n        <artifactDaysToKeep>-1</artifactDaysToKeep>\n        <artifactNumToKeep>-1</artifactNumToKeep>\n      </strategy>\n    </jenkins.model.BuildDiscarderProperty>",
        "<org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty/>",
        "<hudson.model.StringParameterDefinition>\n          <name>TAG</name>\n          <description>Image tag</description>\n          <defaultValue>latest</defaultValue>\n          <trim>true</trim>\n        </hudson.model.StringParameterDefinition>",
        "<hudson.model.BooleanParameterDefinition>\n          <name>PUSH</name>\n          <description>Push it</description>\n          <defaultValue>true</defaultValue>\n        </hudson.model.BooleanParameterDefinition>",
        "<choices>\n            <string>staging</string>\n            <string>prod</string>\n            <string>ünïcode ✓</string>\n          </choices>",
        "<hudson.model.PasswordParameterDefinition>\n          <name>TOKEN</name>\n          <description/>\n          <defaultValue>s3cr3t &lt;&amp;&gt;</defaultValue>\n        </hudson.model.PasswordParameterDefinition>",
        "  <triggers/>\n  <disabled>false</disabled>\n</flow-definition>",
    ] {
        assert!(xml.contains(expected), "missing {expected}\nin\n{xml}");
    }
    // Properties in the order Jenkins lists them; parameters last.
    let discarder = xml.find("BuildDiscarderProperty").unwrap();
    let concurrency = xml.find("DisableConcurrentBuildsJobProperty").unwrap();
    let params = xml.find("ParametersDefinitionProperty").unwrap();
    assert!(discarder < concurrency && concurrency < params);
}

#[test]
fn git_document_shape() {
    let xml = PipelineConfig::from_git(
        GitScm::new("https://g.example/a.git", "*/main").credentials_id("c"),
        "Jenkinsfile",
    )
    .to_xml()
    .unwrap();
    let expected = "  <definition class=\"org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition\" plugin=\"workflow-cps\">
    <scm class=\"hudson.plugins.git.GitSCM\" plugin=\"git\">
      <configVersion>2</configVersion>
      <userRemoteConfigs>
        <hudson.plugins.git.UserRemoteConfig>
          <url>https://g.example/a.git</url>
          <credentialsId>c</credentialsId>
        </hudson.plugins.git.UserRemoteConfig>
      </userRemoteConfigs>
      <branches>
        <hudson.plugins.git.BranchSpec>
          <name>*/main</name>
        </hudson.plugins.git.BranchSpec>
      </branches>
      <extensions/>
    </scm>
    <scriptPath>Jenkinsfile</scriptPath>
    <lightweight>true</lightweight>
  </definition>
";
    assert!(xml.contains(expected), "{xml}");
    let no_creds = PipelineConfig::from_git(GitScm::new("u", "b"), "J")
        .to_xml()
        .unwrap();
    assert!(!no_creds.contains("credentialsId"));
}

#[test]
fn freestyle_document_shape() {
    let xml = FreestyleConfig::new()
        .label("linux")
        .shell("make")
        .to_xml()
        .unwrap();
    let expected = "<project>
  <actions/>
  <description/>
  <keepDependencies>false</keepDependencies>
  <properties/>
  <scm class=\"hudson.scm.NullSCM\"/>
  <assignedNode>linux</assignedNode>
  <canRoam>false</canRoam>
  <disabled>false</disabled>
  <blockBuildWhenDownstreamBuilding>false</blockBuildWhenDownstreamBuilding>
  <blockBuildWhenUpstreamBuilding>false</blockBuildWhenUpstreamBuilding>
  <triggers/>
  <concurrentBuild>false</concurrentBuild>
  <builders>
    <hudson.tasks.Shell>
      <command>make</command>
    </hudson.tasks.Shell>
  </builders>
  <publishers/>
  <buildWrappers/>
</project>";
    assert!(xml.ends_with(expected), "{xml}");
    let roaming = FreestyleConfig::new().to_xml().unwrap();
    assert!(roaming.contains("<canRoam>true</canRoam>") && !roaming.contains("assignedNode"));
}

#[test]
fn folder_document_shape() {
    let xml = FolderConfig::new().description("d").to_xml().unwrap();
    assert_eq!(
        xml,
        "<?xml version=\"1.1\" encoding=\"UTF-8\"?>
<com.cloudbees.hudson.plugins.folder.Folder plugin=\"cloudbees-folder\">
  <actions/>
  <description>d</description>
  <properties/>
</com.cloudbees.hudson.plugins.folder.Folder>"
    );
}

#[test]
fn invalid_configurations_are_refused() {
    let dup = PipelineConfig::script("x")
        .parameter(ParameterDefinition::string("A", ""))
        .parameter(ParameterDefinition::boolean("A", true));
    assert!(matches!(dup.to_xml(), Err(ConfigXmlError::Invalid(m)) if m.contains("`A`")));
    let no_choice = PipelineConfig::script("x")
        .parameter(ParameterDefinition::choice("C", Vec::<String>::new()));
    assert!(matches!(
        no_choice.to_xml(),
        Err(ConfigXmlError::Invalid(_))
    ));
    let nameless = FreestyleConfig::new().parameter(ParameterDefinition::string("", "v"));
    assert!(matches!(nameless.to_xml(), Err(ConfigXmlError::Invalid(_))));
    let empty_url = PipelineConfig::from_git(GitScm::new(" ", "*/main"), "Jenkinsfile");
    assert!(matches!(
        empty_url.to_xml(),
        Err(ConfigXmlError::Invalid(_))
    ));
    let empty_path = PipelineConfig::from_git(GitScm::new("u", "*/main"), "");
    assert!(matches!(
        empty_path.to_xml(),
        Err(ConfigXmlError::Invalid(_))
    ));
    let empty_label = FreestyleConfig::new().label("  ");
    assert!(matches!(
        empty_label.to_xml(),
        Err(ConfigXmlError::Invalid(_))
    ));
}

#[test]
fn parts_known_only_by_class_are_not_written_back() {
    let server = r#"<?xml version='1.1' encoding='UTF-8'?>
<project>
  <properties>
    <hudson.model.ParametersDefinitionProperty>
      <parameterDefinitions>
        <hudson.model.FileParameterDefinition><name>upload</name></hudson.model.FileParameterDefinition>
      </parameterDefinitions>
    </hudson.model.ParametersDefinitionProperty>
    <jenkins.model.BuildDiscarderProperty>
      <strategy class="org.jenkinsci.plugins.SomeOtherDiscarder"/>
    </jenkins.model.BuildDiscarderProperty>
  </properties>
  <builders><hudson.tasks.BatchFile><command>dir</command></hudson.tasks.BatchFile></builders>
</project>"#;
    let JobConfig::Freestyle(f) = JobConfig::parse(server).unwrap() else {
        panic!()
    };
    assert_eq!(
        f.parameters,
        [ParameterDefinition::Other {
            class: "hudson.model.FileParameterDefinition".into(),
            name: Some("upload".into())
        }]
    );
    assert_eq!(
        f.discarder,
        Some(BuildDiscarder::Other {
            class: "org.jenkinsci.plugins.SomeOtherDiscarder".into()
        })
    );
    assert_eq!(
        f.steps,
        [BuildStep::Other {
            class: "hudson.tasks.BatchFile".into()
        }]
    );
    let err = f.to_xml().unwrap_err();
    assert!(matches!(err, ConfigXmlError::NotWritable { .. }), "{err}");
    assert!(err.to_string().contains("only its class"), "{err}");
    let other = JobConfig::parse(
        "<org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject/>",
    )
    .unwrap();
    assert!(matches!(
        other.to_xml(),
        Err(ConfigXmlError::NotWritable { what: "item", .. })
    ));
}

#[test]
fn password_defaults_never_reach_debug_or_errors() {
    let job = PipelineConfig::script("x").parameter(ParameterDefinition::password("P", "hunter2"));
    assert!(!format!("{job:?}").contains("hunter2"));
    let with_nul =
        PipelineConfig::script("x").parameter(ParameterDefinition::password("P", "hun\0ter2"));
    let err = with_nul.to_xml().unwrap_err();
    assert!(!err.to_string().contains("hun"), "{err}");
    assert!(!format!("{err:?}").contains("hun"), "{err:?}");
}
