//! Configure, build and deploy primitives for continuous deployment on DC/OS.
//!
//! The pipeline reads a declarative [`PipelineSpec`] (`pipeline.toml`),
//! validated before any network call, resolves the cluster into a [`Target`]
//! (the Marathon, Mesos and Jenkins clients on one connection, or an embedded
//! `dcos-sim`), and reports its progress as a stream of [`PipelineEvent`]s
//! through an [`Events`] handle.
//!
//! # Quick start
//!
//! Embed the whole pipeline in your own automation:
//!
//! ```no_run
//! use cd_pipeline::report::{Human, drive};
//! use cd_pipeline::{BuildParams, Events, PipelineSpec, Target};
//!
//! # async fn embed() -> Result<(), cd_pipeline::Error> {
//! // Validated before any network call; errors name the file, line and field.
//! let spec = PipelineSpec::load("examples/hello-service/pipeline.toml")?;
//!
//! // Progress as a stream of events; here rendered for people.
//! let (events, stream) = Events::channel();
//! let reporter = tokio::spawn(async move { drive(stream, &mut Human::stdout()).await });
//!
//! // --cluster, the spec's [cluster], DCOS_URL, the dcos CLI, else dcos-sim.
//! let target = Target::resolve(&spec, None, &events).await?;
//! let params = BuildParams::default().git_sha("4f2c1e9");
//! let outcome = cd_pipeline::run(&target, &spec, &params, &events).await?;
//! println!("{} is live, build #{}", outcome.deploy.image, outcome.build.build_number);
//!
//! drop(events); // the stream ends when every handle is gone
//! let _ = reporter.await;
//! target.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Or one stage at a time, reading the events yourself:
//!
//! ```no_run
//! use cd_pipeline::{Events, PipelineEvent, PipelineSpec, Target};
//!
//! # async fn one_stage() -> Result<(), cd_pipeline::Error> {
//! let spec = PipelineSpec::load("pipeline.toml")?;
//! let (events, mut stream) = Events::channel();
//! tokio::spawn(async move {
//!     while let Some(event) = stream.next_event().await {
//!         if let PipelineEvent::GateResult { gate, passed, .. } = &event {
//!             eprintln!("gate {gate}: {passed}");
//!         }
//!     }
//! });
//! let target = Target::resolve(&spec, Some("https://dcos.example.com"), &events).await?;
//! let plan = cd_pipeline::plan_deploy(&target, &spec, "registry.example.com/hello:1.2", &events).await?;
//! if !plan.is_noop() {
//!     let outcome = cd_pipeline::deploy(&target, &spec, "registry.example.com/hello:1.2", &events).await?;
//!     println!("{} healthy", outcome.healthy);
//! }
//! # Ok(()) }
//! ```
//!
//! # The primitives
//!
//! Each stage is a function usable on its own, taking the [`Target`], the
//! spec and an [`Events`] handle:
//!
//! - [`configure`](configure())`(&target, &spec, &events) -> Result<Plan>`: the Jenkins
//!   job (`config.xml`, create or update, unchanged left alone) and the
//!   Marathon group; [`plan_configure`] shows the plan without writing.
//! - [`build`](build())`(&target, &spec, &BuildParams, &events) -> Result<BuildOutcome>`:
//!   trigger, queue, build, console, result.
//! - [`deploy`](deploy())`(&target, &spec, image, &events) -> Result<DeployOutcome>`:
//!   render, plan, capacity, apply, wait, gate, roll back on failure;
//!   [`plan_deploy`] shows the plan without writing.
//! - [`run`](run())`(&target, &spec, &BuildParams, &events)`: configure,
//!   build, deploy, and a summary.
//! - [`rollback`](rollback())`(&target, &spec, &events)` and [`status`](status())`(&target, &spec, &events)`.
//!
//! Every primitive emits its own stage events, so a caller sees progress
//! whichever it calls. Errors carry their [`Stage`] ([`Error::stage`]) and an
//! exit code ([`Error::exit_code`]): 1 for a failed pipeline, 2 for a bad
//! spec or usage.
//!
//! # The `dcos-cd` program
//!
//! ```text
//! cargo run -p cd-pipeline --bin dcos-cd -- run examples/hello-service/pipeline.toml
//! dcos-cd plan|configure|build|deploy --image IMAGE|run|rollback|status SPEC
//!         [--cluster URL] [--output human|json] [--force] [--sim-speed X]
//! ```
//!
//! `--output json` prints one [`PipelineEvent`] per line (`{"event":"stage_started",…}`),
//! ending with a `summary` or a `failed` event.

pub mod build;
pub mod capacity;
pub mod cluster;
pub mod configure;
pub mod deploy;
pub mod error;
pub mod events;
pub mod plan;
pub mod render;
pub mod report;
pub mod rollback;
pub mod run;
pub mod spec;
pub mod status;
pub mod strategy;

pub use crate::build::{BuildOutcome, BuildParams, build};
pub use crate::cluster::{Choice, Target};
pub use crate::configure::{configure, plan_configure};
pub use crate::deploy::{DeployOutcome, Status, deploy, plan_deploy, rollback, status};
pub use crate::error::{Error, Result};
pub use crate::events::{EventStream, Events, Outcome, PipelineEvent, Stage, StageTime};
pub use crate::plan::Plan;
pub use crate::run::{RunOutcome, run};
pub use crate::spec::PipelineSpec;
