//! The simulator's fixed RSA key pairs.
//!
//! **These keys are for the simulator only.** They are published in this
//! source tree, so anything they sign proves nothing outside a test. They
//! are embedded (generated once with `openssl genpkey -algorithm RSA
//! -pkeyopt rsa_keygen_bits:2048`) because generating RSA keys at start-up
//! is slow in debug builds and would pull in another crypto crate.

/// The PKCS#8 PEM key the simulated IAM signs its ACS tokens with.
pub(crate) const IAM_PRIVATE_KEY_PEM: &str = include_str!("keys/iam.pem");

/// The PKCS#8 PEM private key of the simulated service account, handed out
/// in its credential JSON.
pub(crate) const SERVICE_ACCOUNT_PRIVATE_KEY_PEM: &str = include_str!("keys/service_account.pem");

/// The X.509 SubjectPublicKeyInfo PEM of the service account's key, as IAM
/// shows it in `GET /acs/api/v1/users/<uid>`.
pub(crate) const SERVICE_ACCOUNT_PUBLIC_KEY_PEM: &str =
    include_str!("keys/service_account.pub.pem");
