//! Resource accounting: fixed-point scalars (3 decimal places, as Mesos)
//! and port-style ranges, with the v1 JSON form of `Resource` lists.

use std::collections::BTreeMap;

use serde_json::{Value, json};

/// A bag of resources: named scalars (`cpus`, `mem`, `disk`, `gpus`…) in
/// thousandths, and named ranges (`ports`), merged and sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Resources {
    scalars: BTreeMap<String, i64>,
    ranges: BTreeMap<String, Vec<(u64, u64)>>,
}

fn milli(x: f64) -> i64 {
    (x * 1000.0).round() as i64
}

/// Merges overlapping and adjacent ranges.
fn normalize(mut ranges: Vec<(u64, u64)>) -> Vec<(u64, u64)> {
    ranges.retain(|(b, e)| b <= e);
    ranges.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (b, e) in ranges {
        match out.last_mut() {
            Some(last) if b <= last.1.saturating_add(1) => last.1 = last.1.max(e),
            _ => out.push((b, e)),
        }
    }
    out
}

fn subtract_ranges(from: &[(u64, u64)], take: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(b, e) in from {
        let mut pieces = vec![(b, e)];
        for &(tb, te) in take {
            pieces = pieces
                .into_iter()
                .flat_map(|(pb, pe)| {
                    if te < pb || tb > pe {
                        return vec![(pb, pe)];
                    }
                    let mut keep = Vec::new();
                    if tb > pb {
                        keep.push((pb, tb - 1));
                    }
                    if te < pe {
                        keep.push((te + 1, pe));
                    }
                    keep
                })
                .collect();
        }
        out.extend(pieces);
    }
    normalize(out)
}

fn ranges_contain(outer: &[(u64, u64)], inner: &[(u64, u64)]) -> bool {
    inner
        .iter()
        .all(|&(b, e)| outer.iter().any(|&(ob, oe)| ob <= b && e <= oe))
}

impl Resources {
    /// Adds a scalar.
    pub(crate) fn with_scalar(mut self, name: &str, value: f64) -> Self {
        let v = milli(value);
        if v > 0 {
            *self.scalars.entry(name.to_owned()).or_default() += v;
        }
        self
    }

    /// Adds ranges.
    pub(crate) fn with_ranges(mut self, name: &str, ranges: &[(u64, u64)]) -> Self {
        if !ranges.is_empty() {
            let entry = self.ranges.entry(name.to_owned()).or_default();
            entry.extend_from_slice(ranges);
            *entry = normalize(std::mem::take(entry));
        }
        self
    }

    /// A scalar's value.
    pub(crate) fn scalar(&self, name: &str) -> f64 {
        self.scalars.get(name).copied().unwrap_or(0) as f64 / 1000.0
    }

    /// A range resource's ranges.
    pub(crate) fn ranges(&self, name: &str) -> &[(u64, u64)] {
        self.ranges.get(name).map(Vec::as_slice).unwrap_or(&[])
    }

    /// How many values a range resource holds (ports).
    pub(crate) fn range_count(&self, name: &str) -> u64 {
        self.ranges(name).iter().map(|(b, e)| e - b + 1).sum()
    }

    /// Whether there is nothing.
    pub(crate) fn is_empty(&self) -> bool {
        self.scalars.values().all(|v| *v <= 0) && self.ranges.values().all(Vec::is_empty)
    }

    /// Whether a framework could use this: at least 0.01 cpus or 32 MB of
    /// memory, as the Mesos allocator's minimum.
    pub(crate) fn is_allocatable(&self) -> bool {
        self.scalars.get("cpus").copied().unwrap_or(0) >= 10
            || self.scalars.get("mem").copied().unwrap_or(0) >= 32_000
    }

    /// Whether `other` fits in `self`.
    pub(crate) fn contains(&self, other: &Resources) -> bool {
        other
            .scalars
            .iter()
            .all(|(n, v)| self.scalars.get(n).copied().unwrap_or(0) >= *v)
            && other
                .ranges
                .iter()
                .all(|(n, r)| ranges_contain(self.ranges(n), r))
    }

    /// Adds `other`.
    pub(crate) fn add(&mut self, other: &Resources) {
        for (n, v) in &other.scalars {
            *self.scalars.entry(n.clone()).or_default() += v;
        }
        for (n, r) in &other.ranges {
            let entry = self.ranges.entry(n.clone()).or_default();
            entry.extend_from_slice(r);
            *entry = normalize(std::mem::take(entry));
        }
    }

    /// Removes `other` (never below zero).
    pub(crate) fn subtract(&mut self, other: &Resources) {
        for (n, v) in &other.scalars {
            if let Some(mine) = self.scalars.get_mut(n) {
                *mine = (*mine - v).max(0);
            }
        }
        self.scalars.retain(|_, v| *v > 0);
        for (n, r) in &other.ranges {
            if let Some(mine) = self.ranges.get_mut(n) {
                *mine = subtract_ranges(mine, r);
            }
        }
        self.ranges.retain(|_, r| !r.is_empty());
    }

    /// `self - other`.
    pub(crate) fn minus(&self, other: &Resources) -> Resources {
        let mut out = self.clone();
        out.subtract(other);
        out
    }

    /// The lowest `count` values of a range resource, as ranges; `None`
    /// when there are not that many.
    pub(crate) fn take_lowest(&self, name: &str, count: u64) -> Option<Vec<(u64, u64)>> {
        let mut left = count;
        let mut out = Vec::new();
        for &(b, e) in self.ranges(name) {
            if left == 0 {
                break;
            }
            let n = (e - b + 1).min(left);
            out.push((b, b + n - 1));
            left -= n;
        }
        (left == 0).then_some(out)
    }

    /// Reads a v1 `Resource` list. Only SCALAR and RANGES resources are
    /// simulated; a SET, or a malformed entry, is an error naming it.
    pub(crate) fn from_json(list: &[Value]) -> Result<Resources, String> {
        let mut out = Resources::default();
        for (i, r) in list.iter().enumerate() {
            let name = r
                .get("name")
                .and_then(Value::as_str)
                .ok_or(format!("resources[{i}] has no name"))?;
            let kind = r.get("type").and_then(Value::as_str).unwrap_or("SCALAR");
            match kind {
                "SCALAR" => {
                    let v = r
                        .pointer("/scalar/value")
                        .and_then(Value::as_f64)
                        .filter(|v| v.is_finite() && *v >= 0.0)
                        .ok_or(format!("resources[{i}] ({name}) has no valid scalar value"))?;
                    out = out.with_scalar(name, v);
                }
                "RANGES" => {
                    let ranges = r
                        .pointer("/ranges/range")
                        .and_then(Value::as_array)
                        .ok_or(format!("resources[{i}] ({name}) has no ranges"))?;
                    let mut parsed = Vec::new();
                    for range in ranges {
                        let b = range.get("begin").and_then(Value::as_u64);
                        let e = range.get("end").and_then(Value::as_u64);
                        match (b, e) {
                            (Some(b), Some(e)) if b <= e => parsed.push((b, e)),
                            _ => return Err(format!("resources[{i}] ({name}) has a bad range")),
                        }
                    }
                    out = out.with_ranges(name, &parsed);
                }
                other => {
                    return Err(format!(
                        "resources[{i}] ({name}) is of type {other}, which dcos-sim does not simulate"
                    ));
                }
            }
        }
        Ok(out)
    }

    /// The v1 `Resource` list, unreserved (`role: "*"`), with
    /// `allocation_info` when allocated to a role.
    pub(crate) fn to_json(&self, allocated_to: Option<&str>) -> Vec<Value> {
        let mut out = Vec::new();
        let decorate = |mut v: Value| {
            if let (Some(role), Some(map)) = (allocated_to, v.as_object_mut()) {
                map.insert("allocation_info".into(), json!({ "role": role }));
            }
            v
        };
        for (name, v) in &self.scalars {
            out.push(decorate(json!({
                "name": name,
                "type": "SCALAR",
                "scalar": { "value": *v as f64 / 1000.0 },
                "role": "*",
            })));
        }
        for (name, ranges) in &self.ranges {
            let range: Vec<Value> = ranges
                .iter()
                .map(|(b, e)| json!({ "begin": b, "end": e }))
                .collect();
            out.push(decorate(json!({
                "name": name,
                "type": "RANGES",
                "ranges": { "range": range },
                "role": "*",
            })));
        }
        out
    }

    /// The legacy (v0) flat map: `{"cpus":2.0,"ports":"[31000-32000]"}`.
    pub(crate) fn to_legacy(&self) -> Value {
        let mut map = serde_json::Map::new();
        for name in ["cpus", "mem", "disk", "gpus"] {
            map.insert(name.into(), json!(self.scalar(name)));
        }
        for (name, v) in &self.scalars {
            map.insert(name.clone(), json!(*v as f64 / 1000.0));
        }
        for (name, ranges) in &self.ranges {
            let text: Vec<String> = ranges.iter().map(|(b, e)| format!("{b}-{e}")).collect();
            map.insert(name.clone(), json!(format!("[{}]", text.join(", "))));
        }
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent() -> Resources {
        Resources::default()
            .with_scalar("cpus", 4.0)
            .with_scalar("mem", 1024.0)
            .with_ranges("ports", &[(31000, 31009)])
    }

    #[test]
    fn subtracting_and_adding_back_round_trips() {
        let total = agent();
        let task = Resources::default()
            .with_scalar("cpus", 0.1)
            .with_ranges("ports", &[(31003, 31004)]);
        assert!(total.contains(&task));
        let mut free = total.minus(&task);
        assert_eq!(free.scalar("cpus"), 3.9);
        assert_eq!(free.ranges("ports"), &[(31000, 31002), (31005, 31009)]);
        free.add(&task);
        assert_eq!(free, total);
    }

    #[test]
    fn fixed_point_avoids_float_drift() {
        let mut r = Resources::default().with_scalar("cpus", 1.0);
        for _ in 0..10 {
            r.subtract(&Resources::default().with_scalar("cpus", 0.1));
        }
        assert!(r.is_empty(), "{r:?}");
    }

    #[test]
    fn json_round_trips_and_bad_entries_are_named() {
        let r = agent();
        assert_eq!(Resources::from_json(&r.to_json(Some("dev"))).unwrap(), r);
        let set = json!([{"name": "disks", "type": "SET", "set": {"item": ["a"]}}]);
        let err = Resources::from_json(set.as_array().unwrap()).unwrap_err();
        assert!(err.contains("SET"), "{err}");
        let bad = json!([{"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 5, "end": 1}]}}]);
        assert!(Resources::from_json(bad.as_array().unwrap()).is_err());
        assert!(!agent().contains(&Resources::default().with_ranges("ports", &[(30999, 31000)])));
    }

    #[test]
    fn lowest_ports_are_taken_first_and_legacy_form_reads_well() {
        let r = Resources::default().with_ranges("ports", &[(10, 11), (20, 30)]);
        assert_eq!(r.take_lowest("ports", 3), Some(vec![(10, 11), (20, 20)]));
        assert_eq!(r.take_lowest("ports", 99), None);
        assert_eq!(r.to_legacy()["ports"], "[10-11, 20-30]");
        assert_eq!(r.range_count("ports"), 13);
    }
}
