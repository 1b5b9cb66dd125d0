//! Typed client for the Mesos v1 operator and scheduler HTTP APIs.
//!
//! **Status: foundations only.** There is no `MesosClient` yet. What exists
//! now:
//!
//! - [`recordio`]: the RecordIO codec of every Mesos stream
//!   ([`RecordIoCodec`], a `tokio_util` decoder and encoder with a record
//!   cap), and [`RecordStream`], which frames a [`dcos_auth::ByteStream`] and
//!   decodes each record as JSON;
//! - [`dialect`]: field types for the Mesos JSON dialect (64-bit integers as
//!   numbers or strings, base64 `bytes`, doubles that may be `"Infinity"`,
//!   `DurationInfo`, `TimeInfo` and `google.protobuf.Duration`), usable in
//!   [`dcos_auth::json_model!`] structs;
//! - [`Error`], with the Mesos answers named (no leader, not subscribed, bad
//!   stream id, framework removed, subscription ended) and
//!   [`Error::from_http`] to name them;
//! - [`resources`]: the resource models and their math (fixed-point scalars,
//!   ranges, sets, reservations, offer fitting, a capacity summary);
//! - [`docker`]: `TaskInfo`/`ContainerInfo` builders, the Docker-in-Docker
//!   build-agent container and the `docker.sock` check.
//!
//! Still to come: `MesosClient` on a shared [`dcos_auth::HttpCore`], the
//! operator and scheduler models, the v1 operator calls on master and agent,
//! the scheduler API with its subscription, heartbeats and resubscription,
//! leader following and the legacy endpoints.
//!
//! # Quick start
//!
//! Decoding a Mesos event stream from any body of byte chunks:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use bytes::Bytes;
//! use futures_util::{StreamExt, stream};
//! use mesos_client::recordio::RecordStream;
//!
//! let body = stream::iter([Ok::<_, dcos_auth::Error>(Bytes::from_static(
//!     b"20\n{\"type\":\"HEARTBEAT\"}",
//! ))]);
//! let mut events = RecordStream::<serde_json::Value, _>::new(body);
//! # let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! # rt.block_on(async {
//! while let Some(event) = events.next().await {
//!     println!("{}", event?["type"]);
//! }
//! # Ok::<_, mesos_client::Error>(()) })?;
//! # Ok(()) }
//! ```

pub mod dialect;
pub mod docker;
mod error;
pub mod recordio;
pub mod resources;

pub use crate::error::{Error, Result};
pub use crate::recordio::{RecordIoCodec, RecordIoError, RecordStream};
