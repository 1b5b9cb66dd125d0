//! Running a build on the clock: console lines, stages, the agent, the
//! result and the pushed images.

use std::collections::HashMap;
use std::time::Duration;

use super::cloud;
use super::config::Kind;
use super::scheduler::{self, NodeWait, now_ms};
use super::script::{self, Step};
use super::state::{BuildResult, StageRun};
use crate::sim::SimState;

/// Starts running build `number` of `job`.
pub(crate) fn spawn(sim: &SimState, job: String, number: u64) {
    let run_sim = sim.clone();
    sim.mesos.spawn(async move {
        Run::new(run_sim, job, number).run().await;
    });
}

/// A block open in the console.
enum Open {
    Stage(usize),
    Node(String),
    Env,
    Other(String),
}

/// How a shell step failed.
enum ShError {
    /// A line exited with this code.
    Exit(i32),
    /// The build was aborted while it ran.
    Aborted,
}

/// Why a build stops early.
struct Stop {
    result: BuildResult,
    message: Option<String>,
}

struct Run {
    sim: SimState,
    job: String,
    number: u64,
    vars: HashMap<String, String>,
    env: Vec<Vec<(String, String)>>,
    open: Vec<Open>,
    forced_failure: bool,
    next_node_id: u64,
}

impl Run {
    fn new(sim: SimState, job: String, number: u64) -> Self {
        let mut vars = HashMap::new();
        let mut forced_failure = false;
        if let Some(build) = sim
            .jenkins
            .lock()
            .items
            .get(&job)
            .and_then(|i| i.builds.get(&number))
        {
            for p in &build.params {
                vars.insert(p.name.clone(), p.value.clone());
                if p.name == "FAIL" && p.value.trim() == "true" {
                    forced_failure = true;
                }
            }
        }
        forced_failure |= sim.jenkins.take_failure();
        vars.insert("BUILD_NUMBER".into(), number.to_string());
        vars.insert("BUILD_ID".into(), number.to_string());
        vars.insert("JOB_NAME".into(), job.clone());
        vars.insert(
            "JOB_BASE_NAME".into(),
            job.rsplit('/').next().unwrap_or(&job).to_owned(),
        );
        vars.insert(
            "WORKSPACE".into(),
            format!("/home/jenkins/agent/workspace/{}", job.replace('/', "_")),
        );
        Run {
            sim,
            job,
            number,
            vars,
            env: Vec::new(),
            open: Vec::new(),
            forced_failure,
            next_node_id: 3,
        }
    }

    fn lookup(&self, name: &str) -> Option<String> {
        self.env
            .iter()
            .rev()
            .flatten()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .or_else(|| self.vars.get(name).cloned())
    }

    fn with_build<T>(&self, f: impl FnOnce(&mut super::state::Build) -> T) -> Option<T> {
        let mut state = self.sim.jenkins.lock();
        state
            .items
            .get_mut(&self.job)
            .and_then(|i| i.builds.get_mut(&self.number))
            .map(f)
    }

    fn log(&self, line: &str) {
        self.with_build(|b| {
            b.log.push_str(line);
            b.log.push('\n');
        });
    }

    fn aborted(&self) -> bool {
        self.with_build(|b| b.abort_requested).unwrap_or(true)
    }

    /// Waits `seconds` of simulated time; false if the build was aborted
    /// (or its job deleted) meanwhile, which is checked every 20 ms.
    async fn sleep(&self, seconds: f64) -> bool {
        if !(seconds > 0.0 && seconds.is_finite()) {
            return !self.aborted();
        }
        let deadline = tokio::time::Instant::now()
            + self
                .sim
                .clock
                .real(Duration::from_secs_f64(seconds.min(1e9)));
        loop {
            if self.aborted() {
                return false;
            }
            let now = tokio::time::Instant::now();
            if now >= deadline {
                return true;
            }
            tokio::time::sleep((deadline - now).min(Duration::from_millis(20))).await;
        }
    }

    async fn run(mut self) {
        let Some((kind, script, commands, user, node)) = ({
            let state = self.sim.jenkins.lock();
            state.items.get(&self.job).and_then(|i| {
                i.builds.get(&self.number).map(|b| {
                    (
                        i.config.kind,
                        i.config.script.clone().unwrap_or_default(),
                        i.config.commands.clone(),
                        b.user.clone(),
                        b.node.clone(),
                    )
                })
            })
        }) else {
            return;
        };
        self.log(&format!("Started by user {user}"));
        let stop = match kind {
            Kind::Pipeline => {
                self.log("[Pipeline] Start of Pipeline");
                let stop = self.pipeline(&script::parse(&script), &user).await;
                let stop = match stop {
                    Ok(()) if self.forced_failure => Err(self.fault()),
                    other => other,
                };
                self.close_all(
                    stop.as_ref()
                        .err()
                        .map_or(BuildResult::Success, |s| s.result),
                );
                self.log("[Pipeline] End of Pipeline");
                stop
            }
            _ => self.freestyle(&commands, node).await,
        };
        let result = match stop {
            Ok(()) => BuildResult::Success,
            Err(stop) => {
                if let Some(message) = &stop.message {
                    self.log(&format!("ERROR: {message}"));
                }
                stop.result
            }
        };
        self.log(&format!("Finished: {}", result.as_str()));
        let now = now_ms(&self.sim);
        self.with_build(|b| {
            b.result = Some(result);
            b.building = false;
            b.duration_ms = (now - b.timestamp_ms).max(1);
            for stage in &mut b.stages {
                if stage.status == "IN_PROGRESS" {
                    stage.status = result.stage_status();
                    stage.duration_ms = (now - stage.start_ms).max(0);
                }
            }
        });
        self.sim.jenkins.wake.notify_one();
    }

    fn fault(&mut self) -> Stop {
        self.forced_failure = false;
        Stop {
            result: BuildResult::Failure,
            message: Some("script returned exit code 1".to_owned()),
        }
    }

    /// Closes every open block (after a failure or at the end).
    fn close_all(&mut self, result: BuildResult) {
        let now = now_ms(&self.sim);
        while let Some(open) = self.open.pop() {
            self.close(open, result, now);
        }
    }

    fn close(&mut self, open: Open, result: BuildResult, now: i64) {
        self.log("[Pipeline] }");
        match open {
            Open::Stage(index) => {
                self.with_build(|b| {
                    if let Some(stage) = b.stages.get_mut(index) {
                        stage.status = result.stage_status();
                        stage.duration_ms = (now - stage.start_ms).max(0);
                    }
                });
                self.log("[Pipeline] // stage");
            }
            Open::Node(name) => {
                self.log("[Pipeline] // node");
                let mut state = self.sim.jenkins.lock();
                cloud::release(&self.sim, &mut state, &name);
            }
            Open::Env => {
                self.env.pop();
                self.log("[Pipeline] // withEnv");
            }
            Open::Other(name) => self.log(&format!("[Pipeline] // {name}")),
        }
    }

    fn node_open(&self) -> Option<String> {
        self.open.iter().rev().find_map(|o| match o {
            Open::Node(name) => Some(name.clone()),
            _ => None,
        })
    }

    async fn pipeline(&mut self, steps: &[Step], user: &str) -> Result<(), Stop> {
        for step in steps {
            if self.aborted() {
                return Err(Stop {
                    result: BuildResult::Aborted,
                    message: None,
                });
            }
            if let Some(name) = self.node_open() {
                if !self.sim.jenkins.lock().agents.contains_key(&name) {
                    return Err(Stop {
                        result: BuildResult::Failure,
                        message: Some(format!("Agent {name} was lost: its Mesos task ended")),
                    });
                }
            }
            match step {
                Step::StageStart(name) => {
                    self.log("[Pipeline] stage");
                    self.log(&format!("[Pipeline] {{ ({name})"));
                    let now = now_ms(&self.sim);
                    let id = self.next_node_id;
                    self.next_node_id += 6;
                    let index = self
                        .with_build(|b| {
                            b.stages.push(StageRun {
                                id,
                                name: name.clone(),
                                status: "IN_PROGRESS",
                                start_ms: now,
                                duration_ms: 0,
                            });
                            b.stages.len() - 1
                        })
                        .unwrap_or(0);
                    self.open.push(Open::Stage(index));
                }
                Step::NodeStart(label) => {
                    self.log("[Pipeline] node");
                    let name = self.wait_for_node(label.clone(), user).await?;
                    self.log(&format!(
                        "Running on {name} in /home/jenkins/agent/workspace/{}",
                        self.job.replace('/', "_")
                    ));
                    self.log("[Pipeline] {");
                    self.vars.insert("NODE_NAME".into(), name.clone());
                    self.with_build(|b| b.node = Some(name.clone()));
                    self.open.push(Open::Node(name));
                }
                Step::EnvStart(vars) => {
                    self.log("[Pipeline] withEnv");
                    self.log("[Pipeline] {");
                    let vars = vars
                        .iter()
                        .map(|(k, v)| (k.clone(), script::substitute(v, |n| self.lookup(n))))
                        .collect();
                    self.env.push(vars);
                    self.open.push(Open::Env);
                }
                Step::StageEnd | Step::NodeEnd | Step::EnvEnd | Step::OtherEnd(_) => {
                    let now = now_ms(&self.sim);
                    if let Some(open) = self.open.pop() {
                        self.close(open, BuildResult::Success, now);
                    }
                }
                Step::Other(name) => {
                    self.log(&format!("[Pipeline] {name}"));
                    if script::BLOCK_STEPS.contains(&name.as_str()) {
                        self.log("[Pipeline] {");
                        self.open.push(Open::Other(name.clone()));
                    } else if matches!(name.as_str(), "checkout" | "git") {
                        self.log("The recommended git tool is: NONE");
                        self.log(" > git fetch --tags --force --progress -- # timeout=10");
                        if !self.sleep(2.0).await {
                            return Err(Stop {
                                result: BuildResult::Aborted,
                                message: None,
                            });
                        }
                    }
                }
                Step::Echo(message) => {
                    self.log("[Pipeline] echo");
                    self.log(&script::substitute(message, |n| self.lookup(n)));
                }
                Step::Error { message, guard } => {
                    let fires = guard.is_empty()
                        || guard
                            .iter()
                            .any(|p| self.vars.get(p).is_none_or(|v| v.trim().is_empty()));
                    if fires {
                        self.log("[Pipeline] error");
                        return Err(Stop {
                            result: BuildResult::Failure,
                            message: Some(message.clone()),
                        });
                    }
                }
                Step::Sh(command) => {
                    self.log("[Pipeline] sh");
                    if self.node_open().is_none() {
                        return Err(Stop {
                            result: BuildResult::Failure,
                            message: Some("Attempted to execute a step that requires a node context while ‘agent none’ was specified. Be sure to specify your own ‘node { ... }’ blocks when using ‘agent none’.".to_owned()),
                        });
                    }
                    self.sh(command).await.map_err(|e| match e {
                        ShError::Exit(code) => Stop {
                            result: BuildResult::Failure,
                            message: Some(format!("script returned exit code {code}")),
                        },
                        ShError::Aborted => Stop {
                            result: BuildResult::Aborted,
                            message: None,
                        },
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Runs a shell step line by line, as `sh -xe` traces it; `Err(exit
    /// code)` when a line fails.
    async fn sh(&mut self, command: &str) -> Result<(), ShError> {
        let command = script::substitute(command, |n| self.lookup(n));
        for line in command.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.log(&format!("+ {line}"));
            if self.forced_failure {
                self.forced_failure = false;
                self.log("dcos-sim: the \"a build fails\" fault (or FAIL=true) fails this step");
                return Err(ShError::Exit(1));
            }
            let outcome = script::run_sh(line);
            if !self.sleep(outcome.seconds).await {
                return Err(ShError::Aborted);
            }
            for output in &outcome.output {
                self.log(output);
            }
            for image in &outcome.pushed {
                self.sim.registry.push(image);
                let tag = image.rsplit_once(':').map_or("latest", |(_, t)| t);
                self.log(&format!(
                    "{tag}: digest: sha256:{:064x} size: 1570",
                    u128::from(self.number) * 7919 + image.len() as u128
                ));
            }
            if outcome.exit != 0 {
                return Err(ShError::Exit(outcome.exit));
            }
        }
        Ok(())
    }

    /// Queues a placeholder for a `node` block and waits for its agent.
    async fn wait_for_node(&mut self, label: Option<String>, user: &str) -> Result<String, Stop> {
        let params = self.with_build(|b| b.params.clone()).unwrap_or_default();
        let id = scheduler::request_node(&self.sim, &self.job, self.number, label, params, user);
        let mut told = false;
        loop {
            match scheduler::node_wait(&self.sim, id) {
                NodeWait::Assigned(name) => return Ok(name),
                NodeWait::Cancelled => {
                    return Err(Stop {
                        result: BuildResult::Aborted,
                        message: Some("Queue task was cancelled".to_owned()),
                    });
                }
                NodeWait::Waiting(why) => {
                    if !told {
                        self.log("Still waiting to schedule task");
                        if let Some(why) = why {
                            self.log(&why);
                        }
                        told = true;
                    }
                }
            }
            if self.aborted() {
                scheduler::cancel(&self.sim, id);
                return Err(Stop {
                    result: BuildResult::Aborted,
                    message: None,
                });
            }
            self.sleep(0.25).await;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    async fn freestyle(&mut self, commands: &[String], node: Option<String>) -> Result<(), Stop> {
        let node = node.unwrap_or_default();
        self.log("Running as SYSTEM");
        self.log(&format!(
            "Building remotely on {node} ({}) in workspace /home/jenkins/agent/workspace/{}",
            super::AGENT_LABEL,
            self.job.replace('/', "_")
        ));
        let leaf = self.job.rsplit('/').next().unwrap_or(&self.job).to_owned();
        let mut outcome = Ok(());
        for command in commands {
            if self.aborted() {
                outcome = Err(Stop {
                    result: BuildResult::Aborted,
                    message: None,
                });
                break;
            }
            self.log(&format!(
                "[{leaf}] $ /bin/sh -xe /tmp/jenkins{}.sh",
                self.number * 7_654_321
            ));
            match self.sh(command).await {
                Ok(()) => {}
                Err(ShError::Exit(_)) => {
                    self.log("Build step 'Execute shell' marked build as failure");
                    outcome = Err(Stop {
                        result: BuildResult::Failure,
                        message: None,
                    });
                    break;
                }
                Err(ShError::Aborted) => {
                    outcome = Err(Stop {
                        result: BuildResult::Aborted,
                        message: None,
                    });
                    break;
                }
            }
        }
        if outcome.is_ok() && self.forced_failure {
            self.forced_failure = false;
            self.log("Build step 'Execute shell' marked build as failure");
            outcome = Err(Stop {
                result: BuildResult::Failure,
                message: None,
            });
        }
        let mut state = self.sim.jenkins.lock();
        cloud::release(&self.sim, &mut state, &node);
        outcome
    }
}
