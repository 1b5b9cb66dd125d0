//! The queue: quiet periods, waiting for an executor, provisioning Mesos
//! agents, starting builds, cancelling, and forgetting left items.

use std::time::Duration;

use super::AGENT_LABEL;
use super::cloud;
use super::config::Kind;
use super::runner;
use super::state::{Build, JenkinsState, ParamValue, QueueItem, Stage, Task};
use crate::sim::SimState;

/// How long a left item stays visible (simulated), as `Queue.leftItems`.
pub(crate) const LEFT_ITEM_LIFETIME_MS: i64 = 5 * 60 * 1000;

/// The default quiet period, in seconds (Jenkins's default).
pub(crate) const DEFAULT_QUIET_PERIOD: u64 = 5;

/// Simulated Unix milliseconds now.
pub(crate) fn now_ms(sim: &SimState) -> i64 {
    sim.clock.unix_nanos() / 1_000_000
}

/// Runs the scheduler every simulated second and whenever woken.
pub(crate) fn start(sim: &SimState) {
    let sim = sim.clone();
    let master = sim.mesos.clone();
    master.spawn(async move {
        loop {
            // Every simulated second, but never more often than every 5 ms.
            let tick = sim
                .clock
                .real(Duration::from_secs(1))
                .max(Duration::from_millis(5));
            tokio::select! {
                _ = sim.jenkins.wake.notified() => {}
                _ = tokio::time::sleep(tick) => {}
            }
            self::tick(&sim);
        }
    });
}

/// Why a build could not be scheduled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TriggerError {
    /// No such job.
    NotFound,
    /// A folder, or disabled.
    NotBuildable,
}

/// Schedules a build; returns the queue item id (an identical waiting item
/// is reused, as Jenkins merges identical triggers).
pub(crate) fn trigger(
    sim: &SimState,
    full: &str,
    given: &[(String, String)],
    delay: Option<u64>,
    user: &str,
) -> Result<u64, TriggerError> {
    let now = now_ms(sim);
    let id = {
        let mut state = sim.jenkins.lock();
        let item = state.items.get(full).ok_or(TriggerError::NotFound)?;
        if !item.buildable() {
            return Err(TriggerError::NotBuildable);
        }
        let params = item.param_values(given);
        let quiet = delay
            .or(item.config.quiet_period)
            .unwrap_or(DEFAULT_QUIET_PERIOD);
        let task = Task::Job(full.to_owned());
        let quiet_ms = i64::try_from(quiet.saturating_mul(1000)).unwrap_or(i64::MAX);
        // An identical trigger joins the item, moving its quiet period up
        // when the new one ends sooner.
        if let Some(existing) = state.queue.values_mut().find(|q| {
            q.task == task && q.params == params && !matches!(q.stage, Stage::Left { .. })
        }) {
            if existing.stage == Stage::Waiting {
                existing.quiet_until_ms = existing.quiet_until_ms.min(now.saturating_add(quiet_ms));
            }
            let id = existing.id;
            drop(state);
            sim.jenkins.wake.notify_one();
            return Ok(id);
        }
        let id = state.next_queue_id;
        state.next_queue_id += 1;
        state.queue.insert(
            id,
            QueueItem {
                id,
                task,
                params,
                user: user.to_owned(),
                in_queue_since_ms: now,
                quiet_until_ms: now.saturating_add(quiet_ms),
                stage: Stage::Waiting,
                agent: None,
                why: Some(format!("In the quiet period. Expires in {quiet} sec")),
                stuck: false,
            },
        );
        id
    };
    sim.jenkins.wake.notify_one();
    Ok(id)
}

/// Cancels a queue item still waiting; false if there is none.
pub(crate) fn cancel(sim: &SimState, id: u64) -> bool {
    let now = now_ms(sim);
    let mut state = sim.jenkins.lock();
    let agent = match state.queue.get_mut(&id) {
        Some(q) if !matches!(q.stage, Stage::Left { .. }) => {
            q.stage = Stage::Left {
                left_ms: now,
                executable: None,
                cancelled: true,
            };
            q.why = None;
            q.agent.take()
        }
        _ => return false,
    };
    if let Some(agent) = agent {
        cloud::release(sim, &mut state, &agent);
    }
    true
}

/// A Pipeline `node` block asks for an agent: a placeholder queue item.
pub(crate) fn request_node(
    sim: &SimState,
    job: &str,
    number: u64,
    label: Option<String>,
    params: Vec<ParamValue>,
    user: &str,
) -> u64 {
    let now = now_ms(sim);
    let id = {
        let mut state = sim.jenkins.lock();
        let id = state.next_queue_id;
        state.next_queue_id += 1;
        state.queue.insert(
            id,
            QueueItem {
                id,
                task: Task::Placeholder {
                    job: job.to_owned(),
                    number,
                    label,
                },
                params,
                user: user.to_owned(),
                in_queue_since_ms: now,
                quiet_until_ms: now,
                stage: Stage::Buildable { since_ms: now },
                agent: None,
                why: Some(format!(
                    "Waiting for next available executor on ‘{AGENT_LABEL}’"
                )),
                stuck: false,
            },
        );
        id
    };
    tick(sim);
    id
}

/// What a `node` block's placeholder item has become.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeWait {
    /// Still in the queue, with its `why`.
    Waiting(Option<String>),
    /// Running on this agent.
    Assigned(String),
    /// Cancelled from the queue.
    Cancelled,
}

/// Where placeholder item `id` is.
pub(crate) fn node_wait(sim: &SimState, id: u64) -> NodeWait {
    let state = sim.jenkins.lock();
    match state.queue.get(&id) {
        Some(QueueItem {
            stage:
                Stage::Left {
                    executable: Some(_),
                    ..
                },
            agent: Some(agent),
            ..
        }) => NodeWait::Assigned(agent.clone()),
        Some(QueueItem {
            stage: Stage::Left { .. },
            ..
        })
        | None => NodeWait::Cancelled,
        Some(q) => NodeWait::Waiting(q.why.clone()),
    }
}

fn new_build(
    state: &mut JenkinsState,
    full: &str,
    q: &QueueItem,
    now: i64,
    node: Option<String>,
) -> Option<u64> {
    let item = state.items.get_mut(full)?;
    let number = item.next_build;
    item.next_build += 1;
    item.builds.insert(
        number,
        Build {
            number,
            queue_id: q.id,
            params: q.params.clone(),
            user: q.user.clone(),
            timestamp_ms: now,
            queued_ms: q.in_queue_since_ms,
            duration_ms: 0,
            result: None,
            building: true,
            log: String::new(),
            stages: Vec::new(),
            node,
            abort_requested: false,
        },
    );
    Some(number)
}

/// One pass of the scheduler.
pub(crate) fn tick(sim: &SimState) {
    let now = now_ms(sim);
    let mut started = Vec::new();
    {
        let mut state = sim.jenkins.lock();
        let gone = cloud::refresh(sim, &mut state);
        for q in state.queue.values_mut() {
            if q.agent.as_ref().is_some_and(|a| gone.contains(a))
                && !matches!(q.stage, Stage::Left { .. })
            {
                q.agent = None;
            }
        }
        state.queue.retain(|_, q| match q.stage {
            Stage::Left { left_ms, .. } => now - left_ms < LEFT_ITEM_LIFETIME_MS,
            _ => true,
        });
        let ids: Vec<u64> = state.queue.keys().copied().collect();
        for id in ids {
            let Some(mut q) = state.queue.get(&id).cloned() else {
                continue;
            };
            if q.stage == Stage::Waiting {
                if now < q.quiet_until_ms {
                    let left = (q.quiet_until_ms - now) as f64 / 1000.0;
                    q.why = Some(format!("In the quiet period. Expires in {left:.1} sec"));
                    state.queue.insert(id, q);
                    continue;
                }
                q.stage = Stage::Buildable { since_ms: now };
                q.why = Some(format!(
                    "Waiting for next available executor on ‘{AGENT_LABEL}’"
                ));
            }
            if !matches!(q.stage, Stage::Buildable { .. }) {
                continue;
            }
            let (job, label, kind) = match &q.task {
                Task::Job(full) => match state.items.get(full) {
                    Some(item) => (full.clone(), item.config.label.clone(), item.config.kind),
                    None => {
                        q.stage = Stage::Left {
                            left_ms: now,
                            executable: None,
                            cancelled: true,
                        };
                        if let Some(agent) = q.agent.take() {
                            cloud::release(sim, &mut state, &agent);
                        }
                        state.queue.insert(id, q);
                        continue;
                    }
                },
                Task::Placeholder { job, label, .. } => {
                    (job.clone(), label.clone(), Kind::Freestyle)
                }
            };
            if let (Task::Job(_), Kind::Pipeline) = (&q.task, kind) {
                // Pipelines start at once on a flyweight executor; their
                // `node` blocks queue for agents.
                if let Some(number) = new_build(&mut state, &job, &q, now, None) {
                    q.stage = Stage::Left {
                        left_ms: now,
                        executable: Some(number),
                        cancelled: false,
                    };
                    q.why = None;
                    started.push((job, number));
                }
                state.queue.insert(id, q);
                continue;
            }
            if !cloud::serves(label.as_deref()) {
                q.why = Some(format!(
                    "There are no nodes with the label ‘{}’",
                    label.unwrap_or_default()
                ));
                q.stuck = true;
                state.queue.insert(id, q);
                continue;
            }
            match q.agent.clone() {
                None => {
                    if let Ok(name) = cloud::provision(sim, &mut state) {
                        q.agent = Some(name);
                    }
                    q.why = Some(format!(
                        "Waiting for next available executor on ‘{AGENT_LABEL}’"
                    ));
                }
                Some(name) => {
                    let online = state
                        .agents
                        .get(&name)
                        .is_some_and(|a| a.online && a.busy.is_none());
                    if online {
                        let number = match &q.task {
                            Task::Job(full) => {
                                let n = new_build(&mut state, full, &q, now, Some(name.clone()));
                                if let Some(n) = n {
                                    started.push((full.clone(), n));
                                }
                                n
                            }
                            Task::Placeholder { number, .. } => Some(*number),
                        };
                        if let (Some(agent), Some(n)) = (state.agents.get_mut(&name), number) {
                            agent.busy = Some((job.clone(), n));
                        }
                        q.stage = Stage::Left {
                            left_ms: now,
                            executable: number,
                            cancelled: false,
                        };
                        q.why = None;
                    } else {
                        q.why = Some(format!(
                            "Waiting for next available executor on ‘{AGENT_LABEL}’"
                        ));
                    }
                }
            }
            state.queue.insert(id, q);
        }
    }
    for (job, number) in started {
        runner::spawn(sim, job, number);
    }
}
