//! `--wait`: follows a StatefulSet, its pods and its events ([`crate::kube::follow`], watches,
//! no polling) until a goal is reached, showing progress (an indicatif bar on a terminal, plain
//! lines otherwise). A rollout is judged by kubectl's StatefulSet status viewer
//! ([`rollout::status_viewer`]; OnDelete by its pods' revisions); a rollout that is stuck (a pod
//! in back-off, crashing, unschedulable, or one the controller fails to create) ends the wait
//! with exit code 3 and `get`'s diagnosis ([`stuck`]).

use jiff::Timestamp;
use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Event, Pod};
use tokio::time::Instant;

use crate::errors::{with_hint, WaitTimedOut};
use crate::kube::follow::Update;
use crate::kube::Kube;
use crate::manifest::rollout::{self, Viewer};
use crate::manifest::stuck;
use crate::manifest::validate;
use crate::render::progress::Progress;
use crate::render::status;
use crate::Ctx;

/// What the wait is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// kubectl's status viewer says done (OnDelete: every pod there is ready; the ones on an
    /// older template are named, as only their deletion updates them).
    Rollout,
    /// replicas == ready == desired.
    Scale,
    /// The StatefulSet and its pods are gone.
    Gone,
}

/// Parses `--timeout` (0 = none) into a deadline.
pub fn deadline(timeout: &str) -> Result<Option<Instant>> {
    let d = validate::duration(timeout).map_err(|e| anyhow!("--timeout {timeout:?}: {e}"))?;
    Ok((!d.is_zero()).then(|| Instant::now() + d))
}

/// Progress output (render::progress: the same bar for every --wait).
struct Show {
    bar: Progress,
    last_line: String,
    pod_states: BTreeMap<String, String>,
}

impl Show {
    fn new(ctx: &Ctx, goal: Goal) -> Show {
        let unit = (goal == Goal::Rollout).then_some("updated");
        Show {
            bar: Progress::new(ctx.stderr_tty, unit),
            last_line: String::new(),
            pod_states: BTreeMap::new(),
        }
    }

    fn line(&mut self, text: &str) {
        if self.last_line == text {
            return;
        }
        self.last_line = text.to_string();
        self.bar.println(text);
    }

    /// One line per pod state change (created, Pending, Running 1/1, Terminating, deleted).
    fn pod(&mut self, name: &str, state: Option<String>) {
        let text = state.clone().unwrap_or_else(|| "deleted".into());
        if self.pod_states.get(name) == Some(&text) {
            return;
        }
        match state {
            Some(s) => self.pod_states.insert(name.to_string(), s),
            None => self.pod_states.remove(name),
        };
        self.bar.println(&format!("pod {name}: {text}"));
    }

    fn status(&mut self, sts: &StatefulSet, pods: &BTreeMap<String, Pod>, goal: Goal) {
        let desired = rollout::desired(sts).max(0) as u64;
        let st = sts.status.clone().unwrap_or_default();
        let (updated, ready) = (
            st.updated_replicas.unwrap_or(0),
            st.ready_replicas.unwrap_or(0),
        );
        let busy = pods
            .values()
            .filter(|p| p.metadata.deletion_timestamp.is_some() || !stuck::is_ready(p))
            .min_by_key(|p| status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()))
            .map(|p| {
                format!(
                    ", waiting for {} ({})",
                    p.metadata.name.as_deref().unwrap_or_default(),
                    pod_state(p)
                )
            })
            .unwrap_or_default();
        if goal == Goal::Scale {
            let list: Vec<Pod> = pods.values().cloned().collect();
            self.bar.set(
                (ready.max(0) as u64).min(desired),
                desired,
                rollout::scale_progress(sts, &list),
            );
        } else {
            self.bar.set(
                updated.max(0) as u64,
                desired,
                format!("updated {updated}/{desired}, ready {ready}/{desired}{busy}"),
            );
        }
    }

    fn finish(&mut self) {
        self.bar.finish();
    }
}

/// The state word of a pod: kubectl's STATUS column plus READY, or Terminating.
fn pod_state(p: &Pod) -> String {
    if p.metadata.deletion_timestamp.is_some() {
        return "Terminating".into();
    }
    let (st, ready, _) = status::pod_status(p);
    format!("{st} {ready}")
}

/// Waits for `goal`.
pub async fn wait(
    kube: &Kube,
    name: &str,
    goal: Goal,
    deadline: Option<Instant>,
    ctx: &Ctx,
) -> Result<()> {
    wait_for(kube, name, goal, deadline, ctx, |_, _| None).await
}

/// The loop under [`wait`]: `check` sees the set and its pods after every change and, when it
/// returns `Some(done)`, decides instead of `goal`.
pub async fn wait_for(
    kube: &Kube,
    name: &str,
    goal: Goal,
    deadline: Option<Instant>,
    ctx: &Ctx,
    mut check: impl FnMut(&StatefulSet, &BTreeMap<String, Pod>) -> Option<bool>,
) -> Result<()> {
    let mut show = Show::new(ctx, goal);
    let result = run_loop(kube, name, goal, deadline, &mut show, &mut check, None).await;
    show.finish();
    result
}

/// Waits until the StatefulSet (as it was before its deletion) and its pods are gone.
pub async fn wait_gone(
    kube: &Kube,
    sts: &StatefulSet,
    deadline: Option<Instant>,
    ctx: &Ctx,
) -> Result<()> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let mut show = Show::new(ctx, Goal::Gone);
    let result = run_loop(
        kube,
        &name,
        Goal::Gone,
        deadline,
        &mut show,
        &mut |_, _| None,
        Some(sts.clone()),
    )
    .await;
    show.finish();
    result
}

async fn run_loop(
    kube: &Kube,
    name: &str,
    goal: Goal,
    deadline: Option<Instant>,
    show: &mut Show,
    check: &mut impl FnMut(&StatefulSet, &BTreeMap<String, Pod>) -> Option<bool>,
    last_sts: Option<StatefulSet>,
) -> Result<()> {
    // One GET first: a set that does not exist is an error (or, for Gone, the pods it left
    // are what is awaited), and its selector and UID choose the pods.
    let sts = match kube.get_statefulset(name).await {
        Ok(s) => Some(s),
        Err(e) if goal == Goal::Gone && crate::kube::is_reason(&e, "NotFound") => None,
        Err(e) => return Err(e),
    };
    let Some(base) = sts.as_ref().or(last_sts.as_ref()) else {
        return Ok(());
    };
    let selector = crate::commands::list::selector(base);
    let uid = base.metadata.uid.clone();
    // The set, its pods and (except for Gone) its events, each listed then watched; relists
    // on 410 and resumes after cuts with backoff (crate::kube::follow).
    let mut stream = Box::pin(kube.follow(name, &selector, uid, goal != Goal::Gone));
    let _notice = show.bar.connection_notice();
    let mut current = sts;
    let mut pods: BTreeMap<String, Pod> = BTreeMap::new();
    let mut events: Vec<Event> = Vec::new();
    let (mut set_listed, mut pods_listed) = (false, false);
    loop {
        // Without news for 10 s the state is judged again: a pod waiting on its configuration
        // changes nothing while the time that makes it stuck passes.
        let tick = tokio::time::Instant::now() + std::time::Duration::from_secs(10);
        let wake = deadline.map_or(tick, |d| d.min(tick));
        let next = match tokio::time::timeout_at(wake, stream.next()).await {
            Ok(n) => Some(n),
            Err(_) if deadline.is_some_and(|d| d <= tokio::time::Instant::now()) => {
                return Err(timed_out(
                    name,
                    &kube.namespace,
                    current.as_ref(),
                    &pods,
                    goal,
                ))
            }
            Err(_) => None,
        };
        match next {
            // The tick: nothing new, judge again below.
            None => {}
            Some(next) => match next {
                None => return Err(anyhow!("the watch of statefulset {name:?} ended")),
                Some(Err(e)) => return Err(e),
                Some(Ok(Update::Set(s))) => {
                    set_listed = true;
                    if s.is_none() && goal != Goal::Gone {
                        return Err(anyhow!("statefulset {name:?} was deleted while waiting"));
                    }
                    current = s;
                }
                Some(Ok(Update::Pods(list))) => {
                    pods_listed = true;
                    let fresh: BTreeMap<String, Pod> = list
                        .into_iter()
                        .map(|p| (p.metadata.name.clone().unwrap_or_default(), p))
                        .collect();
                    for gone in pods.keys().filter(|k| !fresh.contains_key(*k)) {
                        show.pod(gone, None);
                    }
                    for (pname, p) in &fresh {
                        show.pod(pname, Some(pod_state(p)));
                    }
                    pods = fresh;
                }
                Some(Ok(Update::Pod(p))) => {
                    let pname = p.metadata.name.clone().unwrap_or_default();
                    show.pod(&pname, Some(pod_state(&p)));
                    pods.insert(pname, p);
                }
                Some(Ok(Update::PodGone(p))) => {
                    let pname = p.metadata.name.clone().unwrap_or_default();
                    if pods.remove(&pname).is_some() {
                        show.pod(&pname, None);
                    }
                }
                Some(Ok(Update::Events(list))) => events = list,
                Some(Ok(Update::Event(e))) => {
                    events.retain(|o| o.metadata.uid != e.metadata.uid);
                    events.push(e);
                }
            },
        }
        if !(set_listed && pods_listed) {
            continue;
        }
        if let Some(true) = evaluate(
            kube,
            name,
            current.as_ref(),
            &pods,
            &events,
            goal,
            show,
            check,
        )
        .await?
        {
            return Ok(());
        }
    }
}

/// The set (`uid`) is the pod's controller (metav1.IsControlledBy): a pod that only carries
/// its labels (a bare pod, another owner's) is never counted as one of its pods.
fn owned_by(p: &Pod, uid: Option<&str>) -> bool {
    uid.is_none_or(|u| crate::manifest::controlled_by(&p.metadata, u))
}

/// `Some(true)` done, `Some(false)`/`None` not yet; an error when the rollout is stuck.
#[allow(clippy::too_many_arguments)]
async fn evaluate(
    kube: &Kube,
    name: &str,
    sts: Option<&StatefulSet>,
    pods: &BTreeMap<String, Pod>,
    events: &[Event],
    goal: Goal,
    show: &mut Show,
    check: &mut impl FnMut(&StatefulSet, &BTreeMap<String, Pod>) -> Option<bool>,
) -> Result<Option<bool>> {
    let Some(sts) = sts else {
        return Ok(Some(goal == Goal::Gone && pods.is_empty()));
    };
    if goal == Goal::Gone {
        return Ok(Some(false));
    }
    show.status(sts, pods, goal);
    let decided = check(sts, pods);
    let done = if let Some(d) = decided {
        d
    } else {
        match goal {
            Goal::Scale => {
                let list: Vec<Pod> = pods.values().cloned().collect();
                show.line(&rollout::scale_progress(sts, &list));
                // The pod watch may lag the set's: also wait until the pods seen agree.
                rollout::scale_done(sts) && pods.len() == rollout::desired(sts).max(0) as usize
            }
            Goal::Rollout => match rollout::status_viewer(sts) {
                Viewer::Waiting(m) => {
                    show.line(&m);
                    false
                }
                Viewer::Done(m) => {
                    show.line(&m);
                    true
                }
                Viewer::NotRolling(_) => {
                    // OnDelete: nothing rolls by itself (the controller replaces only deleted
                    // pods), so the wait is for the pods there are to be ready; the ones on an
                    // older template are named, not waited for.
                    let list: Vec<Pod> = pods.values().cloned().collect();
                    let behind = rollout::pods_behind(sts, &list);
                    if !behind.is_empty() && rollout::observed(sts) {
                        show.line(&format!(
                            "OnDelete: {} keep{} the old template until deleted",
                            behind.join(", "),
                            if behind.len() == 1 { "s" } else { "" }
                        ));
                    }
                    rollout::scale_done(sts) && pods.len() == rollout::desired(sts).max(0) as usize
                }
            },
            Goal::Gone => false,
        }
    };
    if done {
        return Ok(Some(true));
    }
    let list: Vec<Pod> = pods.values().cloned().collect();
    let now = Timestamp::now().max(stuck::newest_timestamp(sts, &list).unwrap_or_default());
    let threshold = jiff::SignedDuration::from_hours(365 * 24);
    let mut found = stuck::analyze(sts, &list, now, threshold);
    // What a pod waits for decides (one more round trip, only then), as in `get`: the
    // scheduler turns a pod down while its claims are provisioned (not stuck unless nothing
    // will bind them); a missing Secret or ConfigMap is created, not rolled back, and a pod
    // waiting on one is stuck at once.
    let judged_by_what_it_waits_for = match &found {
        Some(s) => s.reason == "Unschedulable" || s.reason == "CreateContainerConfigError",
        None => list.iter().any(|p| stuck::waits_on_config(p, now)),
    };
    if judged_by_what_it_waits_for {
        let seen = kube.what_pods_wait_for(sts, &list).await;
        found = found
            .and_then(|s| stuck::refine(s, &list, &seen, threshold))
            .or_else(|| stuck::config_stuck(sts, &list, &seen, now));
    }
    let found = found.or_else(|| stuck::failed_create(sts, &list, events, now));
    if let Some(s) = found {
        if s.definitive {
            // The same diagnosis as `get`, revisions by number (one more request, at the end).
            let numbers: BTreeMap<String, i64> = match kube.list_revisions(sts).await {
                Ok(revs) => revs
                    .into_iter()
                    .map(|r| (r.name().to_string(), r.number))
                    .collect(),
                Err(_) => BTreeMap::new(),
            };
            let (text, fix) = stuck::explain_numbered(name, &s, sts, &numbers);
            return Err(with_hint(
                anyhow!(WaitTimedOut(format!(
                    "the rollout of statefulset {name:?} is stuck: {text}"
                ))),
                fix,
            ));
        }
    }
    Ok(Some(false))
}

fn timed_out(
    name: &str,
    namespace: &str,
    sts: Option<&StatefulSet>,
    pods: &BTreeMap<String, Pod>,
    goal: Goal,
) -> anyhow::Error {
    let what = match (goal, sts) {
        (Goal::Gone, _) => format!("{} pods remain", pods.len()),
        (_, Some(s)) => {
            let st = s.status.clone().unwrap_or_default();
            format!(
                "{} updated, {} ready of {}",
                st.updated_replicas.unwrap_or(0),
                st.ready_replicas.unwrap_or(0),
                rollout::desired(s)
            )
        }
        (_, None) => "deleted".into(),
    };
    // The hint must work: once the set is deleted `get` finds nothing, so a pod that
    // remains is what to look at.
    let hint = match (goal, pods.keys().next()) {
        (Goal::Gone, Some(pod)) => {
            format!("see why it remains: kubectl describe pod {pod} -n {namespace}")
        }
        _ if sts.is_none() => format!("see what remains: kubectl get pods -n {namespace}"),
        _ => format!("see why with: kubectl statefulset get {name}"),
    };
    with_hint(
        anyhow!(WaitTimedOut(format!(
            "timed out waiting for statefulset {name:?}: {what}"
        ))),
        hint,
    )
}

/// `--restart-pods`: deletes the pods one at a time from the highest ordinal, each time
/// waiting until the pod of that name is back, at the update revision, Running and Ready.
pub async fn restart_pods(
    kube: &Kube,
    name: &str,
    deadline: Option<Instant>,
    ctx: &Ctx,
    dry_run: bool,
) -> Result<()> {
    let sts = kube.get_statefulset(name).await?;
    let uid = sts.metadata.uid.clone();
    let mut pods: Vec<Pod> = kube
        .list_pods(&sts)
        .await?
        .into_iter()
        .filter(|p| owned_by(p, uid.as_deref()))
        .collect();
    pods.sort_by_key(|p| {
        std::cmp::Reverse(status::pod_ordinal(
            p.metadata.name.as_deref().unwrap_or_default(),
        ))
    });
    for p in pods {
        let pname = p.metadata.name.clone().unwrap_or_default();
        let old_uid = p.metadata.uid.clone();
        kube.delete_pod(&pname, old_uid.as_deref(), dry_run).await?;
        eprintln!(
            "pod/{pname} deleted{}",
            if dry_run { " (server dry run)" } else { "" }
        );
        if dry_run {
            continue;
        }
        wait_for(kube, name, Goal::Rollout, deadline, ctx, |sts, pods| {
            let update = sts.status.as_ref().and_then(|s| s.update_revision.clone());
            let back = pods.get(&pname).is_some_and(|np| {
                np.metadata.uid != old_uid
                    && np.metadata.deletion_timestamp.is_none()
                    && stuck::is_ready(np)
                    && np
                        .metadata
                        .labels
                        .as_ref()
                        .and_then(|l| l.get("controller-revision-hash"))
                        == update.as_ref()
            });
            Some(back)
        })
        .await?;
    }
    Ok(())
}
