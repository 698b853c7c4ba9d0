//! The StatefulSet controller driven deterministically (controllers off, `sync_once` per step,
//! pod phases/conditions set by the test like upstream's stateful_set_control_test.go does with
//! its fake pod control), plus an end-to-end run with the kubelet.

use kube_sim::api::{Cluster, DeleteOptions, WriteOptions};
use kube_sim::controller::statefulset::sync_once;
use kube_sim::resources::{CONTROLLERREVISIONS, EVENTS, PODS, PVCS, STATEFULSETS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const NS: &str = "default";

fn sim() -> KubeSim {
    KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        ..Default::default()
    })
    .expect("start simulator")
}

fn sts(name: &str, replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": name, "namespace": NS},
        "spec": {
            "replicas": replicas,
            "serviceName": "nginx",
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}
            }
        }
    })
}

fn create(s: &KubeSim, obj: Value) -> Value {
    s.create(&STATEFULSETS, NS, obj)
        .expect("create statefulset")
}

fn get_set(c: &Cluster, name: &str) -> Value {
    c.get(&STATEFULSETS, Some(NS), name).expect("get set")
}

fn update_set(c: &Cluster, name: &str, f: impl Fn(&mut Value)) {
    for _ in 0..5 {
        let mut set = get_set(c, name);
        f(&mut set);
        match c.update(
            &STATEFULSETS,
            Some(NS),
            name,
            None,
            set,
            &WriteOptions::default(),
        ) {
            Ok(_) => return,
            Err(e) if e.code == 409 => continue,
            Err(e) => panic!("update set: {e:?}"),
        }
    }
    panic!("update set: conflicts");
}

/// Pod names (sorted by ordinal) of the pods whose names start with `<set>-`.
fn pod_names(c: &Cluster, set: &str) -> Vec<String> {
    let mut v: Vec<(i64, String)> = c
        .list_items(&PODS, Some(NS), None)
        .iter()
        .filter_map(|p| {
            let n = p["metadata"]["name"].as_str()?.to_string();
            let ord = n.strip_prefix(&format!("{set}-"))?.parse().ok()?;
            Some((ord, n))
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, n)| n).collect()
}

fn pod(c: &Cluster, name: &str) -> Value {
    c.get(&PODS, Some(NS), name).expect("get pod")
}

/// Writes the pod's status as `f` changes it (the status subresource, as the kubelet).
fn update_pod_status(c: &Cluster, name: &str, f: impl FnOnce(&mut Value)) {
    let mut p = pod(c, name);
    f(&mut p["status"]);
    c.update(
        &PODS,
        Some(NS),
        name,
        Some("status"),
        p,
        &WriteOptions::default(),
    )
    .expect("pod status");
}

/// What the kubelet would do: Running + Ready (condition transition `now`).
fn make_ready(c: &Cluster, name: &str) {
    let now = c.clock().timestamp();
    update_pod_status(c, name, |st| {
        st["phase"] = json!("Running");
        st["conditions"] = json!([
            {"type": "Ready", "status": "True", "lastTransitionTime": now},
        ]);
    });
}

fn set_phase(c: &Cluster, name: &str, phase: &str) {
    update_pod_status(c, name, |st| st["phase"] = json!(phase));
}

fn delete_pod(c: &Cluster, name: &str) {
    c.delete(&PODS, Some(NS), name, &DeleteOptions::default())
        .expect("delete pod");
}

/// Sync, making every pod ready, until nothing changes (bounded).
fn settle(c: &Cluster, set: &str) {
    for _ in 0..100 {
        let before = c.resource_version();
        sync_once(c);
        for n in pod_names(c, set) {
            let p = pod(c, &n);
            if p["metadata"]["deletionTimestamp"].is_null() && p["status"]["phase"] != "Running" {
                make_ready(c, &n);
            }
        }
        if c.resource_version() == before {
            return;
        }
    }
    panic!("did not settle");
}

fn revisions(c: &Cluster) -> Vec<Value> {
    let mut v = c.list_items(&CONTROLLERREVISIONS, Some(NS), None);
    v.sort_by_key(|r| r["revision"].as_i64());
    v
}

fn event_messages(c: &Cluster) -> Vec<String> {
    c.list_items(&EVENTS, Some(NS), None)
        .iter()
        .filter(|e| e["source"]["component"] == "statefulset-controller")
        .map(|e| e["message"].as_str().unwrap_or("").to_string())
        .collect()
}

fn rev_label(p: &Value) -> String {
    p["metadata"]["labels"]["controller-revision-hash"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[test]
fn ordered_scale_up_creates_one_pod_at_a_time_with_identity() {
    let s = sim();
    let c = s.cluster();
    let set = create(&s, sts("web", 3));
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0"]);
    // Blocked while web-0 is Pending.
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0"]);
    let p = pod(&c, "web-0");
    assert_eq!(
        p["metadata"]["labels"]["statefulset.kubernetes.io/pod-name"],
        "web-0"
    );
    assert_eq!(p["metadata"]["labels"]["apps.kubernetes.io/pod-index"], "0");
    assert_eq!(p["spec"]["hostname"], "web-0");
    assert_eq!(p["spec"]["subdomain"], "nginx");
    let oref = &p["metadata"]["ownerReferences"][0];
    assert_eq!(oref["kind"], "StatefulSet");
    assert_eq!(oref["apiVersion"], "apps/v1");
    assert_eq!(oref["uid"], set["metadata"]["uid"]);
    assert_eq!(oref["controller"], true);
    assert_eq!(oref["blockOwnerDeletion"], true);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 1);
    assert_eq!(revs[0]["revision"], 1);
    let rname = revs[0]["metadata"]["name"].as_str().unwrap().to_string();
    assert_eq!(rev_label(&p), rname);

    // Status after the second sync: one created pod, not ready.
    let st = &get_set(&c, "web")["status"];
    assert_eq!(st["replicas"], 1);
    assert_eq!(st["availableReplicas"], 0);
    assert!(st.get("readyReplicas").is_none(), "{st}");
    assert_eq!(st["currentReplicas"], 1);
    assert_eq!(st["updatedReplicas"], 1);
    assert_eq!(st["currentRevision"], json!(rname));
    assert_eq!(st["updateRevision"], json!(rname));
    assert_eq!(st["collisionCount"], 0);
    assert_eq!(st["observedGeneration"], 1);

    make_ready(&c, "web-0");
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-1"]);
    make_ready(&c, "web-1");
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-1", "web-2"]);
    make_ready(&c, "web-2");
    sync_once(&c);
    let st = &get_set(&c, "web")["status"];
    assert_eq!(st["readyReplicas"], 3);
    assert_eq!(st["availableReplicas"], 3);
    assert_eq!(st["replicas"], 3);
    let msgs = event_messages(&c);
    for i in 0..3 {
        assert!(
            msgs.contains(&format!("create Pod web-{i} in StatefulSet web successful")),
            "{msgs:?}"
        );
    }
    let ev = c
        .list_items(&EVENTS, Some(NS), None)
        .into_iter()
        .find(|e| e["message"] == "create Pod web-0 in StatefulSet web successful")
        .unwrap();
    assert_eq!(ev["reason"], "SuccessfulCreate");
    assert_eq!(ev["type"], "Normal");
    assert_eq!(ev["count"], 1);
    assert_eq!(ev["involvedObject"]["kind"], "StatefulSet");
    assert_eq!(ev["involvedObject"]["name"], "web");
    assert_eq!(ev["involvedObject"]["uid"], set["metadata"]["uid"]);
    assert_eq!(ev["reportingComponent"], "statefulset-controller");
    assert!(ev["metadata"]["name"].as_str().unwrap().starts_with("web."));
}

#[test]
fn parallel_scale_up_and_down_do_not_wait() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("par", 4);
    obj["spec"]["podManagementPolicy"] = json!("Parallel");
    create(&s, obj);
    sync_once(&c);
    assert_eq!(pod_names(&c, "par"), ["par-0", "par-1", "par-2", "par-3"]);
    update_set(&c, "par", |s| s["spec"]["replicas"] = json!(1));
    sync_once(&c);
    // Unscheduled pods are deleted at once by the API server.
    assert_eq!(pod_names(&c, "par"), ["par-0"]);
}

#[test]
fn ordered_scale_down_removes_highest_ordinal_first_one_at_a_time() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 3));
    settle(&c, "web");
    assert_eq!(pod_names(&c, "web").len(), 3);
    update_set(&c, "web", |s| s["spec"]["replicas"] = json!(1));
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-1"]);
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0"]);
    assert!(event_messages(&c).contains(&"delete Pod web-2 in StatefulSet web successful".into()));
    // Scale down waits while a remaining pod is unhealthy.
    update_set(&c, "web", |s| s["spec"]["replicas"] = json!(3));
    settle(&c, "web");
    set_phase(&c, "web-0", "Pending");
    update_set(&c, "web", |s| s["spec"]["replicas"] = json!(2));
    sync_once(&c);
    assert_eq!(pod_names(&c, "web").len(), 3, "blocked by unready web-0");
}

#[test]
fn failed_pods_are_deleted_and_recreated() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 2));
    settle(&c, "web");
    let uid = pod(&c, "web-1")["metadata"]["uid"].clone();
    set_phase(&c, "web-1", "Failed");
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0"]);
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-1"]);
    assert_ne!(pod(&c, "web-1")["metadata"]["uid"], uid);
}

#[test]
fn rolling_update_replaces_from_the_highest_ordinal_one_at_a_time() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 3));
    settle(&c, "web");
    let old = get_set(&c, "web")["status"]["currentRevision"]
        .as_str()
        .unwrap()
        .to_string();
    update_set(&c, "web", |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26")
    });
    sync_once(&c);
    let st = get_set(&c, "web")["status"].clone();
    let new = st["updateRevision"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(st["currentRevision"], json!(old));
    assert_eq!(
        pod_names(&c, "web"),
        ["web-0", "web-1"],
        "web-2 deleted first"
    );
    assert_eq!(st["currentReplicas"], 2, "decremented for the deleted pod");
    sync_once(&c);
    assert_eq!(rev_label(&pod(&c, "web-2")), new);
    assert_eq!(
        pod(&c, "web-2")["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    // web-1 is untouched until web-2 is ready.
    sync_once(&c);
    assert_eq!(rev_label(&pod(&c, "web-1")), old);
    make_ready(&c, "web-2");
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-2"]);
    settle(&c, "web");
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(st["currentRevision"], json!(new), "{st}");
    assert_eq!(st["updatedReplicas"], 3);
    assert_eq!(st["currentReplicas"], 3);
    for n in pod_names(&c, "web") {
        assert_eq!(rev_label(&pod(&c, &n)), new);
    }
}

#[test]
fn partition_limits_the_update_and_recreates_low_ordinals_at_the_old_revision() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 3);
    obj["spec"]["updateStrategy"] =
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 2}});
    create(&s, obj);
    settle(&c, "web");
    let old = get_set(&c, "web")["status"]["currentRevision"].clone();
    update_set(&c, "web", |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26")
    });
    settle(&c, "web");
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(
        rev_label(&pod(&c, "web-2")),
        st["updateRevision"].as_str().unwrap()
    );
    assert_eq!(json!(rev_label(&pod(&c, "web-1"))), old);
    assert_eq!(json!(rev_label(&pod(&c, "web-0"))), old);
    assert_eq!(
        st["currentRevision"], old,
        "never completes with a partition"
    );
    assert_eq!(st["updatedReplicas"], 1);
    assert_eq!(st["currentReplicas"], 2);
    // Trap 12: a deleted pod below the partition comes back with the old template.
    delete_pod(&c, "web-0");
    sync_once(&c);
    let p = pod(&c, "web-0");
    assert_eq!(json!(rev_label(&p)), old);
    assert_eq!(p["spec"]["containers"][0]["image"], "nginx:1.25");
}

#[test]
fn on_delete_replaces_only_deleted_pods_and_never_completes() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 2);
    obj["spec"]["updateStrategy"] = json!({"type": "OnDelete"});
    create(&s, obj);
    settle(&c, "web");
    let old = get_set(&c, "web")["status"]["currentRevision"].clone();
    update_set(&c, "web", |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26")
    });
    settle(&c, "web");
    assert_eq!(json!(rev_label(&pod(&c, "web-1"))), old);
    assert_eq!(json!(rev_label(&pod(&c, "web-0"))), old);
    delete_pod(&c, "web-0");
    delete_pod(&c, "web-1");
    settle(&c, "web");
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(
        rev_label(&pod(&c, "web-0")),
        st["updateRevision"].as_str().unwrap()
    );
    assert_eq!(
        rev_label(&pod(&c, "web-1")),
        st["updateRevision"].as_str().unwrap()
    );
    assert_eq!(st["currentRevision"], old);
    assert_eq!(st["updatedReplicas"], 2);
    assert!(st.get("currentReplicas").is_none(), "{st}");
}

#[test]
fn reverting_the_template_renumbers_the_old_revision() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 1));
    settle(&c, "web");
    for image in ["nginx:1.26", "nginx:1.27", "nginx:1.26"] {
        update_set(&c, "web", |s| {
            s["spec"]["template"]["spec"]["containers"][0]["image"] = json!(image)
        });
        settle(&c, "web");
    }
    let revs = revisions(&c);
    let nums: Vec<i64> = revs
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, [1, 3, 4], "the 1.26 revision moved from 2 to 4");
    let top = &revs[2];
    assert_eq!(
        top["metadata"]["name"],
        get_set(&c, "web")["status"]["updateRevision"]
    );
    assert!(top["data"].to_string().contains("nginx:1.26"));
    // Revisions carry the template labels plus the hash label and a controller ref.
    let hash = top["metadata"]["labels"]["controller.kubernetes.io/hash"]
        .as_str()
        .unwrap();
    assert_eq!(top["metadata"]["name"], json!(format!("web-{hash}")));
    assert_eq!(top["metadata"]["labels"]["app"], "web");
    assert_eq!(top["metadata"]["ownerReferences"][0]["controller"], true);
}

#[test]
fn revision_history_limit_truncates_non_live_revisions() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 1);
    obj["spec"]["revisionHistoryLimit"] = json!(1);
    create(&s, obj);
    settle(&c, "web");
    for i in 0..4 {
        update_set(&c, "web", |s| {
            s["spec"]["template"]["spec"]["containers"][0]["image"] = json!(format!("img:{i}"))
        });
        settle(&c, "web");
    }
    let nums: Vec<i64> = revisions(&c)
        .iter()
        .map(|r| r["revision"].as_i64().unwrap())
        .collect();
    assert_eq!(nums, [4, 5], "live (5) plus one historic");
}

#[test]
fn scaling_creates_no_revision() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 1));
    settle(&c, "web");
    update_set(&c, "web", |s| s["spec"]["replicas"] = json!(2));
    settle(&c, "web");
    assert_eq!(revisions(&c).len(), 1);
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(st["observedGeneration"], 2);
    assert_eq!(st["readyReplicas"], 2);
}

#[test]
fn zero_replicas_status_omits_zero_counters() {
    let s = sim();
    let c = s.cluster();
    create(&s, sts("web", 0));
    sync_once(&c);
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(st["replicas"], 0);
    assert_eq!(st["availableReplicas"], 0);
    assert_eq!(st["collisionCount"], 0);
    for k in ["readyReplicas", "currentReplicas", "updatedReplicas"] {
        assert!(st.get(k).is_none(), "{k} in {st}");
    }
    // No second write when nothing changed.
    let rv = get_set(&c, "web")["metadata"]["resourceVersion"].clone();
    sync_once(&c);
    assert_eq!(get_set(&c, "web")["metadata"]["resourceVersion"], rv);
}

#[test]
fn claims_are_created_before_pods_and_follow_the_retention_policy() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 2);
    obj["spec"]["volumeClaimTemplates"] = json!([{
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }]);
    obj["spec"]["persistentVolumeClaimRetentionPolicy"] =
        json!({"whenDeleted": "Delete", "whenScaled": "Delete"});
    let set = create(&s, obj);
    settle(&c, "web");
    let claim = c.get(&PVCS, Some(NS), "data-web-0").expect("claim");
    assert_eq!(claim["metadata"]["labels"]["app"], "web");
    assert_eq!(
        claim["metadata"]["ownerReferences"][0]["uid"],
        set["metadata"]["uid"]
    );
    assert_eq!(
        claim["metadata"]["ownerReferences"][0]["kind"],
        "StatefulSet"
    );
    let p = pod(&c, "web-0");
    let vols = p["spec"]["volumes"].as_array().unwrap();
    assert!(vols
        .iter()
        .any(|v| v["name"] == "data" && v["persistentVolumeClaim"]["claimName"] == "data-web-0"));
    assert!(event_messages(&c)
        .contains(&"create Claim data-web-0 Pod web-0 in StatefulSet web success".into()));
    // Scaling down hands web-1's claim to the pod (whenScaled=Delete).
    let uid1 = pod(&c, "web-1")["metadata"]["uid"].clone();
    update_set(&c, "web", |s| s["spec"]["replicas"] = json!(1));
    sync_once(&c);
    let claim = c.get(&PVCS, Some(NS), "data-web-1").expect("claim");
    let refs = claim["metadata"]["ownerReferences"].as_array().unwrap();
    assert_eq!(refs.len(), 1, "{refs:?}");
    assert_eq!(refs[0]["kind"], "Pod");
    assert_eq!(refs[0]["uid"], uid1);
}

#[test]
fn retain_policy_leaves_claims_unowned_and_reuses_them() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 1);
    obj["spec"]["volumeClaimTemplates"] = json!([{
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }]);
    create(&s, obj);
    settle(&c, "web");
    let claim = c.get(&PVCS, Some(NS), "data-web-0").expect("claim");
    assert!(claim["metadata"]["ownerReferences"].is_null());
    let uid = claim["metadata"]["uid"].clone();
    delete_pod(&c, "web-0");
    settle(&c, "web");
    let claim = c.get(&PVCS, Some(NS), "data-web-0").expect("claim");
    assert_eq!(claim["metadata"]["uid"], uid, "reused, not recreated");
}

#[test]
fn ordinals_start_names_pods_from_the_start() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 2);
    obj["spec"]["ordinals"] = json!({"start": 5});
    create(&s, obj);
    settle(&c, "web");
    assert_eq!(pod_names(&c, "web"), ["web-5", "web-6"]);
    update_set(&c, "web", |s| s["spec"]["ordinals"] = json!({"start": 6}));
    settle(&c, "web");
    assert_eq!(pod_names(&c, "web"), ["web-6", "web-7"]);
}

#[test]
fn orphans_matching_name_and_selector_are_adopted() {
    let s = sim();
    let c = s.cluster();
    let orphan = |name: &str| {
        json!({"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": name, "labels": {"app": "web"}},
               "spec": {"containers": [{"name": "c", "image": "x"}]}})
    };
    s.create(&PODS, NS, orphan("web-0")).unwrap();
    s.create(&PODS, NS, orphan("other-0")).unwrap();
    let set = create(&s, sts("web", 1));
    sync_once(&c);
    let p = pod(&c, "web-0");
    assert_eq!(
        p["metadata"]["ownerReferences"][0]["uid"],
        set["metadata"]["uid"]
    );
    assert!(pod(&c, "other-0")["metadata"]["ownerReferences"].is_null());
    // Relabelled pods are released.
    let mut p = pod(&c, "web-0");
    p["metadata"]["labels"]["app"] = json!("gone");
    c.update(&PODS, Some(NS), "web-0", None, p, &WriteOptions::default())
        .unwrap();
    sync_once(&c);
    let refs = &pod(&c, "web-0")["metadata"]["ownerReferences"];
    assert!(
        refs.is_null() || refs.as_array().is_some_and(|a| a.is_empty()),
        "{refs}"
    );
}

/// Start a set of `n` Parallel replicas with the kubelet running and wait until all are ready.
fn parallel_set_becomes_ready(n: i64, nodes: usize, timeout: Duration) -> Duration {
    // 110 pods per node (the kubelet's maxPods).
    let s = KubeSim::start(SimOptions {
        nodes,
        ..Default::default()
    })
    .expect("start simulator");
    let c = s.cluster();
    let mut obj = sts("big", n);
    obj["spec"]["podManagementPolicy"] = json!("Parallel");
    let t = Instant::now();
    create(&s, obj);
    let ok = s.wait_until(timeout, |c| {
        get_set(c, "big")["status"]["readyReplicas"] == n
    });
    assert!(ok, "status: {}", get_set(&c, "big")["status"]);
    let st = get_set(&c, "big")["status"].clone();
    assert_eq!(st["replicas"], n);
    assert_eq!(st["availableReplicas"], n);
    t.elapsed()
}

#[test]
fn parallel_set_of_200_becomes_ready_with_the_kubelet() {
    let took = parallel_set_becomes_ready(200, 3, Duration::from_secs(60));
    eprintln!("200 Parallel replicas ready in {took:?}");
}

/// Performance probe (heavy; run with `--ignored`): 1,000 Parallel replicas on 10 nodes.
#[test]
#[ignore]
fn parallel_set_of_1000_becomes_ready_with_the_kubelet() {
    let took = parallel_set_becomes_ready(1000, 10, Duration::from_secs(120));
    eprintln!("1000 Parallel replicas ready in {took:?}");
}

#[test]
fn ordered_set_rolls_out_with_the_kubelet() {
    let s = KubeSim::start(SimOptions {
        speed: 50.0,
        ..Default::default()
    })
    .expect("start simulator");
    let c = s.cluster();
    create(&s, sts("web", 3));
    assert!(s.wait_until(Duration::from_secs(30), |c| {
        get_set(c, "web")["status"]["readyReplicas"] == 3
    }));
    update_set(&c, "web", |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26")
    });
    assert!(
        s.wait_until(Duration::from_secs(30), |c| {
            let st = &get_set(c, "web")["status"];
            st["updatedReplicas"] == 3
                && st["readyReplicas"] == 3
                && st["currentRevision"] == st["updateRevision"]
        }),
        "{}",
        get_set(&c, "web")["status"]
    );
}

#[test]
fn worked_example_revision_name_matches_upstream() {
    // §2.2 of the research notes: this set's first revision is `web-59b8f57` on a real cluster
    // (the registry's pod-template defaulting plus Go's JSON encoding and FNV-1).
    let s = sim();
    let c = s.cluster();
    create(
        &s,
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": NS},
            "spec": {
                "replicas": 1, "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                             "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}
            }
        }),
    );
    sync_once(&c);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 1);
    assert_eq!(
        revs[0]["metadata"]["name"], "web-59b8f57",
        "{}",
        revs[0]["data"]
    );
    assert_eq!(
        get_set(&c, "web")["status"]["updateRevision"],
        "web-59b8f57"
    );
    assert_eq!(rev_label(&pod(&c, "web-0")), "web-59b8f57");
}

#[test]
fn min_ready_seconds_gates_ordered_progress_and_availability() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 2);
    obj["spec"]["minReadySeconds"] = json!(10);
    create(&s, obj);
    sync_once(&c);
    make_ready(&c, "web-0");
    sync_once(&c);
    assert_eq!(
        pod_names(&c, "web"),
        ["web-0"],
        "web-0 ready but not yet available"
    );
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(st["readyReplicas"], 1);
    assert_eq!(st["availableReplicas"], 0);
    c.clock().advance(Duration::from_secs(11));
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0", "web-1"]);
    assert_eq!(get_set(&c, "web")["status"]["availableReplicas"], 1);
}

#[test]
fn name_collision_bumps_collision_count() {
    let s = sim();
    let c = s.cluster();
    let set = sts("web", 1);
    // Squat the first revision name with different data (labels outside the selector so it
    // is not adopted).
    let created = create(&s, set);
    let first = kube_sim::controller::history::new_revision(&created, 1, 0);
    let squat_name = first["metadata"]["name"].as_str().unwrap().to_string();
    s.create(
        &CONTROLLERREVISIONS,
        NS,
        json!({"apiVersion": "apps/v1", "kind": "ControllerRevision",
               "metadata": {"name": squat_name, "labels": {"other": "x"}},
               "data": {"spec": {}}, "revision": 1}),
    )
    .unwrap();
    sync_once(&c);
    let st = get_set(&c, "web")["status"].clone();
    assert_eq!(st["collisionCount"], 1, "{st}");
    let data = kube_sim::controller::history::get_patch(&created);
    let hash = kube_sim::controller::history::hash_revision(data.as_bytes(), Some(1));
    assert_eq!(st["updateRevision"], json!(format!("web-{hash}")));
    assert_ne!(st["updateRevision"], json!(squat_name));
}

#[test]
fn a_set_being_deleted_only_gets_status_updates() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 2);
    obj["metadata"]["finalizers"] = json!(["example.com/hold"]);
    create(&s, obj);
    settle(&c, "web");
    c.delete(&STATEFULSETS, Some(NS), "web", &DeleteOptions::default())
        .unwrap();
    assert!(!get_set(&c, "web")["metadata"]["deletionTimestamp"].is_null());
    delete_pod(&c, "web-1");
    sync_once(&c);
    assert_eq!(pod_names(&c, "web"), ["web-0"], "not recreated");
    assert_eq!(get_set(&c, "web")["status"]["replicas"], 1);
}

/// Run kubectl against the simulator; None when kubectl is not installed.
fn kubectl(s: &KubeSim, args: &[&str]) -> Option<(bool, String, String)> {
    let out = s.kubectl(args)?.output().expect("run kubectl");
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

#[test]
fn kubectl_rollout_undo_sees_byte_equal_revisions() {
    // kubectl decides "skipped rollback" by comparing its own Go encoding of the served set's
    // template with the revision data byte for byte (trap 2), and undo must renumber (trap 4).
    let s = KubeSim::start(SimOptions {
        speed: 20.0,
        ..Default::default()
    })
    .expect("start simulator");
    let c = s.cluster();
    create(&s, sts("web", 1));
    let ready = |s: &KubeSim| {
        s.wait_until(Duration::from_secs(30), |c| {
            let st = &get_set(c, "web")["status"];
            st["readyReplicas"] == 1
                && st["updatedReplicas"] == 1
                && st["currentRevision"] == st["updateRevision"]
        })
    };
    assert!(ready(&s));
    let Some((ok, out, err)) = kubectl(&s, &["rollout", "undo", "sts/web", "--to-revision=1"])
    else {
        return;
    };
    assert!(!ok || out.contains("skipped rollback"), "{out}{err}");
    assert!(
        format!("{out}{err}").contains("skipped rollback"),
        "{out}{err}"
    );
    update_set(&c, "web", |s| {
        s["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.26")
    });
    assert!(ready(&s));
    let (ok, out, err) = kubectl(&s, &["rollout", "undo", "sts/web"]).unwrap();
    assert!(ok, "{out}{err}");
    assert_eq!(out.trim(), "statefulset.apps/web rolled back");
    let rolled_back = s.wait_until(Duration::from_secs(30), |c| {
        let nums: Vec<i64> = revisions(c)
            .iter()
            .map(|r| r["revision"].as_i64().unwrap())
            .collect();
        nums == [2, 3]
            && c.get(&PODS, Some(NS), "web-0").is_ok_and(|p| {
                p["spec"]["containers"][0]["image"] == "nginx:1.25"
                    && p["status"]["phase"] == "Running"
            })
    });
    assert!(rolled_back, "{:?}", revisions(&c));
    // The renumbered revision is the original one (same name).
    let first = kube_sim::controller::history::new_revision(&get_set(&c, "web"), 0, 0);
    assert_eq!(
        revisions(&c)[1]["metadata"]["name"],
        first["metadata"]["name"]
    );
}

#[test]
fn kubectl_rollout_status_completes_on_controller_status() {
    let s = KubeSim::start(SimOptions {
        speed: 20.0,
        ..Default::default()
    })
    .expect("start simulator");
    create(&s, sts("web", 3));
    let Some((ok, out, err)) = kubectl(&s, &["rollout", "status", "sts/web", "--timeout=60s"])
    else {
        return;
    };
    assert!(ok, "{out}{err}");
    assert!(
        out.ends_with("partitioned roll out complete: 3 new pods have been updated...\n"),
        "{out}"
    );
}

#[test]
fn changing_the_retention_policy_reowns_existing_claims() {
    let s = sim();
    let c = s.cluster();
    let mut obj = sts("web", 1);
    obj["spec"]["volumeClaimTemplates"] = json!([{
        "metadata": {"name": "data"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}
    }]);
    let set = create(&s, obj);
    settle(&c, "web");
    assert!(c.get(&PVCS, Some(NS), "data-web-0").unwrap()["metadata"]["ownerReferences"].is_null());
    update_set(&c, "web", |s| {
        s["spec"]["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Delete", "whenScaled": "Retain"})
    });
    settle(&c, "web");
    let claim = c.get(&PVCS, Some(NS), "data-web-0").unwrap();
    assert_eq!(
        claim["metadata"]["ownerReferences"][0]["uid"],
        set["metadata"]["uid"]
    );
    assert!(event_messages(&c).contains(&"update Pod web-0 in StatefulSet web successful".into()));
}

#[test]
fn orphaned_revisions_are_adopted_and_reused() {
    // After `kubectl delete sts web --cascade=orphan` and re-creating the set, its old
    // ControllerRevision (matching the selector, no controller) is adopted and reused.
    let s = sim();
    let c = s.cluster();
    let set = create(&s, sts("web", 1));
    sync_once(&c);
    let rev = revisions(&c).remove(0);
    let rev_name = rev["metadata"]["name"].clone();
    c.delete(&STATEFULSETS, Some(NS), "web", &DeleteOptions::default())
        .unwrap();
    // Orphan it (what the garbage collector does for --cascade=orphan).
    let mut r = rev.clone();
    r["metadata"]["ownerReferences"] = json!([]);
    let rname = rev_name.as_str().unwrap();
    c.update(
        &CONTROLLERREVISIONS,
        Some(NS),
        rname,
        None,
        r,
        &WriteOptions::default(),
    )
    .unwrap();
    let set2 = create(&s, sts("web", 1));
    assert_ne!(set2["metadata"]["uid"], set["metadata"]["uid"]);
    sync_once(&c);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 1, "reused, not duplicated");
    assert_eq!(revs[0]["metadata"]["name"], rev_name);
    assert_eq!(revs[0]["revision"], 1);
    assert_eq!(
        revs[0]["metadata"]["ownerReferences"][0]["uid"],
        set2["metadata"]["uid"]
    );
    assert_eq!(get_set(&c, "web")["status"]["updateRevision"], rev_name);
}
