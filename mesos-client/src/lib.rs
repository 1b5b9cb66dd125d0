//! Typed client for the Mesos v1 operator and scheduler HTTP APIs.
//!
//! **Status: skeleton.** This crate compiles but has no API yet; it is filled in by
//! the Mesos issue. It will hold `MesosClient` on a shared [`dcos_auth::HttpCore`],
//! with the v1 operator calls, the scheduler API, RecordIO stream decoding,
//! leader following and typed resources.
//!
//! Already here: the resource models and their math ([`resources`]) and the
//! Docker-in-Docker build-agent containers with the `docker.sock` check
//! ([`docker`]).

pub mod docker;
pub mod resources;
