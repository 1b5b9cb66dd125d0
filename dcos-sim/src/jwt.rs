//! RS256 JSON Web Tokens: signing ACS tokens and verifying them and service
//! login tokens, with `ring`.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ring::rand::SystemRandom;
use ring::signature::{
    RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair, UnparsedPublicKey,
};
use serde::Deserialize;

/// Why a token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JwtError {
    /// Not three base64url parts with a JSON header and payload.
    Malformed,
    /// The header's `alg` is not `RS256`.
    Algorithm,
    /// The signature does not verify against the key.
    Signature,
    /// The claims have no `uid`.
    NoUid,
    /// `exp` is in the past.
    Expired,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            JwtError::Malformed => "the token is not a JWT",
            JwtError::Algorithm => "the token is not signed with RS256",
            JwtError::Signature => "the token's signature is invalid",
            JwtError::NoUid => "the token has no uid claim",
            JwtError::Expired => "the token has expired",
        })
    }
}

/// The claims the simulator reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub(crate) struct Claims {
    /// The account.
    #[serde(default)]
    pub(crate) uid: Option<String>,
    /// Expiry, Unix seconds.
    #[serde(default)]
    pub(crate) exp: Option<f64>,
}

#[derive(Deserialize)]
struct Header {
    #[serde(default)]
    alg: Option<String>,
}

/// Decodes the body of a PEM block (any label).
pub(crate) fn pem_to_der(pem: &str) -> Option<Vec<u8>> {
    let body: String = pem
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
        .collect();
    STANDARD.decode(body).ok()
}

/// An RSA key pair that signs RS256 tokens.
pub(crate) struct Signer {
    pair: RsaKeyPair,
    rng: SystemRandom,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer(***)")
    }
}

impl Signer {
    /// Reads a PKCS#8 PEM key.
    pub(crate) fn from_pkcs8_pem(pem: &str) -> Result<Self, String> {
        let der = pem_to_der(pem).ok_or("the key is not PEM")?;
        let pair = RsaKeyPair::from_pkcs8(&der).map_err(|e| format!("bad RSA key: {e}"))?;
        Ok(Signer {
            pair,
            rng: SystemRandom::new(),
        })
    }

    /// The public key as a DER `RSAPublicKey`, the form [`verify`] takes.
    pub(crate) fn public_key(&self) -> Vec<u8> {
        use ring::signature::KeyPair;
        self.pair.public_key().as_ref().to_vec()
    }

    /// Signs `claims` as a compact RS256 JWT.
    pub(crate) fn sign(&self, claims: &serde_json::Value) -> Result<String, String> {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        let input = format!("{header}.{payload}");
        let mut signature = vec![0; self.pair.public().modulus_len()];
        self.pair
            .sign(
                &RSA_PKCS1_SHA256,
                &self.rng,
                input.as_bytes(),
                &mut signature,
            )
            .map_err(|_| "signing failed".to_owned())?;
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

/// Reads a token's claims without checking anything.
pub(crate) fn decode_unverified(token: &str) -> Result<Claims, JwtError> {
    let mut parts = token.split('.');
    let (Some(_), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(JwtError::Malformed);
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|_| JwtError::Malformed)?;
    serde_json::from_slice(&bytes).map_err(|_| JwtError::Malformed)
}

/// Verifies an RS256 token against `public_key` (a DER `RSAPublicKey`) and
/// its `exp` (when present) against `now` (Unix seconds); returns its claims.
pub(crate) fn verify(token: &str, public_key: &[u8], now: f64) -> Result<Claims, JwtError> {
    let (input, signature) = token.rsplit_once('.').ok_or(JwtError::Malformed)?;
    let (header, _) = input.split_once('.').ok_or(JwtError::Malformed)?;
    let header: Header = URL_SAFE_NO_PAD
        .decode(header.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .ok_or(JwtError::Malformed)?;
    if header.alg.as_deref() != Some("RS256") {
        return Err(JwtError::Algorithm);
    }
    let claims = decode_unverified(token)?;
    let signature = URL_SAFE_NO_PAD
        .decode(signature.trim_end_matches('='))
        .map_err(|_| JwtError::Malformed)?;
    UnparsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, public_key)
        .verify(input.as_bytes(), &signature)
        .map_err(|_| JwtError::Signature)?;
    if claims.uid.as_deref().is_none_or(str::is_empty) {
        return Err(JwtError::NoUid);
    }
    if claims.exp.is_some_and(|exp| exp <= now) {
        return Err(JwtError::Expired);
    }
    Ok(claims)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;

    fn signer() -> Signer {
        Signer::from_pkcs8_pem(keys::IAM_PRIVATE_KEY_PEM).unwrap()
    }

    #[test]
    fn a_signed_token_verifies_and_keeps_its_claims() {
        let s = signer();
        let t = s
            .sign(&serde_json::json!({"uid": "alice", "exp": 2000}))
            .unwrap();
        let c = verify(&t, &s.public_key(), 1000.0).unwrap();
        assert_eq!(c.uid.as_deref(), Some("alice"));
        assert_eq!(c.exp, Some(2000.0));
    }

    #[test]
    fn expired_tampered_and_foreign_tokens_are_refused() {
        let s = signer();
        let t = s
            .sign(&serde_json::json!({"uid": "alice", "exp": 2000}))
            .unwrap();
        assert_eq!(verify(&t, &s.public_key(), 2000.0), Err(JwtError::Expired));
        let forged_payload = URL_SAFE_NO_PAD.encode(br#"{"uid":"root","exp":2000}"#);
        let parts: Vec<&str> = t.split('.').collect();
        let forged = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(
            verify(&forged, &s.public_key(), 0.0),
            Err(JwtError::Signature)
        );
        let other = Signer::from_pkcs8_pem(keys::SERVICE_ACCOUNT_PRIVATE_KEY_PEM).unwrap();
        assert_eq!(
            verify(&t, &other.public_key(), 0.0),
            Err(JwtError::Signature)
        );
        assert_eq!(
            verify("a.b", &s.public_key(), 0.0),
            Err(JwtError::Malformed)
        );
        let none = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(br#"{"uid":"root"}"#)
        );
        assert_eq!(
            verify(&none, &s.public_key(), 0.0),
            Err(JwtError::Algorithm)
        );
        let no_uid = s.sign(&serde_json::json!({"exp": 2000})).unwrap();
        assert_eq!(verify(&no_uid, &s.public_key(), 0.0), Err(JwtError::NoUid));
    }

    #[test]
    fn the_signer_never_shows_its_key() {
        assert_eq!(format!("{:?}", signer()), "Signer(***)");
    }
}
