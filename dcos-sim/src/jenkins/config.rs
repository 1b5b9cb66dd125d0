//! Reading what the simulator needs from a stored `config.xml`: the kind of
//! item, the Pipeline script or shell steps, the parameters, the label and
//! the disabled flag. The XML itself is kept and served back verbatim.

/// The class of an item, from the root element of its `config.xml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `<flow-definition>`: `org.jenkinsci.plugins.workflow.job.WorkflowJob`.
    Pipeline,
    /// `<project>`: `hudson.model.FreeStyleProject`.
    Freestyle,
    /// `<com.cloudbees.hudson.plugins.folder.Folder>`.
    Folder,
}

/// The folder class, also the `mode` of `createItem` for folders.
pub(crate) const FOLDER_CLASS: &str = "com.cloudbees.hudson.plugins.folder.Folder";
/// The Pipeline job class.
pub(crate) const PIPELINE_CLASS: &str = "org.jenkinsci.plugins.workflow.job.WorkflowJob";
/// The freestyle job class.
pub(crate) const FREESTYLE_CLASS: &str = "hudson.model.FreeStyleProject";

impl Kind {
    /// The Java class Jenkins reports in `_class`.
    pub(crate) fn class(self) -> &'static str {
        match self {
            Kind::Pipeline => PIPELINE_CLASS,
            Kind::Freestyle => FREESTYLE_CLASS,
            Kind::Folder => FOLDER_CLASS,
        }
    }

    /// The class of its builds.
    pub(crate) fn build_class(self) -> &'static str {
        match self {
            Kind::Pipeline => "org.jenkinsci.plugins.workflow.job.WorkflowRun",
            _ => "hudson.model.FreeStyleBuild",
        }
    }

    /// The kind a `createItem` `mode` names.
    pub(crate) fn from_mode(mode: &str) -> Option<Kind> {
        match mode {
            FOLDER_CLASS => Some(Kind::Folder),
            PIPELINE_CLASS => Some(Kind::Pipeline),
            FREESTYLE_CLASS => Some(Kind::Freestyle),
            _ => None,
        }
    }

    /// A minimal `config.xml` for an item created by `mode` alone.
    pub(crate) fn default_config(self) -> String {
        match self {
            Kind::Folder => format!(
                "<?xml version='1.1' encoding='UTF-8'?>\n<{FOLDER_CLASS} plugin=\"cloudbees-folder@6.17\">\n  <properties/>\n</{FOLDER_CLASS}>\n"
            ),
            Kind::Pipeline => "<?xml version='1.1' encoding='UTF-8'?>\n<flow-definition plugin=\"workflow-job@1145.v7f2433caa07f\">\n  <keepDependencies>false</keepDependencies>\n  <properties/>\n  <triggers/>\n  <disabled>false</disabled>\n</flow-definition>\n".to_owned(),
            Kind::Freestyle => "<?xml version='1.1' encoding='UTF-8'?>\n<project>\n  <keepDependencies>false</keepDependencies>\n  <properties/>\n  <canRoam>true</canRoam>\n  <disabled>false</disabled>\n  <builders/>\n</project>\n".to_owned(),
        }
    }
}

/// A parameter definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamDef {
    /// The `_class`, such as `hudson.model.StringParameterDefinition`.
    pub(crate) class: String,
    /// The name.
    pub(crate) name: String,
    /// The default value (the first choice of a choice parameter).
    pub(crate) default: String,
    /// The description.
    pub(crate) description: String,
}

impl ParamDef {
    /// The `type` Jenkins shows: the class's simple name.
    pub(crate) fn type_name(&self) -> &str {
        self.class.rsplit('.').next().unwrap_or(&self.class)
    }

    /// The class of a value of this parameter.
    pub(crate) fn value_class(&self) -> String {
        self.class.replace("Definition", "Value")
    }
}

/// What the simulator reads from a `config.xml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Config {
    /// The item's kind.
    pub(crate) kind: Kind,
    /// `<description>`.
    pub(crate) description: String,
    /// `<disabled>true</disabled>`.
    pub(crate) disabled: bool,
    /// The Pipeline script (`<script>` of a `CpsFlowDefinition`).
    pub(crate) script: Option<String>,
    /// The freestyle shell steps (`<hudson.tasks.Shell><command>`).
    pub(crate) commands: Vec<String>,
    /// The freestyle `<assignedNode>` label (`None` when it may roam).
    pub(crate) label: Option<String>,
    /// The parameter definitions.
    pub(crate) params: Vec<ParamDef>,
    /// `<quietPeriod>` in seconds, when set.
    pub(crate) quiet_period: Option<u64>,
}

/// Why a `config.xml` was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConfigError(pub(crate) String);

/// Decodes the five XML entities and numeric character references.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(pos) = rest.find('&') {
        out.push_str(&rest[..pos]);
        rest = &rest[pos..];
        let Some(end) = rest.find(';').filter(|e| *e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Escapes text for an XML element.
pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The name of the root element, after the prolog and comments.
fn root_element(xml: &str) -> Option<&str> {
    let mut rest = xml.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("<?") {
            rest = &r[r.find("?>")? + 2..];
        } else if let Some(r) = rest.strip_prefix("<!--") {
            rest = &r[r.find("-->")? + 3..];
        } else if let Some(r) = rest.strip_prefix("<!") {
            rest = &r[r.find('>')? + 1..];
        } else {
            let r = rest.strip_prefix('<')?;
            let end = r.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
            return Some(&r[..end]);
        }
    }
}

/// The raw inner texts of every `<tag …>…</tag>` (empty for `<tag/>`).
pub(crate) fn elements<'a>(xml: &'a str, tag: &str) -> Vec<&'a str> {
    let mut found = Vec::new();
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    let mut rest = xml;
    while let Some(pos) = rest.find(&open) {
        let after = &rest[pos + open.len()..];
        let Some(first) = after.chars().next() else {
            break;
        };
        if !(first == '>' || first == '/' || first.is_whitespace()) {
            rest = after;
            continue;
        }
        let Some(gt) = after.find('>') else { break };
        if after[..gt].ends_with('/') {
            found.push("");
            rest = &after[gt + 1..];
            continue;
        }
        let body = &after[gt + 1..];
        let Some(end) = body.find(&close) else { break };
        found.push(&body[..end]);
        rest = &body[end + close.len()..];
    }
    found
}

/// The decoded text of the first `<tag>`, CDATA sections included.
pub(crate) fn text(xml: &str, tag: &str) -> Option<String> {
    elements(xml, tag).first().map(|raw| {
        let raw = raw.trim_matches(|c: char| c == '\n' || c == '\r');
        match raw
            .trim()
            .strip_prefix("<![CDATA[")
            .and_then(|r| r.strip_suffix("]]>"))
        {
            Some(cdata) => cdata.to_owned(),
            None => unescape(raw),
        }
    })
}

const PARAM_CLASSES: &[&str] = &[
    "hudson.model.StringParameterDefinition",
    "hudson.model.BooleanParameterDefinition",
    "hudson.model.ChoiceParameterDefinition",
    "hudson.model.TextParameterDefinition",
    "hudson.model.PasswordParameterDefinition",
];

/// Reads a `config.xml`.
pub(crate) fn parse(xml: &str) -> Result<Config, ConfigError> {
    let root = root_element(xml).ok_or_else(|| {
        ConfigError("the body is not an XML document with a root element".to_owned())
    })?;
    let kind = match root {
        "flow-definition" => Kind::Pipeline,
        "project" => Kind::Freestyle,
        FOLDER_CLASS => Kind::Folder,
        other => {
            return Err(ConfigError(format!(
                "dcos-sim does not simulate items of type <{other}>: use <flow-definition>, <project> or <{FOLDER_CLASS}>"
            )));
        }
    };
    let mut params = Vec::new();
    for class in PARAM_CLASSES {
        for body in elements(xml, class) {
            let name = text(body, "name").unwrap_or_default();
            let default = match *class {
                "hudson.model.ChoiceParameterDefinition" => text(body, "string"),
                _ => text(body, "defaultValue"),
            }
            .unwrap_or_default();
            params.push(ParamDef {
                class: (*class).to_owned(),
                name,
                default,
                description: text(body, "description").unwrap_or_default(),
            });
        }
    }
    // Keep the order of the document.
    params.sort_by_key(|p| xml.find(&format!("<name>{}</name>", escape(&p.name))));
    let commands = elements(xml, "hudson.tasks.Shell")
        .into_iter()
        .filter_map(|b| text(b, "command"))
        .collect();
    let label = text(xml, "assignedNode").filter(|l| !l.trim().is_empty());
    Ok(Config {
        kind,
        description: text(xml, "description").unwrap_or_default(),
        disabled: text(xml, "disabled").is_some_and(|d| d.trim() == "true"),
        script: (kind == Kind::Pipeline)
            .then(|| text(xml, "script"))
            .flatten(),
        commands,
        label,
        params,
        quiet_period: text(xml, "quietPeriod").and_then(|q| q.trim().parse().ok()),
    })
}

/// `config.xml` with `<disabled>` set to `disabled` (added before the
/// closing root tag when absent), as Jenkins rewrites it on enable/disable.
pub(crate) fn with_disabled(xml: &str, disabled: bool) -> String {
    let value = if disabled { "true" } else { "false" };
    for old in [
        "<disabled>true</disabled>",
        "<disabled>false</disabled>",
        "<disabled/>",
    ] {
        if let Some(pos) = xml.find(old) {
            return format!(
                "{}<disabled>{value}</disabled>{}",
                &xml[..pos],
                &xml[pos + old.len()..]
            );
        }
    }
    match xml.rfind("</") {
        Some(pos) => format!(
            "{}  <disabled>{value}</disabled>\n{}",
            &xml[..pos],
            &xml[pos..]
        ),
        None => xml.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipelines_give_their_script_and_parameters() {
        let xml = "<?xml version='1.1' encoding='UTF-8'?>\n<!-- c -->\n<flow-definition plugin=\"workflow-job@2.40\">\n<description>Builds &amp; pushes</description>\n<properties><hudson.model.ParametersDefinitionProperty><parameterDefinitions>\n<hudson.model.StringParameterDefinition><name>TAG</name><defaultValue>1.0</defaultValue><trim>true</trim></hudson.model.StringParameterDefinition>\n<hudson.model.BooleanParameterDefinition><name>FAIL</name><defaultValue>false</defaultValue></hudson.model.BooleanParameterDefinition>\n</parameterDefinitions></hudson.model.ParametersDefinitionProperty></properties>\n<definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\"><script>node(&apos;linux&apos;) { sh &quot;echo a &lt; b&quot; }</script><sandbox>true</sandbox></definition>\n<disabled>true</disabled></flow-definition>";
        let c = parse(xml).unwrap();
        assert_eq!(c.kind, Kind::Pipeline);
        assert_eq!(c.description, "Builds & pushes");
        assert!(c.disabled);
        assert_eq!(
            c.script.as_deref(),
            Some("node('linux') { sh \"echo a < b\" }")
        );
        let names: Vec<_> = c
            .params
            .iter()
            .map(|p| (p.name.as_str(), p.default.as_str()))
            .collect();
        assert_eq!(names, vec![("TAG", "1.0"), ("FAIL", "false")]);
        assert_eq!(c.params[1].type_name(), "BooleanParameterDefinition");
        assert!(with_disabled(xml, false).contains("<disabled>false</disabled>"));
    }

    #[test]
    fn freestyle_folders_and_unknown_roots() {
        let c = parse("<project><assignedNode>linux</assignedNode><builders><hudson.tasks.Shell><command>make</command></hudson.tasks.Shell></builders></project>").unwrap();
        assert_eq!(
            (c.kind, c.label.as_deref(), c.commands.clone()),
            (Kind::Freestyle, Some("linux"), vec!["make".to_owned()])
        );
        assert!(!c.disabled);
        assert_eq!(
            parse(&Kind::Folder.default_config()).unwrap().kind,
            Kind::Folder
        );
        assert!(
            parse("<matrix-project/>")
                .unwrap_err()
                .0
                .contains("matrix-project")
        );
        assert!(parse("not xml").is_err());
        assert_eq!(
            text("<script><![CDATA[a < b]]></script>", "script").as_deref(),
            Some("a < b")
        );
    }
}
