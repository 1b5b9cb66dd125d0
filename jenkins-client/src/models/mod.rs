//! The Jenkins data model.
//!
//! Every model keeps the fields it does not know in `extra` and writes them
//! back, and every enum keeps unknown values. Models hold no I/O.

mod build;
mod node;
mod queue;
mod tagged;
mod test_report;
mod wfapi;

pub use build::{
    Artifact, Build, BuildAction, BuildList, BuildRef, BuildResult, Cause, CauseAction, ChangePath,
    ChangeSet, ChangeSetItem, ParameterValue, ParametersAction, TestResultAction, UserRef,
};
pub use node::{Computer, ComputerSet, Executor, Label, LabelRef, NodeRef};
pub use queue::{
    BlockedItem, BuildableItem, LeftItem, OtherItem, PLACEHOLDER_TASK_CLASS, Queue, QueueItem,
    QueueTask, WaitingItem,
};
pub use test_report::{CaseStatus, TestCase, TestReport, TestSuite};
pub use wfapi::{
    FlowNodeError, InputParameter, JobDescription, Link, Links, NodeLog, PendingInputAction,
    RunDescription, StageNode, StageStatus, WfArtifact,
};
