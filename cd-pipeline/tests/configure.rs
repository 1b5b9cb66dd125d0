//! `configure` and `plan_configure` against the simulated cluster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod build_support;

use build_support::{JENKINSFILE, spec, spec_with};
use cd_pipeline::plan::{Action, ResourceKind};
use cd_pipeline::{Events, Outcome, PipelineEvent, Stage, Target, configure, plan_configure};
use jenkins_client::JobPath;
use jenkins_client::config_xml::{JobConfig, ParameterDefinition, PipelineDefinition};
use marathon_client::GroupId;

fn actions(plan: &cd_pipeline::Plan) -> Vec<(Action, ResourceKind, String)> {
    plan.changes
        .iter()
        .map(|c| (c.action, c.kind, c.id.clone()))
        .collect()
}

#[tokio::test]
async fn configure_creates_the_job_folder_and_group_then_leaves_them_unchanged() {
    let sim = build_support::sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("hello");

    // A plan alone writes nothing.
    let plan = plan_configure(&target, &spec, &Events::none())
        .await
        .unwrap();
    let created = vec![
        (Action::Create, ResourceKind::JenkinsFolder, "cd".to_owned()),
        (
            Action::Create,
            ResourceKind::JenkinsJob,
            "cd/hello".to_owned(),
        ),
        (
            Action::Create,
            ResourceKind::MarathonGroup,
            "/shop".to_owned(),
        ),
    ];
    assert_eq!(actions(&plan), created);
    let job = JobPath::parse("cd/hello").unwrap();
    assert!(!target.jenkins().jobs().exists(&job).await.unwrap());

    let (events, mut stream) = Events::channel();
    let plan = configure(&target, &spec, &events).await.unwrap();
    assert_eq!(actions(&plan), created);
    assert!(!plan.is_noop());
    let emitted = stream.drain();
    assert_eq!(
        emitted.first(),
        Some(&PipelineEvent::StageStarted {
            stage: Stage::Configure
        })
    );
    assert!(emitted.iter().any(|e| matches!(e,
        PipelineEvent::PlanLine { stage: Stage::Configure, line } if line == "+ create jenkins job cd/hello (no such job)")));
    assert!(matches!(
        emitted.last(),
        Some(PipelineEvent::StageFinished {
            stage: Stage::Configure,
            outcome: Outcome::Succeeded,
            ..
        })
    ));

    // The job is the spec's: its script and the pipeline's parameters.
    let xml = target.jenkins().jobs().config(&job).await.unwrap();
    let JobConfig::Pipeline(stored) = JobConfig::parse(&xml).unwrap() else {
        panic!("not a Pipeline job: {xml}");
    };
    assert!(matches!(&stored.definition,
        PipelineDefinition::Script { script, sandbox: true } if script == JENKINSFILE));
    let names: Vec<&str> = stored
        .parameters
        .iter()
        .filter_map(ParameterDefinition::name)
        .collect();
    assert_eq!(
        names,
        ["IMAGE", "TAG", "AGENT_LABEL", "GIT_SHA", "GREETING"]
    );
    assert!(matches!(&stored.parameters[0],
        ParameterDefinition::String(p) if p.default_value == "registry.example.com/team/hello"));
    let group = target
        .marathon()
        .groups()
        .get_opt(&GroupId::new("/shop").unwrap())
        .await
        .unwrap();
    assert!(group.is_some());

    // Again: nothing to do, and nothing written.
    let (events, mut stream) = Events::channel();
    let again = configure(&target, &spec, &events).await.unwrap();
    assert!(again.is_noop(), "{again}");
    assert_eq!(
        actions(&again),
        vec![
            (
                Action::Unchanged,
                ResourceKind::JenkinsJob,
                "cd/hello".to_owned()
            ),
            (
                Action::Unchanged,
                ResourceKind::MarathonGroup,
                "/shop".to_owned()
            ),
        ]
    );
    assert!(matches!(
        stream.drain().last(),
        Some(PipelineEvent::StageFinished {
            outcome: Outcome::Unchanged,
            ..
        })
    ));
    assert_eq!(target.jenkins().jobs().config(&job).await.unwrap(), xml);
    sim.shutdown().await;
}

#[tokio::test]
async fn a_changed_jenkinsfile_is_an_update_with_its_diff() {
    let sim = build_support::sim().await;
    let target = Target::on_sim(&sim).unwrap();
    configure(&target, &spec("web"), &Events::none())
        .await
        .unwrap();

    let changed_file = JENKINSFILE.replace("docker build --tag", "docker build --pull --tag");
    let changed = spec_with("web", "cd/web", &changed_file, "{git_sha}-{build_number}");
    let plan = plan_configure(&target, &changed, &Events::none())
        .await
        .unwrap();
    let job = &plan.changes[0];
    assert_eq!(job.action, Action::Update);
    assert_eq!(job.reason, "config.xml differs: pipeline definition");
    let diff: Vec<String> = job.diff.iter().map(ToString::to_string).collect();
    assert_eq!(
        diff,
        [
            "-         sh 'docker build --tag \"$IMAGE:$TAG\" .'",
            "+         sh 'docker build --pull --tag \"$IMAGE:$TAG\" .'",
        ]
    );

    let applied = configure(&target, &changed, &Events::none()).await.unwrap();
    assert_eq!(applied.changes[0].action, Action::Update);
    let path = JobPath::parse("cd/web").unwrap();
    let xml = target.jenkins().jobs().config(&path).await.unwrap();
    assert!(xml.contains("--pull"), "{xml}");
    assert!(
        plan_configure(&target, &changed, &Events::none())
            .await
            .unwrap()
            .is_noop()
    );
    sim.shutdown().await;
}

#[tokio::test]
async fn an_item_of_another_kind_is_not_replaced() {
    let sim = build_support::sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let path = JobPath::parse("other").unwrap();
    target.jenkins().jobs().create_folder(&path).await.unwrap();
    let spec = spec_with("other", "other", JENKINSFILE, "{git_sha}");
    let error = configure(&target, &spec, &Events::none())
        .await
        .unwrap_err();
    assert_eq!(error.stage(), Some(Stage::Configure));
    assert!(
        error.chain().contains("not a Pipeline job"),
        "{}",
        error.chain()
    );
    // Still a folder.
    let xml = target.jenkins().jobs().config(&path).await.unwrap();
    assert!(matches!(
        JobConfig::parse(&xml).unwrap(),
        JobConfig::Folder(_)
    ));
    sim.shutdown().await;
}
