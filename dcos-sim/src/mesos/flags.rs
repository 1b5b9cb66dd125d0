//! The master's command-line flags, as `/master/state` and GET_FLAGS show
//! them: the values of a DC/OS master where they matter to the simulation
//! (heartbeats, allocation, completed-object limits), defaults otherwise.

use crate::sim::Sim;

/// The flags, sorted by name, values as text.
pub(crate) fn flags(sim: &Sim, authority: &str) -> Vec<(&'static str, String)> {
    let (ip, port) = authority.rsplit_once(':').unwrap_or((authority, "5050"));
    let secs = |d: std::time::Duration| format!("{}secs", d.as_secs_f64());
    vec![
        ("agent_ping_timeout", "15secs".to_owned()),
        ("agent_reregister_timeout", "10mins".to_owned()),
        ("allocation_interval", "1secs".to_owned()),
        ("allocator", "HierarchicalDRF".to_owned()),
        ("authenticate", "false".to_owned()),
        ("authenticate_agents", "false".to_owned()),
        ("authenticate_http", "false".to_owned()),
        ("authenticate_http_readwrite", sim.iam.enabled().to_string()),
        ("authenticators", "crammd5".to_owned()),
        ("authorizers", "local".to_owned()),
        ("cluster", "dcos-sim".to_owned()),
        ("external_log_file", String::new()),
        ("framework_sorter", "drf".to_owned()),
        ("heartbeat_interval", secs(sim.mesos.heartbeat_interval)),
        ("help", "false".to_owned()),
        ("hostname_lookup", "false".to_owned()),
        ("http_authenticators", "basic".to_owned()),
        ("initialize_driver_logging", "true".to_owned()),
        ("ip", ip.to_owned()),
        ("leader", String::new()),
        ("log_auto_initialize", "true".to_owned()),
        ("log_dir", "/var/log/mesos".to_owned()),
        ("logbufsecs", "0".to_owned()),
        ("logging_level", "INFO".to_owned()),
        ("max_agent_ping_timeouts", "20".to_owned()),
        ("max_completed_frameworks", "50".to_owned()),
        ("max_completed_tasks_per_framework", "1000".to_owned()),
        ("port", port.to_owned()),
        ("quiet", "false".to_owned()),
        ("recovery_agent_removal_limit", "100%".to_owned()),
        ("registry", "in_memory".to_owned()),
        ("registry_fetch_timeout", "1mins".to_owned()),
        ("registry_store_timeout", "20secs".to_owned()),
        ("registry_strict", "false".to_owned()),
        ("root_submissions", "true".to_owned()),
        ("user_sorter", "drf".to_owned()),
        ("version", "false".to_owned()),
        (
            "webui_dir",
            "/opt/mesosphere/active/mesos/share/mesos/webui".to_owned(),
        ),
        ("work_dir", "/var/lib/dcos/mesos/master".to_owned()),
        ("zk_session_timeout", "10secs".to_owned()),
    ]
}
