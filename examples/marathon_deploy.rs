//! Deploys an app definition file to Marathon and waits for its deployment.
//!
//! ```text
//! cargo run --example marathon_deploy -- --marathon http://marathon.example.com:8080 app.json
//! ```
//!
//! The logic lives in [`dcos_examples::marathon`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::marathon::run_deploy(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
