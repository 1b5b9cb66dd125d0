//! [`Scheduler`], [`SchedulerHandle`] and [`EventStream`]: one subscription
//! and the calls made on it.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use dcos_auth::http::{HeaderName, HeaderValue, StatusCode};
use dcos_auth::retry::Reconnect;
use dcos_auth::{ByteStream, ErrorBody, HttpCore, Request, Response};
use futures_util::{Stream, StreamExt};
use tokio::sync::Notify;

use super::call::{
    Accept, Acknowledge, Call, CallType, Decline, Filters, Kill, Message, Operation, Reconcile,
    ReconcileTask, Roles, Shutdown, Subscribe,
};
use super::event::Event;
use crate::dialect::Base64Bytes;
use crate::docker::TaskInfo;
use crate::error::{Error, Result};
use crate::models::{FrameworkInfo, TaskStatus};
use crate::recordio::RecordStream;
use crate::resources::{AgentId, ExecutorId, FrameworkId, Offer, OfferId, TaskId};

/// The header naming a subscription; every call after SUBSCRIBE carries it.
pub const STREAM_ID_HEADER: &str = "Mesos-Stream-Id";

/// The longest `Mesos-Stream-Id` accepted (Mesos sends a 36-byte UUID).
pub const MAX_STREAM_ID: usize = 128;

/// The path of the scheduler API under the master.
const PATH: [&str; 3] = ["api", "v1", "scheduler"];

/// How many times a call is sent again while the master answers 503 (no
/// leader, recovering). A 503 means the call was not processed, so it is
/// safe to send it again even when it is not idempotent.
const CALL_ATTEMPTS: u32 = 4;

/// What a subscription shares with its handles: the current stream id and
/// the framework id, and a bell a handle rings when the master says the
/// subscription is gone.
#[derive(Debug, Default)]
pub(crate) struct Session {
    stream_id: Mutex<Option<String>>,
    framework_id: Mutex<Option<FrameworkId>>,
    /// The stream id a call found stale (403 not subscribed, 400 bad
    /// stream id), for the driver to compare with the current one.
    stale: Mutex<Option<String>>,
    pub(crate) resubscribe: Notify,
}

impl Session {
    pub(crate) fn stream_id(&self) -> Option<String> {
        self.stream_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set_stream_id(&self, id: String) {
        *self
            .stream_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(id);
    }

    /// Asks the driver to subscribe again because a call sent with
    /// `stream_id` was refused.
    fn report_stale(&self, stream_id: Option<String>) {
        *self.stale.lock().unwrap_or_else(PoisonError::into_inner) = stream_id;
        self.resubscribe.notify_one();
    }

    /// Whether a reported stale stream id is the current one: a call
    /// refused with an older stream id (sent before the last
    /// resubscription) asks for nothing.
    pub(crate) fn take_stale_is_current(&self) -> bool {
        let stale = self
            .stale
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        stale.is_none() || stale == self.stream_id()
    }

    pub(crate) fn framework_id(&self) -> Option<FrameworkId> {
        self.framework_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn set_framework_id(&self, id: FrameworkId) {
        *self
            .framework_id
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(id);
    }
}

/// The scheduler API of one Mesos master (`POST api/v1/scheduler`).
///
/// Build it on a core whose base is the master (`cluster.path("mesos")` or
/// `HttpCore::direct("http://master:5050/", creds)`); it turns on
/// [`HttpCore::remember_leader`], so a `307` from a non-leading master is
/// followed, for the subscription and for every call, and later requests go
/// straight to the leader.
///
/// [`Scheduler::subscribe`] makes one subscription; [`Scheduler::driver`]
/// keeps one alive across heartbeat loss, failovers and leader changes.
#[derive(Debug, Clone)]
pub struct Scheduler {
    core: HttpCore,
}

impl Scheduler {
    /// The scheduler API on `core`, following the leading master.
    pub fn new(core: HttpCore) -> Self {
        Scheduler {
            core: core.remember_leader(),
        }
    }

    /// The core.
    pub fn core(&self) -> &HttpCore {
        &self.core
    }

    /// Subscribes as `framework`: `POST api/v1/scheduler` with
    /// `{"type":"SUBSCRIBE","subscribe":{"framework_info":…}}`.
    ///
    /// Returns a handle for calls and the stream of events. Set
    /// `framework.id` to the id of a previous SUBSCRIBED to fail over
    /// without losing the tasks. The answer must carry a `Mesos-Stream-Id`
    /// header (of at most [`MAX_STREAM_ID`] bytes); without it the
    /// subscription is refused with [`Error::Http`].
    pub async fn subscribe(
        &self,
        framework: FrameworkInfo,
    ) -> Result<(SchedulerHandle, EventStream)> {
        let session = Arc::new(Session::default());
        let events = self.subscribe_session(framework, &session).await?;
        Ok((self.handle_for(session), events))
    }

    pub(crate) fn handle_for(&self, session: Arc<Session>) -> SchedulerHandle {
        SchedulerHandle {
            core: self.core.clone(),
            session,
        }
    }

    /// Subscribes and stores the stream id (and framework id, when known)
    /// in `session`.
    pub(crate) async fn subscribe_session(
        &self,
        framework: FrameworkInfo,
        session: &Arc<Session>,
    ) -> Result<EventStream> {
        if let Some(id) = &framework.id {
            session.set_framework_id(id.clone());
        }
        let call = Call {
            framework_id: framework.id.clone(),
            subscribe: Some(Subscribe {
                framework_info: framework,
                ..Subscribe::default()
            }),
            ..Call::new(CallType::Subscribe)
        };
        // SUBSCRIBE may be sent again: a new subscription replaces the old.
        let request = Request::post(PATH).json(&call)?.idempotent(true);
        let body = self.core.stream(request).await.map_err(Error::from_http)?;
        let stream_id = stream_id(&body)?;
        session.set_stream_id(stream_id);
        let context = format!("POST {}", body.url());
        Ok(EventStream {
            records: RecordStream::new(body).context(context),
            session: Arc::clone(session),
        })
    }
}

/// Reads and checks the `Mesos-Stream-Id` of a SUBSCRIBE answer.
fn stream_id(body: &ByteStream) -> Result<String> {
    let value = body
        .headers()
        .get(STREAM_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= MAX_STREAM_ID);
    match value {
        Some(v) => Ok(v.to_owned()),
        None => Err(Error::Http(dcos_auth::Error::Api {
            method: dcos_auth::http::Method::POST,
            url: Box::new(body.url().clone()),
            status: body.status(),
            body: ErrorBody::from_bytes(
                format!(
                    "the SUBSCRIBE answer has no valid {STREAM_ID_HEADER} header \
                     (present, at most {MAX_STREAM_ID} bytes)"
                )
                .as_bytes(),
            ),
        })),
    }
}

/// The events of one subscription, typed. It ends when the master closes
/// the connection; a broken or idle connection is an error item, and then
/// it ends. It remembers the framework id of SUBSCRIBED for its handle.
pub struct EventStream {
    records: RecordStream<Event, ByteStream>,
    session: Arc<Session>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("stream_id", &self.session.stream_id())
            .field("records_read", &self.records.records_read())
            .finish_non_exhaustive()
    }
}

impl EventStream {
    /// The subscription's `Mesos-Stream-Id`.
    pub fn stream_id(&self) -> Option<String> {
        self.session.stream_id()
    }
}

impl Stream for EventStream {
    type Item = Result<Event>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let item = futures_util::ready!(this.records.poll_next_unpin(cx));
        if let Some(Ok(Event::Subscribed(s))) = &item {
            this.session.set_framework_id(s.framework_id.clone());
        }
        Poll::Ready(item.map(|r| r.map_err(map_stream_error)))
    }
}

fn map_stream_error(err: Error) -> Error {
    match err {
        Error::Http(e) => Error::from_http(e),
        other => other,
    }
}

/// Makes the calls of one subscription, each on its own request with the
/// subscription's `Mesos-Stream-Id` and the framework id. Cheap to clone;
/// clones share the subscription, and under a
/// [`SchedulerDriver`](super::SchedulerDriver) they follow it across
/// resubscriptions.
///
/// Calls answer `202 Accepted` (UPDATE_FRAMEWORK and RECONCILE_OPERATIONS
/// answer 200); any 2xx is success. A `503` (no leader, recovering) is sent
/// again a few times with backoff. `403 Framework is not subscribed` is
/// [`Error::NotSubscribed`] and a stale stream id is
/// [`Error::BadStreamId`]; both ask a driver to subscribe again.
#[derive(Debug, Clone)]
pub struct SchedulerHandle {
    core: HttpCore,
    session: Arc<Session>,
}

impl SchedulerHandle {
    /// The current `Mesos-Stream-Id`.
    pub fn stream_id(&self) -> Option<String> {
        self.session.stream_id()
    }

    /// The framework id, once SUBSCRIBED has been read (or given at
    /// subscription).
    pub fn framework_id(&self) -> Option<FrameworkId> {
        self.session.framework_id()
    }

    /// Sends any call, filling in the framework id when it is unset, and
    /// returns the 2xx answer.
    pub async fn call(&self, mut call: Call) -> Result<Response> {
        if call.framework_id.is_none() {
            call.framework_id = self.session.framework_id();
        }
        // 503 before the call was handled: 0.2 s, 0.4 s… with jitter.
        let mut backoff = Reconnect::new(Duration::from_millis(200), Duration::from_secs(15));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut request = Request::post(PATH).json(&call)?;
            let sent_id = self.session.stream_id();
            if let Some(id) = &sent_id {
                if let Ok(value) = HeaderValue::from_str(id) {
                    request = request.header(HeaderName::from_static("mesos-stream-id"), value);
                }
            }
            let result = self.core.execute(request).await.map_err(Error::from_http);
            match result {
                Ok(response) => return Ok(response),
                Err(Error::NoLeader { .. }) if attempt < CALL_ATTEMPTS => {
                    tokio::time::sleep(backoff.next_wait()).await;
                }
                Err(err) => {
                    if err.needs_resubscribe() {
                        self.session.report_stale(sent_id);
                    }
                    return Err(err);
                }
            }
        }
    }

    async fn simple(&self, call: Call) -> Result<()> {
        self.call(call).await.map(drop)
    }

    /// ACCEPT: use `offer_ids` (all on one agent) for `operations`, in
    /// order; `filters` apply to what is left unused.
    pub async fn accept(
        &self,
        offer_ids: Vec<OfferId>,
        operations: Vec<Operation>,
        filters: Option<Filters>,
    ) -> Result<()> {
        self.simple(Call {
            accept: Some(Accept {
                offer_ids,
                operations,
                filters,
                ..Accept::default()
            }),
            ..Call::new(CallType::Accept)
        })
        .await
    }

    /// ACCEPT `offer` with one LAUNCH of `tasks`.
    pub async fn launch(&self, offer: &Offer, tasks: Vec<TaskInfo>) -> Result<()> {
        self.accept(vec![offer.id.clone()], vec![Operation::launch(tasks)], None)
            .await
    }

    /// DECLINE `offer_ids`, refusing them for `refuse_seconds` (the master
    /// default, 5 s, when `None`).
    pub async fn decline(
        &self,
        offer_ids: Vec<OfferId>,
        refuse_seconds: Option<f64>,
    ) -> Result<()> {
        self.simple(Call {
            decline: Some(Decline {
                offer_ids,
                filters: refuse_seconds.map(Filters::refuse),
                ..Decline::default()
            }),
            ..Call::new(CallType::Decline)
        })
        .await
    }

    /// REVIVE: clear the filters and ask for offers again for `roles` (all
    /// of the framework's when empty).
    pub async fn revive(&self, roles: Vec<String>) -> Result<()> {
        self.simple(Call {
            revive: Some(Roles {
                roles,
                ..Roles::default()
            }),
            ..Call::new(CallType::Revive)
        })
        .await
    }

    /// SUPPRESS: stop offers for `roles` (all of the framework's when
    /// empty) until a REVIVE.
    pub async fn suppress(&self, roles: Vec<String>) -> Result<()> {
        self.simple(Call {
            suppress: Some(Roles {
                roles,
                ..Roles::default()
            }),
            ..Call::new(CallType::Suppress)
        })
        .await
    }

    /// KILL a task.
    pub async fn kill(&self, task_id: TaskId, agent_id: Option<AgentId>) -> Result<()> {
        self.simple(Call {
            kill: Some(Kill {
                task_id,
                agent_id,
                ..Kill::default()
            }),
            ..Call::new(CallType::Kill)
        })
        .await
    }

    /// SHUTDOWN an executor.
    pub async fn shutdown(&self, executor_id: ExecutorId, agent_id: AgentId) -> Result<()> {
        self.simple(Call {
            shutdown: Some(Shutdown {
                executor_id,
                agent_id,
                ..Shutdown::default()
            }),
            ..Call::new(CallType::Shutdown)
        })
        .await
    }

    /// ACKNOWLEDGE a status update, if it carries a `uuid` and an agent
    /// id; returns whether it was sent. Updates without a uuid (from
    /// reconciliation, or generated by the master) must not be
    /// acknowledged.
    pub async fn acknowledge(&self, status: &TaskStatus) -> Result<bool> {
        let (Some(uuid), Some(agent_id)) = (&status.uuid, &status.agent_id) else {
            return Ok(false);
        };
        self.simple(Call {
            acknowledge: Some(Acknowledge {
                agent_id: agent_id.clone(),
                task_id: status.task_id.clone(),
                uuid: uuid.clone(),
                ..Acknowledge::default()
            }),
            ..Call::new(CallType::Acknowledge)
        })
        .await?;
        Ok(true)
    }

    /// RECONCILE `tasks`; with none, every task of the framework
    /// (implicit reconciliation). The answers arrive as UPDATE events
    /// without a uuid.
    pub async fn reconcile(&self, tasks: Vec<ReconcileTask>) -> Result<()> {
        self.simple(Call {
            reconcile: Some(Reconcile {
                tasks,
                ..Reconcile::default()
            }),
            ..Call::new(CallType::Reconcile)
        })
        .await
    }

    /// RECONCILE_OPERATIONS `operations` (`Call.ReconcileOperations.Operation`,
    /// as sent); answers 200 with a body, returned as sent.
    pub async fn reconcile_operations(
        &self,
        operations: Vec<serde_json::Value>,
    ) -> Result<serde_json::Value> {
        let response = self
            .call(Call {
                reconcile_operations: Some(serde_json::json!({ "operations": operations })),
                ..Call::new(CallType::ReconcileOperations)
            })
            .await?;
        if response.body.is_empty() || response.status == StatusCode::ACCEPTED {
            return Ok(serde_json::Value::Null);
        }
        Ok(response.json()?)
    }

    /// MESSAGE: send `data` to an executor.
    pub async fn message(
        &self,
        agent_id: AgentId,
        executor_id: ExecutorId,
        data: impl Into<Base64Bytes>,
    ) -> Result<()> {
        self.simple(Call {
            message: Some(Message {
                agent_id,
                executor_id,
                data: data.into(),
                ..Message::default()
            }),
            ..Call::new(CallType::Message)
        })
        .await
    }

    /// REQUEST resources (`requests`: `Request` messages, as sent).
    pub async fn request(&self, requests: Vec<serde_json::Value>) -> Result<()> {
        self.simple(Call {
            request: Some(serde_json::json!({ "requests": requests })),
            ..Call::new(CallType::Request)
        })
        .await
    }

    /// UPDATE_FRAMEWORK: replace the `FrameworkInfo` (its `id` must be
    /// set; it is filled in when unset).
    pub async fn update_framework(&self, mut framework: FrameworkInfo) -> Result<()> {
        if framework.id.is_none() {
            framework.id = self.session.framework_id();
        }
        self.simple(Call {
            update_framework: Some(Subscribe {
                framework_info: framework,
                ..Subscribe::default()
            }),
            ..Call::new(CallType::UpdateFramework)
        })
        .await
    }

    /// TEARDOWN: remove the framework; all its tasks are killed and its id
    /// can never subscribe again.
    pub async fn teardown(&self) -> Result<()> {
        self.simple(Call::new(CallType::Teardown)).await
    }
}

/// One week: the default `failover_timeout` of [`FrameworkInfoBuilder`].
pub const DEFAULT_FAILOVER_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);

/// Builds a [`FrameworkInfo`] with safe defaults: a `failover_timeout` of
/// one week ([`DEFAULT_FAILOVER_TIMEOUT`]) and `checkpoint` on.
///
/// **Do not set `failover_timeout` to 0**: the master then kills all the
/// framework's tasks as soon as the scheduler disconnects, even for a
/// moment (a master failover, a network blip). Mesos' own default is 0.
///
/// ```
/// use mesos_client::scheduler::FrameworkInfoBuilder;
/// let info = FrameworkInfoBuilder::new("jenkins", "build-agents").role("ci").build();
/// assert_eq!(info.failover_timeout.unwrap().0, 604800.0);
/// assert_eq!(info.checkpoint, Some(true));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FrameworkInfoBuilder {
    info: FrameworkInfo,
}

impl FrameworkInfoBuilder {
    /// A framework called `name` whose tasks run as `user`.
    pub fn new(user: impl Into<String>, name: impl Into<String>) -> Self {
        FrameworkInfoBuilder {
            info: FrameworkInfo {
                user: user.into(),
                name: name.into(),
                failover_timeout: Some(DEFAULT_FAILOVER_TIMEOUT.as_secs_f64().into()),
                checkpoint: Some(true),
                ..FrameworkInfo::default()
            },
        }
    }

    /// The id of an earlier subscription, to fail over to it.
    pub fn id(mut self, id: FrameworkId) -> Self {
        self.info.id = Some(id);
        self
    }

    /// Adds a role (MULTI_ROLE: the capability is added too).
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.info.roles.push(role.into());
        self.capability("MULTI_ROLE")
    }

    /// Adds a capability (`MULTI_ROLE`, `PARTITION_AWARE`…) once.
    pub fn capability(mut self, kind: &str) -> Self {
        let value = serde_json::json!({ "type": kind });
        if !self.info.capabilities.contains(&value) {
            self.info.capabilities.push(value);
        }
        self
    }

    /// How long the master waits for the scheduler to come back before it
    /// kills the tasks. **0 kills them on any disconnection.**
    pub fn failover_timeout(mut self, timeout: Duration) -> Self {
        self.info.failover_timeout = Some(timeout.as_secs_f64().into());
        self
    }

    /// Whether agents checkpoint the tasks, so that they survive an agent
    /// restart (on by default).
    pub fn checkpoint(mut self, checkpoint: bool) -> Self {
        self.info.checkpoint = Some(checkpoint);
        self
    }

    /// The principal the framework authenticates as.
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.info.principal = Some(principal.into());
        self
    }

    /// The scheduler's hostname.
    pub fn hostname(mut self, hostname: impl Into<String>) -> Self {
        self.info.hostname = Some(hostname.into());
        self
    }

    /// The framework's web UI.
    pub fn webui_url(mut self, url: impl Into<String>) -> Self {
        self.info.webui_url = Some(url.into());
        self
    }

    /// The `FrameworkInfo`.
    pub fn build(self) -> FrameworkInfo {
        self.info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_refusal_of_the_current_stream_id_resubscribes() {
        let session = Session::default();
        session.set_stream_id("sid-2".into());
        session.report_stale(Some("sid-1".into()));
        assert!(
            !session.take_stale_is_current(),
            "sent before the last resubscription"
        );
        session.report_stale(Some("sid-2".into()));
        assert!(session.take_stale_is_current());
        // Taken: a second look asks for nothing in particular.
        assert!(session.take_stale_is_current());
    }

    #[test]
    fn framework_info_defaults_are_safe() {
        let info = FrameworkInfoBuilder::new("root", "t")
            .role("ci")
            .role("ci-2")
            .build();
        assert_eq!(info.failover_timeout.map(|d| d.0), Some(604_800.0));
        assert_eq!(info.checkpoint, Some(true));
        assert_eq!(info.roles, ["ci", "ci-2"]);
        assert_eq!(
            info.capabilities,
            [serde_json::json!({"type": "MULTI_ROLE"})]
        );
        let zero = FrameworkInfoBuilder::new("root", "t")
            .failover_timeout(Duration::ZERO)
            .checkpoint(false)
            .build();
        assert_eq!(zero.failover_timeout.map(|d| d.0), Some(0.0));
    }
}
