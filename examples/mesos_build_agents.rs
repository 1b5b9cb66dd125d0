//! A small Mesos framework running Docker-in-Docker build agents: it
//! subscribes, launches N agents from offers, declines the rest, acknowledges
//! updates, suppresses offers when done, then kills its tasks and tears down.
//!
//! ```text
//! cargo run --example mesos_build_agents -- --master http://master.example.com:5050 --agents 3
//! DCOS_URL=https://dcos.example.com DCOS_ACS_TOKEN=... cargo run --example mesos_build_agents
//! ```
//!
//! The logic lives in [`dcos_examples::mesos_agents`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::mesos_agents::run(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
