//! URL paths of Marathon resources.

use crate::ids::PathId;

/// `prefix` + the segments of `id` + `suffix`: `(["v2", "apps"], /prod/web,
/// "tasks")` gives `v2/apps/prod/web/tasks`. Slashes in the id stay path
/// separators, as Marathon's `{id:.+}` routes expect.
pub(crate) fn id_path(prefix: &[&str], id: &PathId, suffix: Option<&str>) -> Vec<String> {
    prefix
        .iter()
        .copied()
        .chain(id.segments())
        .chain(suffix)
        .map(str::to_owned)
        .collect()
}

/// The pod path with a `::suffix` on its last segment, as in
/// `v2/pods/prod/db::status`; the root pod path gives `v2/pods/::status`.
pub(crate) fn pod_path(id: Option<&PathId>, suffix: &str) -> Vec<String> {
    let mut segments: Vec<String> = ["v2", "pods"]
        .into_iter()
        .chain(id.into_iter().flat_map(PathId::segments))
        .map(str::to_owned)
        .collect();
    if segments.len() == 2 {
        segments.push(suffix.to_owned());
    } else if let Some(last) = segments.last_mut() {
        last.push_str(suffix);
    }
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_become_segments() {
        let id = PathId::new("/prod/web").unwrap();
        assert_eq!(
            id_path(&["v2", "apps"], &id, None),
            ["v2", "apps", "prod", "web"]
        );
        assert_eq!(
            id_path(&["v2", "apps"], &id, Some("tasks")),
            ["v2", "apps", "prod", "web", "tasks"]
        );
        assert_eq!(
            id_path(&["v2", "groups"], &PathId::root(), None),
            ["v2", "groups"]
        );
    }

    #[test]
    fn pod_suffixes() {
        let id = PathId::new("/prod/db").unwrap();
        assert_eq!(
            pod_path(Some(&id), "::status"),
            ["v2", "pods", "prod", "db::status"]
        );
        assert_eq!(pod_path(Some(&id), ""), ["v2", "pods", "prod", "db"]);
        assert_eq!(pod_path(None, "::status"), ["v2", "pods", "::status"]);
    }
}
