//! A corpus of bad inputs across every command present (names, numbers, quantities, durations,
//! selectors, YAML/JSON documents including deeply nested and billion-laughs ones, a 50 MB
//! file, wrong kinds, unknown flags, invalid UTF-8 arguments). Each must exit non-zero with a
//! human `error:` line (no panic, no `{:?}` dump), send no write request, and finish in
//! bounded time. Complements `tests/bad_input.rs` (create's flag validation) without repeating
//! its cases.

mod common;

use common::TestEnv;
use std::ffi::OsString;
use std::time::{Duration, Instant};

const WEB: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web, namespace: default}\nspec:\n  serviceName: web\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: nginx:1.25}]}\n";

struct Case {
    args: Vec<OsString>,
    stdin: String,
}

fn case(args: &[&str]) -> Case {
    Case {
        args: args.iter().map(OsString::from).collect(),
        stdin: String::new(),
    }
}

fn file_case(content: String) -> Case {
    Case {
        args: ["create", "-f", "-"].iter().map(OsString::from).collect(),
        stdin: content,
    }
}

#[cfg(unix)]
fn non_utf8() -> OsString {
    use std::os::unix::ffi::OsStringExt;
    OsString::from_vec(vec![b'w', 0xff, 0xfe, b'b'])
}

fn billion_laughs() -> String {
    let mut s = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        s.push_str(&format!(
            "{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
        ));
        prev = n;
    }
    s.push_str("kind: StatefulSet\napiVersion: apps/v1\nmetadata: {name: lol}\n");
    s
}

fn corpus(dir: &std::path::Path) -> Vec<Case> {
    let mut c = Vec::new();
    // -- names, for every command taking one
    let bad_names: Vec<String> = vec![
        "Web".into(),
        "web_1".into(),
        "web/../x".into(),
        "x".repeat(254),
        "web?x=1".into(),
        "wéb".into(),
        "web%2Fx".into(),
        " web".into(),
        "web.".into(),
    ];
    let name_cmds: &[&[&str]] = &[
        &["get"],
        &["pods"],
        &["redeploy"],
        &["revisions"],
        &["rollback"],
        &["delete"],
    ];
    for cmd in name_cmds {
        for n in &bad_names {
            let mut a: Vec<&str> = cmd.to_vec();
            a.push(n);
            a.push("--yes");
            c.push(case(&a));
        }
    }
    for n in ["Web", "web/../x", "web?x=1"] {
        c.push(case(&["scale", n, "2", "--yes"]));
        c.push(case(&["update-strategy", n, "--on-delete", "--yes"]));
        // The editing and observing commands address the set by NAME too.
        c.push(case(&["env", n, "set", "A=1", "--yes"]));
        c.push(case(&["edit", n, "--label", "a=b", "--yes"]));
        c.push(case(&["edit-service", n, "--remove", "web", "--yes"]));
        c.push(case(&["resize-volume", n, "data", "2Gi", "--yes"]));
        c.push(case(&["edit-yaml", n, "--export", "-"]));
        c.push(case(&["logs", n]));
        c.push(case(&["events", n]));
        c.push(case(&["top", n]));
    }
    c.push(case(&["get", ""]));
    c.push(case(&["delete", "", "--yes"]));
    // -- numbers
    for r in ["-1", "abc", "1.5", "99999999999", "", "1e3", "0x10", "two"] {
        c.push(case(&["scale", "web", r, "--yes"]));
    }
    c.push(case(&[
        "scale",
        "web",
        "2",
        "--current-replicas",
        "x",
        "--yes",
    ]));
    for r in ["-1", "abc", "99999", "1.0"] {
        c.push(case(&["rollback", "web", "--to-revision", r, "--yes"]));
    }
    for r in ["abc", "-5", "99999"] {
        c.push(case(&["revisions", "web", r]));
    }
    c.push(case(&["revisions", "web", "--diff", "a", "b"]));
    for p in ["-1", "abc", "1.5"] {
        c.push(case(&[
            "update-strategy",
            "web",
            "--rolling",
            "--partition",
            p,
            "--yes",
        ]));
    }
    for m in ["-1", "abc", "150%", "%", "0"] {
        c.push(case(&[
            "update-strategy",
            "web",
            "--rolling",
            "--max-unavailable",
            m,
            "--yes",
        ]));
    }
    c.push(case(&["update-strategy", "web", "--yes"]));
    c.push(case(&[
        "update-strategy",
        "web",
        "--rolling",
        "--on-delete",
        "--yes",
    ]));
    // -- quantities (create)
    for q in ["1.2.3", "1e", "NaN", "1 Gi", "∞", "0x1F"] {
        c.push(case(&[
            "create",
            "web2",
            "--image",
            "nginx",
            "--requests-memory",
            q,
        ]));
    }
    for q in ["2..5", "cpu", "-"] {
        c.push(case(&[
            "create",
            "web2",
            "--image",
            "nginx",
            "--limits-cpu",
            q,
        ]));
    }
    // -- durations
    for d in ["abc", "-1s", "5x", "1.5.s", "s"] {
        c.push(case(&["list", "--request-timeout", d]));
    }
    for d in ["soon", "-5m", "10 minutes"] {
        c.push(case(&[
            "scale",
            "web",
            "2",
            "--wait",
            "--timeout",
            d,
            "--yes",
        ]));
    }
    // -- selectors
    for s in ["a in (", "=x", "a==b==c", "!!a", "a notin b", "a,,b", "a b"] {
        c.push(case(&["list", "-l", s]));
    }
    // -- documents
    let deep_yaml = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    c.push(file_case(deep_yaml));
    let deep_json = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
    c.push(file_case(deep_json));
    c.push(file_case(billion_laughs()));
    c.push(file_case("null\n".into()));
    c.push(file_case("42\n".into()));
    c.push(file_case("[1, 2, 3]\n".into()));
    c.push(file_case("\u{0}\u{1}\u{2}binary".into()));
    c.push(file_case(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: nginx}]}\n".into(),
    ));
    c.push(file_case(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n".into(),
    ));
    c.push(file_case(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n".into(),
    ));
    c.push(file_case(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec: just-a-string\n".into(),
    ));
    c.push(file_case(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s}\nspec:\n  replicas: three\n"
            .into(),
    ));
    c.push(file_case(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {}\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: nginx}]}\n".into(),
    ));
    c.push(file_case(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: s, name: t}\n".into(),
    ));
    c.push(file_case(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n\tname: s\n".into(),
    ));
    c.push(file_case(
        "{\"kind\": \"StatefulSet\", \"apiVersion\": \"apps/v1\",".into(),
    ));
    c.push(file_case(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n".into(),
    ));
    // invalid UTF-8 inside a file
    let bad_utf8 = dir.join("bad-utf8.yaml");
    std::fs::write(
        &bad_utf8,
        b"apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: \xff\xfe}\n",
    )
    .unwrap();
    c.push(Case {
        args: vec!["create".into(), "-f".into(), bad_utf8.into()],
        stdin: String::new(),
    });
    // a 50 MB file (one StatefulSet with a 50 MB annotation)
    let big = dir.join("big.yaml");
    {
        let mut s = String::with_capacity(50 * 1024 * 1024 + 512);
        s.push_str("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: big\n  annotations:\n    blob: \"");
        s.push_str(&"x".repeat(50 * 1024 * 1024));
        s.push_str("\"\nspec:\n  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec: {containers: [{name: c, image: nginx}]}\n");
        std::fs::write(&big, s).unwrap();
    }
    c.push(Case {
        args: vec!["create".into(), "-f".into(), big.into()],
        stdin: String::new(),
    });
    // a directory instead of a file
    c.push(Case {
        args: vec!["create".into(), "-f".into(), dir.into()],
        stdin: String::new(),
    });
    // -- unknown flags, wrong global options
    for a in [
        &["get", "web", "--bogus"][..],
        &["list", "--replicas", "3"],
        &["scale", "web", "1", "--image", "x"],
        &["delete", "web", "--force-now"],
        &["get", "web", "-o", "xml"],
        &["get", "web", "-o", ""],
        &["list", "--context", "no-such-context"],
        &["list", "--kubeconfig", "/nonexistent/kubeconfig"],
        &["get", "web", "-n", ""],
        &["redeploy", "web", "--dry-run=later"],
        &["rollback", "web", "--to-revision"],
        &["revisions", "web", "1", "2", "3"],
        &["pods"],
        &["scale", "web"],
        &["frob", "web"],
    ] {
        c.push(case(a));
    }
    // -- invalid UTF-8 arguments
    #[cfg(unix)]
    {
        let bad = non_utf8();
        for pre in [
            &["get"][..],
            &["delete"],
            &["redeploy"],
            &["list", "-l"],
            &["list", "-n"],
        ] {
            let mut args: Vec<OsString> = pre.iter().map(OsString::from).collect();
            args.push(bad.clone());
            args.push("--yes".into());
            c.push(Case {
                args,
                stdin: String::new(),
            });
        }
        c.push(Case {
            args: vec!["scale".into(), "web".into(), bad.clone(), "--yes".into()],
            stdin: String::new(),
        });
        c.push(Case {
            args: vec![
                "create".into(),
                bad.clone(),
                "--image".into(),
                "nginx".into(),
            ],
            stdin: String::new(),
        });
        c.push(Case {
            args: vec!["create".into(), "web2".into(), "--image".into(), bad],
            stdin: String::new(),
        });
    }
    c
}

/// A `{:?}` dump or a panic, rather than a sentence.
fn looks_like_debug_dump(s: &str) -> bool {
    s.contains("panicked")
        || s.contains("RUST_BACKTRACE")
        || s.contains("Error {")
        || s.contains("Os { code")
        || s.contains("kind: ")
        || s.contains("Some(")
        || s.contains("ErrorResponse {")
}

#[test]
fn bad_input_corpus_fails_cleanly_without_writes() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<Case> = corpus(dir.path()).into_iter().collect();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    check(&cases);
}

/// Each case: exit ≠ 0, one human line, no panic, no write request, within its time bound.
fn check(cases: &[Case]) {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    let mut failures = Vec::new();
    for case in cases {
        env.sim.clear_requests();
        let shown: Vec<String> = case
            .args
            .iter()
            .map(|a| {
                let s = a.to_string_lossy();
                if s.len() > 60 {
                    format!("{}…({} bytes)", &s[..40], s.len())
                } else {
                    s.into_owned()
                }
            })
            .collect();
        let start = Instant::now();
        let out = env
            .cmd(&case.args)
            .write_stdin(case.stdin.clone())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        let took = start.elapsed();
        let code = out.status.code();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        let mut problems = Vec::new();
        match code {
            None => problems.push(format!("killed (timeout?) after {took:?}")),
            Some(0) => problems.push("exit 0".to_string()),
            Some(_) => {}
        }
        if !first.starts_with("error: ") {
            problems.push(format!("first stderr line is not `error: …`: {first:?}"));
        }
        if first.len() > 400 {
            problems.push(format!("error line of {} bytes", first.len()));
        }
        if looks_like_debug_dump(&stderr) {
            problems.push("panic or debug dump".to_string());
        }
        let writes: Vec<String> = env
            .sim
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .map(|r| format!("{} {}?{}", r.method, r.path, r.query))
            .collect();
        if !writes.is_empty() {
            problems.push(format!("write requests: {writes:?}"));
        }
        match env.sts("default", "web") {
            Some(sts) if sts["spec"]["replicas"].as_i64() == Some(1) => {}
            _ => {
                problems.push("StatefulSet web was changed or deleted".to_string());
                let _ = env.sim.cluster().delete(
                    &kube_sim::resources::STATEFULSETS,
                    Some("default"),
                    "web",
                    &Default::default(),
                );
                let _ = env.sim.apply_yaml(WEB);
            }
        }
        if !problems.is_empty() {
            let short: String = stderr.chars().take(300).collect();
            failures.push(format!(
                "{shown:?}: {}\n  stderr: {short}",
                problems.join("; ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
