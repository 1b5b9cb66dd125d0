//! The `Resource` message of `mesos.proto` and its parts.

use dcos_auth::{json_model, string_enum};

use super::ids::ResourceProviderId;
use super::name::Name;
use super::value::{ValueRanges, ValueScalar, ValueSet, ValueType};
use crate::docker::Volume;

json_model! {
    /// A resource (`Resource`): a named quantity on an agent, such as `cpus`,
    /// `mem`, `disk` or `ports`, plus who may use it.
    ///
    /// Reservations come in two forms:
    /// - the refined stack `reservations` (Mesos 1.4+, `RESERVATION_REFINEMENT`),
    ///   whose last entry is the role the resource is reserved for now;
    /// - the legacy `role` plus `reservation`, where `role` `"*"` means
    ///   unreserved and `reservation` is present for dynamic reservations.
    ///
    /// [`Resource::reservation_role`] reads either form.
    pub struct Resource {
        /// The resource provider, for resources that do not come from the agent.
        "provider_id" provider_id: Option<Box<ResourceProviderId>>,
        /// The resource's name: `cpus`, `mem`, `disk`, `ports`, `gpus`, …
        "name" name: Name,
        /// Which value field holds the quantity.
        "type" kind: Option<ValueType>,
        /// The quantity, for `SCALAR`.
        "scalar" scalar: Option<ValueScalar>,
        /// The quantity, for `RANGES`.
        "ranges" ranges: Option<Box<ValueRanges>>,
        /// The quantity, for `SET`.
        "set" set: Option<Box<ValueSet>>,
        /// Deprecated: the legacy reservation role, `"*"` when unreserved.
        "role" role: Option<Name>,
        /// The role the resource is allocated to (offers to MULTI_ROLE
        /// frameworks). Launched resources must keep it. Boxed: absent from
        /// the agents' and tasks' resources, which a GET_STATE holds by the
        /// hundred thousand.
        "allocation_info" allocation_info: Option<Box<AllocationInfo>>,
        /// Deprecated: the legacy reservation details for a dynamic reservation.
        "reservation" reservation: Option<Box<ReservationInfo>>,
        /// The refined reservation stack; the last entry is the current role.
        "reservations" reservations: Option<Vec<ReservationInfo>>,
        /// Disk details: persistent volume, source (PATH, MOUNT, …).
        "disk" disk: Option<Box<DiskInfo>>,
        /// Present when the resource is revocable (oversubscribed).
        "revocable" revocable: Option<Box<RevocableInfo>>,
        /// Present when the resource may be shared between tasks.
        "shared" shared: Option<Box<SharedInfo>>,
    }
}

json_model! {
    /// The role a resource is allocated to (`Resource.AllocationInfo`).
    pub struct AllocationInfo {
        /// The role.
        "role" role: Option<String>,
    }
}

string_enum! {
    /// How a reservation was made (`Resource.ReservationInfo.Type`).
    pub enum ReservationType {
        /// Not set by the sender.
        Unspecified = "UNKNOWN",
        /// Made by the agent's `--resources` flag.
        Static = "STATIC",
        /// Made by a framework or an operator at run time.
        Dynamic = "DYNAMIC",
    }
}

json_model! {
    /// One reservation (`Resource.ReservationInfo`).
    pub struct ReservationInfo {
        /// Static or dynamic; only in the refined stack.
        "type" kind: Option<ReservationType>,
        /// The role reserved for; only in the refined stack.
        "role" role: Option<String>,
        /// Who made a dynamic reservation.
        "principal" principal: Option<String>,
        /// Free-form labels attached to the reservation.
        "labels" labels: Option<Labels>,
    }
}

json_model! {
    /// A list of labels (`Labels`).
    pub struct Labels {
        /// The labels.
        "labels" labels: Vec<Label>,
    }
}

json_model! {
    /// A key with an optional value (`Label`).
    pub struct Label {
        /// The key.
        "key" key: String,
        /// The value.
        "value" value: Option<String>,
    }
}

json_model! {
    /// Disk details (`Resource.DiskInfo`).
    pub struct DiskInfo {
        /// Set for a persistent volume.
        "persistence" persistence: Option<Persistence>,
        /// Where a persistent volume is mounted in the container.
        "volume" volume: Option<Volume>,
        /// Where the disk comes from; absent for the agent's root disk.
        "source" source: Option<DiskSource>,
    }
}

json_model! {
    /// A persistent volume's identity (`Resource.DiskInfo.Persistence`).
    pub struct Persistence {
        /// The volume's ID, unique per role on an agent.
        "id" id: String,
        /// Who created the volume.
        "principal" principal: Option<String>,
    }
}

string_enum! {
    /// The kind of disk (`Resource.DiskInfo.Source.Type`).
    pub enum DiskSourceType {
        /// Not set by the sender.
        Unspecified = "UNKNOWN",
        /// A directory that can be shared.
        Path = "PATH",
        /// A whole mounted file system, used all at once.
        Mount = "MOUNT",
        /// A block device.
        Block = "BLOCK",
        /// A raw device.
        Raw = "RAW",
    }
}

json_model! {
    /// Where a disk comes from (`Resource.DiskInfo.Source`).
    pub struct DiskSource {
        /// The kind of disk.
        "type" kind: Option<DiskSourceType>,
        /// The root directory, for `PATH`.
        "path" path: Option<DiskSourceRoot>,
        /// The mount point, for `MOUNT`.
        "mount" mount: Option<DiskSourceRoot>,
        /// The vendor of a CSI disk.
        "vendor" vendor: Option<String>,
        /// The ID of a CSI disk.
        "id" id: Option<String>,
        /// The metadata of a CSI disk.
        "metadata" metadata: Option<Labels>,
        /// The profile of a CSI disk.
        "profile" profile: Option<String>,
    }
}

json_model! {
    /// A disk source's root (`Resource.DiskInfo.Source.Path` and `.Mount`).
    pub struct DiskSourceRoot {
        /// The directory.
        "root" root: Option<String>,
    }
}

json_model! {
    /// Marks a revocable resource (`Resource.RevocableInfo`, an empty message).
    pub struct RevocableInfo {}
}

json_model! {
    /// Marks a shared resource (`Resource.SharedInfo`, an empty message).
    pub struct SharedInfo {}
}

impl Resource {
    /// A scalar resource, such as `cpus` or `mem`, unreserved.
    pub fn scalar(name: impl Into<String>, value: f64) -> Self {
        Resource {
            name: Name::new(name),
            kind: Some(ValueType::Scalar),
            scalar: Some(ValueScalar::new(value)),
            ..Resource::default()
        }
    }

    /// A ranges resource, such as `ports`, unreserved; both ends inclusive.
    pub fn ranges(name: impl Into<String>, pairs: impl IntoIterator<Item = (u64, u64)>) -> Self {
        Resource {
            name: Name::new(name),
            kind: Some(ValueType::Ranges),
            ranges: Some(Box::new(ValueRanges::new(pairs))),
            ..Resource::default()
        }
    }

    /// A set resource, unreserved.
    pub fn set<S: Into<String>>(
        name: impl Into<String>,
        items: impl IntoIterator<Item = S>,
    ) -> Self {
        Resource {
            name: Name::new(name),
            kind: Some(ValueType::Set),
            set: Some(Box::new(ValueSet::new(items))),
            ..Resource::default()
        }
    }

    /// The role this resource is reserved for, or `None` when unreserved.
    ///
    /// The refined `reservations` stack wins when it is not empty (its last
    /// entry is the current reservation). Otherwise the legacy `role` is used,
    /// where `"*"` or an absent role means unreserved.
    pub fn reservation_role(&self) -> Option<&str> {
        match self.reservations.as_deref() {
            Some([.., last]) => Some(last.role.as_deref().unwrap_or("*")),
            _ => self.role.as_deref().filter(|role| *role != "*"),
        }
    }

    /// Whether the resource is unreserved: role `"*"` or no reservations.
    pub fn is_unreserved(&self) -> bool {
        self.reservation_role().is_none()
    }

    /// The reservation stack in the refined form, whichever form was sent.
    ///
    /// A legacy `role` other than `"*"` becomes one entry: `DYNAMIC` with the
    /// legacy `reservation`'s principal and labels when that is present,
    /// `STATIC` otherwise, as Mesos itself upgrades the legacy form.
    pub fn reservation_stack(&self) -> Vec<ReservationInfo> {
        if let Some(stack) = self.reservations.as_ref().filter(|s| !s.is_empty()) {
            return stack.clone();
        }
        let Some(role) = self.role.as_deref().filter(|role| *role != "*") else {
            return Vec::new();
        };
        let mut entry = self.reservation.as_deref().cloned().unwrap_or_default();
        entry.kind = Some(if self.reservation.is_some() {
            ReservationType::Dynamic
        } else {
            ReservationType::Static
        });
        entry.role = Some(role.to_owned());
        vec![entry]
    }

    /// Whether the current reservation (the top of the stack) is dynamic.
    pub fn is_dynamically_reserved(&self) -> bool {
        self.reservation_stack()
            .last()
            .is_some_and(|r| r.kind == Some(ReservationType::Dynamic))
    }

    /// The role the resource is allocated to, from `allocation_info`.
    pub fn allocation_role(&self) -> Option<&str> {
        self.allocation_info.as_ref()?.role.as_deref()
    }

    /// Whether the resource is revocable.
    pub fn is_revocable(&self) -> bool {
        self.revocable.is_some()
    }

    /// Whether the resource may be shared between tasks.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// Whether this is a persistent volume (`disk.persistence` is set).
    pub fn is_persistent_volume(&self) -> bool {
        self.disk.as_ref().is_some_and(|d| d.persistence.is_some())
    }
}

impl Resource {
    /// Releases the spare capacity of its ranges and set items: a list
    /// decoded from JSON grows by doubling, so one port range would
    /// otherwise hold room for four.
    pub fn shrink_to_fit(&mut self) {
        if let Some(ranges) = self.ranges.as_deref_mut() {
            ranges.range.shrink_to_fit();
        }
        if let Some(set) = self.set.as_deref_mut() {
            set.item.shrink_to_fit();
        }
    }
}

impl AllocationInfo {
    /// Allocated to `role`.
    pub fn new(role: impl Into<String>) -> Self {
        AllocationInfo {
            role: Some(role.into()),
            ..AllocationInfo::default()
        }
    }
}

impl ReservationInfo {
    /// A refined-stack entry reserving for `role`.
    pub fn new(kind: ReservationType, role: impl Into<String>) -> Self {
        ReservationInfo {
            kind: Some(kind),
            role: Some(role.into()),
            ..ReservationInfo::default()
        }
    }
}
