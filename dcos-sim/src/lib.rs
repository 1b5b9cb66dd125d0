//! A stateful simulated DC/OS cluster (IAM, Marathon, Mesos master, Jenkins) served
//! over real HTTP on loopback.
//!
//! **Status: skeleton.** This crate compiles but simulates nothing yet; it is filled
//! in by the simulator issue. Until then, tests use wiremock.
