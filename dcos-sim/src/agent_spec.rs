//! [`AgentSpec`]: the shape of one simulated Mesos agent.

/// The resources and attributes of one simulated agent.
///
/// ```
/// let gpu = dcos_sim::AgentSpec::default().cpus(16.0).mem(65536.0).attribute("rack", "r2");
/// assert_eq!(gpu.cpus_value(), 16.0);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct AgentSpec {
    pub(crate) cpus: f64,
    pub(crate) mem: f64,
    pub(crate) disk: f64,
    pub(crate) ports: Vec<(u64, u64)>,
    pub(crate) attributes: Vec<(String, String)>,
}

impl Default for AgentSpec {
    /// 4 cpus, 8 GiB of memory, 32 GiB of disk, ports 31000-32000 (the
    /// Mesos default range), no attributes.
    fn default() -> Self {
        AgentSpec {
            cpus: 4.0,
            mem: 8192.0,
            disk: 32768.0,
            ports: vec![(31000, 32000)],
            attributes: Vec::new(),
        }
    }
}

impl AgentSpec {
    /// CPUs (negative or non-finite values count as 0).
    pub fn cpus(mut self, cpus: f64) -> Self {
        self.cpus = sane(cpus);
        self
    }

    /// Memory in MB.
    pub fn mem(mut self, mem: f64) -> Self {
        self.mem = sane(mem);
        self
    }

    /// Disk in MB.
    pub fn disk(mut self, disk: f64) -> Self {
        self.disk = sane(disk);
        self
    }

    /// The port ranges (inclusive), replacing the default one.
    pub fn ports(mut self, ranges: impl IntoIterator<Item = (u64, u64)>) -> Self {
        self.ports = ranges.into_iter().filter(|(b, e)| b <= e).collect();
        self
    }

    /// Adds a TEXT attribute (`rack:r1`), offered with the resources.
    pub fn attribute(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.push((name.into(), value.into()));
        self
    }

    /// The CPUs set.
    pub fn cpus_value(&self) -> f64 {
        self.cpus
    }
}

fn sane(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 { x } else { 0.0 }
}
