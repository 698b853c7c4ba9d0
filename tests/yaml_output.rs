//! `-o yaml` writes what kubectl writes: the plugin's emitter and `kubectl patch --local -o yaml`
//! (which prints through sigs.k8s.io/yaml, no server involved) on the same object, a ConfigMap
//! whose values and keys cover every quoting rule (YAML 1.1 booleans, numbers, timestamps,
//! indicators, long lines that wrap, multi-line blocks, escapes), and a served StatefulSet
//! through `get -o yaml`.

mod common;

use common::TestEnv;
use serde_json::{json, Map, Value};

/// Not here: U+0085, U+2028 and U+FEFF, which kubectl itself mangles (go-yaml reads its own
/// JSON with them as line breaks, or escapes the character after a BOM).
const STRINGS: &[&str] = &[
    "y",
    "on",
    "Off",
    "NO",
    "True",
    "~",
    "null",
    "Null",
    "nil",
    "1e3",
    "0644",
    "09",
    "1:20",
    "190:20:30",
    "1_000",
    "0x1f",
    "0xZZ",
    "0o17",
    "0b101",
    "+1",
    "-1.5",
    "1.",
    ".5",
    "1e",
    ".inf",
    "-.INF",
    ".NaN",
    "2024-01-01T00:00:00Z",
    "2024-01-01",
    "2002-12-14 10:00:00",
    "2024-1-2T3:04:05.5+01:00",
    "2024-01-01x",
    "",
    " ",
    "-",
    "- x",
    "-x",
    "--- x",
    "---",
    "...",
    "a: b",
    "a:b",
    "x:",
    "? x",
    "?x",
    "#x",
    "x #y",
    "x#y",
    "*x",
    "&x",
    "!x",
    "%x",
    "@x",
    "`x",
    "|x",
    ">x",
    "'x",
    "\"x",
    "[x",
    "{x",
    "x,y",
    "=",
    "<<",
    "it's",
    "a'b\"c",
    "\\",
    "x\\y",
    "  lead",
    "trailing ",
    "tab\there",
    "é ünï",
    "\u{a0}x",
    "a\u{7}b",
    "\u{1b}",
    "🦀",
    "multi\nline",
    "trail\n",
    "a\n\nb\n\n",
    "\n",
    "x\n  indented\n",
    " lead\nx",
    "x \ny",
    "x\n y",
    "a\tb\n",
    "a\r\nb",
    "https://x:80/a?b=c#d",
    "cpu=250m,memory=256Mi",
];

fn long_values() -> Vec<String> {
    vec![
        "word ".repeat(30),
        "A".repeat(120),
        format!("{} 'quoted' {}", "x".repeat(70), "y ".repeat(20)),
        format!("{} #{}", "x".repeat(78), "z ".repeat(20)),
        format!("{}\t{}", "tabbed ".repeat(15), "end"),
        format!("{}  two  spaces {}", "w ".repeat(40), "v ".repeat(10)),
        "sh -c 'until nslookup $(hostname).web; do echo waiting for the service to come up; sleep 2; done'".into(),
    ]
}

fn corpus() -> Value {
    let mut data = Map::new();
    let mut keys = Map::new();
    let all: Vec<String> = STRINGS
        .iter()
        .map(|s| s.to_string())
        .chain(long_values())
        .collect();
    for (i, s) in all.iter().enumerate() {
        data.insert(format!("k{i:03}"), json!(s));
        // Keys, but not those go-yaml writes as complex `? ` keys (longer than 128 characters
        // or multi-line: not modelled) nor those starting with `0`, where its key order is not
        // a total order and the result depends on Go's sort algorithm.
        if s.chars().count() < 100
            && !s.is_empty()
            && !s.contains(['\n', '\r'])
            && !s.starts_with('0')
        {
            keys.insert(s.clone(), json!(i));
        }
    }
    for k in [
        "k9",
        "k10",
        "k1",
        "a_b",
        "aBc",
        "a-b",
        "ab",
        "app.kubernetes.io/name",
        "x2y",
        "x10y",
    ] {
        keys.insert(k.into(), json!(1));
    }
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x", "labels": {"app": "y", "on": "x"}},
        "data": data,
        "keys": keys,
        "list": [{"a": 1, "b": [1, 2]}, [3, 4], [], {}, "s", [[1]], [{"x": [{"y": "z"}]}], ["word ".repeat(25)]],
        "nested": {"a": {"b": [{"c": {"d": 1, "e": "multi\nline"}}]}},
        "numbers": [0, -1, 1.0, 2.5, 1e21, 1e-7, 123456789012i64, 1234567.5, 0.0001],
        "empty": {}, "none": null, "f": false,
    })
}

/// JSON with every non-ASCII character escaped: kubectl reads a file through go-yaml, which
/// refuses some raw characters (U+0085, U+FEFF) that are fine as `\u` escapes.
fn ascii_json(v: &Value) -> String {
    let mut out = String::new();
    for c in v.to_string().chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0u16; 2];
            for u in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

#[test]
fn yaml_matches_kubectl_quoting_and_layout() {
    let env = TestEnv::new();
    let v = corpus();
    let file = env.sim.temp_dir().join("corpus.json");
    std::fs::write(&file, ascii_json(&v)).unwrap();
    let Some(mut k) = env.sim.kubectl([
        "patch",
        "--local",
        "-f",
        file.to_str().unwrap(),
        "--type",
        "merge",
        "-p",
        "{}",
        "-o",
        "yaml",
    ]) else {
        return;
    };
    let out = k.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kubectl = String::from_utf8(out.stdout).unwrap();
    let ours = kubectl_statefulset::render::yaml::to_string(&v);
    if ours != kubectl {
        let diff = similar::TextDiff::from_lines(&kubectl, &ours)
            .unified_diff()
            .header("kubectl", "plugin")
            .to_string();
        panic!("-o yaml differs from kubectl's:\n{diff}");
    }
    // And the values read back as they were (the keys not: a plain `<<` key is a merge key to
    // a YAML 1.1 reader, kubectl's included).
    let mut without_keys = v.clone();
    without_keys.as_object_mut().unwrap().remove("keys");
    let text = kubectl_statefulset::render::yaml::to_string(&without_keys);
    let back: Value = kubectl_statefulset::manifest::yaml::from_str(&text).unwrap();
    assert_eq!(back["data"], v["data"]);
}

#[test]
fn get_yaml_matches_kubectl() {
    let env = TestEnv::new();
    let o = env.run([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--command",
        "sh -c 'until nslookup $(hostname).web; do echo waiting for the service to come up; sleep 2; done'",
        "--env",
        "MODE=yes",
        "--alias",
        "Main web: front",
    ]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let Some(mut k) = env.sim.kubectl(["get", "statefulset", "web", "-o", "yaml"]) else {
        return;
    };
    // Both read the same object: nothing changes it between the two reads once it settled.
    let settled = std::time::Instant::now();
    while env
        .sts("default", "web")
        .is_none_or(|s| s["status"]["readyReplicas"] != 1)
    {
        assert!(settled.elapsed().as_secs() < 20, "web never became ready");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let ours = env.run(["get", "web", "-o", "yaml"]);
    assert_eq!(ours.code, 0, "{}", ours.stderr);
    let out = k.output().unwrap();
    let theirs = String::from_utf8(out.stdout).unwrap();
    assert_eq!(ours.stdout, theirs);
}
