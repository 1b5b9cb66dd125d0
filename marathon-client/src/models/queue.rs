//! The launch queue.

use dcos_auth::json_model;

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
        /// How many instances still need to launch.
        "count" count: Option<u32>,
    }
}
