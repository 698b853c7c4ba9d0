//! End-to-end: `logs`, `events`, `top` against kube-sim: merged prefixes and per-pod order,
//! parity with the simulator's pods/log, following across a scale-up and across a cut stream,
//! image-pull warnings, `events -w`, PodMetrics parity, request economy, bad input.

mod common;

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::TestEnv;
use kube_sim::controller::logs::{snapshot, LogOptions};
use kube_sim::resources::{EVENTS, PODS};
use kube_sim::server::FaultRule;
use kube_sim::FaultAction;
use serde_json::Value;

fn create(env: &TestEnv, name: &str, image: &str, replicas: &str) {
    env.ok(["create", name, "--image", image, "--replicas", replicas]);
}

fn pod(env: &TestEnv, name: &str) -> Value {
    env.sim.cluster().get(&PODS, Some("default"), name).unwrap()
}

/// The simulator's own log of a pod's only container, with timestamps, as lines.
fn sim_log(env: &TestEnv, pod_name: &str, previous: bool) -> Vec<String> {
    let p = pod(env, pod_name);
    let opts = LogOptions {
        timestamps: true,
        previous,
        ..Default::default()
    };
    let (text, _) = snapshot(&p, &opts, env.sim.clock().now()).unwrap();
    text.lines().map(str::to_string).collect()
}

fn container(env: &TestEnv, pod_name: &str) -> String {
    pod(env, pod_name)["spec"]["containers"][0]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

/// `window` appears in `all` as consecutive lines.
fn contiguous(all: &[String], window: &[String]) -> bool {
    !window.is_empty() && all.windows(window.len()).any(|w| w == window)
}

/// Starts the binary with stdout read line by line into a channel.
fn spawn(env: &TestEnv, args: &[&str]) -> (std::process::Child, mpsc::Receiver<String>) {
    spawn_with_stderr(env, args, Stdio::null())
}

fn spawn_with_stderr(
    env: &TestEnv,
    args: &[&str],
    stderr: Stdio,
) -> (std::process::Child, mpsc::Receiver<String>) {
    let mut child = env
        .std_cmd(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(out).lines() {
            let Ok(l) = l else { break };
            if tx.send(l).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Reads lines until `done` holds for the lines read so far (or 60 s).
fn read_until(rx: &mpsc::Receiver<String>, mut done: impl FnMut(&[String]) -> bool) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut lines = Vec::new();
    while Instant::now() < deadline && !done(&lines) {
        if let Ok(l) = rx.recv_timeout(Duration::from_millis(200)) {
            lines.push(l);
        }
    }
    lines
}

#[test]
fn logs_merged_with_aligned_prefixes_and_tail_matches_the_server() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "web", "nginx:1.27", "3");
    env.wait_ready("default", "web", 3);
    std::thread::sleep(Duration::from_millis(600));
    let c = container(&env, "web-0");
    let before: Vec<Vec<String>> = (0..3)
        .map(|i| sim_log(&env, &format!("web-{i}"), false))
        .collect();
    let out = env.ok(["logs", "web", "--tail", "2", "--timestamps"]);
    let after: Vec<Vec<String>> = (0..3)
        .map(|i| sim_log(&env, &format!("web-{i}"), false))
        .collect();
    let width = format!("[web-0/{c}]").len();
    for i in 0..3 {
        let prefix = format!("[web-{i}/{c}]");
        let mine: Vec<String> = out
            .lines()
            .filter(|l| l.starts_with(&prefix))
            .map(|l| {
                assert_eq!(&l[width..width + 1], " ", "aligned prefix: {l:?}");
                l[width + 1..].to_string()
            })
            .collect();
        assert_eq!(mine.len(), 2, "{out}");
        // The last two lines of the server's log at some moment between the two snapshots.
        assert!(
            contiguous(&after[i], &mine),
            "{mine:?} not in {:?}",
            after[i]
        );
        assert!(mine[1] >= *before[i].last().unwrap(), "{mine:?}");
    }
    assert_eq!(out.lines().count(), 6, "{out}");
    // Merged by time: the stamps never go back.
    let stamps: Vec<&str> = out.lines().map(|l| &l[width + 1..width + 25]).collect();
    assert!(stamps.windows(2).all(|w| w[0] <= w[1]), "{out}");

    // One pod, no prefix, without timestamps: the server's lines without their stamp.
    let one = env.ok(["logs", "web", "--pod", "1", "--no-prefix", "--since", "1h"]);
    let all = sim_log(&env, "web-1", false);
    let stripped: Vec<String> = all
        .iter()
        .map(|l| l.split_once(' ').unwrap().1.to_string())
        .collect();
    let got: Vec<String> = one.lines().map(str::to_string).collect();
    assert!(!got.is_empty());
    assert_eq!(
        got[..],
        stripped[..got.len()],
        "every line from the start, in order"
    );

    // -o json: one object per line.
    let js = env.ok(["logs", "web", "--pod", "web-2", "--tail", "1", "-o", "json"]);
    let v: Value = serde_json::from_str(js.lines().next().unwrap()).unwrap();
    assert_eq!(v["pod"], "web-2");
    assert_eq!(v["container"], c.as_str());
    assert!(v["timestamp"].as_str().unwrap().ends_with('Z'));
    assert!(v["message"].as_str().unwrap().contains("[web-2/"));
}

#[test]
fn logs_previous_matches_the_crashed_instance() {
    let env = TestEnv::with_speed(10.0);
    create(&env, "crashy", "busybox:crash", "1");
    let ok = env.sim.wait_until(Duration::from_secs(40), |c| {
        c.get(&PODS, Some("default"), "crashy-0")
            .ok()
            .is_some_and(|p| {
                p["status"]["containerStatuses"][0]["restartCount"]
                    .as_i64()
                    .unwrap_or(0)
                    >= 1
            })
    });
    assert!(ok, "the container never restarted");
    let before = sim_log(&env, "crashy-0", true);
    let out = env.ok([
        "logs",
        "crashy",
        "--previous",
        "--no-prefix",
        "--timestamps",
    ]);
    let after = sim_log(&env, "crashy-0", true);
    let got: Vec<String> = out.lines().map(str::to_string).collect();
    assert!(got == before || got == after, "{got:?}\nvs {before:?}");
    assert!(got.last().unwrap().contains("simulated crash"), "{out}");

    // The same as real kubectl, when it is on PATH (unless the container crashed again between).
    let restarts = |env: &TestEnv| {
        pod(env, "crashy-0")["status"]["containerStatuses"][0]["restartCount"].as_i64()
    };
    let r0 = restarts(&env);
    if let Some(mut k) = env.sim.kubectl(["logs", "crashy-0", "--previous"]) {
        let theirs = k.output().unwrap();
        assert!(theirs.status.success(), "{theirs:?}");
        let ours = env.ok(["logs", "crashy", "--previous", "--no-prefix"]);
        if restarts(&env) == r0 {
            assert_eq!(ours, String::from_utf8_lossy(&theirs.stdout));
        }
    }
}

#[test]
fn follow_picks_up_a_new_pod_after_a_scale_up() {
    let env = TestEnv::with_speed(10.0);
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    let dir = tempfile::tempdir().unwrap();
    let err_path = dir.path().join("stderr");
    let err_file = std::fs::File::create(&err_path).unwrap();
    let (mut child, rx) = spawn_with_stderr(&env, &["logs", "web", "-f"], Stdio::from(err_file));
    let first = read_until(&rx, |l| l.iter().any(|l| l.starts_with("[web-0/")));
    assert!(first.iter().any(|l| l.starts_with("[web-0/")), "{first:?}");
    env.scale_in_sim("web", 2);
    let more = read_until(&rx, |l| l.iter().any(|l| l.starts_with("[web-1/")));
    assert!(more.iter().any(|l| l.starts_with("[web-1/")), "{more:?}");
    // Scaling down again: web-1's stream ends with a note on stderr; web-0 goes on.
    env.scale_in_sim("web", 1);
    let noted = |p: &std::path::Path| {
        let e = std::fs::read_to_string(p).unwrap_or_default();
        e.contains("Pod web-1 went away") || e.contains("Pod web-1 is terminating")
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline && !noted(&err_path) {
        std::thread::sleep(Duration::from_millis(100));
    }
    let later = read_until(&rx, |l| {
        l.iter().filter(|l| l.starts_with("[web-0/")).count() >= 2
    });
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        noted(&err_path),
        "{}",
        std::fs::read_to_string(&err_path).unwrap()
    );
    assert!(later.iter().any(|l| l.starts_with("[web-0/")), "{later:?}");
    // web-0 keeps streaming in order alongside.
    let web0: Vec<&String> = first
        .iter()
        .chain(&more)
        .filter(|l| l.starts_with("[web-0/"))
        .collect();
    assert!(web0.len() >= 2);
}

#[test]
fn a_cut_stream_resumes_without_duplicates_or_gaps() {
    let env = TestEnv::with_speed(10.0);
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    std::thread::sleep(Duration::from_millis(500));
    // Cut the first two follow connections after two chunks each.
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "follow=true",
        FaultAction::CutWatchAfter { events: 2 },
        2,
    ));
    env.sim.clear_requests();
    let (mut child, rx) = spawn(&env, &["logs", "web", "-f", "--no-prefix", "--timestamps"]);
    let lines = read_until(&rx, |l| l.len() >= 40);
    let _ = child.kill();
    let _ = child.wait();
    let follows = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/log") && r.param("follow").as_deref() == Some("true"))
        .count();
    assert!(
        follows >= 3,
        "the stream was reconnected ({follows} follow requests)"
    );
    let all = sim_log(&env, "web-0", false);
    assert!(lines.len() >= 40);
    assert_eq!(
        all[..lines.len()],
        lines[..],
        "exactly the server's lines, once each"
    );
}

#[test]
fn events_show_image_pull_warnings_with_request_economy() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "broken", "nginx:bad", "1");
    let ok = env.sim.wait_until(Duration::from_secs(30), |c| {
        c.list_items(&EVENTS, Some("default"), None)
            .iter()
            .any(|e| e["type"] == "Warning" && e["involvedObject"]["name"] == "broken-0")
    });
    assert!(ok, "no warning event for broken-0");
    env.sim.clear_requests();
    let sts_only = env.ok(["events", "broken"]);
    assert_eq!(env.sim.requests().len(), 1, "{:#?}", env.sim.requests());
    assert!(sts_only.contains("SuccessfulCreate"), "{sts_only}");
    assert!(sts_only.contains("statefulset/broken"), "{sts_only}");
    assert!(!sts_only.contains("pod/broken-0"), "{sts_only}");
    let req = &env.sim.requests()[0];
    assert_eq!(
        req.param("fieldSelector").as_deref(),
        Some("involvedObject.kind=StatefulSet,involvedObject.name=broken")
    );

    env.sim.clear_requests();
    let with_pods = env.ok(["events", "broken", "--pods"]);
    // The namespace's events, the set and the claims (whose claim is whose).
    assert_eq!(env.sim.requests().len(), 3, "{:#?}", env.sim.requests());
    let header = with_pods.lines().next().unwrap();
    for col in ["TYPE", "REASON", "OBJECT", "AGE", "MESSAGE"] {
        assert!(header.contains(col), "{header}");
    }
    let warning = with_pods
        .lines()
        .find(|l| l.starts_with("Warning") && l.contains("pod/broken-0"))
        .unwrap_or_else(|| panic!("{with_pods}"));
    assert!(
        warning.contains("nginx:bad")
            || warning.contains("ImagePull")
            || warning.contains("ErrImagePull"),
        "{warning}"
    );

    let js: Value =
        serde_json::from_str(&env.ok(["events", "broken", "--pods", "-o", "json"])).unwrap();
    assert!(js["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["type"] == "Warning"));
}

#[test]
fn events_watch_sees_a_new_event() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    // The first two watches are cut at once: the command must resume, not stop.
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "watch=true",
        FaultAction::CutWatchAfter { events: 0 },
        2,
    ));
    env.sim.clear_requests();
    let (mut child, rx) = spawn(&env, &["events", "web", "-w"]);
    let first = read_until(&rx, |l| l.iter().any(|l| l.contains("web-0")));
    assert!(
        first.iter().any(|l| l.contains("SuccessfulCreate")),
        "{first:?}"
    );
    env.scale_in_sim("web", 2);
    let more = read_until(&rx, |l| l.iter().any(|l| l.contains("web-1")));
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        more.iter()
            .any(|l| l.contains("web-1") && l.contains("SuccessfulCreate")),
        "{more:?}"
    );
    let watches = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/events") && r.param("watch").as_deref() == Some("true"))
        .count();
    assert!(watches >= 3, "{watches} watches");
    // Each event shows once.
    let created_web1 = first
        .iter()
        .chain(&more)
        .filter(|l| l.contains("create Pod web-1"))
        .count();
    assert_eq!(created_web1, 1, "{more:?}");
}

/// A watch answered with 410 Expired (its resourceVersion left the watch cache): the command
/// relists, prints only what it has not shown, and goes on watching.
#[test]
fn events_watch_relists_after_410_expired() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "watch=true",
        FaultAction::ExpireWatch,
        1,
    ));
    env.sim.clear_requests();
    let (mut child, rx) = spawn(&env, &["events", "web", "-w"]);
    let first = read_until(&rx, |l| l.iter().any(|l| l.contains("web-0")));
    env.scale_in_sim("web", 2);
    let more = read_until(&rx, |l| l.iter().any(|l| l.contains("web-1")));
    // The event may come with the relist, before the next watch is sent: wait for it.
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline
        && env
            .sim
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/events") && r.param("watch").as_deref() == Some("true"))
            .count()
            < 2
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let all: Vec<&String> = first.iter().chain(&more).collect();
    assert!(
        all.iter().any(|l| l.contains("create Pod web-1")),
        "{all:?}"
    );
    assert_eq!(
        all.iter()
            .filter(|l| l.contains("create Pod web-0"))
            .count(),
        1,
        "an event shown before the relist is not shown again: {all:?}"
    );
    let reqs = env.sim.requests();
    let on_events = |watch: bool| {
        reqs.iter()
            .filter(|r| {
                r.path.ends_with("/events")
                    && (r.param("watch").as_deref() == Some("true")) == watch
            })
            .count()
    };
    assert_eq!(
        on_events(false),
        2,
        "the first list and the relist: {reqs:#?}"
    );
    assert!(
        on_events(true) >= 2,
        "the expired watch and the next: {reqs:#?}"
    );
}

#[test]
fn top_matches_pod_metrics_in_one_round_trip() {
    let env = TestEnv::new();
    create(&env, "web", "nginx:1.27", "2");
    env.wait_ready("default", "web", 2);
    let expect = |env: &TestEnv| -> Vec<(f64, f64)> {
        (0..2)
            .map(|i| {
                let m = kube_sim::controller::metrics::pod_metrics(
                    &pod(env, &format!("web-{i}")),
                    env.sim.clock().now(),
                )
                .unwrap();
                kubectl_statefulset::manifest::observe::pod_usage(&m)
            })
            .collect()
    };
    let before = expect(&env);
    env.sim.clear_requests();
    let out = env.ok(["top", "web", "-o", "json"]);
    // The set (its UID owns the pods), the pods and their metrics, sent together.
    let paths: Vec<String> = env.sim.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(paths.len(), 3, "{paths:#?}");
    assert!(
        paths.iter().any(|p| p.ends_with("/statefulsets/web"))
            && paths
                .iter()
                .any(|p| p.ends_with("/pods") && !p.contains("metrics"))
            && paths.iter().any(|p| p.starts_with("/apis/metrics.k8s.io/")),
        "{paths:#?}"
    );
    let after = expect(&env);
    let v: Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(f64, f64)> = v["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["cpuMillicores"].as_f64().unwrap(),
                p["memoryBytes"].as_f64().unwrap(),
            )
        })
        .collect();
    // JSON parsing may be one ULP off: compare to a millionth.
    let same = |a: &[(f64, f64)], b: &[(f64, f64)]| {
        a.len() == b.len()
            && a.iter().zip(b).all(|(x, y)| {
                (x.0 - y.0).abs() <= 1e-6 * y.0.abs().max(1.0)
                    && (x.1 - y.1).abs() <= 1e-6 * y.1.abs().max(1.0)
            })
    };
    assert!(
        same(&got, &before) || same(&got, &after),
        "{got:?} vs {before:?}"
    );
    assert_eq!(v["pods"][0]["pod"], "web-0");
    let table = env.ok(["monitor", "web"]);
    assert!(
        table.contains("CPU(CORES)") && table.contains("TOTAL (web)"),
        "{table}"
    );
    assert!(table.contains("Top 2 by CPU"), "{table}");
}

#[test]
fn bad_input_is_refused_clearly() {
    let env = TestEnv::new();
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    let o = env.run(["logs", "web", "--pod", "7"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("no pod \"web-7\""), "{}", o.stderr);
    let o = env.run(["logs", "web", "-c", "nope"]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr
            .contains("container nope is not valid for pod web-0"),
        "{}",
        o.stderr
    );
    let o = env.run(["logs", "web", "--since", "abc"]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr
            .contains("invalid argument \"abc\" for \"--since\" flag"),
        "{}",
        o.stderr
    );
    let o = env.run(["logs", "web", "-f", "--max-log-requests", "0"]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains("you are attempting to follow 1 log streams, but maximum allowed concurrency is 0, use --max-log-requests to increase the limit"),
        "{}",
        o.stderr
    );
    let o = env.run(["logs", "nosuch"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("not found"), "{}", o.stderr);
    let o = env.run(["top", "nosuch"]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("not found"), "{}", o.stderr);
}

/// A cluster without metrics-server: a stub API server that serves an empty pod list and 404
/// for everything else.
#[test]
fn top_without_metrics_api_says_so() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { break };
            let mut buf = [0u8; 8192];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let path = head
                .split_whitespace()
                .nth(1)
                .unwrap_or_default()
                .to_string();
            let (code, body) = if path.starts_with("/api/v1/namespaces/default/pods") {
                ("200 OK", r#"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"1"},"items":[]}"#.to_string())
            } else {
                ("404 Not Found", r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}"#.to_string())
            };
            let _ = write!(
                s,
                "HTTP/1.1 {code}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let kc = dir.path().join("config");
    std::fs::write(
        &kc,
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:{port}\nusers:\n- name: u\n  user: {{}}\ncontexts:\n- name: c\n  context:\n    cluster: c\n    user: u\n    namespace: default\ncurrent-context: c\n"
        ),
    )
    .unwrap();
    let env = TestEnv::new();
    let out = env
        .std_cmd(["top", "web"])
        .env("KUBECONFIG", &kc)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr.contains("error: metrics API not available (is metrics-server installed?)"),
        "{stderr}"
    );
}

#[test]
fn get_watch_prints_a_line_per_change_without_a_terminal() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "web", "nginx:1.27", "1");
    env.wait_ready("default", "web", 1);
    let (mut child, rx) = spawn(&env, &["get", "web", "--watch"]);
    let first = read_until(&rx, |l| l.iter().any(|l| l.contains("1/1 ready")));
    assert!(
        first.iter().any(|l| l.starts_with("web: 1/1 ready")),
        "{first:?}"
    );
    env.sim.clear_requests();
    env.scale_in_sim("web", 2);
    let more = read_until(&rx, |l| l.iter().any(|l| l.contains("2/2 ready")));
    let _ = child.kill();
    let _ = child.wait();
    assert!(more.iter().any(|l| l.contains("web-1=Running")), "{more:?}");
    // Watches, not polling: no GET of the StatefulSet or list of pods while it ran.
    let polls = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.param("watch").is_none() && !r.path.starts_with("/_sim"))
        .count();
    assert_eq!(polls, 0, "{:#?}", env.sim.requests());
}

#[test]
fn top_watch_draws_sparklines_with_one_request_per_refresh() {
    let env = TestEnv::with_speed(5.0);
    create(&env, "web", "nginx:1.27", "2");
    env.wait_ready("default", "web", 2);
    env.sim.clear_requests();
    let (mut child, rx) = spawn(&env, &["top", "web", "--watch", "--interval", "300ms"]);
    let lines = read_until(&rx, |l| {
        l.iter().filter(|l| l.contains("CPU HISTORY")).count() >= 2
    });
    let _ = child.kill();
    let _ = child.wait();
    let bars = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let web0: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with("web-0") && l.contains(bars))
        .collect();
    assert!(!web0.is_empty(), "{lines:#?}");
    // The set's GET, one list and one watch of its pods, then only the metrics per refresh
    // (metrics.k8s.io has no watch).
    let reqs = env.sim.requests();
    let count =
        |f: &dyn Fn(&kube_sim::server::RequestRecord) -> bool| reqs.iter().filter(|r| f(r)).count();
    let pod_lists =
        count(&|r| r.path == "/api/v1/namespaces/default/pods" && r.param("watch").is_none());
    let pod_watches = count(&|r| {
        r.path == "/api/v1/namespaces/default/pods" && r.param("watch").as_deref() == Some("true")
    });
    let sts = count(&|r| r.path == "/apis/apps/v1/namespaces/default/statefulsets/web");
    let metrics = count(&|r| r.path.starts_with("/apis/metrics.k8s.io/"));
    assert_eq!((pod_lists, pod_watches, sts), (1, 1, 1), "{reqs:#?}");
    assert!(metrics >= 3, "{reqs:#?}");
    assert_eq!(reqs.len(), 3 + metrics, "{reqs:#?}");
}

#[test]
fn all_containers_include_started_init_containers() {
    let env = TestEnv::with_speed(5.0);
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--init-container",
        "setup=busybox:1.36 echo hi",
    ]);
    env.wait_ready("default", "web", 1);
    let main = container(&env, "web-0");
    let out = env.ok(["logs", "web", "--all-containers", "--tail", "1"]);
    assert!(out.lines().any(|l| l.starts_with("[web-0/setup]")), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&format!("[web-0/{main}]"))),
        "{out}"
    );
    let only = env.ok(["logs", "web", "-c", "setup", "--no-prefix"]);
    assert!(!only.is_empty());
    assert!(only.lines().all(|l| l.contains("[web-0/setup]")), "{only}");
}
