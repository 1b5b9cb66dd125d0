//! Models of the v1 operator API (`master.proto`, `agent.proto` and the
//! `mesos.proto` messages they carry), written in the Mesos JSON dialect:
//! snake_case proto names, 64-bit integers as [`Int64`](crate::dialect::Int64)
//! / [`Uint64`](crate::dialect::Uint64), `bytes` as
//! [`Base64Bytes`](crate::dialect::Base64Bytes).
//!
//! Every struct keeps unknown fields in `extra` and every enum keeps unknown
//! values, so a newer master decodes. Nested messages that the client does
//! not interpret (health checks, discovery, container statuses, quota
//! configurations…) are kept as [`serde_json::Value`].

mod agent;
mod common;
mod events;
mod master;

pub use agent::*;
pub use common::*;
pub use events::*;
pub use master::*;

#[cfg(test)]
mod size_tests {
    use super::*;
    use crate::resources::Resource;
    use std::mem::size_of;

    /// A GET_STATE holds hundreds of thousands of these: rarely present,
    /// large sub-messages are boxed so that an absent one costs a pointer
    /// (before: `Resource` 1,584 bytes, `Task` 1,160, `TaskStatus` 536,
    /// `ExecutorInfo` 1,128).
    #[test]
    fn hot_structs_stay_small() {
        assert!(size_of::<Resource>() <= 320, "{}", size_of::<Resource>());
        assert!(size_of::<Task>() <= 512, "{}", size_of::<Task>());
        assert!(
            size_of::<TaskStatus>() <= 464,
            "{}",
            size_of::<TaskStatus>()
        );
        assert!(
            size_of::<ExecutorInfo>() <= 400,
            "{}",
            size_of::<ExecutorInfo>()
        );
        assert!(
            size_of::<ContainerStatus>() <= 128,
            "{}",
            size_of::<ContainerStatus>()
        );
    }

    #[test]
    fn get_tasks_shrinks_each_task_and_keeps_unknown_fields() {
        let status = serde_json::json!({"task_id": {"value": "t"}, "state": "TASK_RUNNING",
            "container_status": {"network_infos": [{"ip_addresses": [{"ip_address": "10.0.0.1"}]}]}});
        let input = serde_json::json!({
            "tasks": [{"name": "t", "task_id": {"value": "t"}, "framework_id": {"value": "f"},
                       "agent_id": {"value": "a"}, "statuses": [status.clone(), status]}],
            "completed_tasks": [],
            "new_list": [1]
        });
        let tasks: GetTasks = serde_json::from_value(input.clone()).unwrap();
        assert_eq!(tasks.tasks[0].statuses.capacity(), 2);
        let infos = &tasks.tasks[0].statuses[0]
            .container_status
            .as_ref()
            .unwrap()
            .network_infos;
        assert_eq!(infos.capacity(), 1);
        assert_eq!(
            infos[0].ip_addresses[0].ip_address.as_deref(),
            Some("10.0.0.1")
        );
        assert_eq!(tasks.extra["new_list"], serde_json::json!([1]));
        let back = serde_json::to_value(&tasks).unwrap();
        assert_eq!(back["new_list"], input["new_list"]);
        // Repeated fields are written even when empty (`"groups": []`).
        let addresses = |v: &serde_json::Value| {
            v["tasks"][0]["statuses"][1]["container_status"]["network_infos"][0]["ip_addresses"]
                .clone()
        };
        assert_eq!(addresses(&back), addresses(&input));
        let again: GetTasks = serde_json::from_value(back).unwrap();
        assert_eq!(again, tasks);
    }
}
