//! [`JobConfig`]: any item's `config.xml`, by kind.

use super::error::ConfigXmlError;
use super::folder::{self, FolderConfig};
use super::freestyle::{self, FreestyleConfig};
use super::pipeline::{self, PipelineConfig};
use super::tree;
use super::writer::XmlOut;

/// The kind of item a `config.xml` describes, from its root element.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobKind {
    /// `<flow-definition>`: a Pipeline job (`WorkflowJob`).
    Pipeline,
    /// `<project>`: a freestyle job (`FreeStyleProject`).
    Freestyle,
    /// `<com.cloudbees.hudson.plugins.folder.Folder>`.
    Folder,
    /// Any other root, such as a multibranch project or a Maven job.
    Other(String),
}

/// A job or folder configuration: what we generate, and what we read back from
/// a server's `config.xml` to tell whether an update is needed.
///
/// Reading keeps only the fields this module manages; everything else in the
/// document (triggers, SCM polling, plugin properties, views…) is ignored, and
/// a POST of [`JobConfig::to_xml`] replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum JobConfig {
    /// A Pipeline job.
    Pipeline(PipelineConfig),
    /// A freestyle job.
    Freestyle(FreestyleConfig),
    /// A folder.
    Folder(FolderConfig),
    /// An item of another kind, known only by its root element.
    Other {
        /// The root element name.
        root: String,
    },
}

impl JobConfig {
    /// Parses a `config.xml` document (XML 1.0 or 1.1, any formatting).
    pub fn parse(xml: &str) -> Result<JobConfig, ConfigXmlError> {
        let root = tree::parse(xml)?;
        Ok(match root.name.as_str() {
            pipeline::ROOT => JobConfig::Pipeline(PipelineConfig::read(&root)?),
            freestyle::ROOT => JobConfig::Freestyle(FreestyleConfig::read(&root)?),
            folder::ROOT => JobConfig::Folder(FolderConfig::read(&root)),
            other => JobConfig::Other {
                root: other.to_owned(),
            },
        })
    }

    /// The `config.xml` document. An [`Other`](Self::Other) item, or a part
    /// read from a server that is known only by its class, cannot be written.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        let mut out = XmlOut::new()?;
        match self {
            JobConfig::Pipeline(p) => p.write(&mut out)?,
            JobConfig::Freestyle(f) => f.write(&mut out)?,
            JobConfig::Folder(f) => f.write(&mut out)?,
            JobConfig::Other { root } => {
                return Err(ConfigXmlError::NotWritable {
                    what: "item",
                    class: root.clone(),
                });
            }
        }
        out.finish()
    }

    /// The kind of item.
    pub fn kind(&self) -> JobKind {
        match self {
            JobConfig::Pipeline(_) => JobKind::Pipeline,
            JobConfig::Freestyle(_) => JobKind::Freestyle,
            JobConfig::Folder(_) => JobKind::Folder,
            JobConfig::Other { root } => JobKind::Other(root.clone()),
        }
    }

    /// The description (empty for [`Other`](Self::Other)).
    pub fn description(&self) -> &str {
        match self {
            JobConfig::Pipeline(p) => &p.description,
            JobConfig::Freestyle(f) => &f.description,
            JobConfig::Folder(f) => &f.description,
            JobConfig::Other { .. } => "",
        }
    }
}

impl From<PipelineConfig> for JobConfig {
    fn from(config: PipelineConfig) -> Self {
        JobConfig::Pipeline(config)
    }
}

impl From<FreestyleConfig> for JobConfig {
    fn from(config: FreestyleConfig) -> Self {
        JobConfig::Freestyle(config)
    }
}

impl From<FolderConfig> for JobConfig {
    fn from(config: FolderConfig) -> Self {
        JobConfig::Folder(config)
    }
}
