//! The Jenkins job the spec asks for: its `config.xml`, and the build
//! parameters every job made by the pipeline declares.

use jenkins_client::config_xml::{GitScm, ParameterDefinition, PipelineConfig};

use crate::error::{Error, Result};
use crate::spec::{Jenkinsfile, PipelineSpec};

/// The image repository, without tag (default: the spec's `build.image`).
pub const PARAM_IMAGE: &str = "IMAGE";
/// The tag to build and push, rendered by the pipeline before each build.
pub const PARAM_TAG: &str = "TAG";
/// The Docker-in-Docker agent label (default: the spec's
/// `build.agent_label`), for `node(params.AGENT_LABEL)`.
pub const PARAM_AGENT_LABEL: &str = "AGENT_LABEL";
/// The commit to build, when the pipeline was given one (else empty).
pub const PARAM_GIT_SHA: &str = "GIT_SHA";

/// The parameters the pipeline sets itself; `build.parameters` may not
/// use these names.
pub const RESERVED_PARAMETERS: [&str; 4] =
    [PARAM_IMAGE, PARAM_TAG, PARAM_AGENT_LABEL, PARAM_GIT_SHA];

/// The description of jobs made by the pipeline.
pub fn description(spec: &PipelineSpec) -> String {
    format!(
        "Builds the service {} for dcos-cd. Managed from its pipeline.toml: \
         edits made here are replaced by the next `dcos-cd configure`.",
        spec.service
    )
}

/// The Pipeline job for `spec`.
///
/// The script is the spec's inline Jenkinsfile (run in the Groovy sandbox)
/// or a `CpsScmFlowDefinition` reading it from Git (lightweight checkout).
/// A Pipeline job's `config.xml` has no agent label of its own, so the
/// label reaches the script as a parameter. The job declares, in this
/// order, the string parameters:
///
/// - `IMAGE`: the image repository (default `build.image`);
/// - `TAG`: the tag to push, always passed by [`build()`](crate::build());
/// - `AGENT_LABEL`: the Docker-in-Docker label (default `build.agent_label`);
/// - `GIT_SHA`: the commit, when known (default empty);
/// - then each of `build.parameters`, by name, with its value as default.
///
/// A Jenkinsfile for the pipeline runs on `node(params.AGENT_LABEL)` and
/// pushes `"$IMAGE:$TAG"`: that is the image the deploy stage runs.
pub fn desired_job(spec: &PipelineSpec) -> Result<PipelineConfig> {
    let build = &spec.build;
    if let Some(name) = build
        .parameters
        .keys()
        .find(|name| RESERVED_PARAMETERS.contains(&name.as_str()))
    {
        return Err(Error::Usage(format!(
            "build.parameters.{name} is set by the pipeline itself; rename the parameter \
             (reserved: {})",
            RESERVED_PARAMETERS.join(", ")
        )));
    }
    let job = match &build.jenkinsfile {
        Jenkinsfile::Inline { script, .. } => PipelineConfig::script(script.clone()),
        Jenkinsfile::Scm {
            url,
            branch,
            script_path,
            credentials_id,
        } => {
            let mut git = GitScm::new(url.clone(), branch.clone());
            if let Some(id) = credentials_id {
                git = git.credentials_id(id.clone());
            }
            PipelineConfig::from_git(git, script_path.clone())
        }
    };
    let string = |name: &str, default: &str, help: &str| {
        ParameterDefinition::string(name, default)
            .with_description(help)
            .with_trim(true)
    };
    let mut parameters = vec![
        string(
            PARAM_IMAGE,
            &build.image,
            "Image repository without tag (set by dcos-cd)",
        ),
        string(
            PARAM_TAG,
            "",
            "Image tag to build and push (set by dcos-cd)",
        ),
        string(
            PARAM_AGENT_LABEL,
            &build.agent_label,
            "Docker-in-Docker agent label (set by dcos-cd)",
        ),
        string(
            PARAM_GIT_SHA,
            "",
            "Commit to build, when known (set by dcos-cd)",
        ),
    ];
    parameters.extend(
        build
            .parameters
            .iter()
            .map(|(name, value)| string(name, value, "From build.parameters of pipeline.toml")),
    );
    Ok(job.description(description(spec)).parameters(parameters))
}

#[cfg(test)]
mod tests {
    use jenkins_client::config_xml::{JobConfig, PipelineDefinition};

    use super::*;

    fn spec(build: &str) -> PipelineSpec {
        let text = format!(
            "service = \"hello\"\n[build]\njob = \"cd/hello\"\nimage = \"r.example.com/hello\"\n\
             tag = \"{{git_sha}}\"\n{build}\n[deploy]\n\
             template_inline = '''{{\"id\": \"/hello\", \"cmd\": \"serve\"}}'''\n"
        );
        PipelineSpec::parse(&text, "pipeline.toml").unwrap()
    }

    #[test]
    fn an_scm_jenkinsfile_is_a_cps_scm_definition_with_the_parameters() {
        let spec = spec(
            "scm = { url = \"https://git.example.com/hello.git\", branch = \"*/release\", \
             script_path = \"ci/Jenkinsfile\", credentials_id = \"git-ro\" }\n\
             agent_label = \"dind\"\nparameters = { B = \"2\", A = \"1\" }",
        );
        let job = desired_job(&spec).unwrap();
        match &job.definition {
            PipelineDefinition::Scm {
                git,
                script_path,
                lightweight,
            } => {
                assert_eq!(git.url, "https://git.example.com/hello.git");
                assert_eq!(git.branch, "*/release");
                assert_eq!(git.credentials_id.as_deref(), Some("git-ro"));
                assert_eq!(script_path, "ci/Jenkinsfile");
                assert!(*lightweight);
            }
            other => panic!("{other:?}"),
        }
        let defaults: Vec<(&str, &str)> = job
            .parameters
            .iter()
            .map(|p| match p {
                ParameterDefinition::String(s) => (s.name.as_str(), s.default_value.as_str()),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            defaults,
            [
                ("IMAGE", "r.example.com/hello"),
                ("TAG", ""),
                ("AGENT_LABEL", "dind"),
                ("GIT_SHA", ""),
                ("A", "1"),
                ("B", "2"),
            ]
        );
        assert!(job.description.contains("hello"));
        // What is written reads back as the same job.
        let xml = job.to_xml().unwrap();
        assert_eq!(JobConfig::parse(&xml).unwrap(), JobConfig::Pipeline(job));
    }

    #[test]
    fn reserved_parameter_names_are_refused() {
        let spec = spec("jenkinsfile = { inline = \"node {}\" }\nparameters = { TAG = \"x\" }");
        let error = desired_job(&spec).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error
                .to_string()
                .contains("build.parameters.TAG is set by the pipeline"),
            "{error}"
        );
    }
}
