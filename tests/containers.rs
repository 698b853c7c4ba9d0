//! Real workloads: a database-like set with a ConfigMap file, a Secret volume, an emptyDir, a
//! metrics sidecar, a native sidecar and a claim template, created from flags against a real
//! registry (image checks on, the kubelet pulling through it); then `edit-template` changes its
//! containers step by step, and the cluster does what the plugin said.

mod common;
mod lifecycle_util;

use common::TestEnv;

use lifecycle_util::db_env;

/// No `--port` for postgres nor for the metrics sidecar: their images'.
fn create_args() -> Vec<&'static str> {
    vec![
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "3",
        "--env",
        "POSTGRES_PASSWORD=secret:pg-creds:password",
        "--volume",
        "data:1Gi:/var/lib/postgresql/data",
        "--mount",
        "configmap:pg-conf/postgresql.conf:/etc/postgresql/postgresql.conf",
        "--mount",
        "secret:pg-creds:/run/secrets/pg:ro",
        "--mount",
        "emptydir:scratch:/scratch",
        "--sidecar",
        "metrics=prom/postgres-exporter:v0.15",
        "--sidecar",
        "logs=busybox:1.36 sh -c 'tail -F /scratch/log'",
        "-c",
        "metrics",
        "--requests",
        "cpu=50m,memory=64Mi",
        "-c",
        "logs",
        "--native",
        "--mount",
        "emptydir:scratch:/scratch",
    ]
}

/// `kubectl apply --dry-run=server -f -` of `yaml` (the strict 1.32 schema of kube-sim):
/// asserts it is accepted. Skipped (visibly) without kubectl.
fn server_accepts(env: &TestEnv, yaml: &str) {
    let Some(mut k) = env.sim.kubectl(["apply", "--dry-run=server", "-f", "-"]) else {
        return;
    };
    use std::io::Write;
    let mut child = k
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(yaml.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "kubectl apply --dry-run=server: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("statefulset.apps/db created (server dry run)"),
        "{stdout}"
    );
}

/// The REVISION column of `kubectl rollout history statefulset/NAME` (kubectl's own reading
/// of the ControllerRevisions); None without kubectl.
pub fn kubectl_revisions(env: &TestEnv, name: &str) -> Option<Vec<String>> {
    let mut k = env
        .sim
        .kubectl(["rollout", "history", &format!("statefulset/{name}")])?;
    let o = k.output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{text}");
    Some(
        text.lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next().map(str::to_string))
            .collect(),
    )
}

#[test]
fn a_database_from_flags_against_a_real_registry() {
    let Some((_reg, env)) = db_env() else { return };

    // The manifest is valid for the strict 1.32 schema, as kubectl's server dry run says.
    let mut dry = create_args();
    dry.extend(["--dry-run=client", "-o", "yaml"]);
    server_accepts(&env, &env.ok(&dry));

    // Refused before any write: a missing tag (the registry's answer), a missing Secret key
    // (the preflight).
    let before = env.writes().len();
    let mut bad = create_args();
    bad[3] = "postgres:18";
    let o = env.run(&bad);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("image \"postgres:18\"") && o.stderr.contains("MANIFEST_UNKNOWN"),
        "{}",
        o.stderr
    );
    let mut bad = create_args();
    bad[7] = "POSTGRES_PASSWORD=secret:pg-creds:nope";
    let o = env.run(&bad);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            "secret \"pg-creds\" has no key \"nope\" (env POSTGRES_PASSWORD of container \"postgres\"): the pods would end in CreateContainerConfigError"
        ),
        "{}",
        o.stderr
    );
    assert_eq!(env.writes().len(), before, "nothing may be sent");
    assert!(env.sts("default", "db").is_none());

    // Created with every image checked; the ports of postgres and of the metrics sidecar are
    // their images'.
    let o = env.run(create_args());
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr
            .contains("using the ports the image postgres:16 exposes (no --port given): 5432/TCP"),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains(
            "using the ports the image prom/postgres-exporter:v0.15 exposes for sidecar metrics (no -c metrics --port given): 9187/TCP"
        ),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("busybox"), "{}", o.stderr);
    assert!(!o.stderr.contains("Warning"), "{}", o.stderr);
    // The kubelet pulled every image from the registry: all pods ready.
    env.wait_ready("default", "db", 3);
    lifecycle_util::wait_settled(&env, "db");
    let sts = env.sts("default", "db").unwrap();
    let pod = &sts["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["ports"][0]["containerPort"], 5432);
    assert_eq!(pod["containers"][0]["ports"][0]["name"], "tcp-5432");
    assert_eq!(pod["initContainers"][0]["name"], "logs");
    assert_eq!(pod["initContainers"][0]["restartPolicy"], "Always");
    assert_eq!(pod["containers"][1]["ports"][0]["containerPort"], 9187);
    assert_eq!(pod["containers"][1]["ports"][0]["name"], "tcp-9187");
    assert_eq!(pod["containers"][1]["resources"]["requests"]["cpu"], "50m");
    assert!(pod["initContainers"][0]["ports"].is_null());
    let vols: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(vols, ["cm-pg-conf", "secret-pg-creds", "scratch"]);
    assert_eq!(
        pod["containers"][0]["volumeMounts"][1]["subPath"],
        "postgresql.conf"
    );
    let svc_ports: Vec<i64> = env.svc("default", "db").unwrap()["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(svc_ports, [5432, 9187]);
    for p in lifecycle_util::pods(&env, "db") {
        let pod = env
            .sim
            .cluster()
            .get(&kube_sim::resources::PODS, Some("default"), &p.0)
            .unwrap();
        let ready: Vec<bool> = pod["status"]["containerStatuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["ready"] == true)
            .collect();
        assert_eq!(ready, [true, true], "{}", pod["status"]);
    }

    // `get` names every container, the native sidecar too.
    let get = env.ok(["get", "db"]);
    for c in [
        "postgres:16",
        "prom/postgres-exporter:v0.15",
        "busybox:1.36",
    ] {
        assert!(get.contains(c), "{c} missing in:\n{get}");
    }
    assert!(
        get.lines()
            .any(|l| l.contains("db-0") && l.contains(" 3/3 ")),
        "{get}"
    );
}

#[test]
fn edit_template_without_a_terminal_needs_yes_and_dry_runs_send_nothing() {
    let env = lifecycle_util::env();
    lifecycle_util::create(&env, "web", "nginx:1.27", 1);
    let before = env.sts("default", "web").unwrap();
    let o = env.run(["edit-template", "web", "--image", "nginx:1.28"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("--yes"), "{}", o.stderr);
    let o = env.ok([
        "edit-template",
        "web",
        "--mount",
        "emptydir-memory:shm:/dev/shm",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    assert!(o.contains("medium: Memory"), "{o}");
    let o = env.ok([
        "edit-template",
        "web",
        "--image",
        "nginx:1.28",
        "--dry-run=server",
    ]);
    assert!(
        o.contains("statefulset.apps/web template edited (server dry run)"),
        "{o}"
    );
    let after = env.sts("default", "web").unwrap();
    assert_eq!(before["spec"], after["spec"]);
    let o = env.run(["edit-template", "web", "-c", "nope", "--image", "x"]);
    assert_eq!(o.code, 1);
    assert!(o.stderr.contains("no container \"nope\""), "{}", o.stderr);
    // Usage errors (exit 2): a scope flag without its value, --native with no sidecar to make
    // native; create's are the same.
    let o = env.run(["edit-template", "web", "-c", "nginx", "--port"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("after -c nginx"), "{}", o.stderr);
    let o = env.run(["edit-template", "web", "--native", "--image", "nginx:1.28"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    let o = env.run(["create", "x", "--image", "nginx", "-c", "nginx", "--native"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("only a --sidecar"), "{}", o.stderr);
    assert_eq!(before["spec"], env.sts("default", "web").unwrap()["spec"]);
    assert!(env.sts("default", "x").is_none());
}

/// `edit-template` changing a probe and adding a mount: the diff shows both, the pod is
/// replaced, and kubectl's own `rollout history` sees the new revision.
#[test]
fn edit_template_probe_and_mount_make_a_revision_kubectl_sees() {
    let env = lifecycle_util::env();
    lifecycle_util::create(&env, "web", "nginx:1.27", 1);
    env.wait_ready("default", "web", 1);
    lifecycle_util::wait_settled(&env, "web");
    let out = env.ok([
        "edit-template",
        "web",
        "--readiness",
        "tcp:80",
        "--mount",
        "emptydir:cache:/cache",
        "--yes",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(out.contains("+      readinessProbe:"), "{out}");
    assert!(out.contains("+          port: 80"), "{out}");
    assert!(out.contains("+      - mountPath: /cache"), "{out}");
    assert!(
        out.contains("+    - emptyDir: {}\n+      name: cache"),
        "{out}"
    );
    assert!(
        out.contains("statefulset.apps/web template edited"),
        "{out}"
    );
    let one = |p: &str| (p.to_string(), 1);
    assert_eq!(env.controller_deletions("web"), [one("web-0")]);
    let sts = env.sts("default", "web").unwrap();
    let c = &sts["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["readinessProbe"]["tcpSocket"]["port"], 80, "{c}");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/cache", "{c}");
    if let Some(mut k) = env.sim.kubectl(["rollout", "history", "statefulset/web"]) {
        let o = k.output().unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(o.status.success(), "{text}");
        let revisions: Vec<&str> = text
            .lines()
            .skip_while(|l| !l.starts_with("REVISION"))
            .skip(1)
            .filter_map(|l| l.split_whitespace().next())
            .collect();
        assert_eq!(revisions, ["1", "2"], "{text}");
    }
}

/// `edit-template` on the database set, one change per step (an image, a probe, a mount, a
/// sidecar): each shows its diff and the rollout it starts; the controller then replaces the
/// pods in that order, and kubectl's `rollout history` sees one more revision.
#[test]
fn the_database_template_edited_step_by_step() {
    let Some((_reg, env)) = db_env() else { return };
    env.ok(create_args());
    env.wait_ready("default", "db", 3);
    lifecycle_util::wait_settled(&env, "db");
    // An unknown annotation survives every edit.
    lifecycle_util::patch(
        &env,
        "db",
        serde_json::json!({"metadata": {"annotations": {"example.com/owner": "team-db"}}}),
    );

    // A sidecar image the registry does not have: refused before any write (nor any diff).
    let before = env.writes().len();
    let o = env.run([
        "edit-template",
        "db",
        "-c",
        "metrics",
        "--image",
        "prom/postgres-exporter:v9",
        "--yes",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains("image \"prom/postgres-exporter:v9\"")
            && o.stderr.contains("MANIFEST_UNKNOWN"),
        "{}",
        o.stderr
    );
    // A Secret key that does not exist: the preflight refuses, before any write too.
    let o = env.run([
        "edit-template",
        "db",
        "-c",
        "metrics",
        "--env",
        "DATA_SOURCE_PASS=secret:pg-creds:nope",
        "--yes",
    ]);
    assert_eq!(o.code, 1, "{}\n{}", o.stdout, o.stderr);
    assert!(
        o.stderr.contains(
            "secret \"pg-creds\" has no key \"nope\" (env DATA_SOURCE_PASS of container \"metrics\"): the pods would end in CreateContainerConfigError"
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--skip-preflight"), "{}", o.stderr);
    assert_eq!(env.writes().len(), before, "nothing may be sent");

    let steps: [(&[&str], &[&str]); 4] = [
        (
            &["--image", "postgres:17"],
            &["-      image: postgres:16", "+      image: postgres:17"],
        ),
        (
            &["--readiness", "tcp:5432"],
            &["+      readinessProbe:", "+          port: 5432"],
        ),
        (
            &["--mount", "emptydir-memory:shm:/dev/shm"],
            &[
                "+      - mountPath: /dev/shm",
                "+    - emptyDir:\n+        medium: Memory\n+      name: shm",
            ],
        ),
        (
            &["-c", "metrics", "--image", "prom/postgres-exporter:v0.16"],
            &[
                "-    - image: prom/postgres-exporter:v0.15",
                "+    - image: prom/postgres-exporter:v0.16",
            ],
        ),
    ];
    for (n, (args, diff)) in steps.iter().enumerate() {
        let before = lifecycle_util::pods(&env, "db");
        let mut cmd = vec!["edit-template", "db"];
        cmd.extend_from_slice(args);
        cmd.extend(["--yes", "--wait", "--timeout", "60s"]);
        let out = env.ok(&cmd);
        assert!(out.contains("--- statefulset/db (live)"), "{out}");
        for d in diff.iter() {
            assert!(out.contains(d), "{d:?} not in:\n{out}");
        }
        assert!(
            out.contains("the pod template changes: the pods are replaced by a rolling update, highest ordinal first (db-0 … db-2)"),
            "{out}"
        );
        assert!(out.contains("statefulset.apps/db template edited"), "{out}");
        // The controller replaced every pod once more, from the highest ordinal down: new
        // pods, created in that order; its SuccessfulDelete events say the same until the
        // events' spam filter (burst 25 per object, client-go tools/record/events_cache.go)
        // drops them, from the fourth step on.
        let k = n as i64 + 1;
        assert_eq!(
            lifecycle_util::replaced(&env, "db", &before),
            ["db-2", "db-1", "db-0"],
            "step {k}: {args:?}"
        );
        if k <= 3 {
            assert_eq!(
                env.controller_deletions("db"),
                [("db-2".into(), k), ("db-1".into(), k), ("db-0".into(), k)],
                "step {k}: {args:?}"
            );
        }
        let update = lifecycle_util::update_revision(&env, "db");
        assert!(
            lifecycle_util::pods(&env, "db")
                .iter()
                .all(|(_, r, _)| *r == update),
            "step {k}"
        );
        if let Some(revs) = kubectl_revisions(&env, "db") {
            let want: Vec<String> = (1..=k + 1).map(|r| r.to_string()).collect();
            assert_eq!(revs, want, "step {k}: {args:?}");
        }
    }
    let sts = env.sts("default", "db").unwrap();
    assert_eq!(
        sts["metadata"]["annotations"]["example.com/owner"],
        "team-db"
    );
    let c = &sts["spec"]["template"]["spec"]["containers"];
    assert_eq!(c[0]["image"], "postgres:17");
    assert_eq!(c[0]["readinessProbe"]["tcpSocket"]["port"], 5432);
    assert_eq!(c[1]["image"], "prom/postgres-exporter:v0.16");

    // A sidecar out, one in; then, with a partition, only the ordinals at or above it.
    let before = lifecycle_util::pods(&env, "db");
    let out = env.ok([
        "edit-template",
        "db",
        "--remove-container",
        "metrics",
        "--add-sidecar",
        "audit=busybox:1.36 sh -c 'sleep 3600'",
        "--yes",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(out.contains("-      name: metrics"), "{out}");
    assert!(out.contains("+      name: audit"), "{out}");
    assert_eq!(
        lifecycle_util::replaced(&env, "db", &before),
        ["db-2", "db-1", "db-0"]
    );
    let names: Vec<String> = env.sts("default", "db").unwrap()["spec"]["template"]["spec"]
        ["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["postgres", "audit"]);
    let before = lifecycle_util::pods(&env, "db");
    let out = env.ok([
        "edit-template",
        "db",
        "-c",
        "audit",
        "--image",
        "busybox:1.37",
        "--partition",
        "2",
        "--yes",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(
        out.contains("a rolling update replaces db-2 (ordinals from the partition, 2, up); db-0 and db-1 keep the old template"),
        "{out}"
    );
    assert!(out.contains("+    partition: 2"), "{out}");
    // db-2 replaced once more, the others not.
    assert_eq!(lifecycle_util::replaced(&env, "db", &before), ["db-2"]);
    let pods = lifecycle_util::pods(&env, "db");
    let update = lifecycle_util::update_revision(&env, "db");
    let at_update: Vec<bool> = pods.iter().map(|(_, r, _)| *r == update).collect();
    assert_eq!(at_update, [false, false, true], "{pods:?}");
    if let Some(revs) = kubectl_revisions(&env, "db") {
        assert_eq!(revs, ["1", "2", "3", "4", "5", "6", "7"]);
    }
}

/// `--remove-env` and `--remove-port`: what is absent is an error and nothing is sent; a port
/// the Service targets is removed from the template with a warning naming the Service port,
/// and the Service is left as it is.
#[test]
fn edit_template_removes_env_and_ports_and_warns_of_the_service_ports() {
    let env = lifecycle_util::env();
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--replicas",
        "0",
        "--port",
        "http:80",
        "--env",
        "A=1",
        "--env",
        "B=2",
        "--sidecar",
        "proxy=envoy:1.31",
        "-c",
        "proxy",
        "--native",
        "--port",
        "admin:9901",
    ]);
    let before = env.sts("default", "web").unwrap();
    let svc_before = env.svc("default", "web").unwrap();
    let svc_ports: Vec<&str> = svc_before["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(svc_ports, ["http", "admin"]);

    for (args, why) in [
        (
            vec!["--remove-env", "C"],
            "no such environment variable (its env: A, B)",
        ),
        (
            vec!["--remove-port", "8080"],
            "no such port (its ports: http 80/TCP)",
        ),
        (vec!["-c", "proxy", "--remove-env", "A"], "its env: none"),
    ] {
        let mut argv = vec!["edit-template", "web", "--yes"];
        argv.extend(args);
        let o = env.run(&argv);
        assert_eq!(o.code, 1, "{argv:?}: {}", o.stderr);
        assert!(o.stderr.contains(why), "{argv:?}: {}", o.stderr);
    }
    let o = env.run([
        "create",
        "x",
        "--image",
        "nginx",
        "-c",
        "nginx",
        "--remove-env",
        "A",
    ]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert_eq!(before["spec"], env.sts("default", "web").unwrap()["spec"]);

    let o = env.run([
        "edit-template",
        "web",
        "--remove-env",
        "A",
        "-c",
        "proxy",
        "--remove-port",
        "admin",
        "--yes",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("-      - name: A\n-        value: \"1\""),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains(
            "Warning: service/web port \"admin\" (9901) targets the removed container port 9901"
        ) && o
            .stderr
            .contains("kubectl statefulset edit-service web --remove admin"),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("\"http\""), "{}", o.stderr);
    let pod = &env.sts("default", "web").unwrap()["spec"]["template"]["spec"];
    assert_eq!(
        pod["containers"][0]["env"],
        serde_json::json!([{"name": "B", "value": "2"}])
    );
    assert!(pod["initContainers"][0].get("ports").is_none(), "{pod}");
    assert_eq!(
        env.svc("default", "web").unwrap()["spec"],
        svc_before["spec"]
    );
}

/// `--remove-container` takes the pod volumes only that container mounted (a sidecar's
/// emptyDir and ConfigMap), keeps the shared one and the claim template, says so, and the
/// replaced pod has none of them.
#[test]
fn removing_a_container_prunes_the_volumes_only_it_mounted() {
    let env = lifecycle_util::env();
    env.sim
        .apply_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: shipper}\ndata: {a: b}\n")
        .expect("apply");
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--volume",
        "data:1Gi:/data",
        "--mount",
        "emptydir:shared:/shared",
        "--sidecar",
        "logs=busybox:1.36 sh -c 'sleep 3600'",
        "-c",
        "logs",
        "--mount",
        "emptydir:spool:/spool",
        "--mount",
        "configmap:shipper:/etc/shipper",
        "--mount",
        "emptydir:shared:/shared",
    ]);
    env.wait_ready("default", "web", 1);
    lifecycle_util::wait_settled(&env, "web");
    let out = env.ok([
        "edit-template",
        "web",
        "--remove-container",
        "logs",
        "--yes",
        "--wait",
        "--timeout",
        "60s",
    ]);
    assert!(
        out.contains(
            "volumes removed with the containers (no remaining container mounts them): spool, cm-shipper"
        ),
        "{out}"
    );
    assert!(
        out.contains("-    - emptyDir: {}\n-      name: spool"),
        "{out}"
    );
    let sts = env.sts("default", "web").unwrap();
    let names = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|x| x["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names(&sts["spec"]["template"]["spec"]["volumes"]),
        ["shared"]
    );
    assert_eq!(
        sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "data"
    );
    // The pod was replaced: it is of the new revision and has neither volume.
    let pods = lifecycle_util::pods(&env, "web");
    assert_eq!(pods.len(), 1);
    assert_eq!(pods[0].1, lifecycle_util::update_revision(&env, "web"));
    let pod = env
        .sim
        .cluster()
        .get(&kube_sim::resources::PODS, Some("default"), "web-0")
        .expect("pod");
    // (and the ServiceAccount token volume the admission adds)
    let vols = names(&pod["spec"]["volumes"]);
    assert_eq!(vols[..2], ["data", "shared"], "{pod}");
    assert_eq!(vols.len(), 3, "{vols:?}");
    assert!(vols[2].starts_with("kube-api-access-"), "{vols:?}");
}
