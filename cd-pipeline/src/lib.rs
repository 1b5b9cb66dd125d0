//! Configure, build and deploy primitives for continuous deployment on DC/OS.
//!
//! The pipeline reads a declarative [`PipelineSpec`] (`pipeline.toml`),
//! validated before any network call, resolves the cluster into a [`Target`]
//! (the Marathon, Mesos and Jenkins clients on one connection, or an embedded
//! `dcos-sim`), and reports its progress as a stream of [`PipelineEvent`]s
//! through an [`Events`] handle.
//!
//! # The primitives
//!
//! Each stage is a function usable on its own, taking the [`Target`], the
//! spec and an [`Events`] handle (the agreed signatures; see
//! `/work/notes/cd-api.md` while they are being written):
//!
//! - `configure(&target, &spec, &events) -> Result<Plan>`: the Jenkins job
//!   (`config.xml`, create or update, unchanged left alone) and the Marathon
//!   group; `plan_configure` shows the plan without writing.
//! - `build(&target, &spec, &BuildParams, &events) -> Result<BuildOutcome>`:
//!   trigger, queue, build, console, result.
//! - `deploy(&target, &spec, image, &events) -> Result<DeployOutcome>`:
//!   render, plan, capacity, apply, wait, gate, roll back on failure;
//!   `plan_deploy` shows the plan without writing.
//! - `run(&target, &spec, &BuildParams, &events)`: configure, build, deploy.
//! - `rollback(&target, &spec, &events)` and `status(&target, &spec, &events)`.
//!
//! Every primitive emits its own stage events, so a caller sees progress
//! whichever it calls. Errors carry their [`Stage`] ([`Error::stage`]) and an
//! exit code ([`Error::exit_code`]).
//!
//! # Quick start
//!
//! ```no_run
//! use cd_pipeline::{Events, PipelineSpec, Target};
//!
//! # async fn run() -> Result<(), cd_pipeline::Error> {
//! let spec = PipelineSpec::load("examples/hello-service/pipeline.toml")?;
//! let (events, mut stream) = Events::channel();
//! tokio::spawn(async move {
//!     while let Some(event) = stream.next_event().await {
//!         println!("{}", serde_json::to_string(&event).unwrap_or_default());
//!     }
//! });
//! // --cluster, the spec's [cluster], DCOS_URL, the dcos CLI, else dcos-sim.
//! let target = Target::resolve(&spec, None, &events).await?;
//! let info = target.marathon().info().await?;
//! # let _ = info;
//! target.shutdown().await;
//! # Ok(()) }
//! ```

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
pub use crate::spec::PipelineSpec;
