//! A cluster capacity summary: total, used, free and reserved, by role.

use std::collections::BTreeMap;

use super::collection::Resources;
use super::error::ResourceError;
use super::resource::Resource;

/// One agent's resources, the input of [`summarize`].
///
/// Fill it from the operator API:
/// - GET_AGENTS: `get_agents.agents[]`, with `total` from `total_resources`,
///   `allocated` from `allocated_resources` and `offered` from
///   `offered_resources`; `agent_id` and `hostname` from `agent_info`.
/// - GET_STATE: the same agents, under `get_state.get_agents.agents[]`.
///
/// `allocated` is what tasks and executors hold; it carries
/// `allocation_info`, which the summary strips so it compares with the total.
/// Legacy `/master/state` flat maps can be read with
/// [`Resources::from_legacy_map`] and turned into a list with
/// [`Resources::to_vec`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AgentResources {
    /// The agent's ID.
    pub agent_id: String,
    /// The agent's hostname.
    pub hostname: String,
    /// Everything the agent has, reserved or not.
    pub total: Vec<Resource>,
    /// What tasks and executors on the agent hold.
    pub allocated: Vec<Resource>,
    /// What is currently offered to frameworks.
    pub offered: Vec<Resource>,
}

impl AgentResources {
    /// An agent with `total` resources and nothing allocated or offered.
    pub fn new(
        agent_id: impl Into<String>,
        hostname: impl Into<String>,
        total: Vec<Resource>,
    ) -> Self {
        AgentResources {
            agent_id: agent_id.into(),
            hostname: hostname.into(),
            total,
            ..AgentResources::default()
        }
    }

    /// Also `allocated` resources.
    #[must_use]
    pub fn with_allocated(mut self, allocated: Vec<Resource>) -> Self {
        self.allocated = allocated;
        self
    }

    /// Also `offered` resources.
    #[must_use]
    pub fn with_offered(mut self, offered: Vec<Resource>) -> Self {
        self.offered = offered;
        self
    }
}

/// One agent in a [`CapacitySummary`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AgentCapacity {
    /// The agent's ID.
    pub agent_id: String,
    /// The agent's hostname.
    pub hostname: String,
    /// Everything the agent has.
    pub total: Resources,
    /// What tasks and executors hold, without allocation roles.
    pub used: Resources,
    /// `total - used`, never below zero.
    pub free: Resources,
}

/// Cluster capacity: total, used, free and reserved, by role.
///
/// All collections are without `allocation_info` but keep reservations, so
/// `total.reserved_for("ops")` and `reserved_by_role` still work. Read a
/// number with [`Resources::scalar`] (`cpus`, `mem`, `disk`, `gpus`) or
/// [`Resources::ranges`] (`ports`).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct CapacitySummary {
    /// How many agents were summed.
    pub agents: usize,
    /// Everything the agents have.
    pub total: Resources,
    /// What tasks and executors hold.
    pub used: Resources,
    /// What is offered to frameworks right now (part of `free`).
    pub offered: Resources,
    /// `total - used` per agent, never below zero; includes what is offered.
    pub free: Resources,
    /// The total by reservation role; unreserved resources are under `"*"`.
    pub reserved_by_role: BTreeMap<String, Resources>,
    /// What is used, by the role it is allocated to (`""` when unknown).
    pub used_by_role: BTreeMap<String, Resources>,
    /// Each agent.
    pub per_agent: Vec<AgentCapacity>,
    /// Resources left out because they are malformed, with their agent's ID.
    pub skipped: Vec<(String, ResourceError)>,
}

/// Sums the resources of `agents` into a [`CapacitySummary`].
///
/// Free is computed per agent (resources on different agents are not
/// interchangeable for one task) and then summed. A malformed resource is
/// left out and listed in [`CapacitySummary::skipped`] rather than failing
/// the whole summary.
pub fn summarize(agents: &[AgentResources]) -> CapacitySummary {
    let mut out = CapacitySummary {
        agents: agents.len(),
        ..CapacitySummary::default()
    };
    for agent in agents {
        let mut read = |list: &[Resource]| {
            let mut resources = Resources::new();
            for resource in list {
                if let Err(err) = resources.push(resource) {
                    out.skipped.push((agent.agent_id.clone(), err));
                }
            }
            resources
        };
        let total = read(&agent.total).unallocated();
        let allocated = read(&agent.allocated);
        let offered = read(&agent.offered).unallocated();
        for (role, used) in allocated.by_allocation_role() {
            *out.used_by_role.entry(role).or_default() += &used.unallocated();
        }
        let used = allocated.unallocated();
        let free = total.saturating_sub(&used);
        out.total += &total;
        out.used += &used;
        out.offered += &offered;
        out.free += &free;
        out.per_agent.push(AgentCapacity {
            agent_id: agent.agent_id.clone(),
            hostname: agent.hostname.clone(),
            total,
            used,
            free,
        });
    }
    out.reserved_by_role = out.total.by_reservation_role();
    out
}
