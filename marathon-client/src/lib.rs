//! Typed client for the Marathon v2 REST API.
//!
//! **Status: skeleton.** This crate compiles but has no API yet; it is filled in by
//! the Marathon issue. It will hold `MarathonClient` on a shared
//! [`dcos_auth::HttpCore`], with typed handles for apps, deployments, groups, tasks,
//! the launch queue, pods, info/leader/ping/metrics, the SSE event stream with
//! reconnection, multi-host failover and deployment waiting.
