//! Garbage collector, namespace lifecycle and PVC binding against a running simulator.

use kube_sim::api::{DeleteOptions, Propagation, WriteOptions};
use kube_sim::resources::{CONFIGMAPS, NAMESPACES, PODS, PVCS, SECRETS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        speed: 10.0,
        ..Default::default()
    })
    .expect("simulator starts")
}

fn cm(name: &str, owner: Option<&Value>) -> Value {
    let mut o = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": "default"}, "data": {"k": "v"}});
    if let Some(ow) = owner {
        o["metadata"]["ownerReferences"] = json!([{
            "apiVersion": "v1", "kind": "ConfigMap", "name": ow["metadata"]["name"],
            "uid": ow["metadata"]["uid"], "controller": true, "blockOwnerDeletion": true}]);
    }
    o
}

fn exists(s: &KubeSim, name: &str) -> Option<Value> {
    s.cluster().get(&CONFIGMAPS, Some("default"), name).ok()
}

fn delete(s: &KubeSim, name: &str, p: Propagation) {
    s.cluster()
        .delete(
            &CONFIGMAPS,
            Some("default"),
            name,
            &DeleteOptions {
                propagation: Some(p),
                ..Default::default()
            },
        )
        .unwrap();
}

#[test]
fn kubelet_gc_background_deletes_dependents() {
    let s = sim();
    let owner = s.create(&CONFIGMAPS, "default", cm("owner", None)).unwrap();
    s.create(&CONFIGMAPS, "default", cm("dep", Some(&owner)))
        .unwrap();
    s.create(&CONFIGMAPS, "default", cm("free", None)).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(exists(&s, "dep").is_some(), "owner alive: dependent kept");
    delete(&s, "owner", Propagation::Background);
    assert!(exists(&s, "owner").is_none());
    assert!(s.wait_until(Duration::from_secs(5), |_| exists(&s, "dep").is_none()));
    assert!(exists(&s, "free").is_some());
}

#[test]
fn kubelet_gc_partial_dangling_reference_removed() {
    let s = sim();
    let a = s.create(&CONFIGMAPS, "default", cm("a", None)).unwrap();
    let b = s.create(&CONFIGMAPS, "default", cm("b", None)).unwrap();
    let mut d = cm("two-owners", Some(&a));
    d["metadata"]["ownerReferences"]
        .as_array_mut()
        .unwrap()
        .push(json!({"apiVersion": "v1", "kind": "ConfigMap", "name": "b", "uid": b["metadata"]["uid"]}));
    s.create(&CONFIGMAPS, "default", d).unwrap();
    delete(&s, "a", Propagation::Background);
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        exists(&s, "two-owners").is_some_and(|o| {
            o["metadata"]["ownerReferences"].as_array().map(|v| v.len()) == Some(1)
        })
    }));
    let o = exists(&s, "two-owners").unwrap();
    assert_eq!(o["metadata"]["ownerReferences"][0]["name"], "b");
}

#[test]
fn kubelet_gc_foreground_waits_for_dependents() {
    let s = sim();
    let owner = s.create(&CONFIGMAPS, "default", cm("fg", None)).unwrap();
    s.create(&CONFIGMAPS, "default", cm("fg-dep", Some(&owner)))
        .unwrap();
    delete(&s, "fg", Propagation::Foreground);
    // Visible with deletionTimestamp + finalizer right after the DELETE, gone after the GC.
    let now = exists(&s, "fg");
    if let Some(o) = &now {
        assert!(o["metadata"]["deletionTimestamp"].is_string());
    }
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        exists(&s, "fg").is_none() && exists(&s, "fg-dep").is_none()
    }));
}

#[test]
fn kubelet_gc_orphan_keeps_dependents_unowned() {
    let s = sim();
    let owner = s.create(&CONFIGMAPS, "default", cm("or", None)).unwrap();
    s.create(&CONFIGMAPS, "default", cm("or-dep", Some(&owner)))
        .unwrap();
    delete(&s, "or", Propagation::Orphan);
    assert!(s.wait_until(Duration::from_secs(5), |_| exists(&s, "or").is_none()));
    std::thread::sleep(Duration::from_millis(300));
    let d = exists(&s, "or-dep").expect("orphaned dependent survives");
    assert!(d["metadata"]["ownerReferences"].is_null());
}

#[test]
fn kubelet_namespace_deletion_empties_it() {
    let s = sim();
    s.create(
        &NAMESPACES,
        "",
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "doomed"},
            // (the registry's PrepareForCreate adds this finalizer; spelled out to not depend on it)
            "spec": {"finalizers": ["kubernetes"]}}),
    )
    .unwrap();
    let c = s.cluster();
    let opts = WriteOptions::default();
    c.create(
        &CONFIGMAPS,
        Some("doomed"),
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}),
        &opts,
    )
    .unwrap();
    c.create(
        &SECRETS,
        Some("doomed"),
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}),
        &opts,
    )
    .unwrap();
    c.create(
        &PODS,
        Some("doomed"),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}),
        &opts,
    )
    .unwrap();
    let d = c
        .delete(&NAMESPACES, None, "doomed", &DeleteOptions::default())
        .unwrap();
    assert_eq!(d["status"]["phase"], "Terminating");
    assert!(s.wait_until(Duration::from_secs(8), |c| {
        c.get(&NAMESPACES, None, "doomed").is_err()
    }));
    assert!(c.list_items(&CONFIGMAPS, Some("doomed"), None).is_empty());
    assert!(c.list_items(&PODS, Some("doomed"), None).is_empty());
}

#[test]
fn kubelet_pvc_binds_and_expands() {
    let s = sim();
    let c = s.cluster();
    c.create(
        &PVCS,
        Some("default"),
        json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}),
        &WriteOptions::default(),
    )
    .unwrap();
    // The default class binds on the first consumer: nothing happens without a pod.
    std::thread::sleep(Duration::from_millis(300));
    let p = c.get(&PVCS, Some("default"), "data").unwrap();
    assert_eq!(p["status"]["phase"], "Pending", "{p}");
    c.create(
        &PODS,
        Some("default"),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "user"},
            "spec": {"containers": [{"name": "c", "image": "busybox:1"}],
                     "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}}),
        &WriteOptions::default(),
    )
    .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |c| {
        c.get(&PVCS, Some("default"), "data")
            .is_ok_and(|p| p["status"]["phase"] == "Bound")
    }));
    let p = c.get(&PVCS, Some("default"), "data").unwrap();
    let uid = p["metadata"]["uid"].as_str().unwrap();
    // Provisioned on the node the scheduler chose for the pod, which is bound there after.
    let node = p["metadata"]["annotations"]["volume.kubernetes.io/selected-node"]
        .as_str()
        .expect("selected-node")
        .to_string();
    assert!(s.wait_until(Duration::from_secs(5), |c| {
        c.get(&PODS, Some("default"), "user")
            .is_ok_and(|p| p["spec"]["nodeName"] == node.as_str())
    }));
    assert_eq!(p["spec"]["volumeName"], format!("pvc-{uid}"));
    assert_eq!(p["spec"]["storageClassName"], "standard");
    assert_eq!(p["status"]["capacity"]["storage"], "1Gi");
    assert_eq!(
        p["metadata"]["annotations"]["pv.kubernetes.io/bind-completed"],
        "yes"
    );
    let mut grown = p.clone();
    grown["spec"]["resources"]["requests"]["storage"] = json!("2Gi");
    c.update(
        &PVCS,
        Some("default"),
        "data",
        None,
        grown,
        &WriteOptions::default(),
    )
    .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |c| {
        c.get(&PVCS, Some("default"), "data")
            .is_ok_and(|p| p["status"]["capacity"]["storage"] == "2Gi")
    }));
}
