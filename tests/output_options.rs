//! An `-o` value a command cannot print is a usage error (exit 2, before any request), as
//! kubectl refuses a printer it cannot match; the values it can print still work. Also
//! `--show-labels` against kubectl.

mod common;

use common::TestEnv;

#[test]
fn output_a_command_cannot_print_is_a_usage_error() {
    let env = TestEnv::new();
    env.sim.clear_requests();
    for (args, writes) in [
        (&["logs", "web", "-o", "yaml"][..], "table, json"),
        (
            &["scale", "web", "2", "-o", "wide"][..],
            "table, yaml, json, name",
        ),
        (&["top", "web", "-o", "name"][..], "table, yaml, json"),
        (&["edit", "web", "--alias", "x", "-o", "json"][..], "table"),
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 2, "{args:?}: {}", o.stderr);
        assert!(o.stderr.starts_with("error: "), "{args:?}: {}", o.stderr);
        assert!(
            o.stderr.contains(&format!("this command writes {writes}")),
            "{args:?}: {}",
            o.stderr
        );
    }
    assert!(env.sim.requests().is_empty(), "{:?}", env.sim.requests());
    // What a command can print passes the check.
    env.ok(["create", "web", "--image", "nginx"]);
    for args in [
        &["list", "-o", "wide"][..],
        &["scale", "web", "2", "-o", "name"][..],
    ] {
        let o = env.run(args);
        assert_eq!(o.code, 0, "{args:?}: {}", o.stderr);
    }
}

#[test]
fn show_labels_matches_kubectl() {
    let env = TestEnv::new();
    env.ok(["create", "web", "--image", "nginx"]);
    env.sim
        .create(
            &kube_sim::resources::STATEFULSETS,
            "default",
            serde_json::json!({
                "apiVersion": "apps/v1", "kind": "StatefulSet",
                "metadata": {"name": "bare"},
                "spec": {"serviceName": "bare", "replicas": 0,
                         "selector": {"matchLabels": {"a": "b"}},
                         "template": {"metadata": {"labels": {"a": "b"}},
                                      "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
            }),
        )
        .unwrap();
    let last_column = |text: &str| -> Vec<String> {
        text.lines()
            .map(|l| l.split_whitespace().last().unwrap_or("").to_string())
            .collect()
    };
    let ours = env.ok(["list", "--show-labels"]);
    let ours = last_column(&ours);
    assert_eq!(ours[0], "LABELS");
    assert_eq!(ours[1], "<none>", "bare has no labels");
    let Some(mut label) = env
        .sim
        .kubectl(["label", "statefulset", "web", "zone=a", "tier=db"])
    else {
        return;
    };
    assert!(label.output().unwrap().status.success());
    let ours = last_column(&env.ok(["list", "--show-labels"]));
    let mut k = env
        .sim
        .kubectl(["get", "statefulsets", "--show-labels"])
        .unwrap();
    let theirs = last_column(&String::from_utf8(k.output().unwrap().stdout).unwrap());
    assert_eq!(ours, theirs);
    assert!(ours[2].contains("tier=db,zone=a"), "{ours:?}");
}
