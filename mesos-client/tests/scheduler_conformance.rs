//! Decodes every `scheduler_*` file of the upstream Mesos examples into its
//! type ([`Call`] or [`Event`]). Every such file must be listed here, so a
//! new upstream file fails the test until it is classified.
//!
//! The doc examples that SOURCES.md lists as differing from the protos:
//! - `scheduler_event_offers.json` (a bare `offers` array) and
//!   `scheduler_event_error.json` (a top-level `message`): the doc shape is
//!   asserted NOT to decode as a typed event, and the proto shape the real
//!   master sends (`"offers":{"offers":[…]}`, `"error":{"message":…}`),
//!   built from the same data, decodes;
//! - `scheduler_event_update.json` (`bytes` instead of `data`): the unknown
//!   field lands in the status's `extra`;
//! - `scheduler_acknowledge_call.json`: its uuid is a placeholder that is
//!   not canonical base64; asserted refused, then decoded with a real one;
//! - `scheduler_request_call.json` (a top-level `requests`): lands in the
//!   call's `extra`;
//! - `scheduler_accept_call.json` (`limits` as bare numbers),
//!   `scheduler_acknowledge_operation_status_call.json` and
//!   `scheduler_event_update_operation_status.json` (ids as strings): those
//!   parts are kept as sent (`serde_json::Value`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mesos_client::scheduler::{Call, CallType, Event, EventType, OperationType, RawEvent};
use serde_json::{Value, json};

/// How a file is checked.
enum Check {
    /// A call body of this type, with extra checks.
    CallBody(CallType, fn(&Call)),
    /// An event of this type, with extra checks.
    EventBody(EventType, fn(&Event)),
    /// A doc example whose shape differs from the protos: it must not
    /// decode as a typed event; `fix` rebuilds the proto shape, which must.
    DocBugEvent(EventType, fn(Value) -> Value),
    /// A call whose doc example holds a placeholder our strict decoder
    /// refuses (reason): asserted refused, then decoded once `fix`ed.
    CallPlaceholder(CallType, &'static str, fn(Value) -> Value),
    /// Not strict JSON upstream (reason); asserted to stay so.
    NotJson(&'static str),
}

fn no_check_call(_: &Call) {}
fn no_check_event(_: &Event) {}

fn table() -> Vec<(&'static str, Check)> {
    use Check::*;
    vec![
        (
            "scheduler_accept_call.json",
            CallBody(CallType::Accept, |c| {
                let accept = c.accept.as_ref().unwrap();
                assert!(!accept.offer_ids.is_empty());
                assert!(!accept.operations.is_empty());
                assert!(
                    accept
                        .operations
                        .iter()
                        .any(|o| o.kind == OperationType::Launch)
                );
            }),
        ),
        (
            "scheduler_accept_launch_group_call.txt",
            NotJson("missing comma after `limits`"),
        ),
        (
            "scheduler_accept_launch_mesos_container_call.txt",
            NotJson("missing comma after `limits`"),
        ),
        (
            "scheduler_acknowledge_call.json",
            CallPlaceholder(
                CallType::Acknowledge,
                "the uuid is not canonical base64 (non-zero trailing bits)",
                |mut doc| {
                    doc["acknowledge"]["uuid"] = json!("AAECAwQFBgcICQoLDA0ODw==");
                    doc
                },
            ),
        ),
        (
            "scheduler_acknowledge_operation_status_call.json",
            CallBody(CallType::AcknowledgeOperationStatus, |c| {
                assert!(c.acknowledge_operation_status.is_some());
            }),
        ),
        (
            "scheduler_decline_call.json",
            CallBody(CallType::Decline, |c| {
                let decline = c.decline.as_ref().unwrap();
                assert!(!decline.offer_ids.is_empty());
                assert!(decline.filters.as_ref().unwrap().refuse_seconds.is_some());
            }),
        ),
        (
            "scheduler_event_error.json",
            DocBugEvent(EventType::Error, |mut doc| {
                let message = doc["message"].take();
                json!({"type": "ERROR", "error": {"message": message}})
            }),
        ),
        (
            "scheduler_event_failure.json",
            EventBody(EventType::Failure, no_check_event),
        ),
        (
            "scheduler_event_heartbeat.json",
            EventBody(EventType::Heartbeat, |e| assert_eq!(*e, Event::Heartbeat)),
        ),
        (
            "scheduler_event_message.json",
            EventBody(EventType::Message, no_check_event),
        ),
        (
            "scheduler_event_offers.json",
            DocBugEvent(EventType::Offers, |mut doc| {
                let offers = doc["offers"].take();
                json!({"type": "OFFERS", "offers": {"offers": offers}})
            }),
        ),
        (
            "scheduler_event_rescind.json",
            EventBody(EventType::Rescind, |e| {
                let Event::Rescind(id) = e else { panic!() };
                assert!(!id.as_str().is_empty());
            }),
        ),
        (
            "scheduler_event_update.json",
            EventBody(EventType::Update, |e| {
                let Event::Update(status) = e else { panic!() };
                assert!(status.uuid.is_some());
                // The doc's `bytes` is not a TaskStatus field: kept.
                assert!(status.extra.contains_key("bytes"));
            }),
        ),
        (
            "scheduler_event_update_operation_status.json",
            EventBody(EventType::UpdateOperationStatus, no_check_event),
        ),
        (
            "scheduler_kill_call.json",
            CallBody(CallType::Kill, |c| {
                assert!(c.kill.as_ref().unwrap().agent_id.is_some());
            }),
        ),
        (
            "scheduler_message_call.json",
            CallBody(CallType::Message, |c| assert!(c.message.is_some())),
        ),
        (
            "scheduler_reconcile_call.json",
            CallBody(CallType::Reconcile, |c| {
                assert!(!c.reconcile.as_ref().unwrap().tasks.is_empty());
            }),
        ),
        (
            "scheduler_reconcile_operations_call.json",
            CallBody(CallType::ReconcileOperations, |c| {
                assert!(c.reconcile_operations.is_some());
            }),
        ),
        (
            "scheduler_request_call.json",
            CallBody(CallType::Request, |c| {
                // The doc puts `requests` at the top level: kept as sent.
                assert!(c.request.is_some() || c.extra.contains_key("requests"));
            }),
        ),
        (
            "scheduler_revive_call.txt",
            NotJson("placeholder <one-of-the-subscribed-roles>"),
        ),
        (
            "scheduler_shutdown_call.json",
            CallBody(CallType::Shutdown, |c| assert!(c.shutdown.is_some())),
        ),
        (
            "scheduler_subscribe_call.json",
            CallBody(CallType::Subscribe, |c| {
                let s = c.subscribe.as_ref().unwrap();
                assert!(!s.framework_info.name.is_empty());
            }),
        ),
        (
            "scheduler_subscribe_response_first_event.json",
            EventBody(EventType::Subscribed, |e| {
                let Event::Subscribed(s) = e else { panic!() };
                assert!(!s.framework_id.as_str().is_empty());
                assert_eq!(s.heartbeat_interval_seconds.unwrap().0, 15.0);
            }),
        ),
        (
            "scheduler_suppress_call.txt",
            NotJson("placeholder <an-array-of-strings>"),
        ),
        (
            "scheduler_teardown_call.json",
            CallBody(CallType::Teardown, no_check_call),
        ),
        (
            "scheduler_update_framework_call.txt",
            NotJson("missing comma after `suppressed_roles`"),
        ),
    ]
}

#[test]
fn every_upstream_scheduler_file_is_listed_and_decodes() {
    let Some(dir) = common::upstream() else {
        return;
    };
    let table = table();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("scheduler_"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "classify every upstream file in the table");
    for (name, check) in table {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        match check {
            Check::CallBody(kind, f) => {
                let call: Call =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(call.kind, kind, "{name}");
                f(&call);
                // Written back, nothing is lost.
                let again: Call = serde_json::from_value(serde_json::to_value(&call).unwrap())
                    .unwrap_or_else(|e| panic!("{name} round trip: {e}"));
                assert_eq!(again, call, "{name} round trip");
            }
            Check::EventBody(kind, f) => {
                let event: Event =
                    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(event.kind(), kind, "{name}");
                assert!(!matches!(event, Event::Unknown(_)), "{name}: {event:?}");
                f(&event);
            }
            Check::DocBugEvent(kind, fix) => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                let typed = serde_json::from_value::<Event>(doc.clone());
                assert!(
                    typed.is_err() || matches!(typed, Ok(Event::Unknown(_))),
                    "{name}: the doc shape now decodes as typed: {typed:?}"
                );
                let event: Event = serde_json::from_value(fix(doc))
                    .unwrap_or_else(|e| panic!("{name} (proto shape): {e}"));
                assert_eq!(event.kind(), kind, "{name}");
                assert!(!matches!(event, Event::Unknown(_)), "{name}: {event:?}");
                if let Event::Offers(offers) = &event {
                    assert!(!offers[0].resources.is_empty());
                }
            }
            Check::CallPlaceholder(kind, reason, fix) => {
                let doc: Value = serde_json::from_str(&text).unwrap();
                assert!(
                    serde_json::from_value::<Call>(doc.clone()).is_err(),
                    "{name} now decodes ({reason} fixed?): decode it"
                );
                let call: Call = serde_json::from_value(fix(doc)).unwrap();
                assert_eq!(call.kind, kind, "{name}");
                let ack = call.acknowledge.unwrap();
                assert_eq!(ack.uuid.as_bytes().len(), 16);
                assert!(!ack.task_id.as_str().is_empty());
            }
            Check::NotJson(reason) => assert!(
                serde_json::from_str::<Value>(&text).is_err(),
                "{name} is now strict JSON ({reason} fixed?): decode it"
            ),
        }
    }
}

#[test]
fn unknown_event_types_and_missing_payloads_are_kept() {
    let event: Event = serde_json::from_str(r#"{"type":"NEW_THING","new_thing":{"a":1}}"#).unwrap();
    let Event::Unknown(raw) = &event else {
        panic!("{event:?}")
    };
    assert_eq!(raw.kind, EventType::Unknown("NEW_THING".into()));
    assert_eq!(raw.extra["new_thing"]["a"], 1);
    let event: Event = serde_json::from_str(r#"{"type":"OFFERS"}"#).unwrap();
    assert!(matches!(event, Event::Unknown(_)));
    let raw: RawEvent = serde_json::from_str(r#"{"type":"HEARTBEAT","x":true}"#).unwrap();
    assert_eq!(
        serde_json::to_value(&raw).unwrap(),
        json!({"type":"HEARTBEAT","x":true})
    );
}

#[test]
fn calls_are_written_as_the_protos_say() {
    use mesos_client::resources::{FrameworkId, OfferId};
    use mesos_client::scheduler::{Decline, Filters};
    let mut decline = Decline::default();
    decline.offer_ids = vec![OfferId::new("o-1")];
    decline.filters = Some(Filters::refuse(3600.0));
    let mut call = Call::new(CallType::Decline);
    call.framework_id = Some(FrameworkId::new("fw-1"));
    call.decline = Some(decline);
    assert_eq!(
        serde_json::to_value(&call).unwrap(),
        json!({
            "framework_id": {"value": "fw-1"},
            "type": "DECLINE",
            "decline": {"offer_ids": [{"value": "o-1"}], "filters": {"refuse_seconds": 3600.0}}
        })
    );
}
