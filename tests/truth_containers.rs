//! Init containers and native sidecars (init containers with `restartPolicy: Always`): READY
//! counts sidecars as kubectl's printer does (pkg/printers/internalversion/printers.go), `get`
//! names every container with its image, `env` and `logs -c` know init and sidecar containers.

mod common;
mod lifecycle_util;

use std::time::Duration;

use kube_sim::resources::PODS;

const SIDE: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: side}
spec:
  replicas: 1
  serviceName: side
  selector: {matchLabels: {app: side}}
  template:
    metadata: {labels: {app: side}}
    spec:
      initContainers:
      - {name: setup, image: "busybox:1.36", command: [sh, -c, "true"]}
      - name: proxy
        image: envoyproxy/envoy:v1.30
        restartPolicy: Always
        ports: [{name: admin, containerPort: 9901}]
        env: [{name: PROXY_MODE, value: edge}]
      containers:
      - name: app
        image: nginx:1.27
        env: [{name: APP_MODE, value: web}]
      - {name: worker, image: "busybox:1.36"}
"#;

#[test]
fn init_and_sidecar_containers_are_counted_named_and_reachable() {
    let env = lifecycle_util::env();
    env.sim.apply_yaml(SIDE).expect("apply");
    env.wait_ready("default", "side", 1);

    // READY counts the started, ready sidecar: 3/3, as kubectl prints it.
    let pods = env.ok(["pods", "side"]);
    let row = pods.lines().find(|l| l.contains("side-0")).unwrap();
    assert!(row.contains(" 3/3 "), "{pods}");
    if let Some(mut k) = env.sim.kubectl(["get", "pod", "side-0", "--no-headers"]) {
        let k = String::from_utf8(k.output().unwrap().stdout).unwrap();
        let ready = k.split_whitespace().nth(1).unwrap_or_default().to_string();
        assert_eq!(ready, "3/3", "kubectl: {k}");
    }
    let get = env.ok(["get", "side"]);
    assert!(
        get.lines()
            .any(|l| l.contains("side-0") && l.contains(" 3/3 ")),
        "{get}"
    );

    // Every container, with its image and type; the sidecar's port is listed.
    let section = get
        .split("\nContainers:\n")
        .nth(1)
        .and_then(|s| s.split("\n\n").next())
        .unwrap_or_default();
    let rows: Vec<Vec<&str>> = section
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["setup", "init", "busybox:1.36"],
            ["proxy", "sidecar", "envoyproxy/envoy:v1.30"],
            ["app", "container", "nginx:1.27"],
            ["worker", "container", "busybox:1.36"],
        ],
        "{get}"
    );
    assert!(
        get.lines()
            .any(|l| l.contains("proxy") && l.contains("admin") && l.contains("9901")),
        "{get}"
    );

    // env lists the sidecar's variables under `sidecar:` and changes them in place.
    let envs = env.ok(["env", "side"]);
    assert!(
        envs.lines()
            .any(|l| l.contains("sidecar:proxy") && l.contains("PROXY_MODE")),
        "{envs}"
    );
    assert!(
        envs.lines()
            .any(|l| l.starts_with("app") && l.contains("APP_MODE")),
        "{envs}"
    );
    env.ok([
        "env",
        "side",
        "set",
        "PROXY_MODE=mesh",
        "-c",
        "proxy",
        "--yes",
    ]);
    let sts = env.sts("default", "side").unwrap();
    let spec = &sts["spec"]["template"]["spec"];
    assert_eq!(
        spec["initContainers"][1]["env"][0]["value"], "mesh",
        "{spec:#}"
    );
    assert_eq!(spec["initContainers"][1]["restartPolicy"], "Always");
    assert_eq!(spec["containers"][0]["env"][0]["value"], "web");
    assert_eq!(spec["containers"].as_array().unwrap().len(), 2);
    assert_eq!(spec["initContainers"].as_array().unwrap().len(), 2);

    // logs -c reaches the init container and the sidecar; --all-containers shows all four.
    lifecycle_util::wait_settled(&env, "side");
    let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
        c.get(&PODS, Some("default"), "side-0")
            .is_ok_and(|p| p["status"]["containerStatuses"][0]["ready"] == true)
    });
    assert!(ok);
    for c in ["setup", "proxy"] {
        let o = env.run(["logs", "side", "-c", c]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        assert!(o.stdout.contains(&format!("[side-0/{c}]")), "{}", o.stdout);
    }
    // The default container is noted as kubectl notes it.
    let o = env.run(["logs", "side"]);
    assert!(
        o.stderr.contains(
            r#"Defaulted container "app" out of: app, worker, setup (init), proxy (init)"#
        ),
        "{}",
        o.stderr
    );
    if let Some(mut k) = env.sim.kubectl(["logs", "side-0"]) {
        let k = k.output().unwrap();
        assert!(
            String::from_utf8_lossy(&k.stderr).contains(
                r#"Defaulted container "app" out of: app, worker, setup (init), proxy (init)"#
            ),
            "{}",
            String::from_utf8_lossy(&k.stderr)
        );
    }
    let all = env.ok(["logs", "side", "--all-containers"]);
    for c in ["setup", "proxy", "app", "worker"] {
        assert!(all.contains(&format!("[side-0/{c}]")), "{c}: {all}");
    }

    // -f: the completed init container's stream is read once and ends (it never runs again),
    // the sidecar and the containers stay followed.
    env.sim.clear_requests();
    let mut child = env
        .std_cmd(["logs", "side", "-f", "--all-containers"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(2000));
    let _ = child.kill();
    let _ = child.wait();
    let reads = |c: &str| {
        env.sim
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/log") && r.param("container").as_deref() == Some(c))
            .count()
    };
    assert_eq!(reads("setup"), 1, "{:#?}", env.sim.requests());
    assert_eq!(reads("proxy"), 1);
}
