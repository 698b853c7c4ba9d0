//! The StatefulSet controller. Upstream: pkg/controller/statefulset/ —
//! stateful_set.go (sync, getPodsForStatefulSet, adoptOrphanRevisions),
//! stateful_set_control.go (UpdateStatefulSet, performUpdate, getStatefulSetRevisions,
//! updateStatefulSet, processReplica, processCondemned, truncateHistory, computeReplicaStatus),
//! stateful_set_utils.go (identity, storage, retention ownerRefs, newVersionedStatefulSetPod,
//! inconsistentStatus, completeRollingUpdate), stateful_pod_control.go (CreateStatefulPod,
//! UpdateStatefulPod, DeleteStatefulPod, PVC creation and events),
//! pkg/controller/controller_ref_manager.go (ClaimObject adoption/release),
//! pkg/controller/history/controller_history.go (CreateControllerRevision collisions).
//!
//! Modelled with the MaxUnavailableStatefulSet feature gate OFF (its 1.32 default): rolling
//! updates replace strictly one pod at a time and `rollingUpdate.maxUnavailable` is ignored.
//! StatefulSetAutoDeletePVC, PodIndexLabel and StatefulSetStartOrdinal are on (GA/beta-on).
//!
//! The controller reads through the cluster's verbs like upstream reads its informer caches:
//! one list of pods, revisions and claims per namespace per pass.

use crate::api::{Cluster, DeleteOptions, WatchEvent, WatchOptions, WriteOptions};
use crate::clock::parse_time;
use crate::controller::events;
use crate::controller::history;
use crate::resources::{ResourceType, CONTROLLERREVISIONS, PODS, PVCS, STATEFULSETS};
use crate::selectors::LabelSelector;
use chrono::{DateTime, Duration as ChronoDuration, Utc};
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// The event source component of upstream's controller.
pub const COMPONENT: &str = "statefulset-controller";
/// The field manager upstream's writes are recorded under (kube-controller-manager's user agent).
const MANAGER: &str = "kube-controller-manager";

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";
/// slowStartBatch's MaxBatchSize.
const MAX_BATCH_SIZE: usize = 500;

/// The resources the controller watches (its informers).
static WATCHED: [&ResourceType; 4] = [&STATEFULSETS, &PODS, &CONTROLLERREVISIONS, &PVCS];

type Key = (String, String);

fn key_of(v: &Value) -> Key {
    (
        v["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        name_of(v).to_string(),
    )
}

/// Start (or restart) the watch of `WATCHED[i]`, forwarding its events into `tx`; a final
/// `(i, None)` says the watch ended (timeout, 410 Gone, error) and must be restarted.
fn start_watch(
    cluster: &Arc<Cluster>,
    i: usize,
    tx: tokio::sync::mpsc::UnboundedSender<(usize, Option<WatchEvent>)>,
) {
    let opts = WatchOptions {
        send_initial_events: true,
        allow_watch_bookmarks: true,
        ..Default::default()
    };
    match cluster.watch(WATCHED[i], None, &opts) {
        Ok(mut w) => {
            tokio::spawn(async move {
                while let Some(ev) = w.recv().await {
                    if tx.send((i, Some(ev))).is_err() {
                        return;
                    }
                }
                let _ = tx.send((i, None));
            });
        }
        Err(_) => {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(500)).await;
                let _ = tx.send((i, None));
            });
        }
    }
}

/// Reconcile every StatefulSet whenever the cluster changes (and when a timed condition such as
/// minReadySeconds falls due). Like upstream, the controller reads from informer caches (a
/// watch per resource with the initial list as events; passes wait until every cache has
/// synced); bursts of changes are coalesced and every wake syncs all sets once.
pub async fn run(cluster: Arc<Cluster>) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(usize, Option<WatchEvent>)>();
    let mut store: Vec<HashMap<Key, Arc<Value>>> =
        (0..WATCHED.len()).map(|_| HashMap::new()).collect();
    let mut synced = [false; 4];
    for i in 0..WATCHED.len() {
        start_watch(&cluster, i, tx.clone());
    }
    let mut due: Option<DateTime<Utc>> = None;
    let mut dirty = false;
    let mut last_pass = Duration::ZERO;
    loop {
        let wait = match due {
            Some(at) => cluster
                .clock()
                .real_until(at)
                .min(Duration::from_millis(250))
                .max(Duration::from_millis(1)),
            None => Duration::from_secs(3600),
        };
        let mut msgs = Vec::new();
        tokio::select! {
            m = rx.recv() => match m {
                Some(m) => msgs.push(m),
                None => return,
            },
            _ = tokio::time::sleep(wait) => {}
        }
        if !msgs.is_empty() {
            // Coalesce a burst of changes into one pass; after an expensive pass wait about as
            // long as it took, so that big sets leave CPU to the kubelet and the API.
            tokio::time::sleep(
                last_pass.clamp(Duration::from_millis(5), Duration::from_millis(250)),
            )
            .await;
        }
        while let Ok(m) = rx.try_recv() {
            msgs.push(m);
        }
        for (i, ev) in msgs {
            match ev {
                None => {
                    store[i].clear();
                    synced[i] = false;
                    start_watch(&cluster, i, tx.clone());
                }
                Some(ev) => match ev.kind {
                    "ADDED" | "MODIFIED" => {
                        store[i].insert(key_of(&ev.object), Arc::new(ev.object));
                        dirty = true;
                    }
                    "DELETED" => {
                        store[i].remove(&key_of(&ev.object));
                        dirty = true;
                    }
                    "BOOKMARK"
                        if ev.object["metadata"]["annotations"]["k8s.io/initial-events-end"]
                            == "true" =>
                    {
                        synced[i] = true;
                        dirty = true;
                    }
                    _ => {}
                },
            }
        }
        let timed = due.is_some_and(|at| cluster.clock().now() >= at);
        if !synced.iter().all(|s| *s) || !(dirty || timed) {
            continue;
        }
        dirty = false;
        // Snapshot the caches (cheap Arc clones) and run the pass off the async workers.
        let mut by_ns: BTreeMap<String, (Vec<Value>, NsCache)> = BTreeMap::new();
        for s in store[0].values() {
            let ns = s["metadata"]["namespace"].as_str().unwrap_or("default");
            by_ns
                .entry(ns.to_string())
                .or_insert_with(|| (Vec::new(), NsCache::default()))
                .0
                .push((**s).clone());
        }
        for ((ns, _), p) in &store[1] {
            if let Some((_, c)) = by_ns.get_mut(ns) {
                c.pods.push(p.clone());
            }
        }
        for ((ns, _), r) in &store[2] {
            if let Some((_, c)) = by_ns.get_mut(ns) {
                c.revisions.push((**r).clone());
            }
        }
        for ((ns, name), pvc) in &store[3] {
            if let Some((_, c)) = by_ns.get_mut(ns) {
                c.claims.insert(name.clone(), pvc.clone());
            }
        }
        let c = cluster.clone();
        let t0 = std::time::Instant::now();
        due = tokio::task::spawn_blocking(move || sync_namespaces(&c, by_ns))
            .await
            .unwrap_or(None);
        last_pass = t0.elapsed();
    }
}

/// One pass over every StatefulSet (deterministic; for tests): reads by listing.
pub fn sync_once(cluster: &Cluster) {
    let _ = sync_all(cluster);
}

/// One pass by listing; returns the earliest simulated time at which a pass is due again
/// because a ready pod becomes available (minReadySeconds).
pub fn sync_all(cluster: &Cluster) -> Option<DateTime<Utc>> {
    let mut by_ns: BTreeMap<String, (Vec<Value>, NsCache)> = BTreeMap::new();
    for s in cluster.list_items(&STATEFULSETS, None, None) {
        let ns = s["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        by_ns
            .entry(ns)
            .or_insert_with(|| (Vec::new(), NsCache::default()))
            .0
            .push(s);
    }
    for (ns, (_, cache)) in by_ns.iter_mut() {
        *cache = NsCache {
            pods: cluster
                .list_items(&PODS, Some(ns), None)
                .into_iter()
                .map(Arc::new)
                .collect(),
            revisions: cluster.list_items(&CONTROLLERREVISIONS, Some(ns), None),
            claims: cluster
                .list_items(&PVCS, Some(ns), None)
                .into_iter()
                .map(|c| (name_of(&c).to_string(), Arc::new(c)))
                .collect(),
        };
    }
    sync_namespaces(cluster, by_ns)
}

fn sync_namespaces(
    cluster: &Cluster,
    by_ns: BTreeMap<String, (Vec<Value>, NsCache)>,
) -> Option<DateTime<Utc>> {
    let mut due: Option<DateTime<Utc>> = None;
    for (ns, (mut sets, mut cache)) in by_ns {
        sets.sort_by(|a, b| name_of(a).cmp(name_of(b)));
        for set in sets {
            let mut ctl = Ctl {
                cluster,
                ns: &ns,
                now: cluster.clock().now(),
                cache: &mut cache,
                failed: false,
            };
            if let Some(at) = ctl.sync(set) {
                due = Some(due.map_or(at, |d| d.min(at)));
            }
        }
    }
    due
}

// ------------------------------------------------------------------------------------------
// Pure helpers (stateful_set_utils.go)
// ------------------------------------------------------------------------------------------

fn name_of(v: &Value) -> &str {
    v["metadata"]["name"].as_str().unwrap_or("")
}
fn uid_of(v: &Value) -> &str {
    v["metadata"]["uid"].as_str().unwrap_or("")
}

/// getParentNameAndOrdinal: `(.*)-([0-9]+)$`, ordinal parsed as int32; -1 when it does not parse.
pub fn parent_and_ordinal(name: &str) -> (String, i64) {
    if let Some(i) = name.rfind('-') {
        let digits = &name[i + 1..];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = digits.parse::<i32>() {
                return (name[..i].to_string(), i64::from(n));
            }
            return (String::new(), -1);
        }
    }
    (String::new(), -1)
}

pub fn get_ordinal(pod: &Value) -> i64 {
    parent_and_ordinal(name_of(pod)).1
}

pub fn pod_name(set: &Value, ordinal: i64) -> String {
    format!("{}-{}", name_of(set), ordinal)
}

pub fn spec_replicas(set: &Value) -> i64 {
    set["spec"]["replicas"].as_i64().unwrap_or(1)
}

/// getStartOrdinal: spec.ordinals.start or 0.
pub fn start_ordinal(set: &Value) -> i64 {
    set["spec"]["ordinals"]["start"].as_i64().unwrap_or(0)
}

/// getEndOrdinal (inclusive).
pub fn end_ordinal(set: &Value) -> i64 {
    start_ordinal(set) + spec_replicas(set) - 1
}

/// podInOrdinalRange.
pub fn in_ordinal_range(pod: &Value, set: &Value) -> bool {
    let o = get_ordinal(pod);
    o >= start_ordinal(set) && o <= end_ordinal(set)
}

/// isMemberOf: the pod's name parses with the set's name as parent.
pub fn is_member_of(set: &Value, pod: &Value) -> bool {
    let (parent, ord) = parent_and_ordinal(name_of(pod));
    ord >= 0 && parent == name_of(set)
}

fn phase(pod: &Value) -> &str {
    pod["status"]["phase"].as_str().unwrap_or("")
}
pub fn is_created(pod: &Value) -> bool {
    !phase(pod).is_empty()
}
pub fn is_failed(pod: &Value) -> bool {
    phase(pod) == "Failed"
}
pub fn is_succeeded(pod: &Value) -> bool {
    phase(pod) == "Succeeded"
}
pub fn is_pending(pod: &Value) -> bool {
    phase(pod) == "Pending"
}
pub fn is_terminating(pod: &Value) -> bool {
    !pod["metadata"]["deletionTimestamp"].is_null()
}

fn ready_condition(pod: &Value) -> Option<&Value> {
    pod["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "Ready")
}

/// isRunningAndReady: phase Running and condition Ready True.
pub fn is_running_and_ready(pod: &Value) -> bool {
    phase(pod) == "Running" && ready_condition(pod).is_some_and(|c| c["status"] == "True")
}

/// The simulated time a ready pod becomes available (None when it is not ready).
fn available_at(pod: &Value, min_ready: i64) -> Option<DateTime<Utc>> {
    let c = ready_condition(pod)?;
    if c["status"] != "True" {
        return None;
    }
    let t = c["lastTransitionTime"].as_str().and_then(parse_time)?;
    Some(t + ChronoDuration::seconds(min_ready))
}

/// isRunningAndAvailable (podutil.IsPodAvailable): ready, and minReadySeconds is 0 or the Ready
/// transition + minReadySeconds is strictly before now.
pub fn is_running_and_available(pod: &Value, min_ready: i64, now: DateTime<Utc>) -> bool {
    if !is_running_and_ready(pod) {
        return false;
    }
    if min_ready == 0 {
        return true;
    }
    available_at(pod, min_ready).is_some_and(|t| t < now)
}

/// isUnavailable: not available, or terminating.
pub fn is_unavailable(pod: &Value, min_ready: i64, now: DateTime<Utc>) -> bool {
    !is_running_and_available(pod, min_ready, now) || is_terminating(pod)
}

pub fn pod_revision(pod: &Value) -> &str {
    pod["metadata"]["labels"][REVISION_LABEL]
        .as_str()
        .unwrap_or("")
}

fn min_ready_seconds(set: &Value) -> i64 {
    set["spec"]["minReadySeconds"].as_i64().unwrap_or(0)
}

fn claim_templates(set: &Value) -> &[Value] {
    set["spec"]["volumeClaimTemplates"]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
}

/// getPersistentVolumeClaimName: `<template>-<set>-<ordinal>`.
pub fn claim_name(set: &Value, template: &Value, ordinal: i64) -> String {
    format!("{}-{}-{}", name_of(template), name_of(set), ordinal)
}

/// getPersistentVolumeClaims: (template name, claim object) in template order. Labels are the
/// template's labels with the selector's matchLabels merged in.
pub fn persistent_volume_claims(set: &Value, ordinal: i64) -> Vec<(String, Value)> {
    claim_templates(set)
        .iter()
        .map(|t| {
            let tname = name_of(t).to_string();
            let mut claim = t.clone();
            if let Some(m) = claim.as_object_mut() {
                m.remove("status");
            }
            claim["apiVersion"] = json!("v1");
            claim["kind"] = json!("PersistentVolumeClaim");
            if !claim["metadata"].is_object() {
                claim["metadata"] = json!({});
            }
            let meta = &mut claim["metadata"];
            if let Some(m) = meta.as_object_mut() {
                m.remove("creationTimestamp");
            }
            meta["name"] = json!(claim_name(set, t, ordinal));
            meta["namespace"] = set["metadata"]["namespace"].clone();
            let mut labels = meta["labels"].as_object().cloned().unwrap_or_default();
            if let Some(ml) = set["spec"]["selector"]["matchLabels"].as_object() {
                for (k, v) in ml {
                    labels.insert(k.clone(), v.clone());
                }
            }
            if !labels.is_empty() {
                meta["labels"] = Value::Object(labels);
            }
            (tname, claim)
        })
        .collect()
}

/// updateStorage: one PVC volume per claim template (template order), then the pod's other
/// volumes whose names are not claim templates.
pub fn update_storage(set: &Value, pod: &mut Value) {
    let ordinal = get_ordinal(pod);
    let claims = persistent_volume_claims(set, ordinal);
    let names: HashSet<&str> = claims.iter().map(|(n, _)| n.as_str()).collect();
    let mut vols: Vec<Value> = claims
        .iter()
        .map(|(n, c)| json!({"name": n, "persistentVolumeClaim": {"claimName": name_of(c)}}))
        .collect();
    if let Some(cur) = pod["spec"]["volumes"].as_array() {
        for v in cur {
            if !names.contains(v["name"].as_str().unwrap_or("")) {
                vols.push(v.clone());
            }
        }
    }
    if vols.is_empty() {
        if let Some(s) = pod["spec"].as_object_mut() {
            s.remove("volumes");
        }
    } else {
        pod["spec"]["volumes"] = Value::Array(vols);
    }
}

/// storageMatches.
pub fn storage_matches(set: &Value, pod: &Value) -> bool {
    let ordinal = get_ordinal(pod);
    if ordinal < 0 {
        return false;
    }
    let vols = pod["spec"]["volumes"].as_array();
    claim_templates(set).iter().all(|t| {
        vols.and_then(|vs| vs.iter().find(|v| v["name"] == t["metadata"]["name"]))
            .is_some_and(|v| {
                v["persistentVolumeClaim"]["claimName"].as_str()
                    == Some(claim_name(set, t, ordinal).as_str())
            })
    })
}

/// updateIdentity: name, namespace and the pod-name / pod-index labels.
pub fn update_identity(set: &Value, pod: &mut Value) {
    let ordinal = get_ordinal(pod);
    let name = pod_name(set, ordinal);
    pod["metadata"]["name"] = json!(name);
    pod["metadata"]["namespace"] = set["metadata"]["namespace"].clone();
    if !pod["metadata"]["labels"].is_object() {
        pod["metadata"]["labels"] = json!({});
    }
    pod["metadata"]["labels"][POD_NAME_LABEL] = json!(name);
    pod["metadata"]["labels"][POD_INDEX_LABEL] = json!(ordinal.to_string());
}

/// identityMatches (upstream checks the pod-name label only, not the pod-index label).
pub fn identity_matches(set: &Value, pod: &Value) -> bool {
    let (parent, ordinal) = parent_and_ordinal(name_of(pod));
    ordinal >= 0
        && parent == name_of(set)
        && name_of(pod) == pod_name(set, ordinal)
        && pod["metadata"]["namespace"] == set["metadata"]["namespace"]
        && pod["metadata"]["labels"][POD_NAME_LABEL].as_str() == Some(name_of(pod))
}

/// newStatefulSetPod: controller.GetPodFromTemplate (labels, annotations, finalizers,
/// generateName `<set>-`, controller ref) + initIdentity (hostname, subdomain) + updateStorage.
pub fn new_statefulset_pod(set: &Value, ordinal: i64) -> Value {
    let tpl = &set["spec"]["template"];
    let mut meta = Map::new();
    for key in ["labels", "annotations"] {
        if let Some(m) = tpl["metadata"][key].as_object() {
            if !m.is_empty() {
                meta.insert(key.into(), Value::Object(m.clone()));
            }
        }
    }
    if let Some(f) = tpl["metadata"]["finalizers"].as_array() {
        if !f.is_empty() {
            meta.insert("finalizers".into(), Value::Array(f.clone()));
        }
    }
    meta.insert("generateName".into(), json!(format!("{}-", name_of(set))));
    meta.insert(
        "ownerReferences".into(),
        json!([history::controller_ref(set)]),
    );
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": Value::Object(meta),
        "spec": tpl["spec"].clone(),
    });
    if !pod["spec"].is_object() {
        pod["spec"] = json!({});
    }
    pod["metadata"]["name"] = json!(pod_name(set, ordinal));
    update_identity(set, &mut pod);
    pod["spec"]["hostname"] = json!(name_of(&pod));
    if let Some(svc) = set["spec"]["serviceName"].as_str() {
        if !svc.is_empty() {
            pod["spec"]["subdomain"] = json!(svc);
        }
    }
    update_storage(set, &mut pod);
    pod
}

/// newVersionedStatefulSetPod: with Go's operator precedence,
/// `(RollingUpdate && rollingUpdate == nil && ord < start+status.currentReplicas) ||
///  (rollingUpdate != nil && ord < start+partition)` selects the current revision.
pub fn new_versioned_pod(
    current_set: &Value,
    update_set: &Value,
    current_revision: &str,
    update_revision: &str,
    ordinal: i64,
) -> Value {
    let strategy = &current_set["spec"]["updateStrategy"];
    let is_rolling = strategy["type"].as_str().unwrap_or("RollingUpdate") == "RollingUpdate";
    let ru = &strategy["rollingUpdate"];
    let start = start_ordinal(current_set);
    let use_current = (is_rolling
        && ru.is_null()
        && ordinal
            < start
                + current_set["status"]["currentReplicas"]
                    .as_i64()
                    .unwrap_or(0))
        || (!ru.is_null() && ordinal < start + ru["partition"].as_i64().unwrap_or(0));
    let (set, rev) = if use_current {
        (current_set, current_revision)
    } else {
        (update_set, update_revision)
    };
    let mut pod = new_statefulset_pod(set, ordinal);
    pod["metadata"]["labels"][REVISION_LABEL] = json!(rev);
    pod
}

/// computeReplicaStatus's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReplicaCounts {
    pub replicas: i64,
    pub ready: i64,
    pub available: i64,
    pub current: i64,
    pub updated: i64,
}

/// computeReplicaStatus over pods (placeholders for not-yet-created pods have no phase).
pub fn compute_replica_status<'a>(
    pods: impl IntoIterator<Item = &'a Value>,
    min_ready: i64,
    now: DateTime<Utc>,
    current_revision: &str,
    update_revision: &str,
) -> ReplicaCounts {
    let mut s = ReplicaCounts::default();
    for pod in pods {
        if is_created(pod) {
            s.replicas += 1;
        }
        if is_running_and_ready(pod) {
            s.ready += 1;
            if is_running_and_available(pod, min_ready, now) {
                s.available += 1;
            }
        }
        if is_created(pod) && !is_terminating(pod) {
            let r = pod_revision(pod);
            if r == current_revision {
                s.current += 1;
            }
            if r == update_revision {
                s.updated += 1;
            }
        }
    }
    s
}

/// apps/v1 StatefulSetStatus as the controller computes it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SetStatus {
    pub observed_generation: i64,
    pub counts: ReplicaCounts,
    pub current_revision: String,
    pub update_revision: String,
    pub collision_count: Option<i64>,
}

impl SetStatus {
    /// The stored status of a set.
    pub fn of(set: &Value) -> Self {
        let s = &set["status"];
        let i = |k: &str| s[k].as_i64().unwrap_or(0);
        Self {
            observed_generation: i("observedGeneration"),
            counts: ReplicaCounts {
                replicas: i("replicas"),
                ready: i("readyReplicas"),
                available: i("availableReplicas"),
                current: i("currentReplicas"),
                updated: i("updatedReplicas"),
            },
            current_revision: s["currentRevision"].as_str().unwrap_or("").into(),
            update_revision: s["updateRevision"].as_str().unwrap_or("").into(),
            collision_count: s["collisionCount"].as_i64(),
        }
    }

    /// JSON exactly as the Go type serializes it: observedGeneration, readyReplicas,
    /// currentReplicas, updatedReplicas, currentRevision, updateRevision omitted when zero;
    /// replicas and availableReplicas always; collisionCount when set. The controller's status
    /// has no conditions.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if self.observed_generation != 0 {
            m.insert("observedGeneration".into(), json!(self.observed_generation));
        }
        m.insert("replicas".into(), json!(self.counts.replicas));
        if self.counts.ready != 0 {
            m.insert("readyReplicas".into(), json!(self.counts.ready));
        }
        if self.counts.current != 0 {
            m.insert("currentReplicas".into(), json!(self.counts.current));
        }
        if self.counts.updated != 0 {
            m.insert("updatedReplicas".into(), json!(self.counts.updated));
        }
        if !self.current_revision.is_empty() {
            m.insert("currentRevision".into(), json!(self.current_revision));
        }
        if !self.update_revision.is_empty() {
            m.insert("updateRevision".into(), json!(self.update_revision));
        }
        if let Some(c) = self.collision_count {
            m.insert("collisionCount".into(), json!(c));
        }
        m.insert("availableReplicas".into(), json!(self.counts.available));
        Value::Object(m)
    }
}

/// inconsistentStatus (collisionCount is deliberately not compared, as upstream).
pub fn inconsistent_status(set: &Value, status: &SetStatus) -> bool {
    let old = SetStatus::of(set);
    status.observed_generation > old.observed_generation
        || status.counts.replicas != old.counts.replicas
        || status.counts.current != old.counts.current
        || status.counts.ready != old.counts.ready
        || status.counts.updated != old.counts.updated
        || status.current_revision != old.current_revision
        || status.counts.available != old.counts.available
        || status.update_revision != old.update_revision
}

/// completeRollingUpdate.
pub fn complete_rolling_update(set: &Value, status: &mut SetStatus) {
    let rolling = set["spec"]["updateStrategy"]["type"]
        .as_str()
        .unwrap_or("RollingUpdate")
        == "RollingUpdate";
    let r = spec_replicas(set);
    if rolling
        && status.counts.updated == r
        && status.counts.ready == r
        && status.counts.replicas == r
    {
        status.counts.current = status.counts.updated;
        status.current_revision = status.update_revision.clone();
    }
}

// --- PVC retention (stateful_set_utils.go isClaimOwnerUpToDate / updateClaimOwnerRefForSetAndPod)

/// (whenScaled == Delete, whenDeleted == Delete); omitted fields are Retain.
fn retention(set: &Value) -> (bool, bool) {
    let p = &set["spec"]["persistentVolumeClaimRetentionPolicy"];
    (p["whenScaled"] == "Delete", p["whenDeleted"] == "Delete")
}

/// Which owner refs (to the set, to the pod) a claim should carry.
pub fn desired_claim_refs(set: &Value, pod: &Value) -> (bool, bool) {
    let (scaled, deleted) = retention(set);
    let scaled_down = !in_ordinal_range(pod, set);
    match (scaled, deleted) {
        (false, false) => (false, false),
        (false, true) => (true, false),
        (true, false) => (false, scaled_down),
        (true, true) => (!scaled_down, scaled_down),
    }
}

fn has_owner_ref(obj: &Value, uid: &str) -> bool {
    !uid.is_empty()
        && obj["metadata"]["ownerReferences"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r["uid"] == uid))
}

/// hasUnexpectedController: a controller ref to something other than the set or the pod.
fn has_unexpected_controller(claim: &Value, set: &Value, pod: &Value) -> bool {
    claim["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|a| {
            a.iter().any(|r| {
                r["controller"] == true && r["uid"] != set["metadata"]["uid"] && {
                    let pu = uid_of(pod);
                    pu.is_empty() || r["uid"] != pu
                }
            })
        })
}

/// isClaimOwnerUpToDate (a claim controlled by something else is left alone).
pub fn claim_owner_up_to_date(claim: &Value, set: &Value, pod: &Value) -> bool {
    if has_unexpected_controller(claim, set, pod) {
        return true;
    }
    let (want_set, want_pod) = desired_claim_refs(set, pod);
    has_owner_ref(claim, uid_of(set)) == want_set && has_owner_ref(claim, uid_of(pod)) == want_pod
}

/// updateClaimOwnerRefForSetAndPod: add/remove controller refs (metav1.NewControllerRef) to the
/// set and the pod per the policy. Returns whether the claim changed.
pub fn update_claim_owner_refs(claim: &mut Value, set: &Value, pod: &Value) -> bool {
    if has_unexpected_controller(claim, set, pod) {
        return false;
    }
    let (want_set, want_pod) = desired_claim_refs(set, pod);
    let mut refs: Vec<Value> = claim["metadata"]["ownerReferences"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let before = refs.clone();
    let set_uid = uid_of(set).to_string();
    let pod_uid = uid_of(pod).to_string();
    if !want_set {
        refs.retain(|r| r["uid"] != set_uid.as_str());
    }
    if !want_pod && !pod_uid.is_empty() {
        refs.retain(|r| r["uid"] != pod_uid.as_str());
    }
    if want_set && !refs.iter().any(|r| r["uid"] == set_uid.as_str()) {
        refs.push(history::controller_ref(set));
    }
    if want_pod && !pod_uid.is_empty() && !refs.iter().any(|r| r["uid"] == pod_uid.as_str()) {
        refs.push(json!({
            "apiVersion": "v1",
            "kind": "Pod",
            "name": name_of(pod),
            "uid": pod_uid,
            "controller": true,
            "blockOwnerDeletion": true,
        }));
    }
    if refs == before {
        return false;
    }
    if refs.is_empty() {
        if let Some(m) = claim["metadata"].as_object_mut() {
            m.remove("ownerReferences");
        }
    } else {
        claim["metadata"]["ownerReferences"] = Value::Array(refs);
    }
    true
}

/// hasStaleOwnerRef: a Pod ref with the pod's name but another UID.
fn has_stale_pod_ref(claim: &Value, pod: &Value) -> bool {
    claim["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|a| {
            a.iter().any(|r| {
                r["kind"] == "Pod"
                    && r["name"].as_str() == Some(name_of(pod))
                    && r["uid"].as_str().unwrap_or("") != uid_of(pod)
            })
        })
}

// ------------------------------------------------------------------------------------------
// The sync (acting through the cluster)
// ------------------------------------------------------------------------------------------

/// The per-namespace "informer cache" of one pass.
#[derive(Default)]
pub struct NsCache {
    pub pods: Vec<Arc<Value>>,
    pub revisions: Vec<Value>,
    pub claims: HashMap<String, Arc<Value>>,
}

struct Ctl<'a> {
    cluster: &'a Cluster,
    ns: &'a str,
    now: DateTime<Utc>,
    cache: &'a mut NsCache,
    /// A write failed during this sync: requeue (upstream's rate-limited AddRateLimited).
    failed: bool,
}

/// How long after a failed sync the set is synced again (simulated time).
const RETRY_AFTER_MS: i64 = 1000;

type Step = Result<bool, String>;

fn wopts() -> WriteOptions {
    WriteOptions {
        field_manager: Some(MANAGER.into()),
        ..Default::default()
    }
}

impl Ctl<'_> {
    fn event(&self, set: &Value, type_: &str, reason: &str, message: &str) {
        events::record(self.cluster, set, type_, reason, message, COMPONENT);
    }

    /// recordPodEvent.
    fn pod_event(&mut self, verb: &str, set: &Value, pod: &Value, err: Option<&str>) {
        self.failed |= err.is_some();
        let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
        match err {
            None => self.event(
                set,
                "Normal",
                &format!("Successful{title}"),
                &format!(
                    "{verb} Pod {} in StatefulSet {} successful",
                    name_of(pod),
                    name_of(set)
                ),
            ),
            Some(e) => self.event(
                set,
                "Warning",
                &format!("Failed{title}"),
                &format!(
                    "{verb} Pod {} in StatefulSet {} failed error: {e}",
                    name_of(pod),
                    name_of(set)
                ),
            ),
        }
    }

    /// recordClaimEvent.
    fn claim_event(
        &mut self,
        verb: &str,
        set: &Value,
        pod: &Value,
        claim: &str,
        err: Option<&str>,
    ) {
        self.failed |= err.is_some();
        let title = format!("{}{}", verb[..1].to_uppercase(), &verb[1..]);
        match err {
            None => self.event(
                set,
                "Normal",
                &format!("Successful{title}"),
                &format!(
                    "{verb} Claim {claim} Pod {} in StatefulSet {} success",
                    name_of(pod),
                    name_of(set)
                ),
            ),
            Some(e) => self.event(
                set,
                "Warning",
                &format!("Failed{title}"),
                &format!(
                    "{verb} Claim {claim} for Pod {} in StatefulSet {} failed error: {e}",
                    name_of(pod),
                    name_of(set)
                ),
            ),
        }
    }

    /// StatefulSetController.sync for one set; returns when a timed re-check is due.
    fn sync(&mut self, mut set: Value) -> Option<DateTime<Utc>> {
        if set["apiVersion"].is_null() {
            set["apiVersion"] = json!("apps/v1");
        }
        if set["kind"].is_null() {
            set["kind"] = json!("StatefulSet");
        }
        let selector = LabelSelector::from_object(&set["spec"]["selector"]).ok()?;
        self.adopt_orphan_revisions(&set, &selector);
        let pods = self.pods_for_set(&set, &selector);
        self.update_stateful_set(&set, &selector, &pods);
        let now = self.cluster.clock().now();
        let retry = self
            .failed
            .then(|| now + ChronoDuration::milliseconds(RETRY_AFTER_MS));
        // Requeue for minReadySeconds: the earliest moment a ready pod becomes available.
        let min_ready = min_ready_seconds(&set);
        let available = if min_ready > 0 {
            self.cache
                .pods
                .iter()
                .filter(|p| is_member_of(&set, p) && controlled_by(p, &set))
                .filter(|p| is_running_and_ready(p) && !is_running_and_available(p, min_ready, now))
                .filter_map(|p| available_at(p, min_ready))
                .map(|t| t + ChronoDuration::milliseconds(1))
                .min()
        } else {
            None
        };
        [retry, available].into_iter().flatten().min()
    }

    /// canAdoptFunc: RecheckDeletionTimestamp on a fresh read of the set.
    fn can_adopt(&self, set: &Value) -> bool {
        match self.cluster.get(&STATEFULSETS, Some(self.ns), name_of(set)) {
            Ok(fresh) => {
                fresh["metadata"]["uid"] == set["metadata"]["uid"]
                    && fresh["metadata"]["deletionTimestamp"].is_null()
            }
            Err(_) => false,
        }
    }

    fn labels_match(selector: &LabelSelector, obj: &Value) -> bool {
        selector.matches(obj["metadata"]["labels"].as_object())
    }

    /// ListControllerRevisions (selector; owned by the set or orphaned), orphans adopted.
    fn adopt_orphan_revisions(&mut self, set: &Value, selector: &LabelSelector) {
        let uid = uid_of(set).to_string();
        let orphans: Vec<usize> = self
            .cache
            .revisions
            .iter()
            .enumerate()
            .filter(|(_, r)| Self::labels_match(selector, r) && controller_uid(r).is_none())
            .map(|(i, _)| i)
            .collect();
        if orphans.is_empty() || !self.can_adopt(set) || uid.is_empty() {
            return;
        }
        for i in orphans {
            let mut r = self.cache.revisions[i].clone();
            push_owner_ref(&mut r, history::controller_ref(set));
            let name = name_of(&r).to_string();
            if let Ok(w) = self.cluster.update(
                &CONTROLLERREVISIONS,
                Some(self.ns),
                &name,
                None,
                r,
                &wopts(),
            ) {
                self.cache.revisions[i] = w.object;
            }
        }
    }

    /// getPodsForStatefulSet: ClaimPods with selector && isMemberOf; adopt orphans, release
    /// owned pods that no longer match.
    fn pods_for_set(&mut self, set: &Value, selector: &LabelSelector) -> Vec<Arc<Value>> {
        let uid = uid_of(set).to_string();
        let set_deleting = !set["metadata"]["deletionTimestamp"].is_null();
        let mut claimed = Vec::new();
        let mut adopt_checked: Option<bool> = None;
        for i in 0..self.cache.pods.len() {
            let pod = &self.cache.pods[i];
            let matches = Self::labels_match(selector, pod) && is_member_of(set, pod);
            match controller_uid(pod) {
                Some(cu) if cu != uid => {}
                Some(_) => {
                    if matches {
                        claimed.push(pod.clone());
                    } else if !set_deleting {
                        // release: drop our ownerReference.
                        let mut p = (**pod).clone();
                        if let Some(a) = p["metadata"]["ownerReferences"].as_array_mut() {
                            a.retain(|r| r["uid"] != uid.as_str());
                        }
                        let name = name_of(&p).to_string();
                        if let Ok(w) =
                            self.cluster
                                .update(&PODS, Some(self.ns), &name, None, p, &wopts())
                        {
                            self.cache.pods[i] = Arc::new(w.object);
                        }
                    }
                }
                None => {
                    if set_deleting || !matches || is_terminating(pod) {
                        continue;
                    }
                    let ok = *adopt_checked.get_or_insert_with(|| self.can_adopt(set));
                    if !ok {
                        continue;
                    }
                    let mut p = (*self.cache.pods[i]).clone();
                    push_owner_ref(&mut p, history::controller_ref(set));
                    let name = name_of(&p).to_string();
                    if let Ok(w) =
                        self.cluster
                            .update(&PODS, Some(self.ns), &name, None, p, &wopts())
                    {
                        let o = Arc::new(w.object);
                        self.cache.pods[i] = o.clone();
                        claimed.push(o);
                    }
                }
            }
        }
        claimed
    }

    /// UpdateStatefulSet: revisions, the update pass, status, then truncateHistory.
    fn update_stateful_set(&mut self, set: &Value, selector: &LabelSelector, pods: &[Arc<Value>]) {
        let uid = uid_of(set).to_string();
        let mut revisions: Vec<Value> = self
            .cache
            .revisions
            .iter()
            .filter(|r| {
                Self::labels_match(selector, r)
                    && controller_uid(r).is_none_or(|cu| cu == uid.as_str())
            })
            .cloned()
            .collect();
        history::sort_revisions(&mut revisions);
        let revs = self.get_revisions(set, &revisions);
        let (current, update) = match revs {
            Ok((current, update, collision_count)) => {
                let status = self.update_pods(set, &current, &update, collision_count, pods);
                self.update_status(set, status);
                (Some(current), Some(update))
            }
            Err(_) => (None, None),
        };
        self.truncate_history(set, pods, &revisions, current.as_ref(), update.as_ref());
    }

    /// getStatefulSetRevisions.
    fn get_revisions(
        &mut self,
        set: &Value,
        revisions: &[Value],
    ) -> Result<(Value, Value, i64), String> {
        let mut collision_count = set["status"]["collisionCount"].as_i64().unwrap_or(0);
        let candidate = history::new_revision(
            set,
            history::next_revision(revisions),
            collision_count as i32,
        );
        let equal = history::find_equal_revisions(revisions, &candidate);
        let update = if let (Some(&last_eq), Some(last)) = (equal.last(), revisions.last()) {
            if history::equal_revision(last, &revisions[last_eq]) {
                last.clone()
            } else {
                // Roll back: the equal revision moves to the top with the next number.
                let mut r = revisions[last_eq].clone();
                r["revision"] = candidate["revision"].clone();
                let name = name_of(&r).to_string();
                let mut attempt = 0;
                loop {
                    match self.cluster.update(
                        &CONTROLLERREVISIONS,
                        Some(self.ns),
                        &name,
                        None,
                        r.clone(),
                        &wopts(),
                    ) {
                        Ok(w) => break self.remember_revision(w.object),
                        Err(e) if e.code == 409 && attempt < 3 => {
                            attempt += 1;
                            r = self
                                .cluster
                                .get(&CONTROLLERREVISIONS, Some(self.ns), &name)
                                .map_err(|e| e.message)?;
                            r["revision"] = candidate["revision"].clone();
                        }
                        Err(e) => return Err(e.message),
                    }
                }
            }
        } else if !set["metadata"]["deletionTimestamp"].is_null() {
            // kube-sim: this controller re-syncs on every cluster change (upstream syncs on pod
            // and set events only), so re-creating the revision the garbage collector just
            // deleted would livelock a foreground deletion (kubectl delete --cascade=foreground
            // hanging). A set being deleted only gets its status (kubernetes.md §5.10): use the
            // candidate without persisting it.
            let mut rev = candidate;
            history::rename_for_collision(&mut rev, name_of(set), collision_count as i32);
            rev
        } else {
            self.create_revision(set, candidate, &mut collision_count)?
        };
        let current_name = set["status"]["currentRevision"].as_str().unwrap_or("");
        let current = revisions
            .iter()
            .find(|r| name_of(r) == current_name)
            .cloned()
            .unwrap_or_else(|| update.clone());
        Ok((current, update, collision_count))
    }

    fn remember_revision(&mut self, rev: Value) -> Value {
        let n = name_of(&rev).to_string();
        if let Some(slot) = self.cache.revisions.iter_mut().find(|r| name_of(r) == n) {
            *slot = rev.clone();
        } else {
            self.cache.revisions.push(rev.clone());
        }
        rev
    }

    /// realHistory.CreateControllerRevision: on AlreadyExists with different data, bump the
    /// collision count and retry under the new name.
    fn create_revision(
        &mut self,
        set: &Value,
        mut rev: Value,
        collision_count: &mut i64,
    ) -> Result<Value, String> {
        let set_name = name_of(set).to_string();
        let data = history::revision_data_bytes(&rev);
        loop {
            history::rename_for_collision(&mut rev, &set_name, *collision_count as i32);
            match self
                .cluster
                .create(&CONTROLLERREVISIONS, Some(self.ns), rev.clone(), &wopts())
            {
                Ok(w) => return Ok(self.remember_revision(w.object)),
                Err(e) if e.code == 409 => {
                    let existing = self
                        .cluster
                        .get(&CONTROLLERREVISIONS, Some(self.ns), name_of(&rev))
                        .map_err(|e| e.message)?;
                    if history::revision_data_bytes(&existing) == data {
                        return Ok(existing);
                    }
                    *collision_count += 1;
                }
                Err(e) => return Err(e.message),
            }
        }
    }

    /// updateStatefulSet: returns the status to record.
    fn update_pods(
        &mut self,
        set: &Value,
        current_rev: &Value,
        update_rev: &Value,
        collision_count: i64,
        pods: &[Arc<Value>],
    ) -> SetStatus {
        let current_set = history::apply_revision(set, current_rev);
        let update_set = history::apply_revision(set, update_rev);
        let cur_name = name_of(current_rev).to_string();
        let upd_name = name_of(update_rev).to_string();
        let min_ready = min_ready_seconds(set);
        let now = self.now;
        let mut status = SetStatus {
            observed_generation: set["metadata"]["generation"].as_i64().unwrap_or(0),
            counts: compute_replica_status(
                pods.iter().map(|p| &**p),
                min_ready,
                now,
                &cur_name,
                &upd_name,
            ),
            current_revision: cur_name.clone(),
            update_revision: upd_name.clone(),
            collision_count: Some(collision_count),
        };

        let start = start_ordinal(set);
        let count = spec_replicas(set).max(0) as usize;
        let mut replicas: Vec<Option<Arc<Value>>> = vec![None; count];
        let mut condemned: Vec<Arc<Value>> = Vec::new();
        for pod in pods {
            if in_ordinal_range(pod, set) {
                replicas[(get_ordinal(pod) - start) as usize] = Some(pod.clone());
            } else if get_ordinal(pod) >= 0 {
                condemned.push(pod.clone());
            }
        }
        let mut replicas: Vec<Arc<Value>> = replicas
            .into_iter()
            .enumerate()
            .map(|(i, p)| {
                p.unwrap_or_else(|| {
                    Arc::new(new_versioned_pod(
                        &current_set,
                        &update_set,
                        &cur_name,
                        &upd_name,
                        start + i as i64,
                    ))
                })
            })
            .collect();
        condemned.sort_by_key(|p| std::cmp::Reverse(get_ordinal(p)));

        let mut first_unavailable: Option<String> = None;
        for p in replicas.iter().chain(condemned.iter().rev()) {
            if is_unavailable(p, min_ready, now) && first_unavailable.is_none() {
                first_unavailable = Some(name_of(p).to_string());
            }
        }

        if !set["metadata"]["deletionTimestamp"].is_null() {
            return status;
        }
        let monotonic = set["spec"]["podManagementPolicy"] != "Parallel";
        let recount =
            |status: &mut SetStatus, replicas: &[Arc<Value>], condemned: &[Arc<Value>]| {
                status.counts = compute_replica_status(
                    replicas.iter().chain(condemned.iter()).map(|p| &**p),
                    min_ready,
                    now,
                    &cur_name,
                    &upd_name,
                );
            };

        // Living replicas.
        let exit = run_for_all(replicas.len(), monotonic, |i| {
            self.process_replica(set, &update_set, monotonic, &mut replicas, i)
        });
        if exit {
            recount(&mut status, &replicas, &condemned);
            return status;
        }
        // Fix claim refs of condemned pods.
        let exit = run_for_all(condemned.len(), monotonic, |i| {
            let pod = condemned[i].clone();
            if !self.claims_match_retention(&update_set, &pod) {
                self.update_claims_for_retention(&update_set, &pod)?;
            }
            Ok(false)
        });
        if exit {
            recount(&mut status, &replicas, &condemned);
            return status;
        }
        // Scale down, highest ordinal first.
        let exit = run_for_all(condemned.len(), monotonic, |i| {
            let pod = &condemned[i];
            if is_terminating(pod) {
                return Ok(monotonic);
            }
            let is_first = first_unavailable.as_deref() == Some(name_of(pod));
            if !is_running_and_ready(pod) && monotonic && !is_first {
                return Ok(true);
            }
            if !is_running_and_available(pod, min_ready, now) && monotonic && !is_first {
                return Ok(true);
            }
            self.delete_pod(set, pod).map(|_| true)
        });
        recount(&mut status, &replicas, &condemned);
        if exit {
            return status;
        }
        if set["spec"]["updateStrategy"]["type"] == "OnDelete" {
            return status;
        }
        // Rolling update (MaxUnavailableStatefulSet OFF): one pod at a time, highest first.
        let update_min = set["spec"]["updateStrategy"]["rollingUpdate"]["partition"]
            .as_i64()
            .unwrap_or(0)
            .max(0) as usize;
        for target in (update_min..replicas.len()).rev() {
            let pod = &replicas[target];
            if pod_revision(pod) != upd_name && !is_terminating(pod) {
                // NotFound counts as deleted; other errors leave the counter alone.
                if self.delete_pod(set, pod).is_ok() {
                    status.counts.current -= 1;
                }
                return status;
            }
            if is_unavailable(pod, min_ready, now) {
                return status;
            }
        }
        status
    }

    /// processReplica.
    fn process_replica(
        &mut self,
        set: &Value,
        update_set: &Value,
        monotonic: bool,
        replicas: &mut [Arc<Value>],
        i: usize,
    ) -> Step {
        let min_ready = min_ready_seconds(set);
        let pod = replicas[i].clone();
        if is_failed(&pod) || is_succeeded(&pod) {
            if !is_terminating(&pod) {
                self.delete_pod(set, &pod)?;
            }
            return Ok(true);
        }
        if !is_created(&pod) {
            if self.pod_claim_is_stale(set, &pod) {
                return Ok(true);
            }
            self.create_pod(set, &pod)?;
            if monotonic {
                return Ok(true);
            }
        }
        if is_pending(&pod) {
            self.create_missing_claims(set, &pod)?;
        }
        if is_terminating(&pod) && monotonic {
            return Ok(true);
        }
        if !is_running_and_ready(&pod) && monotonic {
            return Ok(true);
        }
        if !is_running_and_available(&pod, min_ready, self.now) && monotonic {
            return Ok(true);
        }
        let retention_match = self.claims_match_retention(update_set, &pod);
        if identity_matches(set, &pod) && storage_matches(set, &pod) && retention_match {
            return Ok(false);
        }
        self.update_pod(update_set, &pod)?;
        Ok(false)
    }

    fn create_pod(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        if let Err(e) = self.create_claims(set, pod) {
            self.pod_event("create", set, pod, Some(&e));
            return Err(e);
        }
        match self
            .cluster
            .create(&PODS, Some(self.ns), pod.clone(), &wopts())
        {
            Ok(w) => {
                let created = Arc::new(w.object);
                self.cache.pods.push(created.clone());
                if let Err(e) = self.update_claims_for_retention(set, &created) {
                    self.pod_event("update", set, pod, Some(&e));
                    return Err(e);
                }
                self.pod_event("create", set, pod, None);
                Ok(())
            }
            // "sink already exists errors" (no event).
            Err(e) if e.code == 409 => {
                self.failed = true;
                Err(e.message)
            }
            Err(e) => {
                self.pod_event("create", set, pod, Some(&e.message));
                Err(e.message)
            }
        }
    }

    fn delete_pod(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        match self.cluster.delete(
            &PODS,
            Some(self.ns),
            name_of(pod),
            &DeleteOptions::default(),
        ) {
            Ok(_) => {
                self.pod_event("delete", set, pod, None);
                Ok(())
            }
            Err(e) => {
                self.pod_event("delete", set, pod, Some(&e.message));
                if e.code == 404 {
                    Ok(())
                } else {
                    Err(e.message)
                }
            }
        }
    }

    /// UpdateStatefulPod: fix identity/storage/claim refs and PUT the pod (SuccessfulUpdate).
    fn update_pod(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        let mut p = pod.clone();
        let mut consistent = true;
        if !identity_matches(set, &p) {
            update_identity(set, &mut p);
            consistent = false;
        }
        if !storage_matches(set, &p) {
            update_storage(set, &mut p);
            consistent = false;
            if let Err(e) = self.create_missing_claims(set, &p) {
                self.pod_event("update", set, &p, Some(&e));
                return Err(e);
            }
        }
        if !self.claims_match_retention(set, &p) {
            if let Err(e) = self.update_claims_for_retention(set, &p) {
                self.pod_event("update", set, &p, Some(&e));
                return Err(e);
            }
            // Upstream dirties the pod too, so the (no-op) pod update and its event follow.
            consistent = false;
        }
        if consistent {
            return Ok(());
        }
        let name = name_of(&p).to_string();
        let res = self
            .cluster
            .update(&PODS, Some(self.ns), &name, None, p.clone(), &wopts());
        match res {
            Ok(_) => {
                self.pod_event("update", set, &p, None);
                Ok(())
            }
            Err(e) => {
                self.pod_event("update", set, &p, Some(&e.message));
                Err(e.message)
            }
        }
    }

    /// createPersistentVolumeClaims (existing claims are reused, never updated).
    fn create_claims(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        let mut errs = Vec::new();
        for (_, claim) in persistent_volume_claims(set, get_ordinal(pod)) {
            let cname = name_of(&claim).to_string();
            match self.cache.claims.get(&cname) {
                Some(existing) => {
                    if !existing["metadata"]["deletionTimestamp"].is_null() {
                        errs.push(format!("pvc {cname} is being deleted"));
                    }
                }
                None => match self.cluster.create(&PVCS, Some(self.ns), claim, &wopts()) {
                    Ok(w) => {
                        self.cache.claims.insert(cname.clone(), Arc::new(w.object));
                        self.claim_event("create", set, pod, &cname, None);
                    }
                    Err(e) => {
                        errs.push(format!("failed to create PVC {cname}: {}", e.message));
                        if e.code != 409 {
                            self.claim_event("create", set, pod, &cname, Some(&e.message));
                        }
                    }
                },
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(aggregate(&errs))
        }
    }

    /// createMissingPersistentVolumeClaims (for Pending pods).
    fn create_missing_claims(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        self.create_claims(set, pod)
    }

    /// ClaimsMatchRetentionPolicy (missing claims count as matching).
    fn claims_match_retention(&self, set: &Value, pod: &Value) -> bool {
        let ordinal = get_ordinal(pod);
        claim_templates(set).iter().all(|t| {
            self.cache
                .claims
                .get(&claim_name(set, t, ordinal))
                .is_none_or(|c| claim_owner_up_to_date(c, set, pod))
        })
    }

    /// UpdatePodClaimForRetentionPolicy.
    fn update_claims_for_retention(&mut self, set: &Value, pod: &Value) -> Result<(), String> {
        let ordinal = get_ordinal(pod);
        for t in claim_templates(set) {
            let cname = claim_name(set, t, ordinal);
            let Some(claim) = self.cache.claims.get(&cname) else {
                continue;
            };
            if has_unexpected_controller(claim, set, pod) {
                self.event(
                    set,
                    "Warning",
                    "ConflictingController",
                    &format!("PersistentVolumeClaim {cname} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim"),
                );
                continue;
            }
            if claim_owner_up_to_date(claim, set, pod) {
                continue;
            }
            let mut c = (**claim).clone();
            update_claim_owner_refs(&mut c, set, pod);
            match self
                .cluster
                .update(&PVCS, Some(self.ns), &cname, None, c, &wopts())
            {
                Ok(w) => {
                    self.cache.claims.insert(cname, Arc::new(w.object));
                }
                Err(e) => {
                    return Err(format!(
                        "could not update claim {cname} for delete policy ownerRefs: {}",
                        e.message
                    ))
                }
            }
        }
        Ok(())
    }

    /// PodClaimIsStale (only with whenScaled=Delete).
    fn pod_claim_is_stale(&self, set: &Value, pod: &Value) -> bool {
        if !retention(set).0 {
            return false;
        }
        persistent_volume_claims(set, get_ordinal(pod))
            .iter()
            .any(|(_, c)| {
                self.cache
                    .claims
                    .get(name_of(c))
                    .is_some_and(|existing| has_stale_pod_ref(existing, pod))
            })
    }

    /// updateStatefulSetStatus: completeRollingUpdate, then write via /status only when the
    /// status is inconsistent with the stored one (RetryOnConflict).
    fn update_status(&mut self, set: &Value, mut status: SetStatus) {
        complete_rolling_update(set, &mut status);
        if !inconsistent_status(set, &status) {
            return;
        }
        let mut obj = set.clone();
        for _ in 0..5 {
            obj["status"] = status.to_json();
            let name = name_of(&obj).to_string();
            match self.cluster.update(
                &STATEFULSETS,
                Some(self.ns),
                &name,
                Some("status"),
                obj.clone(),
                &wopts(),
            ) {
                Ok(_) => return,
                Err(e) if e.code == 409 => {
                    match self.cluster.get(&STATEFULSETS, Some(self.ns), &name) {
                        Ok(fresh) => obj = fresh,
                        Err(_) => return,
                    }
                }
                Err(_) => break,
            }
        }
        self.failed = true;
    }

    /// truncateHistory.
    fn truncate_history(
        &mut self,
        set: &Value,
        pods: &[Arc<Value>],
        sorted: &[Value],
        current: Option<&Value>,
        update: Option<&Value>,
    ) {
        let mut live: HashSet<String> = HashSet::new();
        for r in [current, update].into_iter().flatten() {
            live.insert(name_of(r).to_string());
        }
        for p in pods {
            live.insert(pod_revision(p).to_string());
        }
        let limit = set["spec"]["revisionHistoryLimit"].as_i64().unwrap_or(10);
        for name in history::revisions_to_truncate(sorted, &live, limit) {
            if self
                .cluster
                .delete(
                    &CONTROLLERREVISIONS,
                    Some(self.ns),
                    &name,
                    &DeleteOptions::default(),
                )
                .is_ok()
            {
                self.cache.revisions.retain(|r| name_of(r) != name);
            }
        }
    }
}

/// utilerrors.NewAggregate's message.
fn aggregate(errs: &[String]) -> String {
    if errs.len() == 1 {
        errs[0].clone()
    } else {
        format!("[{}]", errs.join(", "))
    }
}

/// runForAll: ordered (stop at the first blocking step or error) or slowStartBatch
/// (batches 1, 2, 4, ... up to 500; stop after a batch with an error). Returns shouldExit.
fn run_for_all(n: usize, monotonic: bool, mut f: impl FnMut(usize) -> Step) -> bool {
    if monotonic {
        for i in 0..n {
            match f(i) {
                Ok(false) => {}
                _ => return true,
            }
        }
        false
    } else {
        let mut j = 0;
        let mut remaining = n;
        let mut batch = remaining.min(1);
        while batch > 0 {
            let mut failed = false;
            for _ in 0..batch {
                if f(j).is_err() {
                    failed = true;
                }
                j += 1;
            }
            if failed {
                return true;
            }
            remaining -= batch;
            batch = (2 * batch).min(remaining).min(MAX_BATCH_SIZE);
        }
        false
    }
}

/// The UID of an object's controller ownerReference.
fn controller_uid(obj: &Value) -> Option<&str> {
    obj["metadata"]["ownerReferences"]
        .as_array()?
        .iter()
        .find(|r| r["controller"] == true)
        .and_then(|r| r["uid"].as_str())
}

fn controlled_by(obj: &Value, set: &Value) -> bool {
    controller_uid(obj) == Some(uid_of(set))
}

fn push_owner_ref(obj: &mut Value, r: Value) {
    if !obj["metadata"]["ownerReferences"].is_array() {
        obj["metadata"]["ownerReferences"] = json!([]);
    }
    if let Some(a) = obj["metadata"]["ownerReferences"].as_array_mut() {
        a.push(r);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "set-uid", "generation": 2},
            "spec": {
                "replicas": 3,
                "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                "template": {
                    "metadata": {"labels": {"app": "nginx"}, "annotations": {"a": "b"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}],
                             "volumes": [{"name": "data", "emptyDir": {}}, {"name": "cfg", "emptyDir": {}}]}
                },
                "volumeClaimTemplates": [{
                    "metadata": {"name": "data", "labels": {"tier": "db", "app": "other"}},
                    "spec": {"accessModes": ["ReadWriteOnce"]},
                    "status": {"phase": "Pending"}
                }]
            }
        })
    }

    fn pod(name: &str, phase: &str, ready: bool, rev: &str) -> Value {
        json!({
            "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}"),
                         "labels": {REVISION_LABEL: rev}},
            "status": {"phase": phase, "conditions": [
                {"type": "Ready", "status": if ready {"True"} else {"False"},
                 "lastTransitionTime": "2025-01-01T00:00:00Z"}]}
        })
    }

    #[test]
    fn ordinals_parse_like_the_upstream_regex() {
        assert_eq!(parent_and_ordinal("web-0"), ("web".into(), 0));
        assert_eq!(parent_and_ordinal("my-web-12"), ("my-web".into(), 12));
        assert_eq!(parent_and_ordinal("web").1, -1);
        assert_eq!(parent_and_ordinal("web-x1").1, -1);
        assert_eq!(parent_and_ordinal("web-").1, -1);
        assert_eq!(parent_and_ordinal("web-99999999999").1, -1);
        let s = set();
        assert!(is_member_of(&s, &json!({"metadata": {"name": "web-3"}})));
        assert!(!is_member_of(&s, &json!({"metadata": {"name": "webx-3"}})));
        assert!(!is_member_of(&s, &json!({"metadata": {"name": "web-a-3"}})));
    }

    #[test]
    fn new_pod_has_identity_storage_and_owner() {
        let p = new_statefulset_pod(&set(), 1);
        assert_eq!(p["metadata"]["name"], "web-1");
        assert_eq!(p["metadata"]["generateName"], "web-");
        assert_eq!(p["metadata"]["namespace"], "default");
        assert_eq!(p["metadata"]["labels"][POD_NAME_LABEL], "web-1");
        assert_eq!(p["metadata"]["labels"][POD_INDEX_LABEL], "1");
        assert_eq!(p["metadata"]["labels"]["app"], "nginx");
        assert_eq!(p["metadata"]["annotations"]["a"], "b");
        assert_eq!(p["spec"]["hostname"], "web-1");
        assert_eq!(p["spec"]["subdomain"], "nginx");
        let r = &p["metadata"]["ownerReferences"][0];
        assert_eq!(r["kind"], "StatefulSet");
        assert_eq!(r["uid"], "set-uid");
        assert_eq!(r["controller"], true);
        assert_eq!(r["blockOwnerDeletion"], true);
        // Claim volume replaces the template's same-named volume; others follow.
        assert_eq!(
            p["spec"]["volumes"],
            json!([{"name": "data", "persistentVolumeClaim": {"claimName": "data-web-1"}},
                   {"name": "cfg", "emptyDir": {}}])
        );
        assert!(identity_matches(&set(), &p));
        assert!(storage_matches(&set(), &p));
        let mut q = p.clone();
        q["metadata"]["labels"][POD_NAME_LABEL] = json!("x");
        assert!(!identity_matches(&set(), &q));
        q["spec"]["volumes"] = json!([]);
        assert!(!storage_matches(&set(), &q));
    }

    #[test]
    fn claims_are_named_and_labelled() {
        let c = persistent_volume_claims(&set(), 2);
        assert_eq!(c.len(), 1);
        let (t, claim) = &c[0];
        assert_eq!(t, "data");
        assert_eq!(claim["metadata"]["name"], "data-web-2");
        assert_eq!(claim["metadata"]["namespace"], "default");
        // Selector labels win over template labels.
        assert_eq!(
            claim["metadata"]["labels"],
            json!({"tier": "db", "app": "nginx"})
        );
        assert!(claim.get("status").is_none());
        assert_eq!(claim["kind"], "PersistentVolumeClaim");
    }

    #[test]
    fn versioned_pods_follow_partition_and_current_replicas() {
        let mut cur = set();
        cur["spec"]["template"]["spec"]["containers"][0]["image"] = json!("old");
        let upd = set();
        let mut s = cur.clone();
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = json!(2);
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 1);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-old");
        assert_eq!(p["spec"]["containers"][0]["image"], "old");
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 2);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-new");
        assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.25");
        // rollingUpdate nil: status.currentReplicas decides.
        let mut s = cur.clone();
        s["spec"]["updateStrategy"] = json!({"type": "RollingUpdate"});
        s["status"] = json!({"currentReplicas": 2});
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 1);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-old");
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 2);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-new");
        // OnDelete: always the update revision.
        let mut s = cur.clone();
        s["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        s["status"] = json!({"currentReplicas": 3});
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 0);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-new");
        // ordinals.start shifts the partition.
        let mut s = cur.clone();
        s["spec"]["ordinals"] = json!({"start": 5});
        s["spec"]["updateStrategy"]["rollingUpdate"]["partition"] = json!(1);
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 5);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-old");
        let p = new_versioned_pod(&s, &upd, "web-old", "web-new", 6);
        assert_eq!(p["metadata"]["labels"][REVISION_LABEL], "web-new");
    }

    #[test]
    fn replica_status_counts_exactly() {
        let now = parse_time("2025-01-01T00:00:20Z").unwrap();
        let mut terminating = pod("web-3", "Running", true, "a");
        terminating["metadata"]["deletionTimestamp"] = json!("2025-01-01T00:00:10Z");
        let placeholder = json!({"metadata": {"name": "web-4", "labels": {REVISION_LABEL: "b"}}});
        let pods = [
            pod("web-0", "Running", true, "a"),
            pod("web-1", "Running", false, "b"),
            pod("web-2", "Pending", false, "b"),
            terminating,
            placeholder,
        ];
        let s = compute_replica_status(&pods, 0, now, "a", "b");
        assert_eq!(
            s,
            ReplicaCounts {
                replicas: 4,
                ready: 2,
                available: 2,
                current: 1,
                updated: 2
            }
        );
        // minReadySeconds: ready since 00:00:00, 20s later not yet available at 30s.
        let s = compute_replica_status(&pods, 30, now, "a", "a");
        assert_eq!(s.available, 0);
        assert_eq!(s.current, 1);
        assert_eq!(s.updated, 1);
        let s = compute_replica_status(&pods, 19, now, "a", "b");
        assert_eq!(s.available, 2);
        // Exactly at the boundary is not yet available (strictly Before).
        let s = compute_replica_status(&pods, 20, now, "a", "b");
        assert_eq!(s.available, 0);
    }

    #[test]
    fn status_json_omits_zero_fields() {
        let st = SetStatus {
            observed_generation: 1,
            counts: ReplicaCounts {
                replicas: 0,
                ..Default::default()
            },
            current_revision: "web-1".into(),
            update_revision: "web-1".into(),
            collision_count: Some(0),
        };
        assert_eq!(
            st.to_json(),
            json!({"observedGeneration": 1, "replicas": 0, "currentRevision": "web-1",
                   "updateRevision": "web-1", "collisionCount": 0, "availableReplicas": 0})
        );
        let st = SetStatus {
            counts: ReplicaCounts {
                replicas: 3,
                ready: 2,
                available: 1,
                current: 3,
                updated: 1,
            },
            ..st
        };
        let j = st.to_json();
        assert_eq!(j["readyReplicas"], 2);
        assert_eq!(j["currentReplicas"], 3);
        assert_eq!(j["updatedReplicas"], 1);
        assert_eq!(SetStatus::of(&json!({"status": j})), st);
    }

    #[test]
    fn inconsistency_and_rollout_completion() {
        let mut s = set();
        s["status"] = json!({"observedGeneration": 2, "replicas": 3, "readyReplicas": 3,
            "currentReplicas": 3, "updatedReplicas": 3, "currentRevision": "a",
            "updateRevision": "a", "collisionCount": 0, "availableReplicas": 3});
        let mut st = SetStatus::of(&s);
        assert!(!inconsistent_status(&s, &st));
        st.collision_count = Some(1);
        assert!(
            !inconsistent_status(&s, &st),
            "collisionCount is not compared"
        );
        st.counts.available = 2;
        assert!(inconsistent_status(&s, &st));

        let mut st = SetStatus {
            observed_generation: 2,
            counts: ReplicaCounts {
                replicas: 3,
                ready: 3,
                available: 3,
                current: 0,
                updated: 3,
            },
            current_revision: "a".into(),
            update_revision: "b".into(),
            collision_count: Some(0),
        };
        complete_rolling_update(&s, &mut st);
        assert_eq!(st.current_revision, "b");
        assert_eq!(st.counts.current, 3);
        // Not while a pod is unready, nor for OnDelete.
        let mut st2 = SetStatus {
            current_revision: "a".into(),
            ..st.clone()
        };
        st2.counts.ready = 2;
        complete_rolling_update(&s, &mut st2);
        assert_eq!(st2.current_revision, "a");
        s["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
        let mut st3 = SetStatus {
            current_revision: "a".into(),
            ..st
        };
        complete_rolling_update(&s, &mut st3);
        assert_eq!(st3.current_revision, "a");
    }

    #[test]
    fn retention_refs_follow_the_policy() {
        let mut s = set();
        let in_range = pod("web-1", "Running", true, "a");
        let scaled_down = pod("web-5", "Running", true, "a");
        let claim = json!({"metadata": {"name": "data-web-1"}});
        // Retain/Retain: no refs.
        assert!(claim_owner_up_to_date(&claim, &s, &in_range));
        // whenDeleted=Delete: ref to the set.
        s["spec"]["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Delete", "whenScaled": "Retain"});
        assert!(!claim_owner_up_to_date(&claim, &s, &in_range));
        let mut c = claim.clone();
        assert!(update_claim_owner_refs(&mut c, &s, &in_range));
        assert_eq!(c["metadata"]["ownerReferences"][0]["uid"], "set-uid");
        assert_eq!(c["metadata"]["ownerReferences"][0]["controller"], true);
        assert!(claim_owner_up_to_date(&c, &s, &in_range));
        assert!(!update_claim_owner_refs(&mut c, &s, &in_range));
        // Delete/Delete: scaled-down pods' claims move from the set to the pod.
        s["spec"]["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Delete", "whenScaled": "Delete"});
        assert!(claim_owner_up_to_date(&c, &s, &in_range));
        assert!(!claim_owner_up_to_date(&c, &s, &scaled_down));
        assert!(update_claim_owner_refs(&mut c, &s, &scaled_down));
        let refs = c["metadata"]["ownerReferences"].as_array().unwrap();
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0]["kind"], "Pod");
        assert_eq!(refs[0]["uid"], "uid-web-5");
        // whenScaled=Delete only: in-range claims have no refs.
        s["spec"]["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Retain", "whenScaled": "Delete"});
        assert!(claim_owner_up_to_date(&claim, &s, &in_range));
        // A claim controlled by something else is left alone.
        let foreign = json!({"metadata": {"ownerReferences": [
            {"uid": "other", "controller": true, "kind": "X", "name": "x"}]}});
        assert!(claim_owner_up_to_date(&foreign, &s, &scaled_down));
        // Stale pod refs block creation.
        let stale = json!({"metadata": {"ownerReferences": [
            {"uid": "old", "kind": "Pod", "name": "web-1", "controller": true}]}});
        assert!(has_stale_pod_ref(
            &stale,
            &json!({"metadata": {"name": "web-1"}})
        ));
        assert!(!has_stale_pod_ref(
            &stale,
            &json!({"metadata": {"name": "web-1", "uid": "old"}})
        ));
    }

    #[test]
    fn run_for_all_batches_and_blocks() {
        let mut seen = Vec::new();
        assert!(run_for_all(5, true, |i| {
            seen.push(i);
            Ok(i == 2)
        }));
        assert_eq!(seen, [0, 1, 2]);
        // Parallel never blocks on Ok(true) but stops after a failing batch (1, 2, 4...).
        let mut seen = Vec::new();
        assert!(!run_for_all(7, false, |i| {
            seen.push(i);
            Ok(true)
        }));
        assert_eq!(seen.len(), 7);
        let mut seen = Vec::new();
        assert!(run_for_all(20, false, |i| {
            seen.push(i);
            if i == 1 {
                Err("boom".into())
            } else {
                Ok(false)
            }
        }));
        // Batches 1 and 2 ran (indices 0..3), then it stopped.
        assert_eq!(seen, [0, 1, 2]);
    }
}
