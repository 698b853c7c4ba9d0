//! The simulated persistent-volume controller and external provisioner/resizer for PVCs:
//! dynamic provisioning and binding (`pvc-<uid>`), WaitForFirstConsumer, and expansion.
//! Upstream: pkg/controller/volume/persistentvolume/pv_controller.go (syncUnboundClaim,
//! bind annotations, events), pkg/controller/volume/expand/expand_controller.go and the
//! external-resizer (conditions Resizing / FileSystemResizePending),
//! plugin/pkg/admission/storage/storageclass/setdefault (default class).
//!
//! The simulator serves no PersistentVolume resource, so only the claim side is written.

use crate::api::{Cluster, WriteOptions};
use crate::clock::format_time;
use crate::controller::metrics::quantity_of;
use crate::controller::recorder::{Recorder, Source};
use crate::resources::{PODS, PVCS, STORAGECLASSES};
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// Simulated provisioning / resize time.
pub const PROVISION_MS: i64 = 300;
pub const RESIZE_MS: i64 = 1000;

pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

/// A kind-like default StorageClass (`standard`, rancher.io/local-path, WaitForFirstConsumer).
pub fn default_storage_class() -> Value {
    json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "annotations": {DEFAULT_CLASS_ANNOTATION: "true"},
        },
        "provisioner": "rancher.io/local-path",
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
        "allowVolumeExpansion": true,
    })
}

/// A default class: the annotation or its beta form (pkg/apis/storage/util/helpers.go
/// IsDefaultAnnotation).
pub fn is_default_class(class: &Value) -> bool {
    let a = &class["metadata"]["annotations"];
    a[DEFAULT_CLASS_ANNOTATION] == "true"
        || a["storageclass.beta.kubernetes.io/is-default-class"] == "true"
}

/// The class a claim uses: its own, else the default class (newest wins, as upstream's
/// GetDefaultClass picks the most recently created).
pub fn class_for<'a>(pvc: &Value, classes: &'a [Value]) -> Option<&'a Value> {
    match pvc["spec"]["storageClassName"].as_str() {
        Some("") => None,
        Some(name) => classes.iter().find(|c| c["metadata"]["name"] == name),
        None => classes
            .iter()
            .filter(|c| is_default_class(c))
            .max_by(|a, b| {
                a["metadata"]["creationTimestamp"]
                    .as_str()
                    .cmp(&b["metadata"]["creationTimestamp"].as_str())
            }),
    }
}

/// The claim as bound: volumeName, bind annotations, status Bound with capacity/accessModes.
pub fn bound_claim(pvc: &Value, class: &Value, node: Option<&str>) -> Value {
    let mut n = pvc.clone();
    let uid = pvc["metadata"]["uid"].as_str().unwrap_or_default();
    let prov = class["provisioner"]
        .as_str()
        .unwrap_or("rancher.io/local-path");
    n["spec"]["volumeName"] = json!(format!("pvc-{uid}"));
    if n["spec"]["storageClassName"].is_null() {
        n["spec"]["storageClassName"] = class["metadata"]["name"].clone();
    }
    let ann = &mut n["metadata"]["annotations"];
    if !ann.is_object() {
        *ann = json!({});
    }
    ann["pv.kubernetes.io/bind-completed"] = json!("yes");
    ann["pv.kubernetes.io/bound-by-controller"] = json!("yes");
    ann["volume.beta.kubernetes.io/storage-provisioner"] = json!(prov);
    ann["volume.kubernetes.io/storage-provisioner"] = json!(prov);
    if let Some(node) = node {
        ann["volume.kubernetes.io/selected-node"] = json!(node);
    }
    n["status"] = json!({
        "phase": "Bound",
        "accessModes": pvc["spec"]["accessModes"],
        "capacity": {"storage": pvc["spec"]["resources"]["requests"]["storage"]},
    });
    n
}

#[derive(Default)]
struct Volumes {
    recorder: Recorder,
    /// pvc uid -> when provisioning/resizing started (simulated).
    started: HashMap<String, DateTime<Utc>>,
    /// pvc uid -> (message, when) of the last event repeated at every resync.
    warned: HashMap<String, (String, DateTime<Utc>)>,
}

/// The provisioners the simulated cluster runs (every other one is an external provisioner
/// nobody runs: its claims stay Pending).
pub const PROVISIONERS: &[&str] = &["sim.k8s.io/hostpath", "rancher.io/local-path"];

/// The PV controller's resync period (kube-controller-manager --pvclaimbinder-sync-period).
pub const RESYNC_SECS: i64 = 15;

/// The PV controller's ExternalProvisioning message (pv_controller.go provisionClaimOperationExternal).
pub fn external_provisioning(provisioner: &str) -> String {
    format!("Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.")
}

fn opts() -> WriteOptions {
    WriteOptions {
        field_manager: Some("persistent-volume-binder".into()),
        ..Default::default()
    }
}

impl Volumes {
    /// An event the PV controller emits on every sync of a claim it cannot bind: again at
    /// each resync (the recorder's correlator counts the repeats), at once when it changes.
    #[allow(clippy::too_many_arguments)]
    fn resync_event(
        &mut self,
        cluster: &Cluster,
        pvc: &Value,
        uid: &str,
        type_: &str,
        reason: &str,
        msg: &str,
        src: &Source,
        now: DateTime<Utc>,
        next: &mut Option<DateTime<Utc>>,
    ) {
        let due = match self.warned.get(uid) {
            Some((m, at)) if m == msg => *at + Duration::seconds(RESYNC_SECS),
            _ => now,
        };
        if now >= due {
            self.recorder
                .record(cluster, pvc, None, type_, reason, msg, src);
            self.warned.insert(uid.to_string(), (msg.to_string(), now));
        }
        let again = self.warned[uid].1 + Duration::seconds(RESYNC_SECS);
        *next = Some(next.map_or(again, |n| n.min(again)));
    }

    /// One pass; returns the next due time.
    fn pass(&mut self, cluster: &Cluster) -> Option<DateTime<Utc>> {
        let now = cluster.clock().now();
        let classes = cluster.list_items(&STORAGECLASSES, None, None);
        let pvcs = cluster.list_items(&PVCS, None, None);
        let mut pods: Option<Vec<Value>> = None;
        let mut next: Option<DateTime<Utc>> = None;
        let due = |t: DateTime<Utc>, next: &mut Option<DateTime<Utc>>| {
            *next = Some(next.map_or(t, |n: DateTime<Utc>| n.min(t)));
        };
        let src = Source {
            component: "persistentvolume-controller".into(),
            host: None,
        };
        let live: std::collections::HashSet<&str> = pvcs
            .iter()
            .filter_map(|p| p["metadata"]["uid"].as_str())
            .collect();
        self.started
            .retain(|k, _| live.contains(k.as_str()) || k.starts_with("resize/"));
        self.warned.retain(|k, _| live.contains(k.as_str()));
        for pvc in &pvcs {
            if pvc["metadata"]["deletionTimestamp"].is_string() {
                continue;
            }
            let ns = pvc["metadata"]["namespace"].as_str().unwrap_or("default");
            let name = pvc["metadata"]["name"].as_str().unwrap_or_default();
            let uid = pvc["metadata"]["uid"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let phase = pvc["status"]["phase"].as_str().unwrap_or("Pending");
            let class = class_for(pvc, &classes);
            if phase != "Bound" {
                let Some(class) = class else {
                    // syncUnboundClaim: a named class that does not exist fails provisioning
                    // (findProvisionablePlugin), no class at all leaves nothing to do.
                    let (type_, reason, msg) = match pvc["spec"]["storageClassName"].as_str() {
                        Some(c) if !c.is_empty() => (
                            "Warning",
                            "ProvisioningFailed",
                            format!("storageclass.storage.k8s.io {c:?} not found"),
                        ),
                        _ => (
                            "Normal",
                            "FailedBinding",
                            "no persistent volumes available for this claim and no storage class is set".to_string(),
                        ),
                    };
                    self.resync_event(
                        cluster, pvc, &uid, type_, reason, &msg, &src, now, &mut next,
                    );
                    continue;
                };
                let selected = pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
                    .as_str()
                    .map(str::to_string);
                if class["volumeBindingMode"] == "WaitForFirstConsumer" && selected.is_none() {
                    // emitEventForUnboundDelayBindingClaim: the pods waiting to be scheduled
                    // are named once there are any.
                    let pods = pods.get_or_insert_with(|| cluster.list_items(&PODS, None, None));
                    let waiting: Vec<&str> = pods
                        .iter()
                        .filter(|p| p["metadata"]["namespace"].as_str() == Some(ns))
                        .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty))
                        .filter(|p| {
                            p["spec"]["volumes"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|v| {
                                    v["persistentVolumeClaim"]["claimName"].as_str() == Some(name)
                                })
                        })
                        .filter_map(|p| p["metadata"]["name"].as_str())
                        .collect();
                    let (reason, msg) = match waiting.as_slice() {
                        [] => (
                            "WaitForFirstConsumer",
                            "waiting for first consumer to be created before binding".to_string(),
                        ),
                        [one] => (
                            "WaitForPodScheduled",
                            format!("waiting for pod {one} to be scheduled"),
                        ),
                        many => (
                            "WaitForPodScheduled",
                            format!("waiting for pods {} to be scheduled", many.join(",")),
                        ),
                    };
                    self.resync_event(
                        cluster, pvc, &uid, "Normal", reason, &msg, &src, now, &mut next,
                    );
                    continue;
                }
                let node = selected;
                let prov = class["provisioner"].as_str().unwrap_or_default();
                if !PROVISIONERS.contains(&prov) {
                    if prov.starts_with("kubernetes.io/") {
                        // An in-tree name without an in-tree plugin (e.g. kubernetes.io/no-provisioner).
                        let msg = format!("no volume plugin matched name: {prov}");
                        self.resync_event(
                            cluster,
                            pvc,
                            &uid,
                            "Warning",
                            "ProvisioningFailed",
                            &msg,
                            &src,
                            now,
                            &mut next,
                        );
                        continue;
                    }
                    // setClaimProvisioner, then wait for an external provisioner nobody runs.
                    let ann = &pvc["metadata"]["annotations"];
                    if ann["volume.kubernetes.io/storage-provisioner"] != prov {
                        let mut n = pvc.clone();
                        if !n["metadata"]["annotations"].is_object() {
                            n["metadata"]["annotations"] = json!({});
                        }
                        n["metadata"]["annotations"]
                            ["volume.beta.kubernetes.io/storage-provisioner"] = json!(prov);
                        n["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"] =
                            json!(prov);
                        let _ = cluster.update(&PVCS, Some(ns), name, None, n, &opts());
                    }
                    let msg = external_provisioning(prov);
                    self.resync_event(
                        cluster,
                        pvc,
                        &uid,
                        "Normal",
                        "ExternalProvisioning",
                        &msg,
                        &src,
                        now,
                        &mut next,
                    );
                    continue;
                }
                let provisioner_src = Source {
                    component: format!("{prov}_local-path-provisioner"),
                    host: None,
                };
                let start = *self.started.entry(uid.clone()).or_insert_with(|| {
                    self.recorder.record(
                        cluster,
                        pvc,
                        None,
                        "Normal",
                        "ExternalProvisioning",
                        &external_provisioning(prov),
                        &src,
                    );
                    self.recorder.record(
                        cluster,
                        pvc,
                        None,
                        "Normal",
                        "Provisioning",
                        &format!(
                            "External provisioner is provisioning volume for claim \"{ns}/{name}\""
                        ),
                        &provisioner_src,
                    );
                    now
                });
                let ready = start + Duration::milliseconds(PROVISION_MS);
                if now < ready {
                    due(ready, &mut next);
                    continue;
                }
                let bound = bound_claim(pvc, class, node.as_deref());
                // Spec/metadata first (volumeName, annotations), then status, as the binder does.
                // Upstream validation lets volumeName be set once and storageClassName go from
                // nil to the default class (RetroactiveDefaultStorageClass); should the registry
                // refuse either, fall back to fewer spec changes rather than never binding.
                let mut attempt =
                    cluster.update(&PVCS, Some(ns), name, None, bound.clone(), &opts());
                if matches!(&attempt, Err(e) if e.code == 422) {
                    let mut fewer = bound.clone();
                    fewer["spec"] = pvc["spec"].clone();
                    fewer["spec"]["volumeName"] = bound["spec"]["volumeName"].clone();
                    attempt = cluster.update(&PVCS, Some(ns), name, None, fewer, &opts());
                    if matches!(&attempt, Err(e) if e.code == 422) {
                        let mut meta_only = bound.clone();
                        meta_only["spec"] = pvc["spec"].clone();
                        attempt = cluster.update(&PVCS, Some(ns), name, None, meta_only, &opts());
                    }
                }
                let Ok(w) = attempt else {
                    due(now + Duration::milliseconds(100), &mut next);
                    continue;
                };
                let mut st = w.object.clone();
                st["status"] = bound["status"].clone();
                let _ = cluster.update(&PVCS, Some(ns), name, Some("status"), st, &opts());
                self.recorder.record(
                    cluster,
                    pvc,
                    None,
                    "Normal",
                    "ProvisioningSucceeded",
                    &format!("Successfully provisioned volume pvc-{uid}"),
                    &provisioner_src,
                );
                self.warned.remove(&uid);
                self.started.remove(&uid);
                continue;
            }
            // Expansion: spec request above status capacity, class allows it.
            let want = quantity_of(&pvc["spec"]["resources"]["requests"]["storage"]);
            let have = quantity_of(&pvc["status"]["capacity"]["storage"]);
            let (Some(want), Some(have)) = (want, have) else {
                continue;
            };
            if want <= have {
                continue;
            }
            if !class.is_some_and(|c| c["allowVolumeExpansion"] == true) {
                continue;
            }
            let key = format!("resize/{uid}");
            let start = *self.started.entry(key.clone()).or_insert(now);
            let done = start + Duration::milliseconds(RESIZE_MS);
            let mut n = pvc.clone();
            if now < done {
                if !pvc["status"]["conditions"].is_array() {
                    n["status"]["conditions"] = json!([{"type": "Resizing", "status": "True",
                        "lastProbeTime": null, "lastTransitionTime": format_time(start)}]);
                    n["status"]["allocatedResources"] =
                        json!({"storage": pvc["spec"]["resources"]["requests"]["storage"]});
                    n["status"]["allocatedResourceStatuses"] =
                        json!({"storage": "ControllerResizeInProgress"});
                    let _ = cluster.update(&PVCS, Some(ns), name, Some("status"), n, &opts());
                    self.recorder.record(
                        cluster,
                        pvc,
                        None,
                        "Normal",
                        "Resizing",
                        &format!("External resizer is resizing volume pvc-{uid}"),
                        &src,
                    );
                }
                due(done, &mut next);
                continue;
            }
            n["status"]["capacity"]["storage"] =
                pvc["spec"]["resources"]["requests"]["storage"].clone();
            if let Some(m) = n["status"].as_object_mut() {
                m.remove("conditions");
                m.remove("allocatedResourceStatuses");
            }
            n["status"]["allocatedResources"] =
                json!({"storage": pvc["spec"]["resources"]["requests"]["storage"]});
            if cluster
                .update(&PVCS, Some(ns), name, Some("status"), n, &opts())
                .is_ok()
            {
                self.recorder.record(
                    cluster,
                    pvc,
                    None,
                    "Normal",
                    "FileSystemResizeSuccessful",
                    &format!("MountVolume.NodeExpandVolume succeeded for volume \"pvc-{uid}\""),
                    &Source {
                        component: "kubelet".into(),
                        host: None,
                    },
                );
                self.started.remove(&key);
            }
        }
        next
    }
}

/// The PVC loop.
pub async fn run(cluster: Arc<Cluster>) {
    let mut rx = cluster.subscribe();
    let mut v = Volumes::default();
    loop {
        let next = v.pass(&cluster);
        rx.borrow_and_update();
        let wait = match next {
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
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_class_and_binding() {
        let classes = vec![
            default_storage_class(),
            json!({"metadata": {"name": "fast"}, "provisioner": "x"}),
        ];
        let pvc = json!({"metadata": {"name": "data-web-0", "namespace": "default", "uid": "abc"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
        let c = class_for(&pvc, &classes).unwrap();
        assert_eq!(c["metadata"]["name"], "standard");
        let mut explicit = pvc.clone();
        explicit["spec"]["storageClassName"] = json!("fast");
        assert_eq!(
            class_for(&explicit, &classes).unwrap()["metadata"]["name"],
            "fast"
        );
        explicit["spec"]["storageClassName"] = json!("");
        assert!(class_for(&explicit, &classes).is_none());
        let b = bound_claim(&pvc, c, Some("sim-node-1"));
        assert_eq!(b["spec"]["volumeName"], "pvc-abc");
        assert_eq!(b["spec"]["storageClassName"], "standard");
        assert_eq!(b["status"]["phase"], "Bound");
        assert_eq!(b["status"]["capacity"]["storage"], "1Gi");
        assert_eq!(b["status"]["accessModes"][0], "ReadWriteOnce");
        assert_eq!(
            b["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"],
            "yes"
        );
        assert_eq!(
            b["metadata"]["annotations"]["volume.kubernetes.io/selected-node"],
            "sim-node-1"
        );
    }
}
