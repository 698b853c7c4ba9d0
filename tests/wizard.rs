//! The `create -i` wizard in a pseudo-terminal (expectrl), against kube-sim.

mod common;

use expectrl::Expect;
use std::time::Duration;

use common::TestEnv;

#[cfg(unix)]
#[test]
fn wizard_walks_the_console_steps_and_creates() {
    let env = TestEnv::new();
    let save = env.sim.temp_dir().join("saved.yaml");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
    cmd.args(["create", "-i", "--save"]).arg(&save);
    cmd.env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .env("KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK", "true")
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(Duration::from_secs(20)));
    let mut answer = |prompt: &str, text: &str| {
        p.expect(prompt)
            .unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        p.send(format!("{text}\r")).unwrap();
    };
    answer("Name", "web");
    answer("Alias", "Web site");
    answer("Description", "");
    answer("Replicas", "2");
    answer("Image", "nginx:1.27");
    answer("Container name", "");
    answer("Image pull policy", "");
    answer("Port", "80");
    answer("Port", "");
    answer("Environment", "MODE=prod");
    answer("Environment", "");
    answer("CPU request", "100m");
    answer("CPU limit", "");
    answer("Memory request", "");
    answer("Memory limit", "");
    answer("Liveness probe", "tcp:80");
    answer("Readiness probe", "");
    answer("Startup probe", "");
    answer("Start command", "");
    answer("Arguments", "");
    answer("Update strategy", "");
    answer("Partition", "");
    answer("Deployment mode", "");
    answer("Sync host timezone", "");
    answer("Volume claim", "data:1Gi:/data");
    answer("Volume claim", "");
    answer("Node selector", "");
    answer("Label", "");
    answer("Annotation", "");
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
    assert_eq!(c["resources"]["requests"]["cpu"], "100m");
    assert_eq!(c["livenessProbe"]["tcpSocket"]["port"], 80);
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
