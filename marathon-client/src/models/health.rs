//! Health checks, Mesos checks, readiness checks and their results.

use dcos_auth::{json_model, string_enum};

use super::Timestamp;
use crate::ids::TaskId;

string_enum! {
    /// How a health check probes a task.
    pub enum HealthCheckProtocol {
        /// HTTP, from Marathon.
        Http = "HTTP",
        /// HTTPS, from Marathon.
        Https = "HTTPS",
        /// TCP connect, from Marathon.
        Tcp = "TCP",
        /// A command, run by the Mesos executor.
        Command = "COMMAND",
        /// HTTP, from the Mesos executor.
        MesosHttp = "MESOS_HTTP",
        /// HTTPS, from the Mesos executor.
        MesosHttps = "MESOS_HTTPS",
        /// TCP connect, from the Mesos executor.
        MesosTcp = "MESOS_TCP",
    }
}

impl HealthCheckProtocol {
    /// Whether the agent's executor, not Marathon, runs the check.
    pub fn is_mesos(&self) -> bool {
        matches!(
            self,
            HealthCheckProtocol::Command
                | HealthCheckProtocol::MesosHttp
                | HealthCheckProtocol::MesosHttps
                | HealthCheckProtocol::MesosTcp
        )
    }
}

string_enum! {
    /// The IP version a health check uses.
    pub enum IpProtocol {
        /// IPv4 (the default).
        IPv4 = "IPv4",
        /// IPv6.
        IPv6 = "IPv6",
    }
}

string_enum! {
    /// The scheme of an HTTP check.
    pub enum HttpScheme {
        /// HTTP.
        Http = "HTTP",
        /// HTTPS.
        Https = "HTTPS",
    }
}

json_model! {
    /// A health check on an app's tasks.
    pub struct HealthCheck {
        /// The kind of probe; `HTTP` when not given.
        "protocol" protocol: Option<HealthCheckProtocol>,
        /// The HTTP path, for HTTP kinds.
        "path" path: Option<String>,
        /// Which of the app's ports to probe.
        "portIndex" port_index: Option<u32>,
        /// A fixed port to probe instead of `portIndex`.
        "port" port: Option<u32>,
        /// The command, for `COMMAND`.
        "command" command: Option<CommandCheck>,
        /// Seconds after start during which failures are ignored. Default 300.
        "gracePeriodSeconds" grace_period_seconds: Option<u32>,
        /// Seconds between checks. Default 60.
        "intervalSeconds" interval_seconds: Option<u32>,
        /// Seconds before a check counts as failed. Default 20.
        "timeoutSeconds" timeout_seconds: Option<u32>,
        /// Failures in a row before the task is killed; 0 never kills.
        /// Default 3.
        "maxConsecutiveFailures" max_consecutive_failures: Option<u32>,
        /// Treat 1xx answers as neither success nor failure.
        "ignoreHttp1xx" ignore_http1xx: Option<bool>,
        /// Seconds before the first Mesos check. Default 15.
        "delaySeconds" delay_seconds: Option<u32>,
        /// `IPv4` or `IPv6`, for Mesos checks.
        "ipProtocol" ip_protocol: Option<IpProtocol>,
    }
}

impl HealthCheck {
    /// A health check of the given kind with every other field left to
    /// the server's defaults.
    pub fn new(protocol: HealthCheckProtocol) -> Self {
        HealthCheck {
            protocol: Some(protocol),
            ..HealthCheck::default()
        }
    }

    /// An HTTP check of `path` on the port at `port_index`.
    pub fn http(path: impl Into<String>, port_index: u32) -> Self {
        HealthCheck {
            protocol: Some(HealthCheckProtocol::Http),
            path: Some(path.into()),
            port_index: Some(port_index),
            ..HealthCheck::default()
        }
    }

    /// A `COMMAND` check running `command` in a shell.
    pub fn command(command: impl Into<String>) -> Self {
        HealthCheck {
            protocol: Some(HealthCheckProtocol::Command),
            command: Some(CommandCheck {
                value: Some(command.into()),
                ..CommandCheck::default()
            }),
            ..HealthCheck::default()
        }
    }
}

json_model! {
    /// The command of a `COMMAND` health check.
    pub struct CommandCheck {
        /// The shell command; exit code 0 means healthy.
        "value" value: Option<String>,
    }
}

json_model! {
    /// The result of one health check on one task.
    pub struct HealthCheckResult {
        /// Whether the task is considered healthy by this check.
        "alive" alive: Option<bool>,
        /// Failures in a row.
        "consecutiveFailures" consecutive_failures: Option<u32>,
        /// The first success.
        "firstSuccess" first_success: Option<Timestamp>,
        /// The last failure.
        "lastFailure" last_failure: Option<Timestamp>,
        /// The last success.
        "lastSuccess" last_success: Option<Timestamp>,
        /// Why the last check failed.
        "lastFailureCause" last_failure_cause: Option<String>,
        /// The task checked.
        "taskId" task_id: Option<TaskId>,
        /// The instance checked (Marathon 1.4 and later).
        "instanceId" instance_id: Option<String>,
    }
}

impl HealthCheckResult {
    /// Whether the check passes: `alive` is `true`.
    pub fn is_alive(&self) -> bool {
        self.alive == Some(true)
    }
}

json_model! {
    /// A command run by Mesos: a shell line, or an argument vector.
    pub struct MesosCommand {
        /// Run in `/bin/sh -c`.
        "shell" shell: Option<String>,
        /// Run directly, without a shell.
        "argv" argv: Option<Vec<String>>,
    }
}

json_model! {
    /// A Mesos check of an app (`check`): its result is reported, but it
    /// neither kills tasks nor makes them unhealthy.
    pub struct Check {
        /// An HTTP check.
        "http" http: Option<CheckHttp>,
        /// A TCP check.
        "tcp" tcp: Option<CheckTcp>,
        /// A command check.
        "exec" exec: Option<CheckExec>,
        /// Seconds between checks. Default 60.
        "intervalSeconds" interval_seconds: Option<u32>,
        /// Seconds before a check counts as failed. Default 20.
        "timeoutSeconds" timeout_seconds: Option<u32>,
        /// Seconds before the first check. Default 15.
        "delaySeconds" delay_seconds: Option<u32>,
    }
}

json_model! {
    /// The HTTP part of a Mesos check.
    pub struct CheckHttp {
        /// Which of the app's ports (apps).
        "portIndex" port_index: Option<u32>,
        /// Which endpoint (pods).
        "endpoint" endpoint: Option<String>,
        /// The path.
        "path" path: Option<String>,
        /// `HTTP` or `HTTPS`.
        "scheme" scheme: Option<HttpScheme>,
    }
}

json_model! {
    /// The TCP part of a Mesos check.
    pub struct CheckTcp {
        /// Which of the app's ports (apps).
        "portIndex" port_index: Option<u32>,
        /// Which endpoint (pods).
        "endpoint" endpoint: Option<String>,
    }
}

json_model! {
    /// The command part of a Mesos check or health check.
    pub struct CheckExec {
        /// The command.
        "command" command: Option<MesosCommand>,
    }
}

string_enum! {
    /// The scheme of a readiness check.
    pub enum ReadinessProtocol {
        /// HTTP.
        Http = "HTTP",
        /// HTTPS.
        Https = "HTTPS",
    }
}

json_model! {
    /// A readiness check: during a deployment, a new task counts only once
    /// it answers ready.
    pub struct ReadinessCheck {
        /// The check's name.
        "name" name: Option<String>,
        /// `HTTP` or `HTTPS`.
        "protocol" protocol: Option<ReadinessProtocol>,
        /// The path.
        "path" path: Option<String>,
        /// The name of the port (from `portDefinitions` or `portMappings`).
        "portName" port_name: Option<String>,
        /// Seconds between checks.
        "intervalSeconds" interval_seconds: Option<u32>,
        /// Seconds before a check counts as failed.
        "timeoutSeconds" timeout_seconds: Option<u32>,
        /// Status codes that mean ready.
        "httpStatusCodesForReady" http_status_codes_for_ready: Option<Vec<u16>>,
        /// Keep the last response in the results.
        "preserveLastResponse" preserve_last_response: Option<bool>,
    }
}

json_model! {
    /// The result of a readiness check on one task during a deployment.
    pub struct ReadinessCheckResult {
        /// The check's name.
        "name" name: Option<String>,
        /// The task checked.
        "taskId" task_id: Option<TaskId>,
        /// Whether the task is ready.
        "ready" ready: Option<bool>,
        /// The last answer, when `preserveLastResponse` is set.
        "lastResponse" last_response: Option<HttpResponse>,
    }
}

json_model! {
    /// An HTTP answer kept by a readiness check.
    pub struct HttpResponse {
        /// The status code.
        "status" status: Option<u16>,
        /// The content type.
        "contentType" content_type: Option<String>,
        /// The body.
        "body" body: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_protocol_and_unknown_ones() {
        for p in [
            "HTTP",
            "HTTPS",
            "TCP",
            "COMMAND",
            "MESOS_HTTP",
            "MESOS_HTTPS",
            "MESOS_TCP",
        ] {
            let h: HealthCheck = serde_json::from_str(&format!(r#"{{"protocol":"{p}"}}"#)).unwrap();
            let protocol = h.protocol.unwrap();
            assert!(!matches!(protocol, HealthCheckProtocol::Unknown(_)), "{p}");
            assert_eq!(protocol.as_str(), p);
        }
        let h: HealthCheck = serde_json::from_str(r#"{"protocol":"GRPC"}"#).unwrap();
        assert_eq!(
            h.protocol,
            Some(HealthCheckProtocol::Unknown("GRPC".into()))
        );
        assert_eq!(serde_json::to_string(&h).unwrap(), r#"{"protocol":"GRPC"}"#);
    }

    #[test]
    fn explicit_zero_and_null_are_written_back() {
        let json = r#"{"protocol":"COMMAND","command":null,"maxConsecutiveFailures":0,"gracePeriodSeconds":0}"#;
        let h: HealthCheck = serde_json::from_str(json).unwrap();
        assert_eq!(h.max_consecutive_failures, Some(0));
        assert_eq!(h.command, None);
        let back = serde_json::to_value(&h).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn results() {
        let r: HealthCheckResult = serde_json::from_str(
            r#"{"alive":false,"consecutiveFailures":2,"lastFailureCause":"503","instanceId":"a.instance-1"}"#,
        )
        .unwrap();
        assert!(!r.is_alive());
        assert_eq!(r.consecutive_failures, Some(2));
        assert!(
            HealthCheckResult {
                alive: Some(true),
                ..HealthCheckResult::default()
            }
            .is_alive()
        );
    }

    #[test]
    fn mesos_check() {
        let c: Check = serde_json::from_str(
            r#"{"http":{"portIndex":0,"path":"/"},"intervalSeconds":60,"timeoutSeconds":20}"#,
        )
        .unwrap();
        assert_eq!(c.http.unwrap().port_index, Some(0));
        let c: Check = serde_json::from_str(r#"{"exec":{"command":{"shell":"true"}}}"#).unwrap();
        assert_eq!(
            c.exec.unwrap().command.unwrap().shell.as_deref(),
            Some("true")
        );
    }
}
