//! Pods whose environment or volumes reference a ConfigMap or Secret (or key) that does not
//! exist: the simulated kubelet keeps them in CreateContainerConfigError / ContainerCreating
//! with upstream's events until the object appears, as the real kubectl shows it.

mod common;

use common::{fast_sim, kubectl_ok, pod, running, WAIT};
use kube_sim::resources::{CONFIGMAPS, EVENTS, PODS, SECRETS};
use kube_sim::KubeSim;
use serde_json::{json, Value};
use std::time::Duration;

fn waiting(s: &KubeSim, name: &str) -> (String, String) {
    let p = pod(s, name);
    let w = &p["status"]["containerStatuses"][0]["state"]["waiting"];
    (
        w["reason"].as_str().unwrap_or_default().to_string(),
        w["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn event(s: &KubeSim, name: &str, reason: &str) -> Option<Value> {
    s.cluster()
        .list_items(&EVENTS, Some("default"), None)
        .into_iter()
        .find(|e| e["involvedObject"]["name"] == name && e["reason"] == reason)
}

fn status_column(s: &KubeSim, name: &str) -> Option<String> {
    let o = kubectl_ok(s, &["get", "pod", name, "--no-headers"])?;
    Some(o.stdout.split_whitespace().nth(2).unwrap().to_string())
}

#[test]
fn env_from_missing_configmap_is_create_container_config_error() {
    let s = fast_sim();
    s.create(
        &PODS,
        "default",
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "app"},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27", "env": [
                {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "app-config", "key": "mode"}}},
                {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "x", "optional": true}}}]}]}}),
    )
    .unwrap();
    let err = "configmap \"app-config\" not found";
    assert!(s.wait_until(WAIT, |_| waiting(&s, "app").0
        == "CreateContainerConfigError"));
    assert_eq!(waiting(&s, "app").1, err);
    let failed = event(&s, "app", "Failed").expect("Failed event");
    assert_eq!(failed["type"], "Warning");
    assert_eq!(failed["message"], format!("Error: {err}"));
    assert_eq!(
        failed["involvedObject"]["fieldPath"],
        "spec.containers{app}"
    );
    // The pod worker tries again every 10 s: the same event, counted.
    s.clock().advance(Duration::from_secs(11));
    assert!(s.wait_until(WAIT, |_| {
        event(&s, "app", "Failed").is_some_and(|e| e["count"].as_i64() >= Some(2))
    }));
    if let Some(st) = status_column(&s, "app") {
        assert_eq!(st, "CreateContainerConfigError");
        let o = kubectl_ok(&s, &["describe", "pod", "app"]).unwrap();
        assert!(o.stdout.contains(&format!("Error: {err}")), "{}", o.stdout);
    }
    // The ConfigMap without the key: the message changes.
    s.create(
        &CONFIGMAPS,
        "default",
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app-config"}, "data": {"other": "x"}}),
    )
    .unwrap();
    s.clock().advance(Duration::from_secs(11));
    assert!(s.wait_until(WAIT, |_| {
        waiting(&s, "app").1 == "couldn't find key mode in ConfigMap default/app-config"
    }));
    // With the key, the next try creates the container.
    let mut cm = s
        .cluster()
        .get(&CONFIGMAPS, Some("default"), "app-config")
        .unwrap();
    cm["data"]["mode"] = json!("fast");
    s.cluster()
        .update(
            &CONFIGMAPS,
            Some("default"),
            "app-config",
            None,
            cm,
            &Default::default(),
        )
        .unwrap();
    s.clock().advance(Duration::from_secs(11));
    assert!(running(&s, "app"));
    if let Some(st) = status_column(&s, "app") {
        assert_eq!(st, "Running");
    }
}

#[test]
fn missing_volume_source_keeps_the_pod_container_creating() {
    let s = fast_sim();
    s.create(
        &PODS,
        "default",
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "db"},
            "spec": {"containers": [{"name": "db", "image": "postgres:16",
                        "volumeMounts": [{"name": "creds", "mountPath": "/creds"}]}],
                     "volumes": [
                        {"name": "creds", "secret": {"secretName": "db-creds"}},
                        {"name": "extra", "configMap": {"name": "absent", "optional": true}}]}}),
    )
    .unwrap();
    let msg = "MountVolume.SetUp failed for volume \"creds\" : secret \"db-creds\" not found";
    assert!(s.wait_until(WAIT, |_| event(&s, "db", "FailedMount").is_some()));
    let e = event(&s, "db", "FailedMount").unwrap();
    assert_eq!(e["type"], "Warning");
    assert_eq!(e["message"], msg);
    assert_eq!(e["source"]["component"], "kubelet");
    // Retried with back-off (0.5 s, 1 s, 2 s ...): counted.
    assert!(s.wait_until(WAIT, |_| {
        event(&s, "db", "FailedMount").is_some_and(|e| e["count"].as_i64() >= Some(3))
    }));
    let p = pod(&s, "db");
    assert_eq!(p["status"]["phase"], "Pending");
    assert!(p["status"]["podIP"].is_null(), "no sandbox: {p}");
    assert_eq!(waiting(&s, "db").0, "ContainerCreating");
    if let Some(st) = status_column(&s, "db") {
        assert_eq!(st, "ContainerCreating");
        let o = kubectl_ok(&s, &["describe", "pod", "db"]).unwrap();
        let line = o
            .stdout
            .lines()
            .find(|l| l.contains("FailedMount"))
            .unwrap_or_else(|| panic!("{}", o.stdout));
        assert!(line.contains("kubelet"), "{line}");
        assert!(line.ends_with(msg), "{line}");
        assert!(line.contains("(x"), "counted: {line}");
    }
    s.create(
        &SECRETS,
        "default",
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db-creds"},
            "data": {"password": "c2VjcmV0"}}),
    )
    .unwrap();
    // The next try (within the back-off, at most ~2 min) mounts it.
    s.clock().advance(Duration::from_secs(30));
    assert!(running(&s, "db"));
    assert!(pod(&s, "db")["status"]["podIP"].is_string());
}
