//! The scheduler `Event` (`scheduler.proto`): [`RawEvent`] as sent, and
//! [`Event`], its typed form.

use dcos_auth::{json_model, string_enum};

use crate::dialect::{Base64Bytes, Double};
use crate::models::TaskStatus;
use crate::resources::{AgentId, ExecutorId, FrameworkId, Offer, OfferId};

string_enum! {
    /// A scheduler event's type (`Event.Type`).
    pub enum EventType {
        /// The first event of a subscription.
        Subscribed = "SUBSCRIBED",
        /// New offers.
        Offers = "OFFERS",
        /// New inverse offers.
        InverseOffers = "INVERSE_OFFERS",
        /// An offer is no longer valid.
        Rescind = "RESCIND",
        /// An inverse offer is no longer valid.
        RescindInverseOffer = "RESCIND_INVERSE_OFFER",
        /// A task status update.
        Update = "UPDATE",
        /// An operation status update.
        UpdateOperationStatus = "UPDATE_OPERATION_STATUS",
        /// A message from an executor.
        Message = "MESSAGE",
        /// An agent or executor failed.
        Failure = "FAILURE",
        /// An error; the subscription ends.
        Error = "ERROR",
        /// The master is alive.
        Heartbeat = "HEARTBEAT",
    }
}

impl Default for EventType {
    fn default() -> Self {
        EventType::Unknown(String::new())
    }
}

json_model! {
    /// SUBSCRIBED (`Event.Subscribed`).
    pub struct Subscribed {
        /// The framework's id: keep it, and subscribe with it after a
        /// disconnection so that the tasks survive.
        "framework_id" framework_id: FrameworkId,
        /// The master sends a HEARTBEAT this often (15 s by default).
        "heartbeat_interval_seconds" heartbeat_interval_seconds: Option<Double>,
        /// The master (`MasterInfo`), as sent.
        "master_info" master_info: Option<serde_json::Value>,
    }
}

json_model! {
    /// OFFERS (`Event.Offers`).
    pub struct Offers {
        /// The offers.
        "offers" offers: Vec<Offer>,
    }
}

json_model! {
    /// INVERSE_OFFERS (`Event.InverseOffers`).
    pub struct InverseOffers {
        /// The inverse offers (`InverseOffer`), as sent.
        "inverse_offers" inverse_offers: Vec<serde_json::Value>,
    }
}

json_model! {
    /// RESCIND (`Event.Rescind`).
    pub struct Rescind {
        /// The offer.
        "offer_id" offer_id: OfferId,
    }
}

json_model! {
    /// RESCIND_INVERSE_OFFER (`Event.RescindInverseOffer`).
    pub struct RescindInverseOffer {
        /// The inverse offer.
        "inverse_offer_id" inverse_offer_id: OfferId,
    }
}

json_model! {
    /// UPDATE (`Event.Update`).
    pub struct Update {
        /// The status; acknowledge it when it has a `uuid`.
        "status" status: TaskStatus,
    }
}

json_model! {
    /// UPDATE_OPERATION_STATUS (`Event.UpdateOperationStatus`).
    pub struct UpdateOperationStatus {
        /// The status (`OperationStatus`), as sent.
        "status" status: serde_json::Value,
    }
}

json_model! {
    /// MESSAGE (`Event.Message`).
    pub struct EventMessage {
        /// The agent.
        "agent_id" agent_id: AgentId,
        /// The executor.
        "executor_id" executor_id: ExecutorId,
        /// The data.
        "data" data: Base64Bytes,
    }
}

json_model! {
    /// FAILURE (`Event.Failure`): an agent, or an executor when
    /// `executor_id` is set.
    pub struct Failure {
        /// The agent.
        "agent_id" agent_id: Option<AgentId>,
        /// The executor.
        "executor_id" executor_id: Option<ExecutorId>,
        /// The executor's exit status.
        "status" status: Option<i32>,
    }
}

json_model! {
    /// ERROR (`Event.Error`).
    pub struct EventError {
        /// What happened (`Framework has been removed`…).
        "message" message: String,
    }
}

json_model! {
    /// A scheduler event as sent (`Event`): its type and the payload of that
    /// type.
    pub struct RawEvent {
        /// The type.
        "type" kind: EventType,
        /// SUBSCRIBED.
        "subscribed" subscribed: Option<Subscribed>,
        /// OFFERS.
        "offers" offers: Option<Offers>,
        /// INVERSE_OFFERS.
        "inverse_offers" inverse_offers: Option<InverseOffers>,
        /// RESCIND.
        "rescind" rescind: Option<Rescind>,
        /// RESCIND_INVERSE_OFFER.
        "rescind_inverse_offer" rescind_inverse_offer: Option<RescindInverseOffer>,
        /// UPDATE.
        "update" update: Option<Update>,
        /// UPDATE_OPERATION_STATUS.
        "update_operation_status" update_operation_status: Option<UpdateOperationStatus>,
        /// MESSAGE.
        "message" message: Option<EventMessage>,
        /// FAILURE.
        "failure" failure: Option<Failure>,
        /// ERROR.
        "error" error: Option<EventError>,
    }
}

/// A scheduler event, typed. An event of a type this version does not know,
/// or without the payload its type needs, is [`Event::Unknown`] with the
/// event as sent.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(from = "RawEvent")]
#[non_exhaustive]
pub enum Event {
    /// The subscription is established.
    Subscribed(Subscribed),
    /// New offers.
    Offers(Vec<Offer>),
    /// New inverse offers, as sent.
    InverseOffers(Vec<serde_json::Value>),
    /// An offer is gone.
    Rescind(OfferId),
    /// An inverse offer is gone.
    RescindInverseOffer(OfferId),
    /// A task status update.
    Update(Box<TaskStatus>),
    /// An operation status update (`OperationStatus`), as sent.
    UpdateOperationStatus(serde_json::Value),
    /// A message from an executor.
    Message(EventMessage),
    /// An agent or an executor failed.
    Failure(Failure),
    /// An error: the master closes the subscription after it.
    Error(String),
    /// The master is alive.
    Heartbeat,
    /// Anything else, as sent.
    Unknown(Box<RawEvent>),
}

impl Event {
    /// The event's type.
    pub fn kind(&self) -> EventType {
        match self {
            Event::Subscribed(_) => EventType::Subscribed,
            Event::Offers(_) => EventType::Offers,
            Event::InverseOffers(_) => EventType::InverseOffers,
            Event::Rescind(_) => EventType::Rescind,
            Event::RescindInverseOffer(_) => EventType::RescindInverseOffer,
            Event::Update(_) => EventType::Update,
            Event::UpdateOperationStatus(_) => EventType::UpdateOperationStatus,
            Event::Message(_) => EventType::Message,
            Event::Failure(_) => EventType::Failure,
            Event::Error(_) => EventType::Error,
            Event::Heartbeat => EventType::Heartbeat,
            Event::Unknown(raw) => raw.kind.clone(),
        }
    }
}

impl From<RawEvent> for Event {
    fn from(mut raw: RawEvent) -> Self {
        let typed = match raw.kind {
            EventType::Subscribed => raw.subscribed.take().map(Event::Subscribed),
            EventType::Offers => raw.offers.take().map(|o| Event::Offers(o.offers)),
            EventType::InverseOffers => raw
                .inverse_offers
                .take()
                .map(|o| Event::InverseOffers(o.inverse_offers)),
            EventType::Rescind => raw.rescind.take().map(|r| Event::Rescind(r.offer_id)),
            EventType::RescindInverseOffer => raw
                .rescind_inverse_offer
                .take()
                .map(|r| Event::RescindInverseOffer(r.inverse_offer_id)),
            EventType::Update => raw.update.take().map(|u| Event::Update(Box::new(u.status))),
            EventType::UpdateOperationStatus => raw
                .update_operation_status
                .take()
                .map(|u| Event::UpdateOperationStatus(u.status)),
            EventType::Message => raw.message.take().map(Event::Message),
            EventType::Failure => raw.failure.take().map(Event::Failure),
            EventType::Error => raw.error.take().map(|e| Event::Error(e.message)),
            EventType::Heartbeat => Some(Event::Heartbeat),
            EventType::Unknown(_) => None,
        };
        typed.unwrap_or_else(|| Event::Unknown(Box::new(raw)))
    }
}
