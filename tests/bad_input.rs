//! Table-driven: each wrong input exits non-zero with one clear `error:` line naming what is
//! wrong, and sends no write request to the simulator.

mod common;

use common::TestEnv;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n";
const STS_OLD_API: &str = "apiVersion: apps/v1beta1\nkind: StatefulSet\nmetadata: {name: x}\n";
const BAD_YAML: &str = "kind: [StatefulSet\n";
const NO_CONTAINERS: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: []}\n";
const SELECTOR_MISMATCH: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: c}}\n    spec: {containers: [{name: c, image: nginx}]}\n";
const TWO_STS: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: x}\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: y}\n";
const BAD_NAME_FILE: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: X_Y}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: nginx}]}\n";

#[test]
fn bad_inputs_fail_cleanly_without_writes() {
    let env = TestEnv::new();
    // (arguments after `create NAME --image nginx` unless the case starts with "!", stdin, expected text)
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["!", "create", "Web", "--image", "nginx"],
            "",
            "invalid StatefulSet name",
        ),
        (
            &["!", "create", "web_1", "--image", "nginx"],
            "",
            "invalid StatefulSet name",
        ),
        (
            &["!", "create", "web-", "--image", "nginx"],
            "",
            "invalid StatefulSet name",
        ),
        (
            &["!", "create", &"a".repeat(64), "--image", "nginx"],
            "",
            "at most 63",
        ),
        (&["!", "create", "web"], "", "--image is required"),
        (
            &["!", "create", "web", "--image", ""],
            "",
            "--image must not be empty",
        ),
        (&["!", "create", "web", "--image", "ngi nx"], "", "--image"),
        (&["--limits-cpu=-1"], "", "--limits-cpu"),
        (&["--requests-cpu", "lots"], "", "--requests-cpu"),
        (&["--requests-memory", "1GB"], "", "--requests-memory"),
        (&["--limits-memory=-1Gi"], "", "--limits-memory"),
        (&["--requests", "gpu=1"], "", "--requests"),
        (&["--requests", "cpu"], "", "--requests"),
        (
            &["--requests-cpu", "2", "--limits-cpu", "1"],
            "",
            "greater than its limit",
        ),
        (&["--port", "0"], "", "--port"),
        (&["--port", "70000"], "", "--port"),
        (&["--port", "http"], "", "--port"),
        (&["--port", "80", "--port", "80"], "", "given twice"),
        (&["--port", "80/ICMP"], "", "--port"),
        (&["--port", "Bad_Name:80"], "", "--port"),
        (&["--env", "1X=1"], "", "--env"),
        (&["--env", "NOVALUE"], "", "--env"),
        (&["--env", "A=secret:onlyname"], "", "--env"),
        (&["--env", "A=1", "--env", "A=2"], "", "given twice"),
        (&["--liveness", "grpc:50051"], "", "--liveness"),
        (&["--readiness", "http:notaport/x"], "", "--readiness"),
        (
            &["--liveness", "tcp:80", "--liveness-opts", "success=2"],
            "",
            "--liveness-opts",
        ),
        (
            &["--startup", "tcp:80", "--startup-opts", "period=0"],
            "",
            "--startup-opts",
        ),
        (
            &["--liveness-opts", "delay=5"],
            "",
            "--liveness-opts needs --liveness",
        ),
        (&["--volume", "data:10Gi"], "", "--volume"),
        (&["--volume", "data:lots:/data"], "", "--volume"),
        (&["--volume", "data:1Gi:relative"], "", "must be absolute"),
        (&["--volume", "data:1Gi:/data::RWZ"], "", "access mode"),
        (&["--label", "bad key=x"], "", "--label"),
        (&["--label", "app=-x"], "", "--label"),
        (&["--node-selector", "disk"], "", "--node-selector"),
        (&["--deployment-mode", "scatter"], "", "--deployment-mode"),
        // (--update-strategy Recreate and OnDelete with --partition are usage errors, exit 2:
        // tests/truth_inputs.rs values_out_of_range_are_usage_errors.)
        (
            &["--pod-management-policy", "Random"],
            "",
            "--pod-management-policy",
        ),
        (&["--pull-policy", "Sometimes"], "", "--pull-policy"),
        (&["--command", "sh -c 'unterminated"], "", "--command"),
        (&["--service-name", "Bad.Name"], "", "--service-name"),
        (
            &["--run-as-non-root", "--run-as-user", "0"],
            "",
            "--run-as-non-root",
        ),
        (&["--init-container", "noequals"], "", "--init-container"),
        (
            &["--sync-host-timezone", "--volume", "tz:1Gi:/etc/localtime"],
            "",
            "/etc/localtime",
        ),
        (&["!", "create", "-f", "-"], DEPLOYMENT, "is a Deployment"),
        (&["!", "create", "-f", "-"], STS_OLD_API, "use apps/v1"),
        (&["!", "create", "-f", "-"], BAD_YAML, "not valid YAML"),
        (&["!", "create", "-f", "-"], "", "no objects found"),
        (
            &["!", "create", "-f", "-"],
            NO_CONTAINERS,
            "containers is empty",
        ),
        (
            &["!", "create", "-f", "-"],
            SELECTOR_MISMATCH,
            "selector does not match",
        ),
        (&["!", "create", "-f", "-"], TWO_STS, "a second StatefulSet"),
        (
            &["!", "create", "-f", "-"],
            BAD_NAME_FILE,
            "StatefulSet name",
        ),
        (
            &["!", "create", "-f", "/nonexistent/file.yaml"],
            "",
            "cannot read /nonexistent/file.yaml",
        ),
        (
            &["!", "create", "web", "--image", "nginx", "-i"],
            "",
            "needs a terminal",
        ),
    ];
    assert!(cases.len() >= 30);
    for (args, stdin, expected) in cases {
        env.sim.clear_requests();
        let mut full: Vec<String> = Vec::new();
        if args.first() == Some(&"!") {
            full.extend(args[1..].iter().map(|s| s.to_string()));
        } else {
            full.extend(["create", "web", "--image", "nginx"].map(String::from));
            full.extend(args.iter().map(|s| s.to_string()));
        }
        let o = env.run_stdin(&full, stdin);
        assert_ne!(o.code, 0, "{full:?} succeeded:\n{}", o.stdout);
        assert_eq!(o.code, 1, "{full:?}: {}", o.stderr);
        let lines: Vec<&str> = o.stderr.lines().collect();
        assert!(lines[0].starts_with("error: "), "{full:?}: {}", o.stderr);
        assert!(
            lines.len() <= 2,
            "{full:?}: not one clear line:\n{}",
            o.stderr
        );
        assert!(
            o.stderr.contains(expected),
            "{full:?}: expected {expected:?} in:\n{}",
            o.stderr
        );
        assert!(o.stdout.is_empty(), "{full:?}: stdout {}", o.stdout);
        assert!(
            env.sim.requests().is_empty(),
            "{full:?} sent {:#?}",
            env.sim.requests()
        );
    }
}

#[test]
fn usage_errors_exit_2() {
    let env = TestEnv::new();
    for args in [
        &["list", "-o", "xml"][..],
        &["create", "web", "--replicas", "many"],
        &["frobnicate"],
        &["create", "--dry-run=maybe", "x"],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(env.writes().is_empty());
    }
    let help = env.run(["create", "--help"]);
    assert_eq!(help.code, 0);
    assert!(
        help.stdout.contains("Usage: kubectl statefulset create"),
        "usage names the plugin: {}",
        help.stdout
    );
}
