//! Deterministic container logs for pods/log.
//!
//! Every container instance writes one line per simulated second from its start (line 0 at
//! start), with content derived from a hash of (pod, container, instance, line number); a
//! `crash` instance ends with an error line at its exit. Which instance is read and which
//! errors are returned follow upstream: option validation in
//! pkg/apis/core/validation/validation.go (ValidatePodLogOptions, 422 Invalid PodLogOptions),
//! container choice in pkg/registry/core/pod/strategy.go (LogLocation / validateContainer,
//! 400), instance choice in pkg/kubelet/kubelet_pods.go (validateContainerLogStatus, 400),
//! and filtering in pkg/kubelet/kuberuntime/logs/logs.go (since, tail, timestamps, limit).

use crate::api::Cluster;
use crate::clock::parse_time;
use crate::controller::metrics::hash;
use crate::errors::{ApiError, FieldError};
use crate::resources::{ResourceType, PODS};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::Value;
use std::sync::Arc;

/// pods/log query parameters.
#[derive(Debug, Clone, Default)]
pub struct LogOptions {
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub since_seconds: Option<i64>,
    pub since_time: Option<String>,
    pub timestamps: bool,
    pub tail_lines: Option<i64>,
    pub limit_bytes: Option<i64>,
}

/// How `Invalid` errors name the options (`PodLogOptions "web-0" is invalid: ...`).
static POD_LOG_OPTIONS: ResourceType = ResourceType {
    group: "",
    version: "v1",
    plural: "pods",
    singular: "",
    kind: "PodLogOptions",
    namespaced: true,
    short_names: &[],
    categories: &[],
    subresources: &[],
    verbs: &[],
    has_generation: false,
};

/// One instance of a container whose log is read.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    pub pod: String,
    pub container: String,
    pub instance: u32,
    pub started: DateTime<Utc>,
    /// (finishedAt, exitCode) once it terminated.
    pub finished: Option<(DateTime<Utc>, i64)>,
}

/// ValidatePodLogOptions.
pub fn validate(pod: &str, o: &LogOptions) -> Result<(), ApiError> {
    let mut errs = Vec::new();
    if o.tail_lines.is_some_and(|t| t < 0) {
        errs.push(FieldError::invalid(
            "tailLines",
            o.tail_lines.unwrap_or_default().into(),
            "must be greater than or equal to 0",
        ));
    }
    if o.limit_bytes.is_some_and(|l| l < 1) {
        errs.push(FieldError::invalid(
            "limitBytes",
            o.limit_bytes.unwrap_or_default().into(),
            "must be greater than 0",
        ));
    }
    if o.since_seconds.is_some() && o.since_time.is_some() {
        errs.push(FieldError::forbidden(
            "",
            "at most one of `sinceTime` or `sinceSeconds` may be specified",
        ));
    }
    if let Some(s) = o.since_seconds {
        if s < 1 {
            errs.push(FieldError::invalid(
                "sinceSeconds",
                s.into(),
                "must be greater than 0",
            ));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid(&POD_LOG_OPTIONS, pod, &errs))
    }
}

fn names(pod: &Value, list: &str) -> Vec<String> {
    pod["spec"][list]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect()
}

/// The container whose log is read (validateContainer in the pod registry strategy).
pub fn choose_container(pod: &Value, requested: Option<&str>) -> Result<String, ApiError> {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let regular = names(pod, "containers");
    let init = names(pod, "initContainers");
    let eph = names(pod, "ephemeralContainers");
    match requested.filter(|c| !c.is_empty()) {
        Some(c) => {
            if regular.iter().chain(&init).chain(&eph).any(|n| n == c) {
                Ok(c.to_string())
            } else {
                Err(ApiError::bad_request(format!(
                    "container {c} is not valid for pod {name}"
                )))
            }
        }
        None if regular.len() == 1 => Ok(regular[0].clone()),
        None if regular.is_empty() => Err(ApiError::bad_request(format!(
            "a container name must be specified for pod {name}"
        ))),
        None => {
            let mut msg = format!(
                "a container name must be specified for pod {name}, choose one of: [{}]",
                regular.join(" ")
            );
            if !init.is_empty() {
                msg.push_str(&format!(
                    " or one of the init containers: [{}]",
                    init.join(" ")
                ));
            }
            if !eph.is_empty() {
                msg.push_str(&format!(
                    " or one of the ephemeral containers: [{}]",
                    eph.join(" ")
                ));
            }
            Err(ApiError::bad_request(msg))
        }
    }
}

fn term_of(v: &Value) -> Option<(DateTime<Utc>, DateTime<Utc>, i64)> {
    let t = v.get("terminated")?;
    if t["containerID"].as_str().unwrap_or("").is_empty() {
        return None;
    }
    Some((
        t["startedAt"].as_str().and_then(parse_time)?,
        t["finishedAt"].as_str().and_then(parse_time)?,
        t["exitCode"].as_i64().unwrap_or(0),
    ))
}

/// Which instance of `container` is read (validateContainerLogStatus).
pub fn resolve_instance(
    pod: &Value,
    container: &str,
    previous: bool,
) -> Result<Instance, ApiError> {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let status = [
        "containerStatuses",
        "initContainerStatuses",
        "ephemeralContainerStatuses",
    ]
    .iter()
    .flat_map(|k| pod["status"][k].as_array().into_iter().flatten())
    .find(|c| c["name"].as_str() == Some(container));
    let Some(cs) = status else {
        return Err(ApiError::bad_request(format!(
            "container {container:?} in pod {name:?} is waiting to start: ContainerCreating"
        )));
    };
    let restarts = cs["restartCount"].as_u64().unwrap_or(0) as u32;
    let inst = |instance: u32, started, finished| Instance {
        pod: name.to_string(),
        container: container.to_string(),
        instance,
        started,
        finished,
    };
    let last = term_of(&cs["lastState"]);
    if previous {
        return match last {
            Some((s, f, code)) => Ok(inst(restarts.saturating_sub(1), s, Some((f, code)))),
            None => Err(ApiError::bad_request(format!(
                "previous terminated container {container:?} in pod {name:?} not found"
            ))),
        };
    }
    let state = &cs["state"];
    if let Some(started) = state["running"]["startedAt"].as_str().and_then(parse_time) {
        return Ok(inst(restarts, started, None));
    }
    if state.get("terminated").is_some() {
        if let Some((s, f, code)) = term_of(state) {
            return Ok(inst(restarts, s, Some((f, code))));
        }
        if let Some((s, f, code)) = last {
            return Ok(inst(restarts.saturating_sub(1), s, Some((f, code))));
        }
        return Err(ApiError::bad_request(format!(
            "container {container:?} in pod {name:?} is terminated"
        )));
    }
    if let Some((s, f, code)) = last {
        return Ok(inst(restarts.saturating_sub(1), s, Some((f, code))));
    }
    let reason = state["waiting"]["reason"].as_str().unwrap_or("");
    let msg = match reason {
        "ErrImagePull" => format!("container {container:?} in pod {name:?} is waiting to start: image can't be pulled"),
        "ImagePullBackOff" => format!(
            "container {container:?} in pod {name:?} is waiting to start: trying and failing to pull image"
        ),
        "" => format!("container {container:?} in pod {name:?} is waiting to start - no logs yet"),
        r => format!("container {container:?} in pod {name:?} is waiting to start: {r}"),
    };
    Err(ApiError::bad_request(msg))
}

/// One log line: its time and text (without the trailing newline).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub time: DateTime<Utc>,
    pub text: String,
}

/// Line `k` of an instance (time = start + k s + a deterministic sub-second offset).
pub fn line(inst: &Instance, k: u64) -> Line {
    let ks = k.to_string();
    let is = inst.instance.to_string();
    let h = hash(&[&inst.pod, &inst.container, &is, &ks]);
    let time =
        inst.started + Duration::seconds(k as i64) + Duration::milliseconds((h % 900) as i64);
    let who = format!("[{}/{}]", inst.pod, inst.container);
    let stamp = time.trunc_subsecs(3).format("%Y-%m-%dT%H:%M:%S%.3fZ");
    let text = if k == 0 {
        format!("{stamp} INFO {who} starting (instance {is}), listening on :80")
    } else {
        match h % 10 {
            0..=5 => format!(
                "{stamp} INFO {who} request {k} served in {}ms",
                1 + (h >> 8) % 40
            ),
            6 | 7 => format!(
                "{stamp} INFO {who} GET /index.html 200 {} bytes",
                200 + (h >> 12) % 4000
            ),
            8 => format!("{stamp} DEBUG {who} health check ok"),
            _ => format!(
                "{stamp} WARN {who} slow request {k}: {}ms",
                250 + (h >> 16) % 750
            ),
        }
    };
    Line { time, text }
}

/// The line an instance writes when it exits with a non-zero code.
fn exit_line(inst: &Instance, at: DateTime<Utc>, code: i64) -> Line {
    let stamp = at.format("%Y-%m-%dT%H:%M:%S%.3fZ");
    Line {
        time: at,
        text: format!(
            "{stamp} ERROR [{}/{}] fatal: simulated crash, exiting with code {code}",
            inst.pod, inst.container
        ),
    }
}

/// The lines of `inst` written up to `now` (and up to its exit), from line index `from`.
/// Returns the lines and whether the instance's log is complete.
pub fn lines_until(inst: &Instance, from: u64, now: DateTime<Utc>) -> (Vec<Line>, bool) {
    let mut out = Vec::new();
    let end = inst.finished.map(|f| f.0);
    let mut k = from;
    loop {
        let l = line(inst, k);
        if l.time > now || end.is_some_and(|e| l.time >= e) {
            break;
        }
        out.push(l);
        k += 1;
    }
    let complete = match inst.finished {
        Some((f, code)) if f <= now => {
            if code != 0 {
                out.push(exit_line(inst, f, code));
            }
            true
        }
        _ => false,
    };
    (out, complete)
}

/// Go's RFC3339Nano (trailing zeros of the fraction trimmed).
pub fn rfc3339_nano(t: DateTime<Utc>) -> String {
    let base = t.format("%Y-%m-%dT%H:%M:%S").to_string();
    let nanos = t.timestamp_subsec_nanos();
    if nanos == 0 {
        return format!("{base}Z");
    }
    let frac = format!("{nanos:09}");
    format!("{base}.{}Z", frac.trim_end_matches('0'))
}

fn render(l: &Line, timestamps: bool) -> String {
    if timestamps {
        format!("{} {}\n", rfc3339_nano(l.time), l.text)
    } else {
        format!("{}\n", l.text)
    }
}

/// Apply since/tail to the initial lines.
pub fn select(lines: Vec<Line>, o: &LogOptions, now: DateTime<Utc>) -> Vec<Line> {
    let since = o
        .since_seconds
        .map(|s| now - Duration::seconds(s))
        .or_else(|| o.since_time.as_deref().and_then(parse_time));
    let mut v: Vec<Line> = match since {
        Some(s) => lines.into_iter().filter(|l| l.time >= s).collect(),
        None => lines,
    };
    if let Some(t) = o.tail_lines {
        let t = t.max(0) as usize;
        if v.len() > t {
            v.drain(..v.len() - t);
        }
    }
    v
}

/// Bytes still allowed by limitBytes.
struct Limit(Option<i64>);

impl Limit {
    /// Cut `s` to the remaining budget; None when the budget is exhausted.
    fn take(&mut self, s: String) -> Option<String> {
        match &mut self.0 {
            None => Some(s),
            Some(left) if *left <= 0 => None,
            Some(left) => {
                let n = s.len() as i64;
                if n <= *left {
                    *left -= n;
                    Some(s)
                } else {
                    let cut = *left as usize;
                    *left = 0;
                    Some(String::from_utf8_lossy(&s.as_bytes()[..cut]).into_owned())
                }
            }
        }
    }
    fn exhausted(&self) -> bool {
        self.0.is_some_and(|l| l <= 0)
    }
}

/// Where following continues: the instance, its next line index, and whether it is complete.
pub type FollowFrom = (Instance, u64, bool);

/// Render the log of a pod as it is now (no follow): validation, container and instance
/// choice, since/tail/timestamps/limitBytes. Also returns the instance and the next line index
/// for following. `None` instance: the pod has no node yet (empty log).
pub fn snapshot(
    pod: &Value,
    o: &LogOptions,
    now: DateTime<Utc>,
) -> Result<(String, Option<FollowFrom>), ApiError> {
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    validate(name, o)?;
    if let Some(st) = &o.since_time {
        if parse_time(st).is_none() {
            return Err(ApiError::bad_request(format!(
                "parsing time \"{st}\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"{st}\" as \"2006\""
            )));
        }
    }
    let container = choose_container(pod, o.container.as_deref())?;
    if pod["spec"]["nodeName"].as_str().unwrap_or("").is_empty() {
        return Ok((String::new(), None));
    }
    let inst = resolve_instance(pod, &container, o.previous)?;
    let (all, complete) = lines_until(&inst, 0, now);
    let next = all
        .iter()
        .filter(|l| !l.text.contains(" ERROR ") || !complete)
        .count() as u64;
    let mut limit = Limit(o.limit_bytes);
    let mut out = String::new();
    for l in select(all, o, now) {
        match limit.take(render(&l, o.timestamps)) {
            Some(s) => out.push_str(&s),
            None => break,
        }
    }
    Ok((out, Some((inst, next, complete || limit.exhausted()))))
}

/// Validate the options against the pod and stream its log as text chunks; the receiver ends
/// when the log is complete (no follow) or, following, when the container stops or the pod goes.
pub fn stream(
    cluster: Arc<Cluster>,
    ns: &str,
    pod: &str,
    opts: LogOptions,
) -> Result<tokio::sync::mpsc::Receiver<bytes::Bytes>, ApiError> {
    let obj = cluster.get(&PODS, Some(ns), pod)?;
    let now = cluster.clock().now();
    let (text, follow_state) = snapshot(&obj, &opts, now)?;
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    let ns = ns.to_string();
    let pod = pod.to_string();
    let used = text.len() as i64;
    tokio::spawn(async move {
        for chunk in text.as_bytes().chunks(64 * 1024) {
            if tx.send(bytes::Bytes::copy_from_slice(chunk)).await.is_err() {
                return;
            }
        }
        let Some((inst, next, done)) = follow_state else {
            return;
        };
        if !opts.follow || done || opts.previous {
            return;
        }
        let limit = Limit(opts.limit_bytes.map(|l| l - used));
        follow(
            cluster,
            ns,
            pod,
            obj,
            inst,
            next,
            opts.timestamps,
            limit,
            tx,
        )
        .await;
    });
    Ok(rx)
}

#[allow(clippy::too_many_arguments)]
async fn follow(
    cluster: Arc<Cluster>,
    ns: String,
    pod: String,
    obj: Value,
    mut inst: Instance,
    mut next: u64,
    timestamps: bool,
    mut limit: Limit,
    tx: tokio::sync::mpsc::Sender<bytes::Bytes>,
) {
    let uid = obj["metadata"]["uid"].clone();
    let poll = std::time::Duration::from_millis(100);
    let mut last_check = std::time::Instant::now();
    loop {
        let now = cluster.clock().now();
        let mut stop = false;
        if last_check.elapsed() >= poll {
            last_check = std::time::Instant::now();
            match cluster.get(&PODS, Some(&ns), &pod) {
                Ok(p) if p["metadata"]["uid"] == uid => {
                    // Still the same instance? Else learn how it ended and stop after it.
                    match resolve_instance(&p, &inst.container, false) {
                        Ok(cur) if cur.started == inst.started => inst = cur,
                        _ => {
                            if let Ok(prev) = resolve_instance(&p, &inst.container, true) {
                                if prev.started == inst.started {
                                    inst = prev;
                                }
                            }
                            stop = true;
                        }
                    }
                }
                _ => stop = true,
            }
        }
        let (lines, complete) = lines_until(&inst, next, now);
        let mut out = String::new();
        for l in &lines {
            if !l.text.contains(" ERROR ") {
                next += 1;
            }
            match limit.take(render(l, timestamps)) {
                Some(s) => out.push_str(&s),
                None => break,
            }
        }
        if !out.is_empty() && tx.send(bytes::Bytes::from(out)).await.is_err() {
            return;
        }
        if stop || complete || limit.exhausted() {
            return;
        }
        let due = line(&inst, next).time;
        let wait = cluster
            .clock()
            .real_until(due)
            .clamp(std::time::Duration::from_millis(5), poll);
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = tx.closed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(s: &str) -> DateTime<Utc> {
        parse_time(s).unwrap()
    }

    fn pod() -> Value {
        json!({"metadata": {"name": "web-0", "namespace": "default", "uid": "u1"},
          "spec": {"nodeName": "sim-node-1",
                   "initContainers": [{"name": "init"}],
                   "containers": [{"name": "nginx"}, {"name": "side"}]},
          "status": {
            "initContainerStatuses": [{"name": "init", "restartCount": 0, "state": {"terminated": {
                "exitCode": 0, "reason": "Completed", "startedAt": "2025-01-01T00:00:00Z",
                "finishedAt": "2025-01-01T00:00:01Z", "containerID": "containerd://a"}}, "lastState": {}}],
            "containerStatuses": [
              {"name": "nginx", "restartCount": 0, "state": {"running": {"startedAt": "2025-01-01T00:00:02Z"}}, "lastState": {}},
              {"name": "side", "restartCount": 2, "state": {"waiting": {"reason": "CrashLoopBackOff"}},
               "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2025-01-01T00:00:10Z",
                  "finishedAt": "2025-01-01T00:00:12Z", "containerID": "containerd://b"}}}]}})
    }

    fn opts(c: &str) -> LogOptions {
        LogOptions {
            container: Some(c.into()),
            ..Default::default()
        }
    }

    #[test]
    fn container_errors_match_upstream() {
        let p = pod();
        let e = snapshot(&p, &LogOptions::default(), t("2025-01-01T00:01:00Z")).unwrap_err();
        assert_eq!(e.code, 400);
        assert_eq!(e.message, "a container name must be specified for pod web-0, choose one of: [nginx side] or one of the init containers: [init]");
        let e = snapshot(&p, &opts("x"), t("2025-01-01T00:01:00Z")).unwrap_err();
        assert_eq!(e.message, "container x is not valid for pod web-0");
        let e = snapshot(
            &p,
            &LogOptions {
                previous: true,
                ..opts("nginx")
            },
            t("2025-01-01T00:01:00Z"),
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "previous terminated container \"nginx\" in pod \"web-0\" not found"
        );
        let e = snapshot(
            &p,
            &LogOptions {
                since_seconds: Some(5),
                since_time: Some("2025-01-01T00:00:00Z".into()),
                ..opts("nginx")
            },
            t("2025-01-01T00:01:00Z"),
        )
        .unwrap_err();
        assert_eq!(e.code, 422);
        assert!(e
            .message
            .contains("at most one of `sinceTime` or `sinceSeconds` may be specified"));
        let mut waiting = p.clone();
        waiting["status"]["containerStatuses"][0]["state"] =
            json!({"waiting": {"reason": "ContainerCreating"}});
        let e = snapshot(&waiting, &opts("nginx"), t("2025-01-01T00:01:00Z")).unwrap_err();
        assert_eq!(
            e.message,
            "container \"nginx\" in pod \"web-0\" is waiting to start: ContainerCreating"
        );
    }

    #[test]
    fn lines_are_deterministic_and_steady() {
        let p = pod();
        let now = t("2025-01-01T00:00:12.950Z");
        let (a, _) = snapshot(&p, &opts("nginx"), now).unwrap();
        let (b, _) = snapshot(&p, &opts("nginx"), now).unwrap();
        assert_eq!(a, b);
        // started at :02, one line per second up to :12 -> 10 or 11 lines
        let n = a.lines().count();
        assert!((10..=11).contains(&n), "{a}");
        assert!(a
            .lines()
            .next()
            .unwrap()
            .contains("INFO [web-0/nginx] starting (instance 0)"));
        // tail
        let (tail, _) = snapshot(
            &p,
            &LogOptions {
                tail_lines: Some(3),
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        assert_eq!(
            tail.lines().collect::<Vec<_>>(),
            a.lines().skip(n - 3).collect::<Vec<_>>()
        );
        let (zero, _) = snapshot(
            &p,
            &LogOptions {
                tail_lines: Some(0),
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        assert_eq!(zero, "");
        // since
        let (since, _) = snapshot(
            &p,
            &LogOptions {
                since_seconds: Some(3),
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        assert!((2..=4).contains(&since.lines().count()), "{since}");
        let (st, _) = snapshot(
            &p,
            &LogOptions {
                since_time: Some("2025-01-01T00:00:10Z".into()),
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        assert!(st.lines().all(|l| &l[17..19] >= "10"), "{st}");
        // timestamps
        let (ts, _) = snapshot(
            &p,
            &LogOptions {
                timestamps: true,
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        let first = ts.lines().next().unwrap();
        let (stamp, rest) = first.split_once(' ').unwrap();
        assert!(parse_time(stamp).is_some(), "{stamp}");
        assert_eq!(rest, a.lines().next().unwrap());
        // limitBytes
        let (lim, _) = snapshot(
            &p,
            &LogOptions {
                limit_bytes: Some(10),
                ..opts("nginx")
            },
            now,
        )
        .unwrap();
        assert_eq!(lim, &a[..10]);
    }

    #[test]
    fn previous_and_crashed_instances() {
        let p = pod();
        let now = t("2025-01-01T00:01:00Z");
        let (prev, _) = snapshot(
            &p,
            &LogOptions {
                previous: true,
                ..opts("side")
            },
            now,
        )
        .unwrap();
        let (cur, _) = snapshot(&p, &opts("side"), now).unwrap();
        // waiting in CrashLoopBackOff: the current log is the last terminated instance's
        assert_eq!(prev, cur);
        assert!(prev.contains("(instance 1)"), "{prev}");
        assert!(prev.lines().last().unwrap().contains("exiting with code 1"));
        let (init, st) = snapshot(&p, &opts("init"), now).unwrap();
        assert!(!init.is_empty());
        assert!(st.unwrap().2, "terminated init container log is complete");
    }

    #[test]
    fn nano_format() {
        assert_eq!(
            rfc3339_nano(t("2025-01-01T00:00:01Z")),
            "2025-01-01T00:00:01Z"
        );
        assert_eq!(
            rfc3339_nano(t("2025-01-01T00:00:01.120Z")),
            "2025-01-01T00:00:01.12Z"
        );
    }
}
