//! What `delete` and `scale` say about data follows the set's
//! `persistentVolumeClaimRetentionPolicy`, and the cluster then does what was said: kube-sim's
//! StatefulSet controller gives the claims owner references as upstream's
//! stateful_set_utils.go does, and its garbage collector deletes them with their owners.

mod common;
mod lifecycle_util;

use std::time::Duration;

use common::TestEnv;
use kube_sim::resources::{PODS, PVCS};

fn set(name: &str, replicas: i64, when_deleted: &str, when_scaled: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: {name}}}
spec:
  replicas: {replicas}
  serviceName: {name}
  selector: {{matchLabels: {{app: {name}}}}}
  persistentVolumeClaimRetentionPolicy: {{whenDeleted: {when_deleted}, whenScaled: {when_scaled}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: main
        image: nginx:1.27
        volumeMounts: [{{name: data, mountPath: /data}}]
  volumeClaimTemplates:
  - metadata: {{name: data}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
"#
    )
}

fn claims(env: &TestEnv, name: &str) -> Vec<String> {
    let prefix = format!("data-{name}-");
    let mut v: Vec<String> = env
        .sim
        .cluster()
        .list_items(&PVCS, Some("default"), None)
        .into_iter()
        .filter(|c| c["metadata"]["deletionTimestamp"].is_null())
        .filter_map(|c| c["metadata"]["name"].as_str().map(str::to_string))
        .filter(|n| n.starts_with(&prefix))
        .collect();
    v.sort();
    v
}

fn pods(env: &TestEnv, name: &str) -> usize {
    let prefix = format!("{name}-");
    env.sim
        .cluster()
        .list_items(&PODS, Some("default"), None)
        .iter()
        .filter(|p| {
            p["metadata"]["name"]
                .as_str()
                .is_some_and(|n| n.starts_with(&prefix))
        })
        .count()
}

/// Applies the sets and waits until they are ready and their claims carry the owner
/// references the policy asks for (the controller's retention pass).
fn start(sets: &[(&str, i64, &str, &str)]) -> TestEnv {
    let env = lifecycle_util::env();
    for (n, r, d, s) in sets {
        env.sim.apply_yaml(&set(n, *r, d, s)).expect("apply");
    }
    for (n, r, _, _) in sets {
        env.wait_ready("default", n, *r);
        lifecycle_util::wait_settled(&env, n);
        assert_eq!(claims(&env, n).len(), *r as usize);
    }
    env
}

/// Waits (simulated time runs fast) until `f` holds; the assertion names what was promised.
fn eventually(env: &TestEnv, what: &str, mut f: impl FnMut() -> bool) {
    let ok = env.sim.wait_until(Duration::from_secs(30), |_| f());
    assert!(ok, "the cluster did not do what was said: {what}");
}

#[test]
fn delete_says_what_the_retention_policy_does_to_the_claims() {
    let env = start(&[
        ("gone", 2, "Delete", "Retain"),
        ("fast", 1, "Delete", "Retain"),
        ("kept", 2, "Retain", "Retain"),
    ]);

    // whenDeleted: Delete: the claims are listed as going with the set, never as kept.
    let o = env.run(["delete", "gone", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("--with-pvcs"), "{}", o.stderr);
    assert!(!o.stderr.contains("kept:\n  2 Pers"), "{}", o.stderr);
    for c in ["data-gone-0", "data-gone-1"] {
        assert!(
            o.stderr.contains(&format!(
                "persistentvolumeclaim/{c} (by the garbage collector, with the set"
            )),
            "{}",
            o.stderr
        );
    }
    eventually(&env, "the claims of `gone` are deleted", || {
        claims(&env, "gone").is_empty()
    });

    // `--yes` alone (one GET, one DELETE): whenDeleted Delete says the claims are deleted, with
    // no --with-pvcs hint, and they are.
    env.sim.clear_requests();
    let o = env.run(["delete", "fast", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "its PersistentVolumeClaims data-fast-<ordinal> are deleted with it by the garbage collector (persistentVolumeClaimRetentionPolicy.whenDeleted: Delete)"
        ),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("--with-pvcs"), "{}", o.stderr);
    assert!(!o.stderr.contains("if any"), "{}", o.stderr);
    let methods: Vec<String> = env
        .sim
        .requests()
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["GET", "DELETE"]);
    eventually(&env, "the claim of `fast` is deleted", || {
        claims(&env, "fast").is_empty()
    });

    // `--yes` alone on a Retain set: kept, with the --with-pvcs hint, and they stay.
    env.sim
        .apply_yaml(&set("stay", 1, "Retain", "Retain"))
        .expect("apply");
    env.wait_ready("default", "stay", 1);
    lifecycle_util::wait_settled(&env, "stay");
    let o = env.run(["delete", "stay", "--yes"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "kept:\n  service/stay (pass --with-service to delete it)\n  its PersistentVolumeClaims data-stay-<ordinal> (persistentVolumeClaimRetentionPolicy.whenDeleted: Retain; pass --with-pvcs to delete them)"
        ),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("are deleted"), "{}", o.stderr);
    eventually(&env, "the pod of `stay` is gone", || {
        pods(&env, "stay") == 0
    });
    assert_eq!(claims(&env, "stay"), ["data-stay-0"]);

    // Retain: kept, and --with-pvcs is the way to delete them; they stay.
    let o = env.run(["delete", "kept", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("2 PersistentVolumeClaims: data-kept-0, data-kept-1 (pass --with-pvcs"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("statefulset \"kept\" and its pods are gone"),
        "{}",
        o.stderr
    );
    assert_eq!(pods(&env, "kept"), 0);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(claims(&env, "kept"), ["data-kept-0", "data-kept-1"]);
}

#[test]
fn scale_down_says_what_when_scaled_does_to_the_claims() {
    let env = start(&[("sd", 3, "Retain", "Delete"), ("sr", 3, "Retain", "Retain")]);

    let o = env.run(["scale", "sd", "1", "--dry-run"]);
    assert!(
        o.stderr.contains("would be deleted with their pods (persistentVolumeClaimRetentionPolicy.whenScaled: Delete): data-sd-1, data-sd-2"),
        "{}",
        o.stderr
    );
    let o = env.run(["scale", "sd", "1"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("are deleted with their pods (persistentVolumeClaimRetentionPolicy.whenScaled: Delete): data-sd-1, data-sd-2"),
        "{}",
        o.stderr
    );
    eventually(&env, "data-sd-1 and data-sd-2 are deleted", || {
        claims(&env, "sd") == ["data-sd-0"]
    });

    let o = env.run(["scale", "sr", "1", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "are kept (persistentVolumeClaimRetentionPolicy.whenScaled: Retain): data-sr-1, data-sr-2"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(pods(&env, "sr"), 1);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(claims(&env, "sr"), ["data-sr-0", "data-sr-1", "data-sr-2"]);

    // Scaling up says nothing about claims.
    let o = env.run(["scale", "sr", "2"]);
    assert!(!o.stderr.contains("PersistentVolumeClaims"), "{}", o.stderr);
}
