//! `dcos-sim`: runs a simulated DC/OS cluster in the foreground.
//!
//! ```text
//! cargo run -p dcos-sim -- --port 8080 --agents 3 --speed 10
//! ```

use std::process::ExitCode;

const USAGE: &str = "usage: dcos-sim [--port PORT] [--agents N] [--speed X] [--seed N] [--no-auth]

Runs a simulated DC/OS cluster on 127.0.0.1 until Ctrl-C.
  --port PORT   the cluster URL's port (default 8080; 0 picks a free one)
  --agents N    the number of Mesos agents (default 3)
  --speed X     simulated time runs X times faster than real time (default 1)
  --seed N      the seed of every random choice (default 0)
  --no-auth     turn Admin Router's token checks off";

/// The parsed command line.
#[derive(Debug, PartialEq)]
struct Args {
    port: u16,
    agents: usize,
    speed: f64,
    seed: u64,
    auth: bool,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Option<Args>, String> {
    let mut parsed = Args {
        port: 8080,
        agents: 3,
        speed: 1.0,
        seed: 0,
        auth: true,
    };
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--port" => {
                parsed.port = value("--port")?
                    .parse()
                    .map_err(|_| "--port takes a port number")?
            }
            "--agents" => {
                parsed.agents = value("--agents")?
                    .parse()
                    .map_err(|_| "--agents takes a count")?
            }
            "--speed" => {
                parsed.speed = value("--speed")?
                    .parse()
                    .map_err(|_| "--speed takes a number")?;
                if !(parsed.speed.is_finite() && parsed.speed > 0.0) {
                    return Err("--speed must be positive".into());
                }
            }
            "--seed" => {
                parsed.seed = value("--seed")?
                    .parse()
                    .map_err(|_| "--seed takes a number")?
            }
            "--no-auth" => parsed.auth = false,
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(parsed))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("dcos-sim: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let started = dcos_sim::SimCluster::builder()
        .port(args.port)
        .agents(args.agents)
        .speed(args.speed)
        .seed(args.seed)
        .auth(args.auth)
        .start()
        .await;
    let cluster = match started {
        Ok(cluster) => cluster,
        Err(e) => {
            let cause = std::error::Error::source(&e)
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            eprintln!("dcos-sim: {e}{cause}");
            return ExitCode::FAILURE;
        }
    };
    let su = cluster.superuser();
    println!("dcos-sim: a simulated DC/OS cluster at {}", cluster.url());
    println!(
        "  agents: {}, speed: {}x, auth: {}",
        args.agents, args.speed, args.auth
    );
    println!("  superuser: {} / {}", su.uid, su.password);
    println!("  second Mesos master: {}", cluster.second_master_url());
    let jenkins = cluster.jenkins();
    println!(
        "  Jenkins: {} (Admin Router) or {} as {} with password {} or API token {}",
        jenkins.service_url(),
        jenkins.url(),
        jenkins.user(),
        jenkins.password(),
        jenkins.api_token()
    );
    println!("  service-account credential (DCOS_SERVICE_ACCOUNT_CREDENTIAL, simulator-only key):");
    println!("{}", cluster.service_account().credential_json());
    println!("For the examples and the dcos-cd pipeline:");
    println!(
        "  export DCOS_URL={} DCOS_UID={} DCOS_PASSWORD={}",
        cluster.url(),
        su.uid,
        su.password
    );
    println!(
        "  or DCOS_SERVICE_ACCOUNT_CREDENTIAL='{}'",
        cluster.service_account().credential_json()
    );
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    cluster.shutdown().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Option<Args>, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_parse_and_bad_ones_are_named() {
        let a = args(&["--port", "0", "--agents", "5", "--speed", "20", "--no-auth"])
            .unwrap()
            .unwrap();
        assert_eq!(
            a,
            Args {
                port: 0,
                agents: 5,
                speed: 20.0,
                seed: 0,
                auth: false
            }
        );
        assert_eq!(args(&["--help"]).unwrap(), None);
        assert!(args(&["--speed", "-1"]).unwrap_err().contains("positive"));
        assert!(args(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--bogus"]).unwrap_err().contains("--bogus"));
    }
}
