//! End-to-end: the following commands (`get --watch`, `events -w`, `logs -f`) survive an API
//! server restart. The command runs as a child process; kube-sim stops serving (`pause`: the
//! listener closes, open watches and log streams are cut) and serves again on the same port
//! with the same state (`resume`). The command says it is reconnecting, then goes on with
//! what changed during and after the outage: nothing lost, nothing shown twice.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TestEnv;
use kube_sim::controller::logs::{snapshot, LogOptions};
use kube_sim::resources::PODS;

/// A running command: its stdout and stderr lines, in the order they were read.
struct Running {
    child: Child,
    rx: mpsc::Receiver<(bool, String)>,
    out: Vec<String>,
    err: Vec<String>,
}

fn lines_of(r: impl Read + Send + 'static, is_err: bool, tx: mpsc::Sender<(bool, String)>) {
    std::thread::spawn(move || {
        for l in BufReader::new(r).lines() {
            let Ok(l) = l else { break };
            if tx.send((is_err, l)).is_err() {
                break;
            }
        }
    });
}

impl Running {
    fn start(env: &TestEnv, args: &[&str]) -> Running {
        Running::spawn(env.std_cmd(args))
    }

    fn spawn(mut cmd: std::process::Command) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, rx) = mpsc::channel();
        lines_of(child.stdout.take().unwrap(), false, tx.clone());
        lines_of(child.stderr.take().unwrap(), true, tx);
        Running {
            child,
            rx,
            out: Vec::new(),
            err: Vec::new(),
        }
    }

    /// Reads until `done(stdout, stderr)` holds; panics after 60 s with what was read.
    fn until(&mut self, what: &str, done: impl Fn(&[String], &[String]) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while !done(&self.out, &self.err) {
            assert!(
                Instant::now() < deadline,
                "no {what}:\nstdout: {:#?}\nstderr: {:#?}",
                self.out,
                self.err
            );
            if let Ok((is_err, l)) = self.rx.recv_timeout(Duration::from_millis(100)) {
                if is_err { &mut self.err } else { &mut self.out }.push(l);
            }
        }
    }

    fn said(&mut self, what: &str) {
        self.until(what, |_, err| err.iter().any(|l| l.contains(what)));
    }

    /// Reads until a stdout line satisfies `line`.
    fn shows(&mut self, what: &str, line: impl Fn(&str) -> bool) {
        self.until(what, |out, _| out.iter().any(|l| line(l)));
    }
}

/// A simulator whose clock runs `speed` times real time, with StatefulSet `web` (one ready
/// replica), and the plugin running `args` against it.
fn web_running(speed: f64, args: &[&str]) -> (TestEnv, Running) {
    let env = TestEnv::with_speed(speed);
    env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "1"]);
    env.wait_ready("default", "web", 1);
    let run = Running::start(&env, args);
    (env, run)
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Stops the server, runs `during` while it is down (changes the command cannot see yet),
/// waits until the command says it is reconnecting, then serves again.
fn restart(env: &TestEnv, run: &mut Running, during: impl FnOnce()) {
    env.sim.pause();
    during();
    run.said("reconnecting to the API server");
    env.sim.clear_requests();
    env.sim.resume().unwrap();
    run.said("reconnected after");
}

#[test]
fn get_watch_survives_a_server_restart() {
    let (env, mut run) = web_running(5.0, &["get", "web", "--watch"]);
    run.shows("first summary", |l| l.starts_with("web: 1/1 ready"));
    // A scale during the outage and one after it: both show.
    restart(&env, &mut run, || env.scale_in_sim("web", 2));
    run.shows("the scale made during the outage", |l| {
        l.starts_with("web: 2/2 ready")
    });
    env.scale_in_sim("web", 3);
    run.shows("the scale made after the restart", |l| {
        l.starts_with("web: 3/3 ready")
    });
    // Resumed from the watches' resourceVersions: no list after the restart.
    let lists: Vec<_> = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.param("watch").is_none())
        .collect();
    assert!(lists.is_empty(), "{lists:#?}");
    // The line per change: the same line never twice in a row.
    assert!(run.out.windows(2).all(|w| w[0] != w[1]), "{:#?}", run.out);
}

#[test]
fn events_watch_survives_a_server_restart() {
    let (env, mut run) = web_running(5.0, &["events", "web", "-w"]);
    run.shows("web-0's event", |l| l.contains("create Pod web-0"));
    restart(&env, &mut run, || env.scale_in_sim("web", 2));
    run.shows("the event of the outage", |l| {
        l.contains("create Pod web-1")
    });
    env.scale_in_sim("web", 3);
    run.shows("the event after the restart", |l| {
        l.contains("create Pod web-2")
    });
    for pod in ["web-0", "web-1", "web-2"] {
        let shown = run
            .out
            .iter()
            .filter(|l| l.contains(&format!("create Pod {pod} ")))
            .count();
        assert_eq!(shown, 1, "{pod}: {:#?}", run.out);
    }
}

/// The simulator's log of a pod's first container, with timestamps.
fn sim_log(env: &TestEnv, pod: &str) -> Vec<String> {
    let p = env.sim.cluster().get(&PODS, Some("default"), pod).unwrap();
    let opts = LogOptions {
        timestamps: true,
        ..Default::default()
    };
    let (text, _) = snapshot(&p, &opts, env.sim.clock().now()).unwrap();
    text.lines().map(str::to_string).collect()
}

#[test]
fn logs_follow_survives_a_server_restart() {
    let (env, mut run) = web_running(10.0, &["logs", "web", "-f", "--timestamps"]);
    let web0 = |out: &[String]| -> Vec<String> {
        out.iter()
            .filter_map(|l| l.strip_prefix("[web-0/"))
            .map(|l| l.split_once("] ").unwrap().1.trim_start().to_string())
            .collect()
    };
    run.until("web-0's lines", |out, _| web0(out).len() >= 3);
    let before = web0(&run.out).len();
    // A pod created during the outage is followed once the server is back.
    restart(&env, &mut run, || {
        env.scale_in_sim("web", 2);
        std::thread::sleep(Duration::from_millis(500));
    });
    run.shows("web-1's lines", |l| l.starts_with("[web-1/"));
    run.until("web-0's lines after the restart", |out, _| {
        web0(out).len() >= before + 10
    });
    // web-0's lines are the server's, in order, from the first shown: none lost at the cut,
    // none repeated.
    let got = web0(&run.out);
    let all = sim_log(&env, "web-0");
    let start = all
        .iter()
        .position(|l| *l == got[0])
        .unwrap_or_else(|| panic!("{:?} not in the server's log", got[0]));
    assert_eq!(
        got[..],
        all[start..start + got.len()],
        "stdout: {:#?}",
        run.out
    );
}

/// Reads stdout lines of `run` until `n` lines in all.
fn lines_until(run: &mut Running, what: &str, done: impl Fn(&[String]) -> bool) {
    run.until(what, |out, _| done(out));
}

/// `list -w` as `kubectl get -w`: the table (the same as `list`'s), then a row per change
/// without the header again, also across a server restart. kubectl's own `get sts -w` runs
/// alongside: it too prints its header once and then rows.
#[test]
fn list_watch_prints_rows_per_change_as_kubectl_get_w() {
    let env = TestEnv::with_speed(5.0);
    env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "1"]);
    env.wait_ready("default", "web", 1);
    let listed = common::filter_table(&env.ok(["list"]));
    let mut run = Running::start(&env, &["list", "-w"]);
    let theirs = env.sim.kubectl(["get", "sts", "-w"]).map(Running::spawn);
    let n = listed.lines().count();
    lines_until(&mut run, "the first table", |out| out.len() >= n);
    assert_eq!(common::filter_table(&run.out.join("\n")), listed);
    let mut theirs = theirs;
    if let Some(k) = &mut theirs {
        lines_until(k, "kubectl's first table", |out| out.len() >= 2);
    }

    env.scale_in_sim("web", 2);
    let two = |out: &[String]| {
        out.iter()
            .any(|l| l.starts_with("web ") && l.contains(" 2/2 "))
    };
    lines_until(&mut run, "a row for the scale", two);
    let headers = |out: &[String]| out.iter().filter(|l| l.starts_with("NAME ")).count();
    // kubectl get -w: the header once, then rows (it ends at a server restart; ours goes on).
    if let Some(mut k) = theirs {
        lines_until(&mut k, "kubectl's row for the scale", two);
        assert_eq!(headers(&k.out), 1, "kubectl: {:#?}", k.out);
        assert!(
            k.out[1..].iter().all(|l| l.starts_with("web ")),
            "{:#?}",
            k.out
        );
    }
    restart(&env, &mut run, || env.scale_in_sim("web", 3));
    lines_until(&mut run, "a row for the scale during the outage", |out| {
        out.iter()
            .any(|l| l.starts_with("web ") && l.contains(" 3/3 "))
    });
    assert_eq!(headers(&run.out), 1, "{:#?}", run.out);
    assert!(
        run.out[n..].iter().all(|l| l.starts_with("web ")),
        "{:#?}",
        run.out
    );
}

/// `pods -w`: the table (the same as `pods`'), then a row per change of a pod.
#[test]
fn pods_watch_prints_rows_per_change() {
    let env = TestEnv::with_speed(5.0);
    env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "1"]);
    env.wait_ready("default", "web", 1);
    let listed = common::filter_table(&env.ok(["pods", "web"]));
    let mut run = Running::start(&env, &["pods", "web", "-w"]);
    let n = listed.lines().count();
    lines_until(&mut run, "the first table", |out| out.len() >= n);
    assert_eq!(common::filter_table(&run.out[..n].join("\n")), listed);
    env.scale_in_sim("web", 2);
    lines_until(&mut run, "web-1 running", |out| {
        out.iter()
            .any(|l| l.starts_with("1 ") && l.contains("web-1") && l.contains("Running"))
    });
    assert!(
        run.out[n..].iter().all(|l| l.contains("web-1")),
        "only web-1 changed: {:#?}",
        run.out
    );
    assert_eq!(
        run.out.iter().filter(|l| l.starts_with("ORDINAL")).count(),
        1,
        "{:#?}",
        run.out
    );
}

/// `events --pods -w`: the pods' events too (a second list+watch), each once across a restart.
#[test]
fn events_of_pods_watch_survives_a_server_restart() {
    let (env, mut run) = web_running(5.0, &["events", "web", "--pods", "-w"]);
    run.shows("web-0's pod events", |l| l.contains("pod/web-0"));
    restart(&env, &mut run, || env.scale_in_sim("web", 2));
    env.wait_ready("default", "web", 2);
    run.shows("web-1's pod events", |l| {
        l.contains("pod/web-1") && l.contains("Started")
    });
    // The set's own events come on their own watch, which may reconnect a backoff step later.
    run.shows("the set's event of the outage", |l| {
        l.contains("statefulset/web") && l.contains("create Pod web-1")
    });
    let mut lines: Vec<&String> = run.out.iter().filter(|l| l.contains("web-1")).collect();
    let n = lines.len();
    lines.sort();
    lines.dedup();
    assert_eq!(lines.len(), n, "an event shown twice: {:#?}", run.out);
    assert!(
        run.out
            .iter()
            .any(|l| l.contains("statefulset/web") && l.contains("create Pod web-1")),
        "{:#?}",
        run.out
    );
}

/// `top --watch`: the pods come from the follow stream; a refresh while the server is away is
/// skipped, and a pod created during the outage shows after it.
#[test]
fn top_watch_survives_a_server_restart() {
    let (env, mut run) = web_running(5.0, &["top", "web", "--watch", "--interval", "300ms"]);
    run.shows("web-0's usage", |l| l.starts_with("web-0 "));
    restart(&env, &mut run, || {
        env.scale_in_sim("web", 2);
        env.wait_ready("default", "web", 2);
    });
    run.shows("web-1's usage", |l| {
        l.starts_with("web-1 ") && !l.contains("<none>")
    });
    assert!(
        run.err.iter().all(|l| !l.starts_with("error")),
        "{:#?}",
        run.err
    );
}

/// `scale --wait` across a restart: the wait says reconnecting and ends when the scale is done.
#[test]
fn scale_wait_survives_a_server_restart() {
    // A slow clock: two more pods to start in order take a few seconds, the restart less.
    let (env, mut run) = web_running(0.5, &["scale", "web", "3", "--wait", "--timeout", "60s"]);
    run.said("pod web-0");
    restart(&env, &mut run, || {});
    assert!(
        env.sts("default", "web").unwrap()["status"]["readyReplicas"] != 3,
        "the scale was done before the restart: the test proves nothing"
    );
    let status = run.child.wait().unwrap();
    while let Ok((is_err, l)) = run.rx.recv_timeout(Duration::from_millis(200)) {
        if is_err { &mut run.err } else { &mut run.out }.push(l);
    }
    assert!(status.success(), "{:#?}\n{:#?}", run.out, run.err);
    let ready = env.sts("default", "web").unwrap()["status"]["readyReplicas"].clone();
    assert_eq!(ready, 3, "{:#?}", run.err);
}
