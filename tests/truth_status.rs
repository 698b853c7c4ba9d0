//! Issue 10, status and advice: OnDelete judged by the pods' revisions, `--wait` ending as
//! soon as a rollout is stuck, hints only when they help, names whose pods cannot be created,
//! and scale-down progress. End to end against kube-sim with the built binary.

mod common;
mod lifecycle_util;

use std::time::Duration;

use kube_sim::resources::PODS;
use lifecycle_util::*;

fn delete_pod(env: &common::TestEnv, pod: &str) {
    env.sim
        .cluster()
        .delete(
            &PODS,
            Some("default"),
            pod,
            &kube_sim::api::DeleteOptions::default(),
        )
        .expect("delete pod");
}

/// The STATUS column of `list` for `name`.
fn list_status(env: &common::TestEnv, name: &str) -> String {
    let out = env.ok(["list"]);
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|w| w.first() == Some(&name))
        .map(|w| w[1].to_string())
        .unwrap_or_else(|| panic!("{name} not in:\n{out}"))
}

#[test]
fn on_delete_is_judged_by_the_pods_revisions() {
    let env = env();
    env.ok([
        "create",
        "zoo",
        "--image",
        "nginx:1.25",
        "--replicas",
        "2",
        "--update-strategy",
        "OnDelete",
    ]);
    env.wait_ready("default", "zoo", 2);
    wait_settled(&env, "zoo");
    assert_eq!(list_status(&env, "zoo"), "Running");
    let before = pods(&env, "zoo");

    // env set on OnDelete: no rolling update is claimed, the pods that keep the old template
    // are named, and --wait ends once the pods there are are ready.
    let o = env.run(["env", "zoo", "set", "A=1", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(!o.stdout.contains("rolling update"), "{}", o.stdout);
    assert!(
        o.stdout.contains(
            "no pod is restarted: with the OnDelete update strategy zoo-0 and zoo-1 keep the old template until deleted"
        ),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("OnDelete: zoo-0, zoo-1 keep the old template until deleted"),
        "{}",
        o.stderr
    );
    // The controller saw the change and indeed restarts nothing (2 s = 80 s simulated).
    std::thread::sleep(Duration::from_secs(2));
    let s = env.sts("default", "zoo").unwrap();
    assert_eq!(
        s["status"]["observedGeneration"],
        s["metadata"]["generation"]
    );
    assert_eq!(pods(&env, "zoo"), before, "OnDelete pods must keep running");
    let update = update_revision(&env, "zoo");
    assert!(before.iter().all(|(_, rev, _)| *rev != update));

    assert_eq!(list_status(&env, "zoo"), "Updating");
    let out = env.ok(["get", "zoo"]);
    assert!(
        out.contains("OnDelete: zoo-0, zoo-1 run an older template and keep it until deleted"),
        "{out}"
    );
    assert!(out.contains("kubectl delete pod zoo-1 -n default"), "{out}");

    // Deleting the pods updates them; then the set is Running although upstream never
    // advances currentRevision for OnDelete.
    delete_pod(&env, "zoo-1");
    let ok = env.sim.wait_until(Duration::from_secs(30), |_| {
        pods(&env, "zoo").get(1).is_some_and(|p| p.1 == update)
    });
    assert!(ok, "zoo-1 was not recreated at the update revision");
    let out = env.ok(["get", "zoo"]);
    assert!(
        out.contains("OnDelete: zoo-0 runs an older template and keeps it until deleted"),
        "{out}"
    );
    delete_pod(&env, "zoo-0");
    wait_settled(&env, "zoo");
    let s = env.sts("default", "zoo").unwrap();
    assert_ne!(
        s["status"]["currentRevision"], s["status"]["updateRevision"],
        "upstream keeps currentRevision for OnDelete"
    );
    assert_eq!(list_status(&env, "zoo"), "Running");
    let out = env.ok(["get", "zoo"]);
    assert!(out.contains("Status:") && out.contains("Running"), "{out}");
    assert!(!out.contains("OnDelete:"), "{out}");
}

#[test]
fn edit_yaml_on_on_delete_does_not_claim_a_rolling_update() {
    let env = env();
    env.ok([
        "create",
        "db",
        "--image",
        "nginx:1.25",
        "--replicas",
        "1",
        "--update-strategy",
        "OnDelete",
    ]);
    env.wait_ready("default", "db", 1);
    wait_settled(&env, "db");
    let before = pods(&env, "db");
    let yaml = env.ok(["edit-yaml", "db", "--export", "-"]);
    let edited = yaml.replace("nginx:1.25", "nginx:1.27");
    assert_ne!(edited, yaml);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("db.yaml");
    std::fs::write(&file, edited).unwrap();
    let out = env.ok(["edit-yaml", "db", "--file", file.to_str().unwrap(), "--yes"]);
    assert!(
        out.contains("the pod template changed: no pod is restarted: with the OnDelete update strategy db-0 keeps the old template until deleted"),
        "{out}"
    );
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(pods(&env, "db"), before, "OnDelete pods must keep running");
}
