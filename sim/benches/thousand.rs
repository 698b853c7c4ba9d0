//! Benchmark (not a test): the simulator's scale targets from the test-cluster issue.
//!
//! - a 1,000-replica Parallel StatefulSet becomes fully ready at default speed (target < 5 s);
//! - a LIST of its 1,000 pods over HTTP answers quickly (target < 50 ms, median of 20).
//!
//! Run with `cargo bench -p kube-sim --bench thousand` (an optimised build). It prints a
//! Markdown table; nothing here is asserted.

use kube_sim::{KubeSim, SimOptions};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const STS: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: big, namespace: default}
spec:
  replicas: 1000
  podManagementPolicy: Parallel
  serviceName: big
  selector: {matchLabels: {app: big}}
  template:
    metadata: {labels: {app: big}}
    spec:
      containers: [{name: app, image: "nginx:1.25"}]
"#;

/// One plain HTTP/1.1 GET with `Connection: close`; returns (status line, body bytes, time).
fn http_get(base: &str, path: &str) -> (String, usize, Duration) {
    let addr = base.trim_start_matches("http://");
    let t = Instant::now();
    let mut s = TcpStream::connect(addr).expect("connect");
    write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\nConnection: close\r\n\r\n").unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let took = t.elapsed();
    let text = String::from_utf8_lossy(&buf);
    let status = text.lines().next().unwrap_or_default().to_string();
    (status, buf.len(), took)
}

fn main() {
    let sim = KubeSim::start(SimOptions::default()).expect("start the simulator");
    let t0 = Instant::now();
    sim.apply_yaml(STS).expect("create the StatefulSet");
    let ready = sim.wait_until(Duration::from_secs(120), |c| {
        c.get(&kube_sim::resources::STATEFULSETS, Some("default"), "big")
            .ok()
            .and_then(|s| s["status"]["readyReplicas"].as_i64())
            == Some(1000)
    });
    let to_ready = t0.elapsed();

    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..20 {
        let (status, bytes, took) = http_get(
            sim.base_url(),
            "/api/v1/namespaces/default/pods?labelSelector=app%3Dbig",
        );
        assert!(status.contains("200"), "LIST failed: {status}");
        size = bytes;
        times.push(took);
    }
    times.sort();
    let median = times[times.len() / 2];

    println!("| measure | value | target | met |");
    println!("|---|---|---|---|");
    println!(
        "| 1,000-replica Parallel StatefulSet fully ready (speed 1) | {} | < 5 s | {} |",
        if ready {
            format!("{:.2} s", to_ready.as_secs_f64())
        } else {
            "not ready in 120 s".into()
        },
        if ready && to_ready < Duration::from_secs(5) {
            "yes"
        } else {
            "no"
        }
    );
    println!(
        "| LIST of its 1,000 pods over HTTP (median of 20, {} KiB) | {:.1} ms | < 50 ms | {} |",
        size / 1024,
        median.as_secs_f64() * 1000.0,
        if median < Duration::from_millis(50) {
            "yes"
        } else {
            "no"
        }
    );
}
