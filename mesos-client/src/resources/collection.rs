//! `Resources`: a collection of resources with addition, subtraction and
//! containment, as the Mesos allocator computes them.

use std::collections::BTreeMap;
use std::ops::{Add, AddAssign};

use super::error::ResourceError;
use super::ranges::Ranges;
use super::resource::{AllocationInfo, ReservationInfo, ReservationType, Resource};
use super::scalar::Scalar;
use super::set::Set;
use super::value::ValueType;

/// The quantity of one group of interchangeable resources.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Quantity {
    /// A fixed-point number (`cpus`, `mem`, `disk`, `gpus`).
    Scalar(Scalar),
    /// Inclusive ranges (`ports`).
    Ranges(Ranges),
    /// A set of strings.
    Set(Set),
}

impl Quantity {
    fn is_empty(&self) -> bool {
        match self {
            Quantity::Scalar(s) => s.is_zero(),
            Quantity::Ranges(r) => r.is_empty(),
            Quantity::Set(s) => s.is_empty(),
        }
    }

    fn add(&mut self, other: &Quantity) {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => *a += *b,
            (Quantity::Ranges(a), Quantity::Ranges(b)) => *a = a.union(b),
            (Quantity::Set(a), Quantity::Set(b)) => *a = a.union(b),
            // The kind is part of the key, so kinds always match.
            _ => {}
        }
    }

    fn contains(&self, other: &Quantity) -> bool {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => a >= b,
            (Quantity::Ranges(a), Quantity::Ranges(b)) => a.contains(b),
            (Quantity::Set(a), Quantity::Set(b)) => a.contains(b),
            _ => false,
        }
    }

    /// `self - other`, clamped at empty.
    fn minus(&self, other: &Quantity) -> Quantity {
        match (self, other) {
            (Quantity::Scalar(a), Quantity::Scalar(b)) => Quantity::Scalar(a.saturating_sub(*b)),
            (Quantity::Ranges(a), Quantity::Ranges(b)) => Quantity::Ranges(a.difference(b)),
            (Quantity::Set(a), Quantity::Set(b)) => Quantity::Set(a.difference(b)),
            _ => self.clone(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Quantity::Scalar(s) => s.to_string(),
            Quantity::Ranges(r) => r.to_string(),
            Quantity::Set(s) => s.to_string(),
        }
    }

    fn kind_rank(&self) -> u8 {
        match self {
            Quantity::Scalar(_) => 0,
            Quantity::Ranges(_) => 1,
            Quantity::Set(_) => 2,
        }
    }
}

/// What makes resources interchangeable: two resources merge only when all of
/// this is equal. Different reservations are never interchangeable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Key {
    name: String,
    kind: u8,
    /// The normalized (refined) reservation stack.
    reservations: Vec<ReservationKey>,
    allocation_role: Option<String>,
    provider: Option<String>,
    /// `disk` written as JSON: persistent volumes and disk sources differ.
    disk: Option<String>,
    revocable: bool,
    shared: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct ReservationKey {
    kind: Option<String>,
    role: Option<String>,
    principal: Option<String>,
    labels: Vec<(String, Option<String>)>,
}

impl ReservationKey {
    fn new(info: &ReservationInfo) -> Self {
        ReservationKey {
            kind: info.kind.as_ref().map(|k| k.as_str().to_owned()),
            role: info.role.clone(),
            principal: info.principal.clone(),
            labels: info
                .labels
                .iter()
                .flat_map(|l| &l.labels)
                .map(|l| (l.key.clone(), l.value.clone()))
                .collect(),
        }
    }
}

#[derive(Debug, Clone)]
struct Entry {
    /// The first resource seen for this key, with its value fields cleared:
    /// written back with the summed quantity, so the reservation form,
    /// allocation and unknown fields survive.
    template: Resource,
    quantity: Quantity,
}

/// A collection of resources, merged by what makes them interchangeable.
///
/// Resources are grouped by name, type, reservation (the refined stack, with
/// the legacy `role` plus `reservation` read as a one-entry stack), allocation
/// role, provider, disk details, and the revocable and shared markers.
/// Resources that differ in any of these are never added together or
/// subtracted from one another: 2 cpus reserved for `ops` do not satisfy a
/// need for 2 unreserved cpus.
///
/// Zero scalars, empty ranges and empty sets are dropped, so equal
/// collections compare equal. Fields the model does not know are kept from
/// the first resource of each group.
///
/// Not modelled: shared resources are not counted per use, and persistent
/// volumes with the same ID are merged like any other disk.
///
/// ```
/// use mesos_client::resources::{Resource, Resources, Scalar};
///
/// let offer = Resources::from_resources(&[
///     Resource::scalar("cpus", 0.1),
///     Resource::scalar("cpus", 0.2),
///     Resource::ranges("ports", [(31000, 31005)]),
/// ])?;
/// assert_eq!(offer.scalar("cpus"), Scalar::from(0.3));
/// let task = Resources::from_resources(&[Resource::scalar("cpus", 0.3)])?;
/// assert!(offer.contains(&task));
/// let left = offer.subtract(&task)?;
/// assert_eq!(left.scalar("cpus"), Scalar::ZERO);
/// assert_eq!(left.ranges("ports").count(), 6);
/// # Ok::<(), mesos_client::resources::ResourceError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Resources {
    entries: BTreeMap<Key, Entry>,
}

impl PartialEq for Resources {
    fn eq(&self, other: &Resources) -> bool {
        self.entries.len() == other.entries.len()
            && self
                .entries
                .iter()
                .zip(&other.entries)
                .all(|((ka, a), (kb, b))| ka == kb && a.quantity == b.quantity)
    }
}

impl Eq for Resources {}

impl Resources {
    /// No resources.
    pub fn new() -> Self {
        Resources::default()
    }

    /// The resources in `resources`, merged.
    ///
    /// # Errors
    /// A resource of type TEXT or of an unknown type, one without the value
    /// its type names, a negative scalar or a range that ends before it
    /// begins.
    pub fn from_resources<'a>(
        resources: impl IntoIterator<Item = &'a Resource>,
    ) -> Result<Self, ResourceError> {
        let mut out = Resources::new();
        for resource in resources {
            out.push(resource)?;
        }
        Ok(out)
    }

    /// Adds one resource.
    ///
    /// # Errors
    /// As [`from_resources`](Resources::from_resources); `self` is unchanged.
    pub fn push(&mut self, resource: &Resource) -> Result<(), ResourceError> {
        let quantity = quantity_of(resource)?;
        self.insert(resource, quantity);
        Ok(())
    }

    fn insert(&mut self, resource: &Resource, quantity: Quantity) {
        if quantity.is_empty() {
            return;
        }
        let key = key_of(resource, &quantity);
        match self.entries.get_mut(&key) {
            Some(entry) => entry.quantity.add(&quantity),
            None => {
                let mut template = resource.clone();
                template.scalar = None;
                template.ranges = None;
                template.set = None;
                for field in ["scalar", "ranges", "set"] {
                    template.extra.remove(field);
                }
                self.entries.insert(key, Entry { template, quantity });
            }
        }
    }

    /// Whether there are no resources.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// How many groups of interchangeable resources there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Each group: a resource with its value fields cleared, and its quantity.
    pub fn iter(&self) -> impl Iterator<Item = (&Resource, &Quantity)> + '_ {
        self.entries.values().map(|e| (&e.template, &e.quantity))
    }

    /// The resources in wire form, one per group.
    pub fn to_vec(&self) -> Vec<Resource> {
        self.iter().map(|(t, q)| with_quantity(t, q)).collect()
    }

    /// Whether every resource of `other` is here, with the same reservation
    /// and allocation role and at least the same quantity.
    pub fn contains(&self, other: &Resources) -> bool {
        other.entries.iter().all(|(key, want)| {
            self.entries
                .get(key)
                .is_some_and(|have| have.quantity.contains(&want.quantity))
        })
    }

    /// `self - other`.
    ///
    /// # Errors
    /// [`ResourceError::Insufficient`] naming the first resource of `other`
    /// that is not all here; nothing is subtracted then.
    pub fn subtract(&self, other: &Resources) -> Result<Resources, ResourceError> {
        for (key, want) in &other.entries {
            let have = self.entries.get(key);
            if !have.is_some_and(|h| h.quantity.contains(&want.quantity)) {
                return Err(ResourceError::Insufficient {
                    name: key.name.clone(),
                    role: want.template.reservation_role().unwrap_or("*").to_owned(),
                    needed: want.quantity.describe(),
                    available: have.map_or_else(|| "none".to_owned(), |h| h.quantity.describe()),
                });
            }
        }
        Ok(self.saturating_sub(other))
    }

    /// `self - other`, where whatever is missing is ignored: a group never
    /// goes below zero. For reports built from data that may disagree, such
    /// as an agent's total and its allocated resources.
    pub fn saturating_sub(&self, other: &Resources) -> Resources {
        let mut out = self.clone();
        for (key, cut) in &other.entries {
            if let Some(entry) = out.entries.get_mut(key) {
                entry.quantity = entry.quantity.minus(&cut.quantity);
                if entry.quantity.is_empty() {
                    out.entries.remove(key);
                }
            }
        }
        out
    }

    /// The sum of every scalar resource named `name`, whatever its
    /// reservation.
    pub fn scalar(&self, name: &str) -> Scalar {
        self.named(name)
            .filter_map(|q| match q {
                Quantity::Scalar(s) => Some(*s),
                _ => None,
            })
            .sum()
    }

    /// The union of every ranges resource named `name`, whatever its
    /// reservation.
    pub fn ranges(&self, name: &str) -> Ranges {
        self.named(name).fold(Ranges::new(), |acc, q| match q {
            Quantity::Ranges(r) => acc.union(r),
            _ => acc,
        })
    }

    /// The union of every set resource named `name`, whatever its reservation.
    pub fn set(&self, name: &str) -> Set {
        self.named(name).fold(Set::new(), |acc, q| match q {
            Quantity::Set(s) => acc.union(s),
            _ => acc,
        })
    }

    fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Quantity> + 'a {
        self.entries
            .iter()
            .filter(move |(k, _)| k.name == name)
            .map(|(_, e)| &e.quantity)
    }

    /// The groups whose resource (value fields cleared) matches `keep`.
    pub fn filter(&self, mut keep: impl FnMut(&Resource) -> bool) -> Resources {
        Resources {
            entries: self
                .entries
                .iter()
                .filter(|(_, e)| keep(&e.template))
                .map(|(k, e)| (k.clone(), e.clone()))
                .collect(),
        }
    }

    /// The unreserved resources.
    pub fn unreserved(&self) -> Resources {
        self.filter(Resource::is_unreserved)
    }

    /// The resources whose current reservation is for `role`.
    pub fn reserved_for(&self, role: &str) -> Resources {
        self.filter(|r| r.reservation_role() == Some(role))
    }

    /// The resources by the role of their current reservation; unreserved
    /// resources are under `"*"`.
    pub fn by_reservation_role(&self) -> BTreeMap<String, Resources> {
        self.group_by(|r| r.reservation_role().unwrap_or("*").to_owned())
    }

    /// The resources by allocation role; unallocated resources are under `""`.
    pub fn by_allocation_role(&self) -> BTreeMap<String, Resources> {
        self.group_by(|r| r.allocation_role().unwrap_or("").to_owned())
    }

    fn group_by(&self, role: impl Fn(&Resource) -> String) -> BTreeMap<String, Resources> {
        let mut out: BTreeMap<String, Resources> = BTreeMap::new();
        for (key, entry) in &self.entries {
            out.entry(role(&entry.template))
                .or_default()
                .entries
                .insert(key.clone(), entry.clone());
        }
        out
    }

    /// The same resources with `allocation_info` removed, so that allocated
    /// resources (offers, GET_AGENTS `allocated_resources`) compare with an
    /// agent's total.
    pub fn unallocated(&self) -> Resources {
        self.rebuild(|r| r.allocation_info = None)
    }

    /// The same resources allocated to `role`, as resources launched from a
    /// MULTI_ROLE offer must be.
    pub fn allocated_to(&self, role: &str) -> Resources {
        self.rebuild(|r| r.allocation_info = Some(Box::new(AllocationInfo::new(role))))
    }

    /// The same quantities with every reservation replaced: unreserved when
    /// `role` is `"*"`, otherwise reserved for `role` alone (one STATIC entry
    /// of the refined stack). Useful to ask what a role could use whatever
    /// the reservation path; the result is for math, not for sending back.
    pub fn flatten(&self, role: &str) -> Resources {
        self.rebuild(|r| {
            r.role = None;
            r.reservation = None;
            r.reservations =
                (role != "*").then(|| vec![ReservationInfo::new(ReservationType::Static, role)]);
            for field in ["role", "reservation", "reservations"] {
                r.extra.remove(field);
            }
        })
    }

    fn rebuild(&self, mut change: impl FnMut(&mut Resource)) -> Resources {
        let mut out = Resources::new();
        for entry in self.entries.values() {
            let mut template = entry.template.clone();
            change(&mut template);
            out.insert(&template, entry.quantity.clone());
        }
        out
    }
}

impl AddAssign<&Resources> for Resources {
    fn add_assign(&mut self, other: &Resources) {
        for entry in other.entries.values() {
            self.insert(&entry.template, entry.quantity.clone());
        }
    }
}

impl Add<&Resources> for Resources {
    type Output = Resources;
    fn add(mut self, other: &Resources) -> Resources {
        self += other;
        self
    }
}

impl Add<&Resources> for &Resources {
    type Output = Resources;
    fn add(self, other: &Resources) -> Resources {
        self.clone() + other
    }
}

/// `resource` (value fields cleared) with `quantity` written into it.
pub(super) fn with_quantity(template: &Resource, quantity: &Quantity) -> Resource {
    let mut out = template.clone();
    match quantity {
        Quantity::Scalar(s) => {
            out.kind = Some(ValueType::Scalar);
            out.scalar = Some(s.to_value());
        }
        Quantity::Ranges(r) => {
            out.kind = Some(ValueType::Ranges);
            out.ranges = Some(Box::new(r.to_value()));
        }
        Quantity::Set(s) => {
            out.kind = Some(ValueType::Set);
            out.set = Some(Box::new(s.to_value()));
        }
    }
    out
}

/// The resource's quantity, checked as Mesos validates it. A missing `type`
/// is inferred from the one value field present.
pub(super) fn quantity_of(resource: &Resource) -> Result<Quantity, ResourceError> {
    let name = || resource.name.to_string();
    let kind = match &resource.kind {
        Some(kind) => kind.clone(),
        None if resource.scalar.is_some() => ValueType::Scalar,
        None if resource.ranges.is_some() => ValueType::Ranges,
        None if resource.set.is_some() => ValueType::Set,
        None => {
            return Err(ResourceError::MissingValue {
                name: name(),
                kind: "none".to_owned(),
            });
        }
    };
    let missing = || ResourceError::MissingValue {
        name: name(),
        kind: kind.to_string(),
    };
    match &kind {
        ValueType::Scalar => {
            let value = Scalar::from(resource.scalar.as_ref().ok_or_else(missing)?);
            if value.is_negative() {
                return Err(ResourceError::Negative {
                    name: name(),
                    value,
                });
            }
            Ok(Quantity::Scalar(value))
        }
        ValueType::Ranges => {
            let ranges = resource.ranges.as_ref().ok_or_else(missing)?;
            if let Some(bad) = ranges.range.iter().find(|r| r.begin > r.end) {
                return Err(ResourceError::InvalidRange {
                    name: name(),
                    begin: bad.begin,
                    end: bad.end,
                });
            }
            Ok(Quantity::Ranges(Ranges::from(&**ranges)))
        }
        ValueType::Set => Ok(Quantity::Set(Set::from(
            resource.set.as_deref().ok_or_else(missing)?,
        ))),
        other => Err(ResourceError::UnsupportedType {
            name: name(),
            kind: other.to_string(),
        }),
    }
}

fn key_of(resource: &Resource, quantity: &Quantity) -> Key {
    Key {
        name: resource.name.to_string(),
        kind: quantity.kind_rank(),
        reservations: resource
            .reservation_stack()
            .iter()
            .map(ReservationKey::new)
            .collect(),
        allocation_role: resource.allocation_role().map(str::to_owned),
        provider: resource.provider_id.as_ref().map(|p| p.as_str().to_owned()),
        disk: resource
            .disk
            .as_ref()
            .and_then(|d| serde_json::to_string(d).ok()),
        revocable: resource.is_revocable(),
        shared: resource.is_shared(),
    }
}
