//! Groups: the tree of apps and pods.

use dcos_auth::json_model;

use super::{App, Pod, Timestamp};
use crate::ids::{AppId, GroupId};

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
        /// Apps and groups deployed before this group's apps.
        "dependencies" dependencies: Option<Vec<GroupId>>,
        /// Apps and pods in this top-level group must use its role
        /// (Marathon 1.9).
        "enforceRole" enforce_role: Option<bool>,
        /// The version.
        "version" version: Option<Timestamp>,
    }
}

/// `GET /v2/groups/{id}/versions`: a bare array of versions, newest first.
pub type GroupVersions = Vec<Timestamp>;

impl Group {
    /// A group definition with only its id set.
    pub fn new(id: GroupId) -> Self {
        Group {
            id,
            ..Group::default()
        }
    }

    /// The definition to send back in a create or update: without the
    /// group's `version` (which would make Marathon roll the group back to
    /// that version and drop every edit) and with each app's
    /// [`App::definition`], in every subgroup.
    pub fn definition(&self) -> Group {
        let mut group = self.clone();
        group.strip_read_only();
        group
    }

    fn strip_read_only(&mut self) {
        self.version = None;
        self.extra.remove("version");
        for app in self.apps.iter_mut().flatten() {
            *app = app.definition();
        }
        for group in self.groups.iter_mut().flatten() {
            group.strip_read_only();
        }
    }

    /// Every app in this group and its subgroups, depth first.
    pub fn all_apps(&self) -> Vec<&App> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(group) = stack.pop() {
            out.extend(group.apps.iter().flatten());
            // Reverse so subgroups come out in their listed order.
            stack.extend(group.groups.iter().flatten().rev());
        }
        out
    }

    /// The app `id`, anywhere in this group's tree.
    pub fn find_app(&self, id: &AppId) -> Option<&App> {
        self.all_apps().into_iter().find(|a| &a.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_the_tree() {
        let g: Group = serde_json::from_str(
            r#"{"id":"/","apps":[{"id":"/a"}],"groups":[
                {"id":"/x","apps":[{"id":"/x/b"}],"groups":[{"id":"/x/y","apps":[{"id":"/x/y/c"}]}]},
                {"id":"/z","apps":[{"id":"/z/d"}],"enforceRole":false}]}"#,
        )
        .unwrap();
        let ids: Vec<&str> = g.all_apps().iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["/a", "/x/b", "/x/y/c", "/z/d"]);
        assert!(g.find_app(&AppId::new("/x/y/c").unwrap()).is_some());
        assert!(g.find_app(&AppId::new("/nope").unwrap()).is_none());
        assert_eq!(g.groups.unwrap()[1].enforce_role, Some(false));
    }
}
