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

#[test]
fn create_wait_ends_as_soon_as_the_rollout_is_stuck() {
    let env = env();
    let started = std::time::Instant::now();
    let o = env.run([
        "create",
        "web",
        "--image",
        "nginx:bad",
        "--replicas",
        "2",
        "--wait",
        "--timeout",
        "50s",
    ]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "waited out the timeout"
    );
    assert!(
        o.stderr
            .contains("the rollout of statefulset \"web\" is stuck: pod web-0 (revision 1 (")
            && (o.stderr.contains("ErrImagePull") || o.stderr.contains("ImagePullBackOff")),
        "{}",
        o.stderr
    );
    // One revision: nothing to roll back to, and get says the same.
    assert!(!o.stderr.contains("rollback"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("hint: fix the pod template: kubectl statefulset edit-yaml web"),
        "{}",
        o.stderr
    );
    let out = env.ok(["get", "web"]);
    assert!(out.contains("Stuck: pod web-0 (revision 1 ("), "{out}");
    assert!(!out.contains("rollback"), "{out}");
    assert!(
        out.contains("recover with: fix the pod template: kubectl statefulset edit-yaml web"),
        "{out}"
    );
}

#[test]
fn rollback_of_a_crash_looping_update_recovers_without_bad_advice() {
    let env = env();
    create(&env, "web", "nginx:1.25", 3);
    set_image(&env, "web", "crash:1");
    // web-2 is replaced by a crash-looping pod; OrderedReady waits on it.
    let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
        c.get(&PODS, Some("default"), "web-2")
            .ok()
            .is_some_and(|p| {
                p["status"]["containerStatuses"][0]["restartCount"]
                    .as_i64()
                    .unwrap_or(0)
                    >= 1
            })
    });
    assert!(ok, "web-2 never crashed");
    // get: the stuck pod runs the update revision and the ready pods revision 1.
    // (The same page that shows the back-off is judged: between two crashes the pod is
    // Running and Ready for a moment, and nothing is stuck then.)
    let mut out = String::new();
    let ok = env.sim.wait_until(Duration::from_secs(30), |_| {
        out = env.ok(["get", "web"]);
        out.contains("CrashLoopBackOff")
    });
    assert!(ok, "web-2 never reached CrashLoopBackOff");
    assert!(
        out.contains("recover with: kubectl statefulset rollback web --to-revision 1 "),
        "{out}"
    );

    let o = env.run(["rollback", "web", "--yes", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    // The crash-looping pods are deleted when seen unready, or replaced by the controller
    // when seen between two crashes: never "stuck", never a hint to roll back again.
    assert!(!o.stderr.contains("is stuck"), "{}", o.stderr);
    assert!(
        !o.stderr.contains("hint: kubectl statefulset rollback"),
        "{}",
        o.stderr
    );
    assert_eq!(
        template(&env, "web")["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    let s = env.sts("default", "web").unwrap();
    assert_eq!(s["status"]["readyReplicas"], 3);
    // Healthy again, with two revisions: no advice at all.
    let out = env.ok(["get", "web"]);
    assert!(
        !out.contains("Stuck:") && !out.contains("rollback"),
        "{out}"
    );
}

#[test]
fn names_whose_pods_cannot_be_created() {
    let env = env();
    let long = "a".repeat(53);
    let o = env.run(["create", &long, "--image", "nginx"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("is 53 characters long; at most 52 work")
            && o.stderr.contains("controller-revision-hash"),
        "{}",
        o.stderr
    );
    assert!(env.writes().is_empty(), "{:#?}", env.writes());
    env.ok([
        "create",
        &"b".repeat(52),
        "--image",
        "nginx",
        "--dry-run=server",
    ]);

    // Made by another client: the API accepts it, the controller cannot create its pods,
    // and get says why (the FailedCreate event), as does --wait.
    let name = "c".repeat(60);
    let sts = serde_json::json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {"replicas": 1, "serviceName": name, "selector": {"matchLabels": {"app": "long"}},
            "template": {"metadata": {"labels": {"app": "long"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    env.sim
        .cluster()
        .create(
            &kube_sim::resources::STATEFULSETS,
            Some("default"),
            sts,
            &kube_sim::api::WriteOptions::default(),
        )
        .expect("the API accepts a 60-character name");
    let ok = env.sim.wait_until(Duration::from_secs(20), |_| {
        env.ok(["get", &name]).contains("FailedCreate")
    });
    assert!(ok, "{}", env.ok(["get", &name]));
    let out = env.ok(["get", &name]);
    assert!(
        out.contains(&format!("Stuck: pod {name}-0 (revision "))
            && out.contains("cannot be created")
            && out.contains("must be no more than 63 characters"),
        "{out}"
    );
    assert!(
        out.contains("recover with: the name is too long for the pods' controller-revision-hash label: create the StatefulSet again with a name of at most 52 characters"),
        "{out}"
    );
    let o = env.run(["scale", &name, "2", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(o.stderr.contains("cannot be created"), "{}", o.stderr);
}

#[test]
fn scale_down_progress_says_what_is_awaited() {
    let env = env();
    create(&env, "web", "nginx:1.25", 3);
    let o = env.run(["scale", "web", "0", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("of 0 pods ready"), "{}", o.stderr);
    assert!(!o.stderr.contains("pods ready"), "{}", o.stderr);
    assert!(
        o.stderr.contains("scaling down to 0: waiting for ")
            && o.stderr.contains("web-0 to go")
            && o.stderr.contains("no pods left"),
        "{}",
        o.stderr
    );
}

#[test]
fn delete_wait_timeout_hints_at_what_remains() {
    let env = env();
    create(&env, "web", "nginx:1.25", 2);
    let o = env.run(["delete", "web", "--yes", "--wait", "--timeout", "1ms"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    // `get` of a deleted set finds nothing: the hint names a pod that remains.
    assert!(
        !o.stderr.contains("kubectl statefulset get"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("hint: see why it remains: kubectl describe pod web-")
            || o.stderr
                .contains("hint: see what remains: kubectl get pods -n default"),
        "{}",
        o.stderr
    );
}

#[test]
fn redeploy_of_a_partitioned_set_names_the_pods_it_restarts() {
    let env = env();
    create(&env, "web", "nginx:1.25", 3);
    env.ok(["update-strategy", "web", "--rolling", "--partition", "2"]);
    let before = pods(&env, "web");
    let o = env.run(["redeploy", "web", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "partitioned rolling update: restarts web-2 (ordinals >= partition 2); held back: web-0, web-1 until the partition is lowered"
        ),
        "{}",
        o.stderr
    );
    // And so the cluster did.
    let after = pods(&env, "web");
    assert_eq!(after[0], before[0]);
    assert_eq!(after[1], before[1]);
    assert_ne!(after[2].2, before[2].2);
    let help = env.ok(["redeploy", "--help"]);
    assert!(!help.contains("every pod"), "{help}");
}

/// Every --wait runs on one follower (kube::runtime::watcher): a 410 Expired relists, a cut
/// watch resumes, and the wait still ends when the goal is reached.
#[test]
fn wait_relists_after_410_and_resumes_after_cuts() {
    use kube_sim::server::FaultRule;
    use kube_sim::FaultAction;
    let env = env();
    create(&env, "web", "nginx:1.25", 1);
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/pods?",
        FaultAction::ExpireWatch,
        1,
    ));
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets?",
        FaultAction::CutWatchAfter { events: 0 },
        1,
    ));
    env.sim.clear_requests();
    let o = env.run(["scale", "web", "3", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        env.sts("default", "web").unwrap()["status"]["readyReplicas"],
        3
    );
    let reqs = env.sim.requests();
    let pod_lists = reqs
        .iter()
        .filter(|r| r.path.ends_with("/pods") && r.param("watch").is_none())
        .count();
    assert!(pod_lists >= 2, "the first list and the relist: {reqs:#?}");
}

/// A wait that may not read the pods says so at once instead of waiting out its timeout.
#[test]
fn wait_forbidden_to_watch_pods_fails_at_once() {
    use kube_sim::server::FaultRule;
    use kube_sim::FaultAction;
    let env = env();
    create(&env, "web", "nginx:1.25", 1);
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/pods?",
        FaultAction::Forbidden,
        100,
    ));
    let started = std::time::Instant::now();
    let o = env.run(["scale", "web", "2", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("forbidden"), "{}", o.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn create_wait_ends_on_an_unschedulable_pod() {
    let env = env();
    let o = env.run([
        "create",
        "big",
        "--image",
        "nginx:1.25",
        "--requests",
        "cpu=500",
        // The preflight would refuse it (no node has room); the point is --wait's diagnosis.
        "--skip-preflight",
        "--wait",
        "--timeout",
        "50s",
    ]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("is stuck: pod big-0 (revision 1 (")
            && o.stderr.contains("Unschedulable"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("rollback"), "{}", o.stderr);
}

/// A claim template naming a StorageClass that does not exist (a chart written for another
/// cluster): the pod is Unschedulable and neither the template nor a rollback helps. `get` and
/// `--wait` say what does — create the class — and doing it gets the pod running.
#[test]
fn a_missing_storage_class_is_the_cure_not_the_template() {
    let env = env();
    env.sim
        .apply_yaml(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ing, namespace: default}
spec:
  serviceName: ing
  replicas: 1
  selector: {matchLabels: {name: ing}}
  template:
    metadata: {labels: {name: ing}}
    spec: {containers: [{name: ing, image: "nginx:1.25"}]}
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      storageClassName: fast
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
"#,
        )
        .expect("apply");
    let ok = env.sim.wait_until(Duration::from_secs(20), |c| {
        c.get(&PODS, Some("default"), "ing-0")
            .ok()
            .is_some_and(|p| {
                p["status"]["conditions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|c| c["reason"] == "Unschedulable")
            })
    });
    assert!(ok, "ing-0 was never turned down by the scheduler");

    let out = env.ok(["get", "ing"]);
    assert!(
        out.contains(r#"claim data-ing-0 is Pending: StorageClass "fast" does not exist"#),
        "{out}"
    );
    assert!(
        out.contains("recover with: create StorageClass fast"),
        "{out}"
    );
    assert!(
        !out.contains("edit-yaml") && !out.contains("statefulset rollback"),
        "{out}"
    );

    let o = env.run(["redeploy", "ing", "--yes", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr.contains("hint: create StorageClass fast"),
        "{}",
        o.stderr
    );

    // The advice, followed: the claim is provisioned and the pod runs.
    env.sim
        .apply_yaml(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata: {name: fast}\nprovisioner: sim.k8s.io/hostpath\nvolumeBindingMode: WaitForFirstConsumer\n",
        )
        .expect("storage class");
    env.wait_ready("default", "ing", 1);
    let out = env.ok(["get", "ing"]);
    assert!(!out.contains("Stuck:"), "{out}");
}

/// A chart's set whose Secret was never created: CreateContainerConfigError. `get` and
/// `--wait` say to create it (with the keys the pods read), not to edit or roll back, and
/// creating it gets the pod running without deleting it.
#[test]
fn a_missing_secret_is_created_not_rolled_back() {
    let env = env();
    env.sim
        .apply_yaml(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mq, namespace: default}
spec:
  serviceName: mq
  replicas: 1
  selector: {matchLabels: {app.kubernetes.io/name: mq}}
  template:
    metadata: {labels: {app.kubernetes.io/name: mq}}
    spec:
      containers:
      - name: mq
        image: "nginx:1.25"
        env:
        - name: PASS
          valueFrom: {secretKeyRef: {name: mq-admin, key: pass}}
"#,
        )
        .expect("apply");
    let ok = env.sim.wait_until(Duration::from_secs(20), |c| {
        c.get(&PODS, Some("default"), "mq-0").ok().is_some_and(|p| {
            p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                == "CreateContainerConfigError"
        })
    });
    assert!(ok, "mq-0 never reached CreateContainerConfigError");
    let uid = env
        .sim
        .cluster()
        .get(&PODS, Some("default"), "mq-0")
        .unwrap()["metadata"]["uid"]
        .clone();

    let out = env.ok(["get", "mq"]);
    assert!(out.contains(r#"secret "mq-admin" not found"#), "{out}");
    assert!(
        out.contains("recover with: create Secret mq-admin with key pass in namespace default: the kubelet retries by itself, no pod needs deleting"),
        "{out}"
    );
    // Any wait says the same (scale to the same size: nothing is replaced).
    let o = env.run(["scale", "mq", "1", "--wait", "--timeout", "30s"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("hint: create Secret mq-admin with key pass"),
        "{}",
        o.stderr
    );

    // The advice, followed: the same pod runs, nothing deleted.
    env.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: mq-admin}\nstringData: {pass: x}\n",
        )
        .expect("secret");
    env.wait_ready("default", "mq", 1);
    let now = env.sim.cluster().get(&PODS, Some("default"), "mq-0");
    assert_eq!(
        now.map(|p| p["metadata"]["uid"].clone()).ok(),
        Some(uid),
        "mq-0 was replaced"
    );
}

/// A volume from a ConfigMap that was never created: the pod waits in ContainerCreating
/// (FailedMount) and nothing changes while it does. After 10 s `get` and `--wait` say to create
/// it; creating it starts the same pod.
#[test]
fn a_missing_config_map_volume_is_created_not_waited_out() {
    let env = env();
    env.sim
        .apply_yaml(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cfg, namespace: default}
spec:
  serviceName: cfg
  replicas: 1
  selector: {matchLabels: {app: cfg}}
  template:
    metadata: {labels: {app: cfg}}
    spec:
      containers:
      - name: cfg
        image: "nginx:1.25"
        volumeMounts: [{name: conf, mountPath: /etc/cfg}]
      volumes:
      - name: conf
        configMap: {name: cfg-files}
"#,
        )
        .expect("apply");
    let ok = env.sim.wait_until(Duration::from_secs(20), |c| {
        c.get(&PODS, Some("default"), "cfg-0")
            .ok()
            .is_some_and(|p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "ContainerCreating"
            })
    });
    assert!(ok, "cfg-0 never waited in ContainerCreating");
    let uid = env
        .sim
        .cluster()
        .get(&PODS, Some("default"), "cfg-0")
        .unwrap()["metadata"]["uid"]
        .clone();

    // --wait judges again without news: it ends as soon as the pod has waited 10 s.
    let started = std::time::Instant::now();
    let o = env.run(["scale", "cfg", "1", "--wait", "--timeout", "60s"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
    assert!(
        started.elapsed() < Duration::from_secs(40),
        "waited out the timeout"
    );
    assert!(
        o.stderr.contains(r#"configmap "cfg-files" not found"#)
            && o.stderr.contains(
                "hint: create ConfigMap cfg-files in namespace default: the kubelet retries by itself"
            ),
        "{}",
        o.stderr
    );
    let out = env.ok(["get", "cfg"]);
    assert!(
        out.contains("recover with: create ConfigMap cfg-files"),
        "{out}"
    );

    env.sim
        .apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg-files}\ndata: {a: b}\n")
        .expect("configmap");
    env.wait_ready("default", "cfg", 1);
    let now = env.sim.cluster().get(&PODS, Some("default"), "cfg-0");
    assert_eq!(
        now.map(|p| p["metadata"]["uid"].clone()).ok(),
        Some(uid),
        "cfg-0 was replaced"
    );
}
