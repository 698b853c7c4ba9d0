//! The simulated scheduler and kubelet against a running simulator (fast clock).

use kube_sim::api::{DeleteOptions, Propagation};
use kube_sim::resources::{EVENTS, NODES, PODS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

fn sim(speed: f64) -> KubeSim {
    KubeSim::start(SimOptions {
        speed,
        ..Default::default()
    })
    .expect("simulator starts")
}

fn pod(name: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "t"}},
        "spec": {"containers": [{"name": "main", "image": image}]}})
}

fn get_pod(s: &KubeSim, name: &str) -> Option<Value> {
    s.cluster().get(&PODS, Some("default"), name).ok()
}

fn condition<'a>(p: &'a Value, t: &str) -> Option<&'a Value> {
    p["status"]["conditions"]
        .as_array()?
        .iter()
        .find(|c| c["type"] == t)
}

fn events_for(s: &KubeSim, name: &str) -> Vec<Value> {
    s.cluster()
        .list_items(&EVENTS, Some("default"), None)
        .into_iter()
        .filter(|e| e["involvedObject"]["name"] == name)
        .collect()
}

fn has_event(s: &KubeSim, name: &str, reason: &str, msg_part: &str) -> bool {
    events_for(s, name)
        .iter()
        .any(|e| e["reason"] == reason && e["message"].as_str().unwrap_or("").contains(msg_part))
}

#[test]
fn kubelet_nodes_are_registered() {
    let s = sim(1.0);
    let nodes = s.cluster().list_items(&NODES, None, None);
    assert_eq!(nodes.len(), 3);
    let n = &nodes[0];
    assert!(n["metadata"]["name"]
        .as_str()
        .unwrap()
        .starts_with("sim-node-"));
    assert_eq!(n["status"]["nodeInfo"]["kubeletVersion"], "v1.32.4");
    let ready = n["status"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["type"] == "Ready")
        .unwrap();
    assert_eq!(ready["status"], "True");
    assert_eq!(ready["message"], "kubelet is posting ready status");
}

#[test]
fn kubelet_pod_goes_pending_running_ready_after_probe_delay() {
    let s = sim(10.0);
    let mut p = pod("web-0", "nginx:1.25");
    p["spec"]["containers"][0]["readinessProbe"] =
        json!({"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5});
    s.create(&PODS, "default", p).unwrap();
    // Scheduled and running (not ready yet: the probe waits 5 simulated seconds).
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "web-0").is_some_and(|p| p["status"]["phase"] == "Running")
    }));
    let p = get_pod(&s, "web-0").unwrap();
    let node = p["spec"]["nodeName"].as_str().unwrap().to_string();
    assert!(node.starts_with("sim-node-"));
    let n: usize = node.trim_start_matches("sim-node-").parse().unwrap();
    assert_eq!(p["status"]["hostIP"], format!("10.0.0.{n}"));
    assert!(p["status"]["podIP"]
        .as_str()
        .unwrap()
        .starts_with(&format!("10.244.{n}.")));
    assert_eq!(condition(&p, "Ready").unwrap()["status"], "False");
    assert_eq!(condition(&p, "PodScheduled").unwrap()["status"], "True");
    let cs = &p["status"]["containerStatuses"][0];
    assert!(cs["state"]["running"]["startedAt"].is_string());
    assert!(cs["containerID"]
        .as_str()
        .unwrap()
        .starts_with("containerd://"));
    assert!(cs["imageID"]
        .as_str()
        .unwrap()
        .starts_with("docker.io/library/nginx@sha256:"));
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "web-0")
            .and_then(|p| condition(&p, "Ready").map(|c| c["status"] == "True"))
            .unwrap_or(false)
    }));
    assert!(s.wait_until(Duration::from_secs(3), |_| {
        has_event(
            &s,
            "web-0",
            "Scheduled",
            &format!("Successfully assigned default/web-0 to {node}"),
        ) && has_event(&s, "web-0", "Created", "Created container: main")
            && has_event(&s, "web-0", "Started", "Started container main")
            && (has_event(
                &s,
                "web-0",
                "Pulled",
                "Successfully pulled image \"nginx:1.25\"",
            ) || has_event(&s, "web-0", "Pulled", "already present"))
    }));
}

#[test]
fn kubelet_bad_image_ends_in_image_pull_backoff() {
    let s = sim(10.0);
    s.create(&PODS, "default", pod("bad", "nginx:bad")).unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "bad").is_some_and(|p| {
            p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"] == "ImagePullBackOff"
        })
    }));
    let p = get_pod(&s, "bad").unwrap();
    assert_eq!(p["status"]["phase"], "Pending");
    assert_eq!(
        p["status"]["containerStatuses"][0]["state"]["waiting"]["message"],
        "Back-off pulling image \"nginx:bad\""
    );
    assert_eq!(condition(&p, "Ready").unwrap()["status"], "False");
    assert!(s.wait_until(Duration::from_secs(3), |_| {
        has_event(&s, "bad", "Failed", "Failed to pull image \"nginx:bad\"")
            && has_event(&s, "bad", "Failed", "Error: ErrImagePull")
            && has_event(&s, "bad", "BackOff", "Back-off pulling image \"nginx:bad\"")
    }));
    let warn = events_for(&s, "bad")
        .into_iter()
        .find(|e| e["reason"] == "Failed")
        .unwrap();
    assert_eq!(warn["type"], "Warning");
    assert_eq!(warn["source"]["component"], "kubelet");
    assert_eq!(warn["involvedObject"]["fieldPath"], "spec.containers{main}");
}

#[test]
fn kubelet_crash_image_crash_loops_with_restarts() {
    let s = sim(20.0);
    s.create(&PODS, "default", pod("crashy", "busybox:crash"))
        .unwrap();
    assert!(s.wait_until(Duration::from_secs(8), |_| {
        get_pod(&s, "crashy").is_some_and(|p| {
            let c = &p["status"]["containerStatuses"][0];
            c["state"]["waiting"]["reason"] == "CrashLoopBackOff"
                && c["restartCount"].as_u64() >= Some(1)
        })
    }));
    let p = get_pod(&s, "crashy").unwrap();
    let c = &p["status"]["containerStatuses"][0];
    assert_eq!(c["lastState"]["terminated"]["exitCode"], 1);
    assert_eq!(c["lastState"]["terminated"]["reason"], "Error");
    let uid = p["metadata"]["uid"].as_str().unwrap();
    assert!(c["state"]["waiting"]["message"]
        .as_str()
        .unwrap()
        .ends_with(&format!(
            "restarting failed container=main pod=crashy_default({uid})"
        )));
    assert_eq!(p["status"]["phase"], "Running");
    // Restarts keep counting (second back-off is 20 s simulated = 1 s real here).
    assert!(s.wait_until(Duration::from_secs(8), |_| {
        get_pod(&s, "crashy").is_some_and(|p| {
            p["status"]["containerStatuses"][0]["restartCount"].as_u64() >= Some(2)
        })
    }));
    assert!(has_event(
        &s,
        "crashy",
        "BackOff",
        "Back-off restarting failed container main in pod crashy_default"
    ));
}

#[test]
fn kubelet_unschedulable_selector_fails_scheduling() {
    let s = sim(10.0);
    let mut p = pod("picky", "nginx:1.25");
    p["spec"]["nodeSelector"] = json!({"disktype": "ssd"});
    s.create(&PODS, "default", p).unwrap();
    let msg = "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "picky")
            .and_then(|p| condition(&p, "PodScheduled").cloned())
            .is_some_and(|c| {
                c["status"] == "False" && c["reason"] == "Unschedulable" && c["message"] == msg
            })
    }));
    assert!(s.wait_until(Duration::from_secs(3), |_| has_event(
        &s,
        "picky",
        "FailedScheduling",
        msg
    )));
    let p = get_pod(&s, "picky").unwrap();
    assert_eq!(p["status"]["phase"], "Pending");
    assert!(p["spec"]["nodeName"].is_null());
    let ev = events_for(&s, "picky")
        .into_iter()
        .find(|e| e["reason"] == "FailedScheduling")
        .unwrap();
    assert_eq!(ev["type"], "Warning");
    assert_eq!(ev["reportingComponent"], "default-scheduler");
}

#[test]
fn kubelet_graceful_delete_finishes() {
    let s = sim(10.0);
    s.create(&PODS, "default", pod("bye", "nginx:1.25"))
        .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "bye").is_some_and(|p| p["status"]["phase"] == "Running")
    }));
    let uid = get_pod(&s, "bye").unwrap()["metadata"]["uid"].clone();
    let d = s
        .cluster()
        .delete(
            &PODS,
            Some("default"),
            "bye",
            &DeleteOptions {
                propagation: Some(Propagation::Background),
                ..Default::default()
            },
        )
        .unwrap();
    // Graceful: the pod lingers with a deletionTimestamp until the kubelet finishes it.
    assert!(d["metadata"]["deletionTimestamp"].is_string(), "{d}");
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "bye").is_none_or(|p| p["metadata"]["uid"] != uid)
    }));
}

#[test]
fn kubelet_init_containers_run_first() {
    let s = sim(10.0);
    let mut p = pod("withinit", "nginx:1.25");
    p["spec"]["initContainers"] = json!([{"name": "setup", "image": "busybox:1.36"}]);
    s.create(&PODS, "default", p).unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "withinit").is_some_and(|p| {
            p["status"]["initContainerStatuses"][0]["state"]["running"].is_object()
                && p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "PodInitializing"
        }) || get_pod(&s, "withinit").is_some_and(|p| p["status"]["phase"] == "Running")
    }));
    assert!(s.wait_until(Duration::from_secs(5), |_| {
        get_pod(&s, "withinit").is_some_and(|p| {
            p["status"]["phase"] == "Running"
                && p["status"]["initContainerStatuses"][0]["state"]["terminated"]["reason"]
                    == "Completed"
                && condition(&p, "Initialized").is_some_and(|c| c["status"] == "True")
        })
    }));
}

#[test]
fn kubelet_many_pods_become_ready_and_spread() {
    // Functional check only: the speed target (1,000 pods ready in < 5 s) is a benchmark, not a
    // timed test.
    let s = sim(1.0);
    for i in 0..200 {
        s.create(&PODS, "default", pod(&format!("many-{i}"), "nginx:1.25"))
            .unwrap();
    }
    assert!(s.wait_until(Duration::from_secs(60), |c| {
        let pods = c.list_items(&PODS, Some("default"), None);
        pods.len() == 200
            && pods
                .iter()
                .all(|p| condition(p, "Ready").is_some_and(|c| c["status"] == "True"))
    }));
    // Spread by least-allocated: every node got a share.
    let pods = s.cluster().list_items(&PODS, Some("default"), None);
    for n in 1..=3 {
        let on = pods
            .iter()
            .filter(|p| p["spec"]["nodeName"] == format!("sim-node-{n}"))
            .count();
        assert!((60..=74).contains(&on), "node {n}: {on}");
    }
}
