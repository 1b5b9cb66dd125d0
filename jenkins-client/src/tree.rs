//! [`Tree`]: the `tree=` query that makes Jenkins send only what we read.
//!
//! Without `tree=`, `/api/json` sends a default set of fields that can be
//! large (every build of every job with `depth=1`). With it, Jenkins sends
//! exactly the listed fields, and a range such as `builds[number,url]{0,100}`
//! caps a list. This crate always sends a `tree=` with ranged lists and never
//! asks for unbounded depth.

use std::fmt;
use std::ops::Range;

/// A `tree=` selection: fields, and nested lists or objects with their own
/// fields and an optional range.
///
/// ```
/// use jenkins_client::Tree;
///
/// let tree = Tree::new()
///     .fields(["name", "url"])
///     .nested_range("builds", Tree::new().fields(["number", "url"]), 0..100);
/// assert_eq!(tree.to_string(), "name,url,builds[number,url]{0,100}");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[must_use]
pub struct Tree {
    items: Vec<String>,
}

impl Tree {
    /// An empty selection.
    pub fn new() -> Self {
        Tree::default()
    }

    /// Adds one field, such as `name` or `_class`.
    pub fn field(mut self, name: &str) -> Self {
        self.items.push(name.to_owned());
        self
    }

    /// Adds several fields.
    pub fn fields<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Self {
        self.items.extend(names.into_iter().map(str::to_owned));
        self
    }

    /// Adds an object or list with its own selection: `name[sub]`.
    pub fn nested(mut self, name: &str, sub: Tree) -> Self {
        self.items.push(format!("{name}[{sub}]"));
        self
    }

    /// Adds a list with its own selection, capped to `range` (the indices
    /// `start..end`, end excluded): `name[sub]{start,end}`.
    pub fn nested_range(mut self, name: &str, sub: Tree, range: Range<u32>) -> Self {
        self.items
            .push(format!("{name}[{sub}]{{{},{}}}", range.start, range.end));
        self
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Tree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.items.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_selections_and_ranges_render_as_jenkins_reads_them() {
        let job = Tree::new().fields(["_class", "name", "url", "color"]);
        let tree = Tree::new().field("_class").nested_range(
            "jobs",
            job.clone().nested_range("jobs", job, 0..100),
            0..100,
        );
        assert_eq!(
            tree.to_string(),
            "_class,jobs[_class,name,url,color,jobs[_class,name,url,color]{0,100}]{0,100}"
        );
        assert_eq!(
            Tree::new()
                .nested("lastBuild", Tree::new().field("number"))
                .to_string(),
            "lastBuild[number]"
        );
        assert!(Tree::new().is_empty());
    }

    #[test]
    fn the_query_is_percent_encoded_on_the_wire() {
        let base = dcos_auth::http::Url::parse("http://j/jenkins/").unwrap();
        let tree = Tree::new().nested_range("jobs", Tree::new().field("name"), 0..10);
        let url = dcos_auth::Request::get(["api", "json"])
            .query("tree", tree)
            .url(&base)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://j/jenkins/api/json?tree=jobs%5Bname%5D%7B0%2C10%7D"
        );
    }
}
