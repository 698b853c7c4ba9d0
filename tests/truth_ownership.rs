//! Pods and revisions belong to a set by its controller ownerReference (UID), never by a label
//! guess: two sets whose selectors overlap (`app=ovl` and `app=ovl,which=b`, so the first's
//! selector matches the second's pods and revisions), and every command of the first shows only
//! its own pods, revisions and events.

mod common;
mod lifecycle_util;

use std::io::Read;
use std::process::Stdio;
use std::time::Duration;

use common::TestEnv;
use lifecycle_util::{set_image, wait_settled};

const SETS: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ovl}
spec:
  replicas: 1
  serviceName: ovl
  selector: {matchLabels: {app: ovl}}
  template:
    metadata: {labels: {app: ovl}}
    spec:
      containers:
      - name: main
        image: nginx:1.27
        env: [{name: ONLY_A, value: "1"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ovlb}
spec:
  replicas: 2
  serviceName: ovlb
  selector: {matchLabels: {app: ovl, which: b}}
  template:
    metadata: {labels: {app: ovl, which: b}}
    spec:
      containers:
      - name: other
        image: busybox:1.36
        env: [{name: ONLY_B, value: "1"}]
"#;

fn both() -> TestEnv {
    let env = lifecycle_util::env();
    env.sim.apply_yaml(SETS).expect("apply");
    env.wait_ready("default", "ovl", 1);
    env.wait_ready("default", "ovlb", 2);
    wait_settled(&env, "ovl");
    wait_settled(&env, "ovlb");
    env
}

/// No trace of the second set (its pods, its container, its env) in `text`.
fn clean(what: &str, text: &str) {
    for foreign in ["ovlb-0", "ovlb-1", "busybox", "ONLY_B", "[ovlb"] {
        assert!(
            !text.contains(foreign),
            "{what} shows {foreign:?} of the other set:\n{text}"
        );
    }
}

#[test]
fn every_command_of_a_set_keeps_to_its_own_pods_when_selectors_overlap() {
    let env = both();
    // A second revision of `ovl`, so that revisions and rollback have something to choose.
    set_image(&env, "ovl", "nginx:1.28");
    wait_settled(&env, "ovl");

    let pods = env.ok(["pods", "ovl"]);
    clean("pods", &pods);
    assert!(pods.contains("ovl-0"), "{pods}");
    assert_eq!(env.ok(["pods", "ovl", "-o", "name"]).trim(), "pod/ovl-0");

    let get = env.ok(["get", "ovl"]);
    clean("get", &get);
    assert!(get.contains("ovl-0"), "{get}");
    // `pods` REVISION is `get`'s: `N (hash)*`, the same cell for the same pod.
    let cell = |text: &str| {
        let row = text.lines().find(|l| l.contains("ovl-0")).unwrap();
        row[row
            .find(" 2 (")
            .unwrap_or_else(|| panic!("no `2 (hash)` in {row:?}"))..]
            .trim()
            .to_string()
    };
    assert_eq!(cell(&pods), cell(&get));
    assert!(cell(&pods).ends_with(")*"), "{pods}");
    let list = env.ok(["list"]);
    assert!(list.contains("1/1"), "{list}");

    let logs = env.run(["logs", "ovl"]);
    assert_eq!(logs.code, 0, "{}", logs.stderr);
    clean("logs", &logs.stdout);
    assert!(logs.stdout.contains("[ovl-0/main]"), "{}", logs.stdout);

    let top = env.ok(["top", "ovl"]);
    clean("top", &top);
    assert!(top.contains("ovl-0"), "{top}");

    let events = env.ok(["events", "ovl", "--pods"]);
    clean("events", &events);
    assert!(events.contains("pod/ovl-0"), "{events}");

    let envs = env.ok(["env", "ovl"]);
    clean("env", &envs);
    assert!(envs.contains("ONLY_A"), "{envs}");

    // ControllerRevisions carry the template's labels too: only the set's own two count.
    let revs = env.ok(["revisions", "ovl"]);
    let rows: Vec<&str> = revs.lines().skip(1).filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), 2, "{revs}");
    clean("revisions", &revs);

    let rb = env.run(["rollback", "ovl", "--dry-run"]);
    assert_eq!(rb.code, 0, "{}", rb.stderr);
    clean("rollback", &format!("{}{}", rb.stdout, rb.stderr));
    assert!(rb.stdout.contains("nginx:1.27"), "{}", rb.stdout);

    // `get --watch` without a terminal: one summary line per change, only `ovl`'s pods.
    let mut child = env
        .std_cmd(["get", "ovl", "--watch"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // A change of the other set's pods while watching.
    env.ok(["redeploy", "ovlb", "--yes"]);
    std::thread::sleep(Duration::from_millis(1500));
    child.kill().unwrap();
    let mut watched = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut watched)
        .unwrap();
    let _ = child.wait();
    assert!(watched.contains("ovl-0=Running"), "{watched}");
    clean("get --watch", &watched);

    // --wait follows only the set's own pods (the other set's rollout is still going on).
    env.ok(["redeploy", "ovlb", "--yes"]);
    let sc = env.run(["scale", "ovl", "2", "--wait", "--timeout", "60s"]);
    assert_eq!(sc.code, 0, "{}{}", sc.stdout, sc.stderr);
    clean("scale --wait", &format!("{}{}", sc.stdout, sc.stderr));

    let del = env.run(["delete", "ovl", "--dry-run"]);
    assert_eq!(del.code, 0, "{}", del.stderr);
    let said = format!("{}{}", del.stdout, del.stderr);
    clean("delete", &said);
    assert!(said.contains("ovl-0"), "{said}");
}

/// `--wait` counts the set's pods by its controller ownerReference: a bare pod carrying the
/// set's labels (no owner; upstream's controller adopts only pods named after the set,
/// stateful_set_utils.go isMemberOf) is neither awaited to go nor counted as a replica.
#[test]
fn wait_never_counts_a_bare_pod_with_the_sets_labels() {
    let env = lifecycle_util::env();
    lifecycle_util::create(&env, "web", "nginx:1.27", 2);
    env.sim
        .apply_yaml(
            r#"
apiVersion: v1
kind: Pod
metadata: {name: stray, labels: {app: web}}
spec:
  containers: [{name: main, image: nginx:1.27}]
"#,
        )
        .expect("apply");
    let o = env.run(["scale", "web", "1", "--wait", "--timeout", "20s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("stray"), "{}", o.stderr);
    let o = env.run(["delete", "web", "--yes", "--wait", "--timeout", "20s"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("statefulset \"web\" and its pods are gone"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("stray"), "{}", o.stderr);
    let stray = env
        .sim
        .cluster()
        .get(&kube_sim::resources::PODS, Some("default"), "stray");
    assert!(stray.is_ok(), "the bare pod is not the set's and stays");
}

fn claimed_set(name: &str, template: &str) -> String {
    format!(
        r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: "{name}"}}
spec:
  replicas: 1
  serviceName: "{name}"
  selector: {{matchLabels: {{app: "{name}"}}}}
  template:
    metadata: {{labels: {{app: "{name}"}}}}
    spec:
      containers:
      - name: main
        image: nginx:1.27
        volumeMounts: [{{name: {template}, mountPath: /data}}]
  volumeClaimTemplates:
  - metadata: {{name: {template}}}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {{requests: {{storage: 1Gi}}}}
"#
    )
}

fn claim_event(env: &TestEnv, claim: &str, reason: &str) {
    env.sim
        .apply_yaml(&format!(
            r#"
apiVersion: v1
kind: Event
metadata: {{name: {claim}.test}}
involvedObject: {{apiVersion: v1, kind: PersistentVolumeClaim, name: {claim}, namespace: default}}
reason: {reason}
message: about {claim}
type: Normal
source: {{component: test}}
"#
        ))
        .expect("event");
}

/// `events --pods` attributes a claim by this set's claim templates and the claim's labels and
/// owners, never by a name prefix: `data-a-b-0` is set `a-b`'s, not `b`'s.
#[test]
fn events_attribute_claims_by_template_labels_and_owners() {
    let env = lifecycle_util::env();
    env.sim
        .apply_yaml(&claimed_set("a-b", "data"))
        .expect("apply");
    env.sim
        .apply_yaml(&claimed_set("b", "data"))
        .expect("apply");
    env.wait_ready("default", "a-b", 1);
    env.wait_ready("default", "b", 1);
    claim_event(&env, "data-a-b-0", "TouchedAB");
    claim_event(&env, "data-b-0", "TouchedB");
    let b = env.ok(["events", "b", "--pods"]);
    assert!(b.contains("TouchedB"), "{b}");
    assert!(!b.contains("data-a-b-0"), "{b}");
    let ab = env.ok(["events", "a-b", "--pods"]);
    assert!(ab.contains("TouchedAB"), "{ab}");
    assert!(!ab.contains("data-b-0"), "{ab}");

    // A clash by name alone: set `y` has the template `data-x`, so `data-x-y-0`
    // is by name its claim as well as set `x-y`'s `data`; the claim's labels (made by x-y's
    // controller) say it is x-y's.
    env.sim
        .apply_yaml(&claimed_set("x-y", "data"))
        .expect("apply");
    env.wait_ready("default", "x-y", 1);
    env.sim
        .apply_yaml(&claimed_set("y", "data-x"))
        .expect("apply");
    claim_event(&env, "data-x-y-0", "TouchedXY");
    let y = env.ok(["events", "y", "--pods"]);
    assert!(!y.contains("TouchedXY"), "{y}");
    let xy = env.ok(["events", "x-y", "--pods"]);
    assert!(xy.contains("TouchedXY"), "{xy}");
}
