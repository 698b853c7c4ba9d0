//! `logs` shows what can be shown: streams that cannot be read (a container waiting to start,
//! no previous container under `--previous`) are named on stderr with the server's reason,
//! the others are printed, and the exit code is 0 when something could be read; when nothing
//! could, it fails with the server's message, as `kubectl logs` does.

mod common;
mod lifecycle_util;

use std::time::Duration;

use common::TestEnv;
use kube_sim::resources::PODS;
use serde_json::Value;

const SETS: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: mix}
spec:
  replicas: 1
  serviceName: mix
  selector: {matchLabels: {app: mix}}
  template:
    metadata: {labels: {app: mix}}
    spec:
      containers:
      - {name: main, image: nginx:1.27}
      - name: cfg
        image: busybox:1.36
        env: [{name: MODE, valueFrom: {configMapKeyRef: {name: nocfg, key: mode}}}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: crash}
spec:
  replicas: 1
  serviceName: crash
  selector: {matchLabels: {app: crash}}
  template:
    metadata: {labels: {app: crash}}
    spec:
      containers:
      - {name: main, image: nginx:1.27}
      - {name: crasher, image: busybox:crash}
"#;

fn container(env: &TestEnv, pod: &str, name: &str) -> Value {
    env.sim
        .cluster()
        .get(&PODS, Some("default"), pod)
        .ok()
        .and_then(|p| {
            p["status"]["containerStatuses"]
                .as_array()?
                .iter()
                .find(|c| c["name"] == name)
                .cloned()
        })
        .unwrap_or(Value::Null)
}

fn until(env: &TestEnv, what: &str, mut f: impl FnMut() -> bool) {
    assert!(
        env.sim.wait_until(Duration::from_secs(30), |_| f()),
        "never: {what}"
    );
}

#[test]
fn logs_show_what_can_be_shown_and_name_what_cannot() {
    let env = lifecycle_util::env();
    env.sim.apply_yaml(SETS).expect("apply");
    until(&env, "mix-0/main running, cfg waiting", || {
        !container(&env, "mix-0", "main")["state"]["running"].is_null()
            && container(&env, "mix-0", "cfg")["state"]["waiting"]["reason"]
                == "CreateContainerConfigError"
    });
    until(&env, "crash-0/crasher restarted", || {
        container(&env, "crash-0", "crasher")["restartCount"]
            .as_i64()
            .unwrap_or(0)
            >= 1
    });
    let waiting =
        r#"container "cfg" in pod "mix-0" is waiting to start: CreateContainerConfigError"#;

    // One stream readable, one waiting: the first is shown, the second named; exit 0.
    let o = env.run(["logs", "mix", "--all-containers"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("[mix-0/main]"), "{}", o.stdout);
    assert!(!o.stdout.contains("[mix-0/cfg]"), "{}", o.stdout);
    assert!(
        o.stderr
            .contains(&format!("no logs from mix-0/cfg: {waiting}")),
        "{}",
        o.stderr
    );
    // Nothing readable: kubectl's message, exit 1.
    let o = env.run(["logs", "mix", "-c", "cfg"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(waiting), "{}", o.stderr);
    if let Some(mut k) = env
        .sim
        .kubectl(["logs", "-l", "app=mix", "-c", "cfg", "--prefix"])
    {
        let k = k.output().unwrap();
        assert!(!k.status.success());
        assert!(
            String::from_utf8_lossy(&k.stderr).contains(waiting),
            "kubectl says otherwise: {}",
            String::from_utf8_lossy(&k.stderr)
        );
    }

    // --previous: the crashed container's previous instance is shown, the one without is named.
    let none = r#"previous terminated container "main" in pod "crash-0" not found"#;
    let o = env.run(["logs", "crash", "--previous", "--all-containers"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("[crash-0/crasher]"), "{}", o.stdout);
    assert!(
        o.stderr
            .contains(&format!("no logs from crash-0/main: {none}")),
        "{}",
        o.stderr
    );
    let o = env.run(["logs", "crash", "--previous", "-c", "main"]);
    assert_eq!(o.code, 1, "{}{}", o.stdout, o.stderr);
    assert!(o.stderr.contains(none), "{}", o.stderr);

    // -f names the container it waits for, and follows it once it starts (the ConfigMap
    // appears; the kubelet's next try starts the container).
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let out_path = dir.path().join("stdout");
    let mut child = env
        .std_cmd(["logs", "mix", "-f", "--all-containers"])
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    until(&env, "logs -f names the waiting container", || {
        read(&err_path).contains(
            "mix-0/cfg is waiting to start: CreateContainerConfigError; followed once it starts",
        )
    });
    env.sim
        .apply_yaml(
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nocfg}\ndata: {mode: fast}\n",
        )
        .expect("configmap");
    let followed = env.sim.wait_until(Duration::from_secs(30), |_| {
        read(&out_path).contains("[mix-0/cfg]")
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        followed,
        "stdout:\n{}\nstderr:\n{}",
        read(&out_path),
        read(&err_path)
    );
    assert!(
        read(&err_path).contains("Following pod mix-0 container cfg."),
        "{}",
        read(&err_path)
    );
}

/// A request the user may not make (403) leaves out only what it would show, and says so:
/// one pod's log, the pod list (logs and top read the pods by name or by their metrics), the
/// metrics, and the pods under `get --watch`.
#[test]
fn forbidden_requests_leave_out_only_what_they_would_show() {
    use kube_sim::server::FaultRule;
    use kube_sim::FaultAction;
    use std::io::{BufRead, BufReader};
    let env = lifecycle_util::env();
    lifecycle_util::create(&env, "web", "nginx:1.27", 2);
    let forbid = |path: &str| {
        env.sim.clear_faults();
        env.sim.add_fault(FaultRule::new(
            Some("GET"),
            path,
            FaultAction::Forbidden,
            1000,
        ));
    };

    forbid("/pods/web-1/log");
    let o = env.run(["logs", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("[web-0/"), "{}", o.stdout);
    assert!(!o.stdout.contains("[web-1/"), "{}", o.stdout);
    assert!(
        o.stderr.contains("no logs from web-1/") && o.stderr.contains("forbidden"),
        "{}",
        o.stderr
    );

    let pod_list = "/api/v1/namespaces/default/pods?";
    forbid(pod_list);
    let o = env.run(["logs", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("[web-0/") && o.stdout.contains("[web-1/"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains(
            "warning: the pods could not be listed, reading web-<ordinal> by name: forbidden"
        ),
        "{}",
        o.stderr
    );

    let o = env.run(["top", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("web-0") && o.stdout.contains("web-1"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr.contains("the pods could not be listed, those named web-<ordinal> are shown by their metrics: forbidden"),
        "{}",
        o.stderr
    );

    let mut child = env
        .std_cmd(["get", "web", "--watch"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        first.starts_with("web: 2/2 ready") && first.contains("pods: not shown (forbidden)"),
        "{first}"
    );
    assert!(
        err.contains("warning: the pods are not shown: forbidden"),
        "{err}"
    );

    forbid("/apis/metrics.k8s.io/");
    let o = env.run(["top", "web"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stdout.contains("web-0") && o.stdout.contains("<none>"),
        "{}",
        o.stdout
    );
    assert!(
        o.stderr
            .contains("warning: the pods' usage is not shown: forbidden"),
        "{}",
        o.stderr
    );
}
