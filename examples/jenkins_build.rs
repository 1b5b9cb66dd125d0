//! Triggers a Jenkins job with parameters, follows its console to stdout
//! until the build ends, and exits 0 on SUCCESS and 1 otherwise.
//!
//! ```text
//! cargo run --example jenkins_build -- --jenkins https://jenkins.example.com \
//!     --user ci --token 11aa22bb33cc team/app TAG=1.2.3
//! cargo run --example jenkins_build -- team/app TAG=1.2.3   # DCOS_URL: <cluster>/service/jenkins/
//! ```
//!
//! The logic lives in [`dcos_examples::jenkins`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::jenkins::run_build(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
