//! The DC/OS IAM user endpoints that a client reads about itself.

use serde::{Deserialize, Serialize};

use crate::core::HttpCore;
use crate::error::Error;
use crate::request::Request;

/// A DC/OS user or service account, as `GET /acs/api/v1/users/<uid>` returns it.
///
/// Fields the IAM adds later are kept in `extra`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// The user id.
    pub uid: String,
    /// The description, such as a full name.
    #[serde(default)]
    pub description: Option<String>,
    /// The resource's path, such as `/acs/api/v1/users/alice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Whether the user comes from an external directory (LDAP, OIDC, SAML).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_remote: Option<bool>,
    /// Whether this is a service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_service: Option<bool>,
    /// A service account's public key (SubjectPublicKeyInfo PEM).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_key: Option<String>,
    /// The identity provider type, such as `internal` or `oidc`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_type: Option<String>,
    /// The identity provider id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    /// Fields this version does not know.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

#[derive(Deserialize)]
struct UserList {
    #[serde(default)]
    array: Vec<User>,
}

/// The IAM API under `<cluster>/acs/api/v1/`.
#[derive(Debug, Clone)]
pub struct Iam {
    core: HttpCore,
}

impl Iam {
    pub(crate) fn new(core: HttpCore) -> Self {
        Iam { core }
    }

    /// The core this handle sends with.
    pub fn core(&self) -> &HttpCore {
        &self.core
    }

    /// `GET /acs/api/v1/users/<uid>`.
    pub async fn user(&self, uid: &str) -> Result<User, Error> {
        self.core
            .json(Request::get(["users", uid]).accept("application/json"))
            .await
    }

    /// `GET /acs/api/v1/users`: the regular user accounts, or with
    /// `service_accounts` the service accounts instead.
    pub async fn users(&self, service_accounts: bool) -> Result<Vec<User>, Error> {
        let request = Request::get(["users"])
            .accept("application/json")
            .query_opt("type", service_accounts.then_some("service"));
        Ok(self.core.json::<UserList>(request).await?.array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_keeps_unknown_fields() {
        let json = r#"{"uid":"alice","url":"/acs/api/v1/users/alice","description":"Alice","is_remote":false,"is_service":false,"provider_type":"internal","provider_id":"","groups":["ops"]}"#;
        let user: User = serde_json::from_str(json).unwrap();
        assert_eq!(user.description.as_deref(), Some("Alice"));
        assert_eq!(user.extra["groups"], serde_json::json!(["ops"]));
        let back: serde_json::Value = serde_json::to_value(&user).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
