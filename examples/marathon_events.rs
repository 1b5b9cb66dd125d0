//! Tails Marathon's event stream, reconnecting on its own.
//!
//! ```text
//! cargo run --example marathon_events -- --marathon http://marathon.example.com:8080
//! cargo run --example marathon_events -- deployment_success deployment_failed
//! ```
//!
//! The logic lives in [`dcos_examples::marathon`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::marathon::run_events(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
