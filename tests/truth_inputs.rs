//! Issue 10, inputs and errors: nothing the user gives is silently ignored, usage errors exit 2,
//! output matches kubectl's where kubectl has one. End to end against kube-sim.

mod common;

use common::TestEnv;

fn web(env: &TestEnv) {
    env.ok(["create", "web", "--image", "nginx:1.27"]);
}

#[test]
fn create_file_refuses_the_flags_it_would_ignore() {
    let env = TestEnv::new();
    let file = env.sim.temp_dir().join("web.yaml");
    let manifest = env.ok([
        "create",
        "web",
        "--image",
        "nginx",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    std::fs::write(&file, manifest).unwrap();
    let o = env.run(["create", "-f"].iter().map(|s| s.to_string()).chain([
        file.display().to_string(),
        "--image".into(),
        "X".into(),
        "--replicas".into(),
        "5".into(),
    ]));
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("--image"), "{}", o.stderr);
    assert!(o.stderr.contains("--replicas"), "{}", o.stderr);
    assert!(env.sts("default", "web").is_none());
    // The flags that do apply to a manifest are still accepted.
    let o = env.run(
        [
            "create",
            "--dry-run=server",
            "--service-name",
            "web-h",
            "-f",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([file.display().to_string()]),
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn on_delete_with_partition_or_max_unavailable_is_refused() {
    let env = TestEnv::new();
    web(&env);
    for extra in ["--partition", "--max-unavailable"] {
        let o = env.run(["update-strategy", "web", "--on-delete", extra, "2"]);
        assert_eq!(o.code, 2, "{extra}: {}", o.stderr);
        assert!(o.stderr.contains(extra), "{}", o.stderr);
    }
    assert_eq!(
        env.sts("default", "web").unwrap()["spec"]["updateStrategy"]["type"],
        "RollingUpdate"
    );
}

#[test]
fn values_out_of_range_are_usage_errors() {
    let env = TestEnv::new();
    web(&env);
    for args in [
        &["scale", "web", "-1"][..],
        &["scale", "web", "x"],
        &["scale", "web", "3", "--current-replicas", "-2"],
        &["update-strategy", "web", "--rolling", "--partition", "-1"],
        &["create", "db", "--image", "pg", "--partition", "-1"],
        &["create", "db", "--image", "pg", "--replicas", "-3"],
        &["list", "--request-timeout", "abc"],
        &["scale", "web", "2", "--wait", "--timeout", "soon"],
        &["logs", "web", "--since", "yesterday"],
        &["logs", "web", "--since-time", "noon"],
        &["top", "web", "--watch", "--interval", "often"],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.starts_with("error: invalid value"),
            "{args:?}: {}",
            o.stderr
        );
    }
    // Flags that contradict each other are usage errors too, and nothing is created.
    for args in [
        &[
            "create",
            "db",
            "--image",
            "pg",
            "--update-strategy",
            "OnDelete",
            "--partition",
            "2",
        ][..],
        &["create", "db", "--image", "pg", "--update-strategy", "Blue"],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains("--update-strategy"),
            "{args:?}: {}",
            o.stderr
        );
    }
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 1);
    assert!(env.sts("default", "db").is_none());
}

#[test]
fn an_output_format_a_command_cannot_write_is_a_usage_error() {
    let env = TestEnv::new();
    web(&env);
    for args in [
        &["get", "web", "-o", "wide"][..],
        &["events", "web", "-o", "wide"],
        &["logs", "web", "-o", "yaml"],
        &["env", "web", "set", "A=1", "-o", "yaml"],
        &["edit", "web", "--alias", "x", "-o", "json"],
        &["scale", "web", "2", "-o", "wide"],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.contains("'--output <FORMAT>'"), "{}", o.stderr);
    }
    let sts = env.sts("default", "web").unwrap();
    assert_eq!(sts["spec"]["replicas"], 1, "nothing was sent");
    assert!(sts["metadata"]["annotations"]["kubesphere.io/alias-name"].is_null());
    // What a command can write is still accepted.
    env.ok(["get", "web", "-o", "name"]);
    env.ok(["list", "-o", "wide"]);
    env.ok(["pods", "web", "-o", "wide"]);
    env.ok(["env", "web", "-o", "json"]);
}

#[test]
fn client_dry_run_writes_a_namespace_only_when_given() {
    let env = TestEnv::new();
    let out = env.ok([
        "create",
        "web",
        "--image",
        "nginx",
        "--dry-run=client",
        "-o",
        "yaml",
    ]);
    assert!(!out.contains("namespace:"), "{out}");
    let out = env.ok([
        "create",
        "web",
        "--image",
        "nginx",
        "--dry-run=client",
        "-o",
        "yaml",
        "-n",
        "prod",
    ]);
    assert_eq!(out.matches("namespace: prod").count(), 2, "{out}");
}

#[test]
fn yaml_output_quotes_timestamps_as_kubectl() {
    let env = TestEnv::new();
    web(&env);
    let out = env.ok(["get", "web", "-o", "yaml"]);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("creationTimestamp: \""))
        .unwrap_or_else(|| panic!("no quoted creationTimestamp in\n{out}"));
    assert!(line.trim_end().ends_with("Z\""), "{line}");
    // The template's null timestamp stays `null`, as kubectl writes it.
    assert!(out.contains("creationTimestamp: null"), "{out}");
}

#[test]
fn kubeconfig_list_skips_missing_files_as_kubectl() {
    let env = TestEnv::new();
    web(&env);
    let missing = env.sim.temp_dir().join("no-such-kubeconfig");
    let list = std::env::join_paths([
        missing.clone(),
        env.sim.kubeconfig_path().to_path_buf(),
        "".into(),
    ])
    .unwrap();
    let out = env
        .cmd(["list", "-o", "name"])
        .env("KUBECONFIG", &list)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "statefulset.apps/web\n"
    );
    // Only missing files: said plainly, naming them.
    let out = env
        .cmd(["list"])
        .env("KUBECONFIG", &missing)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("none of the files in $KUBECONFIG exists"),
        "{err}"
    );
    assert!(err.contains("no-such-kubeconfig"), "{err}");
}

const UNKNOWN_FIELD: &str = "apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: web
  replicas: 1
  bogus: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        imagePullPolice: Always
";

fn write(env: &TestEnv, name: &str, text: &str) -> String {
    let path = env.sim.temp_dir().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn create_file_with_an_unknown_field_is_refused_by_the_server_unless_validate_says() {
    let env = TestEnv::new();
    let file = write(&env, "web.yaml", UNKNOWN_FIELD);
    let o = env.run(["create", "-f", &file]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains(
            r#"StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error: unknown field "spec.bogus", unknown field "spec.template.spec.containers[0].imagePullPolice""#
        ),
        "{}",
        o.stderr
    );
    assert!(o.stderr.contains("--validate=warn"), "{}", o.stderr);
    assert!(env.sts("default", "web").is_none());
    assert!(env.svc("default", "web").is_none());
    assert!(env
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .all(|r| r.query.contains("fieldValidation=Strict")));

    // Ignore: created without the fields, nothing said.
    let o = env.run([
        "create",
        "-f",
        &file,
        "--validate=false",
        "--dry-run=server",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stderr.contains("Warning"), "{}", o.stderr);

    // Warn: created without the fields, the server's warnings shown as kubectl shows them.
    let o = env.run(["create", "-f", &file, "--validate=warn"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(r#"Warning: unknown field "spec.bogus""#),
        "{}",
        o.stderr
    );
    assert_eq!(
        o.stderr
            .matches(r#"Warning: unknown field "spec.bogus""#)
            .count(),
        1,
        "once: {}",
        o.stderr
    );
    let sts = env.sts("default", "web").unwrap();
    assert!(sts["spec"].get("bogus").is_none());
    assert_eq!(sts["spec"]["replicas"], 1);
}

#[test]
fn edit_yaml_file_with_an_unknown_field_is_refused_unless_validate_says() {
    let env = TestEnv::new();
    web(&env);
    let exported = env.ok(["edit-yaml", "web", "--export", "-"]);
    let edited = exported.replacen("replicas: 1", "replicas: 2\n  bogus: true", 1);
    assert_ne!(edited, exported);
    let file = write(&env, "edit.yaml", &edited);
    let o = env.run(["edit-yaml", "web", "--file", &file, "--yes"]);
    assert_ne!(o.code, 0, "{}", o.stdout);
    let all = format!("{}{}", o.stdout, o.stderr);
    assert!(all.contains(r#"unknown field "spec.bogus""#), "{all}");
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 1);

    let o = env.run([
        "edit-yaml",
        "web",
        "--file",
        &file,
        "--yes",
        "--validate=warn",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(
        o.stderr.contains(r#"Warning: unknown field "spec.bogus""#),
        "{}",
        o.stderr
    );
    assert_eq!(env.sts("default", "web").unwrap()["spec"]["replicas"], 2);
}

#[test]
fn create_file_refuses_a_service_that_does_not_select_the_pods() {
    let env = TestEnv::new();
    for (name, text, needle) in [
        (
            "other.yaml",
            UNKNOWN_FIELD
                .replace("selector: {app: web}", "selector: {app: db}")
                .replace("  bogus: 1\n", "")
                .replace("        imagePullPolice: Always\n", ""),
            "its selector needs app=db but the pod template's labels are app=web",
        ),
        (
            "none.yaml",
            UNKNOWN_FIELD
                .replace("  selector: {app: web}\n", "")
                .replace("  bogus: 1\n", "")
                .replace("        imagePullPolice: Always\n", ""),
            "has no spec.selector",
        ),
    ] {
        let file = write(&env, name, &text);
        let o = env.run(["create", "-f", &file]);
        assert_eq!(o.code, 1, "{name}: {}", o.stderr);
        assert!(o.stderr.contains(needle), "{name}: {}", o.stderr);
    }
    assert!(env.writes().is_empty(), "nothing sent");
}

#[test]
fn max_unavailable_dropped_by_the_server_is_no_success() {
    let env = TestEnv::new();
    web(&env);
    let o = env.run([
        "update-strategy",
        "web",
        "--rolling",
        "--partition",
        "1",
        "--max-unavailable",
        "2",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.contains("the server dropped --max-unavailable 2")
            && o.stderr.contains("MaxUnavailableStatefulSet"),
        "{}",
        o.stderr
    );
    let ru = &env.sts("default", "web").unwrap()["spec"]["updateStrategy"]["rollingUpdate"];
    assert_eq!(ru["partition"], 1, "the rest was applied, as said");
    assert!(ru.get("maxUnavailable").is_none());
}

#[cfg(unix)]
#[test]
fn edit_yaml_parse_errors_give_the_line_seen_in_the_editor() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    web(&env);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().display();
    // First run: break the serviceName line and note its line number in the file (the comment
    // header included); the reopened file is then saved unchanged.
    let script = format!(
        "#!/bin/sh\nF=\"$1\"\nif [ ! -f {d}/once ]; then\n  sed -i 's/^  serviceName: web$/  serviceName: web: x/' \"$F\"\n  grep -n '^  serviceName: web: x$' \"$F\" | cut -d: -f1 > {d}/line\n  touch {d}/once\nfi\n"
    );
    let editor = dir.path().join("editor.sh");
    std::fs::write(&editor, script).unwrap();
    std::fs::set_permissions(&editor, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = env
        .std_cmd(["edit-yaml", "web", "--yes"])
        .env("EDITOR", &editor)
        .env("TMPDIR", dir.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let line: usize = std::fs::read_to_string(dir.path().join("line"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(line > 5, "the header comes first: {line}");
    assert!(
        err.contains(&format!("at line {line}, column"))
            || err.contains(&format!("at line {line} column")),
        "line {line}: {err}"
    );
}

/// The simulator's kubeconfig changed by `edit`, written next to it.
fn kubeconfig_variant(env: &TestEnv, name: &str, edit: impl Fn(String) -> String) -> String {
    let text = std::fs::read_to_string(env.sim.kubeconfig_path()).unwrap();
    let changed = edit(text.clone());
    assert_ne!(changed, text, "{name}: the edit changed nothing");
    write(env, name, &changed)
}

fn run_with_kubeconfig(env: &TestEnv, kubeconfig: &str) -> common::Output {
    env.run(["list", "--kubeconfig", kubeconfig])
}

#[test]
fn connection_errors_name_the_server_and_call_tls_problems_tls() {
    let env = TestEnv::new();
    let server = env.sim.base_url().trim_end_matches('/').to_string();
    // Untrusted CA: no certificate-authority in the kubeconfig.
    let no_ca = kubeconfig_variant(&env, "no-ca.yaml", |t| {
        t.lines()
            .filter(|l| !l.contains("certificate-authority"))
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let o = run_with_kubeconfig(&env, &no_ca);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.starts_with("error: TLS error"), "{}", o.stderr);
    assert!(
        o.stderr.contains(&format!("API server at {server}")),
        "{}",
        o.stderr
    );
    assert!(!o.stderr.contains("cannot reach"), "{}", o.stderr);

    // Nothing listens: the URL is named.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let url = format!("https://127.0.0.1:{closed}");
    let refused = kubeconfig_variant(&env, "refused.yaml", |t| t.replace(&server, &url));
    let o = run_with_kubeconfig(&env, &refused);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .starts_with(&format!("error: cannot reach the API server at {url}")),
        "{}",
        o.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_failing_credential_plugin_is_reported_with_its_stderr() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    let plugin = env.sim.temp_dir().join("cred-plugin.sh");
    std::fs::write(
        &plugin,
        "#!/bin/sh\necho 'token expired: run `acme login` first' >&2\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let exec_user = |command: String| {
        move |t: String| {
            let token_line = t
                .lines()
                .find(|l| l.trim_start().starts_with("token:"))
                .expect("a token user")
                .to_string();
            t.replace(
                &token_line,
                &format!("    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: {command}\n      interactiveMode: Never"),
            )
        }
    };
    let failing = kubeconfig_variant(&env, "exec.yaml", exec_user(plugin.display().to_string()));
    let o = run_with_kubeconfig(&env, &failing);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(&format!(
            "error: getting credentials: exec: executable {} failed with exit code 3",
            plugin.display()
        )),
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("token expired: run `acme login` first"),
        "{}",
        o.stderr
    );
    assert!(
        !o.stderr.contains("Output {"),
        "no debug dump: {}",
        o.stderr
    );

    let missing = kubeconfig_variant(
        &env,
        "exec-missing.yaml",
        exec_user("acme-credential-helper".into()),
    );
    let o = run_with_kubeconfig(&env, &missing);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(
            "error: getting credentials: exec: executable acme-credential-helper not found"
        ),
        "{}",
        o.stderr
    );
}

/// A user who may read StatefulSets, their revisions, ConfigMaps and the Secret `open`, but
/// neither pods nor other Secrets; returns the kubeconfig for them.
fn limited_user(env: &TestEnv) -> String {
    env.sim
        .apply_yaml(
            "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: limited, namespace: default}
rules:
- apiGroups: [apps]
  resources: [statefulsets, controllerrevisions]
  verbs: [get, list, watch]
- apiGroups: ['']
  resources: [configmaps, services, events]
  verbs: [get, list]
- apiGroups: ['']
  resources: [secrets]
  resourceNames: [open]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: limited, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: limited}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: limited}
",
        )
        .unwrap();
    let token = env.sim.add_user("limited", &[]);
    env.sim
        .kubeconfig_for(&token)
        .unwrap()
        .display()
        .to_string()
}

#[test]
fn get_shows_the_set_when_listing_its_pods_is_forbidden() {
    let env = TestEnv::new();
    env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "2"]);
    env.wait_ready("default", "web", 2);
    let kubeconfig = limited_user(&env);
    let o = env.run(["get", "web", "--kubeconfig", &kubeconfig]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("Name:"), "{}", o.stdout);
    assert!(o.stdout.contains("2 desired | 2 ready"), "{}", o.stdout);
    assert!(
        o.stdout
            .contains("Pods:\n  <not shown: listing pods is forbidden>"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("web-0"), "{}", o.stdout);
    assert!(
        o.stderr
            .contains(r#"pods is forbidden: User "limited" cannot list resource "pods""#),
        "{}",
        o.stderr
    );
    // `pods` has nothing else to show: the refusal, plainly.
    let o = env.run(["pods", "web", "--kubeconfig", &kubeconfig]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr.starts_with(
            r#"error: forbidden: pods is forbidden: User "limited" cannot list resource "pods""#
        ),
        "{}",
        o.stderr
    );
}

#[test]
fn env_reveal_shows_what_may_be_read_and_names_the_forbidden_secret() {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            "apiVersion: v1
kind: Secret
metadata: {name: open, namespace: default}
stringData: {user: alice}
---
apiVersion: v1
kind: Secret
metadata: {name: closed, namespace: default}
stringData: {password: hunter2}
",
        )
        .unwrap();
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--env",
        "MODE=fast",
        "--env",
        "USER=secret:open:user",
        "--env",
        "PASSWORD=secret:closed:password",
    ]);
    let kubeconfig = limited_user(&env);
    let o = env.run(["env", "db", "--reveal", "--kubeconfig", &kubeconfig]);
    assert_eq!(o.code, 0, "{}\n{}", o.stdout, o.stderr);
    let row = |name: &str| {
        o.stdout
            .lines()
            .find(|l| l.split_whitespace().any(|w| w == name))
            .unwrap_or_else(|| panic!("no {name} row in\n{}", o.stdout))
            .to_string()
    };
    assert!(row("MODE").contains("fast"));
    assert!(row("USER").contains("alice"));
    assert!(
        row("PASSWORD").contains("<forbidden: secret/closed>"),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains("hunter2"));
    assert!(
        o.stderr.contains(
            r#"secrets "closed" is forbidden: User "limited" cannot get resource "secrets""#
        ),
        "{}",
        o.stderr
    );
}

/// Ctrl-C at a prompt in a pseudo-terminal: the process ends (status 130) and the last cursor
/// sequence it wrote shows the cursor (`ESC[?25h`), whatever the prompt had hidden.
#[cfg(unix)]
fn ctrl_c_at(env: &TestEnv, args: &[&str], answers: &[(&str, &str)], prompt: &str) {
    use expectrl::process::Healthcheck;
    use expectrl::Expect;
    const HIDE: &str = "\x1b[?25l";
    const SHOW: &str = "\x1b[?25h";
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
    cmd.args(args)
        .env("KUBECONFIG", env.sim.kubeconfig_path())
        .env("NO_COLOR", "1")
        .env("KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK", "true")
        .env("TERM", "xterm");
    let mut p = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    p.set_expect_timeout(Some(std::time::Duration::from_secs(20)));
    for (question, answer) in answers {
        p.expect(*question)
            .unwrap_or_else(|e| panic!("waiting for {question:?}: {e}"));
        p.send(format!("{answer}\r")).unwrap();
    }
    let before = p
        .expect(prompt)
        .unwrap_or_else(|e| panic!("{args:?}: waiting for {prompt:?}: {e}"));
    let mut seen = String::from_utf8_lossy(before.before()).into_owned();
    seen.push_str(&String::from_utf8_lossy(
        before.matches().next().unwrap_or_default(),
    ));
    // Let the prompt finish drawing (and hide the cursor) before interrupting it.
    std::thread::sleep(std::time::Duration::from_millis(300));
    p.send([3u8]).unwrap();
    let rest = p.expect(expectrl::Eof).unwrap();
    seen.push_str(&String::from_utf8_lossy(rest.before()));
    for m in rest.matches() {
        seen.push_str(&String::from_utf8_lossy(m));
    }
    let last_hide = seen.rfind(HIDE);
    let last_show = seen.rfind(SHOW);
    assert!(
        last_hide.is_some(),
        "{args:?}: the prompt hid no cursor, nothing to check: {seen:?}"
    );
    assert!(
        last_show > last_hide,
        "{args:?}: the cursor is left hidden: {seen:?}"
    );
    let mut status = String::new();
    for _ in 0..50 {
        status = format!("{:?}", p.get_status());
        if status.contains("Exited") || status.contains("Signaled") {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(status.contains("130"), "{args:?}: {status}");
}

#[cfg(unix)]
#[test]
fn ctrl_c_in_a_prompt_leaves_the_cursor_visible() {
    let env = TestEnv::new();
    web(&env);
    ctrl_c_at(&env, &["get"], &[], "StatefulSet in default");
    ctrl_c_at(&env, &["delete", "web"], &[], "Delete");
    assert!(env.sts("default", "web").is_some(), "nothing deleted");
    let wizard = [
        ("Name", "db"),
        ("Alias", ""),
        ("Description", ""),
        ("Replicas", "1"),
        ("Image", "postgres:16"),
        ("Container name", ""),
    ];
    ctrl_c_at(&env, &["create", "-i"], &wizard, "Image pull policy");
    assert!(env.sts("default", "db").is_none(), "nothing created");
}
