//! Configure, build and deploy primitives for continuous deployment on DC/OS.
//!
//! **Status: skeleton.** This crate compiles but has no API yet; it is filled in by
//! the pipeline issue. It will compose the Marathon, Mesos and Jenkins clients
//! into resumable configure, build and deploy steps, deployment strategies and the
//! `dcos-cd` command-line program.
