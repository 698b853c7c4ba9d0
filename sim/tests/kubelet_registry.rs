//! The simulated kubelet pulls through a real registry (`ClusterOptions::image_registry`, a
//! Distribution registry started by `kube_sim::images::TestRegistry`): an image pulls when its
//! manifest exists for the node's architecture, else ErrImagePull then ImagePullBackOff with
//! containerd's messages (pkg/kubelet/images/image_manager.go relays them). A single-platform
//! image of another architecture pulls (containerd checks only an index's platforms) and
//! then fails to start: CrashLoopBackOff.

use kube_sim::api::ClusterOptions;
use kube_sim::images::TestRegistry;
use kube_sim::resources::{EVENTS, PODS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

fn pod(name: &str, image: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"containers": [{"name": "main", "image": image}]}})
}

fn waiting(s: &KubeSim, name: &str) -> (String, String) {
    let p = s.cluster().get(&PODS, Some("default"), name).unwrap();
    let w = &p["status"]["containerStatuses"][0]["state"]["waiting"];
    (
        w["reason"].as_str().unwrap_or_default().to_string(),
        w["message"].as_str().unwrap_or_default().to_string(),
    )
}

fn running(s: &KubeSim, name: &str) -> bool {
    s.cluster()
        .get(&PODS, Some("default"), name)
        .is_ok_and(|p| p["status"]["containerStatuses"][0]["state"]["running"].is_object())
}

#[test]
fn kubelet_pulls_what_the_registry_has_for_the_node_arch() {
    let Some(reg) = TestRegistry::start() else {
        return;
    };
    reg.push_image("library/postgres", "16", "amd64", &["5432/tcp"]);
    reg.push_index("library/multi", "1", &["amd64", "arm64"], &["80/tcp"]);
    reg.push_image("library/armonly", "1", "arm64", &["80/tcp"]);
    reg.push_index("library/armonly", "idx", &["arm64"], &["80/tcp"]);
    let s = KubeSim::start(SimOptions {
        speed: 10.0,
        cluster: ClusterOptions {
            image_registry: Some(reg.host().to_string()),
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    for (name, image) in [
        ("ok", "postgres:16"),
        ("multi", "docker.io/library/multi:1"),
        ("missing", "postgres:17"),
        ("arm", "armonly:1"),
        ("armidx", "armonly:idx"),
    ] {
        s.create(&PODS, "default", pod(name, image)).unwrap();
    }
    assert!(s.wait_until(Duration::from_secs(10), |_| running(&s, "ok")
        && running(&s, "multi")));
    assert!(
        s.wait_until(Duration::from_secs(10), |_| {
            waiting(&s, "missing").0 == "ImagePullBackOff"
                && waiting(&s, "armidx").0 == "ImagePullBackOff"
                && waiting(&s, "arm").0 == "CrashLoopBackOff"
        }),
        "{:?} {:?} {:?}",
        waiting(&s, "missing"),
        waiting(&s, "armidx"),
        waiting(&s, "arm")
    );
    let events: Vec<String> = s
        .cluster()
        .list_items(&EVENTS, Some("default"), None)
        .iter()
        .filter(|e| e["reason"] == "Failed")
        .map(|e| {
            format!(
                "{} {}",
                e["involvedObject"]["name"].as_str().unwrap(),
                e["message"].as_str().unwrap()
            )
        })
        .collect();
    let n = "docker.io/library/postgres:17";
    let missing = format!(
        "missing Failed to pull image \"postgres:17\": rpc error: code = NotFound desc = failed to pull and unpack image \"{n}\": failed to resolve reference \"{n}\": {n}: not found"
    );
    assert!(events.contains(&missing), "{events:#?}");
    assert!(
        events.iter().any(
            |e| e.starts_with("armidx Failed to pull image \"armonly:idx\"")
                && e.ends_with("no match for platform in manifest: not found")
        ),
        "{events:#?}"
    );
    assert!(events.contains(&"missing Error: ErrImagePull".to_string()));
    assert_eq!(
        waiting(&s, "missing").1,
        "Back-off pulling image \"postgres:17\""
    );
}
