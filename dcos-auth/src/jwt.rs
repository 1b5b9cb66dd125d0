//! The two JWT jobs a client has: signing a service login token (RS256) and
//! reading the expiry of an ACS token without verifying it.
//!
//! Signing uses `ring`, the maintained crypto library that rustls already builds,
//! so the workspace carries a single crypto stack.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::PrivateKeyDer;
use rustls_pki_types::pem::PemObject;
use serde::{Deserialize, Serialize};

use crate::error::AuthError;

/// How long a service login token is valid. DC/OS CLI uses 5 minutes and Bouncer
/// warns past 10.
pub const LOGIN_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 60);

/// An RSA private key that signs service login tokens.
pub(crate) struct SigningKey {
    pair: RsaKeyPair,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(***)")
    }
}

impl SigningKey {
    /// Reads a PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`)
    /// PEM key. Errors never quote the key.
    pub(crate) fn from_pem(pem: &[u8]) -> Result<Self, AuthError> {
        let invalid = |reason: String| AuthError::InvalidKey { reason };
        let der = PrivateKeyDer::from_pem_slice(pem).map_err(|e| {
            invalid(format!(
                "expected a PEM `PRIVATE KEY` or `RSA PRIVATE KEY` block ({})",
                pem_error_kind(&e)
            ))
        })?;
        let pair = match &der {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => return Err(invalid("the key is not an RSA key".into())),
        }
        .map_err(|e| invalid(format!("the RSA key was rejected: {e}")))?;
        Ok(SigningKey { pair })
    }

    /// Signs `claims` as a compact RS256 JWT.
    pub(crate) fn sign<C: Serialize>(&self, claims: &C) -> Result<String, AuthError> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = serde_json::to_vec(claims).map_err(|e| AuthError::InvalidCredential {
            reason: format!("login claims do not serialise: {e}"),
        })?;
        let signing_input = format!("{header}.{}", URL_SAFE_NO_PAD.encode(payload));
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| AuthError::InvalidKey {
                reason: "signing with the key failed".into(),
            })?;
        Ok(format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }
}

fn pem_error_kind(e: &rustls_pki_types::pem::Error) -> &'static str {
    use rustls_pki_types::pem::Error as E;
    match e {
        E::NoItemsFound => "no key block found",
        E::MissingSectionEnd { .. } => "a block has no END line",
        E::IllegalSectionStart { .. } => "a BEGIN line is malformed",
        E::Base64Decode(_) => "the block is not valid base64",
        _ => "the PEM is malformed",
    }
}

/// The claims of a service login token.
#[derive(Debug, Serialize)]
pub(crate) struct LoginClaims<'a> {
    pub(crate) uid: &'a str,
    pub(crate) exp: u64,
}

impl<'a> LoginClaims<'a> {
    /// Claims for `uid` that expire [`LOGIN_TOKEN_LIFETIME`] after `now`.
    pub(crate) fn new(uid: &'a str, now: SystemTime) -> Self {
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        LoginClaims {
            uid,
            exp: (now + LOGIN_TOKEN_LIFETIME).as_secs(),
        }
    }
}

/// What a client may read from an ACS token without verifying it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TokenClaims {
    /// The user or service account the token was issued to.
    #[serde(default)]
    pub uid: Option<String>,
    /// When the token expires.
    #[serde(default, deserialize_with = "exp_as_time")]
    pub exp: Option<SystemTime>,
}

fn exp_as_time<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<SystemTime>, D::Error> {
    let secs = Option::<f64>::deserialize(d)?;
    Ok(secs
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12)
        .map(|s| UNIX_EPOCH + Duration::from_secs_f64(s)))
}

impl TokenClaims {
    /// Reads the claims of a compact JWT without checking its signature. A token
    /// that is not a JWT (an opaque token) gives empty claims.
    pub fn decode_unverified(token: &str) -> TokenClaims {
        let mut parts = token.split('.');
        let (Some(_), Some(payload), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return TokenClaims::default();
        };
        URL_SAFE_NO_PAD
            .decode(payload.trim_end_matches('='))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_docs_sample_token() {
        // The DC/OS IAM docs' sample token: uid bootstrapuser, exp 1482615456.
        let payload = URL_SAFE_NO_PAD.encode(br#"{"uid":"bootstrapuser","exp":1482615456}"#);
        let claims = TokenClaims::decode_unverified(&format!("eyJhbGciOiJSUzI1NiJ9.{payload}.sig"));
        assert_eq!(claims.uid.as_deref(), Some("bootstrapuser"));
        assert_eq!(
            claims.exp,
            Some(UNIX_EPOCH + Duration::from_secs(1_482_615_456))
        );
    }

    #[test]
    fn opaque_and_malformed_tokens_give_empty_claims() {
        for t in ["opaque", "a.b", "a.!!!.c", "a.e30.c.d", ""] {
            assert_eq!(
                TokenClaims::decode_unverified(t),
                TokenClaims::default(),
                "{t}"
            );
        }
        let bad_exp = URL_SAFE_NO_PAD.encode(br#"{"exp":"soon"}"#);
        assert_eq!(
            TokenClaims::decode_unverified(&format!("h.{bad_exp}.s")),
            TokenClaims::default()
        );
        let negative = URL_SAFE_NO_PAD.encode(br#"{"uid":"u","exp":-5}"#);
        let c = TokenClaims::decode_unverified(&format!("h.{negative}.s"));
        assert_eq!(c.exp, None);
        assert_eq!(c.uid.as_deref(), Some("u"));
    }

    #[test]
    fn login_claims_expire_in_five_minutes() {
        let now = UNIX_EPOCH + Duration::from_secs(1_000);
        let c = LoginClaims::new("cd-bot", now);
        assert_eq!(c.exp, 1_300);
    }

    #[test]
    fn bad_keys_are_rejected_without_quoting_them() {
        let err = SigningKey::from_pem(b"-----BEGIN PRIVATE KEY-----\nc2VjcmV0IGtleSBtYXRlcmlhbA==\n-----END PRIVATE KEY-----\n")
            .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("rejected"), "{shown}");
        assert!(!shown.contains("c2VjcmV0"), "{shown}");
        assert!(SigningKey::from_pem(b"not a pem").is_err());
    }
}
