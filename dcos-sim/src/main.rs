//! `dcos-sim`: runs a simulated DC/OS cluster in the foreground.
//!
//! ```text
//! cargo run -p dcos-sim -- --port 8080 --agents 3 --speed 10
//! cargo run -p dcos-sim -- --scenario flaky-marathon --scenario short-tokens
//! cargo run -p dcos-sim -- --scenarios
//! ```

use std::process::ExitCode;

use dcos_sim::Scenario;

const USAGE: &str = "usage: dcos-sim [--port PORT] [--agents N] [--speed X] [--seed N] [--no-auth]
                [--scenario NAME]... | --scenarios

Runs a simulated DC/OS cluster on 127.0.0.1 until Ctrl-C.
  --port PORT   the cluster URL's port (default 8080; 0 picks a free one)
  --agents N    the number of Mesos agents (default 3)
  --speed X     simulated time runs X times faster than real time (default 1)
  --seed N      the seed of every random choice (default 0)
  --no-auth     turn Admin Router's token checks off
  --scenario NAME  a preset of faults and sizes (repeatable; times are simulated)
  --scenarios   list the scenarios and exit";

/// The parsed command line.
#[derive(Debug, PartialEq)]
struct Args {
    port: u16,
    agents: usize,
    speed: f64,
    seed: u64,
    auth: bool,
    scenarios: Vec<Scenario>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
enum Command {
    /// Run a cluster.
    Run(Args),
    /// Print the usage.
    Help,
    /// List the scenarios.
    Scenarios,
}

fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut parsed = Args {
        port: 8080,
        agents: 3,
        speed: 1.0,
        seed: 0,
        auth: true,
        scenarios: Vec::new(),
    };
    let mut agents_set = false;
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
                    .map_err(|_| "--agents takes a count")?;
                agents_set = true;
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
            "--scenario" => {
                let scenario: Scenario = value("--scenario")?
                    .parse()
                    .map_err(|e: dcos_sim::UnknownScenario| e.to_string())?;
                if !parsed.scenarios.contains(&scenario) {
                    parsed.scenarios.push(scenario);
                }
            }
            "--scenarios" => return Ok(Command::Scenarios),
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if agents_set && parsed.scenarios.contains(&Scenario::SmallCluster) {
        return Err("--agents and --scenario small-cluster both set the agents".into());
    }
    Ok(Command::Run(parsed))
}

/// The `--scenarios` listing: one scenario a line.
fn scenario_list() -> String {
    Scenario::ALL
        .iter()
        .map(|s| format!("  {:<16} {}\n", s.name(), s.description()))
        .collect()
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Ok(Command::Scenarios) => {
            print!("{}", scenario_list());
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("dcos-sim: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let mut builder = dcos_sim::SimCluster::builder()
        .port(args.port)
        .agents(args.agents)
        .speed(args.speed)
        .seed(args.seed)
        .auth(args.auth);
    for scenario in &args.scenarios {
        builder = builder.scenario(*scenario);
    }
    let started = builder.start().await;
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
        cluster.mesos().agents().len(),
        args.speed,
        args.auth
    );
    for scenario in &args.scenarios {
        println!("  scenario {scenario}: {}", scenario.description());
    }
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

    fn args(list: &[&str]) -> Result<Command, String> {
        parse(list.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_parse_and_bad_ones_are_named() {
        let a = args(&["--port", "0", "--agents", "5", "--speed", "20", "--no-auth"]).unwrap();
        assert_eq!(
            a,
            Command::Run(Args {
                port: 0,
                agents: 5,
                speed: 20.0,
                seed: 0,
                auth: false,
                scenarios: Vec::new(),
            })
        );
        assert_eq!(args(&["--help"]).unwrap(), Command::Help);
        assert!(args(&["--speed", "-1"]).unwrap_err().contains("positive"));
        assert!(args(&["--port"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--bogus"]).unwrap_err().contains("--bogus"));
    }

    #[test]
    fn scenarios_repeat_and_list() {
        let Command::Run(a) = args(&[
            "--scenario",
            "flaky-marathon",
            "--scenario",
            "short-tokens",
            "--scenario",
            "flaky-marathon",
        ])
        .unwrap() else {
            panic!("not a run");
        };
        assert_eq!(
            a.scenarios,
            vec![Scenario::FlakyMarathon, Scenario::ShortTokens]
        );
        assert_eq!(args(&["--scenarios"]).unwrap(), Command::Scenarios);
        let err = args(&["--scenario", "chaos"]).unwrap_err();
        assert!(err.contains("unknown scenario `chaos`"), "{err}");
        assert!(err.contains("agent-loss"), "{err}");
        assert!(args(&["--scenario"]).unwrap_err().contains("needs a value"));
        let err = args(&["--agents", "2", "--scenario", "small-cluster"]).unwrap_err();
        assert!(err.contains("small-cluster"), "{err}");
        let list = scenario_list();
        assert_eq!(list.lines().count(), Scenario::ALL.len());
        assert!(
            list.contains("  never-healthy    no Marathon instance"),
            "{list}"
        );
    }
}
