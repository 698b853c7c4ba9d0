//! The `create -i` wizard in a pseudo-terminal (expectrl), against kube-sim.

mod common;
mod lifecycle_util;

use expectrl::Expect;
use std::time::Duration;

use common::TestEnv;

/// Waits for `prompt` (`re:` marks a regular expression, to see what is listed before a
/// prompt), then types `text`: a yes/no question takes its key alone (dialoguer's Confirm
/// answers on `y`/`n`), any other answer ends with Enter. `settle` waits 50 ms first, for a
/// prompt that flushes keys typed before it takes the terminal.
#[cfg(unix)]
fn type_answer<S: Expect>(p: &mut S, prompt: &str, text: &str, settle: bool) {
    match prompt.strip_prefix("re:") {
        Some(re) => p.expect(expectrl::Regex(re)),
        None => p.expect(prompt),
    }
    .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
    if settle {
        std::thread::sleep(Duration::from_millis(50));
    }
    if text == "y" || text == "n" {
        p.send(text).unwrap();
    } else {
        p.send(format!("{text}\r")).unwrap();
    }
}

#[cfg(unix)]
#[test]
fn wizard_walks_the_console_steps_and_creates() {
    let env = TestEnv::new();
    let save = env.sim.temp_dir().join("saved.yaml");
    env.sim
        .apply_yaml(
            r#"
apiVersion: v1
kind: Secret
metadata: {name: pg-creds}
stringData: {password: x}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data: {index.html: "<h1>hi</h1>"}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: taken}
spec:
  replicas: 0
  serviceName: taken
  selector: {matchLabels: {app: taken}}
  template:
    metadata: {labels: {app: taken}}
    spec: {containers: [{name: c, image: nginx}]}
"#,
        )
        .expect("apply");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
    cmd.args(["create", "-i", "--save"]).arg(&save);
    cmd.env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .env("KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK", "true")
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut answer = |prompt: &str, text: &str| type_answer(&mut p, prompt, text, false);
    // A name that is taken is refused as it is typed.
    answer("Name", "taken");
    answer("already exists", "web");
    answer("Alias", "Web site");
    answer("Description", "");
    answer("Replicas", "2");
    answer("Image", "nginx:1.27");
    answer("Container name", "");
    answer("Image pull policy", "");
    answer("Port", "80");
    answer("Port", "");
    answer(
        r"re:Secrets: pg-creds \(password\)[\s\S]*Environment",
        "MODE=prod",
    );
    answer("Environment", "PW=secret:pg-creds:nope");
    answer("has no key", "PW=secret:pg-creds:password");
    answer("Environment", "");
    answer("CPU request", "100m");
    answer("CPU limit", "");
    answer("Memory request", "");
    answer("Memory limit", "");
    answer("Liveness probe", "grpc:80");
    answer("unknown probe type", "tcp:80");
    answer("Readiness probe", "");
    answer("Startup probe", "");
    answer("Start command", "");
    answer("Arguments", "");
    answer("Add another container", "y");
    answer("Sidecar NAME=IMAGE", "nginx=busybox");
    // The name is taken: asked again.
    answer("already used", "metrics=prom/nginx-exporter:1.1");
    answer("Native sidecar", "n");
    answer("Port of metrics", "metrics:9113");
    answer("Port of metrics", "");
    answer("Add another container", "y");
    answer(
        "Sidecar NAME=IMAGE",
        "logs=busybox:1.36 sh -c 'tail -F /logs/x'",
    );
    answer("Native sidecar", "y");
    answer("Port of logs", "");
    answer("Add another container", "");
    answer("Update strategy", "");
    answer("Partition", "");
    answer("Deployment mode", "");
    answer("Sync host timezone", "");
    answer("Step 2/4 done", "");
    answer(
        r"re:StorageClasses: .*\(default\)[\s\S]*Volume claim",
        "data:1Gi:/data",
    );
    answer("Volume claim", "");
    answer("Mount", "nope@emptydir:logs:/logs");
    answer("no container", "logs@emptydir:logs:/logs");
    answer("Mount", "emptydir:logs:/var/log/nginx");
    answer("Mount", "configmap:missing:/etc/x");
    answer(
        "no configmap \"missing\"",
        "configmap:site/index.html:/usr/share/nginx/html/index.html",
    );
    answer("Mount", "");
    answer("Step 3/4 done", "");
    answer(
        r"re:Node labels: .*kubernetes.io/hostname=[\s\S]*Node selector",
        "disk=ssd",
    );
    answer("no node has the label", "");
    answer("Label", "");
    answer("Annotation", "");
    // Back to step 3 (arrow down, Enter): its answers are kept and shown.
    answer("Step 4/4 done", "\x1b[B");
    answer(r"re:  data:1Gi:/data[\s\S]*Volume claim", "");
    answer(r"re:/var/log/nginx[\s\S]*Mount", "");
    answer("Step 3/4 done", "");
    answer("Node selector", "");
    answer("Label", "");
    answer("Annotation", "");
    answer("Step 4/4 done", "");
    answer("Create it?", "");
    p.expect("Equivalent command").unwrap();
    p.expect("statefulset.apps/web created").unwrap();
    p.expect(expectrl::Eof).unwrap();

    let sts = env.sts("default", "web").expect("created");
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(
        sts["metadata"]["annotations"]["kubesphere.io/alias-name"],
        "Web site"
    );
    let c = &sts["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["name"], "nginx");
    assert_eq!(c["ports"][0]["containerPort"], 80);
    assert_eq!(c["env"][0]["value"], "prod");
    assert_eq!(c["env"][1]["valueFrom"]["secretKeyRef"]["key"], "password");
    assert_eq!(c["volumeMounts"][2]["subPath"], "index.html");
    assert!(sts["spec"]["template"]["spec"]["nodeSelector"].is_null());
    assert_eq!(c["resources"]["requests"]["cpu"], "100m");
    assert_eq!(c["livenessProbe"]["tcpSocket"]["port"], 80);
    assert_eq!(c["volumeMounts"][1]["mountPath"], "/var/log/nginx");
    let pod = &sts["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][1]["name"], "metrics");
    assert_eq!(pod["containers"][1]["ports"][0]["containerPort"], 9113);
    assert_eq!(pod["initContainers"][0]["name"], "logs");
    assert_eq!(pod["initContainers"][0]["restartPolicy"], "Always");
    assert_eq!(pod["initContainers"][0]["volumeMounts"][0]["name"], "logs");
    assert_eq!(
        sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "data"
    );
    assert!(env.svc("default", "web").is_some());
    let saved = std::fs::read_to_string(&save).unwrap();
    assert!(
        saved.contains("kind: StatefulSet") && saved.contains("kind: Service"),
        "{saved}"
    );
}

#[cfg(unix)]
#[test]
fn get_without_name_offers_a_picker_on_a_terminal() {
    let env = TestEnv::new();
    env.ok(["create", "alpha", "--image", "nginx"]);
    env.ok(["create", "beta", "--image", "nginx"]);
    env.wait_ready("default", "alpha", 1);
    env.wait_ready("default", "beta", 1);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
    cmd.arg("get");
    cmd.env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .env("KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK", "true")
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    p.expect("StatefulSet in default").unwrap();
    p.expect("beta").unwrap();
    // Down to the second entry, then Enter.
    p.send("\x1b[B").unwrap();
    p.send("\r").unwrap();
    p.expect("Name:").unwrap();
    // The detail page of the picked one: its pod, not the other's.
    let rest = p.expect("beta-0").unwrap();
    assert!(!String::from_utf8_lossy(rest.before()).contains("alpha-0"));
    p.expect(expectrl::Eof).unwrap();
}

/// `edit-template -i`: the questions come prefilled with the current values; only what is
/// changed is sent, the rest (here the readiness probe) stays as it was.
#[cfg(unix)]
#[test]
fn edit_template_interactive_is_prefilled_and_changes_only_what_is_answered() {
    let env = TestEnv::new();
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--port",
        "80",
        "--readiness",
        "tcp:80",
        "--readiness-opts",
        "period=7",
    ]);
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
    cmd.args(["edit-template", "web", "-i"]);
    cmd.env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    // Each prompt takes the terminal first (a key typed before may be flushed).
    let mut answer = |prompt: &str, text: &str| type_answer(&mut p, prompt, text, true);
    answer("Container", "");
    // The image is prefilled: erase it, type the new one.
    answer("Image", &format!("{}nginx:1.28", "\x7f".repeat(10)));
    answer("ports: tcp-80:80", "");
    answer("Set a variable", "MODE=prod");
    answer("Set a variable", "");
    for q in [
        "CPU request",
        "CPU limit",
        "Memory request",
        "Memory limit",
        "Start command",
        "Arguments",
        "Liveness probe",
    ] {
        answer(q, "");
    }
    answer("Readiness probe", "");
    answer("Startup probe", "");
    answer("Mount into nginx", "emptydir:cache:/cache");
    answer("Mount into nginx", "");
    answer("Unmount", "");
    answer("Update strategy", "");
    answer("Partition", "");
    // The diff, the rollout, then the question.
    answer(
        r"re:-\s+- image: nginx:1.27[\s\S]*\+\s+image: nginx:1.28[\s\S]*highest ordinal first[\s\S]*Apply this change",
        "y",
    );
    // The controller wrote the status meanwhile (a new resourceVersion): the same edit is
    // made on the newer object, not refused.
    p.expect("template edited").unwrap();
    p.expect(expectrl::Eof).unwrap();

    let sts = env.sts("default", "web").unwrap();
    let c = &sts["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(c["image"], "nginx:1.28");
    assert_eq!(c["env"][0]["value"], "prod");
    assert_eq!(c["volumeMounts"][0]["mountPath"], "/cache");
    assert_eq!(c["readinessProbe"]["periodSeconds"], 7);
    assert_eq!(c["readinessProbe"]["tcpSocket"]["port"], 80);
}

/// The database-like set from the wizard, against the real registry (image checks on, the
/// kubelet pulling through it): each image is looked up as it is typed (a missing tag asked
/// again), the ports of each default to its image's, a missing Secret key is asked again;
/// several containers, each volume kind and a claim template; all pods ready at the end.
#[cfg(unix)]
#[test]
fn wizard_builds_the_database_set_against_the_registry() {
    let Some((_reg, env)) = lifecycle_util::db_env() else {
        return;
    };
    let mut p = expectrl::Session::spawn(env.pty_cmd(["create", "-i"])).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut answer = |prompt: &str, text: &str| type_answer(&mut p, prompt, text, false);
    answer("Name", "db");
    answer("Alias", "");
    answer("Description", "");
    answer("Replicas", "3");
    answer("Image", "postgres:18");
    answer("MANIFEST_UNKNOWN", "postgres:16");
    answer("Container name", "");
    answer("Image pull policy", "");
    // The image's port, listed before the prompt for more.
    answer(
        r"re:the image postgres:16 exposes 5432/TCP[\s\S]*5432/TCP[\s\S]*Port",
        "",
    );
    answer("Environment", "POSTGRES_PASSWORD=secret:pg-creds:nope");
    answer("has no key", "POSTGRES_PASSWORD=secret:pg-creds:password");
    answer("Environment", "");
    for q in [
        "CPU request",
        "CPU limit",
        "Memory request",
        "Memory limit",
        "Liveness probe",
    ] {
        answer(q, "");
    }
    answer("Readiness probe", "tcp:5432");
    answer("Startup probe", "");
    answer("Start command", "");
    answer("Arguments", "");
    answer("Add another container", "y");
    answer("Sidecar NAME=IMAGE", "metrics=prom/postgres-exporter:v9");
    answer("MANIFEST_UNKNOWN", "metrics=prom/postgres-exporter:v0.15");
    answer("Native sidecar", "n");
    answer(
        r"re:exposes 9187/TCP[\s\S]*9187/TCP[\s\S]*Port of metrics",
        "",
    );
    answer("Add another container", "y");
    answer(
        "Sidecar NAME=IMAGE",
        "logs=busybox:1.36 sh -c 'tail -F /scratch/log'",
    );
    answer("Native sidecar", "y");
    answer("Port of logs", "");
    answer("Add another container", "");
    answer("Update strategy", "");
    answer("Partition", "");
    answer("Deployment mode", "");
    answer("Sync host timezone", "");
    answer("Step 2/4 done", "");
    answer("Volume claim", "data:1Gi:/var/lib/postgresql/data");
    answer("Volume claim", "");
    answer(
        "Mount",
        "configmap:pg-conf/postgresql.conf:/etc/postgresql/postgresql.conf",
    );
    answer("Mount", "secret:pg-creds:/run/secrets/pg:ro");
    answer("Mount", "emptydir:scratch:/scratch");
    answer("Mount", "logs@emptydir:scratch:/scratch");
    answer("Mount", "");
    answer("Step 3/4 done", "");
    answer("Node selector", "");
    answer("Label", "");
    answer("Annotation", "");
    answer("Step 4/4 done", "");
    answer("Create it?", "");
    p.expect("Equivalent command").unwrap();
    let done = p.expect("statefulset.apps/db created").unwrap();
    // The same set from flags: the images' ports written out.
    let said = String::from_utf8_lossy(done.before()).into_owned();
    for w in [
        "--image postgres:16 --replicas 3 --port 5432/TCP",
        "-c metrics --port 9187/TCP",
        "-c logs --native",
    ] {
        assert!(said.contains(w), "{w:?} not in:\n{said}");
    }
    p.expect(expectrl::Eof).unwrap();

    env.wait_ready("default", "db", 3);
    lifecycle_util::wait_settled(&env, "db");
    let sts = env.sts("default", "db").unwrap();
    let pod = &sts["spec"]["template"]["spec"];
    let c = &pod["containers"];
    assert_eq!(c[0]["image"], "postgres:16");
    assert_eq!(c[0]["ports"][0]["containerPort"], 5432);
    assert_eq!(c[0]["ports"][0]["name"], "tcp-5432");
    assert_eq!(c[0]["readinessProbe"]["tcpSocket"]["port"], 5432);
    assert_eq!(
        c[0]["env"][0]["valueFrom"]["secretKeyRef"]["key"],
        "password"
    );
    assert_eq!(c[1]["name"], "metrics");
    assert_eq!(c[1]["ports"][0]["containerPort"], 9187);
    assert_eq!(pod["initContainers"][0]["name"], "logs");
    assert_eq!(pod["initContainers"][0]["restartPolicy"], "Always");
    assert_eq!(
        pod["initContainers"][0]["volumeMounts"][0]["mountPath"],
        "/scratch"
    );
    let vols: Vec<&str> = pod["volumes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap())
        .collect();
    assert_eq!(vols, ["cm-pg-conf", "secret-pg-creds", "scratch"]);
    assert_eq!(
        sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"],
        "data"
    );
    let svc_ports: Vec<i64> = env.svc("default", "db").unwrap()["spec"]["ports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["port"].as_i64().unwrap())
        .collect();
    assert_eq!(svc_ports, [5432, 9187]);
}

/// The wizard with image checks on and the registry down: the image is taken with the same
/// one-line warning as `create` gives, and no port is made up.
#[cfg(unix)]
#[test]
fn wizard_takes_an_image_it_cannot_check_with_a_warning() {
    let Some((mut reg, env)) = lifecycle_util::db_env() else {
        return;
    };
    reg.stop();
    let mut p = expectrl::Session::spawn(env.pty_cmd(["create", "-i"])).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut answer = |prompt: &str, text: &str| type_answer(&mut p, prompt, text, false);
    answer("Name", "web");
    answer("Alias", "");
    answer("Description", "");
    answer("Replicas", "");
    answer("Image", "postgres:16");
    answer("Container name", "");
    answer("Image pull policy", "");
    answer(
        &format!(
            "Warning: image \"postgres:16\" not checked: cannot reach the registry {}",
            reg.host()
        ),
        "",
    );
    for q in [
        "Environment",
        "CPU request",
        "CPU limit",
        "Memory request",
        "Memory limit",
        "Liveness probe",
        "Readiness probe",
        "Startup probe",
        "Start command",
        "Arguments",
        "Add another container",
        "Update strategy",
        "Partition",
        "Deployment mode",
        "Sync host timezone",
        "Step 2/4 done",
        "Volume claim",
        "Mount",
        "Step 3/4 done",
        "Node selector",
        "Label",
        "Annotation",
        "Step 4/4 done",
        "Create it?",
    ] {
        answer(q, "");
    }
    p.expect("statefulset.apps/web created").unwrap();
    p.expect(expectrl::Eof).unwrap();
    let sts = env.sts("default", "web").expect("created");
    assert!(sts["spec"]["template"]["spec"]["containers"][0]["ports"].is_null());
}
