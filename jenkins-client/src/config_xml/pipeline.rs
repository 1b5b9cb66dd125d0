//! Pipeline jobs: `<flow-definition plugin="workflow-job">` with an inline
//! `CpsFlowDefinition` script or a `CpsScmFlowDefinition` from Git.

use super::concurrency::{self, Concurrency};
use super::discarder::{self, BuildDiscarder};
use super::error::ConfigXmlError;
use super::parameters::{self, ParameterDefinition};
use super::scm::GitScm;
use super::tree::Element;
use super::writer::XmlOut;

/// The root element of a Pipeline job.
pub(crate) const ROOT: &str = "flow-definition";
const CPS: &str = "org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition";
const CPS_SCM: &str = "org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition";

/// Where a Pipeline's script comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PipelineDefinition {
    /// `CpsFlowDefinition`: the script is stored in the job.
    Script {
        /// The Groovy script.
        script: String,
        /// Whether it runs in the Groovy sandbox. Without the sandbox an
        /// administrator must approve the script before it can run.
        sandbox: bool,
    },
    /// `CpsScmFlowDefinition`: the script is read from a Git repository.
    Scm {
        /// The repository and branch.
        git: GitScm,
        /// Path of the script in the repository, such as `Jenkinsfile`.
        script_path: String,
        /// Read only the script file instead of checking out the whole
        /// repository on the controller.
        lightweight: bool,
    },
    /// Any other definition (or an SCM other than a single-remote,
    /// single-branch Git), read from a server. It cannot be written back.
    Other {
        /// The definition's Java class.
        class: String,
        /// For an SCM definition, the SCM's Java class.
        scm_class: Option<String>,
    },
}

/// A Pipeline job's `config.xml`, as built here or read from a server.
///
/// ```
/// use jenkins_client::config_xml::{Concurrency, LogRotator, ParameterDefinition, PipelineConfig};
///
/// let xml = PipelineConfig::script("node('linux') { sh 'make' }")
///     .description("Builds the app")
///     .parameter(ParameterDefinition::string("TAG", "latest"))
///     .discarder(LogRotator::keep_builds(20))
///     .concurrency(Concurrency::Disallow)
///     .to_xml()?;
/// assert!(xml.contains("<flow-definition plugin=\"workflow-job\">"));
/// # Ok::<(), jenkins_client::config_xml::ConfigXmlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PipelineConfig {
    /// The job description (HTML as configured in Jenkins' markup formatter).
    pub description: String,
    /// Whether the job is disabled (no new builds).
    pub disabled: bool,
    /// The script or where to read it.
    pub definition: PipelineDefinition,
    /// Build parameters in display order.
    ///
    /// A Jenkinsfile that calls `properties([...])` rewrites the job's
    /// parameters, discarder and concurrency on every run; manage them either
    /// there or here, or every comparison will report a difference.
    pub parameters: Vec<ParameterDefinition>,
    /// How old builds are discarded; `None` keeps them all.
    pub discarder: Option<BuildDiscarder>,
    /// Whether builds may run concurrently.
    pub concurrency: Concurrency,
}

impl PipelineConfig {
    /// A Pipeline with an inline script, run in the Groovy sandbox.
    pub fn script(script: impl Into<String>) -> Self {
        Self::with_definition(PipelineDefinition::Script {
            script: script.into(),
            sandbox: true,
        })
    }

    /// A Pipeline whose script is `script_path` in a Git repository, read with
    /// a lightweight checkout.
    pub fn from_git(git: GitScm, script_path: impl Into<String>) -> Self {
        Self::with_definition(PipelineDefinition::Scm {
            git,
            script_path: script_path.into(),
            lightweight: true,
        })
    }

    /// A Pipeline with the given definition and nothing else set.
    pub fn with_definition(definition: PipelineDefinition) -> Self {
        PipelineConfig {
            description: String::new(),
            disabled: false,
            definition,
            parameters: Vec::new(),
            discarder: None,
            concurrency: Concurrency::Allow,
        }
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

    /// For an inline script, sets whether it runs in the Groovy sandbox.
    /// No effect on other definitions.
    #[must_use]
    pub fn sandbox(mut self, on: bool) -> Self {
        if let PipelineDefinition::Script { sandbox, .. } = &mut self.definition {
            *sandbox = on;
        }
        self
    }

    /// For a script from Git, sets whether the checkout is lightweight.
    /// No effect on other definitions.
    #[must_use]
    pub fn lightweight(mut self, on: bool) -> Self {
        if let PipelineDefinition::Scm { lightweight, .. } = &mut self.definition {
            *lightweight = on;
        }
        self
    }

    /// Adds a build parameter.
    #[must_use]
    pub fn parameter(mut self, parameter: ParameterDefinition) -> Self {
        self.parameters.push(parameter);
        self
    }

    /// Replaces the build parameters.
    #[must_use]
    pub fn parameters(mut self, parameters: impl IntoIterator<Item = ParameterDefinition>) -> Self {
        self.parameters = parameters.into_iter().collect();
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
    pub fn concurrency(mut self, concurrency: Concurrency) -> Self {
        self.concurrency = concurrency;
        self
    }

    /// The `config.xml` document, ready for `createItem` or `config.xml` POST.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        let mut out = XmlOut::new()?;
        self.write(&mut out)?;
        out.finish()
    }

    pub(crate) fn write(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        out.open(ROOT, &[("plugin", "workflow-job")])?;
        out.empty("actions", &[])?;
        out.text("description", "description", &self.description)?;
        out.boolean("keepDependencies", false)?;
        if self.discarder.is_none()
            && self.concurrency == Concurrency::Allow
            && self.parameters.is_empty()
        {
            out.empty("properties", &[])?;
        } else {
            out.open("properties", &[])?;
            discarder::write_property(out, self.discarder.as_ref())?;
            concurrency::write_property(out, self.concurrency)?;
            parameters::write_property(out, &self.parameters)?;
            out.close("properties")?;
        }
        self.write_definition(out)?;
        out.empty("triggers", &[])?;
        out.boolean("disabled", self.disabled)?;
        out.close(ROOT)
    }

    fn write_definition(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        match &self.definition {
            PipelineDefinition::Script { script, sandbox } => {
                out.open("definition", &[("class", CPS), ("plugin", "workflow-cps")])?;
                out.text("script", "script", script)?;
                out.boolean("sandbox", *sandbox)?;
            }
            PipelineDefinition::Scm {
                git,
                script_path,
                lightweight,
            } => {
                if script_path.trim().is_empty() {
                    return Err(ConfigXmlError::Invalid("the script path is empty".into()));
                }
                out.open(
                    "definition",
                    &[("class", CPS_SCM), ("plugin", "workflow-cps")],
                )?;
                git.write(out)?;
                out.text("scriptPath", "script path", script_path)?;
                out.boolean("lightweight", *lightweight)?;
            }
            PipelineDefinition::Other { class, .. } => {
                return Err(ConfigXmlError::NotWritable {
                    what: "Pipeline definition",
                    class: class.clone(),
                });
            }
        }
        out.close("definition")
    }

    /// Reads the fields we manage from a `<flow-definition>` root.
    pub(crate) fn read(root: &Element) -> Result<Self, ConfigXmlError> {
        let properties = root.child("properties");
        Ok(PipelineConfig {
            description: root
                .child_text("description")
                .unwrap_or_default()
                .to_owned(),
            disabled: root.bool_child("disabled", false)?,
            definition: read_definition(root.child("definition"))?,
            parameters: parameters::read_property(properties)?,
            discarder: discarder::read(root)?,
            concurrency: concurrency::read_property(properties)?,
        })
    }
}

fn read_definition(definition: Option<&Element>) -> Result<PipelineDefinition, ConfigXmlError> {
    let Some(def) = definition else {
        // A job saved before a definition was chosen.
        return Ok(PipelineDefinition::Other {
            class: String::new(),
            scm_class: None,
        });
    };
    Ok(match def.class() {
        CPS => PipelineDefinition::Script {
            script: def.child_text("script").unwrap_or_default().to_owned(),
            sandbox: def.bool_child("sandbox", false)?,
        },
        CPS_SCM => {
            let scm = def.child("scm");
            match scm.and_then(GitScm::read) {
                Some(git) => PipelineDefinition::Scm {
                    git,
                    script_path: def.child_text("scriptPath").unwrap_or_default().to_owned(),
                    lightweight: def.bool_child("lightweight", false)?,
                },
                None => PipelineDefinition::Other {
                    class: CPS_SCM.to_owned(),
                    scm_class: scm.map(|s| s.class().to_owned()),
                },
            }
        }
        other => PipelineDefinition::Other {
            class: other.to_owned(),
            scm_class: None,
        },
    })
}
