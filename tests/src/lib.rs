//! End-to-end tests that cross the workspace crates.
//!
//! **Status: skeleton.** The cross-crate flow tests (pipeline against `dcos-sim`)
//! arrive with the simulator and pipeline issues; they will live in `tests/tests/`.
