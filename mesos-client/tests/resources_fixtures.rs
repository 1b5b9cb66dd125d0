//! Resource math on the upstream Mesos examples under
//! `<workspace>/../shared/upstream/mesos`. Each test skips, with a notice,
//! when that folder is absent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use mesos_client::docker::TaskInfo;
use mesos_client::resources::{
    AgentResources, Offer, Resource, Resources, Scalar, TaskNeeds, ValueType, fits, summarize,
};

fn upstream(name: &str) -> Option<String> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/mesos");
    if !dir.is_dir() {
        eprintln!("skipping: {} is absent", dir.display());
        return None;
    }
    Some(std::fs::read_to_string(dir.join(name)).unwrap())
}

#[test]
fn scalar_ranges_and_set_resources() {
    let Some(text) = upstream("resources_scalar_ranges_set.json") else {
        return;
    };
    let list: Vec<Resource> = serde_json::from_str(&text).unwrap();
    let r = Resources::from_resources(&list).unwrap();
    assert_eq!(r.scalar("cpus"), Scalar::from(45.55));
    assert_eq!(r.scalar("cpus").millis(), 45_550);
    assert_eq!(r.ranges("ports").pairs(), &[(10000, 20000), (30000, 50000)]);
    assert_eq!(r.ranges("ports").count(), 10_001 + 20_001);
    assert_eq!(r.set("pandas").to_string(), "{lun_lun,yang_yang}");
    assert_eq!(r.unreserved(), r);
    // Written back (ordered by name), it is the same JSON.
    let back = serde_json::to_value(r.to_vec()).unwrap();
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back[0], want[0]);
    assert_eq!(back[1], want[2]);
    assert_eq!(back[2], want[1]);
}

#[test]
fn statically_reserved_ranges_and_sets() {
    let Some(text) = upstream("resources_ranges_set_with_static_reservations.json") else {
        return;
    };
    let list: Vec<Resource> = serde_json::from_str(&text).unwrap();
    assert_eq!(list[0].reservation_role(), Some("role1"));
    assert_eq!(list[1].reservation_role(), Some("panda_liason"));
    let r = Resources::from_resources(&list).unwrap();
    assert!(r.unreserved().is_empty());
    assert_eq!(r.reserved_for("role1").ranges("ports").count(), 30_002);
    assert_eq!(r.reserved_for("panda_liason").set("pandas").len(), 2);
    // Taking one panda leaves the other, still reserved.
    let mut one = list[1].clone();
    one.set = Some(Box::new(mesos_client::resources::ValueSet::new([
        "lun_lun",
    ])));
    let left = r
        .subtract(&Resources::from_resources(&[one]).unwrap())
        .unwrap();
    assert_eq!(
        left.reserved_for("panda_liason").set("pandas").to_string(),
        "{yang_yang}"
    );
}

/// The offers of an OFFERS event. The doc example writes `"offers":[…]`;
/// the proto (`scheduler.proto` `Event.Offers`) says `"offers":{"offers":[…]}`.
fn offers(event: &serde_json::Value) -> Vec<Offer> {
    let list = match &event["offers"] {
        serde_json::Value::Array(list) => list.clone(),
        other => other["offers"].as_array().cloned().unwrap_or_default(),
    };
    list.into_iter()
        .map(|o| serde_json::from_value(o).unwrap())
        .collect()
}

#[test]
fn offers_event_resources() {
    let Some(text) = upstream("scheduler_event_offers.json") else {
        return;
    };
    let event: serde_json::Value = serde_json::from_str(&text).unwrap();
    let offers = offers(&event);
    assert_eq!(offers.len(), 1);
    let offer = &offers[0];
    assert_eq!(offer.id.as_str(), "12214-23523-O235235");
    assert_eq!(offer.agent_id.as_str(), "12325-23523-S23523");
    assert_eq!(offer.hostname, "agent.host");
    assert_eq!(offer.executor_ids[0].as_str(), "12214-23523-my-executor");
    assert_eq!(
        offer.allocation_info.as_ref().unwrap().role.as_deref(),
        Some("engineering")
    );
    assert_eq!(offer.attributes[0].kind, Some(ValueType::Text));
    assert_eq!(
        offer.attributes[0].value_string().as_deref(),
        Some("ubuntu16.04")
    );

    let r = Resources::from_resources(&offer.resources).unwrap();
    assert_eq!(r.scalar("cpus"), Scalar::from(2.0));
    assert_eq!(r.by_allocation_role()["engineering"], r);

    let alloc = fits(&offer.resources, &TaskNeeds::new(1.5, 0.0)).unwrap();
    assert_eq!(alloc.resources.len(), 1);
    assert_eq!(alloc.resources[0].allocation_role(), Some("engineering"));
    assert_eq!(alloc.resources[0].role.as_deref(), Some("*"));
    assert_eq!(alloc.remaining.scalar("cpus"), Scalar::from(0.5));
    assert!(fits(&offer.resources, &TaskNeeds::new(1.0, 128.0)).is_none());

    // The offer round-trips field by field.
    let back = serde_json::to_value(offer).unwrap();
    let want = &event["offers"][0];
    for field in [
        "id",
        "framework_id",
        "agent_id",
        "hostname",
        "allocation_info",
        "attributes",
        "executor_ids",
    ] {
        assert_eq!(back[field], want[field], "{field}");
    }
}

#[test]
fn accept_call_launches_resources_that_keep_allocation_info() {
    let Some(text) = upstream("scheduler_accept_call.json") else {
        return;
    };
    let call: serde_json::Value = serde_json::from_str(&text).unwrap();
    let task: TaskInfo =
        serde_json::from_value(call["accept"]["operations"][0]["launch"]["task_infos"][0].clone())
            .unwrap();
    assert!(
        task.resources
            .iter()
            .all(|r| r.allocation_role() == Some("engineering"))
    );
    let launched = Resources::from_resources(&task.resources).unwrap();
    assert_eq!(launched.scalar("cpus"), Scalar::from(1.0));
    assert_eq!(launched.scalar("mem"), Scalar::from(128.0));
    assert_eq!(task.limits.as_ref().unwrap()["cpus"], "Infinity");

    // The cpus fit in the offer of the OFFERS example, which is for the
    // same role; without allocation_info they would not.
    let Some(offer_text) = upstream("scheduler_event_offers.json") else {
        return;
    };
    let offer = offers(&serde_json::from_str(&offer_text).unwrap()).remove(0);
    let offered = Resources::from_resources(&offer.resources).unwrap();
    let cpus = launched.filter(|r| r.name == "cpus");
    assert!(offered.contains(&cpus));
    assert!(!offered.contains(&cpus.unallocated()));
    assert_eq!(
        offered.subtract(&cpus).unwrap().scalar("cpus"),
        Scalar::from(1.0)
    );
}

#[test]
fn get_agents_capacity_summary() {
    let Some(text) = upstream("operator_get_agents_response.txt") else {
        return;
    };
    // The upstream doc body starts with "{{" (SOURCES.md): drop one brace.
    let json: serde_json::Value =
        serde_json::from_str(text.trim_start().strip_prefix('{').unwrap()).unwrap();
    let agents: Vec<AgentResources> = json["get_agents"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            let list = |field: &str| -> Vec<Resource> {
                serde_json::from_value(a[field].clone()).unwrap_or_default()
            };
            AgentResources::new(
                a["agent_info"]["id"]["value"].as_str().unwrap(),
                a["agent_info"]["hostname"].as_str().unwrap(),
                list("total_resources"),
            )
            .with_allocated(list("allocated_resources"))
            .with_offered(list("offered_resources"))
        })
        .collect();
    let mut with_task = agents[0].clone();
    with_task.agent_id.push_str("-busy");
    let mut cpus = Resource::scalar("cpus", 0.5);
    cpus.role = Some("*".into());
    cpus.allocation_info = Some(mesos_client::resources::AllocationInfo::new("ci").into());
    let mut ports = Resource::ranges("ports", [(31000, 31009)]);
    ports.role = Some("*".into());
    ports.allocation_info = Some(mesos_client::resources::AllocationInfo::new("ci").into());
    let with_task = with_task.with_allocated(vec![cpus, ports]);

    let summary = summarize(&[agents[0].clone(), with_task]);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    assert_eq!(summary.agents, 2);
    assert_eq!(summary.total.scalar("cpus"), Scalar::from(4.0));
    assert_eq!(summary.total.scalar("mem"), Scalar::from(2048.0));
    assert_eq!(summary.total.scalar("disk"), Scalar::from(2048.0));
    assert_eq!(summary.used.scalar("cpus"), Scalar::from(0.5));
    assert_eq!(summary.free.scalar("cpus"), Scalar::from(3.5));
    assert_eq!(summary.used_by_role["ci"].ranges("ports").count(), 10);
    // Both agents offer the same port numbers; free is summed per agent.
    assert_eq!(summary.per_agent[1].free.ranges("ports").count(), 991);
    assert_eq!(summary.reserved_by_role.keys().collect::<Vec<_>>(), ["*"]);
    assert_eq!(summary.per_agent[0].hostname, "host");
}

#[test]
fn legacy_state_flat_resource_maps() {
    let Some(text) = upstream("legacy_master_state_json_mesos_dns_fixture.json") else {
        return;
    };
    let state: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut total = Resources::new();
    for slave in state["slaves"].as_array().unwrap() {
        let map = slave["resources"].as_object().unwrap();
        total += &Resources::from_legacy_map(map, None).unwrap();
    }
    assert_eq!(total.scalar("cpus"), Scalar::from(32.0));
    assert_eq!(total.scalar("mem"), Scalar::from(30844.0 + 3.0 * 31016.0));
    assert_eq!(total.ranges("ports").pairs(), &[(31000, 32000)]);
}
