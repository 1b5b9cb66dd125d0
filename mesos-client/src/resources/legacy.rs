//! The flat resource maps of the legacy endpoints (`/master/state`,
//! `/slave(1)/state`): `{"cpus": 8, "mem": 30844, "ports": "[31000-32000]"}`.

use super::collection::Resources;
use super::error::ResourceError;
use super::ranges::Ranges;
use super::resource::{ReservationInfo, ReservationType, Resource};
use super::set::Set;

impl Resources {
    /// Reads a legacy flat resource map. Numbers (or numeric strings) are
    /// scalars, `"[a-b,…]"` are ranges and `"{x,y}"` are sets. With `role`
    /// (as in a legacy `reserved_resources` map keyed by role), every
    /// resource is reserved for it; `"*"` or `None` means unreserved.
    ///
    /// # Errors
    /// A value that is none of the above, or a negative number.
    pub fn from_legacy_map(
        map: &serde_json::Map<String, serde_json::Value>,
        role: Option<&str>,
    ) -> Result<Resources, ResourceError> {
        let mut out = Resources::new();
        for (name, value) in map {
            let mut resource = legacy_resource(name, value)?;
            if let Some(role) = role.filter(|r| *r != "*") {
                resource.reservations =
                    Some(vec![ReservationInfo::new(ReservationType::Static, role)]);
            }
            out.push(&resource)?;
        }
        Ok(out)
    }
}

fn legacy_resource(name: &str, value: &serde_json::Value) -> Result<Resource, ResourceError> {
    let bad = || ResourceError::UnsupportedType {
        name: name.to_owned(),
        kind: format!("legacy value {value}"),
    };
    match value {
        serde_json::Value::Number(n) => Ok(Resource::scalar(name, n.as_f64().ok_or_else(bad)?)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            if s.starts_with('[') {
                let ranges = Ranges::parse_legacy(s).ok_or_else(bad)?;
                Ok(Resource::ranges(name, ranges.pairs().iter().copied()))
            } else if let Some(inner) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                let set: Set = inner
                    .split(',')
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .collect();
                Ok(Resource::set(name, set.items()))
            } else {
                Ok(Resource::scalar(name, s.parse().map_err(|_| bad())?))
            }
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use crate::resources::{Resources, Scalar};

    #[test]
    fn a_legacy_map_reads_scalars_ranges_and_sets() {
        let map = serde_json::json!({
            "cpus": 8, "mem": 30844.5, "disk": "1035066",
            "ports": "[31000-32000]", "pandas": "{lun_lun, yang_yang}"
        });
        let r = Resources::from_legacy_map(map.as_object().unwrap(), None).unwrap();
        assert_eq!(r.scalar("cpus"), Scalar::from(8.0));
        assert_eq!(r.scalar("mem"), Scalar::from(30844.5));
        assert_eq!(r.scalar("disk"), Scalar::from(1_035_066.0));
        assert_eq!(r.ranges("ports").count(), 1001);
        assert_eq!(r.set("pandas").len(), 2);
        assert_eq!(r.unreserved(), r);
    }

    #[test]
    fn a_legacy_map_with_a_role_is_reserved() {
        let map = serde_json::json!({"cpus": 1});
        let r = Resources::from_legacy_map(map.as_object().unwrap(), Some("ops")).unwrap();
        assert_eq!(r.reserved_for("ops").scalar("cpus"), Scalar::from(1.0));
        assert!(r.unreserved().is_empty());
        let junk = serde_json::json!({"cpus": true});
        assert!(Resources::from_legacy_map(junk.as_object().unwrap(), None).is_err());
    }
}
