//! Freestyle jobs: `<project>` with shell build steps and an assigned label.

use super::discarder::{self, BuildDiscarder};
use super::error::ConfigXmlError;
use super::parameters::{self, ParameterDefinition};
use super::tree::Element;
use super::writer::XmlOut;

/// The root element of a freestyle job.
pub(crate) const ROOT: &str = "project";
const SHELL: &str = "hudson.tasks.Shell";

/// One entry of a freestyle job's `<builders>`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildStep {
    /// `hudson.tasks.Shell`: a script run with `sh -xe` on the agent.
    Shell(String),
    /// Another builder (batch, Maven, Gradle…), read from a server. It cannot
    /// be written back.
    Other {
        /// The builder's Java class.
        class: String,
    },
}

/// A freestyle job's `config.xml`, as built here or read from a server.
///
/// ```
/// use jenkins_client::config_xml::FreestyleConfig;
///
/// let xml = FreestyleConfig::new()
///     .label("linux")
///     .shell("make test")
///     .to_xml()?;
/// assert!(xml.contains("<assignedNode>linux</assignedNode>"));
/// assert!(xml.contains("<canRoam>false</canRoam>"));
/// # Ok::<(), jenkins_client::config_xml::ConfigXmlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FreestyleConfig {
    /// The job description.
    pub description: String,
    /// Whether the job is disabled (no new builds).
    pub disabled: bool,
    /// Build parameters in display order.
    pub parameters: Vec<ParameterDefinition>,
    /// The label expression builds must run on (`<assignedNode>` with
    /// `<canRoam>false</canRoam>`); `None` lets builds run anywhere.
    ///
    /// `Some("")` is the controller itself: `canRoam` false (or absent) with
    /// no `<assignedNode>`, which is how Jenkins reads such a job. A blank
    /// label such as `" "` is refused.
    pub label: Option<String>,
    /// Build steps in order.
    pub steps: Vec<BuildStep>,
    /// How old builds are discarded; `None` keeps them all.
    pub discarder: Option<BuildDiscarder>,
    /// Whether builds may run concurrently (`<concurrentBuild>`).
    pub concurrent_build: bool,
}

impl FreestyleConfig {
    /// An empty freestyle job that can run anywhere.
    pub fn new() -> Self {
        FreestyleConfig::default()
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// Sets whether the job is disabled.
    #[must_use]
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = disabled;
        self
    }

    /// Restricts builds to agents matching this label expression.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Appends a shell step.
    #[must_use]
    pub fn shell(mut self, command: impl Into<String>) -> Self {
        self.steps.push(BuildStep::Shell(command.into()));
        self
    }

    /// Adds a build parameter.
    #[must_use]
    pub fn parameter(mut self, parameter: ParameterDefinition) -> Self {
        self.parameters.push(parameter);
        self
    }

    /// Sets how old builds are discarded.
    #[must_use]
    pub fn discarder(mut self, discarder: impl Into<BuildDiscarder>) -> Self {
        self.discarder = Some(discarder.into());
        self
    }

    /// Sets whether builds may run concurrently.
    #[must_use]
    pub fn concurrent_build(mut self, concurrent: bool) -> Self {
        self.concurrent_build = concurrent;
        self
    }

    /// The `config.xml` document.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        let mut out = XmlOut::new()?;
        self.write(&mut out)?;
        out.finish()
    }

    pub(crate) fn write(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        out.open(ROOT, &[])?;
        out.empty("actions", &[])?;
        out.text("description", "description", &self.description)?;
        out.boolean("keepDependencies", false)?;
        if self.discarder.is_none() && self.parameters.is_empty() {
            out.empty("properties", &[])?;
        } else {
            out.open("properties", &[])?;
            discarder::write_property(out, self.discarder.as_ref())?;
            parameters::write_property(out, &self.parameters)?;
            out.close("properties")?;
        }
        out.empty("scm", &[("class", "hudson.scm.NullSCM")])?;
        match &self.label {
            // The controller itself: no assignedNode.
            Some(label) if label.is_empty() => out.boolean("canRoam", false)?,
            Some(label) => {
                if label.trim().is_empty() {
                    return Err(ConfigXmlError::Invalid("the label is blank".into()));
                }
                out.text("assignedNode", "label", label)?;
                out.boolean("canRoam", false)?;
            }
            None => out.boolean("canRoam", true)?,
        }
        out.boolean("disabled", self.disabled)?;
        out.boolean("blockBuildWhenDownstreamBuilding", false)?;
        out.boolean("blockBuildWhenUpstreamBuilding", false)?;
        out.empty("triggers", &[])?;
        out.boolean("concurrentBuild", self.concurrent_build)?;
        if self.steps.is_empty() {
            out.empty("builders", &[])?;
        } else {
            out.open("builders", &[])?;
            for step in &self.steps {
                match step {
                    BuildStep::Shell(command) => {
                        out.open(SHELL, &[])?;
                        out.text("command", "shell command", command)?;
                        out.close(SHELL)?;
                    }
                    BuildStep::Other { class } => {
                        return Err(ConfigXmlError::NotWritable {
                            what: "build step",
                            class: class.clone(),
                        });
                    }
                }
            }
            out.close("builders")?;
        }
        out.empty("publishers", &[])?;
        out.empty("buildWrappers", &[])?;
        out.close(ROOT)
    }

    /// Reads the fields we manage from a `<project>` root.
    pub(crate) fn read(root: &Element) -> Result<Self, ConfigXmlError> {
        // Jenkins ignores assignedNode while canRoam is true. An absent
        // canRoam is false: XStream leaves a missing boolean field at its
        // Java default, and an update through config.xml nulls out missing
        // fields.
        let label = if root.bool_child("canRoam", false)? {
            None
        } else {
            Some(
                root.child_text("assignedNode")
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        let steps = root
            .child("builders")
            .map(|b| {
                b.children
                    .iter()
                    .map(|step| match step.name.as_str() {
                        SHELL => BuildStep::Shell(
                            step.child_text("command").unwrap_or_default().to_owned(),
                        ),
                        _ => BuildStep::Other {
                            class: step.class().to_owned(),
                        },
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(FreestyleConfig {
            description: root
                .child_text("description")
                .unwrap_or_default()
                .to_owned(),
            disabled: root.bool_child("disabled", false)?,
            parameters: parameters::read_property(root.child("properties"))?,
            label,
            steps,
            discarder: discarder::read(root)?,
            concurrent_build: root.bool_child("concurrentBuild", false)?,
        })
    }
}
