//! Native sidecars (init containers with `restartPolicy: Always`) in the simulated kubelet, as
//! the real kubectl shows them: started before the containers and kept running, READY counting
//! them as printPod does (pkg/printers/internalversion/printers.go), their logs served.

mod common;

use common::{fast_sim, kubectl_ok, pod, WAIT};
use kube_sim::resources::PODS;
use kube_sim::KubeSim;
use serde_json::{json, Value};

fn with_sidecar(name: &str, sidecar_image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {
            "initContainers": [
                {"name": "proxy", "image": sidecar_image, "restartPolicy": "Always",
                 "readinessProbe": {"tcpSocket": {"port": 15000}, "initialDelaySeconds": 20}},
                {"name": "setup", "image": "busybox:1.36"}],
            "containers": [{"name": "app", "image": "nginx:1.27"}]}})
}

fn ready_column(s: &KubeSim, name: &str) -> Option<(String, String)> {
    let o = kubectl_ok(s, &["get", "pod", name, "--no-headers"])?;
    let cells: Vec<String> = o.stdout.split_whitespace().map(str::to_string).collect();
    Some((cells[1].clone(), cells[2].clone()))
}

#[test]
fn sidecar_runs_beside_the_containers_and_counts_in_ready() {
    let s = fast_sim();
    s.create(
        &PODS,
        "default",
        with_sidecar("web", "envoyproxy/envoy:v1.31"),
    )
    .unwrap();
    // Running, the app ready, the sidecar's readiness probe still waiting: 1/2.
    assert!(s.wait_until(WAIT, |_| {
        pod(&s, "web")["status"]["containerStatuses"][0]["ready"] == true
    }));
    let p = pod(&s, "web");
    assert_eq!(p["status"]["phase"], "Running");
    let proxy = &p["status"]["initContainerStatuses"][0];
    assert_eq!(proxy["name"], "proxy");
    assert_eq!(proxy["started"], true);
    assert_eq!(proxy["ready"], false);
    assert!(proxy["state"]["running"]["startedAt"].is_string());
    let setup = &p["status"]["initContainerStatuses"][1];
    assert_eq!(setup["state"]["terminated"]["reason"], "Completed");
    // The sidecar started first, the regular init container after it, the app last.
    let started = |v: &Value| v.as_str().unwrap().to_string();
    assert!(
        started(&proxy["state"]["running"]["startedAt"])
            <= started(&setup["state"]["terminated"]["startedAt"])
    );
    let cond = |t: &str| {
        p["status"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["type"] == t)
            .cloned()
            .unwrap()
    };
    assert_eq!(cond("Initialized")["status"], "True");
    assert_eq!(cond("Ready")["status"], "False");
    assert_eq!(
        cond("ContainersReady")["message"],
        "containers with unready status: [proxy]"
    );
    let Some((ready, status)) = ready_column(&s, "web") else {
        return;
    };
    assert_eq!((ready.as_str(), status.as_str()), ("1/2", "Running"));
    // After the probe's delay the sidecar is ready too: 2/2.
    assert!(s.wait_until(WAIT, |_| {
        pod(&s, "web")["status"]["initContainerStatuses"][0]["ready"] == true
    }));
    let (ready, status) = ready_column(&s, "web").unwrap();
    assert_eq!((ready.as_str(), status.as_str()), ("2/2", "Running"));
    // Its log is served like any container's.
    let o = kubectl_ok(&s, &["logs", "web", "-c", "proxy", "--tail", "2"]).unwrap();
    assert_eq!(o.stdout.lines().count(), 2, "{}", o.stdout);
    let o = kubectl_ok(&s, &["describe", "pod", "web"]).unwrap();
    assert!(o.stdout.contains("Init Containers:"), "{}", o.stdout);
    assert!(o.stdout.contains("Started container proxy"), "{}", o.stdout);
    // Deleting the pod stops the containers and the sidecar.
    kubectl_ok(&s, &["delete", "pod", "web"]).unwrap();
    let mut kills: Vec<String> = s
        .cluster()
        .list_items(&kube_sim::resources::EVENTS, Some("default"), None)
        .into_iter()
        .filter(|e| e["reason"] == "Killing")
        .map(|e| {
            e["involvedObject"]["fieldPath"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    kills.sort();
    assert_eq!(
        kills,
        ["spec.containers{app}", "spec.initContainers{proxy}"]
    );
}

/// A sidecar that keeps exiting is restarted (its restarts show in RESTARTS) while the app runs.
#[test]
fn crashing_sidecar_is_restarted() {
    let s = fast_sim();
    s.create(&PODS, "default", with_sidecar("web", "envoy:crash"))
        .unwrap();
    assert!(s.wait_until(WAIT, |_| {
        pod(&s, "web")["status"]["initContainerStatuses"][0]["restartCount"]
            .as_i64()
            .is_some_and(|n| n >= 1)
    }));
    let p = pod(&s, "web");
    assert_eq!(p["status"]["phase"], "Running");
    assert!(p["status"]["containerStatuses"][0]["state"]["running"].is_object());
    let Some(o) = kubectl_ok(&s, &["get", "pod", "web", "--no-headers"]) else {
        return;
    };
    let cells: Vec<&str> = o.stdout.split_whitespace().collect();
    assert_eq!(cells[1], "1/2", "{}", o.stdout);
    assert_ne!(cells[3], "0", "{}", o.stdout);
}
