//! Logs in to a DC/OS cluster and prints who it says you are.
//!
//! ```text
//! DCOS_URL=https://dcos.example.com DCOS_UID=alice DCOS_PASSWORD=... \
//!     cargo run --example dcos_whoami
//! cargo run --example dcos_whoami -- --url https://dcos.example.com
//! cargo run --example dcos_whoami -- --help
//! ```
//!
//! The logic lives in [`dcos_examples::whoami`].

use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    // Arguments that are not UTF-8 are kept, lossily, rather than panicking.
    let args = std::env::args_os()
        .skip(1)
        .map(|arg| arg.to_string_lossy().into_owned());
    dcos_examples::whoami::run(args, &mut std::io::stdout(), &mut std::io::stderr()).await
}
