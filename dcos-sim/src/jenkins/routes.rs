//! The Jenkins URL space, dispatched as Stapler does: `job/<name>` pairs
//! lead to an item, a number or permalink to one of its builds, and the
//! rest names the action.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use serde_json::{Value, json};

use super::JENKINS_VERSION;
use super::auth::{self, CRUMB_FIELD, Caller, Mount, jetty_error};
use super::config::{self, Kind};
use super::render;
use super::scheduler::{self, TriggerError, now_ms};
use super::state::{Item, JenkinsState, Stage, Task};
use super::tree;
use crate::sim::SimState;

/// The routes nested under `/service/jenkins` behind Admin Router.
pub(crate) fn admin_router_routes() -> Router<SimState> {
    Router::new()
        .route("/", any(via_admin_router))
        .route("/{*rest}", any(via_admin_router))
}

/// The direct listener's routes (Jenkins auth), with the slow-response
/// and `503` fault knobs applied as if its paths were under
/// `/service/jenkins`.
pub(crate) fn direct_router(sim: SimState) -> Router {
    Router::new()
        .route("/", any(direct))
        .route("/{*rest}", any(direct))
        .layer(from_fn_with_state(sim.clone(), direct_faults))
        .with_state(sim)
}

async fn direct_faults(State(sim): State<SimState>, request: Request, next: Next) -> Response {
    let latency = sim.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let path = format!("/service/jenkins{}", request.uri().path());
    if sim.faults.take_unavailable(&path) {
        return crate::admin_router::html_error(StatusCode::SERVICE_UNAVAILABLE);
    }
    next.run(request).await
}

async fn via_admin_router(
    State(sim): State<SimState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&sim, Mount::AdminRouter, &method, &uri, &headers, &body)
}

async fn direct(
    State(sim): State<SimState>,
    method: Method,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    handle(&sim, Mount::Direct, &method, &uri, &headers, &body)
}

/// Decodes `%XX` and, in forms, `+`.
fn percent_decode(s: &str, plus: bool) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' if plus => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `a=1&b=2` pairs.
fn parse_urlencoded(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// One request, with what every handler needs.
struct Req<'a> {
    sim: &'a SimState,
    method: &'a Method,
    path: &'a str,
    root: String,
    caller: Caller,
    query: Vec<(String, String)>,
    form: Vec<(String, String)>,
    body: &'a Bytes,
}

impl Req<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .chain(self.form.iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn not_found(&self) -> Response {
        jetty_error(StatusCode::NOT_FOUND, "Not Found", self.path)
    }

    fn json(&self, value: Value) -> Response {
        let value = match self.param("tree") {
            Some(spec) => match tree::parse(spec) {
                Ok(fields) => tree::apply(&value, &fields),
                Err(e) => return jetty_error(StatusCode::BAD_REQUEST, &e.0, self.path),
            },
            None => value,
        };
        let mut r = (StatusCode::OK, value.to_string()).into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json;charset=utf-8"),
        );
        r
    }

    /// Whether a `tree` asks for nested properties.
    fn expanded(&self) -> bool {
        self.param("tree").is_some()
    }

    /// The path of the root (`/` or `/service/jenkins/`), for HAL links.
    fn root_path(&self) -> String {
        self.root
            .find("://")
            .and_then(|p| {
                self.root[p + 3..]
                    .find('/')
                    .map(|q| &self.root[p + 3 + q..])
            })
            .unwrap_or("/")
            .to_owned()
    }

    fn redirect(&self, status: StatusCode, location: &str) -> Response {
        let mut r = status.into_response();
        if let Ok(v) = HeaderValue::from_str(location) {
            r.headers_mut().insert(header::LOCATION, v);
        }
        r
    }

    fn method_not_allowed(&self) -> Response {
        jetty_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "This URL requires POST",
            self.path,
        )
    }
}

fn handle(
    sim: &SimState,
    mount: Mount,
    method: &Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &Bytes,
) -> Response {
    let full_path = uri.path();
    let (path, root, cookie_path) = match mount {
        Mount::AdminRouter => (
            full_path
                .strip_prefix("/service/jenkins")
                .unwrap_or(full_path),
            format!("{}/service/jenkins/", sim.origin(0)),
            "/service/jenkins",
        ),
        Mount::Direct => (
            full_path,
            match sim.jenkins.addr.get() {
                Some(a) => format!("http://{a}/"),
                None => "http://127.0.0.1/".to_owned(),
            },
            "/",
        ),
    };
    let mut response = match auth::identify(sim, mount, headers, full_path) {
        Err(r) => *r,
        Ok(caller) => {
            let form = match headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
            {
                Some(ct) if ct.starts_with("application/x-www-form-urlencoded") => {
                    parse_urlencoded(&String::from_utf8_lossy(body))
                }
                _ => Vec::new(),
            };
            let req = Req {
                sim,
                method,
                path: full_path,
                root,
                caller,
                query: uri.query().map(parse_urlencoded).unwrap_or_default(),
                form,
                body,
            };
            let fields: Vec<(String, String)> =
                req.query.iter().chain(req.form.iter()).cloned().collect();
            if *method == Method::POST
                && !auth::crumb_ok(&sim.jenkins, &req.caller, headers, &fields)
            {
                auth::no_valid_crumb(full_path)
            } else {
                route(&req, path, cookie_path)
            }
        }
    };
    let h = response.headers_mut();
    h.insert("X-Jenkins", HeaderValue::from_static(JENKINS_VERSION));
    h.insert("X-Hudson", HeaderValue::from_static("1.395"));
    h.insert(
        "X-Content-Type-Options",
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn route(req: &Req<'_>, path: &str, cookie_path: &str) -> Response {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s, false))
        .collect();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    // Walk `job/<name>` pairs.
    let mut full = String::new();
    let mut i = 0;
    while segs.get(i) == Some(&"job") {
        let Some(name) = segs.get(i + 1) else {
            return req.not_found();
        };
        if !full.is_empty() {
            full.push('/');
        }
        full.push_str(name);
        i += 2;
    }
    let rest = &segs[i..];
    if full.is_empty() {
        return root_route(req, rest, cookie_path);
    }
    if !req.sim.jenkins.lock().items.contains_key(&full) {
        return req.not_found();
    }
    item_route(req, &full, rest)
}

fn root_route(req: &Req<'_>, rest: &[&str], cookie_path: &str) -> Response {
    let sim = req.sim;
    let get = *req.method == Method::GET || *req.method == Method::HEAD;
    match rest {
        [] | ["api", "json"] if get => {
            let now = now_ms(sim);
            let state = sim.jenkins.lock();
            req.json(render::root_json(&state, &req.root, now, req.expanded()))
        }
        ["crumbIssuer", "api", "json"] if get => {
            let (session, cookie) = auth::ensure_session(&sim.jenkins, &req.caller, cookie_path);
            let crumb = auth::crumb(&sim.jenkins, &req.caller.user, &session);
            let mut r = req.json(json!({
                "_class": "hudson.security.csrf.DefaultCrumbIssuer",
                "crumb": crumb,
                "crumbRequestField": CRUMB_FIELD,
            }));
            if let Some(cookie) = cookie {
                r.headers_mut().insert(header::SET_COOKIE, cookie);
            }
            r
        }
        ["createItem"] => create_item(req, ""),
        ["queue", "api", "json"] if get => {
            scheduler::tick(sim);
            let state = sim.jenkins.lock();
            req.json(render::queue_json(&state, &req.root))
        }
        ["queue", "item", id, rest @ ..] => {
            let Ok(id) = id.parse::<u64>() else {
                return req.not_found();
            };
            if !(rest.is_empty() || rest == ["api", "json"]) || !get {
                return req.not_found();
            }
            scheduler::tick(sim);
            let state = sim.jenkins.lock();
            match state.queue.get(&id) {
                Some(q) => req.json(render::queue_item_json(&state, &req.root, q)),
                None => req.not_found(),
            }
        }
        ["queue", "cancelItem"] => {
            if *req.method != Method::POST {
                return req.method_not_allowed();
            }
            let id = req.param("id").and_then(|i| i.parse::<u64>().ok());
            match id {
                Some(id) if scheduler::cancel(sim, id) => StatusCode::NO_CONTENT.into_response(),
                _ => jetty_error(
                    StatusCode::NOT_FOUND,
                    &format!(
                        "Provided id ({}) not found",
                        req.param("id").unwrap_or_default()
                    ),
                    req.path,
                ),
            }
        }
        ["computer", "api", "json"] if get => {
            scheduler::tick(sim);
            let state = sim.jenkins.lock();
            req.json(render::computers_json(&state))
        }
        ["computer", name, "api", "json"] if get => {
            scheduler::tick(sim);
            let state = sim.jenkins.lock();
            match render::computer_json(&state, name) {
                Some(v) => req.json(v),
                None => req.not_found(),
            }
        }
        ["whoAmI", "api", "json"] if get => req.json(json!({
            "_class": "hudson.security.WhoAmI",
            "anonymous": req.caller.user == "anonymous",
            "authenticated": true,
            "authorities": ["authenticated"],
            "name": req.caller.user,
        })),
        _ => req.not_found(),
    }
}

fn bad_request(req: &Req<'_>, message: &str) -> Response {
    let mut r = jetty_error(StatusCode::BAD_REQUEST, message, req.path);
    if let Ok(v) = HeaderValue::from_str(message) {
        r.headers_mut().insert("X-Error", v);
    }
    r
}

/// Checks a new item name as Jenkins does.
fn check_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("No name is specified".to_owned());
    }
    if let Some(c) = name.chars().find(|c| "!@#$&*[]|\\:;/?%<>".contains(*c)) {
        return Err(format!("‘{c}’ is an unsafe character"));
    }
    if name == "." || name == ".." {
        return Err(format!("“{name}” is not an allowed name"));
    }
    Ok(())
}

fn child_name(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}/{name}")
    }
}

fn create_item(req: &Req<'_>, parent: &str) -> Response {
    if *req.method != Method::POST {
        return req.method_not_allowed();
    }
    let Some(name) = req.param("name").map(str::to_owned) else {
        return bad_request(req, "Query parameter 'name' is required");
    };
    if let Err(e) = check_name(&name) {
        return bad_request(req, &e);
    }
    let full = child_name(parent, &name);
    let mut state = req.sim.jenkins.lock();
    if state.items.contains_key(&full) {
        return bad_request(req, &format!("A job already exists with the name ‘{name}’"));
    }
    let mode = req.param("mode").map(str::to_owned);
    let item = match mode.as_deref() {
        Some("copy") => {
            let Some(from) = req.param("from") else {
                return bad_request(req, "Query parameter 'from' is required for mode=copy");
            };
            let source = match from.strip_prefix('/') {
                Some(abs) => abs.to_owned(),
                None => child_name(parent, from),
            };
            let Some(src) = state.items.get(&source) else {
                return bad_request(req, &format!("No such job: {from}"));
            };
            if src.config.kind == Kind::Folder {
                return bad_request(req, "dcos-sim copies jobs, not folders");
            }
            Item::new(src.xml.clone(), src.config.clone())
        }
        Some(mode) => {
            let Some(kind) = Kind::from_mode(mode) else {
                return bad_request(
                    req,
                    &format!(
                        "No item type {mode} (dcos-sim knows folders, Pipeline and freestyle jobs)"
                    ),
                );
            };
            let xml = kind.default_config();
            match config::parse(&xml) {
                Ok(c) => Item::new(xml, c),
                Err(e) => return bad_request(req, &e.0),
            }
        }
        None => {
            let xml = String::from_utf8_lossy(req.body).into_owned();
            match config::parse(&xml) {
                Ok(c) => Item::new(xml, c),
                Err(e) => {
                    return bad_request(req, &format!("Failed to parse the config.xml: {}", e.0));
                }
            }
        }
    };
    state.items.insert(full.clone(), item);
    drop(state);
    match mode {
        Some(_) => req.redirect(StatusCode::FOUND, &render::item_url(&req.root, &full)),
        None => StatusCode::OK.into_response(),
    }
}

fn item_route(req: &Req<'_>, full: &str, rest: &[&str]) -> Response {
    let sim = req.sim;
    let get = *req.method == Method::GET || *req.method == Method::HEAD;
    let post = *req.method == Method::POST;
    let url = render::item_url(&req.root, full);
    match rest {
        [] if *req.method == Method::DELETE => {
            delete(sim, full);
            StatusCode::OK.into_response()
        }
        [] if get => {
            let mut r = (
                StatusCode::OK,
                format!(
                    "<html><body><h1>{}</h1></body></html>",
                    config::escape(full)
                ),
            )
                .into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html;charset=utf-8"),
            );
            r
        }
        ["api", "json"] if get => {
            scheduler::tick(sim);
            let state = sim.jenkins.lock();
            let now = now_ms(sim);
            match state.items.get(full) {
                Some(item) => req.json(render::item_json(
                    &state,
                    &req.root,
                    full,
                    item,
                    now,
                    req.expanded(),
                )),
                None => req.not_found(),
            }
        }
        ["config.xml"] if get => {
            let xml = sim.jenkins.lock().items.get(full).map(|i| i.xml.clone());
            match xml {
                Some(xml) => {
                    let mut r = (StatusCode::OK, xml).into_response();
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/xml"),
                    );
                    r
                }
                None => req.not_found(),
            }
        }
        ["config.xml"] if post => {
            let xml = String::from_utf8_lossy(req.body).into_owned();
            let parsed = match config::parse(&xml) {
                Ok(c) => c,
                Err(e) => {
                    return bad_request(req, &format!("Failed to parse the config.xml: {}", e.0));
                }
            };
            let mut state = sim.jenkins.lock();
            let Some(item) = state.items.get_mut(full) else {
                return req.not_found();
            };
            if parsed.kind != item.config.kind {
                return bad_request(
                    req,
                    &format!(
                        "Expecting class {} but got {} instead",
                        item.config.kind.class(),
                        parsed.kind.class()
                    ),
                );
            }
            item.xml = xml;
            item.config = parsed;
            StatusCode::OK.into_response()
        }
        ["build" | "buildWithParameters"] if get => req.method_not_allowed(),
        ["build" | "buildWithParameters"] if post => {
            let given: Vec<(String, String)> = req
                .query
                .iter()
                .chain(req.form.iter())
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "delay" | "token" | "cause" | CRUMB_FIELD | "json"
                    )
                })
                .cloned()
                .collect();
            let delay = req.param("delay").and_then(|d| {
                d.trim()
                    .trim_end_matches("sec")
                    .trim_end_matches("secs")
                    .trim()
                    .parse::<u64>()
                    .ok()
            });
            match scheduler::trigger(sim, full, &given, delay, &req.caller.user) {
                Ok(id) => req.redirect(
                    StatusCode::CREATED,
                    &format!("{}queue/item/{id}/", req.root),
                ),
                Err(TriggerError::NotFound) => req.not_found(),
                Err(TriggerError::NotBuildable) => jetty_error(
                    StatusCode::CONFLICT,
                    &format!("{full} is not buildable"),
                    req.path,
                ),
            }
        }
        ["enable" | "disable"] if post => {
            let disabled = rest == ["disable"];
            let mut state = sim.jenkins.lock();
            if let Some(item) = state.items.get_mut(full) {
                if item.config.kind == Kind::Folder {
                    return req.not_found();
                }
                item.xml = config::with_disabled(&item.xml, disabled);
                item.config.disabled = disabled;
            }
            req.redirect(StatusCode::FOUND, &url)
        }
        ["doDelete"] if post => {
            delete(sim, full);
            let parent = JenkinsState::parent(full);
            req.redirect(StatusCode::FOUND, &render::item_url(&req.root, parent))
        }
        ["doRename" | "confirmRename"] if post => {
            let Some(new_name) = req.param("newName").map(str::to_owned) else {
                return bad_request(req, "Query parameter 'newName' is required");
            };
            if let Err(e) = check_name(&new_name) {
                return bad_request(req, &e);
            }
            let target = child_name(JenkinsState::parent(full), &new_name);
            if rename(sim, full, &target) {
                req.redirect(StatusCode::FOUND, &render::item_url(&req.root, &target))
            } else {
                bad_request(
                    req,
                    &format!("A job already exists with the name ‘{new_name}’"),
                )
            }
        }
        ["createItem"] => {
            let is_folder = sim
                .jenkins
                .lock()
                .items
                .get(full)
                .is_some_and(|i| i.config.kind == Kind::Folder);
            if !is_folder {
                return req.not_found();
            }
            create_item(req, full)
        }
        ["wfapi", "describe" | "runs"] if get => {
            let now = now_ms(sim);
            let state = sim.jenkins.lock();
            match state.items.get(full) {
                Some(item) if item.config.kind == Kind::Pipeline => {
                    if rest[1] == "runs" {
                        req.json(render::runs_json(&req.root_path(), full, item, now))
                    } else {
                        req.json(render::job_describe_json(&req.root_path(), full, item))
                    }
                }
                _ => req.not_found(),
            }
        }
        [build, rest @ ..] => build_route(req, full, build, rest),
        _ => req.not_found(),
    }
}

fn delete(sim: &SimState, full: &str) {
    let prefix = format!("{full}/");
    let now = now_ms(sim);
    let mut state = sim.jenkins.lock();
    state
        .items
        .retain(|name, _| name != full && !name.starts_with(&prefix));
    let mut agents = Vec::new();
    for q in state.queue.values_mut() {
        let job = match &q.task {
            Task::Job(j) | Task::Placeholder { job: j, .. } => j.clone(),
        };
        if (job == full || job.starts_with(&prefix)) && !matches!(q.stage, Stage::Left { .. }) {
            q.stage = Stage::Left {
                left_ms: now,
                executable: None,
                cancelled: true,
            };
            agents.extend(q.agent.take());
        }
    }
    // Agents started for the deleted jobs' items are not needed any more;
    // running builds end on their own (their job is gone) and free theirs.
    for agent in agents {
        super::cloud::release(sim, &mut state, &agent);
    }
}

fn rename(sim: &SimState, full: &str, target: &str) -> bool {
    let mut state = sim.jenkins.lock();
    if state.items.contains_key(target) {
        return false;
    }
    let prefix = format!("{full}/");
    let moved: Vec<String> = state
        .items
        .keys()
        .filter(|n| *n == full || n.starts_with(&prefix))
        .cloned()
        .collect();
    for name in moved {
        if let Some(item) = state.items.remove(&name) {
            let new = format!("{target}{}", &name[full.len()..]);
            state.items.insert(new, item);
        }
    }
    for q in state.queue.values_mut() {
        match &mut q.task {
            Task::Job(j) | Task::Placeholder { job: j, .. } => {
                if j == full || j.starts_with(&prefix) {
                    *j = format!("{target}{}", &j[full.len()..]);
                }
            }
        }
    }
    true
}

/// The build a number or permalink names.
fn resolve_build(item: &Item, name: &str) -> Option<u64> {
    use super::state::BuildResult as R;
    let mut builds = item.builds.values().rev();
    let found = match name {
        "lastBuild" => builds.next(),
        "firstBuild" => item.builds.values().next(),
        "lastCompletedBuild" => builds.find(|b| !b.building),
        "lastSuccessfulBuild" | "lastStableBuild" => builds.find(|b| b.result == Some(R::Success)),
        "lastFailedBuild" => builds.find(|b| b.result == Some(R::Failure)),
        "lastUnsuccessfulBuild" => {
            builds.find(|b| matches!(b.result, Some(R::Failure | R::Aborted)))
        }
        n => n.parse::<u64>().ok().and_then(|n| item.builds.get(&n)),
    };
    found.map(|b| b.number)
}

fn text(body: String, extra: &[(&'static str, String)]) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain;charset=UTF-8"),
    );
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(*name, v);
        }
    }
    r
}

fn build_route(req: &Req<'_>, full: &str, build: &str, rest: &[&str]) -> Response {
    let sim = req.sim;
    let get = *req.method == Method::GET || *req.method == Method::HEAD;
    let now = now_ms(sim);
    let mut state = sim.jenkins.lock();
    let Some(item) = state.items.get_mut(full) else {
        return req.not_found();
    };
    let Some(number) = resolve_build(item, build) else {
        return req.not_found();
    };
    let kind = item.config.kind;
    let Some(b) = item.builds.get_mut(&number) else {
        return req.not_found();
    };
    match rest {
        ["stop" | "term" | "kill"] if *req.method == Method::POST => {
            if b.building {
                b.abort_requested = true;
            }
            let url = render::build_url(&req.root, full, number);
            drop(state);
            req.redirect(StatusCode::FOUND, &url)
        }
        [] | ["api", "json"] if get => {
            let b = b.clone();
            let Some(item) = state.items.get(full) else {
                return req.not_found();
            };
            req.json(render::build_json(&req.root, full, item, &b, now))
        }
        ["buildNumber"] if get => text(number.to_string(), &[]),
        ["consoleText"] if get => text(b.log.clone(), &[]),
        ["logText", "progressiveText"] if get => {
            let size = b.log.len();
            let mut start = req
                .param("start")
                .and_then(|s| s.parse::<usize>().ok())
                .unwrap_or(0);
            if start > size {
                start = 0;
            }
            while !b.log.is_char_boundary(start) {
                start += 1;
            }
            let mut extra = vec![("X-Text-Size", size.to_string())];
            if b.building {
                extra.push(("X-More-Data", "true".to_owned()));
            }
            text(b.log[start..].to_owned(), &extra)
        }
        ["wfapi", "describe"] if get && kind == Kind::Pipeline => {
            let b = b.clone();
            req.json(render::describe_json(&req.root_path(), full, &b, now))
        }
        _ => req.not_found(),
    }
}
