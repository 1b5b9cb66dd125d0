//! Deployments, their steps, and the results of changes that start one.

use dcos_auth::json_model;

use super::Timestamp;
use crate::ids::{AppId, DeploymentId};

json_model! {
    /// A running deployment, as listed by `GET /v2/deployments`.
    pub struct Deployment {
        /// The deployment id.
        "id" id: DeploymentId,
        /// The target version.
        "version" version: Option<Timestamp>,
        /// The apps it changes.
        "affectedApps" affected_apps: Option<Vec<AppId>>,
        /// The step running now, counting from 1.
        "currentStep" current_step: Option<u32>,
        /// How many steps there are.
        "totalSteps" total_steps: Option<u32>,
    }
}

json_model! {
    /// A reference to a deployment, as embedded in an app or a 409 answer.
    pub struct DeploymentRef {
        /// The deployment id.
        "id" id: DeploymentId,
    }
}

json_model! {
    /// The answer to a change that starts a deployment:
    /// `{"deploymentId", "version"}`.
    pub struct DeploymentResult {
        /// The deployment started.
        "deploymentId" deployment_id: Option<DeploymentId>,
        /// The new version.
        "version" version: Option<Timestamp>,
    }
}
