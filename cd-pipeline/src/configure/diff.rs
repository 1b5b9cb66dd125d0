//! What differs between the job the spec asks for and the one on the
//! server, as plan diff lines: one line per managed field, and the script
//! line by line.

use jenkins_client::config_xml::{
    Comparison, Difference, ParameterDefinition, PipelineConfig, PipelineDefinition,
};
use serde_json::Value;

use crate::plan::{DiffLine, text_diff};

fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

fn changed(path: &str, old: String, new: String) -> DiffLine {
    DiffLine::Changed {
        path: path.to_owned(),
        old,
        new,
    }
}

/// A definition in words: `inline script`, `git <url> <branch> <path>`.
fn definition_text(definition: &PipelineDefinition) -> String {
    match definition {
        PipelineDefinition::Script { sandbox, .. } => {
            format!(
                "inline script (sandbox {})",
                if *sandbox { "on" } else { "off" }
            )
        }
        PipelineDefinition::Scm {
            git, script_path, ..
        } => format!("git {} {} {}", git.url, git.branch, script_path),
        PipelineDefinition::Other { class, .. } => class.clone(),
        _ => "another definition".to_owned(),
    }
}

/// A parameter in words, never showing a password default.
fn parameter_text(parameter: &ParameterDefinition) -> String {
    match parameter {
        ParameterDefinition::String(p) => format!("string default {}", quoted(&p.default_value)),
        ParameterDefinition::Boolean(p) => format!("boolean default {}", p.default_value),
        ParameterDefinition::Choice(p) => format!("choice of {}", p.choices.join("|")),
        ParameterDefinition::Password(_) => "password (default not shown)".to_owned(),
        other => other.class().to_owned(),
    }
}

fn parameter_lines(
    desired: &[ParameterDefinition],
    current: &[ParameterDefinition],
) -> Vec<DiffLine> {
    let name = |p: &ParameterDefinition| p.name().unwrap_or("(unnamed)").to_owned();
    let mut lines = Vec::new();
    for old in current {
        let key = name(old);
        match desired.iter().find(|d| name(d) == key) {
            None => lines.push(DiffLine::Removed {
                path: format!("parameters.{key}"),
                value: parameter_text(old),
            }),
            Some(new) if new != old => lines.push(changed(
                &format!("parameters.{key}"),
                parameter_text(old),
                parameter_text(new),
            )),
            Some(_) => {}
        }
    }
    for new in desired {
        let key = name(new);
        if !current.iter().any(|c| name(c) == key) {
            lines.push(DiffLine::Added {
                path: format!("parameters.{key}"),
                value: parameter_text(new),
            });
        }
    }
    if lines.is_empty() {
        // Same parameters, another order.
        let order = |ps: &[ParameterDefinition]| ps.iter().map(name).collect::<Vec<_>>().join(",");
        lines.push(changed("parameters", order(current), order(desired)));
    }
    lines
}

/// The diff lines of a [`Comparison`] of `desired` with `current`.
pub fn job_diff(
    desired: &PipelineConfig,
    current: &PipelineConfig,
    comparison: &Comparison,
) -> Vec<DiffLine> {
    let mut lines = Vec::new();
    for difference in &comparison.differences {
        match difference {
            Difference::Description => lines.push(changed(
                "description",
                quoted(&current.description),
                quoted(&desired.description),
            )),
            Difference::Disabled => lines.push(changed(
                "disabled",
                current.disabled.to_string(),
                desired.disabled.to_string(),
            )),
            Difference::Definition => match (&current.definition, &desired.definition) {
                (
                    PipelineDefinition::Script {
                        script: old,
                        sandbox: old_sandbox,
                    },
                    PipelineDefinition::Script {
                        script: new,
                        sandbox: new_sandbox,
                    },
                ) => {
                    if old_sandbox != new_sandbox {
                        lines.push(changed(
                            "definition.sandbox",
                            old_sandbox.to_string(),
                            new_sandbox.to_string(),
                        ));
                    }
                    lines.extend(text_diff(old, new));
                }
                (old, new) => lines.push(changed(
                    "definition",
                    definition_text(old),
                    definition_text(new),
                )),
            },
            Difference::Parameters => {
                lines.extend(parameter_lines(&desired.parameters, &current.parameters));
            }
            Difference::Discarder => lines.push(changed(
                "build discarder",
                format!("{:?}", current.discarder),
                format!("{:?}", desired.discarder),
            )),
            Difference::Concurrency => lines.push(changed(
                "concurrency",
                format!("{:?}", current.concurrency),
                format!("{:?}", desired.concurrency),
            )),
            other => lines.push(changed(&other.to_string(), "…".into(), "…".into())),
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use jenkins_client::config_xml::{JobConfig, compare};

    use super::*;

    #[test]
    fn scripts_are_diffed_by_line_and_parameters_by_name() {
        let current = PipelineConfig::script("node {\n  sh 'make'\n}\n")
            .parameter(ParameterDefinition::string("IMAGE", "r/a"))
            .parameter(ParameterDefinition::string("OLD", "x"));
        let desired = PipelineConfig::script("node {\n  sh 'make test'\n}\n")
            .description("managed")
            .parameter(ParameterDefinition::string("IMAGE", "r/b"))
            .parameter(ParameterDefinition::boolean("NEW", true));
        let comparison = compare(
            &JobConfig::Pipeline(desired.clone()),
            &JobConfig::Pipeline(current.clone()),
        );
        let lines: Vec<String> = job_diff(&desired, &current, &comparison)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "~ description: \"\" → \"managed\"",
                "-   sh 'make'",
                "+   sh 'make test'",
                "~ parameters.IMAGE: string default \"r/a\" → string default \"r/b\"",
                "- parameters.OLD: string default \"x\"",
                "+ parameters.NEW: boolean default true",
            ]
        );
    }

    #[test]
    fn a_reordering_and_a_new_source_are_named() {
        let a = ParameterDefinition::string("A", "");
        let b = ParameterDefinition::string("B", "");
        let current = PipelineConfig::script("x").parameters([a.clone(), b.clone()]);
        let desired = PipelineConfig::from_git(
            jenkins_client::config_xml::GitScm::new("https://g/x.git", "main"),
            "Jenkinsfile",
        )
        .parameters([b, a]);
        let comparison = compare(
            &JobConfig::Pipeline(desired.clone()),
            &JobConfig::Pipeline(current.clone()),
        );
        let lines: Vec<String> = job_diff(&desired, &current, &comparison)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "~ definition: inline script (sandbox on) → git https://g/x.git main Jenkinsfile",
                "~ parameters: A,B → B,A",
            ]
        );
    }
}
