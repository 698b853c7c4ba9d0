//! Completions and man pages are generated from the clap tree and committed; this test
//! regenerates them into a temp dir and fails with a diff and the command to run when stale.
//! Also: kubectl's plugin completion through `kubectl __complete statefulset …`.

mod common;

use std::path::Path;

use assert_cmd::Command;

const REGENERATE: &str = "cargo run -- completions --dir completions && cargo run -- man --dir man";

fn compare_dirs(committed: &Path, fresh: &Path) {
    let mut problems = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(fresh)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    for name in &names {
        let new = std::fs::read_to_string(fresh.join(name)).unwrap();
        match std::fs::read_to_string(committed.join(name)) {
            Ok(old) if old == new => {}
            Ok(old) => {
                let diff = similar::TextDiff::from_lines(&old, &new);
                problems.push(format!(
                    "{} is stale:\n{}",
                    committed.join(name).display(),
                    diff.unified_diff().context_radius(3)
                ));
            }
            Err(_) => problems.push(format!("{} is missing", committed.join(name).display())),
        }
    }
    for entry in std::fs::read_dir(committed).unwrap() {
        let name = entry.unwrap().file_name();
        if !names.contains(&name) {
            problems.push(format!(
                "{} is no longer generated; delete it",
                committed.join(&name).display()
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n\nregenerate with:\n  {REGENERATE}",
        problems.join("\n")
    );
}

#[test]
fn committed_completions_and_man_pages_are_fresh() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let comp = tmp.path().join("completions");
    let man = tmp.path().join("man");
    Command::cargo_bin("kubectl-statefulset")
        .unwrap()
        .arg("completions")
        .arg("--dir")
        .arg(&comp)
        .assert()
        .success();
    Command::cargo_bin("kubectl-statefulset")
        .unwrap()
        .arg("man")
        .arg("--dir")
        .arg(&man)
        .assert()
        .success();
    compare_dirs(&root.join("completions"), &comp);
    compare_dirs(&root.join("man"), &man);
}

#[test]
fn completion_script_for_one_shell_goes_to_stdout() {
    let out = Command::cargo_bin("kubectl-statefulset")
        .unwrap()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("kubectl-statefulset"), "{text}");
    let committed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/kubectl-statefulset.bash"),
    )
    .unwrap();
    assert_eq!(text, committed);
}

#[test]
fn kubectl_plugin_completion_lists_live_names() {
    let env = common::TestEnv::new();
    env.ok(["create", "web", "--image", "nginx"]);
    let bin_dir = assert_cmd::cargo::cargo_bin("kubectl-statefulset")
        .parent()
        .unwrap()
        .to_path_buf();
    let comp_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let path = std::env::join_paths([bin_dir, comp_dir].into_iter().chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    // Plugin flags must follow the plugin name, so no --cache-dir here (unlike sim.kubectl()).
    let Some(kubectl) = kube_sim::require_tool("kubectl") else {
        return;
    };
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| -> Option<String> {
        let mut c = std::process::Command::new(&kubectl);
        c.args(["__complete", "statefulset"]).args(args);
        c.env("KUBECONFIG", env.sim.kubeconfig_path())
            .env("HOME", home.path());
        let out = c.env("PATH", &path).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let Some(subs) = run(&[""]) else { return };
    assert!(subs.lines().any(|l| l.starts_with("create\t")), "{subs}");
    assert!(
        !subs.contains("__complete"),
        "hidden commands stay hidden: {subs}"
    );
    assert_eq!(subs.lines().last(), Some(":4"));
    let names = run(&["get", ""]).unwrap();
    assert_eq!(
        names.lines().next().map(|l| l.split('\t').next().unwrap()),
        Some("web"),
        "{names}"
    );
    let names = run(&["pods", ""]).unwrap();
    assert!(names.lines().any(|l| l.starts_with("web\t")), "{names}");
    let nothing = run(&["create", ""]).unwrap();
    assert_eq!(nothing, ":4\n", "create NAME is new, nothing to complete");
    let ns = run(&["list", "-n", "kube-"]).unwrap();
    assert!(ns.lines().any(|l| l == "kube-system"), "{ns}");
    assert!(
        ns.lines()
            .all(|l| l.starts_with("kube-") || l.starts_with(':')),
        "{ns}"
    );
    let outputs = run(&["list", "-o", ""]).unwrap();
    assert!(outputs.lines().any(|l| l == "wide"), "{outputs}");
    let contexts = run(&["list", "--context", ""]).unwrap();
    assert!(contexts.lines().any(|l| l == "kube-sim"), "{contexts}");
    let flags = run(&["create", "--repl"]).unwrap();
    assert!(flags.starts_with("--replicas\t"), "{flags}");
}

/// Flag values and positionals that complete from the cluster: contexts, namespaces (also
/// `--namespace=`), the set's containers, pod ordinals, revision numbers and claim templates.
#[test]
fn complete_values_from_the_cluster() {
    let env = common::TestEnv::new();
    env.ok([
        "create",
        "db",
        "--image",
        "postgres:16",
        "--replicas",
        "2",
        "--init-container",
        "init=busybox:1.36 true",
        "--volume",
        "data:1Gi:/var/lib/postgresql/data",
    ]);
    env.wait_ready("default", "db", 2);
    env.ok(["env", "db", "set", "A=1", "--yes"]);
    let complete = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["__complete"];
        all.extend(args);
        let out = env.ok(&all);
        assert_eq!(out.lines().last(), Some(":4"), "{out}");
        out.lines()
            .filter(|l| !l.starts_with(':'))
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(complete(&["logs", "db", "-c", ""]), ["init", "postgres"]);
    assert_eq!(complete(&["env", "db", "--container", "p"]), ["postgres"]);
    assert_eq!(complete(&["logs", "db", "--pod", ""]), ["0", "1"]);
    assert_eq!(
        complete(&["rollback", "db", "--to-revision", ""]),
        ["2", "1"]
    );
    assert_eq!(complete(&["revisions", "db", ""]), ["2", "1"]);
    assert_eq!(complete(&["revisions", "db", "--diff", ""]), ["2", "1"]);
    assert_eq!(complete(&["resize-volume", "db", ""]), ["data"]);
    assert_eq!(complete(&["list", "--context", ""]), ["kube-sim"]);
    assert_eq!(complete(&["list", "--context=kube"]), ["kube-sim"]);
    let ns = complete(&["list", "--namespace=kube-"]);
    assert!(ns.contains(&"kube-system".to_string()), "{ns:?}");
    assert!(ns.iter().all(|n| n.starts_with("kube-")), "{ns:?}");
    let ns = complete(&["pods", "-n", "def"]);
    assert_eq!(ns, ["default"]);
    let outputs = complete(&["get", "db", "--output=json"]);
    assert_eq!(
        outputs,
        ["json", "jsonpath", "jsonpath-as-json", "jsonpath-file"]
    );
    // A set that does not exist completes to nothing.
    assert!(complete(&["logs", "nope", "-c", ""]).is_empty());
}
