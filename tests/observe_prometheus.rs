//! End-to-end: `top --prometheus` against kube-sim's stand-in Prometheus
//! (`/_sim/prometheus`): the table and `-o json` agree with what that endpoint answers for the
//! same window, the env var default, clear errors (no URL, unreachable, a Prometheus error,
//! an untrusted certificate), and four range queries plus one pod list per refresh.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::TestEnv;
use kube_sim::{KubeSim, SimOptions};
use kubectl_statefulset::manifest::prometheus::Metric;
use serde_json::Value;

/// How long before the tests' "now" the StatefulSets are created: the stand-in Prometheus,
/// like a real one, has samples only from a pod's start on, and the ranges asked here go
/// back up to 2 hours.
const HISTORY: std::time::Duration = std::time::Duration::from_secs(2 * 3600 + 300);

/// A plain-HTTP simulator: the plugin verifies a Prometheus certificate against the system
/// roots, which do not hold the simulator's generated CA. Its clock starts `HISTORY` in the
/// past; `web` catches up once the pods are ready.
fn plain_env() -> TestEnv {
    TestEnv::with_sim(
        KubeSim::start(SimOptions {
            tls: false,
            start_in_past: HISTORY,
            ..Default::default()
        })
        .expect("start kube-sim"),
    )
}

fn prom_url(env: &TestEnv) -> String {
    format!("{}/_sim/prometheus", env.sim.base_url())
}

fn web(env: &TestEnv, replicas: &str) {
    env.ok([
        "create",
        "web",
        "--image",
        "nginx:1.27",
        "--replicas",
        replicas,
    ]);
    env.wait_ready("default", "web", replicas.parse().unwrap());
    // The pods have run for HISTORY when the plugin (on the real clock) asks.
    env.sim.clock().advance(HISTORY);
}

/// GET over plain HTTP/1.1: (status, body).
fn http_get(base: &str, path_query: &str) -> (u16, String) {
    let host = base.strip_prefix("http://").unwrap();
    let mut s = TcpStream::connect(host).unwrap();
    write!(
        s,
        "GET {path_query} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, body.to_string())
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The four queries the plugin must make for web-0..web-{n-1} in `default`.
fn queries(n: usize) -> Vec<(Metric, &'static str, String)> {
    let pods: Vec<String> = (0..n).map(|i| format!("web-{i}")).collect();
    let m = format!("namespace=\"default\",pod=~\"{}\"", pods.join("|"));
    let c = format!("{m},container!=\"\",container!=\"POD\"");
    vec![
        (
            Metric::Cpu,
            "cpu",
            format!("sum by (pod) (rate(container_cpu_usage_seconds_total{{{c}}}[5m]))"),
        ),
        (
            Metric::Memory,
            "memory",
            format!("sum by (pod) (container_memory_working_set_bytes{{{c}}})"),
        ),
        (
            Metric::NetIn,
            "networkIn",
            format!("sum by (pod) (rate(container_network_receive_bytes_total{{{m}}}[5m]))"),
        ),
        (
            Metric::NetOut,
            "networkOut",
            format!("sum by (pod) (rate(container_network_transmit_bytes_total{{{m}}}[5m]))"),
        ),
    ]
}

/// What the stand-in answers for one query over [start, end] every step: pod → points.
fn fake_series(
    env: &TestEnv,
    query: &str,
    start: f64,
    end: f64,
    step: u64,
) -> Vec<(String, Vec<(f64, f64)>)> {
    let (code, body) = http_get(
        env.sim.base_url(),
        &format!(
            "/_sim/prometheus/api/v1/query_range?query={}&start={start}&end={end}&step={step}",
            enc(query)
        ),
    );
    assert_eq!(code, 200, "{body}");
    let v: Value = serde_json::from_str(&body).unwrap();
    v["data"]["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let pts = s["values"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| {
                    (
                        p[0].as_f64().unwrap(),
                        p[1].as_str().unwrap().parse().unwrap(),
                    )
                })
                .collect();
            (s["metric"]["pod"].as_str().unwrap().to_string(), pts)
        })
        .collect()
}

/// Same timestamps and values to 1e-12 (serde_json's float parsing may be one ULP off).
fn close(a: &[(f64, f64)], b: &[(f64, f64)]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() <= 1e-12 * y.1.abs().max(1.0))
}

fn points(v: &Value) -> Vec<(f64, f64)> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_f64().unwrap(), p[1].as_f64().unwrap()))
        .collect()
}

#[test]
fn json_series_are_the_fake_prometheus_series() {
    let env = plain_env();
    web(&env, "3");
    let url = prom_url(&env);
    let out = env.ok([
        "top",
        "web",
        "--prometheus",
        &url,
        "--range",
        "1h",
        "-o",
        "json",
    ]);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["range"], "1h");
    assert_eq!(v["stepSeconds"], 120, "the console's step for 1h");
    let (start, end) = (v["start"].as_f64().unwrap(), v["end"].as_f64().unwrap());
    assert_eq!(end - start, 3600.0);
    let pods = v["pods"].as_array().unwrap();
    let names: Vec<&str> = pods.iter().map(|p| p["pod"].as_str().unwrap()).collect();
    assert_eq!(names, ["web-0", "web-1", "web-2"]);
    for p in pods {
        assert_eq!(p["series"].as_object().unwrap().len(), 4, "{p}");
    }
    for (_, key, q) in queries(3) {
        let fake = fake_series(&env, &q, start, end, 120);
        assert_eq!(fake.len(), 3, "{key}");
        for ((pod, want), p) in fake.iter().zip(pods) {
            assert_eq!(p["pod"].as_str().unwrap(), pod);
            let got = points(&p["series"][key]);
            // The whole hour, every 2 minutes.
            assert_eq!(got.len(), 31, "{key} {pod}");
            assert!(close(&got, want), "{key} {pod}: {got:?} vs {want:?}");
            let last = p["last"][key].as_f64().unwrap();
            assert!(close(&[(0.0, last)], &[(0.0, want.last().unwrap().1)]));
        }
        // The StatefulSet's series sums the pods'.
        let total = points(&v["total"][key]);
        for (i, (t, sum)) in total.iter().enumerate() {
            let expect: f64 = fake.iter().map(|(_, pts)| pts[i].1).sum();
            assert_eq!(*t, fake[0].1[i].0);
            assert!((sum - expect).abs() <= 1e-9 * expect.max(1.0), "{key}");
        }
    }
}

/// `until 2026-01-01T00:00:00Z` in the header → Unix seconds.
fn header_end(text: &str) -> f64 {
    let first = text.lines().next().unwrap();
    let ts = first
        .split(" until ")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    ts.parse::<jiff::Timestamp>().unwrap().as_second() as f64
}

#[test]
fn table_shows_every_pod_with_the_fake_values() {
    let env = plain_env();
    web(&env, "3");
    let url = prom_url(&env);
    let out = env.ok([
        "monitor",
        "web",
        "--prometheus",
        &url,
        "--range",
        "30m",
        "--top",
        "2",
    ]);
    assert!(out.starts_with("statefulset web: last 30m until "), "{out}");
    assert!(
        out.lines()
            .next()
            .unwrap()
            .ends_with(&format!(", step 1m (Prometheus {url})")),
        "{out}"
    );
    let end = header_end(&out);
    let rows: Vec<Vec<&str>> = out
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let qs = queries(3);
    let mut lasts = vec![vec![0.0; 3]; 4];
    for (mi, (m, _, q)) in qs.iter().enumerate() {
        let fake = fake_series(&env, q, end - 1800.0, end, 60);
        for (i, (pod, pts)) in fake.iter().enumerate() {
            let last = pts.last().unwrap().1;
            lasts[mi][i] = last;
            let row = rows
                .iter()
                .find(|r| r.first() == Some(&pod.as_str()))
                .unwrap();
            // POD, then per metric: the value and its sparkline.
            assert_eq!(row[1 + 2 * mi], m.format(last), "{pod} {m:?}\n{out}");
            assert_eq!(row[2 + 2 * mi].chars().count(), 16, "{out}");
        }
    }
    let total = rows.iter().find(|r| r.first() == Some(&"TOTAL")).unwrap();
    assert_eq!(total[1], "(web)");
    assert_eq!(total[2], Metric::Cpu.format(lasts[0].iter().sum()), "{out}");
    assert_eq!(
        total[4],
        Metric::Memory.format(lasts[1].iter().sum()),
        "{out}"
    );
    let mut by_cpu: Vec<(usize, f64)> = lasts[0].iter().copied().enumerate().collect();
    by_cpu.sort_by(|a, b| b.1.total_cmp(&a.1));
    let top: Vec<String> = by_cpu[..2]
        .iter()
        .map(|(i, c)| format!("web-{i} {}", Metric::Cpu.format(*c)))
        .collect();
    assert!(
        out.contains(&format!("Top 2 by CPU: {}\n", top.join(", "))),
        "{out}"
    );
}

#[test]
fn env_var_is_the_default_url_and_one_refresh_is_six_requests() {
    let env = plain_env();
    web(&env, "2");
    env.sim.clear_requests();
    let out = env
        .cmd(["top", "web", "--range", "2h", "--step", "5m"])
        .env("KUBECTL_STATEFULSET_PROMETHEUS", prom_url(&env))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.starts_with("statefulset web: last 2h until "),
        "{text}"
    );
    assert!(text.contains(", step 5m (Prometheus "), "{text}");
    assert!(text.lines().any(|l| l.starts_with("web-1 ")), "{text}");
    let reqs = env.sim.requests();
    let pod_lists = reqs
        .iter()
        .filter(|r| r.path == "/api/v1/namespaces/default/pods")
        .count();
    let prom: Vec<_> = reqs
        .iter()
        .filter(|r| r.path == "/_sim/prometheus/api/v1/query_range")
        .collect();
    // The set (its UID owns the pods) with the pods, then the four queries.
    assert_eq!((pod_lists, prom.len(), reqs.len()), (1, 4, 6), "{reqs:#?}");
    let mut got: Vec<String> = prom.iter().map(|r| r.param("query").unwrap()).collect();
    let mut want: Vec<String> = queries(2).into_iter().map(|q| q.2).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    for r in &prom {
        assert_eq!(r.param("step").as_deref(), Some("300"));
        let s: f64 = r.param("start").unwrap().parse().unwrap();
        let e: f64 = r.param("end").unwrap().parse().unwrap();
        assert_eq!(e - s, 7200.0);
        assert_eq!(r.status, 200);
    }
}

#[test]
fn watch_follows_the_pods_and_refreshes_with_four_queries() {
    let env = plain_env();
    web(&env, "1");
    env.sim.clear_requests();
    let url = prom_url(&env);
    let mut child = env
        .std_cmd([
            "top",
            "web",
            "--prometheus",
            &url,
            "--watch",
            "--interval",
            "200ms",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let mut headers = 0;
    let deadline = Instant::now() + Duration::from_secs(60);
    for line in BufReader::new(out).lines() {
        let line = line.unwrap();
        if line.starts_with("statefulset web: last 1h until ") {
            headers += 1;
        }
        if headers >= 3 || Instant::now() > deadline {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(headers >= 3, "only {headers} refreshes");
    // The set's GET, one list and one watch of its pods (the follow stream), then four range
    // queries per refresh: Prometheus has no watch.
    let reqs = env.sim.requests();
    let pods = reqs
        .iter()
        .filter(|r| r.path == "/api/v1/namespaces/default/pods")
        .count();
    let sts = reqs
        .iter()
        .filter(|r| r.path == "/apis/apps/v1/namespaces/default/statefulsets/web")
        .count();
    let prom = reqs
        .iter()
        .filter(|r| r.path == "/_sim/prometheus/api/v1/query_range")
        .count();
    assert_eq!((pods, sts), (2, 1), "{reqs:#?}");
    assert_eq!(3 + prom, reqs.len(), "{reqs:#?}");
    // The last refresh may have been cut short by the kill.
    assert!(
        prom >= 4 * 3 && prom <= 4 * (headers + 1),
        "{headers} refreshes, {prom} range queries"
    );
}

#[test]
fn range_without_a_url_names_the_flag_and_the_env_var() {
    let env = plain_env();
    for args in [
        ["top", "web", "--range", "1h"],
        ["top", "web", "--step", "1m"],
    ] {
        let o = env.run(args);
        assert_ne!(o.code, 0);
        assert!(
            o.stderr.contains("--prometheus")
                && o.stderr.contains("KUBECTL_STATEFULSET_PROMETHEUS"),
            "{}",
            o.stderr
        );
    }
    let o = env.run([
        "top",
        "web",
        "--prometheus",
        "http://127.0.0.1:9",
        "--range",
        "8d",
    ]);
    assert_ne!(o.code, 0);
    assert!(o.stderr.contains("from 10m to 7d"), "{}", o.stderr);
    // Nothing was asked of anyone.
    assert!(env.sim.requests().is_empty(), "{:#?}", env.sim.requests());
}

#[test]
fn unreachable_prometheus_is_one_clear_line() {
    let env = plain_env();
    web(&env, "1");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let o = env.run(["top", "web", "--prometheus", &url]);
    assert_ne!(o.code, 0);
    assert_eq!(
        o.stderr.trim(),
        format!("error: prometheus at {url}: connection refused")
    );
    assert!(o.stdout.is_empty(), "{}", o.stdout);
}

/// A server answering every request with `status` and `body`, counting them.
fn fake_server(status: &'static str, body: &'static str) -> (String, Arc<AtomicUsize>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let c = count.clone();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { break };
            c.fetch_add(1, Ordering::SeqCst);
            let mut reader = BufReader::new(s.try_clone().unwrap());
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line != "\r\n" {
                line.clear();
            }
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, count)
}

#[test]
fn a_prometheus_error_surfaces_its_message() {
    let env = plain_env();
    web(&env, "1");
    let (url, count) = fake_server(
        "422 Unprocessable Entity",
        r#"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}"#,
    );
    let o = env.run(["top", "web", "--prometheus", &url, "--range", "7d"]);
    assert_ne!(o.code, 0);
    assert_eq!(
        o.stderr.trim(),
        format!("error: prometheus at {url}: execution: query processing would load too many samples into memory in query execution")
    );
    assert!(count.load(Ordering::SeqCst) >= 1);
    // Not Prometheus at all: said so.
    let (url, _) = fake_server("404 Not Found", "404 page not found");
    let o = env.run(["top", "web", "--prometheus", &url]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr.contains(&format!(
            "prometheus at {url}: HTTP 404: 404 page not found (is this the Prometheus base URL?)"
        )),
        "{}",
        o.stderr
    );
}

#[test]
fn an_untrusted_https_certificate_is_refused() {
    // The TLS simulator's certificate comes from its own CA, which the plugin does not trust
    // for Prometheus.
    let env = TestEnv::new();
    web(&env, "1");
    let url = prom_url(&env);
    assert!(url.starts_with("https://"));
    let o = env.run(["top", "web", "--prometheus", &url]);
    assert_ne!(o.code, 0);
    assert!(
        o.stderr
            .starts_with(&format!("error: prometheus at {url}: TLS failed")),
        "{}",
        o.stderr
    );
    assert_eq!(o.stderr.trim().lines().count(), 1, "{}", o.stderr);
}
