//! `-o jsonpath|custom-columns|go-template` (and the `-file` forms) and `--sort-by`, each
//! compared with what the real kubectl prints for the same objects from the same simulator.

mod common;

use common::TestEnv;

/// stdout of `kubectl ARGS`, or None (the test is skipped visibly) without kubectl.
fn kubectl(env: &TestEnv, args: &[&str]) -> Option<String> {
    let mut c = env.sim.kubectl(args)?;
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "kubectl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).unwrap())
}

fn two_sets() -> TestEnv {
    let env = TestEnv::new();
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--replicas",
        "2",
        "--port",
        "80",
    ]);
    env.ok(["create", "db", "--image", "postgres:16", "--replicas", "1"]);
    env.ok([
        "edit",
        "web",
        "--label",
        "tier=front",
        "--alias",
        "Web <front> & co",
    ]);
    env.wait_ready("default", "web", 2);
    env
}

const TEMPLATES: &[&str] = &[
    "jsonpath={.items[*].metadata.name}",
    r#"jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.replicas}{"\n"}{end}"#,
    r#"jsonpath={.items[?(@.metadata.name=="web")].spec.template.spec.containers[0].image}"#,
    "jsonpath={.items[0].metadata.labels}",
    "jsonpath={.items[*].metadata.annotations}",
    "jsonpath={.items[*].spec.template.spec.containers[*].ports}",
    "jsonpath={.items[*].nothing}",
    "jsonpath=names: {..metadata.name}",
    r#"jsonpath-as-json={.items[*].metadata.name}{"\n"}{.items[0].metadata.labels}{.items[*].nothing}"#,
    r#"jsonpath-as-json={range .items[*]}{.metadata.name}{.spec.template.spec.containers[0].ports}{end}"#,
    "custom-columns=NAME:.metadata.name,REPLICAS:.spec.replicas,LABELS:.metadata.labels,NONE:.x",
    "custom-columns=N:{.metadata.name},IMAGES:spec.template.spec.containers[*].image",
    "go-template={{range .items}}{{.metadata.name}} {{.spec.replicas}} {{.nope}}\n{{end}}",
    r#"go-template={{range .items}}{{if exists . "metadata" "labels" "tier"}}{{.metadata.name}}{{end}}{{end}}"#,
    // Go ranges over a map in key order and prints maps, lists and numbers its own way.
    r#"go-template={{range .items}}{{range $k, $v := .metadata.labels}}{{$k}}={{$v}}{{"\n"}}{{end}}{{end}}"#,
    r#"go-template={{range .items}}{{range .spec.selector.matchLabels}}{{.}};{{end}}{{else}}none{{end}}"#,
    "go-template={{range .items}}{{.metadata.labels}} {{.metadata.annotations}} {{.spec.template.spec.containers}}\n{{end}}",
    r#"go-template={{range $i, $s := .items}}{{- $i}}:{{print $s.spec.replicas $s.metadata.name 2}} {{println .spec.updateStrategy}}{{end -}}"#,
    r#"go-template={{range .items}}{{range $v := .metadata.nope}}x{{else}}-{{end}}{{end}}"#,
];

#[test]
fn list_templates_match_kubectl_get() {
    let env = two_sets();
    let mut checked = 0;
    for t in TEMPLATES {
        let o = format!("-o{t}");
        let ours = env.ok(["list", "--sort-by", ".metadata.name", &o]);
        let Some(theirs) = kubectl(
            &env,
            &["get", "statefulsets", "--sort-by", ".metadata.name", &o],
        ) else {
            return;
        };
        assert_eq!(ours, theirs, "-o {t}");
        checked += 1;
    }
    // --template: the template of a bare -o format, or go-template alone (kubectl's flag).
    for args in [
        &["-o", "jsonpath", "--template", "{.items[*].metadata.name}"][..],
        &["--template", "{{range .items}}{{.metadata.name}};{{end}}"][..],
        &[
            "-o",
            "go-template-file",
            "--template",
            "/nonexistent/t.tmpl",
        ][..],
    ] {
        let mut ours = vec!["list"];
        ours.extend(args);
        let mut theirs = vec!["get", "statefulsets"];
        theirs.extend(args);
        let mine = env.run(&ours);
        let mut k = env.sim.kubectl(&theirs).unwrap();
        let kubectls = k.output().unwrap();
        assert_eq!(
            mine.code == 0,
            kubectls.status.success(),
            "{args:?}: {}",
            mine.stderr
        );
        assert_eq!(
            mine.stdout,
            String::from_utf8_lossy(&kubectls.stdout),
            "{args:?}"
        );
    }
    // One object: `get NAME` prints the StatefulSet itself, as `kubectl get sts NAME`.
    for t in [
        "jsonpath={.metadata.name} {.spec.serviceName} {.status.readyReplicas}",
        "jsonpath={.spec.template.spec.containers[0]}",
        "custom-columns=NAME:.metadata.name,READY:.status.readyReplicas",
        "go-template={{.metadata.name}}/{{.spec.replicas}}",
        "go-template={{.spec.template.spec.terminationGracePeriodSeconds}} {{.status}}",
    ] {
        let o = format!("-o{t}");
        let ours = env.ok(["get", "web", &o]);
        let theirs = kubectl(&env, &["get", "statefulset", "web", &o]).unwrap();
        assert_eq!(ours, theirs, "get -o {t}");
        checked += 1;
    }
    assert_eq!(checked, TEMPLATES.len() + 5);
}

#[test]
fn pods_templates_sort_by_and_headers_match_kubectl() {
    let env = two_sets();
    let Some(_) = kubectl(&env, &["version", "--client"]) else {
        return;
    };
    for (ours, theirs) in [
        (
            vec!["pods", "web", "-ojsonpath={.items[*].metadata.name}"],
            vec![
                "get",
                "pods",
                "-l",
                "app=web",
                "-ojsonpath={.items[*].metadata.name}",
            ],
        ),
        (
            vec![
                "pods",
                "web",
                "--sort-by",
                "{.metadata.name}",
                "--no-headers",
                "-ocustom-columns=NAME:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase",
            ],
            vec![
                "get",
                "pods",
                "-l",
                "app=web",
                "--sort-by",
                "{.metadata.name}",
                "--no-headers",
                "-ocustom-columns=NAME:.metadata.name,NODE:.spec.nodeName,PHASE:.status.phase",
            ],
        ),
        (
            vec![
                "list",
                "--sort-by",
                ".spec.replicas",
                "-ojsonpath={.items[*].metadata.name}",
            ],
            vec![
                "get",
                "sts",
                "--sort-by",
                ".spec.replicas",
                "-ojsonpath={.items[*].metadata.name}",
            ],
        ),
    ] {
        assert_eq!(env.ok(&ours), kubectl(&env, &theirs).unwrap(), "{ours:?}");
    }
    // --sort-by in the table: by replicas, db (1) before web (2); by name descending order
    // needs no flag: the default table is by name from the server.
    let table = env.ok(["list", "--sort-by", "{.spec.replicas}", "--no-headers"]);
    let names: Vec<&str> = table
        .lines()
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    assert_eq!(names, ["db", "web"]);
    let pods = env.ok(["pods", "web", "--no-headers", "--show-labels"]);
    assert!(!pods.contains("ORDINAL"), "{pods}");
    assert!(
        pods.lines().all(|l| l.contains("app=web")
            && l.contains("statefulset.kubernetes.io/pod-name=web-")),
        "{pods}"
    );
}

#[test]
fn template_errors_are_kubectls() {
    let env = two_sets();
    // A path no object has: kubectl's sort error.
    let o = env.run(["list", "--sort-by", ".nope"]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(
        o.stderr
            .contains("couldn't find any field with path \"{.nope}\" in the list of objects"),
        "{}",
        o.stderr
    );
    // Missing keys are errors only with --allow-missing-template-keys=false.
    let o = env.run([
        "list",
        "-o",
        "jsonpath={.items[*].nope}",
        "--allow-missing-template-keys=false",
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert!(o.stderr.contains("nope is not found"), "{}", o.stderr);
    // No template: a usage error before any request.
    let o = env.run(["list", "-o", "jsonpath"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o
        .stderr
        .contains("template format specified but no template given"));
    // A command that writes no templates refuses them.
    let o = env.run(["scale", "web", "2", "-o", "jsonpath={.x}"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o
        .stderr
        .contains("this command writes table, yaml, json, name"));
}

#[test]
fn file_forms_read_the_template_from_a_file() {
    let env = two_sets();
    let dir = tempfile::tempdir().unwrap();
    let jp = dir.path().join("t.jsonpath");
    std::fs::write(&jp, "{.items[*].metadata.name}").unwrap();
    let cc = dir.path().join("t.columns");
    std::fs::write(&cc, "NAME   REPLICAS\n.metadata.name   {.spec.replicas}\n").unwrap();
    let gt = dir.path().join("t.tmpl");
    std::fs::write(&gt, "{{range .items}}[{{.metadata.name}}]{{end}}").unwrap();
    for o in [
        format!("-ojsonpath-file={}", jp.display()),
        format!("-ocustom-columns-file={}", cc.display()),
        format!("-ogo-template-file={}", gt.display()),
    ] {
        let ours = env.ok(["list", "--sort-by", ".metadata.name", &o]);
        let Some(theirs) = kubectl(
            &env,
            &["get", "statefulsets", "--sort-by", ".metadata.name", &o],
        ) else {
            return;
        };
        assert_eq!(ours, theirs, "{o}");
    }
}

#[test]
fn revisions_and_events_take_templates() {
    let env = two_sets();
    env.ok(["env", "web", "set", "A=1", "--yes", "--wait"]);
    let revs = env.ok([
        "revisions",
        "web",
        "--sort-by",
        ".revision",
        "-o",
        "jsonpath={.items[*].revision}",
    ]);
    assert_eq!(revs, "1 2");
    let one = env.ok([
        "revisions",
        "web",
        "2",
        "-o",
        "jsonpath={.kind} {.revision}",
    ]);
    assert_eq!(one, "ControllerRevision 2");
    let Some(theirs) = kubectl(
        &env,
        &[
            "get",
            "controllerrevisions",
            "-l",
            "app=web",
            "--sort-by",
            ".revision",
            "-ocustom-columns=NAME:.metadata.name,REVISION:.revision",
        ],
    ) else {
        return;
    };
    let ours = env.ok([
        "revisions",
        "web",
        "--sort-by",
        ".revision",
        "-ocustom-columns=NAME:.metadata.name,REVISION:.revision",
    ]);
    assert_eq!(ours, theirs);
    let ours = env.ok([
        "events",
        "web",
        "--sort-by",
        ".metadata.name",
        "-o",
        "jsonpath={range .items[*]}{.reason} {.metadata.name}{\"\\n\"}{end}",
    ]);
    let theirs = kubectl(
        &env,
        &[
            "get",
            "events",
            "--field-selector",
            "involvedObject.kind=StatefulSet,involvedObject.name=web",
            "--sort-by",
            ".metadata.name",
            "-o",
            "jsonpath={range .items[*]}{.reason} {.metadata.name}{\"\\n\"}{end}",
        ],
    )
    .unwrap();
    assert!(!ours.is_empty());
    assert_eq!(ours, theirs);
    let no_headers = env.ok(["events", "web", "--no-headers"]);
    assert!(!no_headers.contains("REASON"), "{no_headers}");
}

#[test]
fn sort_by_quantities_and_strings_matches_kubectl() {
    let env = TestEnv::new();
    for (n, q) in [
        ("a10", "1Gi"),
        ("a9", "512Mi"),
        ("b-1", "2G"),
        ("b-2", "100m"),
        ("b-3", "9"),
    ] {
        env.sim
            .create(
                &kube_sim::resources::STATEFULSETS,
                "default",
                serde_json::json!({
                    "apiVersion": "apps/v1", "kind": "StatefulSet",
                    "metadata": {"name": n, "annotations": {"q": q}},
                    "spec": {"serviceName": n, "replicas": 0,
                             "selector": {"matchLabels": {"a": "b"}},
                             "template": {"metadata": {"labels": {"a": "b"}},
                                          "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}
                }),
            )
            .unwrap();
    }
    let names = "-ojsonpath={.items[*].metadata.name}";
    for field in [
        ".metadata.annotations.q",
        "{.metadata.name}",
        "spec.serviceName",
    ] {
        let ours = env.ok(["list", "--sort-by", field, names]);
        let Some(theirs) = kubectl(&env, &["get", "sts", "--sort-by", field, names]) else {
            return;
        };
        assert_eq!(ours, theirs, "--sort-by {field}");
    }
    // By quantity, not by text: 100m < 9 < 512Mi < 1Gi < 2G.
    assert_eq!(
        env.ok(["list", "--sort-by", ".metadata.annotations.q", names]),
        "b-2 b-3 a9 a10 b-1"
    );
}

/// The objects a template sees are the server's, byte for byte as kubectl's (null fields such
/// as a condition's lastProbeTime and managedFields included), for every command.
#[test]
fn templates_see_the_objects_kubectl_sees() {
    let env = two_sets();
    env.ok(["env", "web", "set", "A=1", "--yes", "--wait"]);
    let events_of_web = "involvedObject.kind=StatefulSet,involvedObject.name=web";
    for (ours, theirs) in [
        (
            vec!["pods", "web", "-ojsonpath={.items[1]}"],
            vec!["get", "pods", "-l", "app=web", "-ojsonpath={.items[1]}"],
        ),
        (
            vec![
                "events",
                "web",
                "--sort-by",
                ".metadata.name",
                "-ojsonpath={.items[0]}",
            ],
            vec![
                "get",
                "events",
                "--sort-by",
                ".metadata.name",
                "--field-selector",
                events_of_web,
                "-ojsonpath={.items[0]}",
            ],
        ),
        (
            vec![
                "revisions",
                "web",
                "--sort-by",
                ".revision",
                "-ojsonpath={.items[0]}",
            ],
            vec![
                "get",
                "controllerrevisions",
                "-l",
                "app=web",
                "--sort-by",
                ".revision",
                "-ojsonpath={.items[0]}",
            ],
        ),
        (
            vec!["get", "web", "-ojsonpath={.spec}"],
            vec!["get", "sts", "web", "-ojsonpath={.spec}"],
        ),
    ] {
        let mine = env.ok(&ours);
        let Some(kubectls) = kubectl(&env, &theirs) else {
            return;
        };
        assert!(mine.starts_with('{'), "{mine}");
        assert_eq!(mine, kubectls, "{ours:?}");
    }
    let rev2 = env.ok([
        "revisions",
        "web",
        "2",
        "-ojsonpath={.kind}/{.revision}/{.metadata.managedFields[0].manager}",
    ]);
    assert_eq!(rev2, "ControllerRevision/2/kube-controller-manager");
}

#[test]
fn empty_lists_print_as_kubectl() {
    let env = TestEnv::new();
    for o in [
        "-ocustom-columns=NAME:.metadata.name",
        "-ojsonpath={.items}",
        "-ogo-template={{len .items}}",
    ] {
        let ours = env.run(["list", o]);
        assert_eq!(ours.code, 0, "{}", ours.stderr);
        let Some(theirs) = kubectl(&env, &["get", "statefulsets", o]) else {
            return;
        };
        assert_eq!(ours.stdout, theirs, "{o}");
    }
}

/// `pods -o wide` adds kubectl's wide columns the table lacks (NOMINATED NODE, READINESS
/// GATES; NODE and IP are always there): each pod's four match `kubectl get pods -o wide`.
#[test]
fn pods_wide_matches_kubectl() {
    let env = TestEnv::new();
    env.sim
        .apply_yaml(
            r#"apiVersion: apps/v1
kind: StatefulSet
metadata: {name: gated, namespace: default}
spec:
  replicas: 2
  serviceName: gated
  selector: {matchLabels: {app: gated}}
  template:
    metadata: {labels: {app: gated}}
    spec:
      readinessGates: [{conditionType: example.com/ready}]
      containers: [{name: c, image: nginx:1.27}]
"#,
        )
        .unwrap();
    let ok = env.sim.wait_until(std::time::Duration::from_secs(30), |c| {
        c.list_items(&kube_sim::resources::PODS, Some("default"), None)
            .iter()
            .filter(|p| p["spec"]["nodeName"].is_string() && p["status"]["podIP"].is_string())
            .count()
            == 2
    });
    assert!(ok, "the pods never ran");
    let ours = env.ok(["pods", "gated", "-o", "wide"]);
    let header = ours.lines().next().unwrap();
    assert!(
        header.ends_with("NOMINATED NODE   READINESS GATES"),
        "{ours}"
    );
    let Some(theirs) = kubectl(&env, &["get", "pods", "-l", "app=gated", "-o", "wide"]) else {
        return;
    };
    // name -> (node, ip, nominated node, readiness gates)
    let mine: Vec<[String; 5]> = ours
        .lines()
        .skip(1)
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            [t[1], t[5], t[6], t[t.len() - 2], t[t.len() - 1]].map(str::to_string)
        })
        .collect();
    let kubectls: Vec<[String; 5]> = theirs
        .lines()
        .skip(1)
        .map(|l| {
            let t: Vec<&str> = l.split_whitespace().collect();
            let n = t.len();
            [t[0], t[n - 3], t[n - 4], t[n - 2], t[n - 1]].map(str::to_string)
        })
        .collect();
    assert_eq!(mine, kubectls, "ours:\n{ours}\nkubectl:\n{theirs}");
    assert!(mine.iter().all(|r| r[4] == "0/1"), "{ours}");
}
