//! [`JobPath`]: where a job lives, and [`rebase`]: payload URLs onto ours.
//!
//! A job's full name is its folder names and its own, joined by `/`
//! (`team/app/main`). Its URL is `job/team/job/app/job/main/` below the
//! Jenkins root, each name percent-encoded on its own by
//! [`dcos_auth::Request`]. A multibranch job names a branch `feature/x` as
//! `feature%2Fx`, so that name's URL segment is `feature%252Fx`: the name is
//! encoded once more, like any other.

use std::fmt;
use std::str::FromStr;

use dcos_auth::http::Url;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{Error, Result};

/// The full name of a job: its folders, then its own name.
///
/// Names are kept as Jenkins writes them in `fullName`; the URL encoding
/// happens when a request is built. Built by [`JobPath::parse`], which checks
/// each name.
///
/// ```
/// use jenkins_client::JobPath;
///
/// let path = JobPath::parse("team/app/feature%2Fx")?;
/// assert_eq!(path.name(), "feature%2Fx");
/// assert_eq!(path.parent().unwrap().to_string(), "team/app");
/// assert_eq!(
///     path.url_segments(),
///     ["job", "team", "job", "app", "job", "feature%2Fx"]
/// );
/// # Ok::<(), jenkins_client::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobPath {
    names: Vec<String>,
}

impl JobPath {
    /// Parses a full name such as `team/app/main`. One leading or trailing
    /// `/` is tolerated; an empty name (`a//b`), `.`, `..` or a control
    /// character is refused with [`Error::InvalidJobPath`].
    pub fn parse(full_name: &str) -> Result<Self> {
        let trimmed = full_name.strip_prefix('/').unwrap_or(full_name);
        let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(Error::invalid_path(full_name, "it is empty"));
        }
        let names = trimmed
            .split('/')
            .map(|name| check_name(full_name, name).map(|()| name.to_owned()))
            .collect::<Result<Vec<_>>>()?;
        Ok(JobPath { names })
    }

    /// A path from its names, outermost folder first. A name may not hold
    /// `/` (Jenkins forbids it; a multibranch branch `a/b` is named `a%2Fb`,
    /// see [`branch_name`]).
    pub fn from_names<I, S>(names: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let names: Vec<String> = names.into_iter().map(Into::into).collect();
        let shown = names.join("/");
        if names.is_empty() {
            return Err(Error::invalid_path(&shown, "it has no name"));
        }
        for name in &names {
            if name.contains('/') {
                return Err(Error::invalid_path(
                    &shown,
                    format!("the name {name:?} holds `/`"),
                ));
            }
            check_name(&shown, name)?;
        }
        Ok(JobPath { names })
    }

    /// The job's own name, the last one.
    pub fn name(&self) -> &str {
        self.names.last().map(String::as_str).unwrap_or_default()
    }

    /// The names, outermost folder first.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The folder holding the job, or `None` for a job in the root.
    pub fn parent(&self) -> Option<JobPath> {
        (self.names.len() > 1).then(|| JobPath {
            names: self.names[..self.names.len() - 1].to_vec(),
        })
    }

    /// The job `name` inside this folder.
    pub fn child(&self, name: &str) -> Result<JobPath> {
        let mut names = self.names.clone();
        names.push(name.to_owned());
        JobPath::from_names(names)
    }

    /// The full name, names joined by `/`, as Jenkins' `fullName`.
    pub fn full_name(&self) -> String {
        self.names.join("/")
    }

    /// The request segments of the job: `job`, name, `job`, name… Each is
    /// percent-encoded on its own when the request is built.
    pub fn url_segments(&self) -> Vec<String> {
        self.names
            .iter()
            .flat_map(|name| ["job".to_owned(), name.clone()])
            .collect()
    }

    /// The request segments of an endpoint below the job, such as
    /// `path.endpoint(["api", "json"])`.
    pub fn endpoint<I, S>(&self, tail: I) -> Vec<String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut segments = self.url_segments();
        segments.extend(tail.into_iter().map(Into::into));
        segments
    }
}

/// The request segments of an endpoint below a folder, or below the root when
/// `folder` is `None`.
pub(crate) fn endpoint_in<I, S>(folder: Option<&JobPath>, tail: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    match folder {
        Some(folder) => folder.endpoint(tail),
        None => tail.into_iter().map(Into::into).collect(),
    }
}

/// The job name a multibranch project gives the branch `branch`, as the
/// branch-api plugin's `NameEncoder` writes it: `%` becomes `%25` and `/`
/// becomes `%2F` (`feature/x` is named `feature%2Fx`), and a name that is
/// only `.` or `..` is encoded whole.
pub fn branch_name(branch: &str) -> String {
    match branch {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => branch.replace('%', "%25").replace('/', "%2F"),
    }
}

fn check_name(full: &str, name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(Error::invalid_path(full, "it holds an empty name"));
    }
    if name == "." || name == ".." {
        return Err(Error::invalid_path(
            full,
            format!("{name:?} is not a job name"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid_path(
            full,
            "a name holds a control character",
        ));
    }
    Ok(())
}

impl fmt::Display for JobPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.full_name())
    }
}

impl FromStr for JobPath {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        JobPath::parse(s)
    }
}

impl Serialize for JobPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.full_name())
    }
}

impl<'de> Deserialize<'de> for JobPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        JobPath::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The top-level segments of Jenkins' URL space: where a payload URL's
/// Jenkins-relative part starts when its root is not ours.
const ANCHORS: &[&str] = &[
    "job",
    "queue",
    "computer",
    "view",
    "user",
    "me",
    "whoAmI",
    "label",
    "pluginManager",
    "crumbIssuer",
    "manage",
    "credentials",
    "blue",
];

/// A payload URL moved onto the client's base URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rebased {
    /// The Jenkins-relative path segments, percent-decoded; a trailing empty
    /// segment keeps a trailing `/`.
    pub segments: Vec<String>,
    /// The URL on our base, as it would be requested.
    pub url: Url,
}

impl Rebased {
    /// The request segments of an endpoint below this URL, such as
    /// `rebased.endpoint(["api", "json"])`.
    pub fn endpoint<I, S>(&self, tail: I) -> Vec<String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut segments = self.segments.clone();
        if segments.last().is_some_and(String::is_empty) {
            segments.pop();
        }
        segments.extend(tail.into_iter().map(Into::into));
        segments
    }
}

/// Moves a URL from a payload (`url`, `proceedUrl`, a queue item's
/// `executable.url`…) onto `base`, the client's base URL.
///
/// Payload URLs come from Jenkins' configured root URL, which on DC/OS is
/// cluster-internal (`http://jenkins.marathon.mesos:PORT/service/jenkins/`),
/// so they are never followed as given. The Jenkins-relative part is found
/// by stripping our own base path when the URL has it, else from the first
/// top-level Jenkins segment (`job`, `queue`, `computer`, `view`…). Relative
/// URLs (`/job/x/1/input/A/proceedEmpty`) are read the same way. Anything
/// else is [`Error::Protocol`].
pub fn rebase(base: &Url, payload_url: &str) -> Result<Rebased> {
    let bad = |why: &str| {
        Error::Protocol(format!(
            "cannot rebase the payload URL {payload_url:?}: {why}"
        ))
    };
    let parsed = Url::parse(payload_url)
        .or_else(|_| base.join(payload_url))
        .map_err(|_| bad("it is not a URL"))?;
    let base_path = base.path();
    let path = parsed.path();
    let anchored = || {
        let raw: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let start = raw.iter().position(|s| ANCHORS.contains(s))?;
        Some(raw[start..].join("/"))
    };
    let relative = match path.strip_prefix(base_path) {
        // A base at the root says nothing: any root's prefix would match.
        Some(rest) if base_path != "/" => rest.to_owned(),
        Some(rest) => anchored().unwrap_or_else(|| rest.to_owned()),
        None => anchored().ok_or_else(|| bad("no Jenkins path in it"))?,
    };
    let segments = relative
        .split('/')
        .map(|s| percent_decode(s).ok_or_else(|| bad("a segment is not UTF-8")))
        .collect::<Result<Vec<_>>>()?;
    if segments.iter().any(|s| s == "." || s == "..") {
        return Err(bad("it holds a dot segment"));
    }
    let mut url = base.clone();
    url.set_path(&format!("{base_path}{relative}"));
    url.set_query(parsed.query());
    url.set_fragment(None);
    Ok(Rebased { segments, url })
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8. A `%` not
/// followed by two hex digits is kept as is.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcos_auth::Request;

    fn base(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn paths_parse_and_navigate() {
        let p = JobPath::parse("team/app/main").unwrap();
        assert_eq!(p.names(), ["team", "app", "main"]);
        assert_eq!(p.name(), "main");
        assert_eq!(p.to_string(), "team/app/main");
        assert_eq!(p.parent().unwrap().parent().unwrap().to_string(), "team");
        assert_eq!(JobPath::parse("team").unwrap().parent(), None);
        assert_eq!(p.parent().unwrap().child("main").unwrap(), p);
        assert_eq!(JobPath::parse("/team/app/main/").unwrap(), p);
        assert_eq!("team/app/main".parse::<JobPath>().unwrap(), p);
        assert_eq!(
            p.url_segments(),
            ["job", "team", "job", "app", "job", "main"]
        );
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"team/app/main\"");
        assert_eq!(
            serde_json::from_str::<JobPath>("\"team/app/main\"").unwrap(),
            p
        );
    }

    #[test]
    fn bad_paths_are_refused_with_the_reason() {
        for bad in ["", "/", "a//b", "a/./b", "../a", "a/\u{7}b"] {
            let err = JobPath::parse(bad).unwrap_err();
            assert!(
                matches!(err, Error::InvalidJobPath { .. }),
                "{bad:?}: {err:?}"
            );
        }
        assert!(JobPath::from_names(["a/b"]).is_err());
        assert!(JobPath::from_names(Vec::<String>::new()).is_err());
        assert!(JobPath::parse("a").unwrap().child("").is_err());
        assert!(serde_json::from_str::<JobPath>("\"a//b\"").is_err());
    }

    #[test]
    fn folders_unicode_and_branches_are_encoded_per_segment() {
        let jenkins = base("https://dcos.example.com/service/jenkins/");
        let url = |p: &JobPath| {
            Request::get(p.endpoint(["api", "json"]))
                .url(&jenkins)
                .unwrap()
                .to_string()
        };
        let p = JobPath::parse("équipe/my app/feature%2Fx").unwrap();
        assert_eq!(
            url(&p),
            "https://dcos.example.com/service/jenkins/job/%C3%A9quipe/job/my%20app/job/feature%252Fx/api/json"
        );
        let p = JobPath::from_names(["a?b#c", &branch_name("feature/x")]).unwrap();
        assert_eq!(
            url(&p),
            "https://dcos.example.com/service/jenkins/job/a%3Fb%23c/job/feature%252Fx/api/json"
        );
        assert_eq!(branch_name("100%/done"), "100%25%2Fdone");
        assert_eq!(branch_name(".."), "%2E%2E");
    }

    #[test]
    fn payload_urls_are_rebased_onto_our_base() {
        let ours = base("https://dcos.example.com/service/jenkins/");
        // The configured root is cluster-internal, with the same prefix.
        let r = rebase(
            &ours,
            "http://jenkins.marathon.mesos:10000/service/jenkins/job/team/job/feature%252Fx/12/",
        )
        .unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://dcos.example.com/service/jenkins/job/team/job/feature%252Fx/12/"
        );
        assert_eq!(r.segments, ["job", "team", "job", "feature%2Fx", "12", ""]);
        assert_eq!(
            Request::get(r.endpoint(["api", "json"]))
                .url(&ours)
                .unwrap()
                .as_str(),
            "https://dcos.example.com/service/jenkins/job/team/job/feature%252Fx/12/api/json"
        );
        // A root without the prefix (direct install), and unicode.
        let r = rebase(&ours, "http://localhost:8080/job/%C3%A9quipe/").unwrap();
        assert_eq!(r.segments, ["job", "équipe", ""]);
        assert_eq!(
            r.url.as_str(),
            "https://dcos.example.com/service/jenkins/job/%C3%A9quipe/"
        );
        // Relative, as wfapi's proceedUrl; the query is kept.
        let r = rebase(&ours, "/job/x/3/input/Ab12/proceedEmpty").unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://dcos.example.com/service/jenkins/job/x/3/input/Ab12/proceedEmpty"
        );
        let r = rebase(&ours, "http://internal/queue/item/9/?x=1").unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://dcos.example.com/service/jenkins/queue/item/9/?x=1"
        );
        // Relative without a leading slash, as a job's `queueItem.url`.
        let r = rebase(&ours, "queue/item/71/").unwrap();
        assert_eq!(
            r.url.as_str(),
            "https://dcos.example.com/service/jenkins/queue/item/71/"
        );
        assert_eq!(
            r.endpoint(["api", "json"]),
            ["queue", "item", "71", "api", "json"]
        );
        // Our base at the root, the payload's under a prefix.
        let root = base("http://10.0.0.5:8080/");
        let r = rebase(&root, "http://jenkins.internal/jenkins/job/x/").unwrap();
        assert_eq!(r.url.as_str(), "http://10.0.0.5:8080/job/x/");
        for bad in ["http://evil.example.com/steal", "http://h/job/../../x"] {
            assert!(
                matches!(rebase(&ours, bad), Err(Error::Protocol(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn percent_decoding_keeps_stray_percents() {
        assert_eq!(percent_decode("a%20b").unwrap(), "a b");
        assert_eq!(percent_decode("100%").unwrap(), "100%");
        assert_eq!(percent_decode("%2").unwrap(), "%2");
        assert_eq!(percent_decode("%zz").unwrap(), "%zz");
        assert_eq!(percent_decode("%C3%A9").unwrap(), "é");
        assert!(percent_decode("%FF").is_none());
    }
}
