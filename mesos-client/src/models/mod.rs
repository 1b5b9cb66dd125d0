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
    /// large sub-messages are boxed so that an absent one costs a pointer,
    /// and IDs, scalars and ranges keep unknown fields in an 8-byte
    /// [`Extra`](crate::extra::Extra) (first: `Resource` 1,584 bytes,
    /// `Task` 1,160, `TaskStatus` 536, `ExecutorInfo` 1,128; after boxing:
    /// 264, 456, 392, 376).
    #[test]
    fn hot_structs_stay_small() {
        let sizes = [
            ("Resource", size_of::<Resource>(), 208),
            ("Task", size_of::<Task>(), 360),
            ("TaskStatus", size_of::<TaskStatus>(), 296),
            ("ExecutorInfo", size_of::<ExecutorInfo>(), 328),
            ("ContainerStatus", size_of::<ContainerStatus>(), 120),
            ("NetworkInfo", size_of::<NetworkInfo>(), 128),
            ("Agent", size_of::<Agent>(), 512),
            ("TaskId", size_of::<crate::resources::TaskId>(), 24),
            (
                "Option<AgentId>",
                size_of::<Option<crate::resources::AgentId>>(),
                24,
            ),
            (
                "ValueScalar",
                size_of::<crate::resources::ValueScalar>(),
                16,
            ),
            (
                "ValueRanges",
                size_of::<crate::resources::ValueRanges>(),
                32,
            ),
            ("ValueRange", size_of::<crate::resources::ValueRange>(), 24),
            ("Name", size_of::<crate::resources::Name>(), 24),
        ];
        for (name, size, max) in sizes {
            assert!(size <= max, "{name} is {size} bytes, more than {max}");
        }
    }

    #[test]
    fn get_tasks_shrinks_each_task_and_keeps_unknown_fields() {
        let status = serde_json::json!({"task_id": {"value": "t"}, "state": "TASK_RUNNING",
            "container_status": {"network_infos": [{"ip_addresses": [{"ip_address": "10.0.0.1"}]}]}});
        let input = serde_json::json!({
            "tasks": [{"name": "t", "task_id": {"value": "t"}, "framework_id": {"value": "f"},
                       "agent_id": {"value": "a"}, "statuses": [status.clone(), status],
                       "resources": [{"name": "ports", "type": "RANGES",
                                      "ranges": {"range": [{"begin": 1, "end": 2}]}}]}],
            "completed_tasks": [],
            "new_list": [1]
        });
        let tasks: GetTasks = serde_json::from_value(input.clone()).unwrap();
        assert_eq!(tasks.tasks[0].statuses.capacity(), 2);
        let task = &tasks.tasks[0];
        assert!(std::ptr::eq(
            task.statuses[1].task_id.as_str(),
            task.task_id.as_str()
        ));
        let ports = tasks.tasks[0].resources[0].ranges.as_ref().unwrap();
        assert_eq!(ports.range.capacity(), 1);
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
