//! Does a task fit an offer, and with exactly which resources?

use super::collection::{Quantity, Resources, with_quantity};
use super::error::ResourceError;
use super::ranges::Ranges;
use super::resource::{DiskSourceType, Resource};
use super::scalar::Scalar;

/// What one task needs from an offer.
///
/// ```
/// use mesos_client::resources::{Resource, TaskNeeds, fits};
///
/// let offer = [
///     Resource::scalar("cpus", 4.0),
///     Resource::scalar("mem", 8192.0),
///     Resource::ranges("ports", [(31000, 31005)]),
/// ];
/// let needs = TaskNeeds::new(1.0, 2048.0).with_ports(2);
/// let alloc = fits(&offer, &needs).expect("it fits");
/// assert_eq!(alloc.ports, [31000, 31001]);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct TaskNeeds {
    /// CPU shares.
    pub cpus: Scalar,
    /// Memory in MB.
    pub mem: Scalar,
    /// Disk in MB, taken from plain (root or PATH) disk only.
    pub disk: Scalar,
    /// GPUs.
    pub gpus: Scalar,
    /// How many ports; the lowest offered ones are picked.
    pub ports: u32,
    /// Whether revocable (oversubscribed) resources may be used. Off by
    /// default: a revocable task can be killed whenever the agent needs the
    /// resources back.
    pub allow_revocable: bool,
}

impl TaskNeeds {
    /// `cpus` CPU shares and `mem` MB of memory, nothing else.
    pub fn new(cpus: f64, mem: f64) -> Self {
        TaskNeeds {
            cpus: Scalar::from(cpus),
            mem: Scalar::from(mem),
            ..TaskNeeds::default()
        }
    }

    /// Also `disk` MB of disk.
    #[must_use]
    pub fn with_disk(mut self, disk: f64) -> Self {
        self.disk = Scalar::from(disk);
        self
    }

    /// Also `gpus` GPUs.
    #[must_use]
    pub fn with_gpus(mut self, gpus: f64) -> Self {
        self.gpus = Scalar::from(gpus);
        self
    }

    /// Also `ports` ports.
    #[must_use]
    pub fn with_ports(mut self, ports: u32) -> Self {
        self.ports = ports;
        self
    }

    /// Whether revocable resources may be used.
    #[must_use]
    pub fn allow_revocable(mut self, allow: bool) -> Self {
        self.allow_revocable = allow;
        self
    }
}

/// The resources picked for a task from an offer.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Allocation {
    /// The exact resources to put in the `TaskInfo`. Each keeps the offer's
    /// reservation and `allocation_info`, as launched resources must.
    pub resources: Vec<Resource>,
    /// The port numbers picked, ascending; tell the task about them.
    pub ports: Vec<u64>,
    /// What is left of the usable part of the offer, to fit another task.
    pub remaining: Resources,
}

/// Why a task does not fit an offer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FitError {
    /// The offer has too little of one resource.
    #[error("the offer is short of `{name}`: the task needs {needed}, the offer has {available}")]
    Short {
        /// The resource's name.
        name: String,
        /// How much the task needs.
        needed: String,
        /// How much usable resource the offer has.
        available: String,
    },
    /// An offered resource the task would use is malformed.
    #[error("the offer has a malformed resource")]
    Invalid(#[source] ResourceError),
}

/// The resources to launch a task needing `needs` from `offer`, or `None`
/// when it does not fit. See [`try_fit`] for the reason.
pub fn fits(offer: &[Resource], needs: &TaskNeeds) -> Option<Allocation> {
    try_fit(offer, needs).ok()
}

/// The resources to launch a task needing `needs` from `offer`.
///
/// Reserved resources are used before unreserved ones, since a role's
/// reservations are there for it to use. Revocable resources are used only
/// when [`TaskNeeds::allow_revocable`] is set. Shared resources, persistent
/// volumes and MOUNT, BLOCK or RAW disks are never used: a task must ask for
/// those by name. Ports are the lowest ones offered.
///
/// # Errors
/// [`FitError::Short`] naming the first resource there is too little of, or
/// [`FitError::Invalid`] when a cpus, mem, disk, gpus or ports resource is
/// malformed.
pub fn try_fit(offer: &[Resource], needs: &TaskNeeds) -> Result<Allocation, FitError> {
    let usable = offer.iter().filter(|r| usable(r, needs));
    let mut left = Resources::from_resources(usable).map_err(FitError::Invalid)?;
    let mut picked = Resources::new();

    for (name, want) in [
        ("cpus", needs.cpus),
        ("mem", needs.mem),
        ("disk", needs.disk),
        ("gpus", needs.gpus),
    ] {
        if want.is_zero() {
            continue;
        }
        let have = left.scalar(name);
        if have < want {
            return Err(FitError::Short {
                name: name.to_owned(),
                needed: want.to_string(),
                available: have.to_string(),
            });
        }
        let mut still = want;
        for (template, quantity) in reserved_first(&left, name) {
            let Quantity::Scalar(have) = quantity else {
                continue;
            };
            let take = have.min(still);
            take_into(&mut picked, &template, Quantity::Scalar(take))?;
            still -= take;
            if still.is_zero() {
                break;
            }
        }
        left = subtract_picked(&left, &picked, name)?;
    }

    let mut ports = Ranges::new();
    if needs.ports > 0 {
        let want = u64::from(needs.ports);
        let have = left.ranges("ports");
        if have.count() < want {
            return Err(FitError::Short {
                name: "ports".to_owned(),
                needed: format!("{want} ports"),
                available: format!("{} ports {have}", have.count()),
            });
        }
        let mut still = want;
        for (template, quantity) in reserved_first(&left, "ports") {
            let Quantity::Ranges(have) = quantity else {
                continue;
            };
            let take = have.count().min(still);
            let Some(chosen) = have.take_lowest(take) else {
                continue;
            };
            ports = ports.union(&chosen);
            take_into(&mut picked, &template, Quantity::Ranges(chosen))?;
            still -= take;
            if still == 0 {
                break;
            }
        }
        left = subtract_picked(&left, &picked, "ports")?;
    }

    Ok(Allocation {
        resources: picked.to_vec(),
        ports: ports.values().collect(),
        remaining: left,
    })
}

/// Whether a task without special needs may use `resource`.
fn usable(resource: &Resource, needs: &TaskNeeds) -> bool {
    let wanted = matches!(
        resource.name.as_str(),
        "cpus" | "mem" | "disk" | "gpus" | "ports"
    );
    let plain_disk = resource.disk.as_ref().is_none_or(|d| {
        d.persistence.is_none()
            && d.volume.is_none()
            && d.source
                .as_ref()
                .is_none_or(|s| s.kind == Some(DiskSourceType::Path))
    });
    wanted
        && plain_disk
        && !resource.is_shared()
        && (needs.allow_revocable || !resource.is_revocable())
}

/// The groups named `name`, reserved ones first, as owned pairs.
fn reserved_first(resources: &Resources, name: &str) -> Vec<(Resource, Quantity)> {
    let mut groups: Vec<(Resource, Quantity)> = resources
        .iter()
        .filter(|(r, _)| r.name == name)
        .map(|(r, q)| (r.clone(), q.clone()))
        .collect();
    groups.sort_by_key(|(r, _)| r.is_unreserved());
    groups
}

fn take_into(
    picked: &mut Resources,
    template: &Resource,
    quantity: Quantity,
) -> Result<(), FitError> {
    picked
        .push(&with_quantity(template, &quantity))
        .map_err(FitError::Invalid)
}

/// `left` minus what `picked` holds of `name`.
fn subtract_picked(
    left: &Resources,
    picked: &Resources,
    name: &str,
) -> Result<Resources, FitError> {
    left.subtract(&picked.filter(|r| r.name == name))
        .map_err(FitError::Invalid)
}
