//! Typed client for the Mesos v1 operator and scheduler HTTP APIs.
//!
//! **Status: skeleton.** This crate compiles but has no API yet; it is filled in by
//! the Mesos issue. It will hold `MesosClient` on a shared [`dcos_auth::HttpCore`],
//! with the v1 operator calls, the scheduler API, RecordIO stream decoding,
//! leader following and typed resources.
