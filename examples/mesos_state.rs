//! Prints a Mesos cluster summary: agents, resources by role, frameworks and
//! tasks by state.
//!
//! ```text
//! cargo run --example mesos_state -- --master http://master.example.com:5050
//! DCOS_URL=https://dcos.example.com DCOS_ACS_TOKEN=... cargo run --example mesos_state
//! ```
//!
//! The logic lives in [`dcos_examples::mesos`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::mesos::run_state(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
