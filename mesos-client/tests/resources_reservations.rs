//! Reservations in the refined and legacy forms, allocation roles, and
//! fitting tasks into offers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mesos_client::resources::{
    FitError, Resource, ResourceError, Resources, Scalar, TaskNeeds, fits, try_fit,
};

fn decode(json: &str) -> Vec<Resource> {
    serde_json::from_str(json).unwrap()
}

/// The same two reservations, in the refined form (Mesos 1.4+) and the
/// legacy form (`role` plus `reservation`).
const REFINED: &str = r#"[
  {"name":"cpus","type":"SCALAR","scalar":{"value":2},
   "reservations":[{"type":"STATIC","role":"ops"}]},
  {"name":"mem","type":"SCALAR","scalar":{"value":512},
   "reservations":[{"type":"DYNAMIC","role":"ops","principal":"jenkins",
                    "labels":{"labels":[{"key":"owner","value":"ci"}]}}]},
  {"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"*"}
]"#;

const LEGACY: &str = r#"[
  {"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"ops"},
  {"name":"mem","type":"SCALAR","scalar":{"value":512},"role":"ops",
   "reservation":{"principal":"jenkins","labels":{"labels":[{"key":"owner","value":"ci"}]}}},
  {"name":"cpus","type":"SCALAR","scalar":{"value":1}}
]"#;

#[test]
fn refined_and_legacy_reservations_read_the_same() {
    let refined = decode(REFINED);
    let legacy = decode(LEGACY);
    for list in [&refined, &legacy] {
        assert_eq!(list[0].reservation_role(), Some("ops"));
        assert!(!list[0].is_dynamically_reserved());
        assert_eq!(list[1].reservation_role(), Some("ops"));
        assert!(list[1].is_dynamically_reserved());
        assert_eq!(list[2].reservation_role(), None);
        assert!(list[2].is_unreserved());
    }
    assert_eq!(
        refined[1].reservation_stack(),
        legacy[1].reservation_stack()
    );
    let (a, b) = (
        Resources::from_resources(&refined).unwrap(),
        Resources::from_resources(&legacy).unwrap(),
    );
    assert_eq!(a, b, "the two forms are the same resources");
    assert!(a.contains(&b) && b.contains(&a));
    assert_eq!(a.subtract(&b).unwrap(), Resources::new());
}

#[test]
fn the_last_entry_of_a_refined_stack_is_the_current_role() {
    let stack = decode(
        r#"[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"ignored",
             "reservations":[{"type":"STATIC","role":"eng"},
                             {"type":"DYNAMIC","role":"eng/ci","principal":"p"}]}]"#,
    );
    assert_eq!(stack[0].reservation_role(), Some("eng/ci"));
    assert!(stack[0].is_dynamically_reserved());
    // An empty stack falls back to the legacy role.
    let empty = decode(
        r#"[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"eng","reservations":[]}]"#,
    );
    assert_eq!(empty[0].reservation_role(), Some("eng"));
}

#[test]
fn different_reservations_are_not_interchangeable() {
    let r = Resources::from_resources(&decode(REFINED)).unwrap();
    assert_eq!(r.scalar("cpus"), Scalar::from(3.0));
    assert_eq!(r.reserved_for("ops").scalar("cpus"), Scalar::from(2.0));
    assert_eq!(r.unreserved().scalar("cpus"), Scalar::from(1.0));
    let two_unreserved = Resources::from_resources(&[Resource::scalar("cpus", 2.0)]).unwrap();
    assert!(
        !r.contains(&two_unreserved),
        "2 reserved cpus are not 2 unreserved cpus"
    );
    let err = r.subtract(&two_unreserved).unwrap_err();
    assert!(
        matches!(&err, ResourceError::Insufficient { name, role, needed, available }
            if name == "cpus" && role == "*" && needed == "2" && available == "1"),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "not enough `cpus` (reserved for *): need 2, have 1"
    );

    let by_role = r.by_reservation_role();
    assert_eq!(by_role.keys().collect::<Vec<_>>(), ["*", "ops"]);
    assert_eq!(by_role["ops"].scalar("mem"), Scalar::from(512.0));
    // Flattened to one role, all three cpus are alike.
    assert_eq!(
        r.flatten("*").unreserved().scalar("cpus"),
        Scalar::from(3.0)
    );
    assert_eq!(
        r.flatten("dev").reserved_for("dev").scalar("cpus"),
        Scalar::from(3.0)
    );
    assert_eq!(r.flatten("dev").len(), 2);
}

#[test]
fn allocation_roles_are_kept_apart_until_removed() {
    let mut allocated = Resource::scalar("cpus", 1.0);
    allocated.allocation_info = Some(mesos_client::resources::AllocationInfo::new("eng").into());
    let r = Resources::from_resources(&[allocated, Resource::scalar("cpus", 1.0)]).unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(
        r.by_allocation_role()["eng"].scalar("cpus"),
        Scalar::from(1.0)
    );
    assert_eq!(r.unallocated().len(), 1);
    assert_eq!(r.unallocated().scalar("cpus"), Scalar::from(2.0));
    let launched = r.allocated_to("eng");
    assert!(
        launched
            .to_vec()
            .iter()
            .all(|x| x.allocation_role() == Some("eng"))
    );
}

#[test]
fn malformed_resources_are_errors() {
    let text = decode(r#"[{"name":"os","type":"TEXT","text":{"value":"x"}}]"#);
    assert!(matches!(
        Resources::from_resources(&text),
        Err(ResourceError::UnsupportedType { .. })
    ));
    let missing = decode(r#"[{"name":"cpus","type":"SCALAR"}]"#);
    assert!(matches!(
        Resources::from_resources(&missing),
        Err(ResourceError::MissingValue { .. })
    ));
    let negative = [Resource::scalar("cpus", -1.0)];
    assert!(matches!(
        Resources::from_resources(&negative),
        Err(ResourceError::Negative { .. })
    ));
    let backwards =
        decode(r#"[{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":5,"end":1}]}}]"#);
    assert!(matches!(
        Resources::from_resources(&backwards),
        Err(ResourceError::InvalidRange {
            begin: 5,
            end: 1,
            ..
        })
    ));
    // A missing type is inferred from the one value present.
    let untyped = decode(r#"[{"name":"cpus","scalar":{"value":1.5}}]"#);
    assert_eq!(
        Resources::from_resources(&untyped).unwrap().scalar("cpus"),
        Scalar::from(1.5)
    );
}

#[test]
fn unknown_fields_and_enum_values_survive() {
    let json = r#"{"name":"cpus","type":"SCALAR","scalar":{"value":1.5},"future":{"x":1},
                   "reservations":[{"type":"ELASTIC","role":"ops"}]}"#;
    let r: Resource = serde_json::from_str(json).unwrap();
    let back: serde_json::Value = serde_json::to_value(&r).unwrap();
    let want: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(back, want);
    // And through the math, from the group's first resource.
    let math = Resources::from_resources(&[r]).unwrap().to_vec();
    assert_eq!(serde_json::to_value(&math[0]).unwrap(), want);
}

/// An offer like the upstream MULTI_ROLE example, with ports.
fn offer() -> Vec<Resource> {
    decode(
        r#"[
      {"allocation_info":{"role":"engineering"},"name":"cpus","type":"SCALAR","scalar":{"value":2},"role":"*"},
      {"allocation_info":{"role":"engineering"},"name":"mem","type":"SCALAR","scalar":{"value":1024},"role":"*"},
      {"allocation_info":{"role":"engineering"},"name":"disk","type":"SCALAR","scalar":{"value":4096},"role":"*"},
      {"allocation_info":{"role":"engineering"},"name":"ports","type":"RANGES","role":"*",
       "ranges":{"range":[{"begin":31000,"end":31002},{"begin":31004,"end":31005}]}}
    ]"#,
    )
}

#[test]
fn fits_picks_ports_and_keeps_allocation_info() {
    let needs = TaskNeeds::new(0.5, 256.0).with_disk(100.0).with_ports(4);
    let alloc = fits(&offer(), &needs).expect("fits");
    assert_eq!(alloc.ports, [31000, 31001, 31002, 31004]);
    let json = serde_json::to_value(&alloc.resources).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"name":"cpus","type":"SCALAR","scalar":{"value":0.5},"role":"*","allocation_info":{"role":"engineering"}},
            {"name":"disk","type":"SCALAR","scalar":{"value":100.0},"role":"*","allocation_info":{"role":"engineering"}},
            {"name":"mem","type":"SCALAR","scalar":{"value":256.0},"role":"*","allocation_info":{"role":"engineering"}},
            {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":31002},{"begin":31004,"end":31004}]},
             "role":"*","allocation_info":{"role":"engineering"}}
        ])
    );
    // What is left fits a second, smaller task, and the picks add up.
    assert_eq!(alloc.remaining.ranges("ports").pairs(), &[(31005, 31005)]);
    assert_eq!(alloc.remaining.scalar("cpus"), Scalar::from(1.5));
    let offered = Resources::from_resources(&offer()).unwrap();
    let used = Resources::from_resources(&alloc.resources).unwrap();
    assert_eq!(&alloc.remaining + &used, offered);
    let again = fits(
        &alloc.remaining.to_vec(),
        &TaskNeeds::new(1.5, 768.0).with_ports(1),
    )
    .unwrap();
    assert_eq!(again.ports, [31005]);
}

#[test]
fn fits_fails_clearly_when_short() {
    let short_ports = try_fit(&offer(), &TaskNeeds::new(1.0, 128.0).with_ports(6)).unwrap_err();
    assert_eq!(
        short_ports,
        FitError::Short {
            name: "ports".into(),
            needed: "6 ports".into(),
            available: "5 ports [31000-31002,31004-31005]".into(),
        }
    );
    assert_eq!(
        short_ports.to_string(),
        "the offer is short of `ports`: the task needs 6 ports, the offer has 5 ports [31000-31002,31004-31005]"
    );
    let short_cpus = try_fit(&offer(), &TaskNeeds::new(2.001, 128.0)).unwrap_err();
    assert!(
        matches!(&short_cpus, FitError::Short { name, needed, available }
        if name == "cpus" && needed == "2.001" && available == "2")
    );
    assert!(
        fits(
            &offer(),
            &TaskNeeds::new(2.0, 1024.0).with_disk(4096.0).with_ports(5)
        )
        .is_some()
    );
    assert!(fits(&[], &TaskNeeds::new(0.1, 0.0)).is_none());
}

#[test]
fn fits_prefers_reservations_and_skips_special_resources() {
    let list = decode(
        r#"[
      {"name":"cpus","type":"SCALAR","scalar":{"value":4},"role":"*"},
      {"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"ci"}]},
      {"name":"cpus","type":"SCALAR","scalar":{"value":8},"revocable":{}},
      {"name":"mem","type":"SCALAR","scalar":{"value":4096},"role":"*"},
      {"name":"disk","type":"SCALAR","scalar":{"value":9000},"role":"*",
       "disk":{"persistence":{"id":"vol"},"volume":{"container_path":"data","mode":"RW"}}},
      {"name":"disk","type":"SCALAR","scalar":{"value":500},"role":"*",
       "disk":{"source":{"type":"MOUNT","mount":{"root":"/mnt/a"}}}},
      {"name":"os","type":"TEXT","text":{"value":"not a resource, ignored"}}
    ]"#,
    );
    let alloc = fits(&list, &TaskNeeds::new(3.0, 100.0)).unwrap();
    let picked = Resources::from_resources(&alloc.resources).unwrap();
    assert_eq!(picked.reserved_for("ci").scalar("cpus"), Scalar::from(1.0));
    assert_eq!(picked.unreserved().scalar("cpus"), Scalar::from(2.0));
    // 8 revocable cpus are not used unless allowed.
    assert!(fits(&list, &TaskNeeds::new(6.0, 1.0)).is_none());
    assert!(fits(&list, &TaskNeeds::new(6.0, 1.0).allow_revocable(true)).is_some());
    // Persistent volumes and MOUNT disks are not plain disk.
    let err = try_fit(&list, &TaskNeeds::new(1.0, 1.0).with_disk(1.0)).unwrap_err();
    assert!(matches!(err, FitError::Short { name, .. } if name == "disk"));
}
