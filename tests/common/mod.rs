//! `TestEnv`: a simulator plus commands for the built binary pointed at it (KUBECONFIG,
//! NO_COLOR=1, fixed COLUMNS, no TTY), in the spirit of uv's test context.
#![allow(dead_code)]

use std::time::Duration;

use assert_cmd::Command;
use kube_sim::api::ClusterOptions;
use kube_sim::images::TestRegistry;
use kube_sim::{KubeSim, SimOptions};
use serde_json::Value;

pub struct TestEnv {
    pub sim: KubeSim,
    home: tempfile::TempDir,
    /// With image checks on: the registry every image is looked up in (the plugin's
    /// `--registry-mirror` for all registries); None: checks off.
    mirror: Option<String>,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl TestEnv {
    /// The pods of `default/SET` the controller deleted, in the order of its last deletion
    /// (its SuccessfulDelete events, by resourceVersion; a repeated one is counted, as events
    /// are), with the count.
    pub fn controller_deletions(&self, set: &str) -> Vec<(String, i64)> {
        let mut evs: Vec<(u64, String, i64)> = self
            .sim
            .cluster()
            .list_items(&kube_sim::resources::EVENTS, Some("default"), None)
            .into_iter()
            .filter(|e| e["reason"] == "SuccessfulDelete" && e["involvedObject"]["name"] == set)
            .map(|e: Value| {
                (
                    e["metadata"]["resourceVersion"]
                        .as_str()
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(0),
                    e["message"].as_str().unwrap_or_default().to_string(),
                    e["count"].as_i64().unwrap_or(1),
                )
            })
            .collect();
        evs.sort();
        evs.into_iter()
            .filter_map(|(_, m, n)| m.split_whitespace().nth(2).map(|p| (p.to_string(), n)))
            .collect()
    }

    /// Scales `default/NAME` through the simulator with a merge patch (no resourceVersion:
    /// the controller's status writes cannot make it conflict, as a read-modify-write PUT
    /// could).
    pub fn scale_in_sim(&self, name: &str, n: i64) {
        self.sim
            .cluster()
            .patch(
                &kube_sim::resources::STATEFULSETS,
                Some("default"),
                name,
                None,
                kube_sim::patch::PatchType::Merge,
                serde_json::json!({"spec": {"replicas": n}})
                    .to_string()
                    .as_bytes(),
                &kube_sim::api::WriteOptions::default(),
            )
            .unwrap();
    }

    pub fn new() -> TestEnv {
        // TLS: kubectl sends the bearer token only over https.
        let sim = KubeSim::start(SimOptions {
            tls: true,
            ..Default::default()
        })
        .expect("start kube-sim");
        Self::with_sim(sim)
    }

    /// A simulator whose clock runs `speed` times faster than real time.
    pub fn with_speed(speed: f64) -> TestEnv {
        let sim = KubeSim::start(SimOptions {
            tls: true,
            speed,
            ..Default::default()
        })
        .expect("start kube-sim");
        Self::with_sim(sim)
    }

    /// A started simulator (e.g. with other `SimOptions`).
    pub fn with_sim(sim: KubeSim) -> TestEnv {
        TestEnv {
            sim,
            home: tempfile::tempdir().unwrap(),
            mirror: None,
        }
    }

    /// A real registry (Distribution's `docker-registry` on loopback, empty: the test pushes
    /// its images) and a simulator at `speed` whose kubelet pulls through it, with the plugin's
    /// image checks ON against the same registry (every registry mirrored onto it, so
    /// `postgres:16` is looked up as `library/postgres:16` there). None when docker-registry
    /// is missing (skipped visibly; a failure under CI=true).
    pub fn with_registry(speed: f64) -> Option<(TestRegistry, TestEnv)> {
        let reg = TestRegistry::start()?;
        let sim = KubeSim::start(SimOptions {
            tls: true,
            speed,
            cluster: ClusterOptions {
                image_registry: Some(reg.host().to_string()),
                ..Default::default()
            },
            ..Default::default()
        })
        .expect("start kube-sim");
        let env = Self::with_sim(sim).image_checks_at(reg.host());
        Some((reg, env))
    }

    /// Image checks ON, every image looked up in the registry `host`.
    pub fn image_checks_at(mut self, host: &str) -> TestEnv {
        self.mirror = Some(host.to_string());
        self
    }

    /// `kubectl-statefulset ARGS` against the simulator.
    pub fn cmd<I, S>(&self, args: I) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        Command::from(self.std_cmd(args))
    }

    /// The same as a `std::process::Command` (for pipes).
    pub fn std_cmd<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("kubectl-statefulset"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home.path())
            .env("KUBECONFIG", self.sim.kubeconfig_path())
            .env("NO_COLOR", "1")
            .env("COLUMNS", "120")
            .args(args);
        // No test reaches a registry outside this machine: image checks are off unless the
        // env was made with its own registry (`with_registry`).
        match &self.mirror {
            Some(host) => c.env("KUBECTL_STATEFULSET_REGISTRY_MIRRORS", host),
            None => c.env("KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK", "true"),
        };
        c
    }

    /// The same for a pseudo-terminal (expectrl): `TERM` set.
    pub fn pty_cmd<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut c = self.std_cmd(args);
        c.env("TERM", "xterm");
        c
    }

    pub fn run<I, S>(&self, args: I) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.run_stdin(args, "")
    }

    pub fn run_stdin<I, S>(&self, args: I, stdin: &str) -> Output
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out = self
            .cmd(args)
            .write_stdin(stdin.to_string())
            .timeout(Duration::from_secs(60))
            .output()
            .unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs and asserts success, returning stdout.
    pub fn ok<I, S>(&self, args: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let o = self.run(args);
        assert_eq!(o.code, 0, "stdout:\n{}\nstderr:\n{}", o.stdout, o.stderr);
        o.stdout
    }

    pub fn sts(&self, ns: &str, name: &str) -> Option<Value> {
        self.sim
            .cluster()
            .get(&kube_sim::resources::STATEFULSETS, Some(ns), name)
            .ok()
    }

    pub fn svc(&self, ns: &str, name: &str) -> Option<Value> {
        self.sim
            .cluster()
            .get(&kube_sim::resources::SERVICES, Some(ns), name)
            .ok()
    }

    /// Requests of the simulator's log that change something (not GET/LIST/WATCH).
    pub fn writes(&self) -> Vec<kube_sim::server::RequestRecord> {
        self.sim
            .requests()
            .into_iter()
            .filter(|r| r.method != "GET")
            .collect()
    }

    /// Waits until the StatefulSet has `n` ready replicas.
    pub fn wait_ready(&self, ns: &str, name: &str, n: i64) {
        let ok = self.sim.wait_until(Duration::from_secs(30), |c| {
            c.get(&kube_sim::resources::STATEFULSETS, Some(ns), name)
                .ok()
                .and_then(|s| s["status"]["readyReplicas"].as_i64())
                == Some(n)
        });
        assert!(ok, "statefulset {ns}/{name} never got {n} ready replicas");
    }
}

impl TestEnv {
    /// Replaces the revision hashes of the StatefulSets in `ns` with `<hash>` (the hash depends
    /// on the simulator's serialization of the template).
    pub fn filter_hashes(&self, ns: &str, text: &str) -> String {
        let mut out = text.to_string();
        for sts in self
            .sim
            .cluster()
            .list_items(&kube_sim::resources::STATEFULSETS, Some(ns), None)
        {
            let name = sts["metadata"]["name"].as_str().unwrap_or_default();
            for key in ["updateRevision", "currentRevision"] {
                if let Some(rev) = sts["status"][key].as_str() {
                    let hash = rev.strip_prefix(&format!("{name}-")).unwrap_or(rev);
                    out = out.replace(hash, "<hash>");
                }
            }
        }
        out
    }
}

/// Replaces ages (`5s`, `2m30s`, `3h`) with `<age>` and collapses column padding, for snapshots.
pub fn filter_table(text: &str) -> String {
    text.lines()
        .map(|l| {
            l.split_whitespace()
                .map(|w| if is_age(w) { "<age>" } else { w })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_age(w: &str) -> bool {
    let mut rest = w;
    let mut any = false;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return false;
        }
        let unit = rest[digits..].chars().next();
        if !matches!(unit, Some('s' | 'm' | 'h' | 'd' | 'y')) {
            return false;
        }
        rest = &rest[digits + 1..];
        any = true;
    }
    any
}
