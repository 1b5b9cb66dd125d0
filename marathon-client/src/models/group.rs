//! Groups: the tree of apps and pods.

use dcos_auth::json_model;

use super::{App, Pod, Timestamp};
use crate::ids::GroupId;

json_model! {
    /// A group of apps, pods and subgroups.
    pub struct Group {
        /// The group id; the root is `/`.
        "id" id: GroupId,
        /// Apps directly in this group.
        "apps" apps: Option<Vec<App>>,
        /// Subgroups.
        "groups" groups: Option<Vec<Group>>,
        /// Pods directly in this group.
        "pods" pods: Option<Vec<Pod>>,
        /// The version.
        "version" version: Option<Timestamp>,
    }
}
