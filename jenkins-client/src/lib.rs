//! Typed client for the Jenkins remote access API.
//!
//! **Status: skeleton.** This crate compiles but has no API yet; it is filled in by
//! the Jenkins issue. It will hold `JenkinsClient` on a shared [`dcos_auth::HttpCore`],
//! with jobs and folders, `config.xml`, builds with parameters, the queue,
//! progressive console output and CSRF crumbs.

pub mod config_xml;
