//! End-to-end: `scale` (order of pods, precondition, request economy, bad input) and
//! `redeploy` (full rolling update, partition, OnDelete with --restart-pods).

mod common;
mod lifecycle_util;

use lifecycle_util::*;

#[test]
fn scale_up_and_down_in_ordinal_order() {
    let env = env();
    create(&env, "web", "nginx:1.27", 1);

    env.sim.clear_requests();
    let o = env.run(["scale", "web", "3", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "statefulset.apps/web scaled\n");
    // Pods appear one at a time, lowest ordinal first.
    assert!(
        pos(&o.stderr, "pod web-1:") < pos(&o.stderr, "pod web-2:"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("3 of 3 pods ready (3 exist)"),
        "{}",
        o.stderr
    );
    let s = env.sts("default", "web").unwrap();
    assert_eq!(s["spec"]["replicas"], 3);
    assert_eq!(s["status"]["readyReplicas"], 3);
    // Waiting uses watches, not polling.
    let reqs = env.sim.requests();
    assert!(
        reqs.iter()
            .any(|r| r.param("watch").as_deref() == Some("true")),
        "{reqs:#?}"
    );
    assert!(reqs.len() < 15, "{reqs:#?}");

    let o = env.run(["scale", "web", "1", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // Highest ordinal goes first: the controller's deletions say so. The wait lists the pods
    // after the scale was sent, so at the simulator's speed web-2 may be gone before it looks;
    // what it does print keeps the order.
    let order: Vec<String> = env
        .controller_deletions("web")
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(order, ["web-2", "web-1"], "{}", o.stderr);
    if o.stderr.contains("pod web-2: deleted") {
        assert!(
            pos(&o.stderr, "pod web-2: deleted") < pos(&o.stderr, "pod web-1: deleted"),
            "{}",
            o.stderr
        );
    }
    assert_eq!(pods(&env, "web").len(), 1);
}

#[test]
fn scale_is_one_merge_patch_on_the_subresource() {
    let env = env();
    create(&env, "web", "nginx:1.27", 1);
    env.sim.clear_requests();
    env.ok(["scale", "web", "2"]);
    let reqs = env.sim.requests();
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert_eq!(reqs[0].method, "PATCH");
    assert_eq!(
        reqs[0].path,
        "/apis/apps/v1/namespaces/default/statefulsets/web/scale"
    );
    assert_eq!(
        reqs[0].content_type.as_deref(),
        Some("application/merge-patch+json")
    );
    assert_eq!(
        reqs[0].param("fieldManager").as_deref(),
        Some("kubectl-statefulset")
    );
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 2);

    // Server dry run: sent with dryRun=All, nothing stored; -o json prints the Scale.
    let out = env.ok(["scale", "web", "4", "--dry-run=server", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["kind"], "Scale");
    assert_eq!(v["spec"]["replicas"], 4);
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 2);
    // Client dry run: no write at all.
    env.sim.clear_requests();
    assert_eq!(
        env.ok(["scale", "web", "4", "--dry-run"]),
        "statefulset.apps/web scaled (dry run)\n"
    );
    assert!(env.writes().is_empty());
}

#[test]
fn scale_current_replicas_precondition() {
    let env = env();
    create(&env, "web", "nginx:1.27", 2);
    env.sim.clear_requests();
    let o = env.run(["scale", "web", "3", "--current-replicas", "5"]);
    assert_eq!(o.code, 1);
    assert_eq!(o.stderr.trim(), "error: Expected replicas to be 5, was 2");
    assert!(env.writes().is_empty());
    env.sim.clear_requests();
    env.ok(["scale", "web", "3", "--current-replicas", "2"]);
    let reqs = env.sim.requests();
    assert_eq!(
        reqs.iter()
            .map(|r| (r.method.as_str(), r.path.ends_with("/scale")))
            .collect::<Vec<_>>(),
        vec![("GET", true), ("PUT", true)]
    );
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 3);
}

#[test]
fn scale_bad_input_writes_nothing() {
    let env = env();
    create(&env, "web", "nginx:1.27", 1);
    env.sim.clear_requests();
    for (args, msg) in [
        (
            vec!["scale", "web", "-1"],
            "replicas must be 0 or more, got -1",
        ),
        (
            vec!["scale", "web", "two"],
            "replicas must be a whole number, got \"two\"",
        ),
        (
            vec!["scale", "nope", "2"],
            "statefulset \"nope\" not found in namespace \"default\"",
        ),
    ] {
        let o = env.run(&args);
        assert_ne!(o.code, 0, "{args:?}");
        assert!(o.stderr.contains(msg), "{args:?}: {}", o.stderr);
    }
    assert!(
        env.writes().iter().all(|w| w.status >= 400),
        "{:#?}",
        env.writes()
    );
}

#[test]
fn redeploy_rolls_every_pod_with_one_request() {
    let env = env();
    create(&env, "web", "nginx:1.27", 3);
    let first_rev = update_revision(&env, "web");

    env.sim.clear_requests();
    let o = env.run(["redeploy", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout, "statefulset.apps/web restarted\n");
    let reqs = env.sim.requests();
    assert_eq!(reqs.len(), 1, "{reqs:#?}");
    assert_eq!(reqs[0].method, "PATCH");
    assert_eq!(
        reqs[0].content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    let at = template(&env, "web")["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
        .clone();
    assert!(
        at.as_str().unwrap().parse::<jiff::Timestamp>().is_ok(),
        "{at}"
    );

    wait_settled(&env, "web");
    let old_rev = update_revision(&env, "web");
    assert_ne!(old_rev, first_rev, "the redeploy made a new revision");
    // restartedAt has millisecond precision: a second redeploy right after the first restarts
    // again (kubectl's whole seconds make it fail "within the past second").
    let at_before = template(&env, "web")["metadata"]["annotations"]
        ["kubectl.kubernetes.io/restartedAt"]
        .clone();
    let o = env.run(["redeploy", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let at_after = template(&env, "web")["metadata"]["annotations"]
        ["kubectl.kubernetes.io/restartedAt"]
        .clone();
    assert_ne!(at_after, at_before, "the template changed again");
    wait_settled(&env, "web");
    let before = pods(&env, "web");
    let old_rev = update_revision(&env, "web");
    // --wait follows it to the end with kubectl's messages.
    let o = env.run(["redeploy", "web", "--wait", "--timeout", "90s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("partitioned roll out complete: 3 new pods have been updated..."),
        "{}",
        o.stderr
    );
    let after = pods(&env, "web");
    let new_rev = update_revision(&env, "web");
    assert_ne!(new_rev, old_rev);
    assert_eq!(after.len(), 3);
    for ((n, rev, uid), (_, _, old_uid)) in after.iter().zip(&before) {
        assert_eq!(rev, &new_rev, "{n}");
        assert_ne!(uid, old_uid, "{n} was not replaced");
    }
    // Highest ordinal replaced first.
    assert!(
        pos(&o.stderr, "pod web-2: ") < first(&o.stderr, "pod web-1: "),
        "{}",
        o.stderr
    );
}

#[test]
fn partitioned_rollout() {
    let env = env();
    create(&env, "web", "nginx:1.27", 3);
    let old_rev = update_revision(&env, "web");
    env.sim.clear_requests();
    assert_eq!(
        env.ok(["update-strategy", "web", "--rolling", "--partition", "2"]),
        "statefulset.apps/web update strategy set to RollingUpdate, partition 2\n"
    );
    assert_eq!(env.sim.requests().len(), 1);
    assert_eq!(
        env.sts("default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"]["partition"],
        2
    );

    let o = env.run(["redeploy", "web", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("partitioned roll out complete: 1 new pods have been updated..."),
        "{}",
        o.stderr
    );
    let new_rev = update_revision(&env, "web");
    let revs: Vec<String> = pods(&env, "web").into_iter().map(|p| p.1).collect();
    assert_eq!(
        revs,
        vec![old_rev.clone(), old_rev.clone(), new_rev.clone()]
    );

    let o = env.run([
        "update-strategy",
        "web",
        "--rolling",
        "--partition",
        "0",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("partitioned roll out complete: 3 new pods have been updated..."),
        "{}",
        o.stderr
    );
    assert!(pods(&env, "web").iter().all(|p| p.1 == new_rev));
}

#[test]
fn on_delete_needs_restart_pods() {
    let env = env();
    create(&env, "web", "nginx:1.27", 3);
    let o = env.run(["update-strategy", "web", "--on-delete"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let s = env.sts("default", "web").unwrap();
    assert_eq!(
        s["spec"]["updateStrategy"],
        serde_json::json!({"type": "OnDelete"})
    );
    let before = pods(&env, "web");

    let o = env.run(["redeploy", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("OnDelete") && o.stderr.contains("--restart-pods"),
        "{}",
        o.stderr
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(
        pods(&env, "web"),
        before,
        "OnDelete pods must not roll by themselves"
    );

    let o = env.run(["redeploy", "web", "--restart-pods", "--timeout", "90s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        pos(&o.stderr, "pod/web-2 deleted") < pos(&o.stderr, "pod/web-1 deleted"),
        "{}",
        o.stderr
    );
    assert!(
        pos(&o.stderr, "pod/web-1 deleted") < pos(&o.stderr, "pod/web-0 deleted"),
        "{}",
        o.stderr
    );
    // Each deletion waited for the replacement before the next.
    assert!(
        pos(&o.stderr, "pod web-2: Running 1/1") < pos(&o.stderr, "pod/web-1 deleted"),
        "{}",
        o.stderr
    );
    let rev = update_revision(&env, "web");
    let after = pods(&env, "web");
    assert!(after.iter().all(|p| p.1 == rev), "{after:?}");
    assert!(after.iter().zip(&before).all(|(a, b)| a.2 != b.2));
}

#[test]
fn dry_runs_print_objects_and_write_nothing() {
    let env = env();
    create(&env, "web", "nginx:1.27", 1);
    let gen = env.sts("default", "web").unwrap()["metadata"]["generation"].clone();
    env.sim.clear_requests();
    let y = env.ok(["redeploy", "web", "--dry-run", "-o", "yaml"]);
    let v: serde_json::Value = serde_saphyr::from_str(&y).unwrap();
    assert_eq!(v["kind"], "StatefulSet");
    assert!(
        v["spec"]["template"]["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"]
            .is_string(),
        "{y}"
    );
    let j = env.ok([
        "update-strategy",
        "web",
        "--on-delete",
        "--dry-run=server",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&j).unwrap();
    assert_eq!(v["spec"]["updateStrategy"]["type"], "OnDelete");
    let o = env.run(["redeploy", "web", "--dry-run=server"]);
    assert_eq!(
        o.stdout, "statefulset.apps/web restarted (server dry run)\n",
        "{}",
        o.stderr
    );
    assert!(
        env.writes()
            .iter()
            .all(|w| w.param("dryRun").as_deref() == Some("All")),
        "{:#?}",
        env.writes()
    );
    let s = env.sts("default", "web").unwrap();
    assert_eq!(s["metadata"]["generation"], gen);
    assert_eq!(s["spec"]["updateStrategy"]["type"], "RollingUpdate");
}

#[test]
fn wait_timeout_exits_3() {
    let env = env();
    create(&env, "web", "nginx:1.27", 1);
    let o = env.run(["scale", "web", "4", "--wait", "--timeout", "30ms"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("error: timed out waiting for statefulset \"web\""),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("hint: see why with: kubectl statefulset get web"),
        "{}",
        o.stderr
    );
    // The change itself was made.
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 4);
}

#[test]
fn parallel_on_delete_restart_pods_one_at_a_time() {
    let env = env();
    env.ok([
        "create",
        "par",
        "--image",
        "nginx:1.27",
        "--replicas",
        "3",
        "--pod-management-policy",
        "Parallel",
        "--update-strategy",
        "OnDelete",
    ]);
    env.wait_ready("default", "par", 3);
    let before = pods(&env, "par");
    let o = env.run(["redeploy", "par", "--restart-pods", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        pos(&o.stderr, "pod/par-2 deleted") < pos(&o.stderr, "pod/par-1 deleted"),
        "{}",
        o.stderr
    );
    // par-1 is only deleted once par-2 is back and ready.
    assert!(
        pos(&o.stderr, "pod par-2: Running 1/1") < pos(&o.stderr, "pod/par-1 deleted"),
        "{}",
        o.stderr
    );
    let rev = update_revision(&env, "par");
    let after = pods(&env, "par");
    assert!(after.iter().all(|p| p.1 == rev), "{after:?}");
    assert!(after.iter().zip(&before).all(|(a, b)| a.2 != b.2));
}
