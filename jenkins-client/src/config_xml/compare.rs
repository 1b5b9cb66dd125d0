//! Comparing a desired configuration with a server's `config.xml`, so that an
//! update can be skipped when nothing we manage has changed.

use std::fmt;

use super::discarder::{BuildDiscarder, LogRotator};
use super::error::ConfigXmlError;
use super::job_config::{JobConfig, JobKind};
use super::parameters::{ParameterDefinition, looks_encrypted};
use super::pipeline::PipelineDefinition;

/// A managed field whose desired and current values differ.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Difference {
    /// The item is of another kind. Jenkins refuses to change an item's kind
    /// through `config.xml`: delete and create it instead.
    Kind {
        /// The kind we want.
        desired: JobKind,
        /// The kind on the server.
        current: JobKind,
    },
    /// The description.
    Description,
    /// Enabled or disabled.
    Disabled,
    /// The Pipeline script, sandbox flag, or Git source.
    Definition,
    /// The build parameters (any field, count or order).
    Parameters,
    /// The build discarder.
    Discarder,
    /// The concurrency setting.
    Concurrency,
    /// The assigned label of a freestyle job.
    Label,
    /// The build steps of a freestyle job.
    Steps,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Difference::Kind { desired, current } => {
                write!(f, "kind ({current:?} on the server, {desired:?} wanted)")
            }
            Difference::Description => f.write_str("description"),
            Difference::Disabled => f.write_str("disabled"),
            Difference::Definition => f.write_str("pipeline definition"),
            Difference::Parameters => f.write_str("parameters"),
            Difference::Discarder => f.write_str("build discarder"),
            Difference::Concurrency => f.write_str("concurrency"),
            Difference::Label => f.write_str("label"),
            Difference::Steps => f.write_str("build steps"),
        }
    }
}

/// The outcome of [`compare`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Comparison {
    /// Managed fields that differ; empty when the update can be skipped.
    pub differences: Vec<Difference>,
    /// Password parameters whose default could not be compared because Jenkins
    /// stores it encrypted. They do not count as differences: to rotate such a
    /// default, update the job unconditionally.
    pub unverified: Vec<String>,
}

impl Comparison {
    /// Whether nothing we manage differs, so the update can be skipped.
    pub fn is_unchanged(&self) -> bool {
        self.differences.is_empty()
    }
}

/// Identifiers Jenkins trims when it binds them (Git URL, branch, script path,
/// label, credentials id).
fn same_ident(a: &str, b: &str) -> bool {
    a.trim() == b.trim()
}

/// An optional identifier: absent and empty are the same to Jenkins.
fn same_opt_ident(a: Option<&str>, b: Option<&str>) -> bool {
    same_ident(a.unwrap_or_default(), b.unwrap_or_default())
}

/// Labels: "anywhere" (`None`) differs from any label, even the empty one
/// (the controller); label expressions are trimmed by Jenkins.
fn same_label(a: Option<&str>, b: Option<&str>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => same_ident(a, b),
        _ => false,
    }
}

fn same_definition(a: &PipelineDefinition, b: &PipelineDefinition) -> bool {
    match (a, b) {
        (
            PipelineDefinition::Script { script, sandbox },
            PipelineDefinition::Script {
                script: s2,
                sandbox: b2,
            },
        ) => script == s2 && sandbox == b2,
        (
            PipelineDefinition::Scm {
                git,
                script_path,
                lightweight,
            },
            PipelineDefinition::Scm {
                git: g2,
                script_path: p2,
                lightweight: l2,
            },
        ) => {
            same_ident(&git.url, &g2.url)
                && same_ident(&git.branch, &g2.branch)
                && same_opt_ident(git.credentials_id.as_deref(), g2.credentials_id.as_deref())
                && same_ident(script_path, p2)
                && lightweight == l2
        }
        (a, b) => a == b,
    }
}

/// A LogRotator with no limit keeps everything, like no discarder at all.
fn effective_discarder(d: Option<&BuildDiscarder>) -> Option<&BuildDiscarder> {
    d.filter(|d| **d != BuildDiscarder::LogRotator(LogRotator::default()))
}

fn same_parameters(
    desired: &[ParameterDefinition],
    current: &[ParameterDefinition],
    unverified: &mut Vec<String>,
) -> bool {
    if desired.len() != current.len() {
        return false;
    }
    desired.iter().zip(current).all(|pair| match pair {
        (ParameterDefinition::Password(d), ParameterDefinition::Password(c)) => {
            let same_default = if looks_encrypted(c.default_value.expose())
                && !looks_encrypted(d.default_value.expose())
            {
                unverified.push(c.name.clone());
                true
            } else {
                d.default_value == c.default_value
            };
            d.name == c.name && d.description == c.description && same_default
        }
        (d, c) => d == c,
    })
}

/// Compares the fields we manage, ignoring formatting and unmanaged elements.
pub fn compare(desired: &JobConfig, current: &JobConfig) -> Comparison {
    let mut out = Comparison::default();
    let diffs = &mut out.differences;
    let mut check = |same: bool, what: Difference| {
        if !same {
            diffs.push(what);
        }
    };
    match (desired, current) {
        (JobConfig::Pipeline(d), JobConfig::Pipeline(c)) => {
            check(d.description == c.description, Difference::Description);
            check(d.disabled == c.disabled, Difference::Disabled);
            check(
                same_definition(&d.definition, &c.definition),
                Difference::Definition,
            );
            check(
                same_parameters(&d.parameters, &c.parameters, &mut out.unverified),
                Difference::Parameters,
            );
            check(
                effective_discarder(d.discarder.as_ref())
                    == effective_discarder(c.discarder.as_ref()),
                Difference::Discarder,
            );
            check(d.concurrency == c.concurrency, Difference::Concurrency);
        }
        (JobConfig::Freestyle(d), JobConfig::Freestyle(c)) => {
            check(d.description == c.description, Difference::Description);
            check(d.disabled == c.disabled, Difference::Disabled);
            check(
                same_parameters(&d.parameters, &c.parameters, &mut out.unverified),
                Difference::Parameters,
            );
            check(
                same_label(d.label.as_deref(), c.label.as_deref()),
                Difference::Label,
            );
            check(d.steps == c.steps, Difference::Steps);
            check(
                effective_discarder(d.discarder.as_ref())
                    == effective_discarder(c.discarder.as_ref()),
                Difference::Discarder,
            );
            check(
                d.concurrent_build == c.concurrent_build,
                Difference::Concurrency,
            );
        }
        (JobConfig::Folder(d), JobConfig::Folder(c)) => {
            check(d.description == c.description, Difference::Description);
        }
        (d, c) if d.kind() == c.kind() => {}
        (d, c) => check(
            false,
            Difference::Kind {
                desired: d.kind(),
                current: c.kind(),
            },
        ),
    }
    out
}

/// Whether `desired` differs from the server's `current_xml` in a field we
/// manage, so that it must be POSTed. Formatting, attribute order, XML
/// version and elements we do not manage make no difference.
///
/// A `current_xml` that cannot be parsed is an error: the caller decides
/// whether to overwrite it.
pub fn needs_update(desired: &JobConfig, current_xml: &str) -> Result<bool, ConfigXmlError> {
    let current = JobConfig::parse(current_xml)?;
    Ok(!compare(desired, &current).is_unchanged())
}
