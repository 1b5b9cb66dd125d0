//! `dcos-cd`: configure, build and deploy a service on DC/OS from a
//! `pipeline.toml`.
//!
//! ```text
//! dcos-cd run examples/hello-service/pipeline.toml
//! dcos-cd deploy pipeline.toml --image registry.example.com/hello:1.2 --output json
//! ```
//!
//! Exit codes: 0 success, 1 a failed pipeline (the stage and the reason are
//! printed), 2 a bad spec or bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

use cd_pipeline::report::{OutputFormat, drive, stdout_reporter};
use cd_pipeline::run::StageClock;
use cd_pipeline::spec::Placeholder;
use cd_pipeline::{
    BuildParams, Error, Events, PipelineEvent, PipelineSpec, Stage, Status, Target, build,
    configure, deploy, plan_configure, plan_deploy, rollback, run, status,
};
use clap::{Args, Parser, Subcommand, ValueEnum};
use dcos_sim::SimCluster;

/// Configure, build and deploy a service on DC/OS.
///
/// The cluster comes from --cluster, then the spec's cluster table, then DCOS_URL,
/// then the dcos CLI configuration; with none, an embedded dcos-sim is started.
#[derive(Debug, Parser)]
#[command(name = "dcos-cd", version)]
struct Cli {
    /// The cluster URL (credentials from the spec's cluster table or DCOS_* variables).
    #[arg(long, global = true, value_name = "URL")]
    cluster: Option<String>,
    /// The output: progress for people, or one JSON event per line.
    #[arg(long, global = true, value_enum, default_value_t = Output::Human)]
    output: Output,
    /// Deploy over a deployment in progress (Marathon force=true).
    #[arg(long, global = true)]
    force: bool,
    /// How many times faster than real time the embedded dcos-sim runs, when
    /// no cluster is configured and one is started.
    #[arg(long, global = true, value_name = "X", default_value_t = 1.0, value_parser = parse_speed)]
    sim_speed: f64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Output {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show what configure and deploy would change, without changing anything.
    Plan {
        /// The pipeline.toml.
        spec: PathBuf,
        /// The image to plan the deploy of (default: the running one).
        #[arg(long)]
        image: Option<String>,
    },
    /// Create or update the Jenkins job and the Marathon group.
    Configure {
        /// The pipeline.toml.
        spec: PathBuf,
    },
    /// Run the Jenkins build and follow it to its result.
    Build {
        /// The pipeline.toml.
        spec: PathBuf,
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Deploy an image to Marathon, gate it on health, roll back on failure.
    Deploy {
        /// The pipeline.toml.
        spec: PathBuf,
        /// The image to deploy (repository:tag).
        #[arg(long)]
        image: String,
    },
    /// Configure, build, then deploy what was built.
    Run {
        /// The pipeline.toml.
        spec: PathBuf,
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Go back to the previous version of the app.
    Rollback {
        /// The pipeline.toml.
        spec: PathBuf,
    },
    /// Show the deployed version and its instances.
    Status {
        /// The pipeline.toml.
        spec: PathBuf,
    },
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The commit to build, for the {git_sha} placeholder.
    #[arg(long, value_name = "SHA")]
    git_sha: Option<String>,
    /// A value for a parameter declared in the spec's build.parameters (repeatable).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// Let an UNSTABLE build (tests failed) pass, with a warning.
    #[arg(long)]
    accept_unstable: bool,
}

impl BuildArgs {
    fn params(&self) -> BuildParams {
        let mut params = BuildParams::default().accept_unstable(self.accept_unstable);
        if let Some(sha) = &self.git_sha {
            params = params.git_sha(sha);
        }
        for (name, value) in &self.params {
            params = params.parameter(name, value);
        }
        params
    }
}

fn parse_speed(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(speed) if speed.is_finite() && speed > 0.0 => Ok(speed),
        _ => Err(format!("`{text}` is not a positive number")),
    }
}

fn parse_param(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.to_owned()))
        }
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}

impl Command {
    fn spec_path(&self) -> &PathBuf {
        match self {
            Command::Plan { spec, .. }
            | Command::Configure { spec }
            | Command::Build { spec, .. }
            | Command::Deploy { spec, .. }
            | Command::Run { spec, .. }
            | Command::Rollback { spec }
            | Command::Status { spec } => spec,
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    // clap exits with 2 on bad usage and 0 for --help and --version.
    let cli = Cli::parse();
    let format = match cli.output {
        Output::Human => OutputFormat::Human,
        Output::Json => OutputFormat::Json,
    };
    let (events, stream) = Events::channel();
    let reporter = tokio::spawn(async move {
        let mut reporter = stdout_reporter(format);
        drive(stream, reporter.as_mut()).await;
    });

    let result = execute(&cli, &events).await;
    let code = match &result {
        Ok(()) => 0,
        Err(error) => {
            if format == OutputFormat::Json {
                events.emit(PipelineEvent::Failed {
                    stage: error.stage(),
                    message: error.chain(),
                    exit_code: error.exit_code(),
                });
            }
            error.exit_code()
        }
    };
    drop(events);
    let _ = reporter.await;
    if let (Err(error), OutputFormat::Human) = (&result, format) {
        match error.stage() {
            Some(stage) => eprintln!("error ({stage}): {}", error.chain()),
            None => eprintln!("error: {}", error.chain()),
        }
    }
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

async fn execute(cli: &Cli, events: &Events) -> Result<(), Error> {
    let mut spec = PipelineSpec::load(cli.command.spec_path())?;
    if cli.force {
        spec.deploy.force = true;
    }
    let sim = SimCluster::builder().speed(cli.sim_speed);
    let target = Target::resolve_with(&spec, cli.cluster.as_deref(), sim, events).await?;
    let result = command(&cli.command, &target, &spec, events).await;
    target.shutdown().await;
    result
}

async fn command(
    command: &Command,
    target: &Target,
    spec: &PipelineSpec,
    events: &Events,
) -> Result<(), Error> {
    let mut clock = StageClock::new();
    match command {
        Command::Plan { image, .. } => {
            plan_configure(target, spec, events).await?;
            let image = match image {
                Some(image) => image.clone(),
                None => planned_image(target, spec, events).await?,
            };
            plan_deploy(target, spec, &image, events).await?;
        }
        Command::Configure { .. } => {
            configure(target, spec, events).await?;
        }
        Command::Build { build: args, .. } => {
            let outcome = clock
                .time(Stage::Build, build(target, spec, &args.params(), events))
                .await?;
            events.emit(PipelineEvent::Summary {
                image: Some(outcome.image),
                build_number: Some(outcome.build_number),
                deployment_id: None,
                healthy: 0,
                stage_times: clock.times().to_vec(),
            });
        }
        Command::Deploy { image, .. } => {
            let outcome = clock
                .time(Stage::Deploy, deploy(target, spec, image, events))
                .await?;
            events.emit(PipelineEvent::Summary {
                image: Some(outcome.image),
                build_number: None,
                deployment_id: outcome.deployment_id,
                healthy: outcome.healthy,
                stage_times: clock.times().to_vec(),
            });
        }
        Command::Run { build: args, .. } => {
            run(target, spec, &args.params(), events).await?;
        }
        Command::Rollback { .. } => {
            let outcome = clock
                .time(Stage::Rollback, rollback(target, spec, events))
                .await?;
            events.emit(PipelineEvent::Summary {
                image: Some(outcome.image),
                build_number: None,
                deployment_id: outcome.deployment_id,
                healthy: outcome.healthy,
                stage_times: clock.times().to_vec(),
            });
        }
        Command::Status { .. } => {
            let status = status(target, spec, events).await?;
            report_status(&status, events);
        }
    }
    Ok(())
}

/// The image `plan` shows without `--image`: the running one, else the
/// repository with the tag template as written.
async fn planned_image(
    target: &Target,
    spec: &PipelineSpec,
    events: &Events,
) -> Result<String, Error> {
    let running = status(target, spec, &Events::none()).await?.image;
    Ok(running.unwrap_or_else(|| {
        let tag = spec
            .build
            .tag
            .render(|p| Some(format!("{{{}}}", p.name())))
            .unwrap_or_else(|missing: Placeholder| format!("{{{}}}", missing.name()));
        events.warn(format!(
            "no running app and no --image: the plan shows the tag template ({tag})"
        ));
        format!("{}:{tag}", spec.build.image)
    }))
}

/// `status` as events: readable lines, the instance counts, a summary.
fn report_status(status: &Status, events: &Events) {
    if !status.exists {
        events.plan_line(Stage::Status, format!("{} is not deployed", status.app));
    } else {
        events.plan_line(
            Stage::Status,
            format!(
                "{} version {}",
                status.app,
                status.version.as_deref().unwrap_or("-")
            ),
        );
        if !status.deployments.is_empty() {
            events.plan_line(
                Stage::Status,
                format!("deployments in progress: {}", status.deployments.join(", ")),
            );
        }
        if let Some(hash) = &status.spec_hash {
            events.plan_line(Stage::Status, format!("spec hash {hash}"));
        }
        events.emit(PipelineEvent::InstanceCounts {
            app: status.app.clone(),
            healthy: status.healthy,
            running: status.running,
            staged: status.staged,
            target: status.instances,
        });
    }
    events.emit(PipelineEvent::Summary {
        image: status.image.clone(),
        build_number: None,
        deployment_id: status.deployments.first().cloned(),
        healthy: status.healthy,
        stage_times: Vec::new(),
    });
}
