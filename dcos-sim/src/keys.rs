//! The simulator's fixed RSA key pairs.
//!
//! **These keys are for the simulator only.** They are published in this
//! source tree, so anything they sign proves nothing outside a test. They
//! are embedded (generated once with `openssl genpkey -algorithm RSA
//! -pkeyopt rsa_keygen_bits:2048`) because generating RSA keys at start-up
//! is slow in debug builds and would pull in another crypto crate.

use std::sync::{Arc, OnceLock};

use crate::jwt::Signer;

/// A parsed key, or why it was rejected.
type Parsed = Result<Arc<Signer>, String>;

/// Parses a PKCS#8 PEM key once per process: checking an RSA key is slow in
/// debug builds, and every cluster of a test binary uses the same keys.
fn parsed(cell: &'static OnceLock<Parsed>, pem: &str) -> Parsed {
    cell.get_or_init(|| Signer::from_pkcs8_pem(pem).map(Arc::new))
        .clone()
}

/// IAM's signer.
pub(crate) fn iam_signer() -> Parsed {
    static CELL: OnceLock<Parsed> = OnceLock::new();
    parsed(&CELL, IAM_PRIVATE_KEY_PEM)
}

/// The service account's key pair.
pub(crate) fn service_account_signer() -> Parsed {
    static CELL: OnceLock<Parsed> = OnceLock::new();
    parsed(&CELL, SERVICE_ACCOUNT_PRIVATE_KEY_PEM)
}

/// The PKCS#8 PEM key the simulated IAM signs its ACS tokens with.
pub(crate) const IAM_PRIVATE_KEY_PEM: &str = include_str!("keys/iam.pem");

/// The PKCS#8 PEM private key of the simulated service account, handed out
/// in its credential JSON.
pub(crate) const SERVICE_ACCOUNT_PRIVATE_KEY_PEM: &str = include_str!("keys/service_account.pem");

/// The X.509 SubjectPublicKeyInfo PEM of the service account's key, as IAM
/// shows it in `GET /acs/api/v1/users/<uid>`.
pub(crate) const SERVICE_ACCOUNT_PUBLIC_KEY_PEM: &str =
    include_str!("keys/service_account.pub.pem");
