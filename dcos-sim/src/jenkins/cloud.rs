//! The Mesos cloud: single-use Docker-in-Docker agents launched as Mesos
//! tasks on the simulated agents, as the DC/OS package's default template
//! (label `linux`, 0.1 CPU, 512 MB, privileged DinD image).

use super::state::{Agent, JenkinsState};
use super::{AGENT_CPUS, AGENT_IMAGE, AGENT_LABEL, AGENT_MEM};
use crate::mesos::api::{LaunchError, Mesos, TaskSpec};
use crate::sim::SimState;
use crate::state::task::TaskState;

/// Whether the cloud's template serves `label` (`None`: any agent).
pub(crate) fn serves(label: Option<&str>) -> bool {
    label.is_none_or(|l| l.trim().is_empty() || l.trim() == AGENT_LABEL)
}

/// Launches one agent; returns its node name, or why it could not.
pub(crate) fn provision(sim: &SimState, state: &mut JenkinsState) -> Result<String, LaunchError> {
    let mesos = Mesos::new(sim.clone());
    let framework = match &state.framework_id {
        Some(id) => id.clone(),
        None => {
            let id = mesos.register_framework("Jenkins Scheduler", "*", "jenkins");
            state.framework_id = Some(id.clone());
            id
        }
    };
    let name = format!(
        "jenkins-agent-{AGENT_LABEL}-{}-{}-{}-{}-{}",
        state.hex(8),
        state.hex(4),
        state.hex(4),
        state.hex(4),
        state.hex(12)
    );
    let spec = TaskSpec::new(name.clone(), name.clone())
        .resources(AGENT_CPUS, AGENT_MEM, 0.0)
        .image(AGENT_IMAGE)
        .label("jenkins-label", AGENT_LABEL)
        .label("dind", "true");
    mesos.launch(&framework, spec)?;
    state.agents.insert(
        name.clone(),
        Agent {
            name: name.clone(),
            label: AGENT_LABEL.to_owned(),
            online: false,
            busy: None,
        },
    );
    Ok(name)
}

/// Kills an agent's task (single use) and removes the node.
pub(crate) fn release(sim: &SimState, state: &mut JenkinsState, name: &str) {
    if state.agents.remove(name).is_some() {
        if let Some(framework) = &state.framework_id {
            Mesos::new(sim.clone()).kill(framework, name);
        }
    }
}

/// Brings agents online when their task runs, and drops those whose task
/// ended; returns the names that vanished.
pub(crate) fn refresh(sim: &SimState, state: &mut JenkinsState) -> Vec<String> {
    let Some(framework) = state.framework_id.clone() else {
        return Vec::new();
    };
    let tasks = Mesos::new(sim.clone()).tasks();
    let mut gone = Vec::new();
    for agent in state.agents.values_mut() {
        let task = tasks
            .iter()
            .find(|t| t.framework_id == framework && t.task_id == agent.name);
        match task.map(|t| t.state) {
            Some(TaskState::Running) => agent.online = true,
            Some(s) if s.is_terminal() || s == TaskState::Unreachable => {
                gone.push(agent.name.clone())
            }
            Some(_) => {}
            None => gone.push(agent.name.clone()),
        }
    }
    for name in &gone {
        state.agents.remove(name);
    }
    gone
}
