//! Networks, ports and the legacy `ipAddress`.

use std::collections::BTreeMap;

use dcos_auth::{json_model, string_enum};

string_enum! {
    /// How an app or pod joins a network.
    pub enum NetworkMode {
        /// A named container (CNI) network.
        Container = "container",
        /// The bridge network of the container.
        ContainerBridge = "container/bridge",
        /// The agent's network.
        Host = "host",
    }
}

string_enum! {
    /// The protocol of a port.
    pub enum NetworkProtocol {
        /// TCP.
        Tcp = "tcp",
        /// UDP.
        Udp = "udp",
        /// Both, as Marathon writes it.
        UdpTcp = "udp,tcp",
    }
}

json_model! {
    /// A network an app or pod joins.
    pub struct Network {
        /// The mode; `container` when not given.
        "mode" mode: Option<NetworkMode>,
        /// The container network's name (for `container` mode).
        "name" name: Option<String>,
        /// Labels passed to the network (CNI).
        "labels" labels: Option<BTreeMap<String, String>>,
    }
}

impl Network {
    /// A network of the given mode.
    pub fn new(mode: NetworkMode) -> Self {
        Network {
            mode: Some(mode),
            ..Network::default()
        }
    }

    /// The named container network `name`.
    pub fn container(name: impl Into<String>) -> Self {
        Network {
            mode: Some(NetworkMode::Container),
            name: Some(name.into()),
            ..Network::default()
        }
    }
}

json_model! {
    /// A host port an app asks for (`portDefinitions`, host networking).
    pub struct PortDefinition {
        /// The port; 0 asks Marathon to pick one. The picked port is the
        /// service port.
        "port" port: Option<u32>,
        /// The protocol; `tcp` when not given.
        "protocol" protocol: Option<NetworkProtocol>,
        /// A name, for `$PORT_NAME` and readiness checks.
        "name" name: Option<String>,
        /// Labels, such as `VIP_0`.
        "labels" labels: Option<BTreeMap<String, String>>,
    }
}

impl PortDefinition {
    /// A TCP port definition; 0 lets Marathon pick the port.
    pub fn new(port: u32) -> Self {
        PortDefinition {
            port: Some(port),
            ..PortDefinition::default()
        }
    }
}

json_model! {
    /// Maps a container port to host and service ports (bridge and container
    /// networking). Found in `container.portMappings`, and in the legacy
    /// `container.docker.portMappings`.
    pub struct PortMapping {
        /// The port inside the container; 0 means the host port.
        "containerPort" container_port: Option<u32>,
        /// The host port; 0 asks for any port, absent asks for none.
        "hostPort" host_port: Option<u32>,
        /// The service port, for load balancers; 0 lets Marathon pick one.
        "servicePort" service_port: Option<u32>,
        /// The protocol; `tcp` when not given.
        "protocol" protocol: Option<NetworkProtocol>,
        /// A name for the port.
        "name" name: Option<String>,
        /// Labels, such as `VIP_0`.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// The container networks the mapping applies to; all when absent.
        "networkNames" network_names: Option<Vec<String>>,
    }
}

impl PortMapping {
    /// A TCP mapping of `container_port` to any host port.
    pub fn new(container_port: u32) -> Self {
        PortMapping {
            container_port: Some(container_port),
            host_port: Some(0),
            ..PortMapping::default()
        }
    }
}

json_model! {
    /// The legacy per-task IP address request (`ipAddress`, replaced by
    /// `networks` in Marathon 1.5).
    pub struct IpAddress {
        /// Ports advertised for service discovery.
        "discovery" discovery: Option<Discovery>,
        /// Network security groups.
        "groups" groups: Option<Vec<String>>,
        /// Labels passed to the network.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// The network's name.
        "networkName" network_name: Option<String>,
    }
}

json_model! {
    /// Service discovery information of the legacy `ipAddress`.
    pub struct Discovery {
        /// The ports.
        "ports" ports: Option<Vec<DiscoveryPort>>,
    }
}

json_model! {
    /// A port advertised for service discovery.
    pub struct DiscoveryPort {
        /// The port number.
        "number" number: Option<u32>,
        /// Its name.
        "name" name: Option<String>,
        /// `tcp` or `udp`.
        "protocol" protocol: Option<NetworkProtocol>,
        /// Labels.
        "labels" labels: Option<BTreeMap<String, String>>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_and_protocols() {
        let n: Network = serde_json::from_str(r#"{"mode":"container/bridge"}"#).unwrap();
        assert_eq!(n.mode, Some(NetworkMode::ContainerBridge));
        let p: PortMapping =
            serde_json::from_str(r#"{"containerPort":53,"protocol":"udp,tcp","hostPort":0}"#)
                .unwrap();
        assert_eq!(p.protocol, Some(NetworkProtocol::UdpTcp));
        assert_eq!(p.host_port, Some(0));
    }

    #[test]
    fn explicit_zero_ports_are_written() {
        let p = PortMapping::new(80);
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"containerPort":80,"hostPort":0}"#
        );
        assert_eq!(
            serde_json::to_string(&PortDefinition::new(0)).unwrap(),
            r#"{"port":0}"#
        );
    }
}
