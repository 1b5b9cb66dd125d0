//! [`MesosClient`]: the master's v1 operator API and its legacy endpoints.

use dcos_auth::HttpCore;

use crate::legacy::Legacy;
use crate::operator::Operator;

/// A client of one Mesos master (or of the leading master behind DC/OS).
///
/// Build it on a core whose base is the master: `cluster.path("mesos")`
/// (`https://dcos.example.com/mesos/`) or
/// `HttpCore::direct("http://master:5050/", creds)`. The client turns on
/// [`HttpCore::remember_leader`]: after a non-leading master answers `307`
/// with `Location: //leader:5050/api/v1`, later calls go straight to the
/// leader. Cloning is cheap and clones share the remembered leader.
#[derive(Debug, Clone)]
pub struct MesosClient {
    operator: Operator,
}

impl MesosClient {
    /// A client on `core`, following the leading master.
    pub fn new(core: HttpCore) -> Self {
        MesosClient {
            operator: Operator::new(core.remember_leader()),
        }
    }

    /// The core, for endpoints not modelled here (`core().get_json(…)`).
    pub fn core(&self) -> &HttpCore {
        self.operator.core()
    }

    /// The v1 operator API (`POST api/v1`): every call of `master.proto`,
    /// SUBSCRIBE and its reconnecting `watch()` included.
    pub fn operator(&self) -> &Operator {
        &self.operator
    }

    /// The legacy (v0) JSON endpoints: `master/state`,
    /// `master/state-summary`, `master/frameworks`, `master/redirect`.
    pub fn legacy(&self) -> Legacy<'_> {
        Legacy::new(self.operator.core())
    }
}
