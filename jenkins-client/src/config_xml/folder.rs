//! Folders: `com.cloudbees.hudson.plugins.folder.Folder`.

use super::error::ConfigXmlError;
use super::tree::Element;
use super::writer::XmlOut;

/// The root element of a folder.
pub(crate) const ROOT: &str = "com.cloudbees.hudson.plugins.folder.Folder";

/// A folder's `config.xml`, as built here or read from a server.
///
/// Only the description is written; the Folders plugin fills in its default
/// view, health metrics and icon when it loads the folder, and those are left
/// alone on update.
///
/// ```
/// use jenkins_client::config_xml::FolderConfig;
///
/// let xml = FolderConfig::new().description("Team A's jobs").to_xml()?;
/// assert!(xml.contains("<com.cloudbees.hudson.plugins.folder.Folder plugin=\"cloudbees-folder\">"));
/// # Ok::<(), jenkins_client::config_xml::ConfigXmlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct FolderConfig {
    /// The folder description.
    pub description: String,
}

impl FolderConfig {
    /// A folder with no description.
    pub fn new() -> Self {
        FolderConfig::default()
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// The `config.xml` document.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        let mut out = XmlOut::new()?;
        self.write(&mut out)?;
        out.finish()
    }

    pub(crate) fn write(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        out.open(ROOT, &[("plugin", "cloudbees-folder")])?;
        out.empty("actions", &[])?;
        out.text("description", "description", &self.description)?;
        out.empty("properties", &[])?;
        out.close(ROOT)
    }

    pub(crate) fn read(root: &Element) -> Self {
        FolderConfig {
            description: root
                .child_text("description")
                .unwrap_or_default()
                .to_owned(),
        }
    }
}
