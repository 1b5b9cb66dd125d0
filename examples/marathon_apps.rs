//! Lists Marathon apps with instances, healthy count, version and image.
//!
//! ```text
//! cargo run --example marathon_apps -- --marathon http://marathon.example.com:8080
//! DCOS_URL=https://dcos.example.com DCOS_ACS_TOKEN=... cargo run --example marathon_apps
//! ```
//!
//! The logic lives in [`dcos_examples::marathon`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::marathon::run_apps(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
