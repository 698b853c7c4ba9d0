//! The simulated scheduler and kubelet: node assignment, pod phases and conditions, image pull
//! failures, crash loops, graceful termination.
//!
//! Container lifecycles are pure functions of (container plan, simulated time): `container_at`
//! tells the state, restart count, readiness, the events emitted so far and the time of the
//! next change, so one loop over all pods per wake can write exactly the statuses that changed
//! and sleep until the next due time. Upstream: pkg/kubelet/kuberuntime/kuberuntime_manager.go
//! (SyncPod, doBackOff), kuberuntime_container.go (startContainer events),
//! pkg/kubelet/images/image_manager.go (pull events and back-off), pkg/kubelet/kubelet_pods.go
//! (generateAPIPodStatus, getPhase), pkg/kubelet/status/generate.go (pod conditions),
//! pkg/kubelet/prober (readiness initialDelaySeconds), pkg/scheduler/schedule_one.go.

use crate::api::{Cluster, DeleteOptions, WriteOptions};
use crate::clock::{format_time, parse_time};
use crate::controller::metrics::{hash, hex64};
use crate::controller::recorder::{Recorder, Source};
use crate::controller::refs;
use crate::controller::scheduler;
use crate::images::Verdict;
use crate::resources::{CONFIGMAPS, NAMESPACES, NODES, PODS, PVCS, SECRETS, STORAGECLASSES};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Sandbox + image + create time of a container (simulated).
pub const CREATE_MS: i64 = 500;
/// How long an init container runs before completing.
pub const INIT_RUN_MS: i64 = 1000;
/// How long a `crash` container runs before exiting with code 1.
pub const CRASH_RUN_MS: i64 = 2000;
/// How long ErrImagePull / a terminated Error state shows before the back-off state.
pub const SHOW_ERR_MS: i64 = 1000;
/// Upper bound of the simulated termination time of a deleted pod.
pub const TERMINATE_MS: i64 = 1000;

/// What an image does in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Good,
    /// contains `:bad`: ErrImagePull / ImagePullBackOff.
    Bad,
    /// contains `crash`: exits with code 1 shortly after starting: CrashLoopBackOff.
    Crash,
}

pub fn image_kind(image: &str) -> ImageKind {
    if image.contains(":bad") {
        ImageKind::Bad
    } else if image.contains("crash") {
        ImageKind::Crash
    } else {
        ImageKind::Good
    }
}

/// The kubelet's container back-off: 10s doubling, capped at 5m (flowcontrol.Backoff with
/// MaxContainerBackOff). `k` = number of earlier failures.
pub fn backoff(k: u32) -> Duration {
    Duration::seconds((10i64 << k.min(10)).min(300))
}

/// Go's time.Duration String() for whole seconds (10s, 1m20s, 5m0s).
pub fn go_duration(d: Duration) -> String {
    kube_units::duration::go_string(std::time::Duration::from_secs(d.num_seconds().max(0) as u64))
}

/// containerd's view of an image reference: `nginx:1.25` -> `docker.io/library/nginx:1.25`.
pub fn normalize_image(image: &str) -> String {
    let (named, digest) = match image.find('@') {
        Some(i) => (&image[..i], &image[i..]),
        None => (image, ""),
    };
    let (name, tag) = match named.rfind(':') {
        Some(i) if !named[i..].contains('/') => (&named[..i], &named[i..]),
        _ => (named, ""),
    };
    let first = name.split('/').next().unwrap_or("");
    let full = if !name.contains('/') {
        format!("docker.io/library/{name}")
    } else if first.contains('.') || first.contains(':') || first == "localhost" {
        name.to_string()
    } else {
        format!("docker.io/{name}")
    };
    if tag.is_empty() && digest.is_empty() {
        format!("{full}:latest")
    } else {
        format!("{full}{tag}{digest}")
    }
}

/// `docker.io/library/nginx@sha256:<digest>` (deterministic per image).
pub fn image_id(image: &str) -> String {
    let n = normalize_image(image);
    let repo = match n.rfind(':') {
        Some(i) if !n[i..].contains('/') => &n[..i],
        _ => &n,
    };
    let repo = repo.split('@').next().unwrap_or(repo);
    format!("{repo}@sha256:{}", hex64(&["image", &n]))
}

pub fn container_id(uid: &str, name: &str, instance: u32) -> String {
    format!(
        "containerd://{}",
        hex64(&[uid, name, &instance.to_string()])
    )
}

/// One container as the kubelet runs it.
#[derive(Debug, Clone)]
pub struct CtrPlan {
    pub pod: String,
    pub namespace: String,
    pub uid: String,
    pub name: String,
    pub image: String,
    pub init: bool,
    /// An init container with `restartPolicy: Always` (a native sidecar): it keeps running
    /// beside the containers, restarted whenever it exits, and the next init container
    /// starts once it has started.
    pub sidecar: bool,
    /// readinessProbe.initialDelaySeconds (None: no probe, ready when started).
    pub ready_delay: Option<Duration>,
    /// When the kubelet starts pulling/creating it.
    pub begin: DateTime<Utc>,
    /// Whether it pulls the image (first use on the node, or imagePullPolicy Always).
    pub pull: bool,
    /// restartPolicy Never: a failed container stays terminated.
    pub never_restart: bool,
    /// A ConfigMap or Secret its environment needs is (or was) missing.
    pub config: Option<ConfigGate>,
    /// The registry's answer for the node (None: no registry configured).
    pub registry: Option<Verdict>,
}

impl CtrPlan {
    /// `image_kind`, unless the registry says otherwise: a failed pull is Bad, an image of
    /// another architecture crashes.
    pub fn kind(&self) -> ImageKind {
        match &self.registry {
            Some(Verdict::Fails(_)) => ImageKind::Bad,
            Some(Verdict::WrongArch) => ImageKind::Crash,
            _ => image_kind(&self.image),
        }
    }
    fn pull_error(&self) -> Option<String> {
        match &self.registry {
            Some(Verdict::Fails(e)) => Some(e.clone()),
            _ => None,
        }
    }
}

/// A container whose environment references a missing ConfigMap, Secret or key: every try to
/// create it (at its create time, then each pod-worker back-off) fails with
/// CreateContainerConfigError until the references resolve.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigGate {
    /// makeEnvironmentVariables' error (`configmap "app" not found`).
    pub error: String,
    /// When the references were first seen resolvable (None: still missing).
    pub resolved: Option<DateTime<Utc>>,
}

/// A terminated instance.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub exit_code: i32,
    pub reason: &'static str,
    pub started: DateTime<Utc>,
    pub finished: DateTime<Utc>,
    pub instance: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CState {
    Waiting {
        reason: &'static str,
        message: Option<String>,
    },
    Running {
        started: DateTime<Utc>,
        instance: u32,
    },
    Terminated(Term),
}

/// An event the kubelet emits about a container: (time, type, reason, message).
pub type CtrEvent = (DateTime<Utc>, &'static str, &'static str, String);

#[derive(Debug, Clone)]
pub struct CtrAt {
    pub state: CState,
    pub last: Option<Term>,
    pub restarts: u32,
    pub ready: bool,
    /// Every event with time <= t, in order.
    pub events: Vec<CtrEvent>,
    /// When the state next changes (None: stable).
    pub next: Option<DateTime<Utc>>,
    /// When it first ran (None: not yet).
    pub first_started: Option<DateTime<Utc>>,
}

fn ms(n: i64) -> Duration {
    Duration::milliseconds(n)
}

fn pull_events(p: &CtrPlan, at: DateTime<Utc>, ev: &mut Vec<CtrEvent>) {
    if p.pull {
        ev.push((
            at,
            "Normal",
            "Pulling",
            format!("Pulling image {:?}", p.image),
        ));
        let took = 300 + hash(&["pull", &p.image]) % 200;
        let size = 20_000_000 + hash(&["size", &p.image]) % 50_000_000;
        ev.push((
            at + ms(CREATE_MS),
            "Normal",
            "Pulled",
            format!(
                "Successfully pulled image {:?} in {took}ms ({took}ms including waiting). Image size: {size} bytes.",
                p.image
            ),
        ));
    } else {
        ev.push((
            at,
            "Normal",
            "Pulled",
            format!("Container image {:?} already present on machine", p.image),
        ));
    }
}

/// When the container is created, given its configuration gate: the first try at or after
/// `created` whose references resolve (`Err(next try)` while it still fails at `t`, the
/// failures' events added: the image check again on each retry, then `Error: ...`).
fn config_gate(
    p: &CtrPlan,
    created: DateTime<Utc>,
    t: DateTime<Utc>,
    ev: &mut Vec<CtrEvent>,
) -> Result<DateTime<Utc>, DateTime<Utc>> {
    let Some(g) = &p.config else {
        return Ok(created);
    };
    let mut k = 0;
    loop {
        let a = created + ms(refs::CONFIG_RETRY_MS * k);
        if t < a {
            return Err(a);
        }
        if k > 0 {
            ev.push((
                a,
                "Normal",
                "Pulled",
                format!("Container image {:?} already present on machine", p.image),
            ));
        }
        if g.resolved.is_some_and(|r| r <= a) {
            return Ok(a);
        }
        ev.push((a, "Warning", "Failed", format!("Error: {}", g.error)));
        k += 1;
    }
}

fn config_error_state(p: &CtrPlan) -> CState {
    CState::Waiting {
        reason: "CreateContainerConfigError",
        message: p.config.as_ref().map(|g| g.error.clone()),
    }
}

fn start_events(p: &CtrPlan, at: DateTime<Utc>, ev: &mut Vec<CtrEvent>) {
    ev.push((
        at,
        "Normal",
        "Created",
        format!("Created container: {}", p.name),
    ));
    ev.push((
        at,
        "Normal",
        "Started",
        format!("Started container {}", p.name),
    ));
}

/// The state of a container at simulated time `t` (t >= p.begin).
pub fn container_at(p: &CtrPlan, t: DateTime<Utc>) -> CtrAt {
    let mut ev = Vec::new();
    let created = p.begin + ms(CREATE_MS);
    let creating = CState::Waiting {
        reason: if p.init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        },
        message: None,
    };
    let mut out = CtrAt {
        state: creating,
        last: None,
        restarts: 0,
        ready: false,
        events: Vec::new(),
        next: Some(created),
        first_started: None,
    };
    match p.kind() {
        ImageKind::Good => {
            pull_events(p, p.begin, &mut ev);
            let gate = if t >= created {
                config_gate(p, created, t, &mut ev)
            } else {
                Err(created)
            };
            if let (Err(retry), true) = (gate, t >= created) {
                out.state = config_error_state(p);
                out.next = Some(retry);
            }
            if let Ok(created) = gate {
                start_events(p, created, &mut ev);
                out.first_started = Some(created);
                if p.init && !p.sidecar {
                    let done = created + ms(INIT_RUN_MS);
                    if t >= done {
                        out.state = CState::Terminated(Term {
                            exit_code: 0,
                            reason: "Completed",
                            started: created,
                            finished: done,
                            instance: 0,
                        });
                        out.ready = true;
                        out.next = None;
                    } else {
                        out.state = CState::Running {
                            started: created,
                            instance: 0,
                        };
                        out.next = Some(done);
                    }
                } else {
                    out.state = CState::Running {
                        started: created,
                        instance: 0,
                    };
                    let ready_at = created + p.ready_delay.unwrap_or_else(Duration::zero);
                    out.ready = t >= ready_at;
                    out.next = if out.ready { None } else { Some(ready_at) };
                }
            }
        }
        ImageKind::Bad => {
            // Pull attempts at p_0 = begin, p_{k+1} = p_k + SHOW_ERR + backoff(k).
            let mut at = p.begin;
            let mut k = 0u32;
            loop {
                if t < at {
                    out.next = Some(at);
                    break;
                }
                ev.push((
                    at,
                    "Normal",
                    "Pulling",
                    format!("Pulling image {:?}", p.image),
                ));
                let failed = at + ms(CREATE_MS);
                if t < failed {
                    out.next = Some(failed);
                    break;
                }
                let n = normalize_image(&p.image);
                let err = p.pull_error().unwrap_or_else(|| format!(
                    "rpc error: code = NotFound desc = failed to pull and unpack image {n:?}: failed to resolve reference {n:?}: {n}: not found"
                ));
                ev.push((
                    failed,
                    "Warning",
                    "Failed",
                    format!("Failed to pull image {:?}: {err}", p.image),
                ));
                ev.push((failed, "Warning", "Failed", "Error: ErrImagePull".into()));
                let bo = failed + ms(SHOW_ERR_MS);
                if t < bo {
                    out.state = CState::Waiting {
                        reason: "ErrImagePull",
                        message: Some(err),
                    };
                    out.next = Some(bo);
                    break;
                }
                let msg = format!("Back-off pulling image {:?}", p.image);
                ev.push((bo, "Normal", "BackOff", msg.clone()));
                ev.push((bo, "Warning", "Failed", "Error: ImagePullBackOff".into()));
                out.state = CState::Waiting {
                    reason: "ImagePullBackOff",
                    message: Some(msg),
                };
                at = failed + backoff(k);
                k += 1;
            }
        }
        ImageKind::Crash => {
            // Instance k starts at s_k, exits at f_k = s_k + CRASH_RUN; shows Error until
            // f_k + SHOW_ERR; then CrashLoopBackOff until s_{k+1} = f_k + backoff(k).
            pull_events(p, p.begin, &mut ev);
            let mut s = match t >= created {
                true => match config_gate(p, created, t, &mut ev) {
                    Ok(start) => start,
                    Err(retry) => {
                        out.state = config_error_state(p);
                        out.next = Some(retry);
                        ev.retain(|e| e.0 <= t);
                        out.events = ev;
                        return out;
                    }
                },
                false => created,
            };
            let mut k = 0u32;
            loop {
                if t < s {
                    out.next = Some(s);
                    break;
                }
                out.first_started.get_or_insert(s);
                if k > 0 {
                    ev.push((
                        s,
                        "Normal",
                        "Pulled",
                        format!("Container image {:?} already present on machine", p.image),
                    ));
                }
                start_events(p, s, &mut ev);
                out.restarts = k;
                let f = s + ms(CRASH_RUN_MS);
                if t < f {
                    out.state = CState::Running {
                        started: s,
                        instance: k,
                    };
                    let ready_at = s + p.ready_delay.unwrap_or_else(Duration::zero);
                    out.ready = t >= ready_at;
                    out.next = Some(if out.ready || ready_at >= f {
                        f
                    } else {
                        ready_at
                    });
                    break;
                }
                let term = Term {
                    exit_code: 1,
                    reason: "Error",
                    started: s,
                    finished: f,
                    instance: k,
                };
                out.ready = false;
                let shown = f + ms(SHOW_ERR_MS);
                if p.never_restart {
                    out.state = CState::Terminated(term);
                    out.next = None;
                    break;
                }
                if t < shown {
                    out.state = CState::Terminated(term);
                    out.next = Some(shown);
                    break;
                }
                let bo = backoff(k);
                ev.push((
                    shown,
                    "Warning",
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {} in pod {}_{}({})",
                        p.name, p.pod, p.namespace, p.uid
                    ),
                ));
                out.last = Some(term);
                out.restarts = k + 1;
                out.state = CState::Waiting {
                    reason: "CrashLoopBackOff",
                    message: Some(format!(
                        "back-off {} restarting failed container={} pod={}_{}({})",
                        go_duration(bo),
                        p.name,
                        p.pod,
                        p.namespace,
                        p.uid
                    )),
                };
                s = f + bo.max(ms(SHOW_ERR_MS));
                k += 1;
            }
        }
    }
    ev.retain(|e| e.0 <= t);
    out.events = ev;
    out
}

fn term_json(t: &Term, uid: &str, name: &str) -> Value {
    json!({"terminated": {
        "exitCode": t.exit_code,
        "reason": t.reason,
        "startedAt": format_time(t.started),
        "finishedAt": format_time(t.finished),
        "containerID": container_id(uid, name, t.instance),
    }})
}

/// containerStatuses[] entry (field order as the API serializes it).
pub fn container_status_json(p: &CtrPlan, c: &CtrAt, spec: &Value) -> Value {
    let mut s = serde_json::Map::new();
    s.insert("name".into(), json!(p.name));
    let state = match &c.state {
        CState::Waiting { reason, message } => {
            let mut w = json!({"reason": reason});
            if let Some(m) = message {
                w["message"] = json!(m);
            }
            json!({ "waiting": w })
        }
        CState::Running { started, .. } => json!({"running": {"startedAt": format_time(*started)}}),
        CState::Terminated(t) => term_json(t, &p.uid, &p.name),
    };
    s.insert("state".into(), state);
    s.insert(
        "lastState".into(),
        c.last
            .as_ref()
            .map(|t| term_json(t, &p.uid, &p.name))
            .unwrap_or_else(|| json!({})),
    );
    s.insert("ready".into(), json!(c.ready));
    s.insert("restartCount".into(), json!(c.restarts));
    let instance = match &c.state {
        CState::Running { instance, .. } => Some(*instance),
        CState::Terminated(t) => Some(t.instance),
        _ => None,
    };
    let ever_ran = instance.is_some() || c.last.is_some();
    if ever_ran {
        s.insert("image".into(), json!(normalize_image(&p.image)));
        s.insert("imageID".into(), json!(image_id(&p.image)));
    } else {
        s.insert("image".into(), json!(p.image));
        s.insert("imageID".into(), json!(""));
    }
    if let Some(i) = instance {
        s.insert(
            "containerID".into(),
            json!(container_id(&p.uid, &p.name, i)),
        );
    } else if let Some(t) = &c.last {
        s.insert(
            "containerID".into(),
            json!(container_id(&p.uid, &p.name, t.instance)),
        );
    }
    s.insert(
        "started".into(),
        json!(matches!(c.state, CState::Running { .. })),
    );
    let mounts: Vec<Value> = spec["volumeMounts"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| {
            let mut v = json!({"name": m["name"], "mountPath": m["mountPath"]});
            if m["readOnly"].as_bool() == Some(true) {
                v["readOnly"] = json!(true);
                v["recursiveReadOnly"] = json!("Disabled");
            }
            v
        })
        .collect();
    if !mounts.is_empty() {
        s.insert("volumeMounts".into(), json!(mounts));
    }
    Value::Object(s)
}

/// Plans of a pod's containers: init containers run one after another, regular containers
/// start together once every init container completed. Returns (init plans, regular plans);
/// a plan's `begin` is None while it cannot start yet.
pub struct PodPlan {
    pub init: Vec<(CtrPlan, Option<CtrAt>)>,
    pub regular: Vec<(CtrPlan, Option<CtrAt>)>,
    pub init_done: Option<DateTime<Utc>>,
    pub next: Option<DateTime<Utc>>,
    /// When the pod sandbox (and its IP) exists (None: not before the volumes are set up).
    pub sandbox_at: Option<DateTime<Utc>>,
}

fn ready_delay(c: &Value) -> Option<Duration> {
    let p = c.get("readinessProbe")?;
    if !p.is_object() {
        return None;
    }
    Some(Duration::seconds(
        p["initialDelaySeconds"].as_i64().unwrap_or(0),
    ))
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// Evaluate every container of `pod` at `t`, the kubelet having begun at `begin`.
/// `pulls(image, policy)` says whether a pull happens (and records the image as present).
pub fn plan_pod(
    pod: &Value,
    begin: DateTime<Utc>,
    t: DateTime<Utc>,
    pulls: &mut dyn FnMut(&str, &str) -> bool,
) -> PodPlan {
    plan_pod_with(pod, begin, t, pulls, &mut |_| None, &|_| None)
}

/// `plan_pod` with the configuration gate of each container (`gates(container spec)`).
pub fn plan_pod_with(
    pod: &Value,
    begin: DateTime<Utc>,
    t: DateTime<Utc>,
    pulls: &mut dyn FnMut(&str, &str) -> bool,
    gates: &mut dyn FnMut(&Value) -> Option<ConfigGate>,
    registry: &dyn Fn(&str) -> Option<Verdict>,
) -> PodPlan {
    let meta = &pod["metadata"];
    let mut base = |c: &Value, init: bool, b: DateTime<Utc>, pull: bool| CtrPlan {
        config: gates(c),
        registry: registry(c["image"].as_str().unwrap_or_default()),
        pod: meta["name"].as_str().unwrap_or_default().into(),
        namespace: meta["namespace"].as_str().unwrap_or("default").into(),
        uid: meta["uid"].as_str().unwrap_or_default().into(),
        name: c["name"].as_str().unwrap_or_default().into(),
        image: c["image"].as_str().unwrap_or_default().into(),
        init,
        sidecar: init && scheduler::is_sidecar(c),
        ready_delay: if init && !scheduler::is_sidecar(c) {
            None
        } else {
            ready_delay(c)
        },
        begin: b,
        pull,
        // A sidecar restarts whatever the pod's restartPolicy.
        never_restart: pod["spec"]["restartPolicy"] == "Never"
            && !(init && scheduler::is_sidecar(c)),
    };
    let mut out = PodPlan {
        init: Vec::new(),
        regular: Vec::new(),
        init_done: None,
        next: None,
        sandbox_at: Some(begin + ms(CREATE_MS)),
    };
    let mut at = Some(begin);
    for c in pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match at {
            Some(b) if b <= t => {
                let img = c["image"].as_str().unwrap_or_default();
                let pull = pulls(img, c["imagePullPolicy"].as_str().unwrap_or(""));
                let plan = base(c, true, b, pull);
                let st = container_at(&plan, t);
                at = if plan.sidecar {
                    // The next one starts once the sidecar has started (no startup probe).
                    st.first_started
                } else {
                    match &st.state {
                        CState::Terminated(term) if term.exit_code == 0 => Some(term.finished),
                        _ => None,
                    }
                };
                out.next = min_opt(out.next, st.next);
                out.init.push((plan, Some(st)));
            }
            Some(b) => {
                out.next = min_opt(out.next, Some(b));
                out.init.push((base(c, true, b, false), None));
                at = None;
            }
            None => out.init.push((base(c, true, begin, false), None)),
        }
    }
    out.init_done = at.filter(|b| *b <= t);
    if let (Some(b), None) = (at, out.init_done) {
        out.next = min_opt(out.next, Some(b));
    }
    for c in pod["spec"]["containers"].as_array().into_iter().flatten() {
        match out.init_done {
            Some(b) => {
                let img = c["image"].as_str().unwrap_or_default();
                let pull = pulls(img, c["imagePullPolicy"].as_str().unwrap_or(""));
                let plan = base(c, false, b, pull);
                let st = container_at(&plan, t);
                out.next = min_opt(out.next, st.next);
                out.regular.push((plan, Some(st)));
            }
            None => out.regular.push((base(c, false, begin, false), None)),
        }
    }
    out
}

/// The plan of a pod whose volumes are not set up yet: no sandbox, no container begun.
pub fn waiting_for_volumes(pod: &Value, t: DateTime<Utc>) -> PodPlan {
    let never = t + Duration::days(36500);
    let mut plan = plan_pod(pod, never, t, &mut |_, _| false);
    plan.sandbox_at = None;
    plan.next = None;
    plan
}

fn condition(type_: &str, ok: bool, reason: Option<&str>, message: Option<String>) -> Value {
    let mut c =
        json!({"type": type_, "status": if ok { "True" } else { "False" }, "lastProbeTime": null});
    if let Some(r) = reason {
        c["reason"] = json!(r);
    }
    if let Some(m) = message {
        c["message"] = json!(m);
    }
    c
}

/// Build the pod status the kubelet reports at `t` (generateAPIPodStatus); conditions keep
/// their lastTransitionTime from `old` unless their status changed.
pub fn build_status(
    pod: &Value,
    plan: &PodPlan,
    begin: DateTime<Utc>,
    host_ip: &str,
    pod_ip: &str,
    t: DateTime<Utc>,
) -> Value {
    let old = &pod["status"];
    // convertToAPIContainerStatuses' default state of a container the runtime does not know.
    let default_reason = if pod["spec"]["initContainers"]
        .as_array()
        .is_some_and(|a| !a.is_empty())
    {
        "PodInitializing"
    } else {
        "ContainerCreating"
    };
    let waiting_pi = |p: &CtrPlan| {
        json!({"name": p.name, "state": {"waiting": {"reason": default_reason}},
            "lastState": {}, "ready": false, "restartCount": 0, "image": p.image, "imageID": "", "started": false})
    };
    let spec_of = |list: &str, name: &str| -> Value {
        pod["spec"][list]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["name"].as_str() == Some(name))
            .cloned()
            .unwrap_or(Value::Null)
    };
    let init_statuses: Vec<Value> = plan
        .init
        .iter()
        .map(|(p, st)| match st {
            Some(st) => container_status_json(p, st, &spec_of("initContainers", &p.name)),
            None => waiting_pi(p),
        })
        .collect();
    let mut statuses: Vec<Value> = plan
        .regular
        .iter()
        .map(|(p, st)| match st {
            Some(st) => container_status_json(p, st, &spec_of("containers", &p.name)),
            None => waiting_pi(p),
        })
        .collect();
    statuses.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));

    let sandbox = plan.sandbox_at.is_some_and(|s| t >= s);
    // isInitContainerInitialized: a sidecar counts once started, a regular init container
    // once it completed; and a pod whose regular containers have started stays initialized
    // while its sidecars restart (status.GeneratePodInitializedCondition).
    let regular_started = plan.regular.iter().any(|(_, st)| {
        st.as_ref()
            .is_some_and(|s| !matches!(s.state, CState::Waiting { .. }) || s.last.is_some())
    });
    let incomplete: Vec<&str> = if regular_started {
        Vec::new()
    } else {
        plan.init
            .iter()
            .filter(|(p, st)| match st.as_ref().map(|s| &s.state) {
                Some(CState::Running { .. }) if p.sidecar => false,
                Some(CState::Terminated(tm)) if !p.sidecar => tm.exit_code != 0,
                _ => true,
            })
            .map(|(p, _)| p.name.as_str())
            .collect()
    };
    // GenerateContainersReadyCondition: the sidecars, then the containers, in spec order.
    let unready: Vec<&str> = plan
        .init
        .iter()
        .filter(|(p, _)| p.sidecar)
        .chain(plan.regular.iter())
        .filter(|(_, st)| !st.as_ref().is_some_and(|s| s.ready))
        .map(|(p, _)| p.name.as_str())
        .collect();
    let list = |v: &[&str]| format!("[{}]", v.join(" "));
    let ready = unready.is_empty();
    let mut conds = vec![
        condition("PodReadyToStartContainers", sandbox, None, None),
        if incomplete.is_empty() {
            condition("Initialized", true, None, None)
        } else {
            condition(
                "Initialized",
                false,
                Some("ContainersNotInitialized"),
                Some(format!(
                    "containers with incomplete status: {}",
                    list(&incomplete)
                )),
            )
        },
        if ready {
            condition("Ready", true, None, None)
        } else {
            condition(
                "Ready",
                false,
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: {}",
                    list(&unready)
                )),
            )
        },
        if ready {
            condition("ContainersReady", true, None, None)
        } else {
            condition(
                "ContainersReady",
                false,
                Some("ContainersNotReady"),
                Some(format!(
                    "containers with unready status: {}",
                    list(&unready)
                )),
            )
        },
        condition("PodScheduled", true, None, None),
    ];
    let now = format_time(t);
    for c in conds.iter_mut() {
        let prev = old["conditions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|o| o["type"] == c["type"]);
        let ltt = match prev {
            Some(o) if o["status"] == c["status"] && o["lastTransitionTime"].is_string() => {
                o["lastTransitionTime"].clone()
            }
            _ => json!(now),
        };
        c["lastTransitionTime"] = ltt;
    }
    // Conditions other components own (e.g. DisruptionTarget, readiness gates) are kept, as
    // the kubelet's status manager merges them (pkg/kubelet/status/status_manager.go).
    const OWN: [&str; 5] = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    for o in old["conditions"].as_array().into_iter().flatten() {
        if !OWN.iter().any(|t| o["type"] == *t) {
            conds.push(o.clone());
        }
    }
    let started_any = plan.regular.iter().any(|(_, st)| {
        st.as_ref().is_some_and(|s| {
            matches!(s.state, CState::Running { .. } | CState::Terminated(_)) || s.last.is_some()
        })
    });
    // getPhase: with every container terminated for good (restartPolicy Never) the pod is
    // Failed when one failed, else Succeeded.
    let all_done = !plan.regular.is_empty()
        && pod["spec"]["restartPolicy"] == "Never"
        && plan
            .regular
            .iter()
            .all(|(_, st)| matches!(st.as_ref().map(|s| &s.state), Some(CState::Terminated(_))));
    let phase = if all_done {
        let failed = plan.regular.iter().any(|(_, st)| {
            matches!(st.as_ref().map(|s| &s.state), Some(CState::Terminated(t)) if t.exit_code != 0)
        });
        if failed {
            "Failed"
        } else {
            "Succeeded"
        }
    } else if plan.init_done.is_some() && started_any {
        "Running"
    } else {
        "Pending"
    };
    let mut st = serde_json::Map::new();
    st.insert("phase".into(), json!(phase));
    st.insert("conditions".into(), json!(conds));
    st.insert("hostIP".into(), json!(host_ip));
    st.insert("hostIPs".into(), json!([{ "ip": host_ip }]));
    if sandbox {
        st.insert("podIP".into(), json!(pod_ip));
        st.insert("podIPs".into(), json!([{ "ip": pod_ip }]));
    }
    st.insert("startTime".into(), json!(format_time(begin)));
    if !init_statuses.is_empty() {
        st.insert("initContainerStatuses".into(), json!(init_statuses));
    }
    st.insert("containerStatuses".into(), json!(statuses));
    if let Some(q) = old.get("qosClass") {
        st.insert("qosClass".into(), q.clone());
    }
    Value::Object(st)
}

/// The status of a pod whose containers were stopped for deletion: every running container
/// terminated with exit code 0 (reason Completed), not ready; phase Succeeded when all exited 0.
pub fn terminated_status(pod: &Value, t: DateTime<Utc>) -> Value {
    let mut st = pod["status"].clone();
    if !st.is_object() {
        st = json!({});
    }
    let now = format_time(t);
    let mut all_zero = true;
    let stop = |c: &mut Value| {
        let r = c["state"]["running"].clone();
        c["state"] = json!({"terminated": {
            "exitCode": 0, "reason": "Completed",
            "startedAt": r["startedAt"], "finishedAt": now,
            "containerID": c["containerID"],
        }});
        c["ready"] = json!(false);
        c["started"] = json!(false);
    };
    if let Some(list) = st["containerStatuses"].as_array_mut() {
        for c in list.iter_mut() {
            if c["state"]["running"].is_object() {
                stop(c);
            } else if let Some(tm) = c["state"].get("terminated") {
                if tm["exitCode"].as_i64() != Some(0) {
                    all_zero = false;
                }
                c["ready"] = json!(false);
                c["started"] = json!(false);
            } else {
                all_zero = false;
                c["ready"] = json!(false);
                c["started"] = json!(false);
            }
        }
    }
    // Sidecars are stopped after the containers (kuberuntime killContainersWithSyncResult).
    if let Some(list) = st["initContainerStatuses"].as_array_mut() {
        for c in list
            .iter_mut()
            .filter(|c| c["state"]["running"].is_object())
        {
            stop(c);
        }
    }
    if let Some(conds) = st["conditions"].as_array_mut() {
        for c in conds.iter_mut() {
            let t = c["type"].as_str().unwrap_or("").to_string();
            if matches!(
                t.as_str(),
                "Ready" | "ContainersReady" | "PodReadyToStartContainers"
            ) && c["status"] != json!("False")
            {
                c["status"] = json!("False");
                c["lastTransitionTime"] = json!(now);
                if t != "PodReadyToStartContainers" {
                    c["reason"] = json!("PodCompleted");
                }
            }
        }
    }
    if st["phase"] == json!("Running") || st["phase"] == json!("Pending") {
        st["phase"] = json!(if all_zero { "Succeeded" } else { "Failed" });
    }
    st
}

// ---------------------------------------------------------------------------------------------
// Nodes

/// Create the simulated nodes (`sim-node-1` ...), each with capacity, addresses and Ready, as
/// a v1.32 kubelet registers itself (pkg/kubelet/kubelet_node_status.go, nodestatus/setters.go).
pub fn seed_nodes(cluster: &Cluster, count: usize) {
    for i in 1..=count {
        let node = node_object(i, &cluster.clock().timestamp());
        let name = node["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let opts = WriteOptions {
            field_manager: Some("kubelet".into()),
            ..Default::default()
        };
        if let Ok(w) = cluster.create(&NODES, None, node.clone(), &opts) {
            if !w.object["status"]["conditions"].is_array() {
                let mut o = w.object.clone();
                o["status"] = node["status"].clone();
                let _ = cluster.update(&NODES, None, &name, Some("status"), o, &opts);
            }
        }
    }
}

/// The Node object of `sim-node-<i>`.
pub fn node_object(i: usize, now: &str) -> Value {
    let name = format!("sim-node-{i}");
    let cond = |t: &str, s: &str, r: &str, m: &str| json!({"type": t, "status": s, "lastHeartbeatTime": now, "lastTransitionTime": now, "reason": r, "message": m});
    let res = json!({
        "cpu": "4", "ephemeral-storage": "102626232Ki", "hugepages-1Gi": "0",
        "hugepages-2Mi": "0", "memory": "16369404Ki", "pods": "1000",
    });
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": {
                "beta.kubernetes.io/arch": "amd64",
                "beta.kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
            },
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": {
            "podCIDR": format!("10.244.{i}.0/24"),
            "podCIDRs": [format!("10.244.{i}.0/24")],
        },
        "status": {
            "capacity": res,
            "allocatable": res,
            "conditions": [
                cond("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                cond("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                cond("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                cond("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
            ],
            "addresses": [
                {"type": "InternalIP", "address": format!("10.0.0.{i}")},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "machineID": hex64(&["machine", &name])[..32].to_string(),
                "systemUUID": uuidish(&name),
                "bootID": uuidish(&format!("boot-{name}")),
                "kernelVersion": "6.8.0-51-generic",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "containerRuntimeVersion": "containerd://1.7.24",
                "kubeletVersion": "v1.32.4",
                "kubeProxyVersion": "v1.32.4",
                "operatingSystem": "linux",
                "architecture": "amd64",
            },
            "runtimeHandlers": [
                {"name": "runc", "features": {"recursiveReadOnlyMounts": true, "userNamespaces": true}},
                {"name": "", "features": {"recursiveReadOnlyMounts": true, "userNamespaces": true}},
            ],
        },
    })
}

fn uuidish(seed: &str) -> String {
    let h = hex64(&[seed]);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn node_internal_ip(node: &Value) -> String {
    node["status"]["addresses"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|a| a["type"] == "InternalIP")
        .and_then(|a| a["address"].as_str())
        .unwrap_or("10.0.0.1")
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// The loop

struct PodRt {
    node: String,
    begin: DateTime<Utc>,
    ip: String,
    /// Events emitted so far, per container name.
    emitted: HashMap<String, usize>,
    /// Whether each container pulls (decided once).
    pulls: HashMap<String, bool>,
    deleting_since: Option<DateTime<Utc>>,
    killed: bool,
    /// When the pod's volumes were set up (None: not yet, the sandbox waits for them).
    mounted_at: Option<DateTime<Utc>>,
    /// Failed tries to set them up so far.
    mount_failures: u32,
    /// Per container: None when its environment resolved at the first look, else its gate.
    config: HashMap<String, Option<ConfigGate>>,
}

#[derive(Default)]
struct Kubelet {
    pods: HashMap<String, PodRt>,
    /// node -> images present.
    images: HashMap<String, HashSet<String>>,
    /// node -> last octet counter and used IPs.
    ips: HashMap<String, (u32, HashSet<String>)>,
    recorder: Recorder,
    /// pod uid -> last FailedScheduling message.
    unschedulable: HashMap<String, String>,
    /// pod uid -> the node it is assumed on while its WaitForFirstConsumer claims are
    /// provisioned there (the scheduler's PreBind wait).
    assumed: HashMap<String, String>,
    /// With a registry configured: (image, node architecture, the credentials the pod's pull
    /// secrets give for it) -> the registry's answer. Asked once per key, as containerd
    /// resolves a reference before pulling.
    pull_checks: HashMap<PullKey, Verdict>,
}

type PullKey = (String, String, Vec<String>);

/// The pod's pull secrets that exist, in the order of `spec.imagePullSecrets` (the
/// ServiceAccount admission copied the ServiceAccount's there); a missing one is passed over
/// and the pull goes on without it (pkg/kubelet/kubelet_pods.go, getPullSecretsForPod).
fn pull_secrets(cluster: &Cluster, pod: &Value) -> Vec<Value> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    pod["spec"]["imagePullSecrets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().filter(|n| !n.is_empty()))
        .filter_map(|n| cluster.get(&SECRETS, Some(ns), n).ok())
        .collect()
}

fn opts(manager: &str) -> WriteOptions {
    WriteOptions {
        field_manager: Some(manager.into()),
        ..Default::default()
    }
}

/// volumebinding's BindPodVolumes for a claim to provision: the annotation
/// `volume.kubernetes.io/selected-node` tells the provisioner where to create the volume.
fn select_node(cluster: &Cluster, ns: &str, claim: &str, node: &str) {
    let Ok(mut pvc) = cluster.get(&PVCS, Some(ns), claim) else {
        return;
    };
    if pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] == node {
        return;
    }
    if !pvc["metadata"]["annotations"].is_object() {
        pvc["metadata"]["annotations"] = json!({});
    }
    pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"] = json!(node);
    let _ = cluster.update(&PVCS, Some(ns), claim, None, pvc, &opts("kube-scheduler"));
}

fn pod_key(p: &Value) -> (String, String, String) {
    let m = &p["metadata"];
    (
        m["namespace"].as_str().unwrap_or("default").to_string(),
        m["name"].as_str().unwrap_or_default().to_string(),
        m["uid"].as_str().unwrap_or_default().to_string(),
    )
}

fn is_terminal(p: &Value) -> bool {
    matches!(p["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

impl Kubelet {
    fn alloc_ip(&mut self, node: &Value) -> String {
        let name = node["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let cidr = node["spec"]["podCIDR"].as_str().unwrap_or("10.244.0.0/24");
        let prefix: Vec<&str> = cidr.split('/').next().unwrap_or("").split('.').collect();
        let prefix = if prefix.len() == 4 {
            format!("{}.{}.{}", prefix[0], prefix[1], prefix[2])
        } else {
            "10.244.0".to_string()
        };
        let (ctr, used) = self.ips.entry(name).or_insert((1, HashSet::new()));
        for _ in 0..253 {
            *ctr = if *ctr >= 254 { 2 } else { *ctr + 1 };
            let ip = format!("{prefix}.{ctr}");
            if !used.contains(&ip) {
                used.insert(ip.clone());
                return ip;
            }
        }
        format!("{prefix}.{ctr}")
    }

    fn release(&mut self, uid: &str) {
        if let Some(rt) = self.pods.remove(uid) {
            if let Some((_, used)) = self.ips.get_mut(&rt.node) {
                used.remove(&rt.ip);
            }
        }
        self.recorder.forget(uid);
        self.unschedulable.remove(uid);
    }

    /// The scheduler pass: bind every pending pod without a node. Returns pods as updated.
    fn schedule(&mut self, cluster: &Cluster, pods: &mut [Value], nodes: &[Value]) {
        let live: HashSet<&str> = pods
            .iter()
            .filter_map(|p| p["metadata"]["uid"].as_str())
            .collect();
        self.unschedulable.retain(|u, _| live.contains(u.as_str()));
        self.assumed.retain(|u, _| live.contains(u.as_str()));
        let pending = |p: &Value| {
            p["spec"]["nodeName"].as_str().is_none_or(str::is_empty)
                && !p["metadata"]["deletionTimestamp"].is_string()
                && !is_terminal(p)
                && p["spec"]["schedulerName"]
                    .as_str()
                    .unwrap_or("default-scheduler")
                    == "default-scheduler"
        };
        if !pods.iter().any(pending) {
            return;
        }
        let ready_nodes: Vec<Value> = nodes
            .iter()
            .filter(|n| {
                n["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["type"] == "Ready" && c["status"] == "True")
            })
            .cloned()
            .collect();
        let mut usage: HashMap<String, scheduler::NodeUsage> = HashMap::new();
        let add_usage = |usage: &mut HashMap<String, scheduler::NodeUsage>, p: &Value, n: &str| {
            let (c, m) = scheduler::pod_requests(p);
            let e = usage.entry(n.to_string()).or_default();
            e.0 += c;
            e.1 += m;
            e.2 += 1;
            let cnt = p["spec"]["containers"].as_array().map_or(0, |v| v.len()) as f64;
            e.3 += c.max(0.1 * cnt);
            e.4 += m.max(200.0 * 1048576.0 * cnt);
        };
        // The scheduler's cache: pods bound to a node, and pods assumed on one while their
        // volumes are provisioned there.
        let mut view = scheduler::View {
            node_labels: nodes
                .iter()
                .filter_map(|n| {
                    Some((
                        n["metadata"]["name"].as_str()?.to_string(),
                        n["metadata"]["labels"]
                            .as_object()
                            .cloned()
                            .unwrap_or_default(),
                    ))
                })
                .collect(),
            namespace_labels: cluster
                .list_items(&NAMESPACES, None, None)
                .into_iter()
                .filter_map(|n| {
                    Some((
                        n["metadata"]["name"].as_str()?.to_string(),
                        n["metadata"]["labels"]
                            .as_object()
                            .cloned()
                            .unwrap_or_default(),
                    ))
                })
                .collect(),
            placed: Vec::new(),
        };
        for p in pods.iter() {
            if is_terminal(p) {
                continue;
            }
            let uid = p["metadata"]["uid"].as_str().unwrap_or_default();
            let node = p["spec"]["nodeName"]
                .as_str()
                .filter(|n| !n.is_empty())
                .or_else(|| self.assumed.get(uid).map(String::as_str));
            if let Some(n) = node {
                add_usage(&mut usage, p, n);
                view.placed.push(scheduler::PlacedPod::of(p, n));
            }
        }
        let classes = cluster.list_items(&STORAGECLASSES, None, None);
        let mut claims_of: HashMap<String, Vec<Value>> = HashMap::new();
        for p in pods.iter_mut() {
            if !pending(p) {
                continue;
            }
            let (ns, name, uid) = pod_key(p);
            let claims = claims_of
                .entry(ns.clone())
                .or_insert_with(|| cluster.list_items(&PVCS, Some(&ns), None));
            let checked = scheduler::check_claims(p, claims, &classes);
            let picked = match (&checked, self.assumed.get(&uid)) {
                // PreBind: the pod waits on its assumed node until its claims are bound.
                (Ok(c), Some(node)) if !c.delayed.is_empty() => {
                    // Ask again should a write of the annotation have been lost (conflict).
                    for claim in &c.delayed {
                        select_node(cluster, &ns, claim, node);
                    }
                    continue;
                }
                (Ok(_), Some(node)) => Ok(node.clone()),
                (Ok(c), None) => {
                    let mut terms = scheduler::PodTerms::of(p);
                    terms.claims = c.clone();
                    terms.prepare(&view);
                    scheduler::pick_node_with(
                        p,
                        &ready_nodes,
                        &|n| usage.get(n).copied().unwrap_or_default(),
                        &view,
                        &terms,
                    )
                    .map(|n| {
                        n["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string()
                    })
                }
                (Err(msg), _) => {
                    self.assumed.remove(&uid);
                    Err(scheduler::prefilter_error(ready_nodes.len(), msg))
                }
            };
            match picked {
                Ok(node) => {
                    if !self.assumed.contains_key(&uid) {
                        add_usage(&mut usage, p, &node);
                        view.placed.push(scheduler::PlacedPod::of(p, &node));
                    }
                    if let Ok(c) = &checked {
                        if !c.delayed.is_empty() {
                            // Reserve + PreBind (volumebinding BindPodVolumes): ask for the
                            // claims on the chosen node, then wait for them to be bound.
                            self.assumed.insert(uid.clone(), node.clone());
                            self.unschedulable.remove(&uid);
                            for claim in &c.delayed {
                                select_node(cluster, &ns, claim, &node);
                            }
                            continue;
                        }
                    }
                    // Upstream binds through the pods/binding subresource, whose registry sets
                    // spec.nodeName and the PodScheduled condition together
                    // (pkg/registry/core/pod/storage/storage.go assignPod). Here the scheduler
                    // writes spec.nodeName with an update, and the kubelet's first status write
                    // (same pass) carries PodScheduled=True.
                    let mut np = p.clone();
                    np["spec"]["nodeName"] = json!(node);
                    match cluster.update(&PODS, Some(&ns), &name, None, np, &opts("kube-scheduler"))
                    {
                        Ok(w) => {
                            *p = w.object;
                            self.assumed.remove(&uid);
                            self.unschedulable.remove(&uid);
                            self.recorder.record_v1(
                                cluster,
                                p,
                                "Normal",
                                "Scheduled",
                                "Binding",
                                &format!("Successfully assigned {ns}/{name} to {node}"),
                                "default-scheduler",
                            );
                        }
                        Err(_) => continue,
                    }
                }
                Err(msg) => {
                    if self.unschedulable.get(&uid) == Some(&msg) {
                        continue;
                    }
                    let mut np = p.clone();
                    let now = cluster.clock().timestamp();
                    let mut conds: Vec<Value> = np["status"]["conditions"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|c| c["type"] != "PodScheduled")
                        .collect();
                    conds.push(
                        json!({"type": "PodScheduled", "status": "False", "lastProbeTime": null,
                        "lastTransitionTime": now, "reason": "Unschedulable", "message": msg}),
                    );
                    if !np["status"].is_object() {
                        np["status"] = json!({"phase": "Pending"});
                    }
                    np["status"]["conditions"] = json!(conds);
                    if let Ok(w) = cluster.update(
                        &PODS,
                        Some(&ns),
                        &name,
                        Some("status"),
                        np,
                        &opts("kube-scheduler"),
                    ) {
                        *p = w.object;
                    }
                    self.recorder.record_v1(
                        cluster,
                        p,
                        "Warning",
                        "FailedScheduling",
                        "Scheduling",
                        &msg,
                        "default-scheduler",
                    );
                    self.unschedulable.insert(uid, msg);
                }
            }
        }
    }

    /// The kubelet pass over pods bound to a simulated node. Returns the next due time.
    fn sync(
        &mut self,
        cluster: &Cluster,
        pods: &[Value],
        nodes: &[Value],
    ) -> Option<DateTime<Utc>> {
        let now = cluster.clock().now();
        let mut next: Option<DateTime<Utc>> = None;
        let live: HashSet<&str> = pods
            .iter()
            .filter_map(|p| p["metadata"]["uid"].as_str())
            .collect();
        let gone: Vec<String> = self
            .pods
            .keys()
            .filter(|u| !live.contains(u.as_str()))
            .cloned()
            .collect();
        for u in gone {
            self.release(&u);
        }
        let by_name: HashMap<&str, &Value> = nodes
            .iter()
            .filter_map(|n| n["metadata"]["name"].as_str().map(|s| (s, n)))
            .collect();
        for pod in pods {
            let Some(node_name) = pod["spec"]["nodeName"].as_str() else {
                continue;
            };
            let Some(node) = by_name.get(node_name).copied() else {
                continue;
            };
            let (ns, name, uid) = pod_key(pod);
            let source = Source {
                component: "kubelet".into(),
                host: Some(node_name.to_string()),
            };
            let deleting = pod["metadata"]["deletionTimestamp"].is_string();
            if is_terminal(pod) && !deleting {
                continue;
            }
            if !self.pods.contains_key(&uid) {
                if deleting {
                    // Never started here: nothing to stop.
                    let _ = cluster.delete(
                        &PODS,
                        Some(&ns),
                        &name,
                        &DeleteOptions {
                            grace_period_seconds: Some(0),
                            precondition_uid: Some(uid.clone()),
                            ..Default::default()
                        },
                    );
                    continue;
                }
                let begin = match pod["status"]["startTime"].as_str().and_then(parse_time) {
                    Some(t) if pod["status"]["hostIP"].is_string() => t,
                    _ => now,
                };
                let ip = pod["status"]["podIP"]
                    .as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| self.alloc_ip(node));
                self.pods.insert(
                    uid.clone(),
                    PodRt {
                        node: node_name.to_string(),
                        begin,
                        ip,
                        emitted: HashMap::new(),
                        pulls: HashMap::new(),
                        deleting_since: None,
                        killed: false,
                        // A pod that already has its sandbox had its volumes.
                        mounted_at: pod["status"]["podIP"].is_string().then_some(begin),
                        mount_failures: 0,
                        config: HashMap::new(),
                    },
                );
            }
            let images = self.images.entry(node_name.to_string()).or_default();
            let rt = self.pods.get_mut(&uid).expect("inserted");
            if deleting {
                let since = *rt.deleting_since.get_or_insert(now);
                let grace = pod["metadata"]["deletionGracePeriodSeconds"]
                    .as_i64()
                    .unwrap_or(30)
                    .max(0);
                let done = since + Duration::milliseconds((grace * 1000).min(TERMINATE_MS));
                if !rt.killed {
                    rt.killed = true;
                    // The containers, then the sidecars that outlive them.
                    let running = ["containers", "initContainers"]
                        .into_iter()
                        .flat_map(|list| {
                            let key = if list == "containers" {
                                "containerStatuses"
                            } else {
                                "initContainerStatuses"
                            };
                            pod["status"][key]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .map(move |c| (list, c))
                        });
                    for (list, c) in running {
                        if c["state"]["running"].is_object() {
                            let cname = c["name"].as_str().unwrap_or_default();
                            self.recorder.record(
                                cluster,
                                pod,
                                Some(&format!("spec.{list}{{{cname}}}")),
                                "Normal",
                                "Killing",
                                &format!("Stopping container {cname}"),
                                &source,
                            );
                        }
                    }
                }
                if now >= done {
                    let mut np = pod.clone();
                    np["status"] = terminated_status(pod, now);
                    let _ = cluster.update(
                        &PODS,
                        Some(&ns),
                        &name,
                        Some("status"),
                        np,
                        &opts("kubelet"),
                    );
                    let _ = cluster.delete(
                        &PODS,
                        Some(&ns),
                        &name,
                        &DeleteOptions {
                            grace_period_seconds: Some(0),
                            precondition_uid: Some(uid.clone()),
                            ..Default::default()
                        },
                    );
                } else {
                    next = min_opt(next, Some(done));
                }
                continue;
            }
            let lookup = |kind: refs::Kind, n: &str| -> Option<Value> {
                let rt = match kind {
                    refs::Kind::ConfigMap => &CONFIGMAPS,
                    refs::Kind::Secret => &SECRETS,
                };
                cluster.get(rt, Some(&ns), n).ok()
            };
            // WaitForAttachAndMount: the volumes are set up before the sandbox; a failing
            // one is tried again with the operation executor's back-off.
            if rt.mounted_at.is_none() {
                let due = rt.begin + ms(refs::mount_attempt_offset_ms(rt.mount_failures));
                if now >= due {
                    let failures = refs::volume_failures(pod, &lookup);
                    if failures.is_empty() {
                        rt.mounted_at = Some(now);
                    } else {
                        rt.mount_failures += 1;
                        for f in failures {
                            self.recorder.record(
                                cluster,
                                pod,
                                None,
                                "Warning",
                                "FailedMount",
                                &f,
                                &source,
                            );
                        }
                    }
                }
            }
            let arch = node_arch(node);
            let checks = &self.pull_checks;
            let registry = cluster.options().image_registry.clone();
            let secrets = match &registry {
                Some(_) => pull_secrets(cluster, pod),
                None => Vec::new(),
            };
            let verdict = |image: &str| -> Option<Verdict> {
                let reg = registry.as_deref()?;
                let auths = crate::images::pull_auths(&secrets, image, reg);
                checks.get(&(image.into(), arch.clone(), auths)).cloned()
            };
            let pulls = &mut rt.pulls;
            let mut decide = |image: &str, policy: &str| -> bool {
                if let Some(p) = pulls.get(image) {
                    return *p;
                }
                let always = policy == "Always"
                    || (policy.is_empty() && (!image.contains(':') || image.ends_with(":latest")));
                let p = always || !images.contains(image);
                if image_kind(image) != ImageKind::Bad
                    && !matches!(verdict(image), Some(Verdict::Fails(_)))
                {
                    images.insert(image.to_string());
                }
                pulls.insert(image.to_string(), p);
                p
            };
            let config = &mut rt.config;
            let mut gates = |c: &Value| -> Option<ConfigGate> {
                let cname = c["name"].as_str().unwrap_or_default().to_string();
                match config.get(&cname) {
                    Some(None) => return None,
                    Some(Some(g)) if g.resolved.is_some() => return Some(g.clone()),
                    _ => {}
                }
                let err = refs::env_error(&ns, c, &lookup);
                match (config.get_mut(&cname), err) {
                    (None, None) => {
                        config.insert(cname, None);
                        None
                    }
                    (Some(Some(g)), None) => {
                        g.resolved = Some(now);
                        Some(g.clone())
                    }
                    (_, Some(error)) => {
                        let g = ConfigGate {
                            error,
                            resolved: None,
                        };
                        config.insert(cname, Some(g.clone()));
                        Some(g)
                    }
                    (Some(None), None) => None,
                }
            };
            let plan = match rt.mounted_at {
                Some(mounted) => {
                    plan_pod_with(pod, mounted, now, &mut decide, &mut gates, &verdict)
                }
                None => {
                    let retry = rt.begin + ms(refs::mount_attempt_offset_ms(rt.mount_failures));
                    next = min_opt(next, Some(retry));
                    waiting_for_volumes(pod, now)
                }
            };
            next = min_opt(next, plan.next);
            // Events newly due, per container.
            let mut to_emit: Vec<(String, CtrEvent)> = Vec::new();
            for (p, st) in plan.init.iter().chain(plan.regular.iter()) {
                let Some(st) = st else { continue };
                let done = rt.emitted.entry(p.name.clone()).or_insert(0);
                for e in st.events.iter().skip(*done) {
                    let list = if p.init {
                        "initContainers"
                    } else {
                        "containers"
                    };
                    to_emit.push((format!("spec.{list}{{{}}}", p.name), e.clone()));
                }
                *done = st.events.len().max(*done);
            }
            let status = build_status(pod, &plan, rt.begin, &node_internal_ip(node), &rt.ip, now);
            if status != pod["status"] {
                let mut np = pod.clone();
                np["status"] = status;
                if cluster
                    .update(
                        &PODS,
                        Some(&ns),
                        &name,
                        Some("status"),
                        np,
                        &opts("kubelet"),
                    )
                    .is_err()
                {
                    // Retry on the next wake (conflict or gone).
                    next = min_opt(next, Some(now + ms(100)));
                }
            }
            for (fp, (_, t, r, m)) in to_emit {
                self.recorder
                    .record(cluster, pod, Some(&fp), t, r, &m, &source);
            }
        }
        next
    }
}

/// The node's architecture (`status.nodeInfo.architecture`, else the `kubernetes.io/arch`
/// label), as the kubelet's image service pulls for its own platform.
fn node_arch(node: &Value) -> String {
    node["status"]["nodeInfo"]["architecture"]
        .as_str()
        .or_else(|| node["metadata"]["labels"]["kubernetes.io/arch"].as_str())
        .unwrap_or("amd64")
        .to_string()
}

impl Kubelet {
    /// Asks the registry about every (image, node architecture) of the bound pods not asked
    /// yet: a manifest GET each (see `crate::images::resolve`), off the async threads.
    async fn check_images(
        &mut self,
        cluster: &Cluster,
        registry: &str,
        pods: &[Value],
        nodes: &[Value],
    ) {
        let arch_of: HashMap<&str, String> = nodes
            .iter()
            .filter_map(|n| Some((n["metadata"]["name"].as_str()?, node_arch(n))))
            .collect();
        let mut todo: Vec<PullKey> = Vec::new();
        for pod in pods {
            let Some(arch) = pod["spec"]["nodeName"]
                .as_str()
                .and_then(|n| arch_of.get(n))
            else {
                continue;
            };
            let ctrs = ["initContainers", "containers"]
                .into_iter()
                .flat_map(|k| pod["spec"][k].as_array().into_iter().flatten());
            let secrets = pull_secrets(cluster, pod);
            for c in ctrs {
                let image = c["image"].as_str().unwrap_or_default().to_string();
                let auths = crate::images::pull_auths(&secrets, &image, registry);
                let key = (image, arch.clone(), auths);
                if !self.pull_checks.contains_key(&key) && !todo.contains(&key) {
                    todo.push(key);
                }
            }
        }
        if todo.is_empty() {
            return;
        }
        let registry = registry.to_string();
        let answers = tokio::task::spawn_blocking(move || {
            todo.into_iter()
                .map(|(image, arch, auths)| {
                    let r = crate::images::verdict(&registry, &image, &arch, &auths);
                    ((image, arch, auths), r)
                })
                .collect::<Vec<_>>()
        })
        .await
        .unwrap_or_default();
        self.pull_checks.extend(answers);
    }
}

/// The scheduler + kubelet loop: one pass over all pods per wake (coalescing bursts of
/// changes), then sleep until the next due time or the next change.
pub async fn run(cluster: Arc<Cluster>) {
    // The PVC binder/provisioner runs alongside (kept out of spawn_all, which is shared).
    tokio::spawn(crate::controller::volumes::run(cluster.clone()));
    let mut rx = cluster.subscribe();
    let mut k = Kubelet::default();
    loop {
        let nodes = cluster.list_items(&NODES, None, None);
        let mut pods = cluster.list_items(&PODS, None, None);
        k.schedule(&cluster, &mut pods, &nodes);
        if let Some(registry) = cluster.options().image_registry.clone() {
            k.check_images(&cluster, &registry, &pods, &nodes).await;
        }
        let next = k.sync(&cluster, &pods, &nodes);
        // Our own writes bumped the change counter: consume them so we only wake for new ones.
        rx.borrow_and_update();
        let wait = match next {
            // Poll at least every 100ms real so clock jumps (tests' `advance`) are noticed.
            Some(t) => cluster
                .clock()
                .real_until(t)
                .min(std::time::Duration::from_millis(100)),
            None => std::time::Duration::from_secs(1),
        };
        tokio::select! {
            r = rx.changed() => {
                if r.is_err() {
                    return;
                }
                // Coalesce a burst of writes into one pass.
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        parse_time("2025-01-01T00:00:00Z").unwrap()
    }

    fn plan(image: &str, ready: Option<i64>) -> CtrPlan {
        CtrPlan {
            pod: "web-0".into(),
            namespace: "default".into(),
            uid: "u1".into(),
            name: "nginx".into(),
            image: image.into(),
            init: false,
            sidecar: false,
            ready_delay: ready.map(Duration::seconds),
            begin: t0(),
            pull: true,
            never_restart: false,
            config: None,
            registry: None,
        }
    }

    #[test]
    fn images_normalize() {
        assert_eq!(
            normalize_image("nginx:1.25"),
            "docker.io/library/nginx:1.25"
        );
        assert_eq!(normalize_image("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(
            normalize_image("bitnami/redis:7"),
            "docker.io/bitnami/redis:7"
        );
        assert_eq!(
            normalize_image("registry.k8s.io/pause:3.10"),
            "registry.k8s.io/pause:3.10"
        );
        assert_eq!(
            normalize_image("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
        assert!(image_id("nginx:1.25").starts_with("docker.io/library/nginx@sha256:"));
        assert_eq!(
            image_id("nginx:1.25").len(),
            "docker.io/library/nginx@sha256:".len() + 64
        );
        assert_eq!(go_duration(backoff(0)), "10s");
        assert_eq!(go_duration(backoff(3)), "1m20s");
        assert_eq!(go_duration(backoff(9)), "5m0s");
    }

    #[test]
    fn good_container_creates_runs_and_gets_ready_after_probe_delay() {
        let p = plan("nginx:1.25", Some(5));
        let a = container_at(&p, t0());
        assert_eq!(
            a.state,
            CState::Waiting {
                reason: "ContainerCreating",
                message: None
            }
        );
        assert_eq!(a.events.len(), 1);
        assert_eq!(a.events[0].3, "Pulling image \"nginx:1.25\"");
        let b = container_at(&p, t0() + Duration::seconds(1));
        assert!(matches!(b.state, CState::Running { .. }));
        assert!(!b.ready);
        assert_eq!(b.next, Some(t0() + ms(CREATE_MS) + Duration::seconds(5)));
        let reasons: Vec<&str> = b.events.iter().map(|e| e.2).collect();
        assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
        assert!(b.events[1]
            .3
            .starts_with("Successfully pulled image \"nginx:1.25\" in "));
        assert_eq!(b.events[2].3, "Created container: nginx");
        assert_eq!(b.events[3].3, "Started container nginx");
        let c = container_at(&p, t0() + Duration::seconds(6));
        assert!(c.ready);
        assert_eq!(c.next, None);
        // no probe: ready as soon as started
        assert!(container_at(&plan("nginx", None), t0() + Duration::seconds(1)).ready);
    }

    #[test]
    fn bad_image_backs_off() {
        let p = plan("nginx:bad", None);
        let a = container_at(&p, t0() + ms(CREATE_MS + 10));
        match &a.state {
            CState::Waiting { reason, message } => {
                assert_eq!(*reason, "ErrImagePull");
                assert!(message.as_ref().unwrap().contains("not found"));
            }
            s => panic!("{s:?}"),
        }
        let b = container_at(&p, t0() + Duration::seconds(3));
        assert_eq!(
            b.state,
            CState::Waiting {
                reason: "ImagePullBackOff",
                message: Some("Back-off pulling image \"nginx:bad\"".into())
            }
        );
        assert!(!b.ready);
        let reasons: Vec<(&str, &str)> = b.events.iter().map(|e| (e.1, e.2)).collect();
        assert_eq!(
            reasons,
            [
                ("Normal", "Pulling"),
                ("Warning", "Failed"),
                ("Warning", "Failed"),
                ("Normal", "BackOff"),
                ("Warning", "Failed")
            ]
        );
        // second attempt after 10s back-off
        let c = container_at(&p, t0() + Duration::seconds(12));
        assert_eq!(c.events.iter().filter(|e| e.2 == "Pulling").count(), 2);
    }

    #[test]
    fn crash_loops_with_exponential_backoff() {
        let p = plan("busybox:crash", None);
        let start = t0() + ms(CREATE_MS);
        let run = container_at(&p, start + Duration::seconds(1));
        assert!(matches!(run.state, CState::Running { instance: 0, .. }));
        assert_eq!(run.restarts, 0);
        let err = container_at(&p, start + ms(CRASH_RUN_MS + 100));
        assert!(
            matches!(&err.state, CState::Terminated(t) if t.exit_code == 1 && t.reason == "Error")
        );
        let bo = container_at(&p, start + Duration::seconds(5));
        assert_eq!(bo.restarts, 1);
        match &bo.state {
            CState::Waiting { reason, message } => {
                assert_eq!(*reason, "CrashLoopBackOff");
                assert_eq!(
                    message.as_deref(),
                    Some("back-off 10s restarting failed container=nginx pod=web-0_default(u1)")
                );
            }
            s => panic!("{s:?}"),
        }
        assert_eq!(bo.last.as_ref().unwrap().exit_code, 1);
        // restart at f0 + 10s, runs, crashes again, second back-off 20s
        let f0 = start + ms(CRASH_RUN_MS);
        let r1 = container_at(&p, f0 + Duration::seconds(10) + ms(500));
        assert!(matches!(r1.state, CState::Running { instance: 1, .. }));
        assert_eq!(r1.restarts, 1);
        let b2 = container_at(
            &p,
            f0 + Duration::seconds(10) + ms(CRASH_RUN_MS + SHOW_ERR_MS + 10),
        );
        assert_eq!(b2.restarts, 2);
        assert!(
            matches!(&b2.state, CState::Waiting { message: Some(m), .. } if m.starts_with("back-off 20s"))
        );
        let much_later = container_at(&p, t0() + Duration::hours(2));
        assert!(
            much_later.restarts > 5 && much_later.restarts < 40,
            "{}",
            much_later.restarts
        );
    }

    #[test]
    fn never_restart_crash_fails_the_pod() {
        let pod = json!({"metadata": {"name": "job", "namespace": "default", "uid": "u2"},
            "spec": {"restartPolicy": "Never", "containers": [{"name": "c", "image": "x/crash"}]},
            "status": {"phase": "Pending"}});
        let mut pulls = |_: &str, _: &str| false;
        let at = t0() + Duration::seconds(30);
        let plan = plan_pod(&pod, t0(), at, &mut pulls);
        assert_eq!(plan.next, None);
        let st = build_status(&pod, &plan, t0(), "10.0.0.1", "10.244.1.2", at);
        assert_eq!(st["phase"], "Failed");
        assert_eq!(st["containerStatuses"][0]["restartCount"], 0);
        assert_eq!(
            st["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            1
        );
    }

    fn pod_with_init() -> Value {
        json!({"metadata": {"name": "web-0", "namespace": "default", "uid": "u1"},
            "spec": {"initContainers": [{"name": "init", "image": "busybox:1"}],
                     "containers": [{"name": "nginx", "image": "nginx:1.25", "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]},
                                    {"name": "side", "image": "busybox:1", "readinessProbe": {"initialDelaySeconds": 3}}]},
            "status": {"phase": "Pending", "qosClass": "BestEffort"}})
    }

    #[test]
    fn pod_status_progresses() {
        let pod = pod_with_init();
        let mut pulls = |_: &str, _: &str| true;
        let at = |s: i64| t0() + ms(s);
        let p0 = plan_pod(&pod, t0(), at(0), &mut pulls);
        let s0 = build_status(&pod, &p0, t0(), "10.0.0.1", "10.244.1.5", at(0));
        assert_eq!(s0["phase"], "Pending");
        assert!(s0.get("podIP").is_none());
        assert_eq!(
            s0["initContainerStatuses"][0]["state"]["waiting"]["reason"],
            "PodInitializing"
        );
        assert_eq!(
            s0["containerStatuses"][0]["state"]["waiting"]["reason"],
            "PodInitializing"
        );
        assert_eq!(
            s0["conditions"][1]["message"],
            "containers with incomplete status: [init]"
        );
        assert_eq!(s0["qosClass"], "BestEffort");
        // init done at 500+1000; containers running at 2000
        let p1 = plan_pod(&pod, t0(), at(2100), &mut pulls);
        let s1 = build_status(&pod, &p1, t0(), "10.0.0.1", "10.244.1.5", at(2100));
        assert_eq!(s1["phase"], "Running");
        assert_eq!(s1["podIP"], "10.244.1.5");
        assert_eq!(
            s1["initContainerStatuses"][0]["state"]["terminated"]["reason"],
            "Completed"
        );
        let names: Vec<&str> = s1["containerStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["nginx", "side"]);
        assert_eq!(s1["containerStatuses"][0]["ready"], true);
        assert_eq!(
            s1["containerStatuses"][0]["image"],
            "docker.io/library/nginx:1.25"
        );
        assert!(s1["containerStatuses"][0]["containerID"]
            .as_str()
            .unwrap()
            .starts_with("containerd://"));
        assert_eq!(
            s1["containerStatuses"][0]["volumeMounts"][0]["mountPath"],
            "/usr/share/nginx/html"
        );
        assert_eq!(s1["containerStatuses"][1]["ready"], false);
        assert_eq!(s1["conditions"][2]["type"], "Ready");
        assert_eq!(
            s1["conditions"][2]["message"],
            "containers with unready status: [side]"
        );
        assert_eq!(p1.next, Some(at(2000 + 3000)));
        let p2 = plan_pod(&pod, t0(), at(5000), &mut pulls);
        let mut pod2 = pod.clone();
        pod2["status"] = s1.clone();
        let s2 = build_status(&pod2, &p2, t0(), "10.0.0.1", "10.244.1.5", at(5000));
        assert_eq!(s2["conditions"][2]["status"], "True");
        assert_eq!(
            s2["conditions"][2]["lastTransitionTime"],
            "2025-01-01T00:00:05Z"
        );
        // unchanged condition keeps its transition time
        assert_eq!(
            s2["conditions"][0]["lastTransitionTime"],
            s1["conditions"][0]["lastTransitionTime"]
        );
        let types: Vec<&str> = s2["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["type"].as_str().unwrap())
            .collect();
        assert_eq!(
            types,
            [
                "PodReadyToStartContainers",
                "Initialized",
                "Ready",
                "ContainersReady",
                "PodScheduled"
            ]
        );
        let mut other = pod2.clone();
        other["status"]["conditions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"type": "DisruptionTarget", "status": "True"}));
        let kept = build_status(&other, &p2, t0(), "10.0.0.1", "10.244.1.5", at(5000));
        assert_eq!(kept["conditions"][5]["type"], "DisruptionTarget");
        let term = terminated_status(&pod2, at(9000));
        assert_eq!(term["phase"], "Succeeded");
        assert_eq!(
            term["containerStatuses"][0]["state"]["terminated"]["exitCode"],
            0
        );
    }

    #[test]
    fn node_object_shape() {
        let n = node_object(2, "2025-01-01T00:00:00Z");
        assert_eq!(n["metadata"]["name"], "sim-node-2");
        assert_eq!(n["spec"]["podCIDR"], "10.244.2.0/24");
        assert_eq!(node_internal_ip(&n), "10.0.0.2");
        assert_eq!(n["status"]["conditions"][3]["reason"], "KubeletReady");
        assert_eq!(n["status"]["nodeInfo"]["kubeletVersion"], "v1.32.4");
    }

    #[test]
    fn sidecars_start_in_order_keep_running_and_count_for_readiness() {
        let pod = json!({"metadata": {"name": "web-0", "namespace": "default", "uid": "u1"},
            "spec": {"restartPolicy": "Never",
                     "initContainers": [
                        {"name": "proxy", "image": "envoy:1", "restartPolicy": "Always",
                         "readinessProbe": {"initialDelaySeconds": 2}},
                        {"name": "migrate", "image": "busybox:1"}],
                     "containers": [{"name": "app", "image": "nginx:1.25"}]},
            "status": {"phase": "Pending"}});
        let mut pulls = |_: &str, _: &str| false;
        let at = |ms_: i64| t0() + ms(ms_);
        // proxy starts at 500; migrate begins then, runs 1000..2000; app starts at 2500.
        let p1 = plan_pod(&pod, t0(), at(1000), &mut pulls);
        let s1 = build_status(&pod, &p1, t0(), "10.0.0.1", "10.244.1.5", at(1000));
        assert_eq!(s1["phase"], "Pending");
        assert_eq!(s1["initContainerStatuses"][0]["started"], true);
        assert_eq!(s1["initContainerStatuses"][0]["ready"], false);
        assert!(s1["initContainerStatuses"][1]["state"]["running"].is_object());
        assert_eq!(
            s1["conditions"][1]["message"],
            "containers with incomplete status: [migrate]"
        );
        assert_eq!(
            s1["conditions"][2]["message"],
            "containers with unready status: [proxy app]"
        );
        let p2 = plan_pod(&pod, t0(), at(2600), &mut pulls);
        let s2 = build_status(&pod, &p2, t0(), "10.0.0.1", "10.244.1.5", at(2600));
        assert_eq!(s2["phase"], "Running");
        assert_eq!(s2["conditions"][1]["status"], "True");
        assert!(s2["initContainerStatuses"][0]["state"]["running"].is_object());
        assert_eq!(
            s2["initContainerStatuses"][1]["state"]["terminated"]["reason"],
            "Completed"
        );
        assert_eq!(s2["containerStatuses"][0]["ready"], true);
        assert_eq!(s2["initContainerStatuses"][0]["ready"], true);
        assert_eq!(s2["conditions"][2]["status"], "True");
        // A crashing sidecar restarts despite restartPolicy Never, and the pod stays
        // initialized once its containers have started.
        let mut crashing = pod.clone();
        crashing["spec"]["initContainers"][0]["image"] = json!("envoy:crash");
        let p3 = plan_pod(&crashing, t0(), at(60_000), &mut pulls);
        let s3 = build_status(&crashing, &p3, t0(), "10.0.0.1", "10.244.1.5", at(60_000));
        assert!(
            s3["initContainerStatuses"][0]["restartCount"]
                .as_i64()
                .unwrap()
                >= 2
        );
        assert_eq!(s3["phase"], "Running");
        assert_eq!(s3["conditions"][1]["status"], "True");
        let mut deleted = pod.clone();
        deleted["status"] = s2;
        let term = terminated_status(&deleted, at(9000));
        assert_eq!(
            term["initContainerStatuses"][0]["state"]["terminated"]["exitCode"],
            0
        );
        assert_eq!(term["phase"], "Succeeded");
    }

    #[test]
    fn missing_config_fails_creation_until_it_appears() {
        let mut p = plan("nginx:1.25", None);
        p.pull = false;
        p.config = Some(ConfigGate {
            error: "configmap \"app\" not found".into(),
            resolved: None,
        });
        let created = t0() + ms(CREATE_MS);
        let a = container_at(&p, created + Duration::seconds(25));
        assert_eq!(
            a.state,
            CState::Waiting {
                reason: "CreateContainerConfigError",
                message: Some("configmap \"app\" not found".into())
            }
        );
        assert_eq!(a.next, Some(created + Duration::seconds(30)));
        let msgs: Vec<&str> = a.events.iter().map(|e| e.3.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "Container image \"nginx:1.25\" already present on machine",
                "Error: configmap \"app\" not found",
                "Container image \"nginx:1.25\" already present on machine",
                "Error: configmap \"app\" not found",
                "Container image \"nginx:1.25\" already present on machine",
                "Error: configmap \"app\" not found",
            ]
        );
        // Resolved at 22 s: created at the next try (30 s), the earlier events unchanged.
        p.config.as_mut().unwrap().resolved = Some(created + Duration::seconds(22));
        let b = container_at(&p, created + Duration::seconds(31));
        assert!(
            matches!(b.state, CState::Running { started, .. } if started == created + Duration::seconds(30))
        );
        assert_eq!(b.events[..6], a.events[..]);
        let reasons: Vec<&str> = b.events[6..].iter().map(|e| e.2).collect();
        assert_eq!(reasons, ["Pulled", "Created", "Started"]);
    }

    #[test]
    fn pod_waiting_for_volumes_has_no_sandbox() {
        let pod = json!({"metadata": {"name": "web-0", "namespace": "default", "uid": "u1"},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.25"}]},
            "status": {"phase": "Pending"}});
        let plan = waiting_for_volumes(&pod, t0());
        let st = build_status(&pod, &plan, t0(), "10.0.0.1", "10.244.1.5", t0() + ms(5000));
        assert_eq!(st["phase"], "Pending");
        assert!(st.get("podIP").is_none());
        assert_eq!(st["hostIP"], "10.0.0.1");
        assert_eq!(
            st["containerStatuses"][0]["state"]["waiting"]["reason"],
            "ContainerCreating"
        );
        assert_eq!(st["conditions"][0]["type"], "PodReadyToStartContainers");
        assert_eq!(st["conditions"][0]["status"], "False");
    }
}
