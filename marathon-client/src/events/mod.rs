//! Marathon's event stream (`GET /v2/events`): typed [`Event`]s, a stream
//! that ends with its connection ([`MarathonClient::events`]), and one that
//! reconnects for ever ([`MarathonClient::watch`]).
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use marathon_client::MarathonClient;
//! use marathon_client::events::{Event, EventFilter, EventType, WatchItem};
//!
//! # async fn run(client: MarathonClient) -> Result<(), marathon_client::Error> {
//! let filter = EventFilter::types([EventType::DeploymentSuccess, EventType::DeploymentFailed]);
//! let mut watch = client.watch(filter);
//! while let Some(item) = watch.next().await {
//!     match item {
//!         // Events may have been missed: read the state again.
//!         Ok(WatchItem::Connected | WatchItem::Reconnected) => { /* list deployments */ }
//!         Ok(WatchItem::Event(Event::DeploymentSuccess(e))) => println!("done: {:?}", e.id),
//!         Ok(WatchItem::Event(other)) => println!("{}", other.event_type()),
//!         Ok(_) => {}
//!         // The stream goes on after an error unless it was fatal (a 4xx).
//!         Err(err) => eprintln!("{err}"),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Events are cache invalidation, not a log: Marathon keeps no history,
//! does not promise their order, and drops slow consumers (1.8 and later).
//! Treat `Connected` and `Reconnected` as "re-read what you care about".
//!
//! Frames are dispatched on their SSE `event:` name, or, for older servers
//! that send only `data:` lines, on the JSON `eventType`. A type this crate
//! does not know becomes [`Event::Unknown`] with the JSON kept.
//!
//! [`MarathonClient::events`]: crate::MarathonClient::events
//! [`MarathonClient::watch`]: crate::MarathonClient::watch

mod payloads;
mod stream;
mod watch;

use std::borrow::Cow;

use serde::Deserialize;

pub use self::payloads::*;
pub use self::stream::{EventFilter, EventStream};
pub use self::watch::{Watch, WatchItem, WatchOptions};
use crate::error::Result;
use crate::ids::{AppId, DeploymentId};
use crate::models::Timestamp;
use crate::sse::SseFrame;

/// The event name a frame gets when it has neither an SSE `event:` name nor a
/// JSON `eventType`: the SSE default.
const DEFAULT_EVENT_NAME: &str = "message";

macro_rules! events {
    ($(
        $(#[$doc:meta])*
        $variant:ident($payload:ty) = $name:literal
    ),* $(,)?) => {
        dcos_auth::string_enum! {
            /// The type of an event, as in `eventType` and the SSE `event:`
            /// name. Also what [`EventFilter`] filters on.
            pub enum EventType {
                $( $(#[$doc])* $variant = $name, )*
            }
        }

        /// One event from Marathon's event bus.
        ///
        /// Several types share a payload type: `deployment_info`,
        /// `deployment_step_success` and `deployment_step_failure` all carry a
        /// [`DeploymentStepEvent`], for example.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $( $(#[$doc])* $variant($payload), )*
            /// A type this version does not know, with its JSON as sent.
            Unknown {
                /// The type name.
                event_type: String,
                /// The payload.
                raw: serde_json::Value,
            },
        }

        impl Event {
            /// The event's type.
            pub fn event_type(&self) -> EventType {
                match self {
                    $( Event::$variant(_) => EventType::$variant, )*
                    Event::Unknown { event_type, .. } => EventType::Unknown(event_type.clone()),
                }
            }

            /// The event's type name, such as `status_update_event`.
            pub fn type_name(&self) -> &str {
                match self {
                    $( Event::$variant(_) => $name, )*
                    Event::Unknown { event_type, .. } => event_type,
                }
            }

            /// When the event happened, as Marathon wrote it. `None` for
            /// [`Event::Unknown`] (read `raw["timestamp"]`).
            pub fn timestamp(&self) -> Option<&Timestamp> {
                match self {
                    $( Event::$variant(e) => e.timestamp.as_ref(), )*
                    Event::Unknown { .. } => None,
                }
            }

            fn decode_as(event_type: EventType, data: &str) -> Result<Event> {
                Ok(match event_type {
                    $( EventType::$variant => Event::$variant(decode(data, $name)?), )*
                    EventType::Unknown(name) => {
                        let raw = decode(data, &name)?;
                        Event::Unknown { event_type: name, raw }
                    }
                })
            }
        }

        impl serde::Serialize for Event {
            /// Writes the payload, as Marathon would.
            fn serialize<S: serde::Serializer>(
                &self,
                serializer: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                match self {
                    $( Event::$variant(e) => e.serialize(serializer), )*
                    Event::Unknown { raw, .. } => raw.serialize(serializer),
                }
            }
        }
    };
}

events! {
    /// `api_post_event`: an API request changed an app.
    ApiPost(ApiPostEvent) = "api_post_event",
    /// `status_update_event`: a task changed state.
    StatusUpdate(StatusUpdateEvent) = "status_update_event",
    /// `framework_message_event`: a message from an executor.
    FrameworkMessage(FrameworkMessageEvent) = "framework_message_event",
    /// `subscribe_event`: an HTTP callback was added.
    Subscribe(SubscriptionEvent) = "subscribe_event",
    /// `unsubscribe_event`: an HTTP callback was removed.
    Unsubscribe(SubscriptionEvent) = "unsubscribe_event",
    /// `event_stream_attached`: an event stream client connected.
    EventStreamAttached(EventStreamEvent) = "event_stream_attached",
    /// `event_stream_detached`: an event stream client went away.
    EventStreamDetached(EventStreamEvent) = "event_stream_detached",
    /// `add_health_check_event`: a health check was added.
    AddHealthCheck(HealthCheckEvent) = "add_health_check_event",
    /// `remove_health_check_event`: a health check was removed.
    RemoveHealthCheck(HealthCheckEvent) = "remove_health_check_event",
    /// `failed_health_check_event`: a health check failed.
    FailedHealthCheck(HealthCheckEvent) = "failed_health_check_event",
    /// `health_status_changed_event`: a task became healthy or unhealthy.
    HealthStatusChanged(HealthStatusChangedEvent) = "health_status_changed_event",
    /// `unhealthy_task_kill_event`: an unhealthy task was killed.
    UnhealthyTaskKill(UnhealthyKillEvent) = "unhealthy_task_kill_event",
    /// `unhealthy_instance_kill_event`: an unhealthy instance was killed.
    UnhealthyInstanceKill(UnhealthyKillEvent) = "unhealthy_instance_kill_event",
    /// `group_change_success`: a group change was applied.
    GroupChangeSuccess(GroupChangeEvent) = "group_change_success",
    /// `group_change_failed`: a group change failed.
    GroupChangeFailed(GroupChangeEvent) = "group_change_failed",
    /// `deployment_success`: a deployment finished.
    DeploymentSuccess(DeploymentEndEvent) = "deployment_success",
    /// `deployment_failed`: a deployment failed or was cancelled.
    DeploymentFailed(DeploymentEndEvent) = "deployment_failed",
    /// `deployment_info`: a deployment step started.
    DeploymentInfo(DeploymentStepEvent) = "deployment_info",
    /// `deployment_step_success`: a deployment step succeeded.
    DeploymentStepSuccess(DeploymentStepEvent) = "deployment_step_success",
    /// `deployment_step_failure`: a deployment step failed.
    DeploymentStepFailure(DeploymentStepEvent) = "deployment_step_failure",
    /// `app_terminated_event`: a removed app's last task is gone.
    AppTerminated(AppTerminatedEvent) = "app_terminated_event",
    /// `instance_changed_event`: an instance changed condition.
    InstanceChanged(InstanceChangedEvent) = "instance_changed_event",
    /// `instance_health_changed_event`: an instance's health changed.
    InstanceHealthChanged(InstanceHealthChangedEvent) = "instance_health_changed_event",
    /// `unknown_instance_terminated_event`: an instance Marathon does not
    /// know ended.
    UnknownInstanceTerminated(UnknownInstanceTerminatedEvent) = "unknown_instance_terminated_event",
    /// `pod_created_event`: a pod was created.
    PodCreated(PodEvent) = "pod_created_event",
    /// `pod_updated_event`: a pod was changed.
    PodUpdated(PodEvent) = "pod_updated_event",
    /// `pod_deleted_event`: a pod was removed.
    PodDeleted(PodEvent) = "pod_deleted_event",
    /// `scheduler_registered_event`: Marathon registered with Mesos.
    SchedulerRegistered(SchedulerEvent) = "scheduler_registered_event",
    /// `scheduler_reregistered_event`: Marathon registered again.
    SchedulerReregistered(SchedulerEvent) = "scheduler_reregistered_event",
    /// `scheduler_disconnected_event`: Marathon lost the Mesos master.
    SchedulerDisconnected(SchedulerEvent) = "scheduler_disconnected_event",
}

impl From<&str> for EventType {
    fn from(name: &str) -> Self {
        match name.parse() {
            Ok(event_type) => event_type,
            Err(never) => match never {},
        }
    }
}

impl Event {
    /// Decodes one event from its SSE `event:` name, when the frame had one,
    /// and its JSON. Without a name the JSON `eventType` decides, as older
    /// servers sent data-only frames.
    ///
    /// A malformed payload is [`Error::Http`](crate::Error::Http) holding a
    /// decode error that names the event type, the failing field and the
    /// start of the data.
    pub fn parse(event_type: Option<&str>, data: &str) -> Result<Event> {
        let name: Cow<'_, str> = match event_type {
            Some(name) => Cow::Borrowed(name),
            None => {
                #[derive(Deserialize)]
                struct Peek {
                    #[serde(rename = "eventType", default)]
                    event_type: Option<String>,
                }
                let peek: Peek = decode(data, "(data-only frame)")?;
                peek.event_type
                    .map_or(Cow::Borrowed(DEFAULT_EVENT_NAME), Cow::Owned)
            }
        };
        Event::decode_as(EventType::from(&*name), data)
    }

    /// Decodes a frame from [`SseDecoder`](crate::sse::SseDecoder): see
    /// [`Event::parse`].
    pub fn from_frame(frame: &SseFrame) -> Result<Event> {
        Event::parse(frame.event.as_deref(), &frame.data)
    }

    /// The deployment a `deployment_*` event is about.
    pub fn deployment_id(&self) -> Option<&DeploymentId> {
        let id = match self {
            Event::DeploymentSuccess(e) | Event::DeploymentFailed(e) => {
                e.id.as_ref()
                    .or_else(|| e.plan.as_ref().map(|plan| &plan.id))
            }
            Event::DeploymentInfo(e)
            | Event::DeploymentStepSuccess(e)
            | Event::DeploymentStepFailure(e) => e.plan.as_ref().map(|plan| &plan.id),
            _ => None,
        };
        id.filter(|id| !id.as_str().is_empty())
    }

    /// The app the event is about, where it names one. For
    /// `instance_changed_event`, `instance_health_changed_event` and
    /// `unknown_instance_terminated_event` this is the `runSpecId`, which may
    /// also be a pod.
    pub fn app_id(&self) -> Option<&AppId> {
        let id = match self {
            Event::ApiPost(e) => e.app_definition.as_ref().map(|app| &app.id),
            Event::StatusUpdate(e) => e.app_id.as_ref(),
            Event::AddHealthCheck(e)
            | Event::RemoveHealthCheck(e)
            | Event::FailedHealthCheck(e) => e.app_id.as_ref(),
            Event::HealthStatusChanged(e) => e.app_id.as_ref(),
            Event::UnhealthyTaskKill(e) | Event::UnhealthyInstanceKill(e) => e.app_id.as_ref(),
            Event::AppTerminated(e) => e.app_id.as_ref(),
            Event::InstanceChanged(e) => e.run_spec_id.as_ref(),
            Event::InstanceHealthChanged(e) => e.run_spec_id.as_ref(),
            Event::UnknownInstanceTerminated(e) => e.run_spec_id.as_ref(),
            _ => None,
        };
        id.filter(|id| !id.as_str().is_empty())
    }
}

/// Decodes `data`, naming the event type, the failing field and the size on
/// failure. The data itself is not quoted: events such as `api_post_event`
/// carry app definitions whose environment may hold secrets.
fn decode<T: serde::de::DeserializeOwned>(data: &str, event_type: &str) -> Result<T> {
    Ok(dcos_auth::decode_json(data.as_bytes(), || {
        format!(
            "Marathon event `{event_type}` ({} bytes of data)",
            data.len()
        )
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn dispatch_on_the_sse_name_else_on_event_type() {
        let data = r#"{"eventType":"app_terminated_event","appId":"/a","timestamp":"2020-01-01T00:00:00.000Z"}"#;
        let by_json = Event::parse(None, data).unwrap();
        assert!(matches!(by_json, Event::AppTerminated(_)), "{by_json:?}");
        assert_eq!(by_json.app_id().unwrap().as_str(), "/a");
        assert_eq!(
            by_json.timestamp().unwrap().as_str(),
            "2020-01-01T00:00:00.000Z"
        );
        // The SSE name wins.
        let by_name = Event::parse(Some("pod_deleted_event"), data).unwrap();
        assert_eq!(by_name.event_type(), EventType::PodDeleted);
        assert_eq!(by_name.type_name(), "pod_deleted_event");
    }

    #[test]
    fn unknown_types_keep_their_json() {
        let data = r#"{"eventType":"brand_new_event","x":[1,2]}"#;
        for name in [None, Some("brand_new_event")] {
            let event = Event::parse(name, data).unwrap();
            match &event {
                Event::Unknown { event_type, raw } => {
                    assert_eq!(event_type, "brand_new_event");
                    assert_eq!(raw["x"][1], 2);
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(
                event.event_type(),
                EventType::Unknown("brand_new_event".into())
            );
            assert_eq!(serde_json::to_string(&event).unwrap(), data);
        }
        let bare = Event::parse(None, r#"{"a":1}"#).unwrap();
        assert_eq!(bare.type_name(), "message");
    }

    #[test]
    fn malformed_json_is_an_error_naming_type_and_size_not_data() {
        let long = format!(
            r#"{{"appId":"/a","ports":["x"],"pad":"{}"}}"#,
            "é".repeat(200)
        );
        let err = Event::parse(Some("status_update_event"), &long).unwrap_err();
        let Error::Http(dcos_auth::Error::Decode { what, path, .. }) = &err else {
            panic!("{err:?}");
        };
        assert_eq!(path, "ports[0]");
        assert!(what.contains("status_update_event"), "{what}");
        assert!(what.contains(&format!("{} bytes", long.len())), "{what}");
        assert!(
            !what.contains("appId"),
            "event data may hold secrets: {what}"
        );
        let err = Event::parse(None, "{not json").unwrap_err();
        assert!(err.to_string().contains("data-only"), "{err}");
        assert!(Event::parse(Some("x"), "").is_err());
    }

    #[test]
    fn deployment_ids_come_from_the_id_or_the_plan() {
        let end = Event::parse(Some("deployment_failed"), r#"{"id":"d1"}"#).unwrap();
        assert_eq!(end.deployment_id().unwrap().as_str(), "d1");
        let end = Event::parse(Some("deployment_success"), r#"{"plan":{"id":"d2"}}"#).unwrap();
        assert_eq!(end.deployment_id().unwrap().as_str(), "d2");
        let step = Event::parse(
            Some("deployment_step_success"),
            r#"{"plan":{"id":"d3","steps":[]},"currentStep":{"actions":[{"type":"StartApplication","app":"/x"}]}}"#,
        )
        .unwrap();
        assert_eq!(step.deployment_id().unwrap().as_str(), "d3");
        let Event::DeploymentStepSuccess(e) = &step else {
            panic!("{step:?}");
        };
        let action = &e.current_step.as_ref().unwrap().actions[0];
        assert_eq!(
            action.action,
            Some(crate::models::DeploymentActionKind::StartApplication)
        );
        assert_eq!(action.app.as_ref().unwrap().as_str(), "/x");
        assert_eq!(e.plan.as_ref().unwrap().steps, Some(vec![]));
        let none = Event::parse(Some("deployment_info"), "{}").unwrap();
        assert_eq!(none.deployment_id(), None);
        assert_eq!(none.app_id(), None);
    }

    #[test]
    fn instance_conditions_keep_unknown_values() {
        let e = Event::parse(
            Some("instance_changed_event"),
            r#"{"condition":"Running","runSpecId":"/p"}"#,
        )
        .unwrap();
        let Event::InstanceChanged(changed) = &e else {
            panic!("{e:?}");
        };
        assert_eq!(changed.condition, Some(InstanceCondition::Running));
        assert_eq!(e.app_id().unwrap().as_str(), "/p");
        let e = Event::parse(
            Some("unknown_instance_terminated_event"),
            r#"{"condition":"Vanished"}"#,
        )
        .unwrap();
        let Event::UnknownInstanceTerminated(gone) = &e else {
            panic!("{e:?}");
        };
        assert_eq!(
            gone.condition,
            Some(InstanceCondition::Unknown("Vanished".into()))
        );
    }
}
