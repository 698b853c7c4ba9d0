//! End-to-end `env`, `edit`, `edit-service` and `resize-volume` against kube-sim (and the real
//! kubectl for the `env` twin test, skipped with a printed reason when absent).

mod common;

use std::time::Duration;

use common::TestEnv;
use kube_sim::resources::{PODS, PVCS};
use kube_sim::FaultAction;
use serde_json::Value;

const SECRET: &str = "hunter2-TopSecret";

fn env_with_secret() -> TestEnv {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db-creds\n  namespace: default\ndata:\n  password: aHVudGVyMi1Ub3BTZWNyZXQ=\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n  namespace: default\ndata:\n  mode: fast\n",
        )
        .unwrap();
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--replicas",
        "1",
        "--port",
        "80",
        "--env",
        "A=1",
    ]);
    env
}

fn container_env(env: &TestEnv) -> Vec<Value> {
    env.sts("default", "web").unwrap()["spec"]["template"]["spec"]["containers"][0]["env"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn env_set_unset_and_references() {
    let env = env_with_secret();
    let out = env.ok([
        "env",
        "web",
        "set",
        "LOG=debug",
        "--from-secret",
        "PW=db-creds:password",
        "--from-configmap",
        "cfg:mode",
    ]);
    assert!(out.contains("+- name: LOG"), "{out}");
    let names: Vec<String> = container_env(&env)
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["A", "LOG", "PW", "MODE"]);
    let patch = env
        .writes()
        .into_iter()
        .rfind(|w| w.method == "PATCH")
        .unwrap();
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );

    let out = env.ok(["env", "web"]);
    assert!(out.contains("secret/db-creds:password"), "{out}");
    assert!(out.contains("configmap/cfg:mode"), "{out}");
    let revealed = env.ok(["env", "web", "--reveal"]);
    assert!(revealed.contains(SECRET), "{revealed}");
    assert!(revealed.contains("fast"), "{revealed}");

    // Changing a reference into a literal drops valueFrom.
    env.ok(["env", "web", "set", "PW=plain"]);
    let pw = container_env(&env)
        .into_iter()
        .find(|e| e["name"] == "PW")
        .unwrap();
    assert_eq!(pw, serde_json::json!({"name": "PW", "value": "plain"}));

    // --wait follows the rolling update: the pod runs with the new variables afterwards.
    env.ok([
        "env",
        "web",
        "unset",
        "LOG",
        "PW",
        "--wait",
        "--timeout",
        "60s",
    ]);
    let sts = env.sts("default", "web").unwrap();
    assert_eq!(sts["status"]["updatedReplicas"], 1, "{sts}");
    assert_eq!(
        sts["status"]["currentRevision"],
        sts["status"]["updateRevision"]
    );
    let pod = env
        .sim
        .cluster()
        .get(&PODS, Some("default"), "web-0")
        .unwrap();
    let pod_env: Vec<&str> = pod["spec"]["containers"][0]["env"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(pod_env, ["A", "MODE"]);
    let names: Vec<String> = container_env(&env)
        .iter()
        .map(|e| e["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["A", "MODE"]);
}

#[test]
fn secret_values_appear_only_with_reveal() {
    let env = env_with_secret();
    let mut captured = String::new();
    for args in [
        vec![
            "env",
            "web",
            "set",
            "--from-secret",
            "db-creds:password",
            "-v",
            "-v",
        ],
        vec!["env", "web", "-v", "-v"],
        vec!["env", "web", "-o", "yaml", "-vv"],
        vec!["get", "web", "-o", "yaml"],
        vec!["edit-yaml", "web", "--export", "-", "-vv"],
    ] {
        let o = env.run(&args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
        captured.push_str(&o.stdout);
        captured.push_str(&o.stderr);
    }
    assert!(captured.contains("secret/db-creds:password"), "{captured}");
    assert!(
        !captured.contains(SECRET),
        "secret value leaked:\n{captured}"
    );
    let o = env.run(["env", "web", "--reveal", "-vv"]);
    assert!(o.stdout.contains(SECRET));
    assert!(!o.stderr.contains(SECRET), "{}", o.stderr);
}

#[test]
fn env_bad_input() {
    let env = env_with_secret();
    for (args, expect) in [
        (vec!["env", "web", "set", "1BAD=x"], "invalid variable name"),
        (vec!["env", "web", "set", "NOEQUALS"], "expected NAME=VALUE"),
        (
            vec!["env", "web", "set", "--from-secret", "nokey"],
            "NAME:KEY",
        ),
        (vec!["env", "web", "unset", "NOPE"], "no variable \"NOPE\""),
        (
            vec!["env", "web", "set", "X=1", "-c", "nope"],
            "no container \"nope\"",
        ),
        (vec!["env", "nope"], "not found"),
    ] {
        let o = env.run(&args);
        assert_eq!(o.code, 1, "{args:?}: {}", o.stdout);
        assert!(o.stderr.contains(expect), "{args:?}: {}", o.stderr);
    }
    assert!(env.writes().iter().all(|w| w.method != "PATCH"));
}

#[test]
fn env_twin_with_kubectl() {
    let env = env_with_secret();
    env.ok([
        "env",
        "web",
        "set",
        "LOG=debug",
        "--from-secret",
        "PW=db-creds:password",
    ]);
    let Some(mut list) = env.sim.kubectl(["set", "env", "statefulset/web", "--list"]) else {
        return;
    };
    let out = list.output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("A=1\n"), "{text}");
    assert!(text.contains("LOG=debug\n"), "{text}");
    assert!(
        text.contains("# PW from secret db-creds, key password"),
        "{text}"
    );
    let out = env
        .sim
        .kubectl(["set", "env", "statefulset/web", "FROM_KUBECTL=yes"])
        .unwrap()
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours = env.ok(["env", "web"]);
    assert!(
        ours.lines()
            .any(|l| l.contains("FROM_KUBECTL") && l.contains("yes")),
        "{ours}"
    );
    // And an unset through the plugin is seen by kubectl.
    env.ok(["env", "web", "unset", "FROM_KUBECTL"]);
    let out = env
        .sim
        .kubectl(["set", "env", "statefulset/web", "--list"])
        .unwrap()
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("FROM_KUBECTL"));
}

#[test]
fn edit_labels_annotations_alias_in_one_patch() {
    let env = env_with_secret();
    env.sim.clear_requests();
    let out = env.ok([
        "edit",
        "web",
        "--alias",
        "Web front",
        "--description",
        "public site",
        "--label",
        "tier=front",
        "--annotation",
        "example.com/x=1",
    ]);
    assert!(out.contains("statefulset.apps/web edited"), "{out}");
    let patches: Vec<_> = env
        .writes()
        .into_iter()
        .filter(|w| w.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1, "{patches:?}");
    let sts = env.sts("default", "web").unwrap();
    let ann = &sts["metadata"]["annotations"];
    assert_eq!(ann["kubesphere.io/alias-name"], "Web front");
    assert_eq!(ann["kubesphere.io/description"], "public site");
    assert_eq!(ann["example.com/x"], "1");
    assert_eq!(sts["metadata"]["labels"]["tier"], "front");

    env.ok(["edit", "web", "--label", "tier-", "--alias", ""]);
    let sts = env.sts("default", "web").unwrap();
    assert!(sts["metadata"]["labels"].get("tier").is_none());
    assert!(sts["metadata"]["annotations"]
        .get("kubesphere.io/alias-name")
        .is_none());

    env.ok(["edit", "web", "--pod-template", "--label", "v=2"]);
    let sts = env.sts("default", "web").unwrap();
    assert_eq!(sts["spec"]["template"]["metadata"]["labels"]["v"], "2");
    // The selector's label is protected on the template.
    let o = env.run(["edit", "web", "--pod-template", "--label", "app-"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("selector"), "{}", o.stderr);
}

#[test]
fn edit_service_ports() {
    let env = env_with_secret();
    let svc_name = env.sts("default", "web").unwrap()["spec"]["serviceName"]
        .as_str()
        .unwrap()
        .to_string();
    let out = env.ok(["edit-service", "web"]);
    assert!(out.contains("80"), "{out}");
    env.ok(["edit-service", "web", "--port", "metrics:9090:9091/TCP"]);
    let ports = env.svc("default", &svc_name).unwrap()["spec"]["ports"].clone();
    assert_eq!(ports.as_array().unwrap().len(), 2, "{ports}");
    assert_eq!(ports[1]["targetPort"], 9091);
    let listed = env.ok(["edit-service", "web"]);
    assert!(
        listed.contains("metrics") && listed.contains("9091"),
        "{listed}"
    );
    env.ok(["edit-service", "web", "--remove", "metrics"]);
    let ports = env.svc("default", &svc_name).unwrap()["spec"]["ports"].clone();
    assert_eq!(ports.as_array().unwrap().len(), 1, "{ports}");
    let o = env.run(["edit-service", "web", "--remove", "nope"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no port named"), "{}", o.stderr);
}

#[test]
fn edit_service_sync_container_ports() {
    let env = env_with_secret();
    let svc_name = env.sts("default", "web").unwrap()["spec"]["serviceName"]
        .as_str()
        .unwrap()
        .to_string();
    let cports = |env: &TestEnv| -> Vec<Value> {
        env.sts("default", "web").unwrap()["spec"]["template"]["spec"]["containers"][0]["ports"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    };
    let svc_ports = |env: &TestEnv| -> Vec<Value> {
        env.svc("default", &svc_name).unwrap()["spec"]["ports"]
            .as_array()
            .cloned()
            .unwrap()
    };
    let template_before = cports(&env);
    assert!(template_before.iter().all(|p| p["containerPort"] != 9091));

    // --dry-run shows both diffs and saves nothing.
    let out = env.ok([
        "edit-service",
        "web",
        "--port",
        "metrics:9090:9091",
        "--sync-container-ports",
        "--dry-run",
    ]);
    assert!(out.contains("statefulset/web container"), "{out}");
    assert_eq!(cports(&env), template_before);
    assert_eq!(svc_ports(&env).len(), 1);

    let o = env.run([
        "edit-service",
        "web",
        "--port",
        "metrics:9090:9091",
        "--sync-container-ports",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("Warning"), "{}", o.stderr);
    assert!(svc_ports(&env).iter().any(|p| p["targetPort"] == 9091));
    let added: Vec<Value> = cports(&env)
        .into_iter()
        .filter(|p| p["containerPort"] == 9091)
        .collect();
    assert_eq!(added.len(), 1, "{added:?}");
    assert_eq!(added[0]["name"], "metrics");
    assert_eq!(added[0]["protocol"], "TCP");
    assert_eq!(cports(&env).len(), template_before.len() + 1);

    env.ok([
        "edit-service",
        "web",
        "--remove",
        "metrics",
        "--sync-container-ports",
    ]);
    assert!(svc_ports(&env).iter().all(|p| p["name"] != "metrics"));
    assert_eq!(cports(&env), template_before);

    // Without the flag: a warning naming the flag, the template untouched.
    let o = env.run(["edit-service", "web", "--port", "metrics:9090:9091"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains("metrics") && o.stderr.contains("--sync-container-ports"),
        "{}",
        o.stderr
    );
    assert!(svc_ports(&env).iter().any(|p| p["name"] == "metrics"));
    assert_eq!(cports(&env), template_before);

    let o = env.run([
        "edit-service",
        "web",
        "--remove",
        "metrics",
        "--sync-container-ports",
        "-c",
        "nope",
    ]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no container"), "{}", o.stderr);
}

fn env_with_volumes() -> TestEnv {
    let env = TestEnv::new();
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "2",
        "--volume",
        "data:1Gi:/var/lib/postgresql/data",
    ]);
    env.wait_ready("default", "db", 2);
    env
}

fn pod_uids(env: &TestEnv) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = env
        .sim
        .cluster()
        .list_items(&PODS, Some("default"), None)
        .iter()
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["metadata"]["uid"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn assert_resized(env: &TestEnv, before: &[(String, String)]) {
    let sts = env.sts("default", "db").expect("statefulset recreated");
    assert_eq!(
        sts["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"],
        "2Gi"
    );
    for i in 0..2 {
        let pvc = env
            .sim
            .cluster()
            .get(&PVCS, Some("default"), &format!("data-db-{i}"))
            .unwrap();
        assert_eq!(pvc["spec"]["resources"]["requests"]["storage"], "2Gi");
    }
    let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
        (0..2).all(|i| {
            c.get(&PVCS, Some("default"), &format!("data-db-{i}"))
                .map(|p| p["status"]["capacity"]["storage"] == "2Gi")
                .unwrap_or(false)
        })
    });
    assert!(ok, "PVC capacity never reached 2Gi");
    assert_eq!(pod_uids(env), before, "pods were restarted");
}

/// The waits of resize-volume (the set gone after the orphan delete, the claims' capacity)
/// are watches: the set is read once (before the plan) and each claim once (step 1), however
/// long the garbage collector and the resizer take; one watch of each kind is opened.
fn assert_no_read_loop(env: &TestEnv) {
    let log = env.sim.requests();
    let shown: Vec<String> = log
        .iter()
        .map(|r| format!("{} {}?{} {}", r.method, r.path, r.query, r.status))
        .collect();
    let count = |path: &str, watch: bool| {
        log.iter()
            .filter(|r| r.method == "GET" && r.path == path)
            .filter(|r| (r.param("watch").as_deref() == Some("true")) == watch)
            .count()
    };
    let sets = "/apis/apps/v1/namespaces/default/statefulsets";
    let claims = "/api/v1/namespaces/default/persistentvolumeclaims";
    assert_eq!(count(&format!("{sets}/db"), false), 1, "{shown:#?}");
    for i in 0..2 {
        assert_eq!(
            count(&format!("{claims}/data-db-{i}"), false),
            1,
            "{shown:#?}"
        );
    }
    assert_eq!(count(sets, true), 1, "one watch of the set\n{shown:#?}");
    assert_eq!(
        count(claims, true),
        1,
        "one watch of the claims\n{shown:#?}"
    );
    assert_eq!(
        count(claims, false),
        1,
        "one list of the claims\n{shown:#?}"
    );
    let watch = log
        .iter()
        .find(|r| r.path == sets && r.param("watch").as_deref() == Some("true"))
        .unwrap();
    assert_eq!(
        watch.param("fieldSelector").as_deref(),
        Some("metadata.name=db"),
        "{shown:#?}"
    );
    assert!(
        watch
            .param("resourceVersion")
            .is_some_and(|v| !v.is_empty()),
        "the set is watched from the version the DELETE answered\n{shown:#?}"
    );
}

#[test]
fn resize_volume_end_to_end() {
    let env = env_with_volumes();
    let before = pod_uids(&env);
    assert_eq!(before.len(), 2);
    env.sim.clear_requests();
    let plan = env.ok(["resize-volume", "db", "data", "2Gi", "--dry-run"]);
    assert!(plan.contains("data-db-0, data-db-1"), "{plan}");
    assert!(plan.contains("propagationPolicy=Orphan"), "{plan}");
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    let o = env.run(["resize-volume", "db", "data", "2Gi"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("--yes"), "{}", o.stderr);
    env.sim.clear_requests();
    let out = env.ok(["resize-volume", "db", "data", "2Gi", "--yes"]);
    assert!(out.contains("verified"), "{out}");
    assert_resized(&env, &before);
    assert_no_read_loop(&env);
    // Idempotent: a second run finds every step done.
    let again = env.ok(["resize-volume", "db", "data", "2Gi", "--yes"]);
    assert!(again.contains("already requests 2Gi"), "{again}");
    assert!(again.contains("already has data 2Gi"), "{again}");
    let o = env.run(["resize-volume", "db", "data", "1Gi", "--yes"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("only grow"), "{}", o.stderr);
}

#[test]
fn interrupted_resize_is_resumed() {
    let env = env_with_volumes();
    let before = pod_uids(&env);
    env.sim.add_fault(kube_sim::server::FaultRule::new(
        Some("POST"),
        "/apis/apps/v1/namespaces/default/statefulsets",
        FaultAction::InternalError,
        1,
    ));
    let o = env.run(["resize-volume", "db", "data", "2Gi", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(o.stderr.contains("stopped at step 3"), "{}", o.stderr);
    assert!(
        o.stderr.contains("run the same command again"),
        "{}",
        o.stderr
    );
    assert!(
        env.sts("default", "db").is_none(),
        "the fault did not hit the recreate"
    );
    // Pods keep running while the StatefulSet is gone.
    assert_eq!(pod_uids(&env), before);
    let out = env.ok(["resize-volume", "db", "data", "2Gi", "--yes"]);
    assert!(out.contains("Resuming"), "{out}");
    assert_resized(&env, &before);
}

#[test]
fn resize_refused_when_the_class_cannot_expand() {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fixed\nprovisioner: sim.k8s.io/hostpath\nallowVolumeExpansion: false\n",
        )
        .unwrap();
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "1",
        "--volume",
        "data:1Gi:/data:fixed",
    ]);
    env.sim.clear_requests();
    let o = env.run(["resize-volume", "db", "data", "2Gi", "--yes"]);
    assert_eq!(o.code, 1, "{}", o.stdout);
    assert!(
        o.stderr.contains("does not allow volume expansion"),
        "{}",
        o.stderr
    );
    assert!(env.writes().is_empty(), "{:?}", env.writes());
    assert!(env.sts("default", "db").is_some());
}
