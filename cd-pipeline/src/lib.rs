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

pub mod cluster;
pub mod error;
pub mod events;
pub mod spec;

pub use crate::cluster::{Choice, Target};
pub use crate::error::{Error, Result};
pub use crate::events::{EventStream, Events, Outcome, PipelineEvent, Stage, StageTime};
pub use crate::spec::PipelineSpec;
