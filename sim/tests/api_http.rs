//! HTTP-level tests of the simulator's core: CRUD, Status shapes, dry run, optimistic
//! concurrency, paging, watch, auth, faults and the request log.

mod common;

use common::{req, sim};
use kube_sim::api::ClusterOptions;
use kube_sim::server::{FaultAction, FaultRule};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn cm(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})
}

fn rv(v: &Value) -> u64 {
    v["metadata"]["resourceVersion"]
        .as_str()
        .expect("resourceVersion")
        .parse()
        .unwrap()
}

#[test]
fn crud_round_trip_with_system_fields() {
    let s = sim();
    let r = req(&s, "POST", CMS).json(&cm("a")).send();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    let created = r.json();
    assert_eq!(created["metadata"]["namespace"], "default");
    assert_eq!(created["metadata"]["uid"].as_str().unwrap().len(), 36);
    let ts = created["metadata"]["creationTimestamp"].as_str().unwrap();
    assert!(ts.ends_with('Z') && ts.len() == 20, "{ts}");
    assert!(created["metadata"].get("generation").is_none());
    assert_eq!(
        created["metadata"]["managedFields"][0]["operation"],
        "Update"
    );

    let got = req(&s, "GET", &format!("{CMS}/a"))
        .header(
            "accept",
            "application/vnd.kubernetes.protobuf,application/json",
        )
        .send();
    assert_eq!(got.status, 200);
    assert_eq!(
        got.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(got.json()["kind"], "ConfigMap");

    let mut upd = got.json();
    upd["data"]["k"] = json!("w");
    let r = req(&s, "PUT", &format!("{CMS}/a")).json(&upd).send();
    assert_eq!(r.status, 200, "{}", r.text());
    let updated = r.json();
    assert!(rv(&updated) > rv(&created));
    assert_eq!(updated["metadata"]["uid"], created["metadata"]["uid"]);

    // The same PUT again carries a stale resourceVersion now.
    let r = req(&s, "PUT", &format!("{CMS}/a")).json(&upd).send();
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["reason"], "Conflict");
    assert_eq!(
        r.json()["message"],
        "Operation cannot be fulfilled on configmaps \"a\": the object has been modified; please apply your changes to the latest version and try again"
    );

    // A PUT without resourceVersion is unconditional; an identical one is a no-op.
    let mut unconditional = updated.clone();
    unconditional["metadata"]
        .as_object_mut()
        .unwrap()
        .remove("resourceVersion");
    let r = req(&s, "PUT", &format!("{CMS}/a"))
        .json(&unconditional)
        .send();
    assert_eq!(r.status, 200);
    assert_eq!(rv(&r.json()), rv(&updated), "no-op write must not bump RV");

    let r = req(&s, "DELETE", &format!("{CMS}/a")).send();
    assert_eq!(r.status, 200);
    let r = req(&s, "GET", &format!("{CMS}/a")).send();
    assert_eq!(r.status, 404);
    let st = r.json();
    assert_eq!(st["kind"], "Status");
    assert_eq!(st["reason"], "NotFound");
    assert_eq!(st["message"], "configmaps \"a\" not found");
    assert_eq!(st["details"], json!({"name": "a", "kind": "configmaps"}));
}

#[test]
fn create_errors_have_upstream_shapes() {
    let s = sim();
    assert_eq!(req(&s, "POST", CMS).json(&cm("a")).send().status, 201);
    let r = req(&s, "POST", CMS).json(&cm("a")).send();
    assert_eq!(r.status, 409);
    assert_eq!(r.json()["reason"], "AlreadyExists");
    assert_eq!(r.json()["message"], "configmaps \"a\" already exists");

    let r = req(&s, "POST", "/api/v1/namespaces/nope/configmaps")
        .json(&cm("a"))
        .send();
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "namespaces \"nope\" not found");

    let mut other_ns = cm("b");
    other_ns["metadata"]["namespace"] = json!("kube-system");
    let r = req(&s, "POST", CMS).json(&other_ns).send();
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "the namespace of the provided object does not match the namespace sent on the request"
    );

    let r = req(&s, "PUT", &format!("{CMS}/zzz")).json(&cm("a")).send();
    assert_eq!(r.status, 400);
    assert_eq!(
        r.json()["message"],
        "the name of the object (a) does not match the name on the URL (zzz)"
    );

    let r = req(&s, "POST", CMS)
        .json(&json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {}}))
        .send();
    assert_eq!(r.status, 422);
    let st = r.json();
    assert_eq!(st["reason"], "Invalid");
    assert_eq!(st["details"]["causes"][0]["field"], "metadata.name");
    assert_eq!(st["details"]["causes"][0]["reason"], "FieldValueRequired");

    let r = req(&s, "POST", CMS)
        .json(
            &json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"generateName": "gen-"}}),
        )
        .send();
    assert_eq!(r.status, 201);
    let name = r.json()["metadata"]["name"].as_str().unwrap().to_string();
    assert!(name.starts_with("gen-") && name.len() == 9, "{name}");
    assert!(name[4..]
        .chars()
        .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));

    let r = req(&s, "POST", CMS)
        .body("application/json", b"{not json")
        .send();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["reason"], "BadRequest");

    let yaml = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fromyaml\ndata:\n  a: b\n";
    let r = req(&s, "POST", CMS).body("application/yaml", yaml).send();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["data"]["a"], "b");
}

#[test]
fn routing_errors() {
    let s = sim();
    let r = req(&s, "GET", "/api/v1/namespaces/default/widgets").send();
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json()["message"],
        "the server could not find the requested resource"
    );
    let r = req(&s, "GET", "/openapi/v3/apis/batch/v1").send();
    assert_eq!(r.status, 404);
    let r = req(&s, "PUT", CMS).json(&cm("a")).send();
    assert_eq!(r.status, 405);
    assert_eq!(r.json()["reason"], "MethodNotAllowed");
    assert_eq!(req(&s, "POST", CMS).json(&cm("p")).send().status, 201);
    let r = req(&s, "PATCH", &format!("{CMS}/p"))
        .body("application/xml", b"<x/>")
        .send();
    assert_eq!(r.status, 415);
    assert_eq!(r.json()["message"], "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json");
}

#[test]
fn bearer_token_is_required() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        require_token: Some(true),
        ..Default::default()
    })
    .unwrap();
    let r = req(&s, "GET", CMS).no_auth().send();
    assert_eq!(r.status, 401);
    assert_eq!(r.json()["reason"], "Unauthorized");
    let r = req(&s, "GET", CMS)
        .no_auth()
        .header("authorization", "Bearer wrong")
        .send();
    assert_eq!(r.status, 401);
    assert_eq!(req(&s, "GET", CMS).send().status, 200);
    // Over plain HTTP a missing token is accepted by default (kubectl sends none), a wrong one not.
    let s = sim();
    assert_eq!(req(&s, "GET", CMS).no_auth().send().status, 200);
    let r = req(&s, "GET", CMS)
        .no_auth()
        .header("authorization", "Bearer wrong")
        .send();
    assert_eq!(r.status, 401);
}

#[test]
fn dry_run_persists_nothing() {
    let s = sim();
    let before = req(&s, "GET", CMS).send().json();
    let r = req(&s, "POST", &format!("{CMS}?dryRun=All"))
        .json(&cm("d"))
        .send();
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(r.json()["metadata"]["name"], "d");
    assert_eq!(req(&s, "GET", &format!("{CMS}/d")).send().status, 404);
    let after = req(&s, "GET", CMS).send().json();
    assert_eq!(
        before["metadata"]["resourceVersion"],
        after["metadata"]["resourceVersion"]
    );
    // Conflicts are still checked on a dry run.
    req(&s, "POST", CMS).json(&cm("d")).send();
    let r = req(&s, "POST", &format!("{CMS}?dryRun=All"))
        .json(&cm("d"))
        .send();
    assert_eq!(r.status, 409);
    let r = req(&s, "DELETE", &format!("{CMS}/d?dryRun=All")).send();
    assert_eq!(r.status, 200);
    assert_eq!(req(&s, "GET", &format!("{CMS}/d")).send().status, 200);
    let r = req(&s, "DELETE", &format!("{CMS}/missing?dryRun=All")).send();
    assert_eq!(r.status, 404);
}

#[test]
fn list_paging_and_expired_continue() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        cluster: ClusterOptions {
            watch_history: 20,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    for i in 0..5 {
        assert_eq!(
            req(&s, "POST", CMS)
                .json(&cm(&format!("c{i}")))
                .send()
                .status,
            201
        );
    }
    let page1 = req(&s, "GET", &format!("{CMS}?limit=2")).send().json();
    assert_eq!(page1["kind"], "ConfigMapList");
    assert_eq!(page1["apiVersion"], "v1");
    assert_eq!(page1["items"].as_array().unwrap().len(), 2);
    assert!(
        page1["items"][0].get("kind").is_none(),
        "items carry no kind"
    );
    // Five created and the namespace's kube-root-ca.crt (every namespace has one).
    assert_eq!(page1["metadata"]["remainingItemCount"], 4);
    let mut names: Vec<String> = Vec::new();
    let mut page = page1;
    loop {
        for it in page["items"].as_array().unwrap() {
            names.push(it["metadata"]["name"].as_str().unwrap().into());
        }
        let Some(c) = page["metadata"]["continue"].as_str().map(str::to_string) else {
            break;
        };
        page = req(&s, "GET", &format!("{CMS}?limit=2&continue={c}"))
            .send()
            .json();
    }
    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4", "kube-root-ca.crt"]);

    let tok = req(&s, "GET", &format!("{CMS}?limit=1")).send().json()["metadata"]["continue"]
        .as_str()
        .unwrap()
        .to_string();
    let r = req(
        &s,
        "GET",
        &format!("{CMS}?limit=1&continue={tok}&resourceVersion=3"),
    )
    .send();
    assert_eq!(r.status, 400);
    for i in 0..30 {
        req(&s, "POST", CMS).json(&cm(&format!("x{i}"))).send();
    }
    let r = req(&s, "GET", &format!("{CMS}?limit=1&continue={tok}")).send();
    assert_eq!(r.status, 410);
    assert_eq!(r.json()["reason"], "Expired");
    assert_eq!(r.json()["message"], "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.");
}

#[test]
fn watch_initial_events_then_changes() {
    let s = sim();
    req(&s, "POST", CMS).json(&cm("w0")).send();
    let base = s.base_url().to_string();
    let token = s.token().to_string();
    let cluster = s.cluster();
    let (status, events) = req(&s, "GET", &format!("{CMS}?watch=true&timeoutSeconds=5")).watch(
        4,
        Duration::from_secs(5),
        move || {
            let _ = (base, token);
            let opts = kube_sim::api::WriteOptions::default();
            std::thread::sleep(Duration::from_millis(100));
            cluster
                .create(
                    &kube_sim::resources::CONFIGMAPS,
                    Some("default"),
                    cm("w1"),
                    &opts,
                )
                .unwrap();
            cluster
                .delete(
                    &kube_sim::resources::CONFIGMAPS,
                    Some("default"),
                    "w0",
                    &Default::default(),
                )
                .unwrap();
        },
    );
    assert_eq!(status, 200);
    let kinds: Vec<(&str, &str)> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["object"]["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    // The initial events in key order: the namespace's kube-root-ca.crt, then w0.
    assert_eq!(
        kinds,
        [
            ("ADDED", "kube-root-ca.crt"),
            ("ADDED", "w0"),
            ("ADDED", "w1"),
            ("DELETED", "w0")
        ]
    );
}

#[test]
fn watch_resumes_from_resource_version_and_expires() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        cluster: ClusterOptions {
            watch_history: 5,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let a = req(&s, "POST", CMS).json(&cm("r0")).send().json();
    let from = rv(&a);
    req(&s, "POST", CMS).json(&cm("r1")).send();
    req(&s, "DELETE", &format!("{CMS}/r0")).send();
    let (_, events) = req(&s, "GET", &format!("{CMS}?watch=1&resourceVersion={from}")).watch(
        2,
        Duration::from_secs(3),
        || {},
    );
    let seen: Vec<_> = events
        .iter()
        .map(|e| (e["type"].clone(), e["object"]["metadata"]["name"].clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (json!("ADDED"), json!("r1")),
            (json!("DELETED"), json!("r0"))
        ]
    );
    for i in 0..10 {
        req(&s, "POST", CMS).json(&cm(&format!("z{i}"))).send();
    }
    let (status, events) = req(&s, "GET", &format!("{CMS}?watch=1&resourceVersion={from}")).watch(
        5,
        Duration::from_secs(3),
        || {},
    );
    assert_eq!(status, 200);
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "ERROR");
    let st = &events[0]["object"];
    assert_eq!(st["code"], 410);
    assert_eq!(st["reason"], "Expired");
    assert!(
        st["message"]
            .as_str()
            .unwrap()
            .starts_with(&format!("too old resource version: {from} (")),
        "{st}"
    );
}

#[test]
fn faults_and_request_log() {
    let s = sim();
    s.add_fault(FaultRule::new(
        Some("GET"),
        "/configmaps",
        FaultAction::InternalError,
        1,
    ));
    assert_eq!(req(&s, "GET", CMS).send().status, 500);
    assert_eq!(req(&s, "GET", CMS).send().status, 200);

    s.add_fault(FaultRule::new(
        None,
        "/configmaps",
        FaultAction::TooManyRequests { retry_after: 2 },
        1,
    ));
    let r = req(&s, "GET", CMS).send();
    assert_eq!(r.status, 429);
    assert_eq!(r.header("retry-after").as_deref(), Some("2"));

    s.add_fault(FaultRule::new(
        None,
        "/configmaps",
        FaultAction::ResetConnection,
        1,
    ));
    assert!(req(&s, "GET", CMS).try_send().is_err());

    // Faults can be installed over HTTP too.
    let rule = json!({"method": "GET", "path_contains": "configmaps", "action": {"type": "serviceUnavailable"}, "count": 1});
    assert_eq!(
        req(&s, "POST", "/_sim/faults").json(&rule).send().status,
        201
    );
    assert_eq!(req(&s, "GET", CMS).send().status, 503);

    s.clear_requests();
    req(&s, "GET", &format!("{CMS}?limit=500"))
        .header("user-agent", "kubectl/v1.32.4 (linux/amd64)")
        .send();
    let log = s.requests();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(log[0].path, CMS);
    assert_eq!(log[0].param("limit").as_deref(), Some("500"));
    assert_eq!(log[0].status, 200);
    assert!(log[0]
        .user_agent
        .as_deref()
        .unwrap()
        .starts_with("kubectl/"));
    let over_http = req(&s, "GET", "/_sim/requests").send().json();
    assert_eq!(over_http.as_array().unwrap().len(), 1);
    req(&s, "DELETE", "/_sim/requests").send();
    assert!(s.requests().is_empty());
}

#[test]
fn watch_can_be_cut_after_n_events() {
    let s = sim();
    for i in 0..3 {
        req(&s, "POST", CMS).json(&cm(&format!("k{i}"))).send();
    }
    s.add_fault(FaultRule::new(
        Some("GET"),
        "watch=true",
        FaultAction::CutWatchAfter { events: 2 },
        1,
    ));
    let (_, events) =
        req(&s, "GET", &format!("{CMS}?watch=true")).watch(10, Duration::from_secs(3), || {});
    assert_eq!(events.len(), 2);
}

#[test]
fn oversized_bodies_are_rejected() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        cluster: ClusterOptions {
            max_body_bytes: 1024,
            ..Default::default()
        },
        ..Default::default()
    })
    .unwrap();
    let mut big = cm("big");
    big["data"]["k"] = json!("x".repeat(4096));
    let r = req(&s, "POST", CMS).json(&big).send();
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["reason"], "RequestEntityTooLarge");
}

#[test]
fn clock_control_over_http() {
    let s = sim();
    let before = s.clock().now();
    let r = req(&s, "POST", "/_sim/clock")
        .json(&json!({"advance_seconds": 3600}))
        .send();
    assert_eq!(r.status, 200);
    assert!((s.clock().now() - before).num_seconds() >= 3600);
}

#[test]
fn tls_serving_writes_a_ca_into_the_kubeconfig() {
    let s = KubeSim::start(SimOptions {
        controllers: false,
        nodes: 0,
        tls: true,
        ..Default::default()
    })
    .unwrap();
    assert!(s.base_url().starts_with("https://127.0.0.1:"));
    let kc = std::fs::read_to_string(s.kubeconfig_path()).unwrap();
    assert!(kc.contains("certificate-authority-data"));
    assert!(kc.contains(s.token()));
}

#[test]
fn deletecollection_honours_selectors() {
    let s = sim();
    for (n, tier) in [("a", "web"), ("b", "web"), ("c", "db")] {
        let mut o = cm(n);
        o["metadata"]["labels"] = json!({"tier": tier});
        assert_eq!(req(&s, "POST", CMS).json(&o).send().status, 201);
    }
    let r = req(&s, "DELETE", &format!("{CMS}?labelSelector=tier%3Dweb")).send();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["kind"], "ConfigMapList");
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    let left = req(&s, "GET", CMS).send().json();
    let names: Vec<&str> = left["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["c", "kube-root-ca.crt"]);
}

#[test]
fn injected_latency_delays_responses() {
    let s = sim();
    s.set_latency(Duration::from_millis(150));
    let t = std::time::Instant::now();
    assert_eq!(req(&s, "GET", CMS).send().status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
    assert!(s.requests().last().unwrap().latency_ms >= 150.0);
}

/// store.go finalizeDelete: an immediate deletion answers with the object only where the
/// registry sets ReturnDeletedObject (pods, services, PVCs, …); elsewhere (configmaps,
/// statefulsets, …) with a Success Status naming the resource; dry runs alike.
#[test]
fn delete_answers_like_the_resources_store() {
    let s = sim();
    let uid = req(&s, "POST", CMS).json(&cm("gone")).send().json()["metadata"]["uid"].clone();
    let r = req(&s, "DELETE", &format!("{CMS}/gone")).send();
    assert_eq!(r.status, 200);
    // As Go's encoder writes metav1.Status: struct order, the empty (omitempty) group of a
    // core resource and the zero code left out, a final newline.
    assert_eq!(
        r.text(),
        format!("{{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{{}},\"status\":\"Success\",\"details\":{{\"name\":\"gone\",\"kind\":\"configmaps\",\"uid\":{uid}}}}}\n")
    );
    req(&s, "POST", CMS).json(&cm("dry")).send();
    let r = req(&s, "DELETE", &format!("{CMS}/dry?dryRun=All")).send();
    assert_eq!((r.status, r.json()["kind"].clone()), (200, json!("Status")));

    let sts = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web"},
        "spec": {"serviceName": "web", "replicas": 0, "selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}});
    let path = "/apis/apps/v1/namespaces/default/statefulsets";
    assert_eq!(req(&s, "POST", path).json(&sts).send().status, 201);
    let r = req(&s, "DELETE", &format!("{path}/web"))
        .json(&json!({"propagationPolicy": "Background"}))
        .send();
    assert_eq!(r.status, 200);
    let st = r.json();
    assert_eq!(st["kind"], "Status");
    assert_eq!(
        st["details"],
        json!({"name": "web", "group": "apps", "kind": "statefulsets", "uid": st["details"]["uid"]})
    );
    assert!(st["details"]["uid"].is_string());

    let svc = json!({"metadata": {"name": "web"}, "spec": {"clusterIP": "None", "ports": [{"port": 80}]}});
    let spath = "/api/v1/namespaces/default/services";
    assert_eq!(req(&s, "POST", spath).json(&svc).send().status, 201);
    let r = req(&s, "DELETE", &format!("{spath}/web")).send();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["kind"], "Service");
}

/// `pause` stops serving as an API server that goes down (listener closed, open watches cut)
/// and `resume` serves the same state again on the same address; a watch from a
/// resourceVersion seen before the outage gets what changed during it.
#[test]
fn pause_cuts_connections_and_resume_serves_the_same_state() {
    use std::io::{BufRead, BufReader, Write};
    let s = sim();
    let before = req(&s, "POST", CMS).json(&cm("before")).send().json();
    let addr = s.base_url().trim_start_matches("http://").to_string();
    // An open watch, read on a thread: the pause must end it.
    let mut conn = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        conn,
        "GET {CMS}?watch=1&resourceVersion={} HTTP/1.1\r\nHost: {addr}\r\n\r\n",
        rv(&before)
    )
    .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut r = BufReader::new(conn);
        let mut line = String::new();
        loop {
            line.clear();
            match r.read_line(&mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    let _ = tx.send(line.clone());
                }
            }
        }
        let _ = tx.send("<closed>".to_string());
    });
    assert!(rx
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .starts_with("HTTP/1.1 200"));

    s.pause();
    let closed = std::iter::from_fn(|| rx.recv_timeout(Duration::from_secs(5)).ok())
        .any(|l| l == "<closed>");
    assert!(closed, "the open watch was not cut");
    let refused = req(&s, "GET", CMS).try_send();
    assert!(refused.is_err(), "served while paused");
    // The cluster lives on while nobody can reach it.
    s.apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: during\ndata:\n  k: v\n")
        .unwrap();

    s.resume().unwrap();
    let list = req(&s, "GET", CMS).send().json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["metadata"]["name"].as_str())
        .collect();
    assert!(
        names.contains(&"before") && names.contains(&"during"),
        "{names:?}"
    );
    let (_, events) = req(
        &s,
        "GET",
        &format!("{CMS}?watch=1&resourceVersion={}", rv(&before)),
    )
    .watch(1, Duration::from_secs(3), || {});
    assert_eq!(events[0]["type"], "ADDED");
    assert_eq!(events[0]["object"]["metadata"]["name"], "during");
    // Pausing and resuming again works the same.
    s.pause();
    assert!(req(&s, "GET", CMS).try_send().is_err());
    s.resume().unwrap();
    assert_eq!(req(&s, "GET", CMS).send().status, 200);
}
