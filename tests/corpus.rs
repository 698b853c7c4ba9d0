//! The corpus: real-world StatefulSets (`tests/corpus/*.yaml`, each naming its source project,
//! file, commit and license) applied to kube-sim with the real `kubectl apply`, and every read
//! command of the plugin (`list`, `get`, `pods`, `revisions`, `env`, `logs`, `events`, `top`)
//! compared with what kubectl says of the same objects: the same pods, counts, containers, env
//! names, revisions, events, log lines and metrics.
//!
//! Most StatefulSets in real clusters were not made by this plugin: Helm charts, operators and
//! hand-written manifests use several containers, init containers, selectors other than
//! `app=NAME`, OnDelete and partitions. Two steps of the kubernetes.io "StatefulSet Basics"
//! tutorial are applied on top (a staged update with a partition, an OnDelete update), so that
//! histories with two revisions are compared too.
//!
//! Every difference is collected and printed (command, object, fact, what the plugin said, what
//! kubectl said); the test fails if there is any. Documents of kinds kube-sim does not serve
//! (today only RBAC's v1beta1, which Kubernetes 1.22 removed) are left out of the apply, with a
//! printed note.
//!
//! Needs kubectl: skipped with a printed reason when it is not on PATH, and failing then when
//! `CI=true`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use kube_sim::resources;
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};

use common::TestEnv;

/// Simulated-clock speed while the sets come up (readiness delays of 30 s take 0.75 s).
const SETTLE_SPEED: f64 = 40.0;
/// How long (real time) nothing may change before the sets count as settled: 60 simulated
/// seconds, longer than any readiness delay in the corpus (30 s) plus a probe period.
const STABLE_FOR: Duration = Duration::from_millis(1500);
/// Speed while the two tools are read one after the other: slow, so little changes in between.
const COMPARE_SPEED: f64 = 1.0;

// ---------------------------------------------------------------------------------------------
// The corpus files
// ---------------------------------------------------------------------------------------------

struct CorpusFile {
    file: String,
    namespace: String,
    /// The documents kube-sim serves, joined again with `---`.
    applied: String,
    /// `Kind name (apiVersion)` of the documents left out.
    skipped: Vec<String>,
}

/// The top-level `key: value` of a YAML document (no indentation), quotes stripped.
fn top_level(doc: &str, key: &str) -> Option<String> {
    doc.lines().find_map(|l| {
        let rest = l.strip_prefix(key)?.strip_prefix(':')?;
        let v = rest.split(" #").next().unwrap_or("").trim();
        Some(v.trim_matches('"').trim_matches('\'').to_string())
    })
}

/// `metadata.name` of a document (the first two-space-indented `name:` after `metadata:`).
fn metadata_name(doc: &str) -> String {
    let mut in_meta = false;
    for l in doc.lines() {
        if l.starts_with("metadata:") {
            in_meta = true;
        } else if in_meta && !l.starts_with(' ') && !l.starts_with('#') && !l.is_empty() {
            in_meta = false;
        } else if in_meta {
            if let Some(n) = l.strip_prefix("  name:") {
                return n.trim().trim_matches('"').to_string();
            }
        }
    }
    String::new()
}

fn served(api_version: &str, kind: &str) -> bool {
    resources::RESOURCES
        .iter()
        .any(|r| r.api_version() == api_version && r.kind == kind)
}

fn load_corpus() -> Vec<CorpusFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = file.trim_end_matches(".yaml");
            let mut docs = vec![String::new()];
            for line in text.lines() {
                if line.trim_end() == "---" {
                    docs.push(String::new());
                } else {
                    let d = docs.last_mut().unwrap();
                    d.push_str(line);
                    d.push('\n');
                }
            }
            let mut applied = Vec::new();
            let mut skipped = Vec::new();
            for doc in docs {
                let (Some(api_version), Some(kind)) =
                    (top_level(&doc, "apiVersion"), top_level(&doc, "kind"))
                else {
                    continue; // comments only
                };
                if served(&api_version, &kind) {
                    applied.push(doc);
                } else {
                    skipped.push(format!("{kind} {} ({api_version})", metadata_name(&doc)));
                }
            }
            CorpusFile {
                namespace: format!("corpus-{stem}"),
                file,
                applied: applied.join("---\n"),
                skipped,
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Running the two tools
// ---------------------------------------------------------------------------------------------

struct Out {
    ok: bool,
    stdout: String,
    stderr: String,
}

fn kubectl(env: &TestEnv, args: &[&str], stdin: Option<&str>) -> Out {
    let mut c = env.sim.kubectl(args).expect("kubectl was found before");
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().expect("run kubectl");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    let o = child.wait_with_output().unwrap();
    Out {
        ok: o.status.success(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

/// `kubectl-statefulset ARGS`, with wide columns so no table is wrapped.
fn plugin(env: &TestEnv, args: &[&str]) -> Out {
    let o = env
        .std_cmd(args)
        .env("COLUMNS", "1000")
        .stdin(Stdio::null())
        .output()
        .expect("run kubectl-statefulset");
    Out {
        ok: o.status.success(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    }
}

fn json_of(out: &Out) -> Value {
    serde_json::from_str(&out.stdout).unwrap_or(Value::Null)
}

/// A table printed with aligned columns (kubectl's or the plugin's): one map per row, keyed
/// by header. Columns are found in the header (names are separated by two or more spaces,
/// since some contain one: `UPDATE STRATEGY`).
fn parse_table(text: &str) -> Vec<BTreeMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let Some(header) = lines.next() else {
        return Vec::new();
    };
    let mut starts = Vec::new();
    let mut names = Vec::new();
    let chars: Vec<char> = header.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != ' ' && (i == 0 || (i >= 2 && chars[i - 1] == ' ' && chars[i - 2] == ' ')) {
            let end = (i..chars.len())
                .find(|&j| j + 1 < chars.len() && chars[j] == ' ' && chars[j + 1] == ' ')
                .unwrap_or(chars.len());
            starts.push(i);
            names.push(chars[i..end].iter().collect::<String>().trim().to_string());
            i = end;
        } else {
            i += 1;
        }
    }
    lines
        .map(|l| {
            let c: Vec<char> = l.chars().collect();
            let mut row = BTreeMap::new();
            for (k, name) in names.iter().enumerate() {
                let s = starts[k].min(c.len());
                let e = starts.get(k + 1).copied().unwrap_or(c.len()).min(c.len());
                row.insert(
                    name.clone(),
                    c[s..e].iter().collect::<String>().trim().to_string(),
                );
            }
            row
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Facts from kubectl
// ---------------------------------------------------------------------------------------------

/// What kubectl says of the whole cluster, read once.
struct KubectlView {
    sets: BTreeMap<(String, String), Value>,
    sets_table: BTreeMap<(String, String), BTreeMap<String, String>>,
    pods: Vec<Value>,
    pods_table: BTreeMap<(String, String), BTreeMap<String, String>>,
    revisions: Vec<Value>,
    pvcs: Vec<Value>,
}

fn items(v: &Value) -> Vec<Value> {
    v["items"].as_array().cloned().unwrap_or_default()
}

fn ns_name(v: &Value) -> (String, String) {
    (
        v["metadata"]["namespace"]
            .as_str()
            .unwrap_or("")
            .to_string(),
        v["metadata"]["name"].as_str().unwrap_or("").to_string(),
    )
}

fn table_by_ns_name(out: &Out) -> BTreeMap<(String, String), BTreeMap<String, String>> {
    parse_table(&out.stdout)
        .into_iter()
        .map(|r| ((r["NAMESPACE"].clone(), r["NAME"].clone()), r))
        .collect()
}

fn read_kubectl(env: &TestEnv) -> KubectlView {
    let get = |what: &str| {
        let o = kubectl(env, &["get", what, "-A", "-o", "json"], None);
        assert!(o.ok, "kubectl get {what}: {}", o.stderr);
        json_of(&o)
    };
    let sets = items(&get("statefulsets"))
        .into_iter()
        .map(|s| (ns_name(&s), s))
        .collect();
    let sets_table = table_by_ns_name(&kubectl(env, &["get", "sts", "-A", "-o", "wide"], None));
    let pods = items(&get("pods"));
    let pods_table = table_by_ns_name(&kubectl(env, &["get", "pods", "-A", "-o", "wide"], None));
    let revisions = items(&get("controllerrevisions"));
    let pvcs = items(&get("persistentvolumeclaims"));
    KubectlView {
        sets,
        sets_table,
        pods,
        pods_table,
        revisions,
        pvcs,
    }
}

fn controlled_by(obj: &Value, uid: &str) -> bool {
    obj["metadata"]["ownerReferences"]
        .as_array()
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r["controller"] == json!(true) && r["uid"] == json!(uid))
        })
}

/// metav1.FormatLabelSelector (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go):
/// the requirements sorted by key, joined with commas.
fn format_selector(sel: &Value) -> String {
    let mut reqs: Vec<(String, String)> = Vec::new();
    if let Some(m) = sel["matchLabels"].as_object() {
        for (k, v) in m {
            reqs.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))));
        }
    }
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let k = e["key"].as_str().unwrap_or("").to_string();
        let mut vals: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str())
            .collect();
        vals.sort();
        let s = match e["operator"].as_str() {
            Some("In") => format!("{k} in ({})", vals.join(",")),
            Some("NotIn") => format!("{k} notin ({})", vals.join(",")),
            Some("Exists") => k.clone(),
            _ => format!("!{k}"),
        };
        reqs.push((k, s));
    }
    reqs.sort();
    reqs.into_iter().map(|r| r.1).collect::<Vec<_>>().join(",")
}

fn is_sidecar(c: &Value) -> bool {
    c["restartPolicy"] == json!("Always")
}

/// The hash part of a revision name (`web-6d5f8c7b9` -> `6d5f8c7b9`).
fn hash_of(set: &str, revision: &str) -> String {
    revision
        .strip_prefix(&format!("{set}-"))
        .unwrap_or(revision)
        .to_string()
}

// ---------------------------------------------------------------------------------------------
// Mismatches
// ---------------------------------------------------------------------------------------------

struct Mismatch {
    command: String,
    object: String,
    fact: String,
    plugin: String,
    kubectl: String,
}

#[derive(Default)]
struct Report {
    mismatches: Mutex<Vec<Mismatch>>,
}

impl Report {
    fn add(&self, command: &str, object: &str, fact: &str, plugin: String, kubectl: String) {
        self.mismatches.lock().unwrap().push(Mismatch {
            command: command.to_string(),
            object: object.to_string(),
            fact: fact.to_string(),
            plugin,
            kubectl,
        });
    }

    /// Records a difference when the two differ.
    fn check<T: std::fmt::Debug + PartialEq>(
        &self,
        command: &str,
        object: &str,
        fact: &str,
        plugin: T,
        kubectl: T,
    ) {
        if plugin != kubectl {
            self.add(
                command,
                object,
                fact,
                format!("{plugin:?}"),
                format!("{kubectl:?}"),
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Settling
// ---------------------------------------------------------------------------------------------

/// What must stop changing before the tools are compared: the sets' status and each pod's
/// phase, node, readiness and container states.
fn fingerprint(sim: &KubeSim, namespaces: &[String]) -> String {
    let c = sim.cluster();
    let mut out = String::new();
    for ns in namespaces {
        for s in c.list_items(&resources::STATEFULSETS, Some(ns), None) {
            out.push_str(&format!(
                "{} {} {}\n",
                s["metadata"]["name"], s["metadata"]["generation"], s["status"]
            ));
        }
        for p in c.list_items(&resources::PODS, Some(ns), None) {
            let st = &p["status"];
            let states = |key: &str| -> Vec<String> {
                st[key]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|cs| {
                        let state = cs["state"]
                            .as_object()
                            .and_then(|o| o.keys().next().cloned())
                            .unwrap_or_default();
                        format!(
                            "{}:{}:{}:{}",
                            cs["name"], cs["ready"], cs["restartCount"], state
                        )
                    })
                    .collect()
            };
            out.push_str(&format!(
                "{} {} {} {} {:?} {:?} {}\n",
                p["metadata"]["name"],
                p["metadata"]["deletionTimestamp"],
                st["phase"],
                p["spec"]["nodeName"],
                states("initContainerStatuses"),
                states("containerStatuses"),
                p["metadata"]["labels"]["controller-revision-hash"],
            ));
        }
    }
    out
}

/// Waits until the fingerprint has not changed for a while (or gives up after `limit`: some
/// sets never settle, e.g. a pod in back-off; they are compared as they are).
fn settle(sim: &KubeSim, namespaces: &[String], limit: Duration) {
    let start = Instant::now();
    let mut last = fingerprint(sim, namespaces);
    let mut stable_since = Instant::now();
    while start.elapsed() < limit {
        std::thread::sleep(Duration::from_millis(250));
        let now = fingerprint(sim, namespaces);
        if now != last {
            last = now;
            stable_since = Instant::now();
        } else if stable_since.elapsed() >= STABLE_FOR {
            return;
        }
    }
    eprintln!("corpus: not settled after {limit:?}; comparing the sets as they are");
}

// ---------------------------------------------------------------------------------------------
// The comparison of one StatefulSet
// ---------------------------------------------------------------------------------------------

struct SetCtx<'a> {
    env: &'a TestEnv,
    view: &'a KubectlView,
    report: &'a Report,
    plugin_list: &'a BTreeMap<(String, String), BTreeMap<String, String>>,
    ns: String,
    name: String,
    set: &'a Value,
    /// The pods the set controls, by kubectl (controller ownerReference with the set's uid).
    pods: Vec<&'a Value>,
}

impl SetCtx<'_> {
    fn object(&self) -> String {
        format!("{}/{}", self.ns, self.name)
    }

    fn run(&self, args: &[&str]) -> Out {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["-n", &self.ns]);
        plugin(self.env, &a)
    }

    fn kubectl(&self, args: &[&str]) -> Out {
        let mut a: Vec<&str> = args.to_vec();
        a.extend(["-n", &self.ns]);
        kubectl(self.env, &a, None)
    }

    fn failed(&self, command: &str, out: &Out) -> bool {
        if !out.ok {
            self.report.add(
                command,
                &self.object(),
                "exit status",
                format!("failed: {}", out.stderr.trim()),
                "kubectl reads the same objects".into(),
            );
        }
        !out.ok
    }

    fn update_revision(&self) -> String {
        self.set["status"]["updateRevision"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// The console's status (README: Stopped = 0 replicas and none ready; Running = all ready
    /// and one revision; else Updating), from kubectl's facts: every pod on the update revision.
    fn expected_status(&self) -> &'static str {
        let desired = self.set["spec"]["replicas"].as_i64().unwrap_or(1);
        let ready = self.set["status"]["readyReplicas"].as_i64().unwrap_or(0);
        let update = self.update_revision();
        let one_revision = self.pods.iter().all(|p| {
            p["metadata"]["labels"]["controller-revision-hash"].as_str() == Some(update.as_str())
        });
        if desired == 0 && ready == 0 {
            "Stopped"
        } else if ready == desired && self.pods.len() as i64 == desired && one_revision {
            "Running"
        } else {
            "Updating"
        }
    }

    /// `RollingUpdate`, `RollingUpdate(partition=N)` or `OnDelete`.
    fn expected_strategy(&self) -> String {
        let strategy = &self.set["spec"]["updateStrategy"];
        let ty = strategy["type"].as_str().unwrap_or("RollingUpdate");
        let partition = strategy["rollingUpdate"]["partition"].as_i64().unwrap_or(0);
        if ty == "RollingUpdate" && partition > 0 {
            format!("{ty}(partition={partition})")
        } else {
            ty.to_string()
        }
    }

    fn kubectl_pod_row(&self, pod: &str) -> BTreeMap<String, String> {
        self.view
            .pods_table
            .get(&(self.ns.clone(), pod.to_string()))
            .cloned()
            .unwrap_or_default()
    }

    fn pod_names(&self) -> BTreeSet<String> {
        self.pods.iter().map(|p| ns_name(p).1).collect()
    }

    fn compare_list(&self) {
        let cmd = "list";
        let key = (self.ns.clone(), self.name.clone());
        let Some(row) = self.plugin_list.get(&key) else {
            self.report.add(
                cmd,
                &self.object(),
                "listed",
                "absent".into(),
                "present".into(),
            );
            return;
        };
        let k = self.view.sets_table.get(&key).cloned().unwrap_or_default();
        let o = self.object();
        self.report
            .check(cmd, &o, "READY", row["READY"].clone(), k["READY"].clone());
        self.report.check(
            cmd,
            &o,
            "IMAGES",
            row["IMAGES"].clone(),
            k["IMAGES"].clone(),
        );
        self.report.check(
            cmd,
            &o,
            "SELECTOR",
            row["SELECTOR"].clone(),
            format_selector(&self.set["spec"]["selector"]),
        );
        self.report.check(
            cmd,
            &o,
            "SERVICE",
            row["SERVICE"].clone(),
            self.set["spec"]["serviceName"]
                .as_str()
                .unwrap_or("")
                .into(),
        );
        self.report.check(
            cmd,
            &o,
            "UPDATE STRATEGY",
            row["UPDATE STRATEGY"].clone(),
            self.expected_strategy(),
        );
        self.report.check(
            cmd,
            &o,
            "REVISION (update revision hash)",
            row["REVISION"].clone(),
            hash_of(&self.name, &self.update_revision()),
        );
        self.report.check(
            cmd,
            &o,
            "STATUS (console rule on kubectl's facts)",
            row["STATUS"].clone(),
            self.expected_status().to_string(),
        );
    }

    /// One pod row of the plugin (from `pods` or `get`) against kubectl's view of that pod.
    fn compare_pod_row(&self, cmd: &str, row: &BTreeMap<String, String>) {
        let pod = row["POD"].clone();
        let o = format!("{}/{pod}", self.ns);
        let Some(kpod) = self.pods.iter().find(|p| ns_name(p).1 == pod) else {
            return; // reported by the name sets
        };
        let k = self.kubectl_pod_row(&pod);
        self.report.check(
            cmd,
            &o,
            "STATUS",
            row["STATUS"].clone(),
            k["STATUS"].clone(),
        );
        self.report
            .check(cmd, &o, "READY", row["READY"].clone(), k["READY"].clone());
        let restarts = |s: &str| s.split_whitespace().next().unwrap_or("").to_string();
        self.report.check(
            cmd,
            &o,
            "RESTARTS",
            restarts(&row["RESTARTS"]),
            restarts(&k["RESTARTS"]),
        );
        self.report
            .check(cmd, &o, "NODE", row["NODE"].clone(), k["NODE"].clone());
        self.report
            .check(cmd, &o, "IP", row["IP"].clone(), k["IP"].clone());
        let ordinal = kpod["metadata"]["labels"]["apps.kubernetes.io/pod-index"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| pod.rsplit('-').next().unwrap_or("").to_string());
        self.report
            .check(cmd, &o, "ORDINAL", row["ORDINAL"].clone(), ordinal);
        // `6ff788784c*` (pods) or `1 (6ff788784c)*` (get): the hash, and `*` on the update revision.
        let rev = row["REVISION"].clone();
        let marked = rev.ends_with('*');
        let hash = rev
            .trim_end_matches('*')
            .rsplit(['(', ' '])
            .next()
            .unwrap_or("")
            .trim_end_matches(')')
            .to_string();
        let label = kpod["metadata"]["labels"]["controller-revision-hash"]
            .as_str()
            .unwrap_or("");
        self.report.check(
            cmd,
            &o,
            "REVISION (controller-revision-hash)",
            hash,
            hash_of(&self.name, label),
        );
        self.report.check(
            cmd,
            &o,
            "REVISION marked * (on the update revision)",
            marked,
            label == self.update_revision(),
        );
    }

    fn compare_pods(&self) {
        let cmd = "pods";
        let names = self.run(&["pods", &self.name, "-o", "name"]);
        if self.failed("pods -o name", &names) {
            return;
        }
        let plugin_names: BTreeSet<String> = names
            .stdout
            .lines()
            .filter_map(|l| l.strip_prefix("pod/"))
            .map(str::to_string)
            .collect();
        self.report.check(
            "pods -o name",
            &self.object(),
            "pods (kubectl: controlled by the set's uid)",
            plugin_names,
            self.pod_names(),
        );
        let table = self.run(&["pods", &self.name]);
        if self.failed(cmd, &table) {
            return;
        }
        let rows = parse_table(&table.stdout);
        let table_names: BTreeSet<String> = rows.iter().map(|r| r["POD"].clone()).collect();
        self.report.check(
            cmd,
            &self.object(),
            "pods in the table",
            table_names,
            self.pod_names(),
        );
        for row in &rows {
            self.compare_pod_row(cmd, row);
        }
    }

    fn compare_get(&self) {
        let cmd = "get";
        let out = self.run(&["get", &self.name]);
        if self.failed(cmd, &out) {
            return;
        }
        let o = self.object();
        let mut fields = BTreeMap::new();
        let mut section = String::new();
        let mut sections: BTreeMap<String, String> = BTreeMap::new();
        for line in out.stdout.lines() {
            if line.is_empty() {
                continue;
            }
            if !line.starts_with(' ') {
                if let Some((k, v)) = line.split_once(':') {
                    if v.trim().is_empty() {
                        section = k.to_string();
                        continue;
                    }
                    if section.is_empty() {
                        fields.insert(k.to_string(), v.trim().to_string());
                    }
                }
                continue;
            }
            if let Some(rest) = line.strip_prefix("  ") {
                let s = sections.entry(section.clone()).or_default();
                s.push_str(rest);
                s.push('\n');
            }
        }
        let status = &self.set["status"];
        let n = |v: &Value| v.as_i64().unwrap_or(0);
        let expected_replicas = format!(
            "{} desired | {} ready | {} current | {} updated",
            self.set["spec"]["replicas"].as_i64().unwrap_or(1),
            n(&status["readyReplicas"]),
            n(&status["currentReplicas"]),
            n(&status["updatedReplicas"]),
        );
        let field = |k: &str| fields.get(k).cloned().unwrap_or_default();
        self.report
            .check(cmd, &o, "Replicas", field("Replicas"), expected_replicas);
        self.report.check(
            cmd,
            &o,
            "Revisions",
            field("Revisions"),
            format!(
                "current {}, update {}",
                status["currentRevision"].as_str().unwrap_or(""),
                status["updateRevision"].as_str().unwrap_or("")
            ),
        );
        self.report.check(
            cmd,
            &o,
            "Selector",
            field("Selector"),
            format_selector(&self.set["spec"]["selector"]),
        );
        let k = self
            .view
            .sets_table
            .get(&(self.ns.clone(), self.name.clone()))
            .cloned()
            .unwrap_or_default();
        self.report
            .check(cmd, &o, "Images", field("Images"), k["IMAGES"].clone());
        self.report.check(
            cmd,
            &o,
            "Status (console rule on kubectl's facts)",
            field("Status"),
            self.expected_status().to_string(),
        );
        self.report.check(
            cmd,
            &o,
            "Update strategy",
            field("Update strategy"),
            self.expected_strategy(),
        );
        self.report.check(
            cmd,
            &o,
            "Service",
            field("Service"),
            self.set["spec"]["serviceName"]
                .as_str()
                .unwrap_or("")
                .to_string(),
        );
        self.report.check(
            cmd,
            &o,
            "Pod management",
            field("Pod management"),
            self.set["spec"]["podManagementPolicy"]
                .as_str()
                .unwrap_or("OrderedReady")
                .to_string(),
        );
        // Containers: every container of the template (init, sidecar, container), in order,
        // with its image, as the stored object (kubectl get -o json) has them.
        let spec = &self.set["spec"]["template"]["spec"];
        let expected_containers: Vec<(String, String, String)> = spec["initContainers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| (c, if is_sidecar(c) { "sidecar" } else { "init" }))
            .chain(
                spec["containers"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|c| (c, "container")),
            )
            .map(|(c, kind)| {
                (
                    c["name"].as_str().unwrap_or("").to_string(),
                    kind.to_string(),
                    c["image"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let shown_containers: Vec<(String, String, String)> =
            parse_table(sections.get("Containers").map(String::as_str).unwrap_or(""))
                .into_iter()
                .map(|r| {
                    (
                        r["CONTAINER"].clone(),
                        r["TYPE"].clone(),
                        r["IMAGE"].clone(),
                    )
                })
                .collect();
        self.report.check(
            cmd,
            &o,
            "Containers (name, type, image)",
            shown_containers,
            expected_containers,
        );
        // Ports: every container port of the template (containers and native sidecars).
        let mut expected_ports = BTreeSet::new();
        let containers = spec["containers"].as_array().cloned().unwrap_or_default();
        let sidecars: Vec<Value> = spec["initContainers"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| is_sidecar(c))
            .cloned()
            .collect();
        for c in containers.iter().chain(&sidecars) {
            for p in c["ports"].as_array().into_iter().flatten() {
                expected_ports.insert((
                    c["name"].as_str().unwrap_or("").to_string(),
                    p["containerPort"].to_string(),
                ));
            }
        }
        let ports: BTreeSet<(String, String)> =
            parse_table(sections.get("Ports").map(String::as_str).unwrap_or(""))
                .into_iter()
                .map(|r| (r["CONTAINER"].clone(), r["PORT"].clone()))
                .collect();
        self.report
            .check(cmd, &o, "Ports (container, port)", ports, expected_ports);
        let rows = parse_table(sections.get("Pods").map(String::as_str).unwrap_or(""));
        let names: BTreeSet<String> = rows.iter().map(|r| r["POD"].clone()).collect();
        self.report
            .check(cmd, &o, "pods in the Pods table", names, self.pod_names());
        for row in &rows {
            self.compare_pod_row(cmd, row);
        }
    }

    fn compare_revisions(&self) {
        let cmd = "revisions";
        let o = self.object();
        let uid = self.set["metadata"]["uid"].as_str().unwrap_or("");
        let owned: Vec<&Value> = self
            .view
            .revisions
            .iter()
            .filter(|r| ns_name(r).0 == self.ns && controlled_by(r, uid))
            .collect();
        let history = self.kubectl(&["rollout", "history", &format!("statefulset/{}", self.name)]);
        let history_numbers: BTreeSet<String> = history
            .stdout
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .filter(|w| w.chars().all(|c| c.is_ascii_digit()))
            .map(str::to_string)
            .collect();
        let json = self.run(&["revisions", &self.name, "-o", "json"]);
        if !self.failed("revisions -o json", &json) {
            let names: BTreeSet<String> = items(&json_of(&json))
                .iter()
                .map(|r| ns_name(r).1)
                .collect();
            let expected: BTreeSet<String> = owned.iter().map(|r| ns_name(r).1).collect();
            self.report.check(
                "revisions -o json",
                &o,
                "ControllerRevisions (kubectl: controlled by the set's uid)",
                names,
                expected,
            );
        }
        let table = self.run(&["revisions", &self.name]);
        if self.failed(cmd, &table) {
            return;
        }
        let rows = parse_table(&table.stdout);
        let numbers: BTreeSet<String> = rows.iter().map(|r| r["REVISION"].clone()).collect();
        self.report.check(
            cmd,
            &o,
            "REVISION numbers (kubectl rollout history)",
            numbers,
            history_numbers,
        );
        let status = &self.set["status"];
        for row in &rows {
            let number = row["REVISION"].clone();
            let Some(rev) = owned
                .iter()
                .find(|r| r["revision"].as_i64().map(|n| n.to_string()) == Some(number.clone()))
            else {
                continue; // reported by the number sets
            };
            let rev_name = ns_name(rev).1;
            let ro = format!("{o} revision {number}");
            self.report.check(
                cmd,
                &ro,
                "HASH",
                row["HASH"].clone(),
                hash_of(&self.name, &rev_name),
            );
            self.report.check(
                cmd,
                &ro,
                "CURRENT",
                row["CURRENT"] == "*",
                status["currentRevision"].as_str() == Some(rev_name.as_str()),
            );
            self.report.check(
                cmd,
                &ro,
                "UPDATE",
                row["UPDATE"] == "*",
                status["updateRevision"].as_str() == Some(rev_name.as_str()),
            );
            let pods = self
                .pods
                .iter()
                .filter(|p| {
                    p["metadata"]["labels"]["controller-revision-hash"].as_str()
                        == Some(rev_name.as_str())
                })
                .count();
            self.report
                .check(cmd, &ro, "PODS", row["PODS"].clone(), pods.to_string());
        }
    }

    fn compare_env(&self) {
        let cmd = "env";
        let o = self.object();
        let list = self.kubectl(&[
            "set",
            "env",
            &format!("statefulset/{}", self.name),
            "--list",
        ]);
        // `# StatefulSet web, container C`, then `NAME=value` or `# NAME from ...` lines.
        let mut expected: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut container = String::new();
        for line in list.stdout.lines() {
            if let Some(c) = line
                .strip_prefix("# ")
                .and_then(|l| l.split_once(", container "))
            {
                container = c.1.to_string();
                expected.entry(container.clone()).or_default();
            } else if let Some(rest) = line.strip_prefix("# ") {
                if let Some((name, _)) = rest.split_once(" from ") {
                    expected
                        .entry(container.clone())
                        .or_default()
                        .push(name.to_string());
                }
            } else if let Some((name, _)) = line.split_once('=') {
                if !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
                {
                    expected
                        .entry(container.clone())
                        .or_default()
                        .push(name.to_string());
                }
            }
        }
        expected.retain(|_, v| !v.is_empty());
        let out = self.run(&["env", &self.name, "-o", "json"]);
        if self.failed(cmd, &out) {
            return;
        }
        let mut got: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for e in json_of(&out).as_array().into_iter().flatten() {
            let c = e["container"].as_str().unwrap_or("");
            let c = c
                .strip_prefix("init:")
                .or_else(|| c.strip_prefix("sidecar:"))
                .unwrap_or(c);
            got.entry(c.to_string())
                .or_default()
                .push(e["name"].as_str().unwrap_or("").to_string());
        }
        let containers: BTreeSet<&String> = got.keys().chain(expected.keys()).collect();
        for c in containers {
            self.report.check(
                cmd,
                &format!("{o} container {c}"),
                "env names, in order (kubectl set env --list)",
                got.get(c).cloned().unwrap_or_default(),
                expected.get(c).cloned().unwrap_or_default(),
            );
        }
    }

    /// `events` against `kubectl events --for statefulset/NAME`, and `events --pods` against
    /// the namespace's events about the set, its pods and its claims (`<template>-<set>-<n>`),
    /// by event uid. kubectl is read just before and just after the plugin (pending pods get
    /// new scheduling events): the plugin must show all of the first and none beyond the second.
    fn compare_events(&self) {
        let uid = self.set["metadata"]["uid"].as_str().unwrap_or("");
        let describe = |e: &Value| -> String {
            format!(
                "{} {} {}: {}",
                e["involvedObject"]["kind"].as_str().unwrap_or(""),
                e["involvedObject"]["name"].as_str().unwrap_or(""),
                e["reason"].as_str().unwrap_or(""),
                e["message"].as_str().unwrap_or("")
            )
        };
        let by_uid = |events: Vec<Value>| -> BTreeMap<String, String> {
            events
                .iter()
                .map(|e| {
                    (
                        e["metadata"]["uid"].as_str().unwrap_or("").to_string(),
                        describe(e),
                    )
                })
                .collect()
        };
        // The set's own events, as `kubectl events --for` finds them.
        let own = || {
            let k = self.kubectl(&[
                "events",
                "--for",
                &format!("statefulset/{}", self.name),
                "-o",
                "json",
            ]);
            by_uid(items(&json_of(&k)))
        };
        let before = own();
        let out = self.run(&["events", &self.name, "-o", "json"]);
        if !self.failed("events", &out) {
            self.compare_event_sets("events", by_uid(items(&json_of(&out))), &before, own);
        }
        // With --pods: also those of its pods and its claims.
        let pods = self.pod_names();
        let templates: Vec<String> = self.set["spec"]["volumeClaimTemplates"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|t| t["metadata"]["name"].as_str().unwrap_or("").to_string())
            .collect();
        let claims: BTreeSet<String> = self
            .view
            .pvcs
            .iter()
            .map(ns_name)
            .filter(|(ns, name)| {
                *ns == self.ns
                    && templates.iter().any(|t| {
                        name.strip_prefix(&format!("{t}-{}-", self.name))
                            .is_some_and(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_digit()))
                    })
            })
            .map(|x| x.1)
            .collect();
        let related = || {
            let all = self.kubectl(&["get", "events", "-o", "json"]);
            by_uid(
                items(&json_of(&all))
                    .into_iter()
                    .filter(|e| {
                        let io = &e["involvedObject"];
                        let name = io["name"].as_str().unwrap_or("");
                        match io["kind"].as_str() {
                            Some("Pod") => pods.contains(name),
                            Some("PersistentVolumeClaim") => claims.contains(name),
                            Some("StatefulSet") => io["uid"].as_str() == Some(uid),
                            _ => false,
                        }
                    })
                    .collect(),
            )
        };
        let before = related();
        let out = self.run(&["events", &self.name, "--pods", "-o", "json"]);
        if !self.failed("events --pods", &out) {
            self.compare_event_sets(
                "events --pods",
                by_uid(items(&json_of(&out))),
                &before,
                related,
            );
        }
    }

    /// `after` reads kubectl again; only needed when the plugin shows events kubectl did not.
    fn compare_event_sets(
        &self,
        cmd: &str,
        got: BTreeMap<String, String>,
        before: &BTreeMap<String, String>,
        after: impl Fn() -> BTreeMap<String, String>,
    ) {
        let missing: Vec<&String> = before
            .iter()
            .filter(|(u, _)| !got.contains_key(*u))
            .map(|x| x.1)
            .collect();
        let after = if got.keys().all(|u| before.contains_key(u)) {
            before.clone()
        } else {
            after()
        };
        let extra: Vec<&String> = got
            .iter()
            .filter(|(u, _)| !after.contains_key(*u))
            .map(|x| x.1)
            .collect();
        if !missing.is_empty() || !extra.is_empty() {
            self.report.add(
                cmd,
                &self.object(),
                "events (by uid)",
                format!("{} events; lacks {missing:?}; extra {extra:?}", got.len()),
                format!("{} events", after.len()),
            );
        }
    }

    /// The plugin's `top -o json` in kubectl's units; a pod without metrics is listed with
    /// null values (`<none>` in the table) and left out here.
    fn top_usage(&self, v: &Value) -> BTreeMap<String, (i64, i64)> {
        v["pods"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| {
                let cpu = p["cpuMillicores"].as_f64()?;
                let mem = p["memoryBytes"].as_f64()?;
                Some((
                    p["pod"].as_str().unwrap_or("").to_string(),
                    (cpu.ceil() as i64, (mem / 1048576.0).floor() as i64),
                ))
            })
            .collect()
    }

    /// `top` against `kubectl top pods`, read just before and just after the plugin: the pods
    /// with metrics, and each pod's CPU and memory in kubectl's units (millicores rounded up,
    /// MiB rounded down), equal to one of the two kubectl reads (metrics move every 15 s).
    fn compare_top(&self) {
        let cmd = "top";
        let o = self.object();
        let read = || -> BTreeMap<String, (i64, i64)> {
            let k = self.kubectl(&["top", "pods", "--no-headers"]);
            let pods = self.pod_names();
            k.stdout
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    let cpu = f.get(1)?.strip_suffix('m')?.parse().ok()?;
                    let mem = f.get(2)?.strip_suffix("Mi")?.parse().ok()?;
                    pods.contains(f[0]).then(|| (f[0].to_string(), (cpu, mem)))
                })
                .collect()
        };
        let before = read();
        let out = self.run(&["top", &self.name, "-o", "json"]);
        let after = if out.ok && self.top_usage(&json_of(&out)) == before {
            before.clone()
        } else {
            read()
        };
        if !out.ok {
            // No metrics at all is an error for both tools (`kubectl top` says so too).
            if !before.is_empty() || !after.is_empty() {
                self.failed(cmd, &out);
            }
            return;
        }
        let v = json_of(&out);
        let listed: BTreeSet<String> = v["pods"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["pod"].as_str().unwrap_or("").to_string())
            .collect();
        self.report
            .check(cmd, &o, "pods listed", listed, self.pod_names());
        let got = self.top_usage(&v);
        let with_metrics =
            |m: &BTreeMap<String, (i64, i64)>| m.keys().cloned().collect::<BTreeSet<_>>();
        if with_metrics(&got) != with_metrics(&before) && with_metrics(&got) != with_metrics(&after)
        {
            self.report.add(
                cmd,
                &o,
                "pods with metrics (kubectl top pods)",
                format!("{:?}", with_metrics(&got)),
                format!("{:?}", with_metrics(&after)),
            );
        }
        for (pod, usage) in &got {
            let (b, a) = (before.get(pod), after.get(pod));
            if b != Some(usage) && a != Some(usage) && (b.is_some() || a.is_some()) {
                self.report.add(
                    cmd,
                    &format!("{}/{pod}", self.ns),
                    "CPU (m, rounded up) and memory (Mi, rounded down)",
                    format!("{}m {}Mi", usage.0, usage.1),
                    format!("{:?} before, {:?} after", b, a),
                );
            }
        }
    }

    /// `logs` in three forms against `kubectl logs -l SELECTOR --prefix` with the same flags
    /// (filtered to the set's pods), both from the same `--since-time`: every container
    /// (`--all-containers`), the default container (no flag: kubectl's
    /// `kubectl.kubernetes.io/default-container` annotation, else the first container), and
    /// each init container by name (`-c`). Only lines stamped before the plugin was started are
    /// compared (later ones may reach kubectl only).
    fn compare_logs(&self, since: &str, clock: &kube_sim::clock::Clock) {
        let mut forms: Vec<(String, Vec<String>)> = vec![
            (
                "logs --all-containers".into(),
                vec!["--all-containers".into()],
            ),
            ("logs".into(), vec![]),
        ];
        for c in self.set["spec"]["template"]["spec"]["initContainers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let name = c["name"].as_str().unwrap_or("").to_string();
            forms.push((format!("logs -c {name}"), vec!["-c".into(), name]));
        }
        for (cmd, flags) in forms {
            let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
            self.compare_logs_form(&cmd, &flags, since, clock);
        }
    }

    fn compare_logs_form(
        &self,
        cmd: &str,
        flags: &[&str],
        since: &str,
        clock: &kube_sim::clock::Clock,
    ) {
        let o = self.object();
        let cutoff = clock.now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
        let mut args = vec!["logs", &self.name, "--since-time", since, "-o", "json"];
        args.extend(flags);
        let out = self.run(&args);
        let selector = format_selector(&self.set["spec"]["selector"]);
        let mut kargs = vec![
            "logs",
            "-l",
            &selector,
            "--prefix",
            "--since-time",
            since,
            "--max-log-requests",
            "100",
            "--tail=-1", // with -l, kubectl's default is the last 10 lines
        ];
        kargs.extend(flags);
        let k = self.kubectl(&kargs);
        // A stream neither can read because its container is waiting to start (a missing
        // ConfigMap or Secret, a volume not yet attached) is agreement when both say so of the
        // same stream for the same reason: kubectl `logs -l … --prefix` stops at the first
        // such stream ("container C in pod P is waiting to start: REASON"), the plugin names
        // each on stderr and fails only when no stream could be read. kubectl's output then
        // ends early, so its streams are compared as a part of the plugin's.
        let kubectl_waiting = waiting_streams(&k.stderr);
        let agreed_waiting = !k.ok
            && !kubectl_waiting.is_empty()
            && kubectl_waiting.is_subset(&waiting_streams(&out.stderr));
        if agreed_waiting && !out.ok {
            return;
        }
        if self.failed(cmd, &out) {
            return;
        }
        let early = |line: &str| line.split(' ').next().is_some_and(|t| t < cutoff.as_str());
        let mut got: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for l in out.stdout.lines() {
            let v: Value = serde_json::from_str(l).unwrap_or(Value::Null);
            let msg = v["message"].as_str().unwrap_or("").to_string();
            if early(&msg) {
                got.entry((
                    v["pod"].as_str().unwrap_or("").into(),
                    v["container"].as_str().unwrap_or("").into(),
                ))
                .or_default()
                .push(msg);
            }
        }
        let pods = self.pod_names();
        let mut want: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for l in k.stdout.lines() {
            let Some((prefix, msg)) = l.strip_prefix("[pod/").and_then(|r| r.split_once("] "))
            else {
                continue;
            };
            let Some((pod, container)) = prefix.split_once('/') else {
                continue;
            };
            if pods.contains(pod) && early(msg) {
                want.entry((pod.into(), container.into()))
                    .or_default()
                    .push(msg.to_string());
            }
        }
        let mut got_streams: BTreeSet<(String, String)> = got.keys().cloned().collect();
        if agreed_waiting {
            got_streams.retain(|s| want.contains_key(s));
        }
        self.report.check(
            cmd,
            &o,
            "streams (pod, container) with lines",
            got_streams,
            want.keys().cloned().collect::<BTreeSet<_>>(),
        );
        for (stream, lines) in &want {
            if let Some(g) = got.get(stream) {
                if g != lines {
                    let first_diff = g
                        .iter()
                        .zip(lines)
                        .position(|(a, b)| a != b)
                        .unwrap_or(g.len().min(lines.len()));
                    self.report.add(
                        cmd,
                        &format!("{}/{}/{}", self.ns, stream.0, stream.1),
                        "log lines",
                        format!(
                            "{} lines, line {first_diff}: {:?}",
                            g.len(),
                            g.get(first_diff)
                        ),
                        format!(
                            "{} lines, line {first_diff}: {:?}",
                            lines.len(),
                            lines.get(first_diff)
                        ),
                    );
                }
            }
        }
    }
}

/// The (pod, container, reason) of each `container "C" in pod "P" is waiting to start: REASON`
/// in a command's stderr (the kubelet's message, as the API server relays it).
fn waiting_streams(stderr: &str) -> BTreeSet<(String, String, String)> {
    let mut out = BTreeSet::new();
    for line in stderr.lines() {
        let Some(at) = line.find("container \"") else {
            continue;
        };
        let rest = &line[at + "container \"".len()..];
        let Some((c, rest)) = rest.split_once("\" in pod \"") else {
            continue;
        };
        let Some((p, rest)) = rest.split_once("\" is waiting to start: ") else {
            continue;
        };
        out.insert((p.to_string(), c.to_string(), rest.trim().to_string()));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The test
// ---------------------------------------------------------------------------------------------

/// Two steps of the kubernetes.io tutorial "StatefulSet Basics"
/// (content/en/docs/tutorials/stateful-application/basic-stateful-set.md): a staged update with
/// a partition on `web`, and the OnDelete strategy with an update and deleted pods on `zoo`.
fn tutorial_updates(env: &TestEnv) {
    let web = ["-n", "corpus-k8s-website-web"];
    let zoo = ["-n", "corpus-kafka-zookeeper"];
    let steps: Vec<Vec<&str>> = vec![
        vec![
            "patch",
            "statefulset",
            "web",
            "-p",
            r#"{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}"#,
        ],
        vec![
            "patch",
            "statefulset",
            "web",
            "--type=json",
            r#"-p=[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"registry.k8s.io/nginx-slim:0.24"}]"#,
        ],
        vec![
            "patch",
            "statefulset",
            "zoo",
            "-p",
            r#"{"spec":{"updateStrategy":{"type":"OnDelete", "rollingUpdate": null}}}"#,
        ],
        vec!["rollout", "restart", "statefulset/zoo"],
        vec!["delete", "pod", "zoo-0", "zoo-1", "--wait=false"],
    ];
    for step in steps {
        let ns = if step.contains(&"web") { web } else { zoo };
        let mut args = step.clone();
        args.extend(ns);
        let o = kubectl(env, &args, None);
        assert!(o.ok, "kubectl {args:?}: {}", o.stderr);
    }
}

#[test]
fn corpus_plugin_matches_kubectl() {
    let sim = KubeSim::start(SimOptions {
        speed: SETTLE_SPEED,
        ..Default::default()
    })
    .expect("start kube-sim");
    let env = TestEnv::with_sim(sim);
    if kube_sim::require_tool("kubectl").is_none() {
        return;
    }
    let started = Instant::now();
    // Logs are compared from here on: everything the pods ever wrote.
    let since = env
        .sim
        .clock()
        .now()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let corpus = load_corpus();
    assert!(corpus.len() >= 15, "the corpus has {} files", corpus.len());
    let report = Report::default();

    // Apply every file into its own namespace, in parallel.
    for f in &corpus {
        env.sim
            .create(
                &resources::NAMESPACES,
                "",
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f.namespace}}),
            )
            .unwrap();
        for s in &f.skipped {
            eprintln!(
                "corpus: {}: left out {s}: kube-sim does not serve it",
                f.file
            );
        }
    }
    std::thread::scope(|scope| {
        for f in &corpus {
            let (env, report) = (&env, &report);
            scope.spawn(move || {
                let o = kubectl(
                    env,
                    &["apply", "-n", &f.namespace, "-f", "-"],
                    Some(&f.applied),
                );
                if !o.ok {
                    report.add(
                        "kubectl apply",
                        &f.file,
                        "accepted by the API server (a real one accepts these manifests)",
                        String::new(),
                        o.stderr.trim().to_string(),
                    );
                }
            });
        }
    });
    let namespaces: Vec<String> = corpus.iter().map(|f| f.namespace.clone()).collect();
    settle(&env.sim, &namespaces, Duration::from_secs(20));
    tutorial_updates(&env);
    settle(&env.sim, &namespaces, Duration::from_secs(20));
    env.sim.clock().set_speed(COMPARE_SPEED);
    eprintln!("corpus: applied and settled in {:?}", started.elapsed());

    let view = read_kubectl(&env);
    let list = plugin(&env, &["list", "-A", "-o", "wide"]);
    assert!(list.ok, "list -A: {}", list.stderr);
    let plugin_list = table_by_ns_name(&list);

    let sets: Vec<(&(String, String), &Value)> = view
        .sets
        .iter()
        .filter(|(k, _)| namespaces.contains(&k.0))
        .collect();
    assert!(
        sets.len() >= 15,
        "only {} StatefulSets were created",
        sets.len()
    );
    for key in plugin_list.keys() {
        if namespaces.contains(&key.0) && !view.sets.contains_key(key) {
            report.add(
                "list",
                &format!("{}/{}", key.0, key.1),
                "listed",
                "present".into(),
                "absent".into(),
            );
        }
    }
    let next = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(((ns, name), set)) = sets.get(i) else {
                    break;
                };
                let uid = set["metadata"]["uid"].as_str().unwrap_or("");
                let ctx = SetCtx {
                    env: &env,
                    view: &view,
                    report: &report,
                    plugin_list: &plugin_list,
                    ns: ns.clone(),
                    name: name.clone(),
                    set,
                    pods: view
                        .pods
                        .iter()
                        .filter(|p| ns_name(p).0 == *ns && controlled_by(p, uid))
                        .collect(),
                };
                ctx.compare_list();
                ctx.compare_pods();
                ctx.compare_get();
                ctx.compare_revisions();
                ctx.compare_env();
                ctx.compare_events();
                ctx.compare_top();
                ctx.compare_logs(&since, env.sim.clock());
            });
        }
    });

    let mut mismatches = report.mismatches.into_inner().unwrap();
    mismatches
        .sort_by(|a, b| (&a.command, &a.object, &a.fact).cmp(&(&b.command, &b.object, &b.fact)));
    eprintln!(
        "corpus: {} files, {} StatefulSets, compared in {:?} in all",
        corpus.len(),
        sets.len(),
        started.elapsed()
    );
    let text: Vec<String> = mismatches
        .iter()
        .map(|m| {
            format!(
                "{} | {} | {}\n    plugin:  {}\n    kubectl: {}",
                m.command, m.object, m.fact, m.plugin, m.kubectl
            )
        })
        .collect();
    assert!(
        mismatches.is_empty(),
        "{} differences between the plugin and kubectl:\n{}",
        mismatches.len(),
        text.join("\n")
    );
}
