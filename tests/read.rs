//! End-to-end: `list`, `get`, `pods` against kube-sim: tables (insta snapshots, ages filtered),
//! object output, errors, and request economy from the simulator's log.

mod common;

use common::{filter_table, TestEnv};
use serde_json::Value;

fn env_with_web() -> TestEnv {
    let env = TestEnv::new();
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--replicas",
        "2",
        "--port",
        "80",
    ]);
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "0",
        "-n",
        "default",
    ]);
    env.wait_ready("default", "web", 2);
    env
}

#[test]
fn list_table_and_request_economy() {
    let env = env_with_web();
    env.sim.clear_requests();
    let out = env.ok(["list"]);
    assert_eq!(env.sim.requests().len(), 1, "{:#?}", env.sim.requests());
    insta::assert_snapshot!("list", env.filter_hashes("default", &filter_table(&out)));
    let wide = env.ok(["ls", "-o", "wide", "-A"]);
    insta::assert_snapshot!(
        "list_wide_all_namespaces",
        env.filter_hashes("default", &filter_table(&wide))
    );
}

#[test]
fn list_selector_name_and_json() {
    let env = env_with_web();
    assert_eq!(
        env.ok(["list", "-l", "app=web", "-o", "name"]),
        "statefulset.apps/web\n"
    );
    let v: Value = serde_json::from_str(&env.ok(["list", "-o", "json"])).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"].as_array().unwrap().len(), 2);
    assert!(v["items"][0]["metadata"].get("managedFields").is_none());
    let o = env.run(["list", "-n", "empty-ns"]);
    assert_eq!(o.code, 0);
    assert_eq!(o.stdout, "");
    assert!(
        o.stderr
            .contains("No StatefulSets found in namespace empty-ns."),
        "{}",
        o.stderr
    );
}

#[test]
fn get_detail_page_makes_three_requests() {
    let env = env_with_web();
    env.sim.clear_requests();
    let out = env.ok(["get", "web"]);
    let reqs = env.sim.requests();
    // GET the set, LIST its pods and LIST its revisions (for the pods' revision numbers), all
    // three at once: its selector is the usual app=web.
    assert_eq!(reqs.len(), 3, "{reqs:#?}");
    let by_path = |suffix: &str| {
        reqs.iter()
            .filter(|r| r.path.ends_with(suffix))
            .collect::<Vec<_>>()
    };
    let (pods, revisions) = (by_path("/pods"), by_path("/controllerrevisions"));
    assert_eq!(by_path("/statefulsets/web").len(), 1, "{reqs:#?}");
    assert_eq!((pods.len(), revisions.len()), (1, 1), "{reqs:#?}");
    assert_eq!(pods[0].param("labelSelector").as_deref(), Some("app=web"));
    assert_eq!(
        revisions[0].param("labelSelector").as_deref(),
        Some("app=web")
    );
    assert!(out.contains("Status:"), "{out}");
    assert!(out.contains("2 desired | 2 ready"), "{out}");
    assert!(out.contains("web-0") && out.contains("web-1"), "{out}");
    // Revision hashes and IPs vary with the template; keep the structure in the snapshot.
    let filtered: String = filter_table(&out)
        .lines()
        .map(|l| {
            l.split(' ')
                .map(|w| if w.starts_with("10.") { "<ip>" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    insta::assert_snapshot!("get_web", env.filter_hashes("default", &filtered));
}

/// A selector other than app=NAME: the lists sent with the GET match nothing of it and are
/// sent again by the real selector; the page is the same as ever.
#[test]
fn get_with_another_selector_lists_again_by_it() {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: pg, namespace: default}
spec:
  replicas: 2
  serviceName: pg
  selector: {matchLabels: {tier: db, role: primary}}
  template:
    metadata: {labels: {tier: db, role: primary}}
    spec: {containers: [{name: pg, image: "postgres:16"}]}
"#,
        )
        .unwrap();
    env.wait_ready("default", "pg", 2);
    env.sim.clear_requests();
    let out = env.ok(["get", "pg"]);
    assert!(out.contains("pg-0") && out.contains("pg-1"), "{out}");
    let reqs = env.sim.requests();
    assert_eq!(reqs.len(), 5, "{reqs:#?}");
    let selectors = |suffix: &str| {
        let mut v: Vec<String> = reqs
            .iter()
            .filter(|r| r.path.ends_with(suffix))
            .map(|r| r.param("labelSelector").unwrap_or_default())
            .collect();
        v.sort();
        v
    };
    assert_eq!(selectors("/pods"), ["app=pg", "role=primary,tier=db"]);
    assert_eq!(
        selectors("/controllerrevisions"),
        ["app=pg", "role=primary,tier=db"]
    );
    // The pods' revision numbers came from the second list.
    let row = out.lines().find(|l| l.contains("pg-0")).unwrap();
    assert!(row.contains("1 ("), "{out}");
}

#[test]
fn get_object_output_strips_managed_fields() {
    let env = env_with_web();
    let v: Value = serde_json::from_str(&env.ok(["get", "web", "-o", "json"])).unwrap();
    assert_eq!(v["kind"], "StatefulSet");
    assert_eq!(v["apiVersion"], "apps/v1");
    assert!(v["metadata"].get("managedFields").is_none());
    let with: Value =
        serde_json::from_str(&env.ok(["status", "web", "-o", "json", "--show-managed-fields"]))
            .unwrap();
    assert_eq!(
        with["metadata"]["managedFields"][0]["manager"],
        "kubectl-statefulset"
    );
    let yaml = env.ok(["get", "web", "-o", "yaml"]);
    let back: Value = serde_saphyr::from_str(&yaml).unwrap();
    assert_eq!(back["metadata"]["name"], "web");
}

#[test]
fn get_missing_and_without_name() {
    let env = TestEnv::new();
    let o = env.run(["get", "nope", "-n", "prod"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.lines().next().unwrap(),
        "error: statefulset \"nope\" not found in namespace \"prod\""
    );
    let o = env.run(["get"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("a StatefulSet NAME is required"),
        "{}",
        o.stderr
    );
}

#[test]
fn pods_table_and_names() {
    let env = env_with_web();
    assert_eq!(
        env.ok(["pods", "web", "-o", "name"]),
        "pod/web-0\npod/web-1\n"
    );
    let out = env.ok(["pods", "web"]);
    let header = out.lines().next().unwrap();
    assert_eq!(
        header.split_whitespace().collect::<Vec<_>>(),
        ["ORDINAL", "POD", "STATUS", "READY", "RESTARTS", "NODE", "IP", "AGE", "REVISION"]
    );
    assert!(out.lines().nth(1).unwrap().starts_with("0 "), "{out}");
    assert!(out.contains("Running"), "{out}");
}

#[test]
fn verbose_logs_each_request_without_token() {
    let env = env_with_web();
    let o = env.run(["list", "-v"]);
    assert_eq!(o.code, 0);
    let line = o
        .stderr
        .lines()
        .find(|l| l.starts_with("GET /apis/apps/v1/namespaces/default/statefulsets"))
        .unwrap_or_else(|| panic!("{}", o.stderr));
    assert!(line.contains(" 200 ") && line.ends_with("ms"), "{line}");
    assert!(!o.stderr.contains(env.sim.token()));
}

#[test]
fn broken_pipe_is_success() {
    let env = env_with_web();
    // Many names through a pipe closed after the first read.
    let mut child = env
        .std_cmd(["list", "-o", "name"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn create_in_missing_namespace_says_so() {
    let env = TestEnv::new();
    let o = env.run(["create", "web", "--image", "nginx", "-n", "nope"]);
    assert_eq!(o.code, 1);
    assert_eq!(
        o.stderr.lines().next().unwrap(),
        "error: namespace \"nope\" not found",
        "{}",
        o.stderr
    );
    assert!(env
        .writes()
        .iter()
        .all(|r| r.param("dryRun").as_deref() == Some("All")));
}

#[test]
fn request_timeout_bounds_each_request() {
    let env = TestEnv::new();
    env.sim.set_latency(std::time::Duration::from_millis(1500));
    let o = env.run(["list", "--request-timeout", "300ms"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .starts_with("error: the request timed out; raise --request-timeout"),
        "{}",
        o.stderr
    );
    env.sim.set_latency(std::time::Duration::ZERO);
    assert_eq!(env.run(["list", "--request-timeout", "10s"]).code, 0);
}

#[test]
fn parity_with_kubectl_get() {
    let env = env_with_web();
    let Some(mut k) = env.sim.kubectl(["get", "statefulset", "web", "-o", "json"]) else {
        return;
    };
    let out = k.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ours: Value = serde_json::from_str(&env.ok(["get", "web", "-o", "json"])).unwrap();
    assert_eq!(ours["spec"], theirs["spec"]);
    assert_eq!(ours["metadata"]["uid"], theirs["metadata"]["uid"]);
    assert_eq!(
        ours["status"]["readyReplicas"],
        theirs["status"]["readyReplicas"]
    );
    // READY column: kubectl's server-side table and ours agree.
    let mut k = env
        .sim
        .kubectl(["get", "statefulset", "web", "--no-headers"])
        .unwrap();
    let table = String::from_utf8(k.output().unwrap().stdout).unwrap();
    let their_ready = table.split_whitespace().nth(1).unwrap().to_string();
    let ours_table = env.ok(["list"]);
    let our_ready = ours_table
        .lines()
        .find(|l| l.starts_with("web "))
        .unwrap()
        .split_whitespace()
        .nth(2)
        .unwrap()
        .to_string();
    assert_eq!(our_ready, their_ready);
}

/// A plain-HTTP server gets a client without TLS set up (no CA roots read), with the same
/// layers: the kubeconfig's bearer token is sent (the simulator demands it here).
#[test]
fn plain_http_cluster_with_a_token() {
    let sim = kube_sim::KubeSim::start(kube_sim::SimOptions {
        tls: false,
        require_token: Some(true),
        ..Default::default()
    })
    .expect("start kube-sim");
    assert!(sim.base_url().starts_with("http://"));
    let env = TestEnv::with_sim(sim);
    env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "1"]);
    env.sim.clear_requests();
    let out = env.ok(["list"]);
    assert!(out.contains("web"), "{out}");
    assert_eq!(env.sim.requests().len(), 1);
    assert!(env.sim.requests().iter().all(|r| r.status == 200));
}
