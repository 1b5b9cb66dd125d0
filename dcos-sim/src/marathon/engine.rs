//! The engine that moves Marathon on the clock: it launches and kills
//! instances as Mesos tasks (through the crate's [`Mesos`] API), decides
//! health, advances deployments step by step by the upgrade strategy,
//! fails them past their deadline, and turns Mesos task updates into
//! Marathon events.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use super::app;
use super::deployment::ActionKind;
use super::state::{AppRecord, Instance, MarathonState, Service, Settings};
use crate::mesos::api::{LaunchError, Mesos, TaskSpec};
use crate::registry::Registry;
use crate::sim::SimState;
use crate::state::task::TaskState;
use crate::state::{Source, TaskUpdate};

/// How often the engine looks at the state when nothing wakes it
/// (simulated).
const TICK: Duration = Duration::from_millis(500);

/// Marathon's Mesos framework id, registering the framework on first use
/// (Marathon registers as it starts; the simulator waits until Marathon is
/// used, so a cluster that runs no app shows no Marathon framework).
pub(crate) fn framework_id(sim: &SimState) -> &str {
    sim.marathon.framework_id.get_or_init(|| {
        Mesos::new(Arc::clone(sim)).register_framework("marathon", "*", "dcos_marathon")
    })
}

/// Starts the engine and the Mesos update listener.
/// Registers Marathon's framework with Mesos now, as Marathon does when it
/// starts (otherwise it registers on first use).
pub(crate) fn register(sim: &SimState) {
    let _ = framework_id(sim);
}

pub(crate) fn start(sim: &SimState) {
    let updates = Mesos::new(Arc::clone(sim)).task_updates();
    let engine = Arc::clone(sim);
    sim.mesos.spawn(async move {
        // At high speeds the tick is at least 5 ms of real time: the engine
        // is also woken by every change, so only timers wait for it.
        let tick = engine.clock.real(TICK).max(Duration::from_millis(5));
        loop {
            run_once(&engine);
            tokio::select! {
                _ = engine.marathon.wake.notified() => {}
                _ = tokio::time::sleep(tick) => {}
            }
        }
    });
    let listener = Arc::clone(sim);
    sim.mesos.spawn(listen(listener, updates));
}

/// Applies Mesos task updates of Marathon's tasks.
async fn listen(sim: SimState, mut updates: broadcast::Receiver<TaskUpdate>) {
    loop {
        match updates.recv().await {
            Ok(update) => {
                if update.framework_id == sim.marathon.framework() {
                    on_update(&sim.marathon, &update);
                }
            }
            Err(broadcast::error::RecvError::Lagged(_)) => {}
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Marathon's `condition` for a Mesos state.
pub(crate) fn condition(state: TaskState) -> &'static str {
    match state {
        TaskState::Staging => "Staging",
        TaskState::Starting => "Starting",
        TaskState::Running => "Running",
        TaskState::Killing => "Killing",
        TaskState::Finished => "Finished",
        TaskState::Failed => "Failed",
        TaskState::Killed => "Killed",
        TaskState::Error => "Error",
        TaskState::Lost | TaskState::Unreachable => "Unreachable",
        TaskState::Dropped => "Dropped",
        _ => "Unknown",
    }
}

fn on_update(service: &Service, update: &TaskUpdate) {
    let mut st = service.lock();
    let found = st.apps.iter().find_map(|(id, record)| {
        record
            .instances
            .iter()
            .position(|i| i.task_id == update.task_id)
            .map(|index| (id.clone(), index))
    });
    let Some((app_id, index)) = found else {
        return;
    };
    let elapsed = st.clock.elapsed();
    let now = st.now();
    let Some(record) = st.apps.get_mut(&app_id) else {
        return;
    };
    let instance = &mut record.instances[index];
    instance.state = update.state;
    if update.state == TaskState::Running && instance.started_at.is_none() {
        instance.started_at = Some(now.clone());
        instance.running_since = Some(elapsed);
        record.failures = 0;
        record.delay_until = None;
    }
    let instance = record.instances[index].clone();
    // An unreachable instance is kept: it may come back (TASK_RUNNING).
    let ended = update.state.is_terminal();
    let failed = matches!(update.state, TaskState::Failed | TaskState::Error) && !instance.killing;
    if failed {
        record.failures += 1;
        let backoff = app::number(&record.def, "backoffSeconds", 1.0)
            * app::number(&record.def, "backoffFactor", 1.15).powi(record.failures as i32 - 1);
        let max = app::number(&record.def, "maxLaunchDelaySeconds", 300.0);
        let delay = Duration::from_secs_f64(backoff.clamp(0.0, max.max(0.0)));
        record.delay_until = Some(elapsed + delay);
        record.last_task_failure = Some(json!({
            "appId": app_id,
            "host": instance.host,
            "message": update.message.clone().unwrap_or_default(),
            "state": update.state.as_str(),
            "taskId": instance.task_id,
            "timestamp": now,
            "version": instance.version,
            "slaveId": instance.agent_id,
        }));
    }
    if ended {
        record.instances.remove(index);
    }
    st.publish(
        "status_update_event",
        json!({
            "slaveId": update.agent_id,
            "taskId": update.task_id,
            "taskStatus": update.state.as_str(),
            "message": update.message.clone().unwrap_or_default(),
            "appId": app_id,
            "host": instance.host,
            "ipAddresses": [{ "ipAddress": instance.host, "protocol": "IPv4" }],
            "ports": instance.ports,
            "version": instance.version,
        }),
    );
    st.publish(
        "instance_changed_event",
        json!({
            "instanceId": instance.instance_id,
            "condition": condition(update.state),
            "runSpecId": app_id,
            "agentId": update.agent_id,
            "host": instance.host,
            "runSpecVersion": instance.version,
        }),
    );
    if ended
        && st
            .apps
            .get(&app_id)
            .is_some_and(|r| r.removing && r.instances.is_empty())
    {
        service.wake.notify_one();
    }
    drop(st);
    service.wake.notify_one();
}

/// One pass of the engine.
pub(crate) fn run_once(sim: &SimState) {
    let service = &sim.marathon;
    if service.framework_id.get().is_none() {
        // Nothing has run yet: no framework to register, unless a change
        // waits (an app, or a deployment such as an empty group's).
        let st = service.lock();
        if st.apps.is_empty() && st.deployments.is_empty() {
            return;
        }
    }
    let settings = service.settings();
    let mesos = Mesos::new(Arc::clone(sim));
    let ctx = Ctx {
        mesos: &mesos,
        registry: &sim.registry,
        framework: framework_id(sim),
        settings: &settings,
        sim,
    };
    let mut st = service.lock();
    health(&mut st, &ctx);
    deployments(&mut st, &ctx);
    // Apps with no deployment keep their instance count.
    let busy: Vec<String> = st
        .deployments
        .iter()
        .flat_map(|d| d.affected.iter().cloned())
        .collect();
    let ids: Vec<String> = st
        .apps
        .keys()
        .filter(|id| !busy.contains(id))
        .cloned()
        .collect();
    for id in ids {
        converge(&mut st, &ctx, &id, None);
    }
}

struct Ctx<'a> {
    mesos: &'a Mesos,
    registry: &'a Registry,
    framework: &'a str,
    settings: &'a Settings,
    sim: &'a SimState,
}

/// Health check results and crashes, by the documented rule.
fn health(st: &mut MarathonState, ctx: &Ctx<'_>) {
    let elapsed = st.clock.elapsed();
    let now = st.now();
    let mut events = Vec::new();
    let mut crashes = Vec::new();
    for (id, record) in &mut st.apps {
        let checks = app::has_health_checks(&record.def);
        let broken = ctx.settings.never_healthy || app::is_broken(&record.def);
        let first_check = record
            .def
            .pointer("/healthChecks/0")
            .cloned()
            .unwrap_or(Value::Null);
        for instance in &mut record.instances {
            // A broken app without health checks crashes as it starts, so
            // it never counts as running.
            if !checks
                && broken
                && !instance.killing
                && matches!(instance.state, TaskState::Starting | TaskState::Running)
            {
                crashes.push(instance.task_id.clone());
                continue;
            }
            let Some(since) = instance.running_since else {
                continue;
            };
            if instance.state != TaskState::Running || elapsed < since + ctx.settings.health_delay {
                continue;
            }
            if !checks {
                continue;
            }
            let alive = !broken;
            if instance.healthy == Some(alive) {
                continue;
            }
            instance.healthy = Some(alive);
            instance.health_changed_at = Some(now.clone());
            if !alive {
                events.push((
                    "failed_health_check_event",
                    json!({
                        "appId": id,
                        "taskId": instance.task_id,
                        "instanceId": instance.instance_id,
                        "healthCheck": first_check,
                    }),
                ));
            }
            events.push((
                "health_status_changed_event",
                json!({
                    "appId": id,
                    "taskId": instance.task_id,
                    "instanceId": instance.instance_id,
                    "version": instance.version,
                    "alive": alive,
                }),
            ));
            events.push((
                "instance_health_changed_event",
                json!({
                    "instanceId": instance.instance_id,
                    "runSpecId": id,
                    "runSpecVersion": instance.version,
                    "healthy": alive,
                }),
            ));
        }
    }
    for (kind, data) in events {
        st.publish(kind, data);
    }
    for task in crashes {
        fail_task(
            ctx,
            &task,
            "REASON_COMMAND_EXECUTOR_FAILED",
            "Command exited with status 1",
        );
    }
}

/// Ends a Marathon task now with TASK_FAILED.
fn fail_task(ctx: &Ctx<'_>, task_id: &str, reason: &str, message: &str) {
    let now = ctx.sim.clock.unix_seconds();
    let key = (ctx.framework.to_owned(), task_id.to_owned());
    let mut mesos = ctx.sim.mesos.lock();
    if mesos
        .tasks
        .get(&key)
        .is_some_and(|t| !t.state.is_terminal())
    {
        mesos.update_task(
            &key,
            TaskState::Failed,
            Some(reason),
            Some(message),
            Source::Executor,
            now,
        );
    }
}

/// Advances every deployment as far as it goes, and fails those past
/// their deadline.
fn deployments(st: &mut MarathonState, ctx: &Ctx<'_>) {
    let elapsed = st.clock.elapsed();
    let ids: Vec<String> = st.deployments.iter().map(|d| d.id.clone()).collect();
    for id in ids {
        while let Some(deployment) = st.deployments.iter().find(|d| d.id == id).cloned() {
            if elapsed.saturating_sub(deployment.started) > ctx.settings.deployment_timeout {
                st.fail_deployment(&id);
                break;
            }
            if !deployment.announced && !deployment.steps.is_empty() {
                st.publish(
                    "deployment_info",
                    json!({ "plan": deployment.plan_json(), "currentStep": deployment.current_step_json() }),
                );
                if let Some(d) = st.deployments.iter_mut().find(|d| d.id == id) {
                    d.announced = true;
                }
            }
            let Some(step) = deployment.steps.get(deployment.current) else {
                st.deployments.retain(|d| d.id != id);
                st.publish(
                    "deployment_success",
                    json!({ "id": id, "plan": deployment.plan_json() }),
                );
                for app_id in &deployment.affected {
                    if st.apps.get(app_id).is_some_and(|r| r.removing) {
                        st.apps.remove(app_id);
                        st.publish("app_terminated_event", json!({ "appId": app_id }));
                    }
                }
                break;
            };
            let mut done = true;
            for action in step {
                done &= converge(st, ctx, &action.app, Some(action.kind));
            }
            if !done {
                break;
            }
            st.publish(
                "deployment_step_success",
                json!({ "plan": deployment.plan_json(), "currentStep": deployment.current_step_json() }),
            );
            let Some(d) = st.deployments.iter_mut().find(|d| d.id == id) else {
                break;
            };
            d.current += 1;
            let next = d.clone();
            if next.current < next.steps.len() {
                st.publish(
                    "deployment_info",
                    json!({ "plan": next.plan_json(), "currentStep": next.current_step_json() }),
                );
            }
        }
    }
}

/// Moves one app towards its target; true when the action is complete.
fn converge(st: &mut MarathonState, ctx: &Ctx<'_>, id: &str, action: Option<ActionKind>) -> bool {
    let elapsed = st.clock.elapsed();
    let now = st.now();
    let Some(record) = st.apps.get(id) else {
        // A removed app is stopped.
        return true;
    };
    if action == Some(ActionKind::StartApplication) {
        return true;
    }
    let checks = app::has_health_checks(&record.def);
    let stopping = record.removing || action == Some(ActionKind::StopApplication);
    let target = if stopping {
        0
    } else {
        app::instances(&record.def)
    };
    let config = record.config_version().to_owned();
    let active: Vec<&Instance> = record.active().collect();
    let (new, old): (Vec<&Instance>, Vec<&Instance>) =
        active.iter().partition(|i| i.config_version == config);
    let killing_left = record.instances.iter().any(|i| i.killing);
    let mut kills: Vec<String> = Vec::new();
    let mut launches = 0usize;
    let restart = action == Some(ActionKind::RestartApplication) && !old.is_empty();
    if stopping {
        // Unreachable instances too.
        kills.extend(
            record
                .instances
                .iter()
                .filter(|i| !i.killing)
                .map(|i| i.task_id.clone()),
        );
    } else if restart {
        let (min_health, max_over) = app::strategy(&record.def);
        let min_healthy = (target as f64 * min_health).ceil() as usize;
        let max_total = ((target as f64) * (1.0 + max_over)).floor() as usize;
        let ready_new = new.iter().filter(|i| i.ready(checks)).count();
        let mut ready_old = old.iter().filter(|i| i.ready(checks)).count();
        // Old instances that are not ready go first, then ready ones as
        // long as enough stay healthy.
        let mut old_sorted: Vec<&&Instance> = old.iter().collect();
        old_sorted.sort_by_key(|i| i.ready(checks));
        let mut old_left = old.len();
        for instance in old_sorted {
            if !instance.ready(checks) {
                kills.push(instance.task_id.clone());
                old_left -= 1;
            } else if ready_new + ready_old > min_healthy {
                kills.push(instance.task_id.clone());
                ready_old -= 1;
                old_left -= 1;
            }
        }
        let total = new.len() + old_left;
        launches = target
            .saturating_sub(new.len())
            .min(max_total.saturating_sub(total));
        // No room to launch, nothing may be killed and nothing is on its
        // way (minimumHealthCapacity 1 with maximumOverCapacity 0):
        // Marathon kills one old instance anyway so the upgrade can go on.
        let settled = new.iter().all(|i| i.ready(checks)) && !killing_left;
        if launches == 0 && new.len() < target && kills.is_empty() && settled {
            if let Some(i) = old.first() {
                kills.push(i.task_id.clone());
            }
        }
    } else {
        let count = active.len();
        if count > target {
            // killSelection YOUNGEST_FIRST: old configuration first, then
            // the most recently launched.
            let mut by_age: Vec<&&Instance> = active.iter().collect();
            by_age.sort_by(|a, b| {
                (a.config_version == config)
                    .cmp(&(b.config_version == config))
                    .then(b.launched.cmp(&a.launched))
            });
            kills.extend(
                by_age
                    .iter()
                    .take(count - target)
                    .map(|i| i.task_id.clone()),
            );
        } else {
            launches = target - count;
        }
    }
    let ready_all = active.len() == target
        && active
            .iter()
            .all(|i| i.ready(checks) && i.config_version == config);
    let done = if stopping {
        record.instances.is_empty()
    } else {
        ready_all && kills.is_empty() && launches == 0 && !killing_left
    };
    let delayed = record.delay_until.is_some_and(|until| until > elapsed);
    for task in &kills {
        ctx.mesos.kill(ctx.framework, task);
    }
    let Some(record) = st.apps.get_mut(id) else {
        return done;
    };
    for instance in &mut record.instances {
        if kills.contains(&instance.task_id) {
            instance.killing = true;
        }
    }
    if launches == 0 {
        record.queued_since = None;
        return done;
    }
    if record.queued_since.is_none() {
        record.queued_since = Some(now);
    }
    if delayed {
        return false;
    }
    for _ in 0..launches {
        if !launch(st, ctx, id) {
            break;
        }
    }
    false
}

/// Launches one instance; false if no agent has room.
fn launch(st: &mut MarathonState, ctx: &Ctx<'_>, id: &str) -> bool {
    let uuid = st.uuid();
    let now = st.now();
    let elapsed = st.clock.elapsed();
    let Some(record) = st.apps.get(id) else {
        return false;
    };
    let def = record.def.clone();
    let name = app::safe_name(id);
    let instance_id = format!("{name}.instance-{uuid}");
    let task_id = format!("{instance_id}._app.1");
    let mut spec = TaskSpec::new(task_id.clone(), name)
        .resources(
            app::number(&def, "cpus", 1.0),
            app::number(&def, "mem", 128.0),
            app::number(&def, "disk", 0.0),
        )
        .ports(app::port_count(&def))
        .label("MARATHON_APP_ID", id);
    let image = app::image(&def).map(str::to_owned);
    if let Some(image) = &image {
        spec = spec.image(image.clone());
    }
    let result = ctx.mesos.launch(ctx.framework, spec);
    let record = match st.apps.get_mut(id) {
        Some(r) => r,
        None => return false,
    };
    record.launch_attempts += 1;
    let view = match result {
        Ok(view) => view,
        Err(LaunchError::NoResources { .. }) | Err(_) => {
            record.launch_refusals += 1;
            return false;
        }
    };
    record.instances.push(Instance {
        instance_id,
        task_id: task_id.clone(),
        agent_id: view.agent_id,
        host: view.hostname,
        ports: view.ports,
        version: record.version().to_owned(),
        config_version: record.config_version().to_owned(),
        state: TaskState::Staging,
        staged_at: now,
        started_at: None,
        running_since: None,
        healthy: None,
        health_changed_at: None,
        killing: false,
        launched: elapsed,
    });
    if let Some(image) = image.filter(|i| !ctx.registry.allows(i)) {
        fail_task(
            ctx,
            &task_id,
            "REASON_CONTAINER_LAUNCH_FAILED",
            &format!("image not found: {image}"),
        );
    }
    true
}

/// The instances still waiting to launch.
pub(crate) fn waiting(record: &AppRecord) -> usize {
    if record.removing {
        return 0;
    }
    app::instances(&record.def).saturating_sub(record.active().count())
}
