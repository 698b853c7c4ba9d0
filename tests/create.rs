//! End-to-end: `create` against kube-sim, asserting on the stored objects and the request log.

mod common;

use common::TestEnv;
use serde_json::{json, Value};

#[test]
fn every_create_flag_lands_in_its_field() {
    let env = TestEnv::new();
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "2",
        "--port",
        "5432",
        "--port",
        "metrics:9187/TCP",
        "--env",
        "PGDATA=/data",
        "--env",
        "PASS=secret:pg:password",
        "--env",
        "MODE=configmap:cfg:mode",
        "--requests",
        "cpu=100m,memory=128Mi",
        "--limits-cpu",
        "1",
        "--limits-memory",
        "1Gi",
        "--pull-policy",
        "Always",
        "--command",
        "sh -c 'exec postgres'",
        "--args",
        "-p 5432",
        "--liveness",
        "tcp:5432",
        "--liveness-opts",
        "delay=5,failure=6",
        "--readiness",
        "http:metrics/health",
        "--startup",
        "exec:pg_isready -U postgres",
        "--volume",
        "data:5Gi:/data::ReadWriteOnce",
        "--sync-host-timezone",
        "--node-selector",
        "disk=ssd",
        "--deployment-mode",
        "spread",
        // The fields are the point here, not that the pods run (no pg, cfg nor disk=ssd node).
        "--skip-preflight",
        "--label",
        "app=db",
        "--label",
        "version=v1",
        "--annotation",
        "team=core",
        "--alias",
        "Database",
        "--description",
        "Main DB",
        "--update-strategy",
        "RollingUpdate",
        "--partition",
        "1",
        "--pod-management-policy",
        "Parallel",
        "--image-pull-secret",
        "regcred",
        "--service-name",
        "db-hl",
        "--run-as-user",
        "999",
        "--run-as-group",
        "999",
        "--run-as-non-root",
        "--read-only-root-fs",
        "--init-container",
        "init=busybox:1.36 sh -c 'echo ready'",
        "--container-name",
        "postgres",
    ]);
    let sts = env.sts("default", "db").expect("statefulset stored");
    let spec = &sts["spec"];
    assert_eq!(spec["replicas"], 2);
    assert_eq!(spec["serviceName"], "db-hl");
    assert_eq!(spec["podManagementPolicy"], "Parallel");
    assert_eq!(
        spec["updateStrategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 1}})
    );
    assert_eq!(
        spec["selector"]["matchLabels"],
        json!({"app": "db", "version": "v1"})
    );
    assert_eq!(
        sts["metadata"]["annotations"]["kubesphere.io/alias-name"],
        "Database"
    );
    assert_eq!(
        sts["metadata"]["annotations"]["kubesphere.io/description"],
        "Main DB"
    );
    assert_eq!(sts["metadata"]["annotations"]["team"], "core");
    let pod = &spec["template"]["spec"];
    let c = &pod["containers"][0];
    assert_eq!(c["name"], "postgres");
    assert_eq!(c["image"], "postgres:16");
    assert_eq!(c["imagePullPolicy"], "Always");
    assert_eq!(c["command"], json!(["sh", "-c", "exec postgres"]));
    assert_eq!(c["args"], json!(["-p", "5432"]));
    assert_eq!(
        c["ports"][1],
        json!({"name": "metrics", "containerPort": 9187, "protocol": "TCP"})
    );
    assert_eq!(c["env"][0], json!({"name": "PGDATA", "value": "/data"}));
    assert_eq!(
        c["env"][1]["valueFrom"]["secretKeyRef"],
        json!({"name": "pg", "key": "password"})
    );
    assert_eq!(
        c["env"][2]["valueFrom"]["configMapKeyRef"],
        json!({"name": "cfg", "key": "mode"})
    );
    assert_eq!(
        c["resources"]["requests"],
        json!({"cpu": "100m", "memory": "128Mi"})
    );
    assert_eq!(
        c["resources"]["limits"],
        json!({"cpu": "1", "memory": "1Gi"})
    );
    assert_eq!(c["livenessProbe"]["tcpSocket"]["port"], 5432);
    assert_eq!(c["livenessProbe"]["initialDelaySeconds"], 5);
    assert_eq!(c["livenessProbe"]["failureThreshold"], 6);
    assert_eq!(c["livenessProbe"]["periodSeconds"], 10);
    assert_eq!(c["readinessProbe"]["httpGet"]["port"], "metrics");
    assert_eq!(c["readinessProbe"]["httpGet"]["path"], "/health");
    assert_eq!(
        c["startupProbe"]["exec"]["command"],
        json!(["pg_isready", "-U", "postgres"])
    );
    assert_eq!(c["securityContext"]["runAsUser"], 999);
    assert_eq!(c["securityContext"]["runAsGroup"], 999);
    assert_eq!(c["securityContext"]["runAsNonRoot"], true);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/data");
    assert_eq!(
        c["volumeMounts"][1],
        json!({"name": "host-time", "mountPath": "/etc/localtime", "readOnly": true})
    );
    assert_eq!(pod["volumes"][0]["name"], "host-time");
    assert_eq!(pod["volumes"][0]["hostPath"]["path"], "/etc/localtime");
    assert_eq!(pod["nodeSelector"], json!({"disk": "ssd"}));
    assert_eq!(pod["imagePullSecrets"], json!([{"name": "regcred"}]));
    assert_eq!(pod["initContainers"][0]["name"], "init");
    assert_eq!(
        pod["initContainers"][0]["command"],
        json!(["sh", "-c", "echo ready"])
    );
    let term =
        &pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"][0];
    assert_eq!(term["weight"], 100);
    assert_eq!(
        term["podAffinityTerm"]["topologyKey"],
        "kubernetes.io/hostname"
    );
    assert_eq!(
        term["podAffinityTerm"]["labelSelector"]["matchLabels"],
        json!({"app": "db", "version": "v1"})
    );
    let vct = &spec["volumeClaimTemplates"][0];
    assert_eq!(vct["metadata"]["name"], "data");
    assert_eq!(vct["spec"]["accessModes"], json!(["ReadWriteOnce"]));
    assert_eq!(vct["spec"]["resources"]["requests"]["storage"], "5Gi");

    // The headless Service by the console's rules.
    let svc = env.svc("default", "db-hl").expect("service stored");
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(
        svc["spec"]["selector"],
        json!({"app": "db"}),
        "selector drops `version`"
    );
    assert_eq!(
        svc["metadata"]["annotations"]["kubesphere.io/serviceType"],
        "statefulservice"
    );
    let ports: Vec<Value> = svc["spec"]["ports"].as_array().unwrap().clone();
    assert_eq!(ports.len(), 2);
    assert_eq!(ports[0]["name"], "tcp-5432");
    assert_eq!(ports[0]["port"], 5432);
    assert_eq!(ports[0]["targetPort"], 5432);
    assert_eq!(ports[0]["protocol"], "TCP");
    assert_eq!(ports[1]["name"], "metrics");
}

#[test]
fn create_defaults_request_economy_and_field_manager() {
    let env = TestEnv::new();
    env.sim.clear_requests();
    let out = env.ok(["create", "web", "--image", "nginx:1.27", "--port", "80"]);
    assert_eq!(out, "service/web created\nstatefulset.apps/web created\n");
    let reqs = env.sim.requests();
    assert!(
        reqs.len() <= 4,
        "create made {} requests: {reqs:#?}",
        reqs.len()
    );
    let posts: Vec<_> = reqs.iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 4);
    assert_eq!(posts[0].param("dryRun").as_deref(), Some("All"));
    assert_eq!(posts[1].param("dryRun").as_deref(), Some("All"));
    assert!(posts[2].path.ends_with("/services") && posts[2].param("dryRun").is_none());
    assert!(posts[3].path.ends_with("/statefulsets") && posts[3].param("dryRun").is_none());
    for p in posts {
        assert_eq!(
            p.param("fieldManager").as_deref(),
            Some("kubectl-statefulset")
        );
    }
    let sts = env.sts("default", "web").unwrap();
    assert_eq!(sts["metadata"]["labels"], json!({"app": "web"}));
    assert_eq!(
        sts["spec"]["template"]["metadata"]["labels"],
        json!({"app": "web"})
    );
    assert_eq!(
        sts["spec"]["template"]["spec"]["containers"][0]["name"],
        "nginx"
    );
    assert_eq!(sts["spec"]["serviceName"], "web");
}

#[test]
fn taken_service_name_falls_back_to_headless() {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n",
        )
        .unwrap();
    env.ok(["create", "web", "--image", "nginx"]);
    assert!(env.svc("default", "web-headless").is_some());
    assert_eq!(
        env.sts("default", "web").unwrap()["spec"]["serviceName"],
        "web-headless"
    );
    // A chosen name that is taken is an error with a hint, and nothing is created.
    let o = env.run(["create", "api", "--image", "nginx", "--service-name", "web"]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr.contains("service \"web\" already exists"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr
            .contains("hint: choose a free name with --service-name"),
        "{}",
        o.stderr
    );
    assert!(env.sts("default", "api").is_none());
}

#[test]
fn existing_statefulset_is_an_error_and_creates_nothing() {
    let env = TestEnv::new();
    env.ok(["create", "web", "--image", "nginx"]);
    env.sim.clear_requests();
    let o = env.run([
        "create",
        "web",
        "--image",
        "nginx",
        "--service-name",
        "other",
    ]);
    assert_eq!(o.code, 1);
    assert!(
        o.stderr
            .starts_with("error: statefulset \"web\" already exists in namespace \"default\""),
        "{}",
        o.stderr
    );
    assert!(
        env.writes()
            .iter()
            .all(|r| r.param("dryRun").as_deref() == Some("All")),
        "{:#?}",
        env.writes()
    );
    assert!(env.svc("default", "other").is_none());
}

#[test]
fn rejected_statefulset_deletes_the_service_again() {
    let env = TestEnv::new();
    // Fail the real (non-dry-run) StatefulSet create only.
    env.sim.add_fault(kube_sim::server::FaultRule::new(
        Some("POST"),
        "statefulsets?&fieldManager",
        kube_sim::FaultAction::InternalError,
        1,
    ));
    let o = env.run(["create", "web", "--image", "nginx"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("was deleted again"), "{}", o.stderr);
    assert!(
        env.svc("default", "web").is_none(),
        "the Service must be cleaned up"
    );
    assert!(env.sts("default", "web").is_none());
}

#[test]
fn server_dry_run_creates_nothing() {
    let env = TestEnv::new();
    let out = env.ok([
        "create",
        "web",
        "--image",
        "nginx",
        "--dry-run=server",
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"][1]["kind"], "StatefulSet");
    // What the server would store: server-set metadata, not our request.
    assert_eq!(v["items"][1]["metadata"]["generation"], 1);
    assert!(v["items"][1]["metadata"]["uid"].is_string());
    assert!(env.sts("default", "web").is_none());
    assert!(env.svc("default", "web").is_none());
    assert!(env
        .writes()
        .iter()
        .all(|r| r.param("dryRun").as_deref() == Some("All")));
}

#[test]
fn client_dry_run_is_accepted_by_kubectl_and_sends_nothing() {
    let env = TestEnv::new();
    env.sim.clear_requests();
    let yaml = env.ok([
        "create",
        "y",
        "--image",
        "nginx",
        "--port",
        "80",
        "--label",
        "app=y",
        "--env",
        "ON=on",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    assert!(
        env.sim.requests().is_empty(),
        "client dry run sent {:#?}",
        env.sim.requests()
    );
    assert!(yaml.contains("kind: StatefulSet") && yaml.contains("apiVersion: apps/v1"));
    let Some(mut kubectl) = env.sim.kubectl(["create", "--dry-run=server", "-f", "-"]) else {
        return;
    };
    let out = kubectl
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(yaml.as_bytes())?;
            child.wait_with_output()
        })
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "kubectl rejected our manifest:\n{yaml}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("statefulset.apps/y created (server dry run)"),
        "{stdout}"
    );
    assert!(env.sts("default", "y").is_none());
}

#[test]
fn create_from_file_multi_document_and_list() {
    let env = TestEnv::new();
    let manifest = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: cache}
spec:
  selector: {matchLabels: {app: cache}}
  template:
    metadata: {labels: {app: cache}}
    spec:
      containers: [{name: redis, image: 'redis:7', ports: [{name: redis, containerPort: 6379}]}]
---
apiVersion: v1
kind: Service
metadata: {name: cache-svc}
spec: {clusterIP: None, selector: {app: cache}, ports: [{port: 6379}]}
";
    let o = env.run_stdin(["create", "-f", "-"], manifest);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        env.sts("default", "cache").unwrap()["spec"]["serviceName"],
        "cache-svc"
    );
    assert!(env.svc("default", "cache-svc").is_some());

    // A file with only the StatefulSet gets the console's headless Service.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("web.json");
    let list = json!({"apiVersion": "v1", "kind": "List", "items": [{
        "apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}]}]}}}}]});
    std::fs::write(&path, list.to_string()).unwrap();
    env.ok(["create".as_ref(), "-f".as_ref(), path.as_os_str()]);
    let svc = env.svc("default", "web").unwrap();
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(svc["spec"]["ports"][0]["name"], "tcp-80");
}

#[test]
fn wait_reports_progress_and_succeeds() {
    let env = TestEnv::new();
    let o = env.run([
        "create",
        "web",
        "--image",
        "nginx",
        "--replicas",
        "2",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("2/2 ready"), "{}", o.stderr);
    assert_eq!(
        env.sts("default", "web").unwrap()["status"]["readyReplicas"],
        2
    );
}

#[test]
fn wait_timeout_exits_3() {
    let env = TestEnv::new();
    let o = env.run([
        "create",
        "web",
        "--image",
        "nginx",
        "--replicas",
        "3",
        "--wait",
        "--timeout",
        "1ms",
    ]);
    assert_eq!(o.code, 3, "stdout {} stderr {}", o.stdout, o.stderr);
    assert!(o.stderr.contains("error: timed out"), "{}", o.stderr);
    assert!(
        o.stderr
            .contains("hint: see why with: kubectl statefulset get web"),
        "{}",
        o.stderr
    );
}

#[test]
fn create_statefulset_entry_point() {
    let env = TestEnv::new();
    let mut c = assert_cmd::Command::cargo_bin("kubectl-create-statefulset").unwrap();
    c.env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .args(["web", "--image", "nginx", "--dry-run=client", "-o", "name"]);
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "service/web\nstatefulset.apps/web\n"
    );
}

/// The preflight refuses, before anything is sent, a set whose pods would not run, naming
/// each cause; `--skip-preflight` creates it anyway and the cluster then does what was
/// predicted (kubectl shows the pod in CreateContainerConfigError); a kind this user may not
/// list is a warning; a client dry run checks nothing.
#[test]
fn preflight_refuses_what_would_not_run() {
    use kube_sim::server::FaultRule;
    use kube_sim::FaultAction;
    let env = TestEnv::with_speed(20.0);
    let no_writes = |env: &TestEnv| {
        let w: Vec<_> = env
            .sim
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect();
        assert!(w.is_empty(), "{w:#?}");
    };
    let refs = [
        "create",
        "db",
        "--image",
        "nginx:1.27",
        "--env",
        "PW=secret:pg:password",
        "--env",
        "MODE=configmap:cfg:mode",
    ];
    env.sim.clear_requests();
    let o = env.run(refs);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("preflight: the pods of statefulset \"db\" would not run:\n  secret \"pg\" not found (env PW of container \"nginx\"): the pods would end in CreateContainerConfigError\n  configmap \"cfg\" not found (env MODE of container \"nginx\")"),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--skip-preflight"), "{}", o.stderr);
    no_writes(&env);
    assert_eq!(env.sim.requests().len(), 2, "one list per kind");

    // The objects exist, a key is missing.
    env.sim
        .apply_yaml(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: pg}\nstringData: {user: u}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {mode: fast}\n",
        )
        .expect("apply");
    let o = env.run(refs);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("secret \"pg\" has no key \"password\"")
            && !o.stderr.contains("configmap"),
        "{}",
        o.stderr
    );

    // Secrets may not be listed: a warning, the rest checked, the set created.
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/secrets",
        FaultAction::Forbidden,
        1,
    ));
    let o = env.run(refs);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("warning: preflight: secrets not checked: forbidden"),
        "{}",
        o.stderr
    );
    // What the preflight predicted is what the cluster does.
    let stuck = env.sim.wait_until(std::time::Duration::from_secs(20), |c| {
        c.get(&kube_sim::resources::PODS, Some("default"), "db-0")
            .is_ok_and(|p| {
                p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                    == "CreateContainerConfigError"
            })
    });
    assert!(stuck, "db-0 is not in CreateContainerConfigError");
    if let Some(mut k) = env.sim.kubectl(["get", "pod", "db-0", "--no-headers"]) {
        let out = k.output().unwrap();
        let line = String::from_utf8_lossy(&out.stdout);
        assert!(line.contains("CreateContainerConfigError"), "{line}");
    }

    // A StorageClass that does not exist; requests no node has room for; a nodeSelector no
    // node matches; --skip-preflight sends it anyway.
    let o = env.run([
        "create",
        "big",
        "--image",
        "nginx:1.27",
        "--volume",
        "data:1Gi:/data:fast",
        "--requests",
        "cpu=500",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("storageclass \"fast\" not found (claim template \"data\"): the claims would stay Pending")
            && o.stderr.contains("no node has room for one pod's requests (cpu=500000m)"),
        "{}",
        o.stderr
    );
    let o = env.run([
        "create",
        "big",
        "--image",
        "nginx:1.27",
        "--requests",
        "cpu=500",
        "--skip-preflight",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("mars.yaml");
    let yaml = env.ok([
        "create",
        "mars",
        "--image",
        "nginx:1.27",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    let yaml = yaml.replacen(
        "      containers:",
        "      nodeSelector: {zone: mars}\n      containers:",
        1,
    );
    std::fs::write(&f, yaml).unwrap();
    let o = env.run(["create", "-f", f.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("no node matches the pods' nodeSelector / required node affinity"),
        "{}",
        o.stderr
    );

    // Claim names: set `b`'s claim `data-a` is `data-a-b-0`, the name set `a-b`'s `data` makes.
    env.ok([
        "create",
        "b",
        "--image",
        "nginx:1.27",
        "--volume",
        "data-a:1Gi:/data",
    ]);
    env.wait_ready("default", "b", 1);
    let o = env.run([
        "create",
        "a-b",
        "--image",
        "nginx:1.27",
        "--volume",
        "data:1Gi:/data",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("persistentvolumeclaim \"data-a-b-0\" exists and belongs to statefulset \"b\": pod a-b-0 would mount it"),
        "{}",
        o.stderr
    );
    assert!(env.sts("default", "a-b").is_none());

    // A client dry run does not contact the cluster: nothing checked, said under -v.
    env.sim.clear_requests();
    let o = env.run([
        "create",
        "a-b",
        "--image",
        "nginx:1.27",
        "--volume",
        "data:1Gi:/data",
        "--dry-run=client",
        "-v",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stderr.contains("preflight: not run"), "{}", o.stderr);
    assert!(env.sim.requests().is_empty());
}

/// `kubectl create statefulset` and `kubectl create sts` (kubectl ≥ 1.30 runs
/// `kubectl-create-<name>` plugins for create's subcommands): the binary names its usage after
/// how it was run, and the real kubectl runs both through the `sts` link.
#[test]
fn create_plugin_usage_is_kubectl_create() {
    let env = TestEnv::new();
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("kubectl-create-statefulset");
    std::fs::copy(&bin, dir.path().join("kubectl-create-statefulset")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("kubectl-create-statefulset"),
        dir.path().join("kubectl-create-sts"),
    )
    .unwrap();
    for (exe, usage) in [
        (
            "kubectl-create-statefulset",
            "Usage: kubectl create statefulset [OPTIONS] [NAME]",
        ),
        (
            "kubectl-create-sts",
            "Usage: kubectl create sts [OPTIONS] [NAME]",
        ),
    ] {
        let out = std::process::Command::new(dir.path().join(exe))
            .arg("--bogus")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(usage), "{exe}: {err}");
    }
    let Some(kubectl) = kube_sim::require_tool("kubectl") else {
        return;
    };
    let path = std::env::join_paths(std::iter::once(dir.path().to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    for sub in ["statefulset", "sts"] {
        let help = std::process::Command::new(&kubectl)
            .args(["create", sub, "--help"])
            .env("PATH", &path)
            .env("KUBECONFIG", env.sim.kubeconfig_path())
            .output()
            .unwrap();
        assert!(help.status.success());
        assert!(
            String::from_utf8_lossy(&help.stdout)
                .contains(&format!("Usage: kubectl create {sub} [OPTIONS] [NAME]")),
            "{}",
            String::from_utf8_lossy(&help.stdout)
        );
    }
    let out = std::process::Command::new(&kubectl)
        .args(["create", "sts", "web", "--image", "nginx"])
        .env("PATH", &path)
        .env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(env.sts("default", "web").is_some());
}
