//! The simulated scheduler's filters and the PV controller against a running simulator, seen
//! through the real kubectl: required pod anti-affinity, host ports and taints, claims that
//! cannot be provisioned. Messages as upstream words them (pkg/scheduler/framework/types.go
//! FitError, the plugins' reasons, pkg/controller/volume/persistentvolume/pv_controller.go).

mod common;

use common::{fast_sim, kubectl, kubectl_ok, pod, running, WAIT};
use kube_sim::api::{DeleteOptions, WriteOptions};
use kube_sim::resources::{EVENTS, NODES, PODS, PVCS, STORAGECLASSES};
use kube_sim::KubeSim;
use serde_json::{json, Value};
use std::time::Duration;

fn scheduled_condition(p: &Value) -> Option<&Value> {
    p["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == "PodScheduled")
}

/// Wait until the pod is reported unschedulable; its message.
fn unschedulable(s: &KubeSim, name: &str) -> String {
    assert!(
        s.wait_until(WAIT, |_| {
            scheduled_condition(&pod(s, name)).is_some_and(|c| c["reason"] == "Unschedulable")
        }),
        "{name} never unschedulable: {}",
        pod(s, name)
    );
    scheduled_condition(&pod(s, name)).unwrap()["message"]
        .as_str()
        .unwrap()
        .to_string()
}

fn events(s: &KubeSim, name: &str, reason: &str) -> Vec<Value> {
    s.cluster()
        .list_items(&EVENTS, Some("default"), None)
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == name && e["reason"] == reason)
        .collect()
}

const SPREAD: &str = r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 5
  podManagementPolicy: Parallel
  serviceName: web
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - labelSelector:
              matchLabels: {app: web}
            topologyKey: kubernetes.io/hostname
      containers:
      - name: nginx
        image: nginx:1.27
"#;

/// Five replicas that must not share a node, on three nodes: three run, one per node, and two
/// stay Pending with InterPodAffinity's reason (resolvable: preemption finds no victims).
#[test]
fn anti_affinity_leaves_two_of_five_pending() {
    let s = fast_sim();
    s.apply_yaml(SPREAD).unwrap();
    let mut placed = Vec::new();
    let mut pending = Vec::new();
    assert!(s.wait_until(WAIT, |c| {
        let pods = c.list_items(&PODS, Some("default"), Some("app=web"));
        placed = pods
            .iter()
            .filter(|p| p["status"]["phase"] == "Running")
            .map(|p| p["spec"]["nodeName"].as_str().unwrap().to_string())
            .collect();
        pending = pods
            .iter()
            .filter(|p| scheduled_condition(p).is_some_and(|c| c["status"] == "False"))
            .map(|p| p["metadata"]["name"].as_str().unwrap().to_string())
            .collect();
        placed.len() == 3 && pending.len() == 2
    }));
    placed.sort();
    assert_eq!(placed, ["sim-node-1", "sim-node-2", "sim-node-3"]);
    let msg = "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.";
    for name in &pending {
        assert_eq!(unschedulable(&s, name), msg);
        let ev = events(&s, name, "FailedScheduling");
        assert_eq!(ev.len(), 1, "{ev:?}");
        assert_eq!(ev[0]["type"], "Warning");
        assert_eq!(ev[0]["message"], msg);
        assert_eq!(ev[0]["reportingComponent"], "default-scheduler");
    }
    let Some(o) = kubectl_ok(&s, &["get", "pods", "--no-headers"]) else {
        return;
    };
    assert_eq!(o.stdout.matches(" Pending ").count(), 2, "{}", o.stdout);
    assert_eq!(o.stdout.matches(" Running ").count(), 3, "{}", o.stdout);
    let o = kubectl_ok(&s, &["describe", "pod", &pending[0]]).unwrap();
    let line = o
        .stdout
        .lines()
        .find(|l| l.contains("FailedScheduling"))
        .unwrap_or_else(|| panic!("no FailedScheduling event: {}", o.stdout));
    assert!(
        line.trim_start().starts_with("Warning  FailedScheduling"),
        "{line}"
    );
    assert!(line.contains("default-scheduler"), "{line}");
    assert!(line.ends_with(msg), "{line}");
    // A node freed (the set orphaned, one running pod deleted): a pending pod is placed there.
    kubectl_ok(&s, &["delete", "sts", "web", "--cascade=orphan"]);
    let victim = s
        .cluster()
        .list_items(&PODS, Some("default"), Some("app=web"))
        .into_iter()
        .find(|p| p["status"]["phase"] == "Running")
        .unwrap();
    let node = victim["spec"]["nodeName"].as_str().unwrap().to_string();
    let victim = victim["metadata"]["name"].as_str().unwrap().to_string();
    kubectl_ok(&s, &["delete", "pod", &victim, "--wait=false"]);
    assert!(s.wait_until(WAIT, |c| {
        c.list_items(&PODS, Some("default"), Some("app=web"))
            .iter()
            .any(|p| {
                pending.contains(&p["metadata"]["name"].as_str().unwrap().to_string())
                    && p["spec"]["nodeName"] == node.as_str()
            })
    }));
}

fn host_port_pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": {"app": "hp"}},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27",
            "ports": [{"containerPort": 80, "hostPort": 8080}]}]}})
}

/// A tainted node and host ports taken on the others: every node is rejected by the first
/// filter that fails, the reasons counted and sorted; the taint's node is unresolvable.
#[test]
fn host_ports_and_taints_as_kubectl_shows_them() {
    let s = fast_sim();
    let c = s.cluster();
    let mut n1 = c.get(&NODES, None, "sim-node-1").unwrap();
    n1["spec"]["taints"] = json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]);
    c.update(
        &NODES,
        None,
        "sim-node-1",
        None,
        n1,
        &WriteOptions::default(),
    )
    .unwrap();
    for name in ["hp-1", "hp-2", "hp-3"] {
        s.create(&PODS, "default", host_port_pod(name)).unwrap();
    }
    let msg = "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: db}, 2 node(s) didn't have free ports for the requested pod ports. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.";
    assert!(s.wait_until(WAIT, |_| {
        ["hp-1", "hp-2", "hp-3"]
            .iter()
            .filter(|n| pod(&s, n)["status"]["phase"] == "Running")
            .count()
            == 2
    }));
    let pending = ["hp-1", "hp-2", "hp-3"]
        .into_iter()
        .find(|n| pod(&s, n)["spec"]["nodeName"].is_null())
        .unwrap();
    assert_eq!(unschedulable(&s, pending), msg);
    for n in ["hp-1", "hp-2", "hp-3"] {
        assert_ne!(pod(&s, n)["spec"]["nodeName"], "sim-node-1");
    }
    if let Some(o) = kubectl_ok(
        &s,
        &[
            "get",
            "events",
            "--field-selector",
            "reason=FailedScheduling",
        ],
    ) {
        assert!(o.stdout.contains(msg), "{}", o.stdout);
        assert!(o.stdout.contains(&format!("pod/{pending}")), "{}", o.stdout);
    }
    // A pod tolerating the taint goes to the tainted node.
    let mut tolerant = host_port_pod("hp-4");
    tolerant["spec"]["tolerations"] =
        json!([{"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]);
    s.create(&PODS, "default", tolerant).unwrap();
    assert!(running(&s, "hp-4"));
    assert_eq!(pod(&s, "hp-4")["spec"]["nodeName"], "sim-node-1");
}

fn claim(name: &str, class: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
        "spec": {"storageClassName": class, "accessModes": ["ReadWriteOnce"],
                 "resources": {"requests": {"storage": "1Gi"}}}})
}

fn claim_user(name: &str, claim: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "c", "image": "busybox:1.36"}],
                 "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": claim}}]}})
}

const UNBOUND: &str = "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";

/// A claim naming a StorageClass that does not exist stays Pending (ProvisioningFailed from
/// the PV controller, repeated at every resync), and so does its pod (VolumeBinding's
/// PreFilter); once the class is created, both proceed.
#[test]
fn missing_storage_class_keeps_claim_and_pod_pending() {
    let s = fast_sim();
    s.create(&PVCS, "default", claim("data", "fast")).unwrap();
    s.create(&PODS, "default", claim_user("db", "data"))
        .unwrap();
    assert_eq!(unschedulable(&s, "db"), UNBOUND);
    let failed = "storageclass.storage.k8s.io \"fast\" not found";
    assert!(s.wait_until(WAIT, |_| {
        events(&s, "data", "ProvisioningFailed")
            .first()
            .is_some_and(|e| e["message"] == failed && e["type"] == "Warning")
    }));
    // The PV controller resyncs every 15 s: the same event again, counted.
    s.clock().advance(Duration::from_secs(16));
    assert!(s.wait_until(WAIT, |_| {
        events(&s, "data", "ProvisioningFailed")
            .first()
            .is_some_and(|e| e["count"].as_i64() >= Some(2))
    }));
    assert_eq!(
        s.cluster().get(&PVCS, Some("default"), "data").unwrap()["status"]["phase"],
        "Pending"
    );
    if let Some(o) = kubectl_ok(&s, &["describe", "pvc", "data"]) {
        let line = o
            .stdout
            .lines()
            .find(|l| l.contains("ProvisioningFailed"))
            .unwrap_or_else(|| panic!("{}", o.stdout));
        assert!(line.contains("persistentvolume-controller"), "{line}");
        assert!(line.ends_with(failed), "{line}");
        let o = kubectl_ok(&s, &["describe", "pod", "db"]).unwrap();
        assert!(o.stdout.contains(UNBOUND), "{}", o.stdout);
        let o = kubectl_ok(&s, &["get", "pod", "db", "--no-headers"]).unwrap();
        assert!(
            o.stdout.contains(" 0/1 ") && o.stdout.contains(" Pending "),
            "{}",
            o.stdout
        );
    }
    s.create(
        &STORAGECLASSES,
        "",
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "fast"},
            "provisioner": "sim.k8s.io/hostpath", "volumeBindingMode": "Immediate"}),
    )
    .unwrap();
    assert!(s.wait_until(WAIT, |c| {
        c.get(&PVCS, Some("default"), "data")
            .is_ok_and(|p| p["status"]["phase"] == "Bound")
    }));
    assert!(running(&s, "db"));
}

/// A class whose provisioner nobody runs: the PV controller hands the claim to it
/// (storage-provisioner annotations) and says it is waiting; the pod waits too.
#[test]
fn external_provisioner_not_running() {
    let s = fast_sim();
    s.create(
        &STORAGECLASSES,
        "",
        json!({"apiVersion": "storage.k8s.io/v1", "kind": "StorageClass", "metadata": {"name": "ebs"},
            "provisioner": "ebs.csi.aws.com", "volumeBindingMode": "Immediate"}),
    )
    .unwrap();
    s.create(&PVCS, "default", claim("data", "ebs")).unwrap();
    s.create(&PODS, "default", claim_user("db", "data"))
        .unwrap();
    assert_eq!(unschedulable(&s, "db"), UNBOUND);
    let waiting = "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.";
    assert!(s.wait_until(WAIT, |_| {
        events(&s, "data", "ExternalProvisioning")
            .first()
            .is_some_and(|e| e["message"] == waiting)
    }));
    let pvc = s.cluster().get(&PVCS, Some("default"), "data").unwrap();
    assert_eq!(pvc["status"]["phase"], "Pending");
    assert_eq!(
        pvc["metadata"]["annotations"]["volume.kubernetes.io/storage-provisioner"],
        "ebs.csi.aws.com"
    );
    assert!(pvc["spec"]["volumeName"].is_null());
    // Deleting the claim leaves the pod unschedulable for another reason.
    s.cluster()
        .delete(&PVCS, Some("default"), "data", &DeleteOptions::default())
        .unwrap();
    assert!(s.wait_until(WAIT, |_| {
        scheduled_condition(&pod(&s, "db")).is_some_and(|c| {
            c["message"]
                == "0/3 nodes are available: persistentvolumeclaim \"data\" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        })
    }));
    if let Some(o) = kubectl(&s, &["get", "pvc", "data"]) {
        assert!(!o.ok);
    }
}

/// The default class binds on the first consumer: the claim waits for a pod, is provisioned
/// on the node the scheduler picks, and the pod is bound there only once the claim is Bound;
/// a replacement pod goes back to that node.
#[test]
fn wait_for_first_consumer_provisions_on_the_chosen_node() {
    let s = fast_sim();
    s.create(&PVCS, "default", claim("data", "standard"))
        .unwrap();
    assert!(s.wait_until(WAIT, |_| {
        !events(&s, "data", "WaitForFirstConsumer").is_empty()
    }));
    s.create(&PODS, "default", claim_user("db", "data"))
        .unwrap();
    assert!(running(&s, "db"));
    let pvc = s.cluster().get(&PVCS, Some("default"), "data").unwrap();
    let node = pod(&s, "db")["spec"]["nodeName"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        pvc["metadata"]["annotations"]["volume.kubernetes.io/selected-node"],
        node.as_str()
    );
    assert!(events(&s, "db", "FailedScheduling").is_empty());
    let mut reasons: Vec<String> = s
        .cluster()
        .list_items(&EVENTS, Some("default"), None)
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == "data")
        .map(|e| e["reason"].as_str().unwrap().to_string())
        .collect();
    // A resync of the claim between the pod's creation and the scheduler's choice names the
    // waiting pod (emitEventForUnboundDelayBindingClaim), as upstream does: allowed, there.
    if let Some(i) = reasons.iter().position(|r| r == "WaitForPodScheduled") {
        assert_eq!(i, 1, "{reasons:?}");
        reasons.remove(i);
    }
    assert_eq!(
        reasons,
        [
            "WaitForFirstConsumer",
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ]
    );
    // The volume is local to that node: the next pod using it is placed there too.
    for i in 0..3 {
        let name = format!("again-{i}");
        s.create(&PODS, "default", claim_user(&name, "data"))
            .unwrap();
        assert!(s.wait_until(WAIT, |_| pod(&s, &name)["spec"]["nodeName"].is_string()));
        assert_eq!(pod(&s, &name)["spec"]["nodeName"], node.as_str());
    }
}
