//! Pods and their status.

use dcos_auth::json_model;

use super::Timestamp;
use crate::ids::PodId;

json_model! {
    /// A pod definition.
    pub struct Pod {
        /// The pod id.
        "id" id: PodId,
        /// The version.
        "version" version: Option<Timestamp>,
    }
}

json_model! {
    /// The status of a pod (`/v2/pods/{id}::status`).
    pub struct PodStatus {
        /// The pod id.
        "id" id: PodId,
        /// `DEGRADED`, `STABLE` or `TERMINAL`.
        "status" status: Option<String>,
        /// The pod definition.
        "spec" spec: Option<Pod>,
    }
}
