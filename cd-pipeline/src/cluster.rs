//! [`Target`]: the cluster a pipeline runs against, with its three clients.
//!
//! The cluster is chosen in this order ([`choose`]):
//!
//! 1. `--cluster URL` on the command line (credentials from the spec's
//!    `[cluster]` reference, else from the environment);
//! 2. the spec's `[cluster]`;
//! 3. `DCOS_URL` and the other `DCOS_*` variables (`Cluster::from_env`);
//! 4. the DC/OS CLI's attached cluster (`~/.dcos/clusters/<id>/dcos.toml`,
//!    `core.dcos_url` and `core.dcos_acs_token`);
//! 5. else an embedded [`dcos_sim::SimCluster`], started on loopback and kept
//!    alive by the [`Target`]; a [`PipelineEvent::Warning`] says so.
//!
//! [`PipelineEvent::Warning`]: crate::PipelineEvent::Warning

use dcos_auth::{Cluster, ClusterBuilder, Credentials, ServiceAccount};
use dcos_sim::{SimCluster, SimClusterBuilder};
use jenkins_client::JenkinsClient;
use marathon_client::MarathonClient;
use mesos_client::MesosClient;

use crate::error::{Error, Result};
use crate::events::Events;
use crate::spec::{ClusterSpec, CredentialRef, PipelineSpec};

/// Where the cluster came from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Choice {
    /// `--cluster URL`, with the spec's credential reference if it has one.
    Flag {
        /// The URL given.
        url: String,
        /// The spec's `[cluster]`, for its credentials.
        spec: Option<ClusterSpec>,
    },
    /// The spec's `[cluster]`.
    Spec(ClusterSpec),
    /// `DCOS_URL` and the `DCOS_*` variables.
    Environment,
    /// The DC/OS CLI's configuration.
    DcosCli,
    /// An embedded dcos-sim.
    Embedded,
}

/// Picks the cluster: `flag`, then the spec's `[cluster]`, then `DCOS_URL`
/// (read through `env`), then the DC/OS CLI configuration when
/// `cli_configured`, else the embedded simulator. Pure, so the order is
/// tested without touching the process environment.
pub fn choose(
    flag: Option<&str>,
    spec: Option<&ClusterSpec>,
    env: &dyn Fn(&str) -> Option<String>,
    cli_configured: bool,
) -> Choice {
    if let Some(url) = flag.map(str::trim).filter(|u| !u.is_empty()) {
        return Choice::Flag {
            url: url.to_owned(),
            spec: spec.cloned(),
        };
    }
    if let Some(spec) = spec {
        return Choice::Spec(spec.clone());
    }
    if env("DCOS_URL").is_some_and(|u| !u.trim().is_empty()) {
        return Choice::Environment;
    }
    if cli_configured {
        return Choice::DcosCli;
    }
    Choice::Embedded
}

/// The cluster a pipeline runs against: the shared connection and the
/// Marathon, Mesos and Jenkins clients on it. When it is the embedded
/// simulator, the [`Target`] owns it; it stops when the target is dropped or
/// [`shut down`](Target::shutdown).
#[derive(Debug)]
pub struct Target {
    cluster: Cluster,
    marathon: MarathonClient,
    mesos: MesosClient,
    jenkins: JenkinsClient,
    choice: Choice,
    sim: Option<SimCluster>,
}

impl Target {
    /// Resolves the cluster for `spec` ([`choose`] with the process
    /// environment), connecting lazily: no request is sent here, except
    /// that an embedded simulator is started.
    pub async fn resolve(spec: &PipelineSpec, flag: Option<&str>, events: &Events) -> Result<Self> {
        Self::resolve_with(spec, flag, SimCluster::builder(), events).await
    }

    /// Like [`Target::resolve`], with the settings of the simulator started
    /// when no cluster is configured (such as its speed).
    pub async fn resolve_with(
        spec: &PipelineSpec,
        flag: Option<&str>,
        sim: SimClusterBuilder,
        events: &Events,
    ) -> Result<Self> {
        let choice = choose(
            flag,
            spec.cluster.as_ref(),
            &|name| std::env::var(name).ok(),
            ClusterBuilder::dcos_cli_configured(),
        );
        Self::connect_with(choice, spec, sim, events).await
    }

    /// Connects to the cluster `choice` names.
    pub async fn connect(choice: Choice, spec: &PipelineSpec, events: &Events) -> Result<Self> {
        Self::connect_with(choice, spec, SimCluster::builder(), events).await
    }

    /// Connects to the cluster `choice` names; an embedded simulator is
    /// started from `sim`.
    pub async fn connect_with(
        choice: Choice,
        spec: &PipelineSpec,
        sim: SimClusterBuilder,
        events: &Events,
    ) -> Result<Self> {
        let builder = match &choice {
            Choice::Flag { url, spec: None } => {
                ClusterBuilder::from_env_with_url(url.clone()).map_err(cluster_error)?
            }
            Choice::Flag {
                url,
                spec: Some(cluster),
            } => with_credentials(Cluster::builder(url.clone()), &cluster.credentials, spec)?,
            Choice::Spec(cluster) => from_spec(cluster, spec)?,
            Choice::Environment => ClusterBuilder::from_env().map_err(cluster_error)?,
            Choice::DcosCli => ClusterBuilder::from_dcos_cli().map_err(cluster_error)?,
            Choice::Embedded => {
                let target = Self::embedded(sim).await?;
                events.warn(format!(
                    "no cluster configured (--cluster, [cluster] in the spec, DCOS_URL or the \
                     dcos CLI): started an embedded dcos-sim at {}",
                    target.cluster.url()
                ));
                return Ok(target);
            }
        };
        let cluster = builder.build().map_err(cluster_error)?;
        Ok(Self::from_cluster(cluster, choice))
    }

    /// A target on `cluster`: Marathon at `service/marathon`, Mesos at
    /// `mesos`, Jenkins at `service/jenkins` (Admin Router).
    pub fn from_cluster(cluster: Cluster, choice: Choice) -> Self {
        Target {
            marathon: MarathonClient::new(cluster.service("marathon")),
            mesos: MesosClient::new(cluster.path("mesos")),
            jenkins: JenkinsClient::new(cluster.service("jenkins")),
            cluster,
            choice,
            sim: None,
        }
    }

    /// Starts a simulated cluster from `builder` and targets it, logged in
    /// as its service account.
    pub async fn embedded(builder: SimClusterBuilder) -> Result<Self> {
        let sim = builder.start().await.map_err(|e| Error::Cluster {
            detail: "cannot start the embedded dcos-sim".into(),
            source: Some(Box::new(e)),
        })?;
        let mut target = Self::on_sim(&sim)?;
        target.sim = Some(sim);
        Ok(target)
    }

    /// A target on a simulated cluster that the caller keeps (tests that
    /// turn the simulator's fault knobs), logged in as its service account.
    pub fn on_sim(sim: &SimCluster) -> Result<Self> {
        let account = ServiceAccount::from_json(&sim.service_account().credential_json())
            .map_err(cluster_error)?;
        let cluster = Cluster::builder(sim.url())
            .auth(account)
            .build()
            .map_err(cluster_error)?;
        Ok(Self::from_cluster(cluster, Choice::Embedded))
    }

    /// The cluster connection (for other services, or the token).
    pub fn cluster(&self) -> &Cluster {
        &self.cluster
    }

    /// The Marathon client.
    pub fn marathon(&self) -> &MarathonClient {
        &self.marathon
    }

    /// The Mesos client.
    pub fn mesos(&self) -> &MesosClient {
        &self.mesos
    }

    /// The Jenkins client.
    pub fn jenkins(&self) -> &JenkinsClient {
        &self.jenkins
    }

    /// Where the cluster came from.
    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    /// The embedded simulator, when the target owns one.
    pub fn sim(&self) -> Option<&SimCluster> {
        self.sim.as_ref()
    }

    /// Stops the embedded simulator, if any, and waits for it.
    pub async fn shutdown(self) {
        if let Some(sim) = self.sim {
            sim.shutdown().await;
        }
    }
}

fn cluster_error(e: dcos_auth::Error) -> Error {
    Error::Cluster {
        detail: "cannot configure the cluster".into(),
        source: Some(Box::new(e)),
    }
}

/// A builder from the spec's `[cluster]`.
fn from_spec(cluster: &ClusterSpec, spec: &PipelineSpec) -> Result<ClusterBuilder> {
    match (&cluster.credentials, &cluster.url) {
        (CredentialRef::Profile(name), url) => {
            let builder = ClusterBuilder::from_dcos_cli_cluster(name).map_err(cluster_error)?;
            Ok(match url {
                // A url next to a profile points the profile's token elsewhere
                // (another master of the same cluster).
                Some(url) => {
                    let credentials = builder.credentials().clone();
                    Cluster::builder(url.clone()).auth(credentials)
                }
                None => builder,
            })
        }
        (credentials, Some(url)) => {
            with_credentials(Cluster::builder(url.clone()), credentials, spec)
        }
        (_, None) => Err(Error::cluster(
            "the spec's [cluster] has no url (checked when it was loaded)",
        )),
    }
}

/// Reads the credentials a [`CredentialRef`] names. Values are never echoed
/// in errors, only the names of the variables and files.
fn with_credentials(
    builder: ClusterBuilder,
    credentials: &CredentialRef,
    spec: &PipelineSpec,
) -> Result<ClusterBuilder> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| {
                Error::cluster(format!(
                    "the variable {name} named in {} is not set",
                    spec.file.display()
                ))
            })
    };
    Ok(match credentials {
        CredentialRef::Environment => {
            ClusterBuilder::from_env_with_url(builder.url().to_owned()).map_err(cluster_error)?
        }
        CredentialRef::TokenEnv(name) => builder.auth(Credentials::token(env(name)?.trim())),
        CredentialRef::LoginEnv { uid, password } => {
            builder.auth(Credentials::login(env(uid)?, env(password)?))
        }
        CredentialRef::ServiceAccountFile(path) => {
            builder.auth(ServiceAccount::from_file(path).map_err(cluster_error)?)
        }
        CredentialRef::ServiceAccountEnv(name) => {
            let value = env(name)?;
            let value = value.trim();
            let account = if value.starts_with('{') {
                ServiceAccount::from_json(value)
            } else {
                ServiceAccount::from_file(value)
            };
            builder.auth(account.map_err(cluster_error)?)
        }
        CredentialRef::Profile(name) => {
            let profile = ClusterBuilder::from_dcos_cli_cluster(name).map_err(cluster_error)?;
            builder.auth(profile.credentials().clone())
        }
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn spec_cluster() -> ClusterSpec {
        ClusterSpec {
            url: Some("https://dcos.example.com".into()),
            credentials: CredentialRef::TokenEnv("CD_TOKEN".into()),
        }
    }

    #[test]
    fn the_flag_wins_and_keeps_the_spec_credentials() {
        let cluster = spec_cluster();
        let choice = choose(
            Some("https://other.example.com"),
            Some(&cluster),
            &env(&[("DCOS_URL", "https://env.example.com")]),
            true,
        );
        assert_eq!(
            choice,
            Choice::Flag {
                url: "https://other.example.com".into(),
                spec: Some(cluster)
            }
        );
    }

    #[test]
    fn then_the_spec_then_dcos_url_then_the_cli_then_the_simulator() {
        let cluster = spec_cluster();
        let with_url = env(&[("DCOS_URL", "https://env.example.com")]);
        assert_eq!(
            choose(None, Some(&cluster), &with_url, true),
            Choice::Spec(cluster.clone())
        );
        assert_eq!(
            choose(Some("  "), None, &with_url, true),
            Choice::Environment
        );
        assert_eq!(
            choose(None, None, &env(&[("DCOS_URL", " ")]), true),
            Choice::DcosCli
        );
        assert_eq!(choose(None, None, &env(&[]), false), Choice::Embedded);
    }

    #[tokio::test]
    async fn an_embedded_simulator_is_started_kept_and_announced() {
        let spec = crate::spec::tests::minimal_spec();
        let (events, mut stream) = Events::channel();
        let target = Target::connect(Choice::Embedded, &spec, &events)
            .await
            .unwrap();
        let warnings = stream.drain();
        assert!(
            matches!(&warnings[..], [crate::PipelineEvent::Warning { message }]
                if message.contains("embedded dcos-sim") && message.contains(target.cluster().url().as_str())),
            "{warnings:?}"
        );
        assert!(target.sim().is_some());
        // The clients reach the simulator, logged in as its service account.
        let info = target.marathon().info().await.unwrap();
        assert!(info.version.is_some_and(|v| !v.is_empty()));
        let claims = target.cluster().token_claims().await.unwrap().unwrap();
        assert_eq!(
            claims.uid.as_deref(),
            Some(target.sim().unwrap().service_account().uid())
        );
        target.shutdown().await;
    }

    #[tokio::test]
    async fn a_missing_token_variable_is_named_without_a_value() {
        let mut spec = crate::spec::tests::minimal_spec();
        let cluster = ClusterSpec {
            url: Some("https://dcos.example.com".into()),
            credentials: CredentialRef::TokenEnv("CD_PIPELINE_TEST_UNSET_TOKEN".into()),
        };
        spec.cluster = Some(cluster.clone());
        let error = Target::connect(Choice::Spec(cluster), &spec, &Events::none())
            .await
            .unwrap_err();
        assert!(
            error.to_string().contains("CD_PIPELINE_TEST_UNSET_TOKEN"),
            "{error}"
        );
        assert_eq!(error.exit_code(), 1);
    }

    #[tokio::test]
    async fn a_url_with_a_service_account_file_builds_lazily() {
        let sim = SimCluster::builder().start().await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sa.json");
        std::fs::write(&path, sim.service_account().credential_json()).unwrap();
        let cluster = ClusterSpec {
            url: Some(sim.url().to_owned()),
            credentials: CredentialRef::ServiceAccountFile(path),
        };
        let spec = crate::spec::tests::minimal_spec();
        let target = Target::connect(Choice::Spec(cluster.clone()), &spec, &Events::none())
            .await
            .unwrap();
        assert_eq!(target.choice(), &Choice::Spec(cluster));
        assert!(target.sim().is_none());
        let claims = target.cluster().token_claims().await.unwrap().unwrap();
        assert_eq!(claims.uid.as_deref(), Some(sim.service_account().uid()));
        sim.shutdown().await;
    }
}
