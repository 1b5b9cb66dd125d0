//! [`Scenario`]: named presets of the fault and size knobs, for the binary's
//! `--scenario NAME` and [`SimClusterBuilder::scenario`].

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::agent_spec::AgentSpec;
use crate::builder::SimClusterBuilder;
use crate::faults::Faults;
use crate::sim::SimState;

/// How often `flaky-marathon` starts a burst, in simulated time.
pub const FLAKY_MARATHON_EVERY: Duration = Duration::from_secs(30);
/// How many requests a `flaky-marathon` burst answers with 503.
pub const FLAKY_MARATHON_BURST: u32 = 3;
/// When `leader-change` moves the Mesos leader, in simulated time.
pub const LEADER_CHANGE_AFTER: Duration = Duration::from_secs(60);
/// When `agent-loss` loses an agent, in simulated time.
pub const AGENT_LOSS_AFTER: Duration = Duration::from_secs(120);
/// How many builds `failing-builds` fails.
pub const FAILING_BUILDS: u32 = 3;
/// The token lifetime of `short-tokens`. Token expiry follows the wall
/// clock (clients check `exp` against it), so this is real time.
pub const SHORT_TOKEN_LIFETIME: Duration = Duration::from_secs(120);

/// A documented preset of the existing knobs. Size presets change the
/// builder when added (later knobs override them); fault presets are armed
/// when the cluster starts and run on the simulated clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scenario {
    /// `flaky-marathon`: every [`FLAKY_MARATHON_EVERY`] (the first at
    /// start), the next [`FLAKY_MARATHON_BURST`] requests to
    /// `/service/marathon/` get `503` from Admin Router.
    FlakyMarathon,
    /// `leader-change`: the Mesos leader moves to the other master after
    /// [`LEADER_CHANGE_AFTER`].
    LeaderChange,
    /// `failing-builds`: the first [`FAILING_BUILDS`] Jenkins builds fail.
    FailingBuilds,
    /// `never-healthy`: no Marathon instance ever becomes healthy, so
    /// deployments fail at their deadline.
    NeverHealthy,
    /// `short-tokens`: DC/OS tokens live [`SHORT_TOKEN_LIFETIME`] (real
    /// time), so clients must log in again.
    ShortTokens,
    /// `small-cluster`: a single agent of 1 cpu and 1 GiB, so capacity
    /// shortages show.
    SmallCluster,
    /// `agent-loss`: the last agent is lost after [`AGENT_LOSS_AFTER`]
    /// (its tasks go unreachable).
    AgentLoss,
}

impl Scenario {
    /// Every scenario, in the order the binary lists them.
    pub const ALL: [Scenario; 7] = [
        Scenario::FlakyMarathon,
        Scenario::LeaderChange,
        Scenario::FailingBuilds,
        Scenario::NeverHealthy,
        Scenario::ShortTokens,
        Scenario::SmallCluster,
        Scenario::AgentLoss,
    ];

    /// The name `--scenario` takes.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::FlakyMarathon => "flaky-marathon",
            Scenario::LeaderChange => "leader-change",
            Scenario::FailingBuilds => "failing-builds",
            Scenario::NeverHealthy => "never-healthy",
            Scenario::ShortTokens => "short-tokens",
            Scenario::SmallCluster => "small-cluster",
            Scenario::AgentLoss => "agent-loss",
        }
    }

    /// A one-line description, in simulated time.
    pub fn description(self) -> &'static str {
        match self {
            Scenario::FlakyMarathon => {
                "every 30 s, the next 3 requests to /service/marathon/ get 503"
            }
            Scenario::LeaderChange => "the Mesos leader moves to the other master after 60 s",
            Scenario::FailingBuilds => "the first 3 Jenkins builds fail",
            Scenario::NeverHealthy => "no Marathon instance becomes healthy; deployments fail",
            Scenario::ShortTokens => "DC/OS tokens live 120 s (real time), so clients log in again",
            Scenario::SmallCluster => "a single agent of 1 cpu and 1 GiB",
            Scenario::AgentLoss => "the last agent is lost after 120 s",
        }
    }

    /// Applies the size part of the preset to `builder`.
    pub(crate) fn configure(self, builder: SimClusterBuilder) -> SimClusterBuilder {
        match self {
            Scenario::ShortTokens => builder.token_lifetime(SHORT_TOKEN_LIFETIME),
            Scenario::SmallCluster => {
                builder.agents_like(1, AgentSpec::default().cpus(1.0).mem(1024.0))
            }
            _ => builder,
        }
    }

    /// Arms the fault part of the preset on a started cluster; `last_agent`
    /// is the id of the agent `agent-loss` loses.
    pub(crate) fn arm(self, sim: &SimState, faults: Faults, last_agent: Option<String>) {
        let clock = sim.clock.clone();
        match self {
            Scenario::FlakyMarathon => sim.mesos.spawn(async move {
                loop {
                    faults.unavailable("/service/marathon/", FLAKY_MARATHON_BURST);
                    clock.sleep(FLAKY_MARATHON_EVERY).await;
                }
            }),
            Scenario::LeaderChange => sim.mesos.spawn(async move {
                clock.sleep(LEADER_CHANGE_AFTER).await;
                faults.mesos_leader_change();
            }),
            Scenario::AgentLoss => {
                if let Some(agent) = last_agent {
                    sim.mesos.spawn(async move {
                        clock.sleep(AGENT_LOSS_AFTER).await;
                        faults.agent_lost(&agent);
                    });
                }
            }
            Scenario::FailingBuilds => faults.fail_builds(FAILING_BUILDS),
            Scenario::NeverHealthy => faults.marathon_never_healthy(true),
            Scenario::ShortTokens | Scenario::SmallCluster => {}
        }
    }
}

impl fmt::Display for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is no [`Scenario`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScenario(pub String);

impl fmt::Display for UnknownScenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<_> = Scenario::ALL.iter().map(|s| s.name()).collect();
        write!(
            f,
            "unknown scenario `{}` (known: {})",
            self.0,
            names.join(", ")
        )
    }
}

impl std::error::Error for UnknownScenario {}

impl FromStr for Scenario {
    type Err = UnknownScenario;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Scenario::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| UnknownScenario(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_back_and_unknown_ones_list_the_known() {
        for s in Scenario::ALL {
            assert_eq!(s.name().parse::<Scenario>(), Ok(s));
            assert_eq!(s.to_string(), s.name());
            assert!(!s.description().is_empty());
        }
        let err = "flaky".parse::<Scenario>().unwrap_err();
        assert_eq!(err, UnknownScenario("flaky".into()));
        assert!(err.to_string().contains("flaky-marathon, leader-change"));
    }

    #[test]
    fn size_presets_change_the_builder() {
        let b = Scenario::SmallCluster.configure(SimClusterBuilder::default());
        assert_eq!(b.agents.len(), 1);
        assert_eq!(b.agents[0].cpus_value(), 1.0);
        let b = Scenario::ShortTokens.configure(SimClusterBuilder::default());
        assert_eq!(b.token_lifetime, SHORT_TOKEN_LIFETIME);
        let b = Scenario::FlakyMarathon.configure(SimClusterBuilder::default());
        assert_eq!(b.agents.len(), 3);
    }
}
