//! Helpers of the lifecycle tests: a fast simulator, template changes through the simulator's
//! own API (as another client would make them), pods and revisions as stored.
#![allow(dead_code)]

use std::time::Duration;

use kube_sim::api::WriteOptions;
use kube_sim::images::TestRegistry;
use kube_sim::patch::PatchType;
use kube_sim::resources::{CONTROLLERREVISIONS, PODS, STATEFULSETS};
use serde_json::{json, Value};

use crate::common::TestEnv;

const DB_OBJECTS: &str = r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: pg-conf}
data: {postgresql.conf: "max_connections = 50\n"}
---
apiVersion: v1
kind: Secret
metadata: {name: pg-creds}
stringData: {password: s3cret}
"#;

/// For the database-like set (tests/containers.rs, tests/wizard.rs): a real registry with its
/// images (tiny configs with ExposedPorts and one layer: postgres 16 (multi-arch) and 17,
/// prom/postgres-exporter v0.15 and v0.16, busybox 1.36 and 1.37), a fast simulator whose
/// kubelet pulls through it, the plugin checking against it, and the set's ConfigMap
/// `pg-conf` (key postgresql.conf) and Secret `pg-creds` (key password). None without
/// docker-registry (skipped visibly; a failure under CI=true).
pub fn db_env() -> Option<(TestRegistry, TestEnv)> {
    let (reg, env) = TestEnv::with_registry(SPEED)?;
    reg.push_index("library/postgres", "16", &["amd64", "arm64"], &["5432/tcp"]);
    reg.push_image("library/postgres", "17", "amd64", &["5432/tcp"]);
    reg.push_image("prom/postgres-exporter", "v0.15", "amd64", &["9187/tcp"]);
    reg.push_image("prom/postgres-exporter", "v0.16", "amd64", &["9187/tcp"]);
    reg.push_image("library/busybox", "1.36", "amd64", &[]);
    reg.push_image("library/busybox", "1.37", "amd64", &[]);
    env.sim.apply_yaml(DB_OBJECTS).expect("apply");
    Some((reg, env))
}

/// Simulated time runs this much faster than real time.
pub const SPEED: f64 = 40.0;

pub fn env() -> TestEnv {
    TestEnv::with_speed(SPEED)
}

/// `create NAME --image IMAGE --replicas N` and waits until all are ready.
pub fn create(env: &TestEnv, name: &str, image: &str, replicas: i64) {
    env.ok([
        "create",
        name,
        "--image",
        image,
        "--replicas",
        &replicas.to_string(),
    ]);
    if replicas > 0 {
        env.wait_ready("default", name, replicas);
        wait_settled(env, name);
    }
}

/// Strategic merge patch of the StatefulSet through the simulator (another client's change).
pub fn patch(env: &TestEnv, name: &str, body: Value) {
    env.sim
        .cluster()
        .patch(
            &STATEFULSETS,
            Some("default"),
            name,
            None,
            PatchType::Strategic,
            body.to_string().as_bytes(),
            &WriteOptions::default(),
        )
        .expect("patch");
}

/// Changes the first container's image (as `kubectl set image` would).
pub fn set_image(env: &TestEnv, name: &str, image: &str) {
    let c = container_name(env, name);
    patch(
        env,
        name,
        json!({"spec": {"template": {"spec": {"containers": [{"name": c, "image": image}]}}}}),
    );
}

pub fn container_name(env: &TestEnv, name: &str) -> String {
    env.sts("default", name).unwrap()["spec"]["template"]["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Waits until the rollout is complete: observed, all ready, all at the update revision.
pub fn wait_settled(env: &TestEnv, name: &str) {
    let ok = env.sim.wait_until(Duration::from_secs(40), |c| {
        let Ok(s) = c.get(&STATEFULSETS, Some("default"), name) else {
            return false;
        };
        let r = s["spec"]["replicas"].as_i64().unwrap_or(1);
        let st = &s["status"];
        st["observedGeneration"] == s["metadata"]["generation"]
            && st["readyReplicas"].as_i64().unwrap_or(0) == r
            && st["updatedReplicas"].as_i64().unwrap_or(0) == r
            && st["replicas"].as_i64().unwrap_or(0) == r
    });
    assert!(
        ok,
        "statefulset {name} never settled: {:#}",
        env.sts("default", name).unwrap()["status"]
    );
}

/// The pods of a set as stored: (name, revision label, uid), by ordinal.
pub fn pods(env: &TestEnv, name: &str) -> Vec<(String, String, String)> {
    let list = env.sim.cluster().list_items(&PODS, Some("default"), None);
    let mut out: Vec<(String, String, String)> = list
        .into_iter()
        .filter(|p| {
            p["metadata"]["labels"]["app"] == name && p["metadata"]["deletionTimestamp"].is_null()
        })
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap_or("").to_string(),
                p["metadata"]["labels"]["controller-revision-hash"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                p["metadata"]["uid"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort_by_key(|(n, _, _)| n.rsplit('-').next().and_then(|o| o.parse::<i64>().ok()));
    out
}

/// The pods of `name` that are not the ones of `before` (a [`pods`] taken earlier: another
/// uid), in the order they were created (creationTimestamp, then name): the order in which the
/// controller replaced them. Its events can say so too, until their spam filter drops them.
pub fn replaced(env: &TestEnv, name: &str, before: &[(String, String, String)]) -> Vec<String> {
    let mut new: Vec<(String, String)> = env
        .sim
        .cluster()
        .list_items(&PODS, Some("default"), None)
        .into_iter()
        .filter(|p| {
            p["metadata"]["labels"]["app"] == name
                && p["metadata"]["deletionTimestamp"].is_null()
                && !before
                    .iter()
                    .any(|(_, _, uid)| p["metadata"]["uid"] == uid.as_str())
        })
        .map(|p| {
            (
                p["metadata"]["creationTimestamp"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                p["metadata"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    new.sort();
    new.into_iter().map(|(_, n)| n).collect()
}

/// The set's ControllerRevisions: (number, name), ascending.
pub fn revisions(env: &TestEnv, name: &str) -> Vec<(i64, String)> {
    let list = env
        .sim
        .cluster()
        .list_items(&CONTROLLERREVISIONS, Some("default"), None);
    let mut out: Vec<(i64, String)> = list
        .into_iter()
        .filter(|r| r["metadata"]["ownerReferences"][0]["name"] == name)
        .map(|r| {
            (
                r["revision"].as_i64().unwrap_or(0),
                r["metadata"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

/// The stored pod template.
pub fn template(env: &TestEnv, name: &str) -> Value {
    env.sts("default", name).unwrap()["spec"]["template"].clone()
}

pub fn update_revision(env: &TestEnv, name: &str) -> String {
    env.sts("default", name).unwrap()["status"]["updateRevision"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// Line numbers of `needle` in `text` (first occurrence), for order assertions.
pub fn pos(text: &str, needle: &str) -> usize {
    text.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in:\n{text}"))
}

/// Position of the first line starting with `prefix` that does not report a ready pod (the
/// first change of that pod).
pub fn first(text: &str, prefix: &str) -> usize {
    let mut at = 0;
    for l in text.split_inclusive('\n') {
        if l.starts_with(prefix) && !l.contains("Running 1/1") {
            return at;
        }
        at += l.len();
    }
    panic!("no change of {prefix:?} in:\n{text}")
}
