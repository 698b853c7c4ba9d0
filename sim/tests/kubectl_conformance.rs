//! The real kubectl (v1.32, `/usr/bin/kubectl`) against the simulator. Each test is skipped,
//! with the reason printed, when kubectl is not installed. Discovery caches are isolated per
//! simulator (`--cache-dir` and HOME in the simulator's temp dir).

use kube_sim::{KubeSim, SimOptions};
use std::process::Output;
use std::time::Duration;

fn sim() -> KubeSim {
    KubeSim::start(SimOptions::default()).expect("start simulator")
}

/// Run kubectl; None when it is not installed.
fn kubectl(sim: &KubeSim, args: &[&str]) -> Option<Output> {
    let mut c = sim.kubectl(args)?;
    Some(c.output().expect("run kubectl"))
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "kubectl failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const WEB: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: web
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"#;

#[test]
fn get_namespaces() {
    let s = sim();
    let Some(out) = kubectl(&s, &["get", "ns"]) else {
        return;
    };
    let text = ok(&out);
    let first = text.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("NAME") && first.contains("STATUS"),
        "{text}"
    );
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        assert!(
            text.lines()
                .any(|l| l.starts_with(ns) && l.contains("Active")),
            "{ns} missing in\n{text}"
        );
    }
    // kubectl asked for aggregated discovery and got it (no per-group requests followed).
    let reqs = s.requests();
    assert!(reqs.iter().any(|r| r.path == "/api"));
    assert!(!reqs.iter().any(|r| r.path == "/apis/apps/v1"), "{reqs:?}");
}

#[test]
fn create_get_and_delete_a_statefulset() {
    let s = sim();
    let file = s.temp_dir().join("web.yaml");
    std::fs::write(&file, WEB).unwrap();
    let f = file.to_str().unwrap();
    let Some(out) = kubectl(&s, &["create", "-f", f]) else {
        return;
    };
    let text = ok(&out);
    assert!(text.contains("service/web created"), "{text}");
    assert!(text.contains("statefulset.apps/web created"), "{text}");
    // kubectl create validates strictly and names its field manager.
    let post = s
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/statefulsets"))
        .expect("POST statefulsets");
    assert_eq!(
        post.param("fieldManager").as_deref(),
        Some("kubectl-create")
    );
    let sts = s
        .cluster()
        .get(&kube_sim::resources::STATEFULSETS, Some("default"), "web")
        .unwrap();
    // The controller's status entry may sort first (same second: by manager name, as
    // upstream's sortEncodedManagedFields orders them), so look the entry up by manager.
    let managers: Vec<&str> = sts["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["manager"].as_str())
        .collect();
    assert!(managers.contains(&"kubectl-create"), "{managers:?}");

    let text = ok(&kubectl(&s, &["get", "sts,svc"]).unwrap());
    assert!(text.contains("statefulset.apps/web"), "{text}");
    assert!(text.contains("service/web"), "{text}");
    let header = text.lines().next().unwrap();
    assert!(
        header.contains("READY"),
        "server-side Table expected: {text}"
    );

    let yaml = ok(&kubectl(&s, &["get", "sts", "web", "-o", "yaml"]).unwrap());
    let v: serde_json::Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(v["kind"], "StatefulSet");
    assert_eq!(v["apiVersion"], "apps/v1");
    assert_eq!(v["metadata"]["generation"], 1);
    assert_eq!(v["spec"]["replicas"], 2);
    assert!(v["metadata"]["uid"].is_string());
    assert!(
        v["metadata"].get("managedFields").is_none(),
        "kubectl hides managedFields"
    );

    let text = ok(&kubectl(&s, &["delete", "-f", f, "--timeout=20s"]).unwrap());
    assert!(text.contains("statefulset.apps \"web\" deleted"), "{text}");
    assert!(text.contains("service \"web\" deleted"), "{text}");
    let out = kubectl(&s, &["get", "sts", "web"]).unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "Error from server (NotFound): statefulsets.apps \"web\" not found"
    );
}

#[test]
fn errors_are_printed_from_status_objects() {
    let s = sim();
    let Some(out) = kubectl(&s, &["get", "configmap", "nope"]) else {
        return;
    };
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "Error from server (NotFound): configmaps \"nope\" not found"
    );
    ok(&kubectl(&s, &["create", "configmap", "dup", "--from-literal=a=b"]).unwrap());
    let out = kubectl(&s, &["create", "configmap", "dup", "--from-literal=a=b"]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: failed to create configmap: configmaps \"dup\" already exists"
    );
    let out = kubectl(&s, &["create", "configmap", "x", "-n", "nowhere"]).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: failed to create configmap: namespaces \"nowhere\" not found"
    );
}

#[test]
fn dry_run_server_and_label_selectors() {
    let s = sim();
    let Some(out) = kubectl(
        &s,
        &[
            "create",
            "configmap",
            "dry",
            "--from-literal=a=b",
            "--dry-run=server",
        ],
    ) else {
        return;
    };
    let text = ok(&out);
    assert!(
        text.contains("configmap/dry created (server dry run)"),
        "{text}"
    );
    assert!(s
        .cluster()
        .get(&kube_sim::resources::CONFIGMAPS, Some("default"), "dry")
        .is_err());
    ok(&kubectl(&s, &["create", "configmap", "one", "--from-literal=a=b"]).unwrap());
    ok(&kubectl(&s, &["create", "configmap", "two", "--from-literal=a=b"]).unwrap());
    ok(&kubectl(&s, &["label", "configmap", "one", "tier=web"]).unwrap());
    let text = ok(&kubectl(&s, &["get", "cm", "-l", "tier=web", "-o", "name"]).unwrap());
    assert_eq!(text.trim(), "configmap/one");
}

#[test]
fn watch_sees_changes() {
    let s = sim();
    let Some(mut cmd) = s.kubectl(["get", "cm", "-w", "--output-watch-events"]) else {
        return;
    };
    cmd.stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    s.create(
        &kube_sim::resources::CONFIGMAPS,
        "default",
        serde_json::json!({"metadata": {"name": "watched"}}),
    )
    .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.starts_with("ADDED") && l.contains("watched")),
        "{text}"
    );
}

#[test]
fn scale_apply_rollout_logs_and_top() {
    let s = sim();
    let file = s.temp_dir().join("web.yaml");
    std::fs::write(&file, WEB).unwrap();
    let f = file.to_str().unwrap();
    let Some(out) = kubectl(&s, &["create", "-f", f]) else {
        return;
    };
    ok(&out);
    let sts = &kube_sim::resources::STATEFULSETS;
    assert!(s.wait_until(Duration::from_secs(20), |c| {
        c.get(sts, Some("default"), "web")
            .is_ok_and(|o| o["status"]["readyReplicas"] == 2)
    }));

    // kubectl scale: a JSON merge patch on /scale (no field manager: UA prefix "kubectl").
    let text = ok(&kubectl(&s, &["scale", "sts", "web", "--replicas=3"]).unwrap());
    assert_eq!(text.trim(), "statefulset.apps/web scaled");
    let scale_req = s
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path.ends_with("/statefulsets/web/scale"))
        .expect("PATCH /scale");
    assert_eq!(
        scale_req.content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    let o = s.cluster().get(sts, Some("default"), "web").unwrap();
    assert_eq!(o["spec"]["replicas"], 3);
    assert_eq!(o["metadata"]["generation"], 2);
    let mf = o["metadata"]["managedFields"].as_array().unwrap();
    assert!(
        mf.iter().any(|e| e["manager"] == "kubectl"
            && e["operation"] == "Update"
            && e["subresource"] == "scale"),
        "{mf:?}"
    );

    // Server-side apply of replicas 2 conflicts with the scale write's ownership of
    // .spec.replicas (upstream FieldManager: "kubectl" Update on /scale is another manager than
    // "kubectl" Apply); with --force-conflicts it records an Apply entry for "kubectl".
    let out = kubectl(&s, &["apply", "--server-side", "-f", f]).unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas"),
        "{err}"
    );
    let text = ok(&kubectl(
        &s,
        &["apply", "--server-side", "--force-conflicts", "-f", f],
    )
    .unwrap());
    assert!(
        text.contains("statefulset.apps/web serverside-applied"),
        "{text}"
    );
    let o = s.cluster().get(sts, Some("default"), "web").unwrap();
    assert!(o["metadata"]["managedFields"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["manager"] == "kubectl" && e["operation"] == "Apply"));
    assert_eq!(o["spec"]["replicas"], 2, "the applied replicas win");

    // A strategic merge patch and a rolling update to completion.
    ok(&kubectl(&s, &["set", "image", "sts/web", "nginx=nginx:1.26"]).unwrap());
    let text = ok(&kubectl(&s, &["rollout", "status", "sts/web", "--timeout=60s"]).unwrap());
    assert!(
        text.contains("partitioned roll out complete: 2 new pods have been updated"),
        "{text}"
    );

    let text = ok(&kubectl(&s, &["logs", "web-0"]).unwrap());
    assert!(!text.is_empty());
    let out = kubectl(&s, &["top", "pod"]).unwrap();
    let text = ok(&out);
    assert!(text.starts_with("NAME"), "{text}");
    assert!(text.contains("web-0"), "{text}");
}
