//! `Offer` and `Attribute` (`mesos.proto`): what a scheduler is offered.

use dcos_auth::json_model;

use super::ids::{AgentId, ExecutorId, FrameworkId, OfferId};
use super::resource::{AllocationInfo, Resource};
use super::value::{ValueRanges, ValueScalar, ValueSet, ValueText, ValueType};

json_model! {
    /// An agent attribute (`Attribute`), such as `os: ubuntu16.04` or `rack: r1`.
    pub struct Attribute {
        /// The attribute's name.
        "name" name: String,
        /// Which value field holds the value.
        "type" kind: Option<ValueType>,
        /// The value, for `SCALAR`.
        "scalar" scalar: Option<ValueScalar>,
        /// The value, for `RANGES`.
        "ranges" ranges: Option<ValueRanges>,
        /// The value, for `SET`.
        "set" set: Option<ValueSet>,
        /// The value, for `TEXT`.
        "text" text: Option<ValueText>,
    }
}

json_model! {
    /// Resources on one agent offered to one framework (`Offer`).
    ///
    /// Resources not used by an ACCEPT are declined; an offer can be rescinded
    /// at any time. With MULTI_ROLE, `allocation_info` names the role the
    /// offer is for, and each resource carries it too.
    pub struct Offer {
        /// The offer's ID; usable in one call only.
        "id" id: OfferId,
        /// The framework the offer is for.
        "framework_id" framework_id: FrameworkId,
        /// The agent the resources are on.
        "agent_id" agent_id: AgentId,
        /// The agent's hostname.
        "hostname" hostname: String,
        /// The agent's URL (`URL` message), as sent.
        "url" url: Option<serde_json::Value>,
        /// The agent's fault domain (`DomainInfo`), as sent.
        "domain" domain: Option<serde_json::Value>,
        /// The offered resources.
        "resources" resources: Vec<Resource>,
        /// The agent's attributes.
        "attributes" attributes: Vec<Attribute>,
        /// Executors of this framework already running on the agent.
        "executor_ids" executor_ids: Vec<ExecutorId>,
        /// Planned unavailability (`Unavailability`), as sent.
        "unavailability" unavailability: Option<serde_json::Value>,
        /// The role the offer is allocated to (MULTI_ROLE).
        "allocation_info" allocation_info: Option<AllocationInfo>,
    }
}

impl Attribute {
    /// The value as text, whatever its type: the text, the number, `[a-b,…]`
    /// or `{a,b}`, as constraints compare it.
    pub fn value_string(&self) -> Option<String> {
        if let Some(text) = &self.text {
            return Some(text.value.clone());
        }
        if let Some(scalar) = &self.scalar {
            return Some(super::Scalar::from_f64(scalar.value).to_string());
        }
        if let Some(ranges) = &self.ranges {
            return Some(super::Ranges::from(ranges).to_string());
        }
        self.set
            .as_ref()
            .map(|set| format!("{{{}}}", set.item.join(",")))
    }
}
