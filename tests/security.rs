//! Security: TLS is verified by default (an unknown CA is refused with an error naming the
//! certificate; `--insecure-skip-tls-verify` skips it only when asked), the bearer token never
//! reaches any output (including `-v -v` and error paths), and exec credential plugins work
//! without their token being printed.

mod common;

use common::{Output, TestEnv};
use kube_sim::server::{FaultAction, FaultRule};
use kube_sim::{KubeSim, SimOptions};
use std::path::{Path, PathBuf};

const WEB: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: default}\nspec:\n  clusterIP: None\n  selector: {app: web}\n  ports: [{name: http, port: 80}]\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web, namespace: default}\nspec:\n  serviceName: web\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: nginx:1.25}]}\n";

/// A kubeconfig for `env`'s server with the given CA (None: no certificate-authority-data)
/// and user entry (YAML for `user:`).
fn kubeconfig(env: &TestEnv, ca_pem: Option<&str>, user: &str) -> PathBuf {
    let ca = ca_pem
        .map(|pem| {
            use std::fmt::Write;
            let mut b64 = String::new();
            // base64 without a crate: the simulator's helper renders it for us.
            let rendered = kube_sim::kubeconfig::render("x", "x", Some(pem), "default");
            for l in rendered.lines() {
                if let Some(v) = l.trim().strip_prefix("certificate-authority-data:") {
                    let _ = write!(b64, "{}", v.trim());
                }
            }
            format!("    certificate-authority-data: {b64}\n")
        })
        .unwrap_or_default();
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: sim\n  cluster:\n    server: {}\n{ca}users:\n- name: me\n  user:\n{user}contexts:\n- name: sim\n  context: {{cluster: sim, user: me, namespace: default}}\ncurrent-context: sim\n",
        env.sim.base_url()
    );
    let path = env.sim.temp_dir().join(format!(
        "kubeconfig-{}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

fn token_user(env: &TestEnv) -> String {
    format!("    token: {}\n", env.sim.token())
}

fn run_with(env: &TestEnv, cfg: &Path, args: &[&str]) -> Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.push("--kubeconfig".into());
    all.push(cfg.display().to_string());
    env.run(all)
}

fn show(o: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        o.code, o.stdout, o.stderr
    )
}

fn assert_no_token(o: &Output, token: &str) {
    assert!(
        !o.stdout.contains(token) && !o.stderr.contains(token),
        "the bearer token leaked:\nstdout:\n{}\nstderr:\n{}",
        o.stdout,
        o.stderr
    );
}

#[test]
fn tls_is_verified_by_default_and_an_unknown_ca_is_refused() {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    let no_ca = kubeconfig(&env, None, &token_user(&env));
    let o = run_with(&env, &no_ca, &["list"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    let first = o.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error: "), "{}", o.stderr);
    assert!(
        o.stderr.to_lowercase().contains("certificate"),
        "the error should name the certificate:\n{}",
        o.stderr
    );
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    assert_no_token(&o, env.sim.token());
    // the handshake failed: no request reached the server
    assert!(env.sim.requests().is_empty(), "{:?}", env.sim.requests());

    // a CA of another cluster is refused the same way
    let other = KubeSim::start(SimOptions {
        tls: true,
        controllers: false,
        ..Default::default()
    })
    .unwrap();
    let wrong_ca = kubeconfig(&env, other.ca_pem(), &token_user(&env));
    let o = run_with(&env, &wrong_ca, &["get", "web"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(
        o.stderr.to_lowercase().contains("certificate"),
        "{}",
        o.stderr
    );

    // the right CA works
    let right = kubeconfig(&env, env.sim.ca_pem(), &token_user(&env));
    let o = run_with(&env, &right, &["list"]);
    assert_eq!(o.code, 0, "{}", show(&o));
    assert!(o.stdout.contains("web"), "{}", o.stdout);
}

#[test]
fn insecure_skip_tls_verify_works_only_when_asked() {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    let no_ca = kubeconfig(&env, None, &token_user(&env));
    let o = run_with(&env, &no_ca, &["get", "web", "--insecure-skip-tls-verify"]);
    assert_eq!(o.code, 0, "{}", show(&o));
    assert!(o.stdout.contains("web"), "{}", o.stdout);
    // and without the flag the same kubeconfig is refused again (nothing is remembered)
    let o = run_with(&env, &no_ca, &["get", "web"]);
    assert_ne!(o.code, 0, "{}", show(&o));
}

#[test]
fn the_bearer_token_never_appears_in_any_output() {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    let token = env.sim.token().to_string();
    let mut outputs = vec![
        env.run(["list", "-v", "-v"]),
        env.run(["get", "web", "-v", "-v", "-v"]),
        env.run(["get", "web", "-o", "yaml", "-v", "-v"]),
        env.run(["get", "missing", "-v", "-v"]),
        env.run(["create", "web", "--image", "nginx", "-v", "-v"]),
    ];
    // server errors (retries exhausted) with -v -v
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets",
        FaultAction::InternalError,
        50,
    ));
    outputs.push(env.run(["list", "-v", "-v"]));
    env.sim.clear_faults();
    // a wrong token: 401 with -v -v
    let bad = kubeconfig(
        &env,
        env.sim.ca_pem(),
        "    token: not-the-right-token-0123456789\n",
    );
    let o = run_with(&env, &bad, &["list", "-v", "-v"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(!o.stderr.contains("not-the-right-token"), "{}", o.stderr);
    outputs.push(o);
    for o in &outputs {
        assert_no_token(o, &token);
    }
    // the verbose runs did log requests (so the check above looked at real -v output)
    assert!(
        outputs[0].stderr.contains("GET /apis/apps/v1/"),
        "{}",
        outputs[0].stderr
    );
}

/// A kubeconfig `user.exec` entry running a shell script that prints an ExecCredential.
fn exec_user(env: &TestEnv, token: &str) -> String {
    let script = env.sim.temp_dir().join(format!("cred-{}.sh", token.len()));
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\ncat <<EOF\n{{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{{\"token\":\"{token}\"}}}}\nEOF\n"
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!(
        "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {}\n      interactiveMode: Never\n",
        script.display()
    )
}

#[test]
fn exec_credential_plugins_work_and_their_token_is_not_printed() {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    let token = env.sim.token().to_string();
    let cfg = kubeconfig(&env, env.sim.ca_pem(), &exec_user(&env, &token));
    let o = run_with(&env, &cfg, &["get", "web", "-v", "-v"]);
    assert_eq!(o.code, 0, "{}", show(&o));
    assert!(o.stdout.contains("web"), "{}", o.stdout);
    assert!(
        o.stderr.contains("GET "),
        "-v should log requests: {}",
        o.stderr
    );
    assert_no_token(&o, &token);

    // the exec token is really what authenticates: a wrong one is refused (401)
    let wrong = kubeconfig(&env, env.sim.ca_pem(), &exec_user(&env, "wrong-token"));
    let o = run_with(&env, &wrong, &["get", "web", "-v"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(!o.stderr.contains("wrong-token"), "{}", o.stderr);
    assert_no_token(&o, &token);
}
