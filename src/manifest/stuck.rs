//! Pure: is a StatefulSet's rollout stuck, on which pod, why, since when, and what recovers it.
//!
//! The classic case (kubernetes/kubernetes#67250): with podManagementPolicy OrderedReady the
//! controller waits for the replaced pod to be Running and Ready before touching the next one
//! (`stateful_set_control.go`, processReplica blocks on an unhealthy pod), so a pod of a broken
//! revision blocks the rollout forever, and even restoring the template does not help until that
//! pod is deleted.

use std::collections::BTreeMap;

use jiff::{SignedDuration as Duration, Timestamp};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;

use super::preflight::Reference;
use super::text::pod_ordinal;

/// Waiting reasons that mean the pod will not become ready by itself soon.
const BLOCKING: &[&str] = &[
    "ImagePullBackOff",
    "ErrImagePull",
    "CrashLoopBackOff",
    "InvalidImageName",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "ErrImageNeverPull",
];

/// A pod that holds up the StatefulSet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stuck {
    pub pod: String,
    pub uid: Option<String>,
    /// The revision name the pod runs (its controller-revision-hash label).
    pub revision: String,
    /// The pod runs the update revision (rolling back then deleting it recovers).
    pub on_update_revision: bool,
    /// ImagePullBackOff, CrashLoopBackOff, Unschedulable, ReadinessFailing, …
    pub reason: String,
    pub message: String,
    /// How long the pod has not been ready.
    pub for_: Duration,
    /// A back-off or scheduling failure, not just a slow start.
    pub definitive: bool,
    /// A revision that a ready pod of the set runs, other than the stuck pod's (the set's
    /// current revision when a ready pod runs it): the template a rollback can go back to.
    pub good_revision: Option<String>,
    /// A cause outside the template — a claim nothing binds, a Secret or ConfigMap that does
    /// not exist: (what is missing, what helps). Then neither the template nor a rollback is
    /// the cure. Set by [`refine`].
    pub cause: Option<(String, String)>,
}

/// The first (lowest ordinal) non-terminating pod of the set that is not ready and either is
/// in a blocking state or has not been ready for `threshold`. `None` when nothing is stuck.
pub fn analyze(
    sts: &StatefulSet,
    pods: &[Pod],
    now: Timestamp,
    threshold: Duration,
) -> Option<Stuck> {
    // Until the controller has observed the spec, its update revision is the old one and
    // nothing it will do is known yet.
    if !crate::manifest::rollout::observed(sts) {
        return None;
    }
    let update = sts
        .status
        .as_ref()
        .and_then(|s| s.update_revision.clone())
        .unwrap_or_default();
    let all = pods;
    let mut pods: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| !replaced_by_controller(sts, p, &update))
        .collect();
    pods.sort_by_key(|p| {
        pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(i64::MAX)
    });
    // OrderedReady waits on the first unready pod: it alone counts when merely slow; a
    // definitive failure (back-off, a crashed container, unschedulable) further up counts too,
    // as it holds the set as soon as the pods below it are ready.
    let ordered = !crate::manifest::rollout::is_parallel(sts);
    let mut first_unready = true;
    for p in pods {
        if is_ready(p) {
            continue;
        }
        let (reason, message, for_, mut definitive) = analyze_pod(p, now);
        // A crash-looping pod of an older revision is Running and Ready between two crashes
        // (without a readiness probe), and then the controller goes on and replaces it
        // (upstream's rolling update deletes an old-revision pod at or above the partition
        // whatever its health): it is about to go, not stuck, unless it stays unready for
        // the threshold. OnDelete replaces nothing by itself.
        if definitive
            && crashing(&reason)
            && !update.is_empty()
            && revision_of(p) != Some(update.as_str())
            && !crate::manifest::rollout::is_on_delete(sts)
            && pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(0)
                >= partition(sts)
        {
            definitive = false;
        }
        let counts = definitive || (for_ >= threshold && (first_unready || !ordered));
        first_unready = false;
        if counts {
            let revision = p
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("controller-revision-hash"))
                .cloned()
                .unwrap_or_default();
            return Some(Stuck {
                pod: p.metadata.name.clone().unwrap_or_default(),
                uid: p.metadata.uid.clone(),
                on_update_revision: !update.is_empty() && revision == update,
                good_revision: good_revision(sts, all, &revision),
                revision,
                reason,
                message,
                for_,
                definitive,
                cause: None,
            });
        }
    }
    None
}

/// Why a pod is not ready: (reason, message, for how long, definitive).
fn analyze_pod(p: &Pod, now: Timestamp) -> (String, String, Duration, bool) {
    let st = p.status.as_ref();
    let conds = st.and_then(|s| s.conditions.clone()).unwrap_or_default();
    let ready_since = conds
        .iter()
        .find(|c| c.type_ == "Ready")
        .and_then(|c| c.last_transition_time.as_ref().map(|t| t.0));
    let created = p.metadata.creation_timestamp.as_ref().map(|t| t.0);
    let since = ready_since.or(created).unwrap_or(now);
    let for_ = now.duration_since(since).max(Duration::ZERO);
    let mut reason = String::new();
    let mut message = String::new();
    let mut definitive = false;
    if let Some(c) = conds
        .iter()
        .find(|c| c.type_ == "PodScheduled" && c.status == "False")
    {
        reason = c.reason.clone().unwrap_or_else(|| "Unschedulable".into());
        message = c.message.clone().unwrap_or_default();
        definitive = reason == "Unschedulable";
    }
    if reason.is_empty() {
        let statuses = st
            .and_then(|s| s.init_container_statuses.clone())
            .unwrap_or_default()
            .into_iter()
            .chain(
                st.and_then(|s| s.container_statuses.clone())
                    .unwrap_or_default(),
            );
        for cs in statuses {
            if let Some(w) = cs.state.as_ref().and_then(|s| s.waiting.as_ref()) {
                let r = w.reason.clone().unwrap_or_default();
                if BLOCKING.contains(&r.as_str()) {
                    definitive = true;
                    message = format!(
                        "container {}: {}",
                        cs.name,
                        w.message.clone().unwrap_or_default()
                    )
                    .trim_end_matches([':', ' '])
                    .to_string();
                    reason = r;
                    break;
                }
            }
            // A container that crashed again (exited with an error after a restart): the
            // kubelet shows Error between two CrashLoopBackOff waits.
            if let Some(t) = cs.state.as_ref().and_then(|s| s.terminated.as_ref()) {
                if t.exit_code != 0 && cs.restart_count >= 1 {
                    definitive = true;
                    reason = t.reason.clone().unwrap_or_else(|| "Error".into());
                    message = format!(
                        "container {} exited with code {} after {} restart{}",
                        cs.name,
                        t.exit_code,
                        cs.restart_count,
                        if cs.restart_count == 1 { "" } else { "s" }
                    );
                    break;
                }
            }
        }
    }
    if reason.is_empty() {
        let phase = st.and_then(|s| s.phase.clone()).unwrap_or_default();
        if phase == "Running" {
            reason = "ReadinessFailing".into();
            message = "running, but the readiness probe fails".into();
        } else {
            reason = if phase.is_empty() {
                "Pending".into()
            } else {
                phase
            };
            message = "not running yet".into();
        }
    }
    (reason, message, for_, definitive)
}

/// A reason of `analyze_pod` that means the container starts and then crashes.
fn crashing(reason: &str) -> bool {
    !matches!(
        reason,
        "ImagePullBackOff"
            | "ErrImagePull"
            | "InvalidImageName"
            | "CreateContainerConfigError"
            | "CreateContainerError"
            | "RunContainerError"
            | "ErrImageNeverPull"
            | "Unschedulable"
    )
}

fn revision_of(p: &Pod) -> Option<&str> {
    p.metadata
        .labels
        .as_ref()
        .and_then(|l| l.get("controller-revision-hash"))
        .map(String::as_str)
}

/// A pod the controller replaces by itself, so it cannot hold the set up: with RollingUpdate
/// and Parallel pod management, a pod not on the update revision at or above the partition
/// is deleted and recreated whatever its health (upstream updateStatefulSet's rolling-update
/// loop; with OrderedReady processReplica waits on any unready pod first, so it blocks).
fn replaced_by_controller(sts: &StatefulSet, p: &Pod, update: &str) -> bool {
    use crate::manifest::rollout;
    if rollout::is_on_delete(sts) || !rollout::is_parallel(sts) || update.is_empty() {
        return false;
    }
    let ordinal = pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(0);
    revision_of(p) != Some(update) && ordinal >= partition(sts)
}

/// The RollingUpdate partition (0 when none).
fn partition(sts: &StatefulSet) -> i64 {
    sts.spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
        .unwrap_or(0) as i64
}

/// A revision other than `bad` that a ready, non-terminating pod runs; the set's current
/// revision first.
fn good_revision(sts: &StatefulSet, pods: &[Pod], bad: &str) -> Option<String> {
    let ready: Vec<&str> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && is_ready(p))
        .filter_map(revision_of)
        .filter(|r| *r != bad)
        .collect();
    let current = sts
        .status
        .as_ref()
        .and_then(|s| s.current_revision.as_deref());
    current
        .filter(|c| ready.contains(c))
        .or_else(|| ready.first().copied())
        .map(str::to_string)
}

/// The pods that hold an OrderedReady set after a rollback to `target`: every pod that is
/// not ready and runs another revision, by ordinal. Upstream's processReplica waits on any
/// unready pod before the rolling update replaces it, so restoring the template alone never
/// replaces them (kubernetes/kubernetes#67250); with Parallel pod management the controller
/// does. Empty when nothing blocks.
pub fn blocking_after_rollback(sts: &StatefulSet, pods: &[Pod], target: &str) -> Vec<Stuck> {
    if crate::manifest::rollout::is_parallel(sts) {
        return Vec::new();
    }
    let mut live: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && !is_ready(p))
        .filter(|p| revision_of(p) != Some(target))
        .collect();
    live.sort_by_key(|p| pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()));
    live.into_iter()
        .map(|p| {
            // Why it is not ready, as `analyze` says it (at any age).
            let (reason, message, for_, definitive) = analyze_pod(p, Timestamp::now());
            Stuck {
                pod: p.metadata.name.clone().unwrap_or_default(),
                uid: p.metadata.uid.clone(),
                on_update_revision: false,
                good_revision: Some(target.to_string()),
                revision: revision_of(p).unwrap_or_default().to_string(),
                reason,
                message,
                for_,
                definitive,
                cause: None,
            }
        })
        .collect()
}

/// A pod the controller fails to create, from its Warning `FailedCreate` event on the set
/// (upstream recordPodEvent in pkg/controller/statefulset/stateful_pod_control.go: message
/// "create Pod NAME in StatefulSet SET failed error: ..."). Only a pod that is still missing
/// counts, and only an event of this set (by UID) seen since the newest pod was created:
/// an old, since resolved failure says nothing. The newest such event wins.
pub fn failed_create(
    sts: &StatefulSet,
    pods: &[Pod],
    events: &[k8s_openapi::api::core::v1::Event],
    now: Timestamp,
) -> Option<Stuck> {
    use crate::manifest::observe::{event_first_time, event_last_time};
    let set = sts.metadata.name.as_deref().unwrap_or_default();
    let uid = sts.metadata.uid.as_deref();
    let newest_pod = pods
        .iter()
        .filter_map(|p| p.metadata.creation_timestamp.as_ref().map(|t| t.0))
        .max();
    let created = sts.metadata.creation_timestamp.as_ref().map(|t| t.0);
    let mut found: Option<(Timestamp, Stuck)> = None;
    for ev in events {
        if ev.reason.as_deref() != Some("FailedCreate")
            || ev.type_.as_deref() != Some("Warning")
            || ev.involved_object.kind.as_deref() != Some("StatefulSet")
            || ev.involved_object.name.as_deref() != Some(set)
            || (uid.is_some()
                && ev.involved_object.uid.is_some()
                && ev.involved_object.uid.as_deref() != uid)
        {
            continue;
        }
        let message = ev.message.clone().unwrap_or_default();
        let Some(rest) = message.strip_prefix("create Pod ") else {
            continue;
        };
        let Some((pod, error)) = rest.split_once(&format!(" in StatefulSet {set} failed error: "))
        else {
            continue;
        };
        let Some(last) = event_last_time(ev) else {
            continue;
        };
        if newest_pod.is_some_and(|t| t > last) || created.is_some_and(|t| t > last) {
            continue;
        }
        if pods.iter().any(|p| p.metadata.name.as_deref() == Some(pod)) {
            continue;
        }
        if found.as_ref().is_some_and(|(t, _)| *t >= last) {
            continue;
        }
        let first = event_first_time(ev).unwrap_or(last);
        let update = sts
            .status
            .as_ref()
            .and_then(|s| s.update_revision.clone())
            .unwrap_or_default();
        found = Some((
            last,
            Stuck {
                pod: pod.to_string(),
                uid: None,
                on_update_revision: true,
                good_revision: None,
                revision: update,
                reason: "FailedCreate".into(),
                message: error.to_string(),
                for_: now.duration_since(first).max(Duration::ZERO),
                definitive: true,
                cause: None,
            },
        ));
    }
    found.map(|(_, s)| s)
}

/// The claims a pod mounts (spec.volumes[].persistentVolumeClaim.claimName), in order.
pub fn claim_names(p: &Pod) -> Vec<String> {
    p.spec
        .iter()
        .flat_map(|s| s.volumes.iter().flatten())
        .filter_map(|v| v.persistent_volume_claim.as_ref())
        .map(|c| c.claim_name.clone())
        .collect()
}

/// Pods that the scheduler has turned down (PodScheduled False, reason Unschedulable) and that
/// mount claims: the only ones whose claims [`refine_claims`] needs to see.
pub fn unschedulable_with_claims(pods: &[Pod]) -> Vec<&Pod> {
    pods.iter()
        .filter(|p| {
            p.status
                .as_ref()
                .and_then(|s| s.conditions.as_ref())
                .is_some_and(|cs| {
                    cs.iter().any(|c| {
                        c.type_ == "PodScheduled"
                            && c.status == "False"
                            && c.reason.as_deref() == Some("Unschedulable")
                    })
                })
        })
        .filter(|p| !claim_names(p).is_empty())
        .collect()
}

/// What the cluster holds of what a stuck pod waits for: the claims of unschedulable pods by
/// name (`None`: not found), the StorageClasses (`None`: not readable), and the set's Secret
/// and ConfigMap references that are missing (`None`: not read).
#[derive(Debug, Clone, Default)]
pub struct Seen {
    pub claims: BTreeMap<String, Option<PersistentVolumeClaim>>,
    pub classes: Option<Vec<StorageClass>>,
    pub missing_refs: Option<Vec<(Reference, bool)>>,
}

/// A pod whose container waits on its configuration: CreateContainerConfigError (an env
/// reference), or ContainerCreating for over 10 seconds since it was scheduled (perhaps a
/// volume that cannot be mounted, FailedMount). The only pods whose references [`refine`]
/// needs.
pub fn waits_on_config(p: &Pod, now: Timestamp) -> bool {
    let st = p.status.as_ref();
    let waiting = |reason: &str| {
        st.iter()
            .flat_map(|s| {
                s.init_container_statuses
                    .iter()
                    .flatten()
                    .chain(s.container_statuses.iter().flatten())
            })
            .any(|c| {
                c.state
                    .as_ref()
                    .and_then(|s| s.waiting.as_ref())
                    .and_then(|w| w.reason.as_deref())
                    == Some(reason)
            })
    };
    let scheduled_long_ago = st
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| {
            cs.iter()
                .find(|c| c.type_ == "PodScheduled" && c.status == "True")
        })
        .and_then(|c| c.last_transition_time.as_ref())
        .is_some_and(|t| now.duration_since(t.0) >= Duration::from_secs(10));
    waiting("CreateContainerConfigError") || (waiting("ContainerCreating") && scheduled_long_ago)
}

/// [`refine_claims`], then [`refine_references`].
pub fn refine(s: Stuck, pods: &[Pod], seen: &Seen, threshold: Duration) -> Option<Stuck> {
    refine_claims(s, pods, seen, threshold).map(|s| refine_references(s, pods, seen))
}

/// The first pod (by ordinal) that waits on its configuration while `seen` shows objects
/// it mounts or reads missing: stuck now, before any threshold, since nothing but creating
/// them lets it start.
pub fn config_stuck(sts: &StatefulSet, pods: &[Pod], seen: &Seen, now: Timestamp) -> Option<Stuck> {
    if seen.missing_refs.as_ref().is_none_or(|m| m.is_empty()) {
        return None;
    }
    let mut waiting: Vec<&Pod> = pods
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none() && waits_on_config(p, now))
        .collect();
    waiting.sort_by_key(|p| {
        pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(i64::MAX)
    });
    waiting.into_iter().find_map(|p| {
        let s = analyze(sts, std::slice::from_ref(p), now, Duration::ZERO)?;
        let s = refine_references(s, pods, seen);
        s.cause.is_some().then_some(s)
    })
}

/// The pod `s` is about, among `pods`.
fn stuck_pod<'a>(s: &Stuck, pods: &'a [Pod]) -> Option<&'a Pod> {
    pods.iter()
        .find(|p| p.metadata.name.as_deref() == Some(s.pod.as_str()))
}

/// A pod stuck on configuration the namespace lacks: CreateContainerConfigError for an
/// environment reference, a pod still Pending (ContainerCreating: FailedMount) for a volume
/// one. The kubelet retries both by itself (pkg/kubelet/kubelet_pods.go, volumemanager), so
/// creating the object is the cure — no template change, no rollback, no pod deletion.
pub fn refine_references(s: Stuck, pods: &[Pod], seen: &Seen) -> Stuck {
    let Some(missing) = seen.missing_refs.as_ref() else {
        return s;
    };
    let volume = match s.reason.as_str() {
        "CreateContainerConfigError" => false,
        "Pending" => true,
        _ => return s,
    };
    // By object: its kind and name, whether it exists, the keys it lacks.
    let mut objects: BTreeMap<(bool, &str), (bool, Vec<&str>)> = BTreeMap::new();
    for (r, found) in missing.iter().filter(|(r, _)| r.volume == volume) {
        let e = objects
            .entry((r.secret, r.name.as_str()))
            .or_insert((*found, Vec::new()));
        if let Some(k) = r.key.as_deref() {
            if !e.1.contains(&k) {
                e.1.push(k);
            }
        }
    }
    if objects.is_empty() {
        return s;
    }
    let keys = |ks: &[&str]| {
        format!(
            "key{} {}",
            if ks.len() == 1 { "" } else { "s" },
            ks.join(", ")
        )
    };
    let mut what = Vec::new();
    let mut todo = Vec::new();
    for ((secret, name), (found, ks)) in &objects {
        let (kind, title) = if *secret {
            ("secret", "Secret")
        } else {
            ("configmap", "ConfigMap")
        };
        if *found {
            what.push(format!("{kind} {name:?} lacks {}", keys(ks)));
            todo.push(format!("add {} to {title} {name}", keys(ks)));
        } else {
            what.push(format!("{kind} {name:?} not found"));
            todo.push(if ks.is_empty() {
                format!("create {title} {name}")
            } else {
                format!("create {title} {name} with {}", keys(ks))
            });
        }
    }
    let ns = stuck_pod(&s, pods)
        .and_then(|p| p.metadata.namespace.as_deref())
        .unwrap_or("default");
    let fix = format!(
        "{} in namespace {ns}: the kubelet retries by itself, no pod needs deleting",
        todo.join(", ")
    );
    Stuck {
        cause: Some((what.join("; "), fix)),
        definitive: true,
        ..s
    }
}

/// An unschedulable pod whose claims explain it. A claim that is Bound is not the cause, nor
/// one whose class binds on the first consumer (it waits for the pod). A Pending claim whose
/// class exists and binds immediately is being provisioned (the scheduler retries once it is
/// bound: pkg/scheduler/framework/plugins/volumebinding), so the pod is not stuck until
/// `threshold` passes; a missing claim is recreated by the controller for a pending pod
/// (stateful_set_control.go processReplica, createMissingPersistentVolumeClaims). A Pending
/// claim that nothing will bind — its class does not exist, it names none and no class is the
/// default, or it asks for no class (`""`, a PersistentVolume made for it) — blocks the pod,
/// and the cure is in the cluster's storage, not in the template: claim templates cannot be
/// changed on a live StatefulSet, and a rollback would recreate the pod on the same claim.
/// Other stuck pods are returned unchanged; `None` when the pod is only waiting for its claims.
pub fn refine_claims(s: Stuck, pods: &[Pod], seen: &Seen, threshold: Duration) -> Option<Stuck> {
    if s.reason != "Unschedulable" {
        return Some(s);
    }
    let Some(pod) = stuck_pod(&s, pods) else {
        return Some(s);
    };
    let ns = pod.metadata.namespace.as_deref().unwrap_or("default");
    let mut waiting = Vec::new();
    for name in claim_names(pod) {
        let Some(found) = seen.claims.get(&name) else {
            continue;
        };
        let Some(pvc) = found else {
            // The controller creates it again for a pending pod: waiting, like provisioning.
            waiting.push(name);
            continue;
        };
        let phase = pvc.status.as_ref().and_then(|s| s.phase.as_deref());
        if phase != Some("Pending") {
            continue;
        }
        let class = pvc.spec.as_ref().and_then(|s| s.storage_class_name.clone());
        let classes = seen.classes.as_deref();
        let blocked = match (&class, classes) {
            (Some(c), _) if c.is_empty() => Some((
                format!("claim {name} is Pending: it asks for no StorageClass (storageClassName \"\"), so only a PersistentVolume made for it can bind it"),
                format!("create a PersistentVolume that matches claim {name} (kubectl describe pvc {name} -n {ns}); no template change or rollback binds it"),
            )),
            (Some(c), Some(cs)) if !cs.iter().any(|k| k.metadata.name.as_deref() == Some(c.as_str())) => Some((
                format!("claim {name} is Pending: StorageClass {c:?} does not exist"),
                format!("create StorageClass {c} (kubectl get storageclass lists those there are); the claim template cannot be changed on a live StatefulSet, and a rollback recreates the pod on the same claim"),
            )),
            (None, Some(cs)) if !cs.iter().any(super::preflight::is_default_class) => Some((
                format!("claim {name} is Pending: it names no StorageClass and none is the default"),
                "mark a StorageClass as the default (annotation storageclass.kubernetes.io/is-default-class=true): claims without a class get it (Kubernetes 1.28 and later)".to_string(),
            )),
            _ => None,
        };
        if let Some((why, fix)) = blocked {
            return Some(Stuck {
                cause: Some((why, fix)),
                definitive: true,
                ..s
            });
        }
        // A WaitForFirstConsumer claim waits for the pod to be scheduled, not the other way
        // round: the scheduler's other reasons are the cause.
        let delayed = classes.and_then(|cs| {
            cs.iter()
                .find(|k| k.metadata.name.as_deref() == class.as_deref())
                .map(|k| k.volume_binding_mode.as_deref() == Some("WaitForFirstConsumer"))
        });
        if delayed == Some(true) {
            continue;
        }
        waiting.push(name);
    }
    if waiting.is_empty() {
        return Some(s);
    }
    // Provisioning: not stuck until it has taken `threshold`; then say so, with where to look.
    if s.for_ < threshold {
        return None;
    }
    let why = format!(
        "claim{} {} not bound yet",
        if waiting.len() == 1 { "" } else { "s" },
        waiting.join(", ")
    );
    let fix = format!(
        "see why the claim is not bound: kubectl describe pvc {} -n {ns}",
        waiting[0]
    );
    Some(Stuck {
        cause: Some((why, fix)),
        definitive: false,
        ..s
    })
}

/// Ready condition True and phase Running.
pub fn is_ready(p: &Pod) -> bool {
    let st = p.status.as_ref();
    st.and_then(|s| s.phase.as_deref()) == Some("Running")
        && st
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The newest timestamp found in the objects: a floor for "now" when the client's clock is
/// behind the server's.
pub fn newest_timestamp(sts: &StatefulSet, pods: &[Pod]) -> Option<Timestamp> {
    let mut ts: Vec<Timestamp> = sts
        .metadata
        .creation_timestamp
        .iter()
        .map(|t| t.0)
        .collect();
    for p in pods {
        ts.extend(p.metadata.creation_timestamp.iter().map(|t| t.0));
        if let Some(st) = &p.status {
            ts.extend(st.start_time.iter().map(|t| t.0));
            for c in st.conditions.iter().flatten() {
                ts.extend(c.last_transition_time.iter().map(|t| t.0));
            }
        }
    }
    ts.into_iter().max()
}

/// The human explanation and the recovering command.
pub fn explain(sts_name: &str, s: &Stuck, sts: &StatefulSet) -> (String, String) {
    explain_numbered(sts_name, s, sts, &BTreeMap::new())
}

/// [`explain`] naming revisions by their numbers when known (revision name → number):
/// `revision 2 (59b8f57)`. The recovering command is one that helps:
/// - a pod of the update revision while ready pods run another one: `rollback` to that one,
///   by number (never to a revision no pod has shown to work);
/// - a pod of the update revision and no other working revision: fix the template (a
///   rollback would go to a template no ready pod runs);
/// - a pod of an older revision: delete it, the controller recreates it from the update
///   revision (OrderedReady never replaces an unready pod by itself);
/// - a pod the controller cannot create: what its error says.
pub fn explain_numbered(
    sts_name: &str,
    s: &Stuck,
    sts: &StatefulSet,
    numbers: &BTreeMap<String, i64>,
) -> (String, String) {
    let ordered = !crate::manifest::rollout::is_parallel(sts);
    let how_long = super::text::human_duration(s.for_);
    let named = |rev: &str| {
        let hash = super::text::revision_hash(sts_name, rev);
        match numbers.get(rev) {
            Some(n) => format!("{n} ({hash})"),
            None => hash.to_string(),
        }
    };
    let ns = sts.metadata.namespace.as_deref().unwrap_or("default");
    if s.reason == "FailedCreate" {
        let text = format!(
            "pod {} (revision {}) cannot be created: {} (FailedCreate for {how_long})",
            s.pod,
            named(&s.revision),
            s.message
        );
        let fix = if s.message.contains("must be no more than 63 characters") {
            format!(
                "the name is too long for the pods' controller-revision-hash label: create the StatefulSet again with a name of at most {} characters",
                crate::manifest::validate::MAX_STATEFULSET_NAME_FOR_PODS
            )
        } else {
            format!("remove the cause above; the controller retries by itself (kubectl statefulset events {sts_name})")
        };
        return (text, fix);
    }
    let mut text = format!(
        "pod {} (revision {}) is not ready: {} for {how_long}",
        s.pod,
        named(&s.revision),
        s.reason
    );
    if !s.message.is_empty() {
        text.push_str(&format!(" ({})", s.message));
    }
    if let Some((why, _)) = &s.cause {
        text.push_str(&format!("; {why}"));
    }
    if ordered {
        text.push_str("; with OrderedReady the controller waits for it before going on");
    }
    if let Some((_, fix)) = &s.cause {
        return (text, fix.clone());
    }
    let fix = match (&s.good_revision, s.on_update_revision) {
        (Some(good), true) => match numbers.get(good) {
            Some(n) => format!(
                "kubectl statefulset rollback {sts_name} --to-revision {n}   (back to the template the ready pods run; deletes the stuck pod)"
            ),
            None => format!(
                "roll back to revision {} (the template the ready pods run): kubectl statefulset revisions {sts_name}, then rollback --to-revision N",
                named(good)
            ),
        },
        (None, true) => {
            let mut f = format!(
                "fix the pod template: kubectl statefulset edit-yaml {sts_name} (no other revision runs ready pods to go back to)"
            );
            if ordered {
                f.push_str(&format!(", then delete the pod: kubectl delete pod {} -n {ns}", s.pod));
            }
            f
        }
        (_, false) => format!(
            "kubectl delete pod {} -n {ns}   (the controller recreates it from the update revision)",
            s.pod
        ),
    };
    (text, fix)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sts(policy: &str) -> StatefulSet {
        serde_json::from_value(json!({"metadata": {"name": "web", "generation": 2},
            "spec": {"selector": {}, "template": {}, "serviceName": "web", "podManagementPolicy": policy},
            "status": {"replicas": 3, "observedGeneration": 2, "currentRevision": "web-1", "updateRevision": "web-2"}}))
        .unwrap()
    }

    fn pod(name: &str, rev: &str, ready: bool, waiting: Option<&str>, since: &str) -> Pod {
        let mut v = json!({"metadata": {"name": name, "uid": format!("u-{name}"), "labels": {"controller-revision-hash": rev},
                "creationTimestamp": "2026-01-01T00:00:00Z"},
            "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": if ready {"True"} else {"False"}, "lastTransitionTime": since}],
                "containerStatuses": [{"name": "web", "image": "x", "imageID": "", "ready": ready, "restartCount": 0, "state": {"running": {}}}]}});
        if let Some(r) = waiting {
            v["status"]["phase"] = json!("Pending");
            v["status"]["containerStatuses"][0]["state"] = json!({"waiting": {"reason": r, "message": "Back-off pulling image \"nginx:bad\""}});
        }
        serde_json::from_value(v).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse::<Timestamp>().unwrap()
    }

    #[test]
    fn image_pull_back_off_is_stuck_at_once() {
        let pods = vec![
            pod("web-0", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod("web-1", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-2",
                "web-2",
                false,
                Some("ImagePullBackOff"),
                "2026-01-01T00:01:00Z",
            ),
        ];
        let s = analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:03:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.pod, "web-2");
        assert_eq!(s.reason, "ImagePullBackOff");
        assert!(s.on_update_revision && s.definitive);
        assert_eq!(s.for_, Duration::from_mins(2));
        let numbers: BTreeMap<String, i64> =
            [("web-1".to_string(), 1), ("web-2".to_string(), 2)].into();
        let (text, fix) = explain("web", &s, &sts("OrderedReady"));
        assert!(
            fix.starts_with("roll back to revision 1 (the template"),
            "{fix}"
        );
        let (_, fix) = explain_numbered("web", &s, &sts("OrderedReady"), &numbers);
        assert!(
            text.starts_with("pod web-2 (revision 2) is not ready: ImagePullBackOff for 2m"),
            "{text}"
        );
        assert!(
            fix.starts_with("kubectl statefulset rollback web --to-revision 1 "),
            "{fix}"
        );
        let (text, _) = explain_numbered(
            "web",
            &s,
            &sts("OrderedReady"),
            &[("web-2".to_string(), 2)].into(),
        );
        assert!(
            text.starts_with("pod web-2 (revision 2 (2)) is not ready"),
            "{text}"
        );
    }

    #[test]
    fn readiness_failing_needs_the_threshold() {
        let pods = vec![pod("web-0", "web-2", false, None, "2026-01-01T00:00:00Z")];
        assert!(analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
        let s = analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:06:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.reason, "ReadinessFailing");
        assert!(!s.definitive);
    }

    #[test]
    fn healthy_set_is_not_stuck() {
        let pods = vec![pod("web-0", "web-2", true, None, "2026-01-01T00:00:00Z")];
        assert!(analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-02T00:00:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
        // OrderedReady: a slow first pod is no failure; a back-off further up is (it holds
        // the set once the pods below are ready), and Parallel looks at every pod.
        let slow = vec![
            pod("web-0", "web-2", false, None, "2026-01-01T00:00:00Z"),
            pod("web-1", "web-2", false, None, "2026-01-01T00:00:00Z"),
        ];
        assert!(analyze(
            &sts("OrderedReady"),
            &slow,
            at("2026-01-01T00:00:10Z"),
            Duration::from_mins(5)
        )
        .is_none());
        let pods = vec![
            pod("web-0", "web-2", false, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-1",
                "web-2",
                false,
                Some("CrashLoopBackOff"),
                "2026-01-01T00:00:00Z",
            ),
        ];
        assert_eq!(
            analyze(
                &sts("OrderedReady"),
                &pods,
                at("2026-01-01T00:00:10Z"),
                Duration::from_mins(5)
            )
            .unwrap()
            .pod,
            "web-1"
        );
        assert_eq!(
            analyze(
                &sts("Parallel"),
                &pods,
                at("2026-01-01T00:00:10Z"),
                Duration::from_mins(5)
            )
            .unwrap()
            .pod,
            "web-1"
        );
    }
    #[test]
    fn advice_only_when_it_helps() {
        // One revision, every pod failing: no rollback (there is nothing that works to go
        // back to), fix the template and, with OrderedReady, delete the pod.
        let mut one = sts("OrderedReady");
        one.status.as_mut().unwrap().current_revision = Some("web-2".into());
        let pods = vec![pod(
            "web-0",
            "web-2",
            false,
            Some("CrashLoopBackOff"),
            "2026-01-01T00:00:00Z",
        )];
        let s = analyze(
            &one,
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.good_revision, None);
        let (_, fix) = explain("web", &s, &one);
        assert!(!fix.contains("rollback"), "{fix}");
        assert!(
            fix.starts_with("fix the pod template: kubectl statefulset edit-yaml web")
                && fix.ends_with("then delete the pod: kubectl delete pod web-0 -n default"),
            "{fix}"
        );

        // A crash-looping pod of an older revision (after a rollback) is Ready between two
        // crashes and then replaced by the controller: not stuck (before the threshold).
        let crashing = vec![
            pod("web-0", "web-2", true, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-1",
                "web-1",
                false,
                Some("CrashLoopBackOff"),
                "2026-01-01T00:00:00Z",
            ),
        ];
        assert!(analyze(
            &sts("OrderedReady"),
            &crashing,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
        // OnDelete replaces nothing by itself: there the crash-looping old pod is stuck.
        let mut on_delete = sts("OrderedReady");
        on_delete.spec.as_mut().unwrap().update_strategy = Some(Default::default());
        on_delete
            .spec
            .as_mut()
            .unwrap()
            .update_strategy
            .as_mut()
            .unwrap()
            .type_ = Some("OnDelete".into());
        let s = analyze(
            &on_delete,
            &crashing,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert_eq!(s.pod, "web-1");
        let (_, fix) = explain("web", &s, &on_delete);
        assert!(
            fix.starts_with("kubectl delete pod web-1 -n default"),
            "{fix}"
        );
        // One that can never start: deleting it helps, rolling back again would not.
        let pods = vec![
            pod("web-0", "web-2", true, None, "2026-01-01T00:00:00Z"),
            pod(
                "web-1",
                "web-1",
                false,
                Some("ImagePullBackOff"),
                "2026-01-01T00:00:00Z",
            ),
        ];
        let s = analyze(
            &sts("OrderedReady"),
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        assert!(!s.on_update_revision);
        let (_, fix) = explain("web", &s, &sts("OrderedReady"));
        assert!(
            fix.starts_with("kubectl delete pod web-1 -n default"),
            "{fix}"
        );

        // With Parallel the controller replaces that pod by itself: not stuck.
        assert!(analyze(
            &sts("Parallel"),
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5)
        )
        .is_none());

        // Until the controller has observed the spec nothing is judged.
        let mut stale = sts("OrderedReady");
        stale.metadata.generation = Some(3);
        assert!(analyze(
            &stale,
            &pods,
            at("2026-01-01T00:01:00Z"),
            Duration::from_mins(5)
        )
        .is_none());
    }

    #[test]
    fn blocking_pod_after_a_rollback() {
        // web-2 crash-loops on revision 2 but is between two crashes (Running, not ready):
        // still what OrderedReady waits on once revision 1 is restored.
        let pods = vec![
            pod("web-0", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod("web-1", "web-1", true, None, "2026-01-01T00:00:00Z"),
            pod("web-2", "web-2", false, None, "2026-01-01T00:00:00Z"),
        ];
        let s = blocking_after_rollback(&sts("OrderedReady"), &pods, "web-1");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].pod, "web-2");
        assert!(blocking_after_rollback(&sts("OrderedReady"), &pods, "web-2").is_empty());
        assert!(blocking_after_rollback(&sts("Parallel"), &pods, "web-1").is_empty());
    }

    #[test]
    fn failed_create_from_the_controllers_event() {
        let set: StatefulSet =
            serde_json::from_value(json!({"metadata": {"name": "web", "uid": "s1",
                "creationTimestamp": "2026-01-01T00:00:00Z", "generation": 1},
            "spec": {"replicas": 1, "selector": {}, "template": {}, "serviceName": "web"},
            "status": {"replicas": 0, "observedGeneration": 1, "updateRevision": "web-5"}}))
            .unwrap();
        let ev = |pod: &str, last: &str| -> k8s_openapi::api::core::v1::Event {
            serde_json::from_value(json!({"metadata": {"name": "e", "uid": format!("e-{pod}")},
                "involvedObject": {"kind": "StatefulSet", "name": "web", "uid": "s1"},
                "type": "Warning", "reason": "FailedCreate",
                "message": format!("create Pod {pod} in StatefulSet web failed error: Pod \"{pod}\" is invalid: quota"),
                "firstTimestamp": "2026-01-01T00:00:01Z", "lastTimestamp": last}))
            .unwrap()
        };
        let s = failed_create(
            &set,
            &[],
            &[ev("web-0", "2026-01-01T00:00:05Z")],
            at("2026-01-01T00:01:01Z"),
        )
        .unwrap();
        assert_eq!(s.pod, "web-0");
        assert_eq!(s.message, "Pod \"web-0\" is invalid: quota");
        let (text, fix) = explain("web", &s, &set);
        assert!(
            text.starts_with("pod web-0 (revision 5) cannot be created: Pod \"web-0\" is invalid: quota (FailedCreate for 60s)"),
            "{text}"
        );
        assert!(fix.contains("the controller retries"), "{fix}");
        // The pod exists now: an old failure says nothing.
        let p = pod("web-0", "web-5", true, None, "2026-01-01T00:00:00Z");
        assert!(failed_create(
            &set,
            &[p],
            &[ev("web-0", "2026-01-01T00:00:05Z")],
            at("2026-01-01T00:01:00Z")
        )
        .is_none());
    }

    /// web-0 of revision web-2, turned down by the scheduler, mounting claim data-web-0.
    fn unschedulable(since: &str) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "web-0", "namespace": "prod", "uid": "u0",
                "labels": {"controller-revision-hash": "web-2"}, "creationTimestamp": since},
            "spec": {"containers": [{"name": "web"}], "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-web-0"}}]},
            "status": {"phase": "Pending", "conditions": [{"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                "message": "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims."}]}}))
        .unwrap()
    }

    fn seen(class: Option<&str>, phase: &str, classes: &[(&str, bool)]) -> Seen {
        let mut pvc =
            json!({"metadata": {"name": "data-web-0"}, "spec": {}, "status": {"phase": phase}});
        if let Some(c) = class {
            pvc["spec"]["storageClassName"] = json!(c);
        }
        Seen {
            claims: [(
                "data-web-0".to_string(),
                Some(serde_json::from_value(pvc).unwrap()),
            )]
            .into(),
            classes: Some(
                classes
                    .iter()
                    .map(|(n, default)| {
                        let mut c = json!({"metadata": {"name": n}, "provisioner": "x"});
                        if *default {
                            c["metadata"]["annotations"] =
                                json!({"storageclass.kubernetes.io/is-default-class": "true"});
                        }
                        serde_json::from_value(c).unwrap()
                    })
                    .collect(),
            ),
            missing_refs: None,
        }
    }

    #[test]
    fn claims_that_nothing_binds_are_the_cure_not_the_template() {
        let set = sts("OrderedReady");
        let pods = vec![unschedulable("2026-01-01T00:00:00Z")];
        let now = at("2026-01-01T00:00:30Z");
        let min5 = Duration::from_mins(5);
        let stuck = analyze(&set, &pods, now, min5).expect("unschedulable is definitive");
        assert!(
            explain("web", &stuck, &set).1.contains("edit-yaml"),
            "without claims seen: the template"
        );

        // A class that does not exist: create it; never edit-yaml or rollback.
        let s = refine_claims(
            stuck.clone(),
            &pods,
            &seen(Some("fast"), "Pending", &[("standard", true)]),
            min5,
        )
        .unwrap();
        assert!(s.definitive);
        let (text, fix) = explain("web", &s, &set);
        assert!(
            text.contains(r#"claim data-web-0 is Pending: StorageClass "fast" does not exist"#),
            "{text}"
        );
        assert!(fix.starts_with("create StorageClass fast"), "{fix}");
        assert!(
            !fix.contains("edit-yaml") && !fix.contains("rollback --to-revision"),
            "{fix}"
        );

        // No class named and no default class.
        let s = refine_claims(
            stuck.clone(),
            &pods,
            &seen(None, "Pending", &[("standard", false)]),
            min5,
        )
        .unwrap();
        assert!(explain("web", &s, &set)
            .1
            .starts_with("mark a StorageClass as the default"));
        // The beta annotation makes a default too: then it is provisioning, not stuck yet.
        let mut beta = seen(None, "Pending", &[("standard", false)]);
        beta.classes.as_mut().unwrap()[0].metadata.annotations = Some(
            [(
                "storageclass.beta.kubernetes.io/is-default-class".to_string(),
                "true".to_string(),
            )]
            .into(),
        );
        assert_eq!(refine_claims(stuck.clone(), &pods, &beta, min5), None);

        // storageClassName "": only a PersistentVolume made for it.
        let s = refine_claims(
            stuck.clone(),
            &pods,
            &seen(Some(""), "Pending", &[("standard", true)]),
            min5,
        )
        .unwrap();
        assert!(explain("web", &s, &set)
            .1
            .starts_with("create a PersistentVolume"));

        // The class exists: provisioning. Not stuck for 5 minutes, then pointed at the claim.
        let exists = seen(Some("fast"), "Pending", &[("fast", false)]);
        assert_eq!(refine_claims(stuck.clone(), &pods, &exists, min5), None);
        let late = analyze(&set, &pods, at("2026-01-01T00:06:00Z"), min5).unwrap();
        let s = refine_claims(late, &pods, &exists, min5).unwrap();
        assert!(!s.definitive);
        let (text, fix) = explain("web", &s, &set);
        assert!(text.contains("claim data-web-0 not bound yet"), "{text}");
        assert_eq!(
            fix,
            "see why the claim is not bound: kubectl describe pvc data-web-0 -n prod"
        );

        // WaitForFirstConsumer: the claim waits for the pod (say, Insufficient cpu): unchanged.
        let mut delayed = seen(Some("standard"), "Pending", &[("standard", true)]);
        delayed.classes.as_mut().unwrap()[0].volume_binding_mode =
            Some("WaitForFirstConsumer".into());
        assert_eq!(
            refine_claims(stuck.clone(), &pods, &delayed, min5),
            Some(stuck.clone())
        );

        // A missing claim is recreated by the controller: waiting, too.
        let missing = Seen {
            claims: [("data-web-0".to_string(), None)].into(),
            ..Default::default()
        };
        assert_eq!(refine_claims(stuck.clone(), &pods, &missing, min5), None);

        // Bound claims, or claims not read: the scheduler's other reasons; unchanged.
        let bound = seen(Some("fast"), "Bound", &[]);
        assert_eq!(
            refine_claims(stuck.clone(), &pods, &bound, min5),
            Some(stuck.clone())
        );
        assert_eq!(
            refine_claims(stuck.clone(), &pods, &Seen::default(), min5),
            Some(stuck)
        );
    }

    #[test]
    fn missing_secrets_and_config_maps_are_created_not_rolled_back() {
        let set = sts("OrderedReady");
        let mut p = pod(
            "web-0",
            "web-2",
            false,
            Some("CreateContainerConfigError"),
            "2026-01-01T00:00:00Z",
        );
        p.metadata.namespace = Some("prod".into());
        let pods = vec![p];
        let stuck = analyze(
            &set,
            &pods,
            at("2026-01-01T00:00:10Z"),
            Duration::from_mins(5),
        )
        .unwrap();
        let r = |secret: bool, name: &str, key: Option<&str>, volume: bool| Reference {
            secret,
            name: name.into(),
            key: key.map(str::to_string),
            used_by: "env X of container \"web\"".into(),
            volume,
        };
        let seen = Seen {
            missing_refs: Some(vec![
                (r(true, "creds", Some("user"), false), false),
                (r(true, "creds", Some("pass"), false), false),
                (r(false, "conf", Some("a.conf"), false), true),
                (r(false, "files", None, true), false),
            ]),
            ..Default::default()
        };
        let s = refine(stuck.clone(), &pods, &seen, Duration::from_mins(5)).unwrap();
        let (text, fix) = explain("web", &s, &set);
        // The environment's references only: the volume's would show as FailedMount.
        assert!(
            text.contains(r#"configmap "conf" lacks key a.conf; secret "creds" not found"#),
            "{text}"
        );
        assert!(!text.contains("files"), "{text}");
        assert_eq!(
            fix,
            "add key a.conf to ConfigMap conf, create Secret creds with keys user, pass in namespace prod: the kubelet retries by itself, no pod needs deleting"
        );
        // A pod waiting in ContainerCreating: the volume's references.
        let mut pending = stuck.clone();
        pending.reason = "Pending".into();
        let s = refine_references(pending, &pods, &seen);
        assert_eq!(explain("web", &s, &set).1, "create ConfigMap files in namespace prod: the kubelet retries by itself, no pod needs deleting");
        // A pod in ContainerCreating for 10 s with a missing volume source: stuck at once.
        let mut creating = pods[0].clone();
        let st = creating.status.as_mut().unwrap();
        st.container_statuses.as_mut().unwrap()[0].state = Some(
            serde_json::from_value(json!({"waiting": {"reason": "ContainerCreating"}})).unwrap(),
        );
        st.conditions = Some(vec![serde_json::from_value(json!({"type": "PodScheduled",
            "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}))
        .unwrap()]);
        let creating = vec![creating];
        assert_eq!(
            config_stuck(&set, &creating, &seen, at("2026-01-01T00:00:05Z")),
            None,
            "too early"
        );
        let s = config_stuck(&set, &creating, &seen, at("2026-01-01T00:00:11Z")).unwrap();
        assert!(s.definitive);
        assert!(explain("web", &s, &set)
            .1
            .starts_with("create ConfigMap files in namespace prod"));

        // Nothing read, or nothing missing: the advice stays the template's.
        assert_eq!(
            refine_references(stuck.clone(), &pods, &Seen::default()),
            stuck
        );
        let none = Seen {
            missing_refs: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(refine_references(stuck.clone(), &pods, &none), stuck);
    }
}
