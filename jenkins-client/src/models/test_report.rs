//! Test reports: `GET job/<path>/<n>/testReport/api/json` (JUnit plugin).

use dcos_auth::{json_model, string_enum};
use serde_json::Value;

json_model! {
    /// A build's test report (`hudson.tasks.junit.TestResult`).
    pub struct TestReport {
        /// The Java class.
        "_class" class: Option<String>,
        /// Total time in seconds.
        "duration" duration: Option<f64>,
        /// Whether the report has no tests.
        "empty" empty: Option<bool>,
        /// Failed tests.
        "failCount" fail_count: Option<u64>,
        /// Passed tests.
        "passCount" pass_count: Option<u64>,
        /// Skipped tests.
        "skipCount" skip_count: Option<u64>,
        /// The suites.
        "suites" suites: Option<Vec<TestSuite>>,
        /// Actions on the report.
        "testActions" test_actions: Option<Vec<Value>>,
    }
}

impl TestReport {
    /// Every case of every suite.
    pub fn cases(&self) -> impl Iterator<Item = &TestCase> {
        self.suites
            .iter()
            .flatten()
            .filter_map(|s| s.cases.as_deref())
            .flatten()
    }

    /// The cases that failed or regressed.
    pub fn failures(&self) -> impl Iterator<Item = &TestCase> {
        self.cases()
            .filter(|c| c.status.as_ref().is_some_and(CaseStatus::is_failure))
    }
}

json_model! {
    /// One test suite.
    pub struct TestSuite {
        /// The suite name.
        "name" name: Option<String>,
        /// The suite id.
        "id" id: Option<String>,
        /// Time in seconds.
        "duration" duration: Option<f64>,
        /// When it ran, as the report wrote it.
        "timestamp" timestamp: Option<String>,
        /// The cases.
        "cases" cases: Option<Vec<TestCase>>,
        /// Captured standard output.
        "stdout" stdout: Option<String>,
        /// Captured standard error.
        "stderr" stderr: Option<String>,
        /// The Pipeline flow node that recorded it.
        "nodeId" node_id: Option<String>,
        /// The enclosing Pipeline stage and branch names.
        "enclosingBlockNames" enclosing_block_names: Option<Vec<String>>,
    }
}

string_enum! {
    /// The status of a test case (`CaseResult.Status`).
    pub enum CaseStatus {
        /// Passed, and passed before.
        Passed = "PASSED",
        /// Skipped.
        Skipped = "SKIPPED",
        /// Failed, and failed before.
        Failed = "FAILED",
        /// Passed after failing before.
        Fixed = "FIXED",
        /// Failed after passing before.
        Regression = "REGRESSION",
    }
}

impl CaseStatus {
    /// Whether the case failed (`FAILED` or `REGRESSION`).
    pub fn is_failure(&self) -> bool {
        matches!(self, CaseStatus::Failed | CaseStatus::Regression)
    }
}

json_model! {
    /// One test case.
    pub struct TestCase {
        /// The class name.
        "className" class_name: Option<String>,
        /// The test name.
        "name" name: Option<String>,
        /// The status.
        "status" status: Option<CaseStatus>,
        /// Time in seconds.
        "duration" duration: Option<f64>,
        /// Builds it has failed for.
        "age" age: Option<u64>,
        /// The build it first failed in, 0 if it passes.
        "failedSince" failed_since: Option<u64>,
        /// Whether it was skipped.
        "skipped" skipped: Option<bool>,
        /// Why it was skipped.
        "skippedMessage" skipped_message: Option<String>,
        /// The failure message.
        "errorDetails" error_details: Option<String>,
        /// The failure stack trace.
        "errorStackTrace" error_stack_trace: Option<String>,
        /// Captured standard output.
        "stdout" stdout: Option<String>,
        /// Captured standard error.
        "stderr" stderr: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_are_failed_and_regressed_cases() {
        let r: TestReport = serde_json::from_str(
            r#"{"suites":[{"cases":[{"name":"a","status":"PASSED"},{"name":"b","status":"REGRESSION"},
                {"name":"c","status":"FAILED"},{"name":"d","status":"NEW"}]}]}"#,
        )
        .unwrap();
        let names: Vec<_> = r.failures().filter_map(|c| c.name.as_deref()).collect();
        assert_eq!(names, ["b", "c"]);
        assert_eq!(r.cases().count(), 4);
    }
}
