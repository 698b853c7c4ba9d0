//! Project automation. `cargo run --release -p xtask -- bench` builds the release binaries,
//! starts `kube-sim`, and measures this plugin against the equivalent kubectl commands (wall
//! time, API requests from the simulator's request log, peak RSS), writing
//! `docs/benchmarks.md`. Not part of `cargo test`: wall-clock numbers are never asserted.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("bench") => {
            let mut opts = BenchOpts {
                runs: 5,
                build: true,
                out: PathBuf::from("docs/benchmarks.md"),
            };
            let mut it = args[1..].iter();
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--runs" => opts.runs = it.next().and_then(|s| s.parse().ok()).unwrap_or(5),
                    "--no-build" => opts.build = false,
                    "--out" => opts.out = it.next().map(PathBuf::from).unwrap_or(opts.out),
                    other => {
                        eprintln!("error: unknown argument {other:?} (use --runs N, --no-build, --out FILE)");
                        std::process::exit(2);
                    }
                }
            }
            if let Err(e) = bench(&opts) {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!(
                "usage: cargo run --release -p xtask -- bench [--runs N] [--no-build] [--out FILE]"
            );
            std::process::exit(2);
        }
    }
}

struct BenchOpts {
    runs: usize,
    build: bool,
    out: PathBuf,
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

// ---------------------------------------------------------------------------------------------
// The simulator, driven over its HTTP API (`/_sim/...` control endpoints).

struct Sim {
    child: Child,
    kubeconfig: PathBuf,
    addr: String,
    token: String,
}

impl Drop for Sim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sim {
    fn start(bin: &Path, dir: &Path) -> Result<Sim, String> {
        let kubeconfig = dir.join("kubeconfig");
        let mut child = Command::new(bin)
            .args(["serve", "--speed", &SIM_SPEED.to_string(), "--kubeconfig"])
            .arg(&kubeconfig)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting {}: {e}", bin.display()))?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .map_err(|e| format!("reading kube-sim's output: {e}"))?;
        let text = std::fs::read_to_string(&kubeconfig)
            .map_err(|e| format!("reading {}: {e}", kubeconfig.display()))?;
        let field = |key: &str| {
            text.lines()
                .find_map(|l| l.trim().strip_prefix(key).map(|v| v.trim().to_string()))
                .unwrap_or_default()
        };
        let server = field("server:");
        let addr = server
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let token = field("token:");
        Ok(Sim {
            child,
            kubeconfig,
            addr,
            token,
        })
    }

    fn http(&self, method: &str, path: &str, body: Option<&Value>) -> Result<(u16, Value), String> {
        let mut s = TcpStream::connect(&self.addr).map_err(|e| e.to_string())?;
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nAccept: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.addr,
            self.token,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .ok_or("malformed response")?;
        let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
        let status: u16 = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        let mut payload = raw[split + 4..].to_vec();
        if head.contains("transfer-encoding: chunked") {
            payload = dechunk(&payload);
        }
        let v = serde_json::from_slice(&payload).unwrap_or(Value::Null);
        Ok((status, v))
    }

    /// Milliseconds until the whole response to a GET has arrived (bytes only, no decoding).
    fn raw_get_ms(&self, path: &str) -> f64 {
        let t = Instant::now();
        if let Ok(mut s) = TcpStream::connect(&self.addr) {
            let _ = write!(
                s,
                "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
                self.addr, self.token
            );
            let mut sink = Vec::new();
            let _ = s.read_to_end(&mut sink);
        }
        t.elapsed().as_secs_f64() * 1000.0
    }

    fn clear_requests(&self) {
        let _ = self.http("DELETE", "/_sim/requests", None);
    }

    fn requests(&self) -> Vec<Value> {
        match self.http("GET", "/_sim/requests", None) {
            Ok((_, Value::Array(a))) => a,
            _ => Vec::new(),
        }
    }

    fn set_latency(&self, ms: u64) {
        let _ = self.http("POST", "/_sim/latency", Some(&json!({ "ms": ms })));
    }

    /// A StatefulSet `name` (label app=name) with its headless Service.
    fn create_set(&self, name: &str, replicas: u32, parallel: bool) -> Result<(), String> {
        let svc = json!({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {"clusterIP": "None", "selector": {"app": name}, "ports": [{"name": "http", "port": 80}]},
        });
        let (code, v) = self.http("POST", "/api/v1/namespaces/default/services", Some(&svc))?;
        if code >= 300 && code != 409 {
            return Err(format!("creating service {name}: {code} {v}"));
        }
        let sts = json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": name, "labels": {"app": name}},
            "spec": {
                "serviceName": name,
                "replicas": replicas,
                "podManagementPolicy": if parallel { "Parallel" } else { "OrderedReady" },
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {"containers": [{
                        "name": "nginx", "image": "nginx:1.25",
                        "env": [{"name": "MODE", "value": "bench"}],
                        "ports": [{"name": "http", "containerPort": 80}],
                    }]},
                },
            },
        });
        let (code, v) = self.http(
            "POST",
            "/apis/apps/v1/namespaces/default/statefulsets",
            Some(&sts),
        )?;
        if code >= 300 {
            return Err(format!("creating statefulset {name}: {code} {v}"));
        }
        Ok(())
    }

    fn wait_ready(&self, name: &str, replicas: u64, timeout: Duration) -> bool {
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Ok((200, v)) = self.http(
                "GET",
                &format!("/apis/apps/v1/namespaces/default/statefulsets/{name}"),
                None,
            ) {
                if v["status"]["readyReplicas"].as_u64() == Some(replicas) {
                    return true;
                }
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        false
    }
}

fn dechunk(mut b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(nl) = b.windows(2).position(|w| w == b"\r\n") {
        let size_str = String::from_utf8_lossy(&b[..nl]);
        let size =
            usize::from_str_radix(size_str.split(';').next().unwrap_or("").trim(), 16).unwrap_or(0);
        if size == 0 || b.len() < nl + 2 + size {
            break;
        }
        out.extend_from_slice(&b[nl + 2..nl + 2 + size]);
        b = &b[(nl + 4 + size).min(b.len())..];
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Running one command: wall time and peak RSS (wait4's rusage for exactly that child).

struct Outcome {
    ms: f64,
    ok: bool,
    maxrss_kib: i64,
}

fn run(mut cmd: Command) -> Outcome {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "120");
    let start = Instant::now();
    let child = match cmd.spawn() {
        Ok(c) => c,
        Err(_) => {
            return Outcome {
                ms: 0.0,
                ok: false,
                maxrss_kib: 0,
            }
        }
    };
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: rusage is plain old data; wait4 fills it for the child we spawned.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let ms = start.elapsed().as_secs_f64() * 1000.0;
    std::mem::forget(child); // already reaped
    Outcome {
        ms,
        ok: r == pid && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        maxrss_kib: usage.ru_maxrss,
    }
}

/// What `logs -f` of 100 pods showed.
struct LogsFollow {
    lines_per_s: f64,
    produced_per_s: f64,
    lost: usize,
    peak_mib: f64,
}

/// Peak resident set (VmHWM) of a running process, in KiB (0 when unknown).
fn peak_rss_kib(pid: u32) -> i64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// Lines missing from the followed stream: each container writes one line per simulated
/// second, so within one pod's received lines (`[pod/container] <RFC 3339 stamp> …`) the
/// stamps' seconds must follow each other; every skipped second is a lost line.
fn lost_lines(got: &[(f64, String)]) -> usize {
    let mut by_pod: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for (_, l) in got {
        let mut words = l.split_whitespace();
        let (Some(who), Some(stamp)) = (words.next(), words.next()) else {
            continue;
        };
        if let Ok(t) = stamp.parse::<jiff::Timestamp>() {
            by_pod
                .entry(who.to_string())
                .or_default()
                .push(t.as_second());
        }
    }
    by_pod
        .values_mut()
        .map(|secs| {
            secs.sort_unstable();
            secs.windows(2)
                .map(|w| (w[1] - w[0] - 1).max(0) as usize)
                .sum::<usize>()
        })
        .sum()
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// ---------------------------------------------------------------------------------------------
// Jobs.

struct Job {
    name: &'static str,
    /// Plugin arguments; `{victim}` is replaced by a fresh StatefulSet created before each run.
    plugin: Vec<&'static str>,
    /// kubectl invocations run in sequence for the same result.
    kubectl: Vec<Vec<&'static str>>,
    /// The fewest API requests that can produce the command's output/effect.
    min: usize,
    min_why: &'static str,
}

fn jobs() -> Vec<Job> {
    vec![
        Job {
            name: "get",
            plugin: vec!["get", "web"],
            kubectl: vec![
                vec!["get", "sts", "web"],
                vec!["get", "pods", "-l", "app=web"],
            ],
            min: 3,
            min_why: "GET sts, LIST pods, LIST controllerrevisions (the pod table shows each pod's revision number, which only the ControllerRevisions hold; with the usual app=NAME selector all three go out together: 1 round trip)",
        },
        Job {
            name: "list",
            plugin: vec!["list"],
            kubectl: vec![vec!["get", "sts"]],
            min: 1,
            min_why: "LIST statefulsets",
        },
        Job {
            name: "env",
            plugin: vec!["env", "web"],
            kubectl: vec![vec!["set", "env", "sts/web", "--list"]],
            min: 1,
            min_why: "GET sts",
        },
        Job {
            name: "revisions",
            plugin: vec!["revisions", "web"],
            kubectl: vec![vec!["rollout", "history", "sts/web"]],
            min: 2,
            min_why: "GET sts, LIST controllerrevisions",
        },
        Job {
            name: "logs",
            plugin: vec!["logs", "web"],
            kubectl: vec![vec!["logs", "sts/web", "--all-pods"]],
            min: 5,
            min_why: "LIST pods (+ GET sts for the selector), one log GET per pod (3)",
        },
        Job {
            name: "events",
            plugin: vec!["events", "web"],
            kubectl: vec![vec![
                "get",
                "events",
                "--field-selector",
                "involvedObject.kind=StatefulSet,involvedObject.name=web",
            ]],
            min: 1,
            min_why: "LIST events with a field selector",
        },
        Job {
            name: "scale",
            plugin: vec!["scale", "web", "3"],
            kubectl: vec![vec!["scale", "sts/web", "--replicas=3"]],
            min: 1,
            min_why: "PATCH the scale subresource",
        },
        Job {
            name: "redeploy",
            plugin: vec!["redeploy", "web"],
            kubectl: vec![vec!["rollout", "restart", "sts/web"]],
            min: 1,
            min_why: "PATCH the pod template annotation",
        },
        Job {
            name: "rollback",
            plugin: vec!["rollback", "web"],
            kubectl: vec![vec!["rollout", "undo", "sts/web"]],
            min: 3,
            min_why: "GET sts, LIST controllerrevisions, PATCH (+ LIST pods when the status counts a pod not ready: the stuck check)",
        },
        Job {
            name: "delete",
            plugin: vec!["delete", "{victim}"],
            kubectl: vec![vec!["delete", "sts", "{victim}"]],
            min: 2,
            min_why: "GET sts (its persistentVolumeClaimRetentionPolicy says what becomes of the claims; upstream answers a StatefulSet's DELETE with a Status, not the object), then DELETE sts with its uid as precondition",
        },
    ]
}

/// The simulator's speed in the benchmarks (simulated seconds per real second).
const SIM_SPEED: f64 = 20.0;

/// A fresh, never-used kubectl cache directory for every cold run.
static COLD_DIRS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct Measured {
    ms: f64,
    requests: usize,
    ok: bool,
    paths: Vec<String>,
}

struct Row {
    job: &'static str,
    kubectl_eq: String,
    min: usize,
    min_why: &'static str,
    plugin: Option<Measured>,
    warm: Option<Measured>,
    cold: Option<Measured>,
}

struct Ctx<'a> {
    sim: &'a Sim,
    plugin: PathBuf,
    kubectl: Option<PathBuf>,
    scratch: PathBuf,
    runs: usize,
    victims: std::cell::Cell<usize>,
}

impl Ctx<'_> {
    fn fresh_victim(&self) -> String {
        let n = self.victims.get() + 1;
        self.victims.set(n);
        let name = format!("victim-{n}");
        if let Err(e) = self.sim.create_set(&name, 1, true) {
            eprintln!("warning: {e}");
        }
        name
    }

    fn subst(args: &[&str], victim: &str) -> Vec<String> {
        args.iter().map(|a| a.replace("{victim}", victim)).collect()
    }

    fn plugin_cmd(&self, args: &[String]) -> Command {
        let mut c = Command::new(&self.plugin);
        c.env("KUBECONFIG", &self.sim.kubeconfig)
            .args(args)
            .arg("--yes");
        c
    }

    fn kubectl_cmd(&self, cache: &Path, args: &[String]) -> Command {
        let mut c = Command::new(self.kubectl.as_ref().expect("kubectl"));
        c.env("KUBECONFIG", &self.sim.kubeconfig)
            .env("HOME", cache)
            .arg("--cache-dir")
            .arg(cache.join("cache"))
            .args(args);
        c
    }

    /// Median over `runs` of a sequence of commands; requests counted from the simulator log.
    fn measure(&self, job: &Job, mut make: impl FnMut(&str) -> Vec<Command>) -> Measured {
        let mut times = Vec::new();
        let mut reqs = Vec::new();
        let mut ok = true;
        let mut paths = Vec::new();
        let needs_victim = job.plugin.iter().any(|a| a.contains("{victim}"));
        // one untimed warm-up run (page cache, kubectl's warm discovery cache)
        for i in 0..=self.runs {
            let victim = if needs_victim {
                let v = self.fresh_victim();
                std::thread::sleep(Duration::from_millis(300));
                v
            } else {
                String::new()
            };
            let cmds = make(&victim);
            self.sim.clear_requests();
            let mut t = 0.0;
            let mut all_ok = true;
            for c in cmds {
                let o = run(c);
                t += o.ms;
                all_ok &= o.ok;
            }
            let log = self.sim.requests();
            if i == 0 {
                continue;
            }
            ok &= all_ok;
            times.push(t);
            reqs.push(log.len() as f64);
            paths = log
                .iter()
                .map(|r| {
                    let q = r["query"].as_str().unwrap_or("");
                    format!(
                        "{} {}{}{}",
                        r["method"].as_str().unwrap_or("?"),
                        r["path"].as_str().unwrap_or("?"),
                        if q.is_empty() { "" } else { "?" },
                        q
                    )
                })
                .collect();
        }
        Measured {
            ms: median(&mut times),
            requests: median(&mut reqs).round() as usize,
            ok,
            paths,
        }
    }

    fn available(&self, cmd: &str) -> bool {
        Command::new(&self.plugin)
            .args([cmd, "--help"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    }

    fn job_row(&self, job: &Job) -> Row {
        let kubectl_eq = job
            .kubectl
            .iter()
            .map(|a| format!("`kubectl {}`", a.join(" ")))
            .collect::<Vec<_>>()
            .join(" + ");
        let mut row = Row {
            job: job.name,
            kubectl_eq,
            min: job.min,
            min_why: job.min_why,
            plugin: None,
            warm: None,
            cold: None,
        };
        if self.available(job.name) {
            row.plugin =
                Some(self.measure(job, |v| vec![self.plugin_cmd(&Ctx::subst(&job.plugin, v))]));
        }
        if self.kubectl.is_some() {
            let warm_dir = self.scratch.join(format!("kubectl-warm-{}", job.name));
            row.warm = Some(self.measure(job, |v| {
                job.kubectl
                    .iter()
                    .map(|a| self.kubectl_cmd(&warm_dir, &Ctx::subst(a, v)))
                    .collect()
            }));
            row.cold = Some(self.measure(job, |v| {
                let n = COLD_DIRS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let dir = self.scratch.join(format!("kubectl-cold-{n}"));
                job.kubectl
                    .iter()
                    .map(|a| self.kubectl_cmd(&dir, &Ctx::subst(a, v)))
                    .collect()
            }));
        }
        row
    }
}

// ---------------------------------------------------------------------------------------------

fn bench(opts: &BenchOpts) -> Result<(), String> {
    let root = root();
    if opts.build {
        eprintln!("building release binaries…");
        let st = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&root)
            .args([
                "build",
                "--release",
                "-p",
                "kubectl-statefulset",
                "--bin",
                "kubectl-statefulset",
                "-p",
                "kube-sim",
                "--bin",
                "kube-sim",
            ])
            .status()
            .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err("cargo build --release failed".into());
        }
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let plugin = target.join("release/kubectl-statefulset");
    let mut sim_bin = target.join("release/kube-sim");
    let mut sim_note = "release build";
    if !sim_bin.is_file() && target.join("debug/kube-sim").is_file() {
        // `--no-build` without a release simulator: the debug one slows both tools alike
        sim_bin = target.join("debug/kube-sim");
        sim_note = "debug build (slower server: absolute times are inflated for both tools)";
    }
    for b in [&plugin, &sim_bin] {
        if !b.is_file() {
            return Err(format!(
                "{} is missing (run without --no-build)",
                b.display()
            ));
        }
    }
    let kubectl = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("kubectl"))
            .find(|p| p.is_file())
    });
    let scratch = std::env::temp_dir().join(format!("kss-bench-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;

    let sim = Sim::start(&sim_bin, &scratch)?;
    sim.create_set("web", 3, false)?;
    eprintln!("waiting for web (3 pods)…");
    if !sim.wait_ready("web", 3, Duration::from_secs(120)) {
        return Err("StatefulSet web did not become ready".into());
    }
    // a second revision so that `rollback` / `rollout undo` have something to go back to
    let _ = run({
        let mut c = Command::new(&plugin);
        c.env("KUBECONFIG", &sim.kubeconfig)
            .args(["redeploy", "web", "--yes"]);
        c
    });

    let ctx = Ctx {
        sim: &sim,
        plugin: plugin.clone(),
        kubectl: kubectl.clone(),
        scratch: scratch.clone(),
        runs: opts.runs,
        victims: std::cell::Cell::new(0),
    };

    // start-up (no API requests)
    eprintln!("start-up…");
    let startup = |c: &dyn Fn() -> Command| {
        let mut t: Vec<f64> = (0..=opts.runs).map(|_| run(c()).ms).skip(1).collect();
        median(&mut t)
    };
    let help_ms = startup(&|| {
        let mut c = Command::new(&plugin);
        c.arg("--help");
        c
    });
    let version_ms = startup(&|| {
        let mut c = Command::new(&plugin);
        c.arg("--version");
        c
    });
    let kubectl_version_ms = kubectl.as_ref().map(|k| {
        startup(&|| {
            let mut c = Command::new(k);
            c.args(["version", "--client"]);
            c
        })
    });

    let mut tables = Vec::new();
    for latency in [0u64, 50] {
        sim.set_latency(latency);
        eprintln!("latency {latency} ms…");
        let rows: Vec<Row> = jobs()
            .iter()
            .map(|j| {
                eprintln!("  {}", j.name);
                ctx.job_row(j)
            })
            .collect();
        tables.push((latency, rows));
    }
    sim.set_latency(0);

    // 1,000-pod StatefulSet
    eprintln!("1,000-pod get…");
    sim.create_set("big", 1000, true)?;
    let big_ready = sim.wait_ready("big", 1000, Duration::from_secs(90));
    // the server's share: one raw LIST of the 1,000 pods over HTTP (no client-side decoding
    // beyond serde_json::Value)
    let mut raw_t = Vec::new();
    for _ in 0..3 {
        raw_t.push(sim.raw_get_ms("/api/v1/namespaces/default/pods?labelSelector=app%3Dbig"));
    }
    let raw_ms = median(&mut raw_t);
    let mut big_t = Vec::new();
    let mut big_rss = 0i64;
    let mut big_ok = true;
    for i in 0..=opts.runs {
        let mut c = Command::new(&plugin);
        c.env("KUBECONFIG", &sim.kubeconfig).args(["get", "big"]);
        let o = run(c);
        if i > 0 {
            big_t.push(o.ms);
            big_rss = big_rss.max(o.maxrss_kib);
            big_ok &= o.ok;
        }
    }
    let big_ms = median(&mut big_t);
    let big_kubectl = kubectl.as_ref().map(|k| {
        let dir = scratch.join("kubectl-big");
        let mut t = Vec::new();
        let mut rss = 0i64;
        for i in 0..=opts.runs {
            let mut total = 0.0;
            for a in [
                vec!["get", "sts", "big"],
                vec!["get", "pods", "-l", "app=big"],
            ] {
                let mut c = Command::new(k);
                c.env("KUBECONFIG", &sim.kubeconfig)
                    .env("HOME", &dir)
                    .arg("--cache-dir")
                    .arg(dir.join("cache"))
                    .args(a);
                let o = run(c);
                total += o.ms;
                rss = rss.max(o.maxrss_kib);
            }
            if i > 0 {
                t.push(total);
            }
        }
        (median(&mut t), rss)
    });

    // logs -f of 100 pods: lines/s received in a steady window against what the simulator
    // writes (one line per simulated second per container, at the harness's speed), lines
    // lost (a gap in a pod's per-second sequence), and the follower's peak RSS.
    let logs_follow = if ctx.available("logs") {
        eprintln!("logs -f of 100 pods…");
        sim.create_set("chatty", 100, true)?;
        sim.wait_ready("chatty", 100, Duration::from_secs(180));
        let mut child = Command::new(&plugin)
            .env("KUBECONFIG", &sim.kubeconfig)
            .env("NO_COLOR", "1")
            .args(["logs", "chatty", "-f", "--max-log-requests", "200"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let out = child.stdout.take().expect("stdout");
        let t0 = Instant::now();
        let reader = std::thread::spawn(move || {
            let mut got: Vec<(f64, String)> = Vec::new();
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                got.push((t0.elapsed().as_secs_f64(), l));
            }
            got
        });
        // Warm-up (connections, the backlog since each pod started), then a 5 s window.
        let (warm, window) = (3.0, 5.0);
        std::thread::sleep(Duration::from_secs_f64(warm + window));
        let peak_kib = peak_rss_kib(child.id());
        let _ = child.kill();
        let _ = child.wait();
        let got = reader.join().unwrap_or_default();
        let in_window = got
            .iter()
            .filter(|(t, _)| *t >= warm && *t < warm + window)
            .count();
        Some(LogsFollow {
            lines_per_s: in_window as f64 / window,
            produced_per_s: 100.0 * SIM_SPEED,
            lost: lost_lines(&got),
            peak_mib: peak_kib as f64 / 1024.0,
        })
    } else {
        None
    };

    let size = std::fs::metadata(&plugin).map(|m| m.len()).unwrap_or(0);
    let kubectl_version = kubectl
        .as_ref()
        .and_then(|k| Command::new(k).args(["version", "--client"]).output().ok())
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("")
                .to_string()
        })
        .unwrap_or_else(|| "absent".into());
    drop(sim);
    let _ = std::fs::remove_dir_all(&scratch);

    // -----------------------------------------------------------------------------------------
    let mut md = String::new();
    let p = |md: &mut String, s: String| {
        md.push_str(&s);
        md.push('\n');
    };
    p(
        &mut md,
        "# Benchmarks: kubectl-statefulset vs kubectl".into(),
    );
    p(&mut md, String::new());
    p(
        &mut md,
        "Generated by `cargo run --release -p xtask -- bench` (do not edit by hand). The harness \
         starts `kube-sim` (release build), creates StatefulSet `web` (3 pods) and runs every job \
         with this plugin and with the equivalent kubectl command(s), at 0 ms and at 50 ms of \
         latency injected by the simulator before every response. Times are the median wall \
         time of the runs (after one untimed warm-up run); requests are counted from the \
         simulator's request log, cleared before each run. kubectl runs with an isolated \
         `--cache-dir` and `HOME`: *cold* = an empty discovery cache on every run, *warm* = a \
         populated one. Mutating commands get `--yes`."
            .into(),
    );
    p(&mut md, String::new());
    p(
        &mut md,
        format!(
            "Machine: {} CPU(s), shared with other builds (numbers are noisy; ratios matter). kubectl: {}. kube-sim: {}. Runs per measurement: {}.",
            std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            kubectl_version,
            sim_note,
            opts.runs
        ),
    );
    p(&mut md, String::new());

    let fmt_ms = |m: &Option<Measured>| match m {
        Some(m) => format!("{:.0}{}", m.ms, if m.ok { "" } else { " (failed)" }),
        None => "—".into(),
    };
    let fmt_req = |m: &Option<Measured>| match m {
        Some(m) => m.requests.to_string(),
        None => "—".into(),
    };
    let mut gaps: Vec<String> = Vec::new();
    for (latency, rows) in &tables {
        p(&mut md, format!("## API latency {latency} ms"));
        p(&mut md, String::new());
        p(&mut md, "| job | kubectl equivalent | plugin requests (min) | plugin ms | kubectl warm requests | kubectl warm ms | kubectl cold requests | kubectl cold ms | speed-up vs warm | speed-up vs cold | target (at 50 ms: requests at minimum, ≥ 2× vs warm kubectl) |".into());
        p(
            &mut md,
            "|---|---|---|---|---|---|---|---|---|---|---|".into(),
        );
        for r in rows {
            let Some(pl) = &r.plugin else {
                p(
                    &mut md,
                    format!(
                        "| {} | {} | not yet available | — | {} | {} | {} | {} | — | — | not yet available |",
                        r.job,
                        r.kubectl_eq,
                        fmt_req(&r.warm),
                        fmt_ms(&r.warm),
                        fmt_req(&r.cold),
                        fmt_ms(&r.cold)
                    ),
                );
                continue;
            };
            let ratio = |k: &Option<Measured>| k.as_ref().map(|k| k.ms / pl.ms);
            let rw = ratio(&r.warm);
            let rc = ratio(&r.cold);
            let verdict = if *latency == 50 {
                let mut why = Vec::new();
                if !pl.ok {
                    why.push("the command failed".to_string());
                }
                if pl.requests > r.min {
                    why.push(format!(
                        "{} requests > minimum {} ({}); sent: {}",
                        pl.requests,
                        r.min,
                        r.min_why,
                        pl.paths.join(", ")
                    ));
                }
                match (rw, &r.warm) {
                    (Some(x), Some(w)) if x < 2.0 && pl.requests == 1 && w.requests == 1 => {
                        let (own_k, own_p) = (w.ms - 50.0, pl.ms - 50.0);
                        why.push(format!(
                            "{x:.2}× < 2× vs warm kubectl: both send the one request the job needs, and its 50 ms of latency count for both, so the ratio is (50 + kubectl's own {own_k:.0} ms) / (50 + the plugin's own {own_p:.0} ms); 2× would need kubectl to spend more than {:.0} ms of its own",
                            50.0 + 2.0 * own_p
                        ))
                    }
                    (Some(x), _) if x < 2.0 => why.push(format!(
                        "{x:.2}× < 2× vs warm kubectl ({} request{} × 50 ms ≈ {} ms of latency alone)",
                        pl.requests,
                        if pl.requests == 1 { "" } else { "s" },
                        pl.requests * 50
                    )),
                    (None, _) => why.push("kubectl absent: ratio not measured".into()),
                    _ => {}
                }
                if why.is_empty() {
                    "pass".to_string()
                } else {
                    gaps.push(format!("- **{}**: {}", r.job, why.join("; ")));
                    "gap (see below)".to_string()
                }
            } else {
                String::new()
            };
            p(
                &mut md,
                format!(
                    "| {} | {} | {} ({}) | {} | {} | {} | {} | {} | {} | {} | {} |",
                    r.job,
                    r.kubectl_eq,
                    pl.requests,
                    r.min,
                    fmt_ms(&r.plugin),
                    fmt_req(&r.warm),
                    fmt_ms(&r.warm),
                    fmt_req(&r.cold),
                    fmt_ms(&r.cold),
                    rw.map(|x| format!("{x:.1}×")).unwrap_or("—".into()),
                    rc.map(|x| format!("{x:.1}×")).unwrap_or("—".into()),
                    verdict
                ),
            );
        }
        p(&mut md, String::new());
    }
    p(
        &mut md,
        "\"(failed)\" marks a tool exiting non-zero in some run; its time is still the full run. \
         `kubectl rollout restart` fails when repeated within one second (its restartedAt \
         annotation has second precision, so the repeated patch changes nothing and kubectl \
         reports an error); the plugin's redeploy succeeds in the same situation."
            .into(),
    );
    p(&mut md, String::new());
    if kubectl.is_none() {
        p(
            &mut md,
            "kubectl was not on PATH: kubectl columns are empty.".into(),
        );
        p(&mut md, String::new());
    }

    p(&mut md, "## Start-up, scale, size".into());
    p(&mut md, String::new());
    p(
        &mut md,
        "| measurement | plugin | kubectl | target | result |".into(),
    );
    p(&mut md, "|---|---|---|---|---|".into());
    let startup_ratio = kubectl_version_ms.map(|k| k / help_ms.max(version_ms));
    p(
        &mut md,
        format!(
            "| start-up `--help` / `--version` vs `kubectl version --client` | {help_ms:.1} ms / {version_ms:.1} ms | {} | ≥ 10× faster | {} |",
            kubectl_version_ms.map(|k| format!("{k:.1} ms")).unwrap_or("—".into()),
            match startup_ratio {
                Some(x) if x >= 10.0 => format!("pass ({x:.1}×)"),
                Some(x) => format!("gap ({x:.1}×)"),
                None => "kubectl absent".into(),
            }
        ),
    );
    if let Some(x) = startup_ratio {
        if x < 10.0 {
            gaps.push(format!("- **start-up**: {x:.1}× < 10× (process start of a static Rust binary vs Go's runtime start-up on this loaded machine)"));
        }
    }
    let big_pass = big_ok && big_ready && big_ms < 300.0 && big_rss < 50 * 1024;
    p(
        &mut md,
        format!(
            "| `get` of a 1,000-pod StatefulSet (0 ms latency): time, peak RSS | {big_ms:.0} ms, {:.1} MiB{} | {} | < 300 ms, < 50 MiB | {} |",
            big_rss as f64 / 1024.0,
            if big_ready { "" } else { " (not all 1,000 pods were ready)" },
            big_kubectl
                .map(|(t, r)| format!("{t:.0} ms, {:.1} MiB (2 processes)", r as f64 / 1024.0))
                .unwrap_or("—".into()),
            if big_pass { "pass" } else { "gap" }
        ),
    );
    if !big_pass {
        gaps.push(format!(
            "- **1,000-pod get**: {big_ms:.0} ms, {:.1} MiB{}; the simulator alone takes {raw_ms:.0} ms to answer one raw LIST of the 1,000 pods (measured by the harness), so the plugin's own share is about {:.0} ms",
            big_rss as f64 / 1024.0,
            if big_ok { "" } else { " (the command failed)" },
            (big_ms - raw_ms).max(0.0)
        ));
    }
    p(
        &mut md,
        format!(
            "| `logs -f` of 100 pods (simulator at speed {SIM_SPEED}: every pod writes {SIM_SPEED} lines/s) | {} | — | keeps up, no loss | {} |",
            logs_follow
                .as_ref()
                .map(|l| format!(
                    "{:.0} lines/s received of {:.0} written, {} lost, peak RSS {:.1} MiB",
                    l.lines_per_s, l.produced_per_s, l.lost, l.peak_mib
                ))
                .unwrap_or("not measured".into()),
            match &logs_follow {
                Some(l) if l.lost == 0 && l.lines_per_s >= 0.95 * l.produced_per_s => "pass",
                Some(_) => "gap",
                None => "not measured",
            }
        ),
    );
    p(
        &mut md,
        format!(
            "| release binary size (LTO, stripped) | {:.1} MiB | — | — | — |",
            size as f64 / (1024.0 * 1024.0)
        ),
    );
    p(&mut md, String::new());
    p(&mut md, "## Gaps and reasons".into());
    p(&mut md, String::new());
    if gaps.is_empty() {
        p(&mut md, "None: every measured target is met.".into());
    } else {
        for g in gaps {
            p(&mut md, g);
        }
    }
    p(&mut md, String::new());
    p(
        &mut md,
        "Request minimum per job (what the output or effect needs at least): ".into(),
    );
    for j in jobs() {
        p(&mut md, format!("- {}: {} — {}", j.name, j.min, j.min_why));
    }

    let out = root.join(&opts.out);
    if let Some(d) = out.parent() {
        let _ = std::fs::create_dir_all(d);
    }
    std::fs::write(&out, md).map_err(|e| format!("writing {}: {e}", out.display()))?;
    eprintln!("wrote {}", out.display());
    Ok(())
}
