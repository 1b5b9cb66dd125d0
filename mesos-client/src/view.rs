//! [`ClusterView`]: the cluster as the operator SUBSCRIBE stream describes
//! it, kept up to date by applying its events. Pure: no I/O.

use std::collections::{BTreeMap, VecDeque};
use std::time::Duration;

use crate::models::{
    Agent, Framework, FrameworkInfo, GetState, OperatorEvent, Subscribed, Task, TaskState,
    TaskStatus,
};
use crate::resources::{AgentId, FrameworkId};

/// How many terminal tasks a view keeps per framework, oldest dropped
/// first: the master's own default (`--max_completed_tasks_per_framework`).
pub const DEFAULT_MAX_COMPLETED_TASKS: usize = 1000;

/// How many removed frameworks a view keeps, oldest dropped first: the
/// master's own default (`--max_completed_frameworks`).
pub const DEFAULT_MAX_COMPLETED_FRAMEWORKS: usize = 50;

/// A task's key: its framework's ID and its own (task IDs are unique only
/// within a framework).
pub type TaskKey = (String, String);

/// The cluster: agents, frameworks and tasks, built from a SUBSCRIBED
/// snapshot and updated by each later event with [`ClusterView::apply`].
///
/// It follows the master: a task whose state becomes terminal moves to the
/// completed tasks of its framework (at most
/// [`DEFAULT_MAX_COMPLETED_TASKS`] per framework), a removed framework moves
/// to the completed frameworks with its remaining tasks, and a removed agent
/// is dropped (its tasks stay until their own updates arrive, as Mesos sends
/// them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClusterView {
    agents: BTreeMap<String, Agent>,
    frameworks: BTreeMap<String, Framework>,
    tasks: BTreeMap<TaskKey, Task>,
    completed_tasks: BTreeMap<String, VecDeque<Task>>,
    completed_frameworks: VecDeque<FrameworkInfo>,
    heartbeat_interval: Option<Duration>,
    max_completed_tasks: usize,
}

/// Counts from [`ClusterView::summary`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterSummary {
    /// Registered agents.
    pub agents: usize,
    /// Agents that are active.
    pub active_agents: usize,
    /// Registered frameworks.
    pub frameworks: usize,
    /// Frameworks that are active.
    pub active_frameworks: usize,
    /// Tasks that are not terminal.
    pub tasks: usize,
    /// Non-terminal tasks by state (`TASK_RUNNING`…); a task with no state
    /// counts as `TASK_STAGING`, as the master starts it.
    pub tasks_by_state: BTreeMap<String, usize>,
    /// Terminal tasks kept.
    pub completed_tasks: usize,
    /// Removed frameworks kept.
    pub completed_frameworks: usize,
}

fn task_key(task: &Task) -> TaskKey {
    (
        task.framework_id.as_str().to_owned(),
        task.task_id.as_str().to_owned(),
    )
}

fn framework_id(info: &FrameworkInfo) -> &str {
    info.id.as_ref().map_or("", |id| id.as_str())
}

impl ClusterView {
    /// An empty view.
    pub fn new() -> Self {
        ClusterView {
            max_completed_tasks: DEFAULT_MAX_COMPLETED_TASKS,
            ..ClusterView::default()
        }
    }

    /// A view of a GET_STATE snapshot.
    pub fn from_state(state: GetState) -> Self {
        let mut view = ClusterView::new();
        let GetState {
            get_tasks,
            get_frameworks,
            get_agents,
            ..
        } = state;
        for agent in get_agents.agents {
            view.agents.insert(agent.id().to_owned(), agent);
        }
        for framework in get_frameworks.frameworks {
            view.frameworks.insert(
                framework_id(&framework.framework_info).to_owned(),
                framework,
            );
        }
        for framework in get_frameworks.completed_frameworks {
            view.push_completed_framework(framework.framework_info);
        }
        for task in get_tasks
            .pending_tasks
            .into_iter()
            .chain(get_tasks.tasks)
            .chain(get_tasks.unreachable_tasks)
            .chain(get_tasks.orphan_tasks)
        {
            view.put_task(task);
        }
        for task in get_tasks.completed_tasks {
            view.push_completed_task(task);
        }
        view
    }

    /// A view of a SUBSCRIBED event: its snapshot and heartbeat interval.
    pub fn from_subscribed(subscribed: Subscribed) -> Self {
        let heartbeat = subscribed.heartbeat_interval();
        let mut view = ClusterView::from_state(subscribed.get_state.unwrap_or_default());
        view.heartbeat_interval = heartbeat;
        view
    }

    /// Keeps at most `max` terminal tasks per framework.
    #[must_use]
    pub fn with_max_completed_tasks(mut self, max: usize) -> Self {
        self.max_completed_tasks = max;
        for tasks in self.completed_tasks.values_mut() {
            while tasks.len() > max {
                tasks.pop_front();
            }
        }
        self
    }

    /// Applies one event. A SUBSCRIBED replaces the whole view; HEARTBEAT
    /// and unknown events change nothing.
    pub fn apply(&mut self, event: &OperatorEvent) {
        match event {
            OperatorEvent::Subscribed(s) => {
                let max = self.max_completed_tasks;
                *self = ClusterView::from_subscribed((**s).clone()).with_max_completed_tasks(max);
            }
            OperatorEvent::TaskAdded(p) => self.put_task(p.task.clone()),
            OperatorEvent::TaskUpdated(p) => {
                self.update_task(&p.framework_id, &p.status, p.state.as_ref());
            }
            OperatorEvent::AgentAdded(p) => {
                self.agents.insert(p.agent.id().to_owned(), p.agent.clone());
            }
            OperatorEvent::AgentRemoved(p) => {
                self.agents.remove(p.agent_id.as_str());
            }
            OperatorEvent::FrameworkAdded(p) | OperatorEvent::FrameworkUpdated(p) => {
                self.frameworks.insert(
                    framework_id(&p.framework.framework_info).to_owned(),
                    p.framework.clone(),
                );
            }
            OperatorEvent::FrameworkRemoved(p) => self.remove_framework(&p.framework_info),
            _ => {}
        }
    }

    fn put_task(&mut self, task: Task) {
        if task.state.as_ref().is_some_and(TaskState::is_terminal) {
            self.push_completed_task(task);
        } else {
            self.tasks.insert(task_key(&task), task);
        }
    }

    fn push_completed_task(&mut self, task: Task) {
        if self.max_completed_tasks == 0 {
            return;
        }
        let list = self
            .completed_tasks
            .entry(task.framework_id.as_str().to_owned())
            .or_default();
        while list.len() >= self.max_completed_tasks {
            list.pop_front();
        }
        list.push_back(task);
    }

    fn push_completed_framework(&mut self, info: FrameworkInfo) {
        while self.completed_frameworks.len() >= DEFAULT_MAX_COMPLETED_FRAMEWORKS {
            self.completed_frameworks.pop_front();
        }
        self.completed_frameworks.push_back(info);
    }

    fn update_task(
        &mut self,
        framework: &FrameworkId,
        status: &TaskStatus,
        state: Option<&TaskState>,
    ) {
        let key = (
            framework.as_str().to_owned(),
            status.task_id.as_str().to_owned(),
        );
        let latest = state.or(status.state.as_ref()).cloned();
        let mut task = match self.tasks.remove(&key) {
            Some(task) => task,
            None => {
                // An update for a task the view never saw (it was added
                // while the stream was being set up): build it from the
                // status.
                Task {
                    task_id: status.task_id.clone(),
                    framework_id: framework.clone(),
                    agent_id: status.agent_id.clone().unwrap_or_default(),
                    executor_id: status.executor_id.clone(),
                    ..Task::default()
                }
            }
        };
        if latest.is_some() {
            task.state = latest;
        }
        if task.statuses.last() != Some(status) {
            task.statuses.push(status.clone());
        }
        self.put_task(task);
    }

    fn remove_framework(&mut self, info: &FrameworkInfo) {
        let id = framework_id(info).to_owned();
        self.frameworks.remove(&id);
        let keys: Vec<TaskKey> = self
            .tasks
            .range((id.clone(), String::new())..)
            .take_while(|(k, _)| k.0 == id)
            .map(|(k, _)| k.clone())
            .collect();
        for key in keys {
            if let Some(task) = self.tasks.remove(&key) {
                self.push_completed_task(task);
            }
        }
        self.push_completed_framework(info.clone());
    }

    /// The heartbeat interval the SUBSCRIBED event announced.
    pub fn heartbeat_interval(&self) -> Option<Duration> {
        self.heartbeat_interval
    }

    /// The registered agents, by ID.
    pub fn agents(&self) -> &BTreeMap<String, Agent> {
        &self.agents
    }

    /// One agent.
    pub fn agent(&self, id: &AgentId) -> Option<&Agent> {
        self.agents.get(id.as_str())
    }

    /// The registered frameworks, by ID.
    pub fn frameworks(&self) -> &BTreeMap<String, Framework> {
        &self.frameworks
    }

    /// One framework.
    pub fn framework(&self, id: &FrameworkId) -> Option<&Framework> {
        self.frameworks.get(id.as_str())
    }

    /// The tasks that are not terminal, by framework and task ID, with
    /// their latest state.
    pub fn tasks(&self) -> &BTreeMap<TaskKey, Task> {
        &self.tasks
    }

    /// One task that is not terminal.
    pub fn task(&self, framework: &FrameworkId, task: &str) -> Option<&Task> {
        self.tasks
            .get(&(framework.as_str().to_owned(), task.to_owned()))
    }

    /// The terminal tasks kept, per framework ID, oldest first.
    pub fn completed_tasks(&self) -> &BTreeMap<String, VecDeque<Task>> {
        &self.completed_tasks
    }

    /// The removed frameworks kept, oldest first.
    pub fn completed_frameworks(&self) -> &VecDeque<FrameworkInfo> {
        &self.completed_frameworks
    }

    /// Counts of agents, frameworks and tasks by state.
    pub fn summary(&self) -> ClusterSummary {
        let mut tasks_by_state = BTreeMap::new();
        for task in self.tasks.values() {
            let state = task
                .state
                .as_ref()
                .map_or("TASK_STAGING", TaskState::as_str);
            *tasks_by_state.entry(state.to_owned()).or_insert(0) += 1;
        }
        ClusterSummary {
            agents: self.agents.len(),
            active_agents: self.agents.values().filter(|a| a.active).count(),
            frameworks: self.frameworks.len(),
            active_frameworks: self.frameworks.values().filter(|f| f.active).count(),
            tasks: self.tasks.len(),
            tasks_by_state,
            completed_tasks: self.completed_tasks.values().map(VecDeque::len).sum(),
            completed_frameworks: self.completed_frameworks.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn event(v: serde_json::Value) -> OperatorEvent {
        serde_json::from_value(v).unwrap()
    }

    fn task(fw: &str, id: &str, state: &str) -> serde_json::Value {
        json!({"name": id, "task_id": {"value": id}, "framework_id": {"value": fw},
               "agent_id": {"value": "S1"}, "state": state})
    }

    fn snapshot() -> OperatorEvent {
        event(json!({"type": "SUBSCRIBED", "subscribed": {
            "heartbeat_interval_seconds": 15,
            "get_state": {
                "get_agents": {"agents": [
                    {"agent_info": {"hostname": "a1", "id": {"value": "S1"}}, "active": true, "version": "1.11"},
                    {"agent_info": {"hostname": "a2", "id": {"value": "S2"}}, "active": false, "version": "1.11"}
                ]},
                "get_frameworks": {"frameworks": [
                    {"framework_info": {"user": "root", "name": "jenkins", "id": {"value": "F1"}}, "active": true, "connected": true}
                ]},
                "get_tasks": {
                    "tasks": [task("F1", "t1", "TASK_RUNNING"), task("F1", "t2", "TASK_STAGING")],
                    "completed_tasks": [task("F1", "t0", "TASK_FINISHED")]
                }
            }
        }}))
    }

    fn view() -> ClusterView {
        let mut view = ClusterView::new();
        view.apply(&snapshot());
        view
    }

    #[test]
    fn snapshot_builds_the_view() {
        let view = view();
        assert_eq!(view.heartbeat_interval(), Some(Duration::from_secs(15)));
        let s = view.summary();
        assert_eq!((s.agents, s.active_agents), (2, 1));
        assert_eq!((s.frameworks, s.active_frameworks), (1, 1));
        assert_eq!(s.tasks, 2);
        assert_eq!(s.tasks_by_state["TASK_RUNNING"], 1);
        assert_eq!(s.tasks_by_state["TASK_STAGING"], 1);
        assert_eq!(s.completed_tasks, 1);
        assert!(view.agent(&AgentId::new("S1")).is_some());
        assert!(view.task(&FrameworkId::new("F1"), "t1").is_some());
    }

    #[test]
    fn task_updates_move_terminal_tasks_aside() {
        let mut view = view();
        view.apply(&event(json!({"type": "TASK_UPDATED", "task_updated": {
            "framework_id": {"value": "F1"},
            "status": {"task_id": {"value": "t2"}, "state": "TASK_RUNNING"},
            "state": "TASK_RUNNING"}})));
        let t2 = view.task(&FrameworkId::new("F1"), "t2").unwrap();
        assert_eq!(t2.state, Some(TaskState::Running));
        assert_eq!(t2.statuses.len(), 1);
        // `state` is newer than the acknowledged status and wins.
        view.apply(&event(json!({"type": "TASK_UPDATED", "task_updated": {
            "framework_id": {"value": "F1"},
            "status": {"task_id": {"value": "t1"}, "state": "TASK_RUNNING"},
            "state": "TASK_FAILED"}})));
        assert!(view.task(&FrameworkId::new("F1"), "t1").is_none());
        let done = &view.completed_tasks()["F1"];
        assert_eq!(done.len(), 2);
        assert_eq!(done[1].state, Some(TaskState::Failed));
        let s = view.summary();
        assert_eq!(s.tasks, 1);
        assert_eq!(s.tasks_by_state.get("TASK_STAGING"), None);
        assert_eq!(s.completed_tasks, 2);
    }

    #[test]
    fn unseen_task_update_creates_the_task() {
        let mut view = view();
        view.apply(&event(json!({"type": "TASK_UPDATED", "task_updated": {
            "framework_id": {"value": "F1"},
            "status": {"task_id": {"value": "t9"}, "agent_id": {"value": "S2"}, "state": "TASK_RUNNING"},
            "state": "TASK_RUNNING"}})));
        let t9 = view.task(&FrameworkId::new("F1"), "t9").unwrap();
        assert_eq!(t9.agent_id.as_str(), "S2");
    }

    #[test]
    fn agents_and_frameworks_come_and_go() {
        let mut view = view();
        view.apply(&event(
            json!({"type": "TASK_ADDED", "task_added": {"task": task("F2", "x", "TASK_STAGING")}}),
        ));
        view.apply(&event(json!({"type": "AGENT_ADDED", "agent_added": {"agent":
            {"agent_info": {"hostname": "a3", "id": {"value": "S3"}}, "active": true, "version": "1.11"}}})));
        view.apply(&event(
            json!({"type": "AGENT_REMOVED", "agent_removed": {"agent_id": {"value": "S2"}}}),
        ));
        let fw2 = json!({"framework_info": {"user": "u", "name": "n", "id": {"value": "F2"}}, "active": false, "connected": false});
        view.apply(&event(
            json!({"type": "FRAMEWORK_ADDED", "framework_added": {"framework": fw2}}),
        ));
        assert_eq!(view.summary().frameworks, 2);
        assert!(!view.framework(&FrameworkId::new("F2")).unwrap().active);
        let mut fw2 = fw2;
        fw2["active"] = json!(true);
        view.apply(&event(
            json!({"type": "FRAMEWORK_UPDATED", "framework_updated": {"framework": fw2}}),
        ));
        assert!(view.framework(&FrameworkId::new("F2")).unwrap().active);
        view.apply(&event(
            json!({"type": "FRAMEWORK_REMOVED", "framework_removed":
            {"framework_info": {"user": "u", "name": "n", "id": {"value": "F2"}}}}),
        ));
        view.apply(&OperatorEvent::Heartbeat);
        let s = view.summary();
        assert_eq!((s.agents, s.active_agents), (2, 2));
        assert!(view.agent(&AgentId::new("S2")).is_none());
        assert_eq!(s.frameworks, 1);
        assert_eq!(s.completed_frameworks, 1);
        assert_eq!(s.tasks, 2);
        assert_eq!(view.completed_tasks()["F2"].len(), 1);
        assert_eq!(view.completed_frameworks()[0].name, "n");
    }

    #[test]
    fn completed_tasks_are_capped_and_resubscribe_replaces() {
        let mut view = view().with_max_completed_tasks(2);
        for i in 0..5 {
            view.apply(&event(json!({"type": "TASK_ADDED", "task_added":
                {"task": task("F1", &format!("d{i}"), "TASK_KILLED")}})));
        }
        let done: Vec<&str> = view.completed_tasks()["F1"]
            .iter()
            .map(|t| t.task_id.as_str())
            .collect();
        assert_eq!(done, ["d3", "d4"]);
        view.apply(&snapshot());
        assert_eq!(view.completed_tasks()["F1"].len(), 1);
        assert_eq!(view.summary(), self::view().summary());
    }
}
