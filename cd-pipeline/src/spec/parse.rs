//! Reading `pipeline.toml`: toml into span-carrying raw structs, then every
//! semantic check, each reported at the span of the field it is about.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::json_path::{JsonPath, type_name};
use super::location::{field_at, line_column};
use super::template::{Placeholder, Template};
use super::{
    BuildSpec, ClusterSpec, CredentialRef, DEFAULT_GATE_TIMEOUT, DEFAULT_HEALTH_TIMEOUT,
    DEFAULT_NO_PROGRESS_TIMEOUT, DeploySpec, Gate, Jenkinsfile, PipelineSpec, Strategy,
    Substitution, TAG_PLACEHOLDERS, TemplateKind,
};
use crate::error::{Error, Result};

// Unknown keys are refused in the spec (not in server models): a misspelt key
// in a deploy spec would otherwise be dropped silently.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    service: Spanned<String>,
    cluster: Option<Spanned<RawCluster>>,
    build: Spanned<RawBuild>,
    deploy: Spanned<RawDeploy>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCluster {
    url: Option<Spanned<String>>,
    token_env: Option<Spanned<String>>,
    login_env: Option<Spanned<RawLogin>>,
    service_account_file: Option<Spanned<String>>,
    service_account_env: Option<Spanned<String>>,
    profile: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLogin {
    uid: Spanned<String>,
    password: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBuild {
    job: Spanned<String>,
    agent_label: Option<Spanned<String>>,
    image: Spanned<String>,
    tag: Spanned<String>,
    #[serde(default)]
    parameters: BTreeMap<String, Spanned<toml::Value>>,
    jenkinsfile: Option<Spanned<RawJenkinsfile>>,
    scm: Option<Spanned<RawScm>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawJenkinsfile {
    inline: Option<Spanned<String>>,
    file: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScm {
    url: Spanned<String>,
    branch: Option<Spanned<String>>,
    script_path: Option<Spanned<String>>,
    credentials_id: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    template: Option<Spanned<String>>,
    template_inline: Option<Spanned<String>>,
    kind: Option<Spanned<String>>,
    strategy: Option<Spanned<toml::Value>>,
    health_timeout: Option<Spanned<toml::Value>>,
    no_progress_timeout: Option<Spanned<toml::Value>>,
    auto_rollback: Option<bool>,
    force: Option<bool>,
    set: Option<Spanned<toml::Table>>,
    #[serde(default)]
    gates: Vec<Spanned<RawGate>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    #[serde(rename = "type")]
    kind: Spanned<String>,
    path: Option<Spanned<String>>,
    expected_status: Option<Spanned<i64>>,
    port_index: Option<Spanned<i64>>,
    timeout: Option<Spanned<toml::Value>>,
}

/// A second reading of `deploy.set` for the span of each entry. toml cannot
/// give a span to a dotted key's implicit table (`labels.TEAM = "x"`), so when
/// this reading fails the entries get the span of the whole table.
#[derive(Deserialize)]
struct SetSpans {
    deploy: Option<SetSpansDeploy>,
}

#[derive(Deserialize)]
struct SetSpansDeploy {
    #[serde(default)]
    set: BTreeMap<String, Spanned<toml::Value>>,
}

fn set_spans(text: &str) -> BTreeMap<String, Range<usize>> {
    toml::from_str::<SetSpans>(text)
        .ok()
        .and_then(|doc| doc.deploy)
        .map(|d| d.set.into_iter().map(|(k, v)| (k, v.span())).collect())
        .unwrap_or_default()
}

/// The spec text and its file, to turn spans into [`Error::Spec`].
struct Ctx<'a> {
    text: &'a str,
    file: &'a Path,
}

impl Ctx<'_> {
    fn error(&self, span: Range<usize>, field: &str, message: impl Into<String>) -> Error {
        let (line, column) = line_column(self.text, span.start);
        Error::Spec {
            file: self.file.to_owned(),
            line,
            column,
            field: field.to_owned(),
            message: message.into(),
        }
    }

    fn base_dir(&self) -> &Path {
        self.file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

pub(super) fn parse(text: &str, file: &Path) -> Result<PipelineSpec> {
    let ctx = Ctx { text, file };
    let raw: RawSpec = toml::from_str(text).map_err(|e| toml_error(&ctx, &e))?;

    let service = check_service(&ctx, &raw.service)?;
    let cluster = raw.cluster.map(|c| cluster(&ctx, c)).transpose()?;
    let build = build(&ctx, raw.build)?;
    let deploy = deploy(&ctx, raw.deploy)?;
    Ok(PipelineSpec {
        file: file.to_owned(),
        service,
        cluster,
        build,
        deploy,
    })
}

/// toml's own errors carry a span and a message, not the key: the field is
/// read back from the text (and a missing field's name from the message).
fn toml_error(ctx: &Ctx<'_>, error: &toml::de::Error) -> Error {
    let span = error.span().unwrap_or(0..0);
    let mut field = field_at(ctx.text, &span);
    let message = error.message().trim().to_owned();
    if let Some(missing) = message
        .strip_prefix("missing field `")
        .and_then(|m| m.split('`').next())
    {
        field = if field.is_empty() {
            missing.to_owned()
        } else {
            format!("{field}.{missing}")
        };
    }
    if field.is_empty() {
        field = "(document)".to_owned();
    }
    ctx.error(span, &field, message)
}

fn check_service(ctx: &Ctx<'_>, service: &Spanned<String>) -> Result<String> {
    let name = service.get_ref();
    let valid = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if valid {
        Ok(name.clone())
    } else {
        Err(ctx.error(
            service.span(),
            "service",
            format!(
                "`{name}` is not a service name: 1 to 63 lowercase letters, digits and '-', \
                 starting and ending with a letter or digit"
            ),
        ))
    }
}

fn non_empty(ctx: &Ctx<'_>, value: &Spanned<String>, field: &str) -> Result<String> {
    let v = value.get_ref().trim();
    if v.is_empty() {
        Err(ctx.error(value.span(), field, "must not be empty"))
    } else {
        Ok(v.to_owned())
    }
}

fn env_name(ctx: &Ctx<'_>, value: &Spanned<String>, field: &str) -> Result<String> {
    let name = value.get_ref();
    let valid = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(name.clone())
    } else {
        Err(ctx.error(
            value.span(),
            field,
            // The value is not echoed: it may be the secret itself.
            "is not an environment variable name (give the variable's name, not its value)",
        ))
    }
}

fn cluster(ctx: &Ctx<'_>, raw: Spanned<RawCluster>) -> Result<ClusterSpec> {
    let span = raw.span();
    let raw = raw.into_inner();
    let url = raw
        .url
        .as_ref()
        .map(|u| {
            let text = u.get_ref().trim();
            match url::Url::parse(text) {
                Ok(parsed) if matches!(parsed.scheme(), "http" | "https") && parsed.has_host() => {
                    Ok(text.to_owned())
                }
                Ok(_) => Err(ctx.error(u.span(), "cluster.url", "must be an http or https URL")),
                Err(e) => Err(ctx.error(u.span(), "cluster.url", format!("invalid URL: {e}"))),
            }
        })
        .transpose()?;

    let mut references = Vec::new();
    if let Some(v) = &raw.token_env {
        references.push((
            v.span(),
            CredentialRef::TokenEnv(env_name(ctx, v, "cluster.token_env")?),
        ));
    }
    if let Some(v) = &raw.login_env {
        let login = v.get_ref();
        references.push((
            v.span(),
            CredentialRef::LoginEnv {
                uid: env_name(ctx, &login.uid, "cluster.login_env.uid")?,
                password: env_name(ctx, &login.password, "cluster.login_env.password")?,
            },
        ));
    }
    if let Some(v) = &raw.service_account_file {
        let path = ctx
            .base_dir()
            .join(non_empty(ctx, v, "cluster.service_account_file")?);
        if !path.is_file() {
            return Err(ctx.error(
                v.span(),
                "cluster.service_account_file",
                format!("no such file: {}", path.display()),
            ));
        }
        references.push((v.span(), CredentialRef::ServiceAccountFile(path)));
    }
    if let Some(v) = &raw.service_account_env {
        references.push((
            v.span(),
            CredentialRef::ServiceAccountEnv(env_name(ctx, v, "cluster.service_account_env")?),
        ));
    }
    if let Some(v) = &raw.profile {
        references.push((
            v.span(),
            CredentialRef::Profile(non_empty(ctx, v, "cluster.profile")?),
        ));
    }
    if references.len() > 1 {
        let (second, _) = &references[1];
        return Err(ctx.error(
            second.clone(),
            "cluster",
            "give one credential reference: token_env, login_env, service_account_file, \
             service_account_env or profile",
        ));
    }
    let credentials = references
        .pop()
        .map_or(CredentialRef::Environment, |(_, c)| c);
    if url.is_none() && !matches!(credentials, CredentialRef::Profile(_)) {
        return Err(ctx.error(
            span,
            "cluster.url",
            "missing: a [cluster] needs a url (or a dcos CLI profile); leave [cluster] out to \
             use the embedded dcos-sim",
        ));
    }
    Ok(ClusterSpec { url, credentials })
}

fn build(ctx: &Ctx<'_>, raw: Spanned<RawBuild>) -> Result<BuildSpec> {
    let span = raw.span();
    let raw = raw.into_inner();
    let job = jenkins_client::JobPath::parse(raw.job.get_ref())
        .map_err(|e| ctx.error(raw.job.span(), "build.job", e.to_string()))?;
    let agent_label = match &raw.agent_label {
        Some(label) => non_empty(ctx, label, "build.agent_label")?,
        None => jenkins_client::config_xml::DEFAULT_DIND_LABEL.to_owned(),
    };
    let image = check_repository(ctx, &raw.image)?;
    let tag = check_tag(ctx, &raw.tag)?;

    let mut parameters = BTreeMap::new();
    for (name, value) in &raw.parameters {
        let field = format!("build.parameters.{name}");
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(ctx.error(
                value.span(),
                &field,
                "a parameter name is letters, digits and '_', not starting with a digit",
            ));
        }
        let text = match value.get_ref() {
            toml::Value::String(s) => s.clone(),
            toml::Value::Integer(i) => i.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            other => {
                return Err(ctx.error(
                    value.span(),
                    &field,
                    format!(
                        "a parameter is a string, number or boolean, not {}",
                        other.type_str()
                    ),
                ));
            }
        };
        parameters.insert(name.clone(), text);
    }

    let jenkinsfile = match (raw.jenkinsfile, raw.scm) {
        (Some(_), Some(scm)) => {
            return Err(ctx.error(
                scm.span(),
                "build.scm",
                "give either build.jenkinsfile or build.scm, not both",
            ));
        }
        (None, None) => {
            return Err(ctx.error(
                span,
                "build.jenkinsfile",
                "missing: give build.jenkinsfile = { file = \"…\" } or { inline = \"…\" }, or \
                 build.scm = { url = \"…\" }",
            ));
        }
        (Some(file), None) => jenkinsfile(ctx, file)?,
        (None, Some(scm)) => {
            let scm = scm.into_inner();
            let url = non_empty(ctx, &scm.url, "build.scm.url")?;
            let opt = |v: &Option<Spanned<String>>, field: &str, default: &str| match v {
                Some(v) => non_empty(ctx, v, field),
                None => Ok(default.to_owned()),
            };
            Jenkinsfile::Scm {
                url,
                branch: opt(&scm.branch, "build.scm.branch", "main")?,
                script_path: opt(&scm.script_path, "build.scm.script_path", "Jenkinsfile")?,
                credentials_id: scm
                    .credentials_id
                    .as_ref()
                    .map(|c| non_empty(ctx, c, "build.scm.credentials_id"))
                    .transpose()?,
            }
        }
    };
    Ok(BuildSpec {
        job,
        jenkinsfile,
        agent_label,
        image,
        tag,
        parameters,
    })
}

fn jenkinsfile(ctx: &Ctx<'_>, raw: Spanned<RawJenkinsfile>) -> Result<Jenkinsfile> {
    let span = raw.span();
    let raw = raw.into_inner();
    match (raw.inline, raw.file) {
        (Some(inline), None) => {
            let script = inline.get_ref();
            if script.trim().is_empty() {
                return Err(ctx.error(
                    inline.span(),
                    "build.jenkinsfile.inline",
                    "the script is empty",
                ));
            }
            Ok(Jenkinsfile::Inline {
                script: script.clone(),
                file: None,
            })
        }
        (None, Some(file)) => {
            let path = ctx
                .base_dir()
                .join(non_empty(ctx, &file, "build.jenkinsfile.file")?);
            let script = std::fs::read_to_string(&path).map_err(|e| {
                ctx.error(
                    file.span(),
                    "build.jenkinsfile.file",
                    format!("cannot read {}: {e}", path.display()),
                )
            })?;
            if script.trim().is_empty() {
                return Err(ctx.error(
                    file.span(),
                    "build.jenkinsfile.file",
                    format!("{} is empty", path.display()),
                ));
            }
            Ok(Jenkinsfile::Inline {
                script,
                file: Some(path),
            })
        }
        (Some(_), Some(file)) => Err(ctx.error(
            file.span(),
            "build.jenkinsfile",
            "give either inline or file, not both",
        )),
        (None, None) => Err(ctx.error(
            span,
            "build.jenkinsfile",
            "give inline = \"…\" or file = \"…\"",
        )),
    }
}

/// An image repository without a tag or digest: an optional registry host
/// (which may have a port), then lowercase path components.
fn check_repository(ctx: &Ctx<'_>, image: &Spanned<String>) -> Result<String> {
    let repo = image.get_ref().trim();
    let fail = |message: String| Err(ctx.error(image.span(), "build.image", message));
    if repo.is_empty() {
        return fail("must not be empty".into());
    }
    if repo.contains('@') {
        return fail(format!("`{repo}` has a digest; give the repository only"));
    }
    let mut components: Vec<&str> = repo.split('/').collect();
    let first = components.first().copied().unwrap_or_default();
    let has_host = components.len() > 1
        && (first.contains('.') || first.contains(':') || first == "localhost");
    if has_host {
        let host_ok = first
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !host_ok {
            return fail(format!("`{first}` is not a registry host"));
        }
        components.remove(0);
    }
    if components.last().is_some_and(|c| c.contains(':')) {
        return fail(format!(
            "`{repo}` has a tag; give the repository only, the tag comes from build.tag"
        ));
    }
    for component in components {
        let ok = !component.is_empty()
            && component.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            })
            && component.starts_with(|c: char| c.is_ascii_alphanumeric())
            && component.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !ok {
            return fail(format!(
                "`{component}` in `{repo}` is not a repository name component: lowercase \
                 letters, digits, '.', '_' and '-', starting and ending with a letter or digit"
            ));
        }
    }
    Ok(repo.to_owned())
}

/// A tag template: known placeholders, and literal text that is valid in a
/// Docker tag (`[A-Za-z0-9_.-]`, not starting with `.` or `-`).
fn check_tag(ctx: &Ctx<'_>, tag: &Spanned<String>) -> Result<Template> {
    let template = Template::parse(tag.get_ref(), &TAG_PLACEHOLDERS)
        .map_err(|e| ctx.error(tag.span(), "build.tag", e.message))?;
    if template.as_str().is_empty() {
        return Err(ctx.error(tag.span(), "build.tag", "must not be empty"));
    }
    if let Some(bad) = template
        .literal_text()
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(ctx.error(
            tag.span(),
            "build.tag",
            format!("{bad:?} cannot appear in a Docker tag (letters, digits, '_', '.' and '-')"),
        ));
    }
    if template.as_str().starts_with(['.', '-']) {
        return Err(ctx.error(
            tag.span(),
            "build.tag",
            "a Docker tag cannot start with '.' or '-'",
        ));
    }
    Ok(template)
}

fn deploy(ctx: &Ctx<'_>, raw: Spanned<RawDeploy>) -> Result<DeploySpec> {
    let span = raw.span();
    let raw = raw.into_inner();
    let kind = match &raw.kind {
        None => TemplateKind::App,
        Some(k) => match k.get_ref().as_str() {
            "app" => TemplateKind::App,
            "group" => TemplateKind::Group,
            other => {
                return Err(ctx.error(
                    k.span(),
                    "deploy.kind",
                    format!("unknown kind `{other}`; expected \"app\" or \"group\""),
                ));
            }
        },
    };
    let (template, template_file, template_span, template_field) =
        match (&raw.template, &raw.template_inline) {
            (Some(file), None) => {
                let path = ctx
                    .base_dir()
                    .join(non_empty(ctx, file, "deploy.template")?);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    ctx.error(
                        file.span(),
                        "deploy.template",
                        format!("cannot read {}: {e}", path.display()),
                    )
                })?;
                let value: Value = serde_json::from_str(&text).map_err(|e| Error::Spec {
                    file: path.clone(),
                    line: e.line(),
                    column: e.column(),
                    field: "deploy.template".into(),
                    message: format!("invalid JSON: {e}"),
                })?;
                (value, Some(path), file.span(), "deploy.template")
            }
            (None, Some(inline)) => {
                let value: Value = serde_json::from_str(inline.get_ref())
                    .map_err(|e| inline_json_error(ctx, inline, &e))?;
                (value, None, inline.span(), "deploy.template_inline")
            }
            (Some(_), Some(inline)) => {
                return Err(ctx.error(
                    inline.span(),
                    "deploy.template_inline",
                    "give either deploy.template or deploy.template_inline, not both",
                ));
            }
            (None, None) => {
                return Err(ctx.error(
                    span,
                    "deploy.template",
                    "missing: give deploy.template = \"marathon.json\" or deploy.template_inline",
                ));
            }
        };
    check_template(ctx, &template, kind, template_span.clone(), template_field)?;

    let mut set = Vec::new();
    if let Some(table) = &raw.set {
        let spans = set_spans(ctx.text);
        for (key, value) in table.get_ref() {
            let span = spans.get(key).cloned().unwrap_or_else(|| table.span());
            flatten_set(ctx, key, value, span, &mut set)?;
        }
    }
    for sub in &set {
        let field = format!("deploy.set.{}", sub.0.as_str());
        sub.0
            .check(&template, &sub.1)
            .map_err(|e| ctx.error(sub.2.clone(), &field, e))?;
        check_placeholders(ctx, &sub.1, sub.2.clone(), &field)?;
    }
    let set = set
        .into_iter()
        .map(|(path, value, _)| Substitution { path, value })
        .collect();

    let strategy = match &raw.strategy {
        None => Strategy::Rolling,
        Some(s) => strategy(ctx, s)?,
    };
    let health_timeout = duration(
        ctx,
        raw.health_timeout.as_ref(),
        "deploy.health_timeout",
        DEFAULT_HEALTH_TIMEOUT,
    )?;
    let no_progress_timeout = duration(
        ctx,
        raw.no_progress_timeout.as_ref(),
        "deploy.no_progress_timeout",
        DEFAULT_NO_PROGRESS_TIMEOUT,
    )?;
    let gates = raw
        .gates
        .into_iter()
        .enumerate()
        .map(|(i, g)| gate(ctx, i, g))
        .collect::<Result<_>>()?;
    Ok(DeploySpec {
        kind,
        template,
        template_file,
        set,
        strategy,
        health_timeout,
        no_progress_timeout,
        auto_rollback: raw.auto_rollback.unwrap_or(true),
        force: raw.force.unwrap_or(false),
        gates,
    })
}

/// A JSON error in `template_inline`, placed in the spec: the string's
/// content starts after its opening quotes (and the line break a multi-line
/// string drops).
fn inline_json_error(ctx: &Ctx<'_>, inline: &Spanned<String>, e: &serde_json::Error) -> Error {
    let start = inline.span().start;
    let rest = ctx.text.get(start..).unwrap_or_default();
    let mut content = start
        + if rest.starts_with("'''") || rest.starts_with("\"\"\"") {
            3
        } else {
            1
        };
    let after = ctx.text.get(content..).unwrap_or_default();
    if after.starts_with("\r\n") {
        content += 2;
    } else if after.starts_with('\n') {
        content += 1;
    }
    let (line, column) = line_column(ctx.text, content);
    Error::Spec {
        file: ctx.file.to_owned(),
        line: line + e.line().saturating_sub(1),
        column: if e.line() <= 1 {
            column + e.column().saturating_sub(1)
        } else {
            e.column()
        },
        field: "deploy.template_inline".into(),
        message: format!("invalid JSON: {e}"),
    }
}

/// The template's shape: an object with a valid `id`; an app has `cmd`,
/// `args` or `container`; a group has `apps` or `groups` arrays.
fn check_template(
    ctx: &Ctx<'_>,
    template: &Value,
    kind: TemplateKind,
    span: Range<usize>,
    field: &str,
) -> Result<()> {
    let fail = |message: String| Err(ctx.error(span.clone(), field, message));
    let Some(object) = template.as_object() else {
        return fail(format!(
            "the template is {}, not a JSON object",
            type_name(template)
        ));
    };
    let Some(id) = object.get("id").and_then(Value::as_str) else {
        return fail("the template has no string `id`".into());
    };
    if let Err(e) = marathon_client::PathId::new(id) {
        return fail(format!("the template's id: {e}"));
    }
    let looks_like_group = object.contains_key("apps") || object.contains_key("groups");
    match kind {
        TemplateKind::App if looks_like_group => {
            fail("the template has `apps` or `groups`: set deploy.kind = \"group\"".into())
        }
        TemplateKind::App
            if !["cmd", "args", "container"]
                .iter()
                .any(|k| object.get(*k).is_some_and(|v| !v.is_null())) =>
        {
            fail("an app needs `cmd`, `args` or `container`".into())
        }
        TemplateKind::App => match object.get("instances") {
            Some(v) if !v.is_u64() => fail(format!(
                "`instances` is {}, not a non-negative integer",
                type_name(v)
            )),
            _ => Ok(()),
        },
        TemplateKind::Group => {
            for key in ["apps", "groups"] {
                if let Some(v) = object.get(key).filter(|v| !v.is_array()) {
                    return fail(format!("`{key}` is {}, not an array", type_name(v)));
                }
            }
            if looks_like_group {
                Ok(())
            } else {
                fail("a group template needs `apps` or `groups`".into())
            }
        }
    }
}

/// `deploy.set` entries: quoted dotted keys (`"a.b" = 1`) and nested tables
/// (`a.b = 1`, `[deploy.set.a]`) both become the path `a.b`.
fn flatten_set(
    ctx: &Ctx<'_>,
    key: &str,
    value: &toml::Value,
    span: Range<usize>,
    out: &mut Vec<(JsonPath, Value, Range<usize>)>,
) -> Result<()> {
    if let toml::Value::Table(table) = value {
        for (k, v) in table {
            flatten_set(ctx, &format!("{key}.{k}"), v, span.clone(), out)?;
        }
        return Ok(());
    }
    let field = format!("deploy.set.{key}");
    let path = JsonPath::parse(key).map_err(|e| ctx.error(span.clone(), &field, e))?;
    let json = toml_to_json(value).map_err(|e| ctx.error(span.clone(), &field, e))?;
    out.push((path, json, span));
    Ok(())
}

fn toml_to_json(value: &toml::Value) -> Result<Value, String> {
    Ok(match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .ok_or_else(|| format!("{f} is not a JSON number"))?,
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => {
            Value::Array(items.iter().map(toml_to_json).collect::<Result<_, _>>()?)
        }
        toml::Value::Table(table) => Value::Object(
            table
                .iter()
                .map(|(k, v)| Ok((k.clone(), toml_to_json(v)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

fn check_placeholders(ctx: &Ctx<'_>, value: &Value, span: Range<usize>, field: &str) -> Result<()> {
    match value {
        Value::String(s) => Template::parse(s, &Placeholder::ALL)
            .map(drop)
            .map_err(|e| ctx.error(span, field, e.message)),
        Value::Array(items) => items
            .iter()
            .try_for_each(|v| check_placeholders(ctx, v, span.clone(), field)),
        Value::Object(map) => map
            .values()
            .try_for_each(|v| check_placeholders(ctx, v, span.clone(), field)),
        _ => Ok(()),
    }
}

const STRATEGY_HELP: &str =
    "expected \"rolling\", \"blue-green\" or { canary = { steps = [10, 50, 100] } }";

fn strategy(ctx: &Ctx<'_>, value: &Spanned<toml::Value>) -> Result<Strategy> {
    let field = "deploy.strategy";
    let fail = |message: String| Err(ctx.error(value.span(), field, message));
    match value.get_ref() {
        toml::Value::String(s) => match s.as_str() {
            "rolling" => Ok(Strategy::Rolling),
            "blue-green" => Ok(Strategy::BlueGreen),
            "canary" => {
                fail("canary needs its steps: { canary = { steps = [10, 50, 100] } }".into())
            }
            other => fail(format!("unknown strategy `{other}`; {STRATEGY_HELP}")),
        },
        toml::Value::Table(table) => {
            let (Some((name, body)), 1) = (table.iter().next(), table.len()) else {
                return fail(format!("a strategy table has one key; {STRATEGY_HELP}"));
            };
            if name != "canary" {
                return fail(format!("unknown strategy `{name}`; {STRATEGY_HELP}"));
            }
            let steps = body
                .as_table()
                .and_then(|t| {
                    let extra = t.keys().find(|k| *k != "steps");
                    match extra {
                        Some(_) => None,
                        None => t.get("steps"),
                    }
                })
                .and_then(toml::Value::as_array)
                .ok_or_else(|| {
                    ctx.error(
                        value.span(),
                        "deploy.strategy.canary.steps",
                        "canary takes only steps, an array of percentages: { steps = [10, 50, 100] }",
                    )
                })?;
            canary_steps(steps)
                .map_err(|m| ctx.error(value.span(), "deploy.strategy.canary.steps", m))
        }
        other => fail(format!(
            "{} is not a strategy; {STRATEGY_HELP}",
            other.type_str()
        )),
    }
}

fn canary_steps(steps: &[toml::Value]) -> Result<Strategy, String> {
    let mut out: Vec<u8> = Vec::new();
    for step in steps {
        let pct = step
            .as_integer()
            .filter(|p| (1..=100).contains(p))
            .and_then(|p| u8::try_from(p).ok())
            .ok_or_else(|| format!("step {step} is not a percentage from 1 to 100"))?;
        if out.last().is_some_and(|last| *last >= pct) {
            return Err(format!(
                "steps must increase: {pct} comes after {}",
                out.last().copied().unwrap_or_default()
            ));
        }
        out.push(pct);
    }
    match out.last() {
        None => Err("steps is empty".into()),
        Some(100) => Ok(Strategy::Canary { steps: out }),
        Some(last) => Err(format!("the last step must be 100, not {last}")),
    }
}

/// A duration: a string such as `"90s"` or `"5m"`, or a number of seconds.
fn duration(
    ctx: &Ctx<'_>,
    value: Option<&Spanned<toml::Value>>,
    field: &str,
    default: Duration,
) -> Result<Duration> {
    let Some(value) = value else {
        return Ok(default);
    };
    let parsed = match value.get_ref() {
        toml::Value::String(s) => humantime::parse_duration(s.trim())
            .map_err(|e| format!("`{s}` is not a duration such as \"90s\" or \"5m\": {e}")),
        toml::Value::Integer(i) => u64::try_from(*i)
            .map(Duration::from_secs)
            .map_err(|_| format!("{i} is negative")),
        other => Err(format!(
            "{} is not a duration; write \"90s\", \"5m\" or a number of seconds",
            other.type_str()
        )),
    }
    .map_err(|m| ctx.error(value.span(), field, m))?;
    if parsed.is_zero() {
        return Err(ctx.error(value.span(), field, "must be longer than zero"));
    }
    Ok(parsed)
}

fn gate(ctx: &Ctx<'_>, index: usize, raw: Spanned<RawGate>) -> Result<Gate> {
    let span = raw.span();
    let raw = raw.into_inner();
    let field = |name: &str| format!("deploy.gates[{index}].{name}");
    match raw.kind.get_ref().as_str() {
        "http" => {
            let path = raw.path.as_ref().ok_or_else(|| {
                ctx.error(
                    span.clone(),
                    &field("path"),
                    "missing: an http gate needs a path",
                )
            })?;
            if !path.get_ref().starts_with('/') {
                return Err(ctx.error(path.span(), &field("path"), "must start with '/'"));
            }
            let expected_status = match &raw.expected_status {
                None => 200,
                Some(s) => u16::try_from(*s.get_ref())
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| {
                        ctx.error(
                            s.span(),
                            &field("expected_status"),
                            "must be an HTTP status from 100 to 599",
                        )
                    })?,
            };
            let port_index = match &raw.port_index {
                None => 0,
                Some(p) => usize::try_from(*p.get_ref()).map_err(|_| {
                    ctx.error(p.span(), &field("port_index"), "must not be negative")
                })?,
            };
            let timeout = duration(
                ctx,
                raw.timeout.as_ref(),
                &field("timeout"),
                DEFAULT_GATE_TIMEOUT,
            )?;
            Ok(Gate::Http {
                path: path.get_ref().clone(),
                expected_status,
                port_index,
                timeout,
            })
        }
        other => Err(ctx.error(
            raw.kind.span(),
            &field("type"),
            format!("unknown gate type `{other}`; expected \"http\""),
        )),
    }
}
