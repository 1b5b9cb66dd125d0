//! Generating and reading Jenkins `config.xml`.
//!
//! Typed builders write the XML Jenkins itself saves for Pipeline jobs
//! ([`PipelineConfig`]), freestyle jobs ([`FreestyleConfig`]) and folders
//! ([`FolderConfig`]); [`DindBuild`] is a ready Pipeline that builds and pushes
//! a Docker image on the Mesos cloud's Docker-in-Docker agents.
//! [`JobConfig::parse`] reads a server's `config.xml` back into the same types,
//! and [`compare`] / [`needs_update`] tell whether an update can be skipped.
//!
//! # Quick start
//!
//! ```
//! use jenkins_client::config_xml::{
//!     needs_update, Concurrency, GitScm, JobConfig, LogRotator, ParameterDefinition, PipelineConfig,
//! };
//!
//! let job = PipelineConfig::from_git(
//!     GitScm::new("https://git.example.com/team/app.git", "*/main").credentials_id("git-ro"),
//!     "Jenkinsfile",
//! )
//! .description("Builds team/app")
//! .parameter(ParameterDefinition::string("TAG", "latest").with_description("Image tag"))
//! .parameter(ParameterDefinition::boolean("PUSH", true))
//! .parameter(ParameterDefinition::choice("ENV", ["staging", "prod"]))
//! .discarder(LogRotator::keep_builds(30))
//! .concurrency(Concurrency::Disallow);
//!
//! // POST this to createItem?name=app, or to job/app/config.xml.
//! let xml = job.to_xml()?;
//!
//! // Later: GET job/app/config.xml, and skip the POST when nothing we manage changed.
//! let desired = JobConfig::from(job);
//! let current_xml = xml.replace("  ", "\t"); // formatting does not count
//! assert!(!needs_update(&desired, &current_xml)?);
//! # Ok::<(), jenkins_client::config_xml::ConfigXmlError>(())
//! ```
//!
//! # What is written
//!
//! Documents start with `<?xml version="1.1" encoding="UTF-8"?>`, like the ones
//! Jenkins saves. Text is escaped with quick-xml; in addition, `\r`, U+0085,
//! U+2028 and control characters are written as character references so that
//! every string (scripts with `<`, `&`, quotes, `]]>`, CRLF, unicode) reads
//! back unchanged. NUL, U+FFFE and U+FFFF, which no XML can carry, are an
//! error. `plugin` attributes carry the plugin name without a version; Jenkins
//! fills the version in when it saves.
//!
//! # What is read
//!
//! Only the fields the builders manage: kind, description, disabled, the
//! Pipeline definition (script and sandbox, or Git URL, branch, credentials,
//! script path and lightweight), parameters, the freestyle label and shell
//! steps, the build discarder and the concurrency setting. Parts of kinds we
//! do not model are kept as `Other { class }` so that a comparison sees them,
//! and writing them back is an error rather than a silent loss.

mod compare;
mod concurrency;
mod dind;
mod discarder;
mod error;
mod escape;
mod folder;
mod freestyle;
mod groovy;
mod job_config;
mod parameters;
mod pipeline;
mod scm;
mod tree;
mod writer;

pub use self::compare::{Comparison, Difference, compare, needs_update};
pub use self::concurrency::Concurrency;
pub use self::dind::{DEFAULT_DIND_LABEL, DindBuild};
pub use self::discarder::{BuildDiscarder, LogRotator};
pub use self::error::ConfigXmlError;
pub use self::folder::FolderConfig;
pub use self::freestyle::{BuildStep, FreestyleConfig};
pub use self::groovy::groovy_string;
pub use self::job_config::{JobConfig, JobKind};
pub use self::parameters::{
    BooleanParameter, ChoiceParameter, ParameterDefinition, PasswordParameter, StringParameter,
};
pub use self::pipeline::{PipelineConfig, PipelineDefinition};
pub use self::scm::GitScm;
