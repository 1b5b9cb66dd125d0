//! The launch queue.

use dcos_auth::json_model;

use super::{App, Pod, Timestamp};
use crate::ids::PathId;

json_model! {
    /// `GET /v2/queue`: what Marathon is waiting to launch.
    pub struct Queue {
        /// The items.
        "queue" queue: Vec<QueueItem>,
    }
}

json_model! {
    /// An app or pod waiting for offers.
    pub struct QueueItem {
        /// The app, for an app.
        "app" app: Option<App>,
        /// The pod, for a pod.
        "pod" pod: Option<Pod>,
        /// How many instances still need to launch.
        "count" count: Option<u32>,
        /// The launch backoff.
        "delay" delay: Option<QueueDelay>,
        /// When Marathon started trying to launch them.
        "since" since: Option<Timestamp>,
        /// Why recent offers were declined.
        "processedOffersSummary" processed_offers_summary: Option<ProcessedOffersSummary>,
        /// The last offers that were not used (`embed=lastUnusedOffers`).
        "lastUnusedOffers" last_unused_offers: Option<Vec<UnusedOffer>>,
        /// The role the instances are launched with.
        "role" role: Option<String>,
    }
}

impl QueueItem {
    /// The id of the app or pod waiting.
    pub fn id(&self) -> Option<&PathId> {
        self.app
            .as_ref()
            .map(|a| &a.id)
            .or_else(|| self.pod.as_ref().map(|p| &p.id))
    }

    /// Whether launching is backed off: `delay.overdue` is false and time is
    /// left. Reset it with `DELETE /v2/queue/{id}/delay`.
    pub fn is_delayed(&self) -> bool {
        self.delay
            .as_ref()
            .is_some_and(|d| d.overdue == Some(false) && d.time_left_seconds.unwrap_or(0) > 0)
    }
}

json_model! {
    /// The launch backoff of a queue item.
    pub struct QueueDelay {
        /// Seconds until the next launch attempt.
        "timeLeftSeconds" time_left_seconds: Option<i64>,
        /// True once the delay has passed and launching goes on.
        "overdue" overdue: Option<bool>,
    }
}

json_model! {
    /// Why offers were or were not used for a queue item.
    pub struct ProcessedOffersSummary {
        /// Offers looked at for this launch attempt.
        "processedOffersCount" processed_offers_count: Option<u64>,
        /// Offers declined for this launch attempt.
        "unusedOffersCount" unused_offers_count: Option<u64>,
        /// When the last offer was declined.
        "lastUnusedOfferAt" last_unused_offer_at: Option<Timestamp>,
        /// When the last offer was used.
        "lastUsedOfferAt" last_used_offer_at: Option<Timestamp>,
        /// Reasons, counting only the last offer of each agent.
        "rejectSummaryLastOffers" reject_summary_last_offers: Option<Vec<RejectSummary>>,
        /// Reasons, counting every offer of this launch attempt.
        "rejectSummaryLaunchAttempt" reject_summary_launch_attempt: Option<Vec<RejectSummary>>,
    }
}

json_model! {
    /// How many offers one check declined, of those it looked at.
    pub struct RejectSummary {
        /// The check, such as `InsufficientMemory`.
        "reason" reason: Option<String>,
        /// Offers it declined.
        "declined" declined: Option<u64>,
        /// Offers it looked at.
        "processed" processed: Option<u64>,
    }
}

json_model! {
    /// An offer that was not used, and why.
    pub struct UnusedOffer {
        /// The offer.
        "offer" offer: Option<Offer>,
        /// When it was looked at.
        "timestamp" timestamp: Option<Timestamp>,
        /// The checks it failed, such as `InsufficientMemory`.
        "reason" reason: Option<Vec<String>>,
    }
}

json_model! {
    /// A Mesos offer, as the queue shows it.
    pub struct Offer {
        /// The offer id.
        "id" id: Option<String>,
        /// The agent's id.
        "agentId" agent_id: Option<String>,
        /// The agent's host name.
        "hostname" hostname: Option<String>,
        /// The offered resources, as sent.
        "resources" resources: Option<Vec<serde_json::Value>>,
        /// The agent's attributes, as sent.
        "attributes" attributes: Option<Vec<serde_json::Value>>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_and_pod_items() {
        let q: Queue = serde_json::from_str(
            r#"{"queue":[{"app":{"id":"/a"},"count":1,"delay":{"timeLeftSeconds":784,"overdue":false}},
                         {"pod":{"id":"/p","containers":[]},"count":2,"delay":{"timeLeftSeconds":0,"overdue":true},
                          "lastUnusedOffers":[{"offer":{"id":"o1","hostname":"h"},"reason":["InsufficientCpus"]}]}]}"#,
        )
        .unwrap();
        assert_eq!(q.queue[0].id().unwrap().as_str(), "/a");
        assert!(q.queue[0].is_delayed());
        assert_eq!(q.queue[1].id().unwrap().as_str(), "/p");
        assert!(!q.queue[1].is_delayed());
        let offers = q.queue[1].last_unused_offers.as_ref().unwrap();
        assert_eq!(
            offers[0].offer.as_ref().unwrap().hostname.as_deref(),
            Some("h")
        );
    }
}
