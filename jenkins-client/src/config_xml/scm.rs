//! Git checkout for a Pipeline from SCM: `hudson.plugins.git.GitSCM`.

use super::error::ConfigXmlError;
use super::tree::Element;
use super::writer::XmlOut;

/// The Java class of the Git SCM.
pub(crate) const GIT_SCM: &str = "hudson.plugins.git.GitSCM";

/// One remote and one branch of a Git repository.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitScm {
    /// Repository URL (`userRemoteConfigs[0].url`).
    pub url: String,
    /// Branch specifier (`branches[0].name`), such as `*/main` or `refs/tags/v1`.
    pub branch: String,
    /// Jenkins credentials id for the checkout, if the repository needs one.
    pub credentials_id: Option<String>,
}

impl GitScm {
    /// A repository and a branch specifier, such as `*/main`.
    pub fn new(url: impl Into<String>, branch: impl Into<String>) -> Self {
        GitScm {
            url: url.into(),
            branch: branch.into(),
            credentials_id: None,
        }
    }

    /// Checks out with these Jenkins credentials.
    #[must_use]
    pub fn credentials_id(mut self, id: impl Into<String>) -> Self {
        self.credentials_id = Some(id.into());
        self
    }

    /// Writes `<scm class="hudson.plugins.git.GitSCM" plugin="git">…</scm>`.
    pub(crate) fn write(&self, out: &mut XmlOut) -> Result<(), ConfigXmlError> {
        if self.url.trim().is_empty() {
            return Err(ConfigXmlError::Invalid("the Git URL is empty".into()));
        }
        out.open("scm", &[("class", GIT_SCM), ("plugin", "git")])?;
        out.number("configVersion", 2)?;
        out.open("userRemoteConfigs", &[])?;
        out.open("hudson.plugins.git.UserRemoteConfig", &[])?;
        out.text("url", "Git URL", &self.url)?;
        if let Some(id) = &self.credentials_id {
            out.text("credentialsId", "credentials id", id)?;
        }
        out.close("hudson.plugins.git.UserRemoteConfig")?;
        out.close("userRemoteConfigs")?;
        out.open("branches", &[])?;
        out.open("hudson.plugins.git.BranchSpec", &[])?;
        out.text("name", "branch", &self.branch)?;
        out.close("hudson.plugins.git.BranchSpec")?;
        out.close("branches")?;
        out.empty("extensions", &[])?;
        out.close("scm")
    }

    /// Reads a `GitSCM` element with exactly one remote and one branch; any
    /// other shape is not one we manage, so it gives `None`.
    pub(crate) fn read(scm: &Element) -> Option<GitScm> {
        if scm.class() != GIT_SCM {
            return None;
        }
        let remotes = &scm.child("userRemoteConfigs")?.children;
        let branches = &scm.child("branches")?.children;
        let ([remote], [branch]) = (remotes.as_slice(), branches.as_slice()) else {
            return None;
        };
        Some(GitScm {
            url: remote.child_text("url").unwrap_or_default().to_owned(),
            branch: branch.child_text("name").unwrap_or_default().to_owned(),
            credentials_id: remote.child_text("credentialsId").map(str::to_owned),
        })
    }
}
