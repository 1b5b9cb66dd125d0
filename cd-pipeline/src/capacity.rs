//! The capacity check before apply: do the cluster's free unreserved
//! resources fit the instances a deploy must start?
//!
//! The free resources come from the Mesos operator API (`GET_AGENTS`:
//! total minus allocated, per agent, through mesos-client's
//! [`summarize`]); each instance is placed on one agent with
//! [`try_fit`], so resources split over agents do not count as one.
//! Resources that old instances give back before the new ones start
//! ([`Demand::released`]) are added to the agents they run on.

use marathon_client::models::App;
use mesos_client::resources::{Resource, Resources, TaskNeeds, summarize, try_fit};

use crate::cluster::Target;
use crate::error::{Error, Result};

/// What one instance of an app asks for.
#[derive(Debug, Clone, PartialEq)]
pub struct InstanceSize {
    /// CPU shares.
    pub cpus: f64,
    /// Memory, MB.
    pub mem: f64,
    /// Disk, MB.
    pub disk: f64,
    /// Host ports.
    pub ports: u32,
}

impl InstanceSize {
    /// The size of one instance of `app`, with Marathon's defaults (1 cpu,
    /// 128 MB, no disk, one host port unless the app says otherwise).
    pub fn of(app: &App) -> Self {
        InstanceSize {
            cpus: app.cpus_or_default(),
            mem: app.mem_or_default(),
            disk: app.disk.unwrap_or(0.0),
            ports: host_ports(app),
        }
    }

    fn needs(&self) -> TaskNeeds {
        TaskNeeds::new(self.cpus, self.mem)
            .with_disk(self.disk)
            .with_ports(self.ports)
    }

    fn resources(&self) -> Vec<Resource> {
        vec![
            Resource::scalar("cpus", self.cpus),
            Resource::scalar("mem", self.mem),
            Resource::scalar("disk", self.disk),
        ]
    }

    fn text(&self, n: u32) -> String {
        let n = f64::from(n);
        format!(
            "cpus={} mem={} disk={} ports={}",
            round(self.cpus * n),
            round(self.mem * n),
            round(self.disk * n),
            f64::from(self.ports) * n
        )
    }
}

fn round(v: f64) -> f64 {
    (v * 1000.0).round() / 1000.0
}

/// Host ports an app takes per instance: its `portDefinitions`, else its
/// container's port mappings with a host port, else Marathon's default of
/// one port for host networking.
fn host_ports(app: &App) -> u32 {
    let json = serde_json::to_value(app).unwrap_or_default();
    if let Some(defs) = json.get("portDefinitions").and_then(|v| v.as_array()) {
        return u32::try_from(defs.len()).unwrap_or(u32::MAX);
    }
    let mappings = json
        .pointer("/container/portMappings")
        .or_else(|| json.pointer("/container/docker/portMappings"))
        .and_then(|v| v.as_array());
    if let Some(mappings) = mappings {
        let with_host = mappings
            .iter()
            .filter(|m| m.get("hostPort").is_some_and(|p| !p.is_null()))
            .count();
        return u32::try_from(with_host).unwrap_or(u32::MAX);
    }
    let container_network = json
        .get("networks")
        .and_then(|v| v.as_array())
        .is_some_and(|n| {
            n.iter()
                .any(|n| n.get("mode").and_then(|m| m.as_str()) == Some("container"))
        });
    u32::from(!container_network)
}

/// What a deploy needs at once: `instances` new instances of `size`, after
/// the old instances in `released` have stopped.
#[derive(Debug, Clone, PartialEq)]
pub struct Demand {
    /// What for (`/hello`, `/hello-green`), for the error.
    pub app: String,
    /// The size of one new instance.
    pub size: InstanceSize,
    /// How many must run at the same time as what stays.
    pub instances: u32,
    /// Old instances stopped first: their agent id and size.
    pub released: Vec<(String, InstanceSize)>,
}

/// The new instances a rolling replacement of `old` by `new` must start while
/// the old ones Marathon keeps (`minimumHealthCapacity`) still run, and the
/// old instances it may stop first. With no `old` app, every instance.
pub fn rolling_demand(app: &str, new: &App, old: Option<&App>) -> Demand {
    let size = InstanceSize::of(new);
    let wanted = new.instances_or_default();
    let Some(old) = old else {
        return Demand {
            app: app.to_owned(),
            size,
            instances: wanted,
            released: Vec::new(),
        };
    };
    let strategy = new.upgrade_strategy.as_ref();
    let min_health = strategy
        .and_then(|s| s.minimum_health_capacity)
        .unwrap_or(1.0)
        .clamp(0.0, 1.0);
    let over = strategy
        .and_then(|s| s.maximum_over_capacity)
        .unwrap_or(1.0)
        .clamp(0.0, 1.0);
    let running = old
        .tasks_running
        .unwrap_or_else(|| old.instances_or_default());
    let keep = ((f64::from(wanted) * min_health).ceil() as u32).min(running);
    let stop_first = running.saturating_sub(keep);
    let max_capacity = wanted + (f64::from(wanted) * over).floor() as u32;
    let first_wave = max_capacity
        .saturating_sub(keep)
        .min(wanted)
        .max(u32::from(wanted > 0));
    let old_size = InstanceSize::of(old);
    let released = old
        .tasks
        .iter()
        .flatten()
        .filter_map(|t| t.agent_id.clone().or_else(|| t.slave_id.clone()))
        .take(stop_first as usize)
        .map(|agent| (agent, old_size.clone()))
        .collect();
    Demand {
        app: app.to_owned(),
        size,
        instances: first_wave,
        released,
    }
}

/// One agent's free unreserved resources, as [`place`] takes them.
#[derive(Debug, Clone, PartialEq)]
pub struct FreeAgent {
    /// The agent id.
    pub id: String,
    /// Its hostname.
    pub hostname: String,
    /// Its free unreserved resources.
    pub free: Resources,
}

/// Checks that every demand fits the free unreserved resources of the
/// active agents together (Mesos `GET_AGENTS`).
///
/// # Errors
/// [`Error::Capacity`] naming what is needed, what is free and, per agent,
/// why the next instance does not fit; Mesos errors as they come.
pub async fn check(target: &Target, demands: &[Demand]) -> Result<()> {
    let agents = target.mesos().operator().get_agents().await?;
    let summary = summarize(&agents.resources());
    let inactive: Vec<String> = agents
        .agents
        .iter()
        .filter(|a| !a.active)
        .filter_map(|a| a.agent_info.id.as_ref().map(|id| id.as_str().to_owned()))
        .collect();
    let free: Vec<FreeAgent> = summary
        .per_agent
        .iter()
        .filter(|a| !inactive.contains(&a.agent_id))
        .map(|a| FreeAgent {
            id: a.agent_id.clone(),
            hostname: a.hostname.clone(),
            free: a.free.unreserved(),
        })
        .collect();
    place(free, demands)
}

/// Places every demand's instances on `agents`, first fit, after giving
/// back the resources the demands release. No I/O.
///
/// # Errors
/// [`Error::Capacity`] for the first instance that fits no agent.
pub fn place(mut agents: Vec<FreeAgent>, demands: &[Demand]) -> Result<()> {
    let total_free: Resources = agents.iter().fold(Resources::new(), |acc, a| acc + &a.free);
    // Port ranges of different agents overlap: count them per agent.
    let total_ports: u64 = agents.iter().map(|a| a.free.ranges("ports").count()).sum();
    for demand in demands {
        for (agent, size) in &demand.released {
            if let Some(a) = agents.iter_mut().find(|a| &a.id == agent) {
                if let Ok(back) = Resources::from_resources(size.resources().iter()) {
                    a.free += &back;
                }
            }
        }
    }
    let mut needed = Vec::new();
    for demand in demands {
        let needs = demand.size.needs();
        needed.push(format!(
            "{} × {} for {}",
            demand.instances,
            demand.size.text(1),
            demand.app
        ));
        // Resources only shrink while placing one demand, so an agent the
        // instance did not fit on is not tried again for it.
        let mut cursor = 0;
        for placed in 0..demand.instances {
            let fitted = loop {
                let Some(agent) = agents.get_mut(cursor) else {
                    break false;
                };
                if let Ok(allocation) = try_fit(&agent.free.to_vec(), &needs) {
                    agent.free = allocation.remaining;
                    break true;
                }
                cursor += 1;
            };
            if fitted {
                continue;
            }
            let why: Vec<String> = agents
                .iter()
                .filter_map(|a| {
                    try_fit(&a.free.to_vec(), &needs)
                        .err()
                        .map(|e| format!("{} ({}): {e}", a.hostname, a.id))
                })
                .collect();
            let detail = if why.is_empty() {
                "no active agent".to_owned()
            } else {
                why.join("; ")
            };
            return Err(Error::Capacity {
                needed: needed.join(", "),
                free: format!(
                    "cpus={} mem={} disk={} ports={} on {} agent(s)",
                    round(total_free.scalar("cpus").to_f64()),
                    round(total_free.scalar("mem").to_f64()),
                    round(total_free.scalar("disk").to_f64()),
                    total_ports,
                    agents.len()
                ),
                detail: format!(
                    "{placed} of {} new instance(s) of {} placed; the next fits no agent: {detail}",
                    demand.instances, demand.app
                ),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use marathon_client::AppId;
    use marathon_client::models::UpgradeStrategy;

    use super::*;

    fn app(instances: u32, cpus: f64) -> App {
        let mut app = App::new(AppId::new("/a").unwrap());
        app.instances = Some(instances);
        app.cpus = Some(cpus);
        app.mem = Some(64.0);
        app
    }

    fn agent(id: &str, cpus: f64, mem: f64) -> FreeAgent {
        FreeAgent {
            id: id.into(),
            hostname: format!("{id}.example"),
            free: Resources::from_resources(
                [
                    Resource::scalar("cpus", cpus),
                    Resource::scalar("mem", mem),
                    Resource::ranges("ports", [(31000, 31009)]),
                ]
                .iter(),
            )
            .unwrap(),
        }
    }

    fn demand(instances: u32, cpus: f64) -> Demand {
        Demand {
            app: "/a".into(),
            size: InstanceSize {
                cpus,
                mem: 64.0,
                disk: 0.0,
                ports: 1,
            },
            instances,
            released: Vec::new(),
        }
    }

    #[test]
    fn instances_are_placed_per_agent_not_on_the_sum() {
        // 2 × 0.75 cpus free, but an instance of 1 cpu fits neither agent.
        let agents = vec![agent("a1", 0.75, 1024.0), agent("a2", 0.75, 1024.0)];
        let err = place(agents, &[demand(1, 1.0)]).unwrap_err();
        let Error::Capacity {
            needed,
            free,
            detail,
        } = err
        else {
            panic!("{err:?}")
        };
        assert_eq!(needed, "1 × cpus=1 mem=64 disk=0 ports=1 for /a");
        assert_eq!(free, "cpus=1.5 mem=2048 disk=0 ports=20 on 2 agent(s)");
        assert!(
            detail.starts_with("0 of 1 new instance(s) of /a placed"),
            "{detail}"
        );
        assert!(
            detail.contains("a1.example (a1)") && detail.contains("`cpus`"),
            "{detail}"
        );
    }

    #[test]
    fn instances_fill_agents_in_turn_and_released_resources_count() {
        let agents = vec![agent("a1", 1.0, 1024.0), agent("a2", 1.0, 1024.0)];
        assert!(place(agents.clone(), &[demand(4, 0.5)]).is_ok());
        let err = place(agents.clone(), &[demand(5, 0.5)]).unwrap_err();
        assert!(err.to_string().contains("need 5 × cpus=0.5"), "{err}");
        let mut with_release = demand(5, 0.5);
        with_release.released = vec![("a2".into(), with_release.size.clone())];
        assert!(place(agents, &[with_release]).is_ok());
    }

    #[test]
    fn ports_are_counted() {
        let agents = vec![agent("a1", 100.0, 100_000.0)];
        assert!(place(agents.clone(), &[demand(10, 0.1)]).is_ok());
        let err = place(agents, &[demand(11, 0.1)]).unwrap_err();
        assert!(err.to_string().contains("10 of 11"), "{err}");
    }

    #[test]
    fn a_new_app_needs_every_instance() {
        let d = rolling_demand("/a", &app(3, 0.5), None);
        assert_eq!(d.instances, 3);
        assert!(d.released.is_empty());
        assert_eq!(d.size.ports, 1);
    }

    #[test]
    fn rolling_with_full_health_capacity_starts_all_new_beside_the_old() {
        let mut old = app(4, 0.5);
        old.tasks_running = Some(4);
        let d = rolling_demand("/a", &app(4, 0.5), Some(&old));
        assert_eq!(d.instances, 4);
        assert!(d.released.is_empty());
    }

    #[test]
    fn rolling_with_half_health_capacity_and_no_overcapacity_starts_half() {
        let mut old = app(4, 0.5);
        old.tasks_running = Some(4);
        let mut new = app(4, 0.5);
        new.upgrade_strategy = Some(UpgradeStrategy::new(0.5, 0.0));
        let d = rolling_demand("/a", &new, Some(&old));
        assert_eq!(d.instances, 2);
    }
}
