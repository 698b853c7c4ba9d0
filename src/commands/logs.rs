//! `logs NAME`: the pods' logs merged into one stream with a `[pod/container]` prefix.
//! Following opens one streaming connection per (pod, container), picks up new pods from the
//! follow stream's pod watch, and resumes a cut stream with `sinceTime` + de-duplication, also
//! after an API server restart (waiting for the server as long as it takes).

use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::{bail, Result};
use futures::{AsyncBufReadExt, StreamExt};
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::LogParams;
use tokio::sync::mpsc;

use super::list::selector;
use crate::cli::{LogsArgs, OutputFormat};
use crate::kube::follow::{Follow, Update};
use crate::kube::Kube;
use crate::manifest::observe::{self as logic, Dedupe};
use crate::Ctx;

/// One line of one stream.
#[derive(Debug, Clone)]
pub struct LogLine {
    pub pod: String,
    pub container: String,
    pub time: Option<Timestamp>,
    /// The stamp as the server wrote it.
    pub stamp: String,
    pub text: String,
}

struct Printer {
    json: bool,
    prefix: bool,
    timestamps: bool,
    color: bool,
    width: usize,
}

impl Printer {
    fn line(&mut self, l: &LogLine) -> String {
        if self.json {
            return serde_json::json!({
                "pod": l.pod, "container": l.container,
                "timestamp": l.stamp, "message": l.text,
            })
            .to_string();
        }
        let mut out = String::new();
        if self.prefix {
            let p = format!("[{}/{}]", l.pod, l.container);
            self.width = self.width.max(p.len());
            let padded = format!("{p:<w$} ", w = self.width);
            let colors = [
                console::Color::Cyan,
                console::Color::Green,
                console::Color::Yellow,
                console::Color::Magenta,
                console::Color::Blue,
                console::Color::Red,
            ];
            let style = console::Style::new()
                .fg(colors[logic::color_index(&l.pod)])
                .force_styling(self.color);
            out.push_str(&style.apply_to(padded).to_string());
        }
        if self.timestamps && !l.stamp.is_empty() {
            out.push_str(&l.stamp);
            out.push(' ');
        }
        out.push_str(&l.text);
        out
    }

    fn print(&mut self, l: &LogLine) -> Result<()> {
        let text = self.line(l);
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}")?;
        stdout.flush()?;
        Ok(())
    }
}

/// The containers to read in a pod: `-c`, `--all-containers` (the init containers, native
/// sidecars among them, the containers, then the ephemeral containers, as kubectl's
/// logsForObjectWithClient visits them; one not started is named as waiting), else the default
/// container (annotation, else the first).
fn containers(pod: &Pod, args: &LogsArgs, note_default: bool) -> Vec<String> {
    if let Some(c) = &args.container {
        return vec![c.clone()];
    }
    let spec = pod.spec.clone().unwrap_or_default();
    if args.all_containers {
        return spec
            .init_containers
            .unwrap_or_default()
            .into_iter()
            .map(|c| c.name)
            .chain(spec.containers.iter().map(|c| c.name.clone()))
            .chain(
                spec.ephemeral_containers
                    .iter()
                    .flatten()
                    .map(|c| c.name.clone()),
            )
            .collect();
    }
    // kubectl's podcmd.FindOrDefaultContainerByName: the annotated container when the pod has
    // it (silently), else the first container, noted when there is any other container
    // (init and ephemeral ones too), all named as AllContainerNames names them.
    let annotated = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("kubectl.kubernetes.io/default-container"))
        .filter(|n| spec.containers.iter().any(|c| &c.name == *n))
        .cloned();
    if annotated.is_some() {
        return annotated.into_iter().collect();
    }
    let default = spec.containers.first().map(|c| c.name.clone());
    let inits = spec.init_containers.clone().unwrap_or_default();
    let ephemeral = spec.ephemeral_containers.clone().unwrap_or_default();
    if note_default && (spec.containers.len() > 1 || !inits.is_empty() || !ephemeral.is_empty()) {
        if let Some(d) = &default {
            let all: Vec<String> = spec
                .containers
                .iter()
                .map(|c| c.name.clone())
                .chain(ephemeral.iter().map(|c| format!("{} (ephem)", c.name)))
                .chain(inits.iter().map(|c| format!("{} (init)", c.name)))
                .collect();
            eprintln!("Defaulted container {d:?} out of: {}", all.join(", "));
        }
    }
    default.into_iter().collect()
}

fn parse_line(pod: &str, container: &str, raw: &str) -> LogLine {
    match logic::split_timestamp(raw) {
        Some((t, rest)) => LogLine {
            pod: pod.into(),
            container: container.into(),
            time: Some(t),
            stamp: raw.split(' ').next().unwrap_or_default().to_string(),
            text: rest.to_string(),
        },
        None => LogLine {
            pod: pod.into(),
            container: container.into(),
            time: None,
            stamp: String::new(),
            text: raw.to_string(),
        },
    }
}

pub async fn run(args: LogsArgs, ctx: &Ctx) -> Result<()> {
    check_args(&args)?;
    let mut base = LogParams {
        previous: args.previous,
        timestamps: true,
        tail_lines: (args.tail >= 0).then_some(args.tail),
        ..Default::default()
    };
    if let Some(s) = &args.since {
        base.since_seconds = Some(logic::since_seconds(s)?);
    }
    if let Some(s) = &args.since_time {
        base.since_time = Some(logic::since_time(s)?);
    }
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name.clone(), ctx, &kube).await?;
    let sts = kube.get_statefulset(&name).await?;
    // Pods this user may not list: the pods the set's spec names (`NAME-<ordinal>`, their
    // containers from the template) are read by name, and it is said.
    let (pods, _, unlisted) = match kube.list_pods_rv(&sts).await {
        Ok((pods, rv)) => (pods, rv, false),
        Err(e) if crate::kube::is_forbidden(&e) => {
            eprintln!(
                "warning: the pods could not be listed, reading {name}-<ordinal> by name: {e}"
            );
            (pods_by_spec(&sts), String::new(), true)
        }
        Err(e) => return Err(e),
    };
    let chosen = logic::choose_pods(&name, &pods, args.pod.as_deref())?;
    if chosen.is_empty() && !args.follow {
        eprintln!("No pods found for statefulset {name}.");
        return Ok(());
    }
    let mut streams: Vec<(Pod, String)> = Vec::new();
    for (i, p) in chosen.iter().enumerate() {
        for c in containers(p, &args, i == 0) {
            streams.push(((*p).clone(), c));
        }
    }
    let mut printer = Printer {
        json: ctx.global.output == Some(OutputFormat::Json),
        prefix: !args.no_prefix,
        timestamps: args.timestamps,
        color: ctx.color,
        width: streams
            .iter()
            .map(|(p, c)| p.metadata.name.as_deref().unwrap_or_default().len() + c.len() + 3)
            .max()
            .unwrap_or(0),
    };

    if !args.follow || args.previous {
        return print_all(&kube, &streams, &base, &mut printer).await;
    }

    logic::check_max_log_requests(streams.len(), args.max_log_requests)?;
    let (tx, mut rx) = mpsc::channel::<LogLine>(1024);
    let mut started: HashSet<(String, String)> = HashSet::new();
    if unlisted {
        // Nothing to watch: each named stream is followed as long as it can be read.
        for (p, c) in &streams {
            let mut lp = base.clone();
            lp.container = Some(c.clone());
            lp.follow = true;
            tokio::spawn(follow_stream(
                kube.clone(),
                p.metadata.name.clone().unwrap_or_default(),
                String::new(),
                c.clone(),
                lp,
                tx.clone(),
            ));
        }
        drop(tx);
        while let Some(l) = rx.recv().await {
            printer.print(&l)?;
        }
        return Ok(());
    }
    for (p, c) in &streams {
        start_if_running(&kube, p, c, &base, &tx, &mut started, false);
        if !container_started(p, c) {
            eprintln!(
                "{}/{c} {}; followed once it starts",
                p.metadata.name.as_deref().unwrap_or_default(),
                waiting_reason(p, c)
            );
        }
    }
    let only = args.pod.as_ref().map(|_| {
        chosen
            .first()
            .and_then(|p| p.metadata.name.clone())
            .unwrap_or_default()
    });
    let _notice = crate::render::progress::Notice::spawn(std::io::stderr().is_terminal());
    tokio::spawn(watch_pods(kube.clone(), sts, only, args, base, tx, started));
    while let Some(l) = rx.recv().await {
        printer.print(&l)?;
    }
    Ok(())
}

/// The pods the set's spec names (ordinals from spec.ordinals.start, spec.replicas of them),
/// each with the template's spec: what can be read when the pods cannot be listed.
fn pods_by_spec(sts: &StatefulSet) -> Vec<Pod> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let start = crate::manifest::rollout::start_ordinal(sts);
    let n = crate::manifest::rollout::desired(sts).max(0);
    let template = sts
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    (start..start + n)
        .map(|o| Pod {
            metadata: kube::api::ObjectMeta {
                name: Some(format!("{name}-{o}")),
                annotations: template
                    .metadata
                    .as_ref()
                    .and_then(|m| m.annotations.clone()),
                ..Default::default()
            },
            spec: template.spec.clone(),
            status: None,
        })
        .collect()
}

/// Reads every stream to its end and prints the lines merged by time (each stream's order kept).
async fn print_all(
    kube: &Kube,
    streams: &[(Pod, String)],
    base: &LogParams,
    printer: &mut Printer,
) -> Result<()> {
    let reads = streams.iter().map(|(p, c)| {
        let pod = p.metadata.name.clone().unwrap_or_default();
        let mut lp = base.clone();
        lp.container = Some(c.clone());
        async move {
            let reader = kube.log_stream(&pod, &lp).await?;
            let mut lines = reader.lines();
            let mut out = Vec::new();
            while let Some(l) = lines.next().await {
                out.push(parse_line(&pod, c, &l?));
            }
            anyhow::Ok(out)
        }
    });
    let results = futures::future::join_all(reads).await;
    // A stream that cannot be read (a container waiting to start, no previous container with
    // --previous) does not hide the others: what can be shown is shown, and each stream that
    // could not be read is named on stderr with the server's reason. Only when no stream could
    // be read is it an error, with the server's message as kubectl prints it.
    let mut all = Vec::new();
    let mut failed: Vec<String> = Vec::new();
    let mut read = 0;
    for ((p, c), r) in streams.iter().zip(results) {
        match r {
            Ok(lines) => {
                read += 1;
                all.extend(lines);
            }
            Err(e) => failed.push(format!(
                "{}/{c}: {e:#}",
                p.metadata.name.as_deref().unwrap_or_default()
            )),
        }
    }
    // Stable: lines of one stream keep their order.
    all.sort_by_key(|l| l.time);
    for l in &all {
        printer.print(l)?;
    }
    if read == 0 {
        if let Some((first, rest)) = failed.split_first() {
            for f in rest {
                eprintln!("no logs from {f}");
            }
            let msg = first.split_once(": ").map(|(_, m)| m).unwrap_or(first);
            bail!("{msg}");
        }
    } else {
        for f in &failed {
            eprintln!("no logs from {f}");
        }
    }
    Ok(())
}

fn container_started(pod: &Pod, container: &str) -> bool {
    let st = pod.status.as_ref();
    st.and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            st.and_then(|s| s.init_container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
        .any(|c| {
            c.name == container
                && c.state
                    .as_ref()
                    .is_some_and(|s| s.running.is_some() || s.terminated.is_some())
        })
}

/// Whether `container` is an init container (not a native sidecar) that exited with 0.
fn init_completed(pod: &Pod, container: &str) -> bool {
    let sidecar = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_ref())
        .into_iter()
        .flatten()
        .any(|c| c.name == container && c.restart_policy.as_deref() == Some("Always"));
    !sidecar
        && pod
            .status
            .as_ref()
            .and_then(|s| s.init_container_statuses.as_ref())
            .into_iter()
            .flatten()
            .any(|c| {
                c.name == container
                    && c.state
                        .as_ref()
                        .and_then(|s| s.terminated.as_ref())
                        .is_some_and(|t| t.exit_code == 0)
            })
}

/// Why a container has not started: `is waiting to start: REASON` (the kubelet's words).
fn waiting_reason(pod: &Pod, container: &str) -> String {
    let st = pod.status.as_ref();
    let reason = st
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .chain(
            st.and_then(|s| s.init_container_statuses.as_ref())
                .into_iter()
                .flatten(),
        )
        .find(|c| c.name == container)
        .and_then(|c| c.state.as_ref()?.waiting.as_ref()?.reason.clone());
    match reason {
        Some(r) => format!("is waiting to start: {r}"),
        None => "has not started yet".to_string(),
    }
}

/// Starts following (pod, container) once its container has started (once per pod uid).
fn start_if_running(
    kube: &Kube,
    pod: &Pod,
    container: &str,
    base: &LogParams,
    tx: &mpsc::Sender<LogLine>,
    started: &mut HashSet<(String, String)>,
    announce: bool,
) {
    let uid = pod.metadata.uid.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    if pod.metadata.deletion_timestamp.is_some() || !container_started(pod, container) {
        return;
    }
    if !started.insert((uid.clone(), container.to_string())) {
        return;
    }
    if announce {
        eprintln!("Following pod {name} container {container}.");
    }
    let mut lp = base.clone();
    lp.container = Some(container.to_string());
    lp.follow = true;
    tokio::spawn(follow_stream(
        kube.clone(),
        name,
        uid,
        container.to_string(),
        lp,
        tx.clone(),
    ));
}

/// Follows one (pod, container): reconnects from the last line after a cut, ends with a note
/// when the pod is gone or replaced.
async fn follow_stream(
    kube: Kube,
    pod: String,
    uid: String,
    container: String,
    lp: LogParams,
    tx: mpsc::Sender<LogLine>,
) {
    let mut dedupe = Dedupe::default();
    let mut failures = 0u32;
    let mut pause = RECONNECT_FIRST;
    loop {
        let mut req = lp.clone();
        if let Some(t) = dedupe.resume_from() {
            req.since_time = Some(t);
            req.since_seconds = None;
            req.tail_lines = None;
        }
        match kube.log_stream(&pod, &req).await {
            Ok(reader) => {
                failures = 0;
                pause = RECONNECT_FIRST;
                let mut lines = reader.lines();
                while let Some(Ok(raw)) = lines.next().await {
                    let l = parse_line(&pod, &container, &raw);
                    let fresh = match l.time {
                        Some(t) => dedupe.admit(t, &l.text),
                        None => true,
                    };
                    if fresh && tx.send(l).await.is_err() {
                        return;
                    }
                }
            }
            // Forbidden to this user: said once; the other streams go on.
            Err(e) if crate::kube::is_forbidden(&e) => {
                eprintln!("no logs from {pod}/{container}: {e:#}");
                return;
            }
            // The server is away (a restart): wait for it as long as it takes; the notice on
            // stderr says so. Other failures end the stream after a while.
            Err(_) if crate::kube::conn::is_lost() => {}
            Err(e) => {
                failures += 1;
                if failures > 50 {
                    eprintln!("error: pod {pod} container {container}: {e:#}");
                    return;
                }
            }
        }
        // Why did it end? Gone or replaced pods end here; anything else reconnects.
        match kube.get_pod(&pod).await {
            Ok(None) => {
                eprintln!("Pod {pod} went away; its log stream ended.");
                return;
            }
            Ok(Some(p)) if !uid.is_empty() && p.metadata.uid.as_deref() != Some(uid.as_str()) => {
                eprintln!("Pod {pod} was replaced; its log stream ended.");
                return;
            }
            Ok(Some(p)) if p.metadata.deletion_timestamp.is_some() => {
                eprintln!("Pod {pod} is terminating; its log stream ended.");
                return;
            }
            // An init container (not a sidecar) that completed never runs again in this pod:
            // its stream is complete, nothing to reconnect to.
            Ok(Some(p)) if init_completed(&p, &container) => return,
            Ok(Some(_)) => pause = RECONNECT_FIRST,
            Err(_) => {}
        }
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(RECONNECT_MAX);
    }
}

/// The pause before a cut log stream is opened again: 250 ms, doubling while the server
/// does not answer, up to 5 s (as the follow stream's watches).
const RECONNECT_FIRST: Duration = Duration::from_millis(250);
const RECONNECT_MAX: Duration = Duration::from_secs(5);

/// Follows the StatefulSet's pods (the follow stream: one list+watch, resumed after a cut or a
/// server restart, relisted on 410) and starts streams for pods (or restarted containers)
/// that appear, those created while the server was away included.
async fn watch_pods(
    kube: Kube,
    sts: StatefulSet,
    only: Option<String>,
    args: LogsArgs,
    base: LogParams,
    tx: mpsc::Sender<LogLine>,
    mut started: HashSet<(String, String)>,
) {
    let what = Follow {
        pods: Some((selector(&sts), sts.metadata.uid.clone())),
        ..Default::default()
    };
    let name = sts.metadata.name.clone().unwrap_or_default();
    let mut pods = kube.follow_with(&name, &what).boxed();
    let wanted = |p: &Pod| {
        only.as_deref()
            .is_none_or(|o| p.metadata.name.as_deref() == Some(o))
    };
    while let Some(update) = pods.next().await {
        if tx.is_closed() {
            return;
        }
        let found = match update {
            Ok(Update::Pods(list)) => list,
            Ok(Update::Pod(p)) => vec![p],
            Ok(_) => continue,
            Err(e) => {
                eprintln!("error: watching the pods of statefulset {name}: {e:#}");
                return;
            }
        };
        for p in found.iter().filter(|p| wanted(p)) {
            for c in containers(p, &args, false) {
                start_if_running(&kube, p, &c, &base, &tx, &mut started, true);
            }
        }
    }
}

/// Refuses impossible combinations before any request.
pub fn check_args(args: &LogsArgs) -> Result<()> {
    if args.tail < -1 {
        bail!("--tail must be -1 (all) or a number of lines");
    }
    Ok(())
}
