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
    let events = failed_events(&s);
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

/// A registry that needs a login (Distribution's htpasswd auth): the kubelet pulls with the
/// pod's imagePullSecrets (and so with its ServiceAccount's, which the ServiceAccount admission
/// copies into the pod), a `kubernetes.io/dockerconfigjson` Secret for the image's registry;
/// without one, with a wrong password, with a Secret of another type or one that does not
/// exist, the pull gets 401 and the pod ErrImagePull then ImagePullBackOff
/// (pkg/credentialprovider/keyring.go, pkg/kubelet/kuberuntime/kuberuntime_image.go).
#[test]
fn kubelet_pulls_with_the_pods_and_its_service_accounts_pull_secrets() {
    use base64::Engine;
    use kube_sim::resources::{SECRETS, SERVICEACCOUNTS};
    let Some(reg) = TestRegistry::start_with_login("puller", "s3cret") else {
        return;
    };
    reg.push_image("library/postgres", "16", "amd64", &["5432/tcp"]);
    let s = KubeSim::start(SimOptions {
        speed: 10.0,
        cluster: ClusterOptions {
            image_registry: Some(reg.host().to_string()),
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let secret = |name: &str, ty: &str, key: &str, password: &str| {
        let cfg = json!({"auths": {key: {"auth": b64(&format!("puller:{password}"))}}});
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name},
            "type": ty, "data": {".dockerconfigjson": b64(&cfg.to_string())}})
    };
    let json_type = "kubernetes.io/dockerconfigjson";
    for sec in [
        secret("hub", json_type, "https://index.docker.io/v1/", "s3cret"),
        secret("wrong", json_type, "docker.io", "nope"),
        secret("hub2", json_type, "docker.io", "s3cret"),
        secret("opaque", "Opaque", "docker.io", "s3cret"),
        secret("other-host", json_type, "quay.io", "s3cret"),
    ] {
        s.create(&SECRETS, "default", sec).unwrap();
    }
    s.create(
        &SERVICEACCOUNTS,
        "default",
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "puller"},
            "imagePullSecrets": [{"name": "hub"}]}),
    )
    .unwrap();
    let with = |name: &str, secrets: &[&str]| {
        let mut p = pod(name, "postgres:16");
        let refs: Vec<Value> = secrets.iter().map(|n| json!({"name": n})).collect();
        if !refs.is_empty() {
            p["spec"]["imagePullSecrets"] = Value::Array(refs);
        }
        p
    };
    let mut by_sa = pod("by-sa", "postgres:16");
    by_sa["spec"]["serviceAccountName"] = json!("puller");
    for p in [
        with("anonymous", &[]),
        // One keyring of the secrets that exist: both docker.io entries tried, in order.
        with("by-secret", &["missing", "wrong", "hub2"]),
        by_sa,
        with("wrong", &["wrong"]),
        with("opaque", &["opaque", "other-host", "missing"]),
        // A matching key (docker.io) hides the Hub default (index.docker.io), as upstream.
        with("hidden", &["wrong", "hub"]),
    ] {
        s.create(&PODS, "default", p).unwrap();
    }
    let failing = ["anonymous", "wrong", "opaque", "hidden"];
    assert!(
        s.wait_until(Duration::from_secs(15), |_| running(&s, "by-secret")
            && running(&s, "by-sa")
            && failing
                .iter()
                .all(|p| waiting(&s, p).0 == "ImagePullBackOff")),
        "{:?}",
        failing.map(|p| waiting(&s, p))
    );
    let stored = s.cluster().get(&PODS, Some("default"), "by-sa").unwrap();
    assert_eq!(stored["spec"]["imagePullSecrets"], json!([{"name": "hub"}]));
    let n = "docker.io/library/postgres:16";
    let events = failed_events(&s);
    for p in failing {
        let want = format!(
            "{p} Failed to pull image \"postgres:16\": rpc error: code = Unknown desc = failed to pull and unpack image \"{n}\": failed to resolve reference \"{n}\": unexpected status from HEAD request to https://docker.io/v2/library/postgres/manifests/16: 401 Unauthorized"
        );
        assert!(events.contains(&want), "{want}\n{events:#?}");
    }
    assert!(!events.iter().any(|e| e.starts_with("by-")), "{events:#?}");
}

/// The kubelet's `Failed` events of the default namespace, as `POD MESSAGE`.
fn failed_events(s: &KubeSim) -> Vec<String> {
    s.cluster()
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
        .collect()
}
