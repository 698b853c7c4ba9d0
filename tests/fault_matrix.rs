//! The fault matrix: every command × every fault {500, 429 with Retry-After: 1, 503, connection
//! reset}, injected once on (a) the first read the command makes and (b) each distinct write it
//! makes (learnt from a fault-free probe run of the same command).
//!
//! For every cell:
//! - a faulted read is retried once and the command succeeds with the probe's output checks; the
//!   writes it makes are exactly the probe's (a read fault changes nothing else); a 429's
//!   Retry-After is honoured;
//! - a faulted write is never repeated, and the command either succeeds (state fully applied)
//!   or exits 1 with an `error: …` line (no panic, no debug dump) and the simulator's state
//!   shows nothing half-done (the row's own consistency check).
//!
//! One simulator per command row; each cell works in its own namespace (faults are matched on
//! the namespaced path, so cells of a row run in parallel without interfering).

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{Output, TestEnv};
use kube_sim::api::WriteOptions;
use kube_sim::patch::PatchType;
use kube_sim::resources::{NAMESPACES, PODS, SERVICES, STATEFULSETS};
use kube_sim::server::{FaultAction, FaultRule, RequestRecord};
use serde_json::{json, Value};

/// Simulated time runs this much faster than real time (pods get ready quickly).
const SPEED: f64 = 40.0;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    E500,
    E429,
    E503,
    Reset,
    /// The server carries the write out, then the connection drops before its answer.
    ResetAfter,
}

impl Fault {
    const ALL: [Fault; 5] = [
        Fault::E500,
        Fault::E429,
        Fault::E503,
        Fault::Reset,
        Fault::ResetAfter,
    ];

    fn action(self) -> FaultAction {
        match self {
            Fault::E500 => FaultAction::InternalError,
            Fault::E429 => FaultAction::TooManyRequests { retry_after: 1 },
            Fault::E503 => FaultAction::ServiceUnavailable,
            Fault::Reset => FaultAction::ResetConnection,
            Fault::ResetAfter => FaultAction::ResetAfterApply,
        }
    }

    /// The status the request log records for it (0: no response).
    fn status(self) -> u16 {
        match self {
            Fault::E500 => 500,
            Fault::E429 => 429,
            Fault::E503 => 503,
            Fault::Reset | Fault::ResetAfter => 0,
        }
    }

    fn tag(self) -> &'static str {
        match self {
            Fault::E500 => "500",
            Fault::E429 => "429",
            Fault::E503 => "503",
            Fault::Reset => "reset",
            Fault::ResetAfter => "reset-after",
        }
    }
}

/// A request of the probe run, namespace-independent.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    method: String,
    /// The path with the cell's namespace replaced by `NS`.
    path: String,
    /// The query without resourceVersion and with UIDs replaced.
    query: String,
    /// Sending it twice does what sending it once does, so the client may repeat it: a
    /// merge, strategic merge or apply patch, or a server dry run.
    repeatable: bool,
}

impl Key {
    fn of(r: &RequestRecord, ns: &str) -> Key {
        let ct = r.content_type.as_deref().unwrap_or("");
        let repeatable = r.query.split('&').any(|kv| kv == "dryRun=All")
            || (r.method == "PATCH"
                && [
                    "application/merge-patch+json",
                    "application/strategic-merge-patch+json",
                    "application/apply-patch+yaml",
                ]
                .iter()
                .any(|t| ct.starts_with(t)));
        Key {
            method: r.method.clone(),
            path: generic_path(&r.path, ns),
            query: normal_query(&r.query),
            repeatable,
        }
    }

    fn is_read(&self) -> bool {
        self.method == "GET"
    }

    /// The fault rule's `path_contains` for namespace `ns`: the path, plus the query for
    /// writes (it tells a dry run from the real write).
    fn pattern(&self, ns: &str) -> String {
        let path = self
            .path
            .replace("/namespaces/NS", &format!("/namespaces/{ns}"));
        if self.is_read() || self.query.is_empty() || self.query.contains("<uid>") {
            path
        } else {
            format!("{path}?{}", self.query)
        }
    }

    /// The kind words (any of them) and the name of the object a write is about: the
    /// error of a failed write must name it.
    fn object(&self) -> (&'static [&'static str], String) {
        let segs: Vec<&str> = self.path.split('/').filter(|s| !s.is_empty()).collect();
        let plurals = ["services", "statefulsets", "pods", "persistentvolumeclaims"];
        let at = segs
            .iter()
            .rposition(|s| plurals.contains(s))
            .expect("a known resource");
        let kinds: &'static [&'static str] = match segs[at] {
            "services" => &["service"],
            "statefulsets" => &["statefulset"],
            "pods" => &["pod"],
            _ => &["pvc", "persistentvolumeclaim"],
        };
        // a POST names its object in the body: every row creates `web`
        let name = segs.get(at + 1).copied().unwrap_or("web").to_string();
        (kinds, name)
    }

    fn show(&self) -> String {
        let q = if self.query.is_empty() {
            String::new()
        } else {
            format!("?{}", self.query)
        };
        format!("{} {}{q}", self.method, self.path)
    }
}

fn generic_path(path: &str, ns: &str) -> String {
    let seg = format!("/namespaces/{ns}");
    if let Some(rest) = path.strip_suffix(&seg) {
        return format!("{rest}/namespaces/NS");
    }
    path.replace(&format!("{seg}/"), "/namespaces/NS/")
}

fn normal_query(q: &str) -> String {
    let parts: Vec<String> = q
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("resourceVersion="))
        .map(replace_uids)
        .collect();
    let joined = parts.join("&");
    // the plugin's queries start with `&` (kube-rs); keep that shape for path_contains
    if q.starts_with('&') && !joined.is_empty() {
        format!("&{joined}")
    } else {
        joined
    }
}

/// Replaces 8-4-4-4-12 hex UIDs with `<uid>`.
fn replace_uids(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if i + 36 <= b.len() && is_uid(&s[i..i + 36]) {
            out.push_str("<uid>");
            i += 36;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

fn is_uid(s: &str) -> bool {
    s.char_indices().all(|(i, c)| {
        if matches!(i, 8 | 13 | 18 | 23) {
            c == '-'
        } else {
            c.is_ascii_hexdigit()
        }
    })
}

/// The requests of one namespace.
fn log_of(env: &TestEnv, ns: &str) -> Vec<RequestRecord> {
    let seg = format!("/namespaces/{ns}");
    env.sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&seg) || r.path.contains(&format!("{seg}/")))
        .collect()
}

/// What a command reads besides its args.
#[derive(Clone)]
enum Input {
    None,
    /// A shell script used as $EDITOR (`$1`: the file).
    Editor(&'static str),
    /// A file written by the setup at `{DIR}/input.yaml`.
    File,
}

type Setup = Arc<dyn Fn(&TestEnv, &str, &Path) + Send + Sync>;
type Check = Arc<dyn Fn(&Cell) + Send + Sync>;

/// One command row of the matrix.
struct Row {
    name: &'static str,
    /// Arguments; `{DIR}` is the cell's scratch directory. `-n NS` is appended.
    args: Vec<&'static str>,
    input: Input,
    setup: Setup,
    /// After exit 0: the output and the state.
    ok: Check,
    /// After a faulted write made the command fail: the state is consistent.
    failed: Check,
}

/// One run of a row's command.
struct Cell<'a> {
    env: &'a TestEnv,
    ns: String,
    dir: PathBuf,
    out: Output,
    /// The faulted write (None: the probe or a read fault).
    write: Option<Key>,
}

impl Cell<'_> {
    fn sts(&self) -> Option<Value> {
        self.env.sts(&self.ns, "web")
    }
    fn svc(&self) -> Option<Value> {
        self.env.svc(&self.ns, "web")
    }
    fn show(&self) -> String {
        format!(
            "namespace {} exit {}\nstdout:\n{}\nstderr:\n{}",
            self.ns, self.out.code, self.out.stdout, self.out.stderr
        )
    }
    /// The faulted write is this method on a path ending with `suffix`.
    fn faulted(&self, method: &str, suffix: &str) -> bool {
        self.write
            .as_ref()
            .is_some_and(|k| k.method == method && k.path.ends_with(suffix))
    }
}

fn setup_ns(env: &TestEnv, ns: &str) {
    env.sim
        .create(
            &NAMESPACES,
            "",
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
        )
        .expect("namespace");
}

fn run_cmd(env: &TestEnv, row: &Row, ns: &str, dir: &Path) -> Output {
    let d = dir.display().to_string();
    let mut args: Vec<String> = row.args.iter().map(|a| a.replace("{DIR}", &d)).collect();
    args.extend(["-n".to_string(), ns.to_string()]);
    let mut c = env.cmd(&args);
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    c.env("TMPDIR", &tmp);
    if let Input::Editor(body) = &row.input {
        let path = dir.join("editor.sh");
        std::fs::write(&path, format!("#!/bin/sh\nF=\"$1\"\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        c.env("EDITOR", &path);
    }
    let out = c
        .write_stdin("")
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An `error: …` line, then only `  caused by:` / `  hint:` lines; nothing a person cannot
/// read (a panic, a Rust Debug dump).
fn assert_human_error(cell: &Cell) {
    let o = &cell.out;
    assert_eq!(o.code, 1, "exit 1 on a failed request\n{}", cell.show());
    let lines: Vec<&str> = o.stderr.lines().collect();
    let Some(i) = lines.iter().position(|l| l.starts_with("error: ")) else {
        panic!("no `error:` line\n{}", cell.show());
    };
    for l in &lines[i + 1..] {
        assert!(
            l.starts_with("  caused by: ") || l.starts_with("  hint: "),
            "unexpected line after the error: {l:?}\n{}",
            cell.show()
        );
    }
    for bad in [
        "panicked",
        "RUST_BACKTRACE",
        "ErrorResponse",
        "Error {",
        "Os {",
        "Some(",
        "kind: ",
        "hyper::",
    ] {
        assert!(
            !o.stderr.contains(bad),
            "debug dump ({bad:?}) in the error\n{}",
            cell.show()
        );
    }
}

fn count(log: &[RequestRecord], ns: &str, key: &Key) -> usize {
    log.iter().filter(|r| &Key::of(r, ns) == key).count()
}

fn writes(log: &[RequestRecord], ns: &str) -> Vec<Key> {
    let mut w: Vec<Key> = log
        .iter()
        .map(|r| Key::of(r, ns))
        .filter(|k| !k.is_read())
        .collect();
    w.sort();
    w
}

/// Runs a row: the probe, then every (fault × target) cell in parallel. Fails with the list of
/// failing cells.
fn run_row(row: Row) {
    let env = TestEnv::with_speed(SPEED);
    let scratch = tempfile::tempdir().unwrap();

    let prepare = |ns: &str| -> PathBuf {
        let dir = scratch.path().join(ns);
        std::fs::create_dir_all(&dir).unwrap();
        setup_ns(&env, ns);
        (row.setup)(&env, ns, &dir);
        dir
    };

    // The probe: no fault; learns the requests.
    let dir = prepare("probe");
    let out = run_cmd(&env, &row, "probe", &dir);
    let probe_log = log_of(&env, "probe");
    let probe = Cell {
        env: &env,
        ns: "probe".into(),
        dir,
        out,
        write: None,
    };
    assert_eq!(probe.out.code, 0, "probe of {}: {}", row.name, probe.show());
    (row.ok)(&probe);
    // the first read (a command may make none: scale --yes only PATCHes)
    let mut targets: Vec<Key> = probe_log
        .iter()
        .find(|r| r.method == "GET")
        .map(|r| Key::of(r, "probe"))
        .into_iter()
        .collect();
    for w in writes(&probe_log, "probe") {
        if !targets.contains(&w) {
            targets.push(w);
        }
    }
    let probe_writes = writes(&probe_log, "probe");
    let targets_shown: Vec<String> = targets.iter().map(Key::show).collect();
    eprintln!("{}: targets {targets_shown:#?}", row.name);

    let failures = std::sync::Mutex::new(Vec::<String>::new());
    let results = std::sync::Mutex::new(Vec::<String>::new());
    std::thread::scope(|s| {
        for fault in Fault::ALL {
            for (t, target) in targets.iter().enumerate() {
                if fault == Fault::ResetAfter && target.is_read() {
                    continue; // for a read the same as a reset
                }
                let (env, row, prepare) = (&env, &row, &prepare);
                let (failures, results, probe_log, probe_writes) =
                    (&failures, &results, &probe_log, &probe_writes);
                s.spawn(move || {
                    let ns = format!("c{}-{t}", fault.tag());
                    let label = format!("{} × {} on {}", row.name, fault.tag(), target.show());
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let dir = prepare(&ns);
                        env.sim.add_fault(FaultRule::new(
                            Some(&target.method),
                            &target.pattern(&ns),
                            fault.action(),
                            1,
                        ));
                        let start = Instant::now();
                        let out = run_cmd(env, row, &ns, &dir);
                        let took = start.elapsed();
                        let log = log_of(env, &ns);
                        let cell = Cell {
                            env,
                            ns: ns.clone(),
                            dir,
                            out,
                            write: (!target.is_read()).then(|| target.clone()),
                        };
                        check_cell(
                            row,
                            &cell,
                            fault,
                            target,
                            &log,
                            probe_log,
                            probe_writes,
                            took,
                        )
                    }));
                    match r {
                        Ok(outcome) => results.lock().unwrap().push(format!("{label}: {outcome}")),
                        Err(p) => {
                            let msg = p
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_default();
                            failures.lock().unwrap().push(format!("{label}:\n{msg}"));
                        }
                    }
                });
            }
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort();
    for r in &results {
        eprintln!("{r}");
    }
    let failures = failures.into_inner().unwrap();
    assert!(
        failures.is_empty(),
        "{} failing cell(s):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The assertions of one cell; returns a one-line outcome for the matrix printout.
#[allow(clippy::too_many_arguments)]
fn check_cell(
    row: &Row,
    cell: &Cell,
    fault: Fault,
    target: &Key,
    log: &[RequestRecord],
    probe_log: &[RequestRecord],
    probe_writes: &[Key],
    took: Duration,
) -> String {
    let ns = &cell.ns;
    let hits: Vec<&RequestRecord> = log.iter().filter(|r| &Key::of(r, ns) == target).collect();
    assert!(
        hits.first().is_some_and(|r| r.status == fault.status()),
        "the fault did not fire on {}: {:?}\n{}",
        target.show(),
        hits.iter().map(|r| r.status).collect::<Vec<_>>(),
        cell.show()
    );
    if target.is_read() || target.repeatable {
        assert_eq!(
            cell.out.code,
            0,
            "a fault on a read or a repeatable write is retried and the command succeeds\n{}",
            cell.show()
        );
        (row.ok)(cell);
        assert_eq!(
            hits.len(),
            count(probe_log, "probe", target) + 1,
            "the faulted request is sent exactly once more\n{}",
            cell.show()
        );
        assert!(
            hits.len() >= 2 && (200..300).contains(&hits[1].status),
            "the retry succeeded: {:?}",
            hits.iter().map(|r| r.status).collect::<Vec<_>>()
        );
        if target.is_read() {
            assert_eq!(
                writes(log, ns),
                probe_writes,
                "a read fault changes no write\n{}",
                cell.show()
            );
        }
        if fault == Fault::E429 {
            // Retry-After: 1 was honoured (a lower bound)
            assert!(took >= Duration::from_millis(950), "{took:?}");
        }
        "retried, ok".into()
    } else {
        assert_eq!(
            hits.len(),
            1,
            "a faulted write is never repeated\n{}",
            cell.show()
        );
        if fault == Fault::ResetAfter {
            // It was carried out: the command finds that out instead of failing or repeating.
            assert_eq!(
                cell.out.code,
                0,
                "a write carried out whose answer was lost counts as done\n{}",
                cell.show()
            );
            assert!(
                cell.out
                    .stderr
                    .contains("the connection was lost before the answer"),
                "{}",
                cell.show()
            );
            (row.ok)(cell);
            return "carried out, checked, ok".into();
        }
        if cell.out.code == 0 {
            (row.ok)(cell);
            "ok".into()
        } else {
            assert_human_error(cell);
            let says = match fault {
                Fault::E500 => ["500", "injected fault"],
                Fault::E429 => ["429", "too many requests"],
                Fault::E503 => ["503", "unable to handle the request"],
                Fault::Reset | Fault::ResetAfter => [
                    "connection to the API server was lost",
                    "connection to the API server was lost",
                ],
            };
            assert!(
                says.iter().any(|w| cell.out.stderr.contains(w)),
                "the error names the failure ({says:?})\n{}",
                cell.show()
            );
            let error = cell
                .out
                .stderr
                .split_once("error: ")
                .map(|(_, e)| e)
                .unwrap_or_default();
            let (kinds, name) = target.object();
            assert!(
                kinds.iter().any(|k| error.contains(k)) && error.contains(&name),
                "the error names the object whose write failed ({kinds:?} {name})\n{}",
                cell.show()
            );
            (row.failed)(cell);
            let first = cell
                .out
                .stderr
                .lines()
                .find(|l| l.starts_with("error: "))
                .unwrap_or_default();
            format!("failed cleanly: {first}")
        }
    }
}

// ---------- setups ----------

fn sts_json(replicas: i64, extra: Value) -> Value {
    let mut v = json!({
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "serviceName": "web",
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{
                    "name": "nginx",
                    "image": "nginx:1.25",
                    "ports": [{"name": "http", "containerPort": 80}],
                    "env": [{"name": "FOO", "value": "bar"}],
                }]},
            },
        },
    });
    merge(&mut v, extra);
    v
}

fn merge(a: &mut Value, b: Value) {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                merge(a.entry(k).or_insert(Value::Null), v);
            }
        }
        (a, b) => *a = b,
    }
}

fn svc_json() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "clusterIP": "None",
            "selector": {"app": "web"},
            "ports": [{"name": "http", "port": 80, "targetPort": 80}],
        },
    })
}

fn add_sts(env: &TestEnv, ns: &str, replicas: i64, extra: Value) {
    env.sim
        .create(&STATEFULSETS, ns, sts_json(replicas, extra))
        .expect("statefulset");
}

fn add_svc(env: &TestEnv, ns: &str) {
    env.sim.create(&SERVICES, ns, svc_json()).expect("service");
}

/// Waits until the set has a revision (the controller saw it).
fn wait_revision(env: &TestEnv, ns: &str) {
    let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
        c.get(&STATEFULSETS, Some(ns), "web")
            .ok()
            .is_some_and(|s| s["status"]["updateRevision"].is_string())
    });
    assert!(ok, "web in {ns} never got a revision");
}

/// A set with one ready pod.
fn ready_set(env: &TestEnv, ns: &str) {
    add_svc(env, ns);
    add_sts(env, ns, 1, json!({}));
    env.wait_ready(ns, "web", 1);
    wait_revision(env, ns);
}

fn patch_sts(env: &TestEnv, ns: &str, body: Value) {
    env.sim
        .cluster()
        .patch(
            &STATEFULSETS,
            Some(ns),
            "web",
            None,
            PatchType::Strategic,
            body.to_string().as_bytes(),
            &WriteOptions::default(),
        )
        .expect("patch");
}

fn template(cell: &Cell) -> Value {
    cell.sts().expect("the statefulset")["spec"]["template"].clone()
}

fn image(cell: &Cell) -> String {
    template(cell)["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn env_names(cell: &Cell) -> Vec<String> {
    template(cell)["spec"]["containers"][0]["env"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e["name"].as_str().map(str::to_string))
        .collect()
}

fn replicas(cell: &Cell) -> i64 {
    cell.sts().expect("the statefulset")["spec"]["replicas"]
        .as_i64()
        .unwrap_or(-1)
}

fn pod_uid(env: &TestEnv, ns: &str, pod: &str) -> Option<String> {
    env.sim
        .cluster()
        .get(&PODS, Some(ns), pod)
        .ok()
        .filter(|p| p["metadata"]["deletionTimestamp"].is_null())
        .and_then(|p| p["metadata"]["uid"].as_str().map(str::to_string))
}

fn gone_or_deleting(v: Option<Value>) -> bool {
    v.is_none_or(|v| !v["metadata"]["deletionTimestamp"].is_null())
}

fn setup(f: impl Fn(&TestEnv, &str, &Path) + Send + Sync + 'static) -> Setup {
    Arc::new(f)
}

fn check(f: impl Fn(&Cell) + Send + Sync + 'static) -> Check {
    Arc::new(f)
}

/// A read-only row: prints something containing `expect`.
fn read_row(
    name: &'static str,
    args: Vec<&'static str>,
    setup: Setup,
    expect: &'static [&'static str],
) -> Row {
    Row {
        name,
        args,
        input: Input::None,
        setup,
        ok: check(move |c| {
            for e in expect {
                assert!(c.out.stdout.contains(e), "{e:?} expected\n{}", c.show());
            }
        }),
        failed: check(|c| panic!("a read-only command failed\n{}", c.show())),
    }
}

/// A settled set with one ready pod (no status update races the command's writes).
fn plain_set() -> Setup {
    setup(|env, ns, _| ready_set(env, ns))
}

// ---------- read rows ----------

#[test]
fn list() {
    run_row(read_row("list", vec!["list"], plain_set(), &["web"]));
}

#[test]
fn get() {
    run_row(read_row(
        "get",
        vec!["get", "web"],
        setup(|env, ns, _| ready_set(env, ns)),
        &["web", "web-0"],
    ));
}

#[test]
fn pods() {
    run_row(read_row(
        "pods",
        vec!["pods", "web"],
        setup(|env, ns, _| ready_set(env, ns)),
        &["web-0"],
    ));
}

#[test]
fn env_list() {
    run_row(read_row(
        "env",
        vec!["env", "web"],
        plain_set(),
        &["FOO", "bar"],
    ));
}

#[test]
fn revisions() {
    run_row(read_row(
        "revisions",
        vec!["revisions", "web"],
        setup(|env, ns, _| {
            add_sts(env, ns, 0, json!({}));
            wait_revision(env, ns);
        }),
        &["REVISION", "nginx=nginx:1.25"],
    ));
}

#[test]
fn logs() {
    run_row(read_row(
        "logs",
        vec!["logs", "web"],
        setup(|env, ns, _| ready_set(env, ns)),
        &["web-0"],
    ));
}

#[test]
fn events() {
    run_row(read_row(
        "events",
        vec!["events", "web"],
        setup(|env, ns, _| ready_set(env, ns)),
        &["SuccessfulCreate"],
    ));
}

#[test]
fn top() {
    run_row(read_row(
        "top",
        vec!["top", "web"],
        setup(|env, ns, _| ready_set(env, ns)),
        &["web-0"],
    ));
}

// ---------- write rows ----------

/// A row whose one write either lands (`applied`) or leaves the set as it was (`untouched`).
fn one_write_row(
    name: &'static str,
    args: Vec<&'static str>,
    setup: Setup,
    applied: fn(&Cell) -> bool,
    untouched: fn(&Cell) -> bool,
) -> Row {
    Row {
        name,
        args,
        input: Input::None,
        setup,
        ok: check(move |c| assert!(applied(c), "not applied\n{}", c.show())),
        failed: check(move |c| assert!(untouched(c), "half-done\n{}", c.show())),
    }
}

#[test]
fn scale() {
    run_row(one_write_row(
        "scale",
        vec!["scale", "web", "2", "--yes"],
        plain_set(),
        |c| replicas(c) == 2,
        |c| replicas(c) == 1,
    ));
}

#[test]
fn redeploy() {
    fn restarted(c: &Cell) -> bool {
        !template(c)["metadata"]["annotations"]["kubectl.kubernetes.io/restartedAt"].is_null()
    }
    run_row(one_write_row(
        "redeploy",
        vec!["redeploy", "web", "--yes"],
        plain_set(),
        restarted,
        |c| !restarted(c),
    ));
}

#[test]
fn update_strategy() {
    fn kind(c: &Cell) -> String {
        c.sts().unwrap()["spec"]["updateStrategy"]["type"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    run_row(one_write_row(
        "update-strategy",
        vec!["update-strategy", "web", "--on-delete", "--yes"],
        plain_set(),
        |c| kind(c) == "OnDelete",
        |c| kind(c) == "RollingUpdate",
    ));
}

#[test]
fn env_set() {
    run_row(one_write_row(
        "env set",
        vec!["env", "web", "set", "A=1", "--yes"],
        plain_set(),
        |c| env_names(c) == ["FOO", "A"],
        |c| env_names(c) == ["FOO"],
    ));
}

#[test]
fn env_unset() {
    run_row(one_write_row(
        "env unset",
        vec!["env", "web", "unset", "FOO", "--yes"],
        plain_set(),
        |c| env_names(c).is_empty(),
        |c| env_names(c) == ["FOO"],
    ));
}

#[test]
fn edit_labels() {
    fn tier(c: &Cell) -> Value {
        c.sts().unwrap()["metadata"]["labels"]["tier"].clone()
    }
    run_row(one_write_row(
        "edit",
        vec!["edit", "web", "--label", "tier=x", "--yes"],
        plain_set(),
        |c| tier(c) == "x",
        |c| tier(c).is_null(),
    ));
}

#[test]
fn edit_service() {
    fn svc_port(c: &Cell) -> bool {
        c.svc().unwrap()["spec"]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["port"] == 9090)
    }
    fn container_port(c: &Cell) -> bool {
        template(c)["spec"]["containers"][0]["ports"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["containerPort"] == 9090)
    }
    run_row(one_write_row(
        "edit-service",
        vec![
            "edit-service",
            "web",
            "--port",
            "metrics:9090",
            "--sync-container-ports",
            "--yes",
        ],
        plain_set(),
        |c| svc_port(c) && container_port(c),
        |c| !svc_port(c) && !container_port(c),
    ));
}

/// A create succeeded: the StatefulSet and its Service exist.
fn created_both() -> Check {
    check(|c| assert!(c.sts().is_some() && c.svc().is_some(), "{}", c.show()))
}

/// A create failed: neither half is left.
fn created_neither() -> Check {
    check(|c| {
        assert!(
            c.sts().is_none() && c.svc().is_none(),
            "create left a half: sts {} svc {}\n{}",
            c.sts().is_some(),
            c.svc().is_some(),
            c.show()
        );
    })
}

#[test]
fn create_flags() {
    run_row(Row {
        name: "create",
        args: vec!["create", "web", "--image", "nginx:1.25", "--replicas", "1"],
        input: Input::None,
        setup: setup(|_, _, _| {}),
        ok: created_both(),
        failed: created_neither(),
    });
}

#[test]
fn create_file() {
    run_row(Row {
        name: "create -f",
        args: vec!["create", "-f", "{DIR}/input.yaml"],
        input: Input::File,
        setup: setup(|_, _, dir| {
            let mut v = sts_json(1, json!({}));
            v["metadata"].as_object_mut().unwrap().remove("labels");
            std::fs::write(dir.join("input.yaml"), serde_saphyr::to_string(&v).unwrap()).unwrap();
        }),
        ok: created_both(),
        failed: created_neither(),
    });
}

#[test]
fn delete() {
    run_row(Row {
        name: "delete",
        args: vec!["delete", "web", "--with-service", "--yes"],
        input: Input::None,
        setup: plain_set(),
        ok: check(|c| {
            assert!(
                gone_or_deleting(c.sts()) && gone_or_deleting(c.svc()),
                "{}",
                c.show()
            );
        }),
        failed: check(|c| {
            if c.faulted("DELETE", "/services/web") {
                // the set went as promised; the Service is still there and the output says so
                assert!(gone_or_deleting(c.sts()), "{}", c.show());
                assert!(c.svc().is_some(), "{}", c.show());
                assert!(
                    c.out.stdout.contains("statefulset.apps/web deleted")
                        && c.out
                            .stderr
                            .contains("is deleted, but its Service web was not"),
                    "{}",
                    c.show()
                );
            } else {
                assert!(
                    !gone_or_deleting(c.sts()) && c.svc().is_some(),
                    "nothing deleted when the StatefulSet's deletion failed\n{}",
                    c.show()
                );
            }
        }),
    });
}

/// `delete --yes` alone: the GET of the set, then the DELETE; on failure nothing is gone.
#[test]
fn delete_yes_only() {
    run_row(Row {
        name: "delete --yes",
        args: vec!["delete", "web", "--yes"],
        input: Input::None,
        setup: plain_set(),
        ok: check(|c| {
            assert!(gone_or_deleting(c.sts()), "{}", c.show());
            assert!(c.svc().is_some(), "the Service is kept\n{}", c.show());
        }),
        failed: check(|c| {
            assert!(
                !gone_or_deleting(c.sts()) && c.svc().is_some(),
                "nothing deleted when the DELETE failed\n{}",
                c.show()
            );
        }),
    });
}

#[test]
fn rollback_stuck() {
    run_row(Row {
        name: "rollback",
        args: vec!["rollback", "web", "--to-revision", "1", "--yes"],
        input: Input::None,
        setup: setup(|env, ns, dir| {
            ready_set(env, ns);
            patch_sts(
                env,
                ns,
                json!({"spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:bad"}]}}}}),
            );
            let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
                c.get(&PODS, Some(ns), "web-0").ok().is_some_and(|p| {
                    p["status"]["containerStatuses"][0]["state"]["waiting"]["reason"]
                        == "ImagePullBackOff"
                })
            });
            assert!(ok, "web-0 in {ns} never got stuck");
            std::fs::write(dir.join("stuck-uid"), pod_uid(env, ns, "web-0").unwrap()).unwrap();
        }),
        ok: check(|c| {
            assert_eq!(image(c), "nginx:1.25", "{}", c.show());
            let stuck = std::fs::read_to_string(c.dir.join("stuck-uid")).unwrap();
            assert_ne!(
                pod_uid(c.env, &c.ns, "web-0").as_deref(),
                Some(stuck.as_str()),
                "the stuck pod was replaced\n{}",
                c.show()
            );
        }),
        failed: check(|c| {
            let stuck = std::fs::read_to_string(c.dir.join("stuck-uid")).unwrap();
            let uid = pod_uid(c.env, &c.ns, "web-0");
            if c.faulted("DELETE", "/pods/web-0") {
                // the template is restored; the stuck pod is not deleted and the error says so
                assert_eq!(image(c), "nginx:1.25", "{}", c.show());
                assert_eq!(uid.as_deref(), Some(stuck.as_str()), "{}", c.show());
                assert!(
                    c.out.stderr.contains(
                        "is restored to revision 1, but the stuck pod web-0 was not deleted"
                    ) && c.out.stderr.contains("kubectl delete pod web-0"),
                    "{}",
                    c.show()
                );
            } else {
                assert_eq!(image(c), "nginx:bad", "template untouched\n{}", c.show());
                assert_eq!(
                    uid.as_deref(),
                    Some(stuck.as_str()),
                    "the stuck pod is not deleted when the template patch failed\n{}",
                    c.show()
                );
            }
        }),
    });
}

/// The clean manifest of web with 2 replicas (what a user uploads or saves).
fn edited_manifest(env: &TestEnv, ns: &str) -> String {
    let mut v = env.sts(ns, "web").unwrap();
    v.as_object_mut().unwrap().remove("status");
    let meta = v["metadata"].as_object_mut().unwrap();
    for k in [
        "uid",
        "resourceVersion",
        "creationTimestamp",
        "generation",
        "managedFields",
    ] {
        meta.remove(k);
    }
    v["spec"]["replicas"] = json!(2);
    serde_saphyr::to_string(&v).unwrap()
}

#[test]
fn edit_yaml_editor() {
    run_row(Row {
        name: "edit-yaml",
        args: vec!["edit-yaml", "web", "--yes"],
        input: Input::Editor("sed -i 's/^  replicas: 1$/  replicas: 2/' \"$F\""),
        setup: plain_set(),
        ok: check(|c| {
            assert_eq!(replicas(c), 2, "{}", c.show());
            assert!(
                std::fs::read_dir(c.dir.join("tmp"))
                    .unwrap()
                    .next()
                    .is_none(),
                "the temp file is removed after success\n{}",
                c.show()
            );
        }),
        failed: check(|c| {
            assert_eq!(replicas(c), 1, "{}", c.show());
            let kept: Vec<PathBuf> = std::fs::read_dir(c.dir.join("tmp"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            assert_eq!(kept.len(), 1, "the edited file is kept\n{}", c.show());
            assert!(
                c.out.stderr.contains(&kept[0].display().to_string()),
                "the error tells where the edit is\n{}",
                c.show()
            );
            let text = std::fs::read_to_string(&kept[0]).unwrap();
            assert!(text.contains("replicas: 2"), "the edit survives:\n{text}");
        }),
    });
}

#[test]
fn edit_yaml_file() {
    run_row(Row {
        name: "edit-yaml -f",
        args: vec!["edit-yaml", "web", "-f", "{DIR}/input.yaml", "--yes"],
        input: Input::File,
        setup: setup(|env, ns, dir| {
            ready_set(env, ns);
            std::fs::write(dir.join("input.yaml"), edited_manifest(env, ns)).unwrap();
        }),
        ok: check(|c| assert_eq!(replicas(c), 2, "{}", c.show())),
        failed: check(|c| {
            assert_eq!(replicas(c), 1, "{}", c.show());
            let text = std::fs::read_to_string(c.dir.join("input.yaml")).unwrap();
            assert!(text.contains("replicas: 2"), "the user's file is intact");
        }),
    });
}

#[test]
fn resize_volume() {
    fn sizes(c: &Cell) -> (String, String) {
        let t = c.sts().map(|s| {
            s["spec"]["volumeClaimTemplates"][0]["spec"]["resources"]["requests"]["storage"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        });
        let p = c
            .env
            .sim
            .cluster()
            .get(&kube_sim::resources::PVCS, Some(&c.ns), "data-web-0")
            .ok()
            .map(|p| {
                p["spec"]["resources"]["requests"]["storage"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            });
        (t.unwrap_or_default(), p.unwrap_or_default())
    }
    run_row(Row {
        name: "resize-volume",
        args: vec!["resize-volume", "web", "data", "2Gi", "--yes"],
        input: Input::None,
        setup: setup(|env, ns, _| {
            add_svc(env, ns);
            add_sts(
                env,
                ns,
                1,
                json!({"spec": {"volumeClaimTemplates": [{
                    "metadata": {"name": "data"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
                }]}}),
            );
            env.wait_ready(ns, "web", 1);
        }),
        ok: check(|c| {
            assert_eq!(sizes(c), ("2Gi".into(), "2Gi".into()), "{}", c.show());
        }),
        failed: check(|c| {
            // resumable: the same command, repeated without the fault, completes
            let again = run_cmd(
                c.env,
                &Row {
                    name: "",
                    args: vec!["resize-volume", "web", "data", "2Gi", "--yes"],
                    input: Input::None,
                    setup: setup(|_, _, _| {}),
                    ok: check(|_| {}),
                    failed: check(|_| {}),
                },
                &c.ns,
                &c.dir,
            );
            assert_eq!(
                again.code,
                0,
                "repeating completes\n{}\nrepeat:\n{}",
                c.show(),
                again.stderr
            );
            assert_eq!(sizes(c), ("2Gi".into(), "2Gi".into()), "{}", c.show());
        }),
    });
}
