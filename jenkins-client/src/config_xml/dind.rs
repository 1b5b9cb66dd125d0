//! A ready Pipeline for building and pushing a Docker image on the Mesos
//! cloud's Docker-in-Docker agents.

use super::error::ConfigXmlError;
use super::groovy::groovy_string;
use super::parameters::ParameterDefinition;
use super::pipeline::PipelineConfig;
use super::scm::GitScm;

/// The agent label of the DC/OS Jenkins package's Docker-in-Docker template
/// (`mesosphere/jenkins-dind`, privileged, `isDind`).
pub const DEFAULT_DIND_LABEL: &str = "linux";

/// A Pipeline that checks out a Git repository, runs `docker build` and
/// `docker push` on a Docker-in-Docker agent of the Mesos cloud.
///
/// The build takes two parameters, `IMAGE` (defaulting to the image given
/// here) and `TAG` (required), and checks both before it asks for an agent
/// (with `String.matches`, which the Groovy sandbox allows).
///
/// # Why the push is part of the build
///
/// The Mesos plugin's agents are single-use: each build gets a fresh Mesos
/// task whose Docker daemon (started by the DinD image's wrapper, with its
/// storage on a volume of that task) disappears with the agent when the build
/// ends. An image that is built but not pushed in the same build is lost, so
/// there is no separate "push" job: build and push are stages of one Pipeline,
/// on one agent.
///
/// # Quoting
///
/// Values known when the job is generated (label, repository, Dockerfile
/// path, registry) are written as Groovy single-quoted literals
/// ([`groovy_string`]) and reach the shell as environment variables; build
/// parameters reach the shell only as `"$IMAGE"` and `"$TAG"`. Nothing is
/// interpolated into Groovy or shell code, so no value can inject either.
///
/// ```
/// use jenkins_client::config_xml::{DindBuild, GitScm, JobConfig};
///
/// let job = DindBuild::new(GitScm::new("https://git.example.com/app.git", "*/main"), "registry.example.com/team/app")
///     .registry("registry.example.com")
///     .registry_credentials("registry-push");
/// let xml = job.to_xml()?;
/// assert!(matches!(JobConfig::parse(&xml)?, JobConfig::Pipeline(_)));
/// # Ok::<(), jenkins_client::config_xml::ConfigXmlError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DindBuild {
    /// The repository to build.
    pub git: GitScm,
    /// Default of the `IMAGE` parameter: the image name without tag, such as
    /// `registry.example.com:5000/team/app`.
    pub image: String,
    /// The agent label; [`DEFAULT_DIND_LABEL`] by default.
    pub label: String,
    /// Path of the Dockerfile in the repository; `Dockerfile` by default.
    pub dockerfile: String,
    /// The build context directory; `.` by default.
    pub context: String,
    /// The registry host to log in to; `None` is Docker Hub.
    pub registry: Option<String>,
    /// Jenkins username/password credentials for `docker login`; `None` pushes
    /// without logging in.
    pub registry_credentials_id: Option<String>,
}

impl DindBuild {
    /// Builds `git` into `image` on the default DinD label.
    pub fn new(git: GitScm, image: impl Into<String>) -> Self {
        DindBuild {
            git,
            image: image.into(),
            label: DEFAULT_DIND_LABEL.to_owned(),
            dockerfile: "Dockerfile".to_owned(),
            context: ".".to_owned(),
            registry: None,
            registry_credentials_id: None,
        }
    }

    /// Runs on agents with this label instead of `linux`.
    #[must_use]
    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Uses this Dockerfile path.
    #[must_use]
    pub fn dockerfile(mut self, path: impl Into<String>) -> Self {
        self.dockerfile = path.into();
        self
    }

    /// Uses this build context directory.
    #[must_use]
    pub fn context(mut self, dir: impl Into<String>) -> Self {
        self.context = dir.into();
        self
    }

    /// Logs in to this registry host (instead of Docker Hub).
    #[must_use]
    pub fn registry(mut self, host: impl Into<String>) -> Self {
        self.registry = Some(host.into());
        self
    }

    /// Logs in with these Jenkins username/password credentials before pushing.
    #[must_use]
    pub fn registry_credentials(mut self, id: impl Into<String>) -> Self {
        self.registry_credentials_id = Some(id.into());
        self
    }

    /// The Groovy script (scripted Pipeline).
    pub fn script(&self) -> String {
        let q = groovy_string;
        let mut env = vec![
            q(&format!("DOCKERFILE={}", self.dockerfile)),
            q(&format!("CONTEXT={}", self.context)),
        ];
        if let Some(registry) = &self.registry {
            env.push(q(&format!("REGISTRY={registry}")));
        }
        let mut remote = format!("url: {}", q(&self.git.url));
        if let Some(id) = &self.git.credentials_id {
            remote.push_str(&format!(", credentialsId: {}", q(id)));
        }
        let login_target = if self.registry.is_some() {
            " \"$REGISTRY\""
        } else {
            ""
        };
        let push = match &self.registry_credentials_id {
            Some(id) => format!(
                "            withCredentials([usernamePassword(credentialsId: {id}, usernameVariable: 'REGISTRY_USER', passwordVariable: 'REGISTRY_PASSWORD')]) {{\n\
                 \x20               sh 'printf \"%s\" \"$REGISTRY_PASSWORD\" | docker login --username \"$REGISTRY_USER\" --password-stdin{login_target}'\n\
                 \x20               sh 'docker push \"$IMAGE:$TAG\"'\n\
                 \x20           }}\n",
                id = q(id),
            ),
            None => "            sh 'docker push \"$IMAGE:$TAG\"'\n".to_owned(),
        };
        format!(
            "// Docker-in-Docker image build, generated by jenkins-client.\n\
             // The agent is single-use: the image exists only there, so it is pushed in this build.\n\
             if (!(params.IMAGE ?: '').matches('[A-Za-z0-9][A-Za-z0-9._:/-]*')) {{\n\
             \x20   error('IMAGE must be an image name without tag, such as registry.example.com:5000/team/app')\n\
             }}\n\
             if (!(params.TAG ?: '').matches('[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}')) {{\n\
             \x20   error('TAG must be a Docker tag: letters, digits, _ . - (at most 128, not starting with . or -)')\n\
             }}\n\
             node({label}) {{\n\
             \x20   stage('Checkout') {{\n\
             \x20       checkout([$class: 'GitSCM', branches: [[name: {branch}]], userRemoteConfigs: [[{remote}]]])\n\
             \x20   }}\n\
             \x20   withEnv([{env}]) {{\n\
             \x20       stage('Build') {{\n\
             \x20           sh 'docker build --tag \"$IMAGE:$TAG\" --file \"$DOCKERFILE\" \"$CONTEXT\"'\n\
             \x20       }}\n\
             \x20       stage('Push') {{\n\
             {push}\
             \x20       }}\n\
             \x20   }}\n\
             }}\n",
            label = q(&self.label),
            branch = q(&self.git.branch),
            env = env.join(", "),
        )
    }

    /// The Pipeline job: the script in the sandbox, with the `IMAGE` and `TAG`
    /// parameters. Add a discarder or concurrency setting on the result.
    pub fn to_pipeline(&self) -> PipelineConfig {
        PipelineConfig::script(self.script())
            .description(format!(
                "Builds and pushes {} on a Docker-in-Docker agent.",
                self.image
            ))
            .parameter(
                ParameterDefinition::string("IMAGE", self.image.clone())
                    .with_description(
                        "Image name without tag, such as registry.example.com:5000/team/app",
                    )
                    .with_trim(true),
            )
            .parameter(
                ParameterDefinition::string("TAG", "")
                    .with_description("Image tag to build and push (required)")
                    .with_trim(true),
            )
    }

    /// The job's `config.xml`.
    pub fn to_xml(&self) -> Result<String, ConfigXmlError> {
        if self.label.trim().is_empty() {
            return Err(ConfigXmlError::Invalid("the agent label is empty".into()));
        }
        self.to_pipeline().to_xml()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_shape() {
        let s = DindBuild::new(
            GitScm::new("https://g/x.git", "*/main").credentials_id("git"),
            "r/app",
        )
        .registry("r:5000")
        .registry_credentials("push")
        .script();
        assert!(s.contains("node('linux') {"), "{s}");
        assert!(
            s.contains("userRemoteConfigs: [[url: 'https://g/x.git', credentialsId: 'git']]"),
            "{s}"
        );
        assert!(
            s.contains("withEnv(['DOCKERFILE=Dockerfile', 'CONTEXT=.', 'REGISTRY=r:5000'])"),
            "{s}"
        );
        assert!(s.contains("credentialsId: 'push'"), "{s}");
        assert!(s.contains("--password-stdin \"$REGISTRY\"'"), "{s}");
        assert!(s.contains("sh 'docker push \"$IMAGE:$TAG\"'"), "{s}");
        assert!(
            s.contains("if (!(params.TAG ?: '').matches('[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}')) {"),
            "{s}"
        );
        // Checks come before the agent is requested.
        assert!(s.find("params.IMAGE").unwrap() < s.find("node(").unwrap());
        // Build before push, both inside the node block.
        let build = s.find("docker build").unwrap();
        let push = s.find("docker push").unwrap();
        assert!(build < push);
        // Parameters are never interpolated by Groovy.
        assert!(!s.contains("${params"));
        assert!(!s.contains("\"${"));
    }

    #[test]
    fn hostile_values_stay_inside_literals() {
        let s = DindBuild::new(GitScm::new("https://g/x.git'; evil() //", "*/ma'in"), "img")
            .label("linux' ) { evil() }")
            .dockerfile("docker/Dockerfile\nrm -rf /")
            .script();
        assert!(s.contains(r"url: 'https://g/x.git\'; evil() //'"), "{s}");
        assert!(s.contains(r"node('linux\' ) { evil() }')"), "{s}");
        assert!(
            s.contains(r"'DOCKERFILE=docker/Dockerfile\nrm -rf /'"),
            "{s}"
        );
        assert!(s.contains(r"[[name: '*/ma\'in']]"), "{s}");
    }

    #[test]
    fn no_login_without_credentials() {
        let s = DindBuild::new(GitScm::new("u", "*/main"), "img").script();
        assert!(!s.contains("docker login"));
        assert!(!s.contains("REGISTRY"));
        assert!(s.contains("docker push"));
    }
}
