//! pods/log and metrics of simulated containers.

use kube_sim::controller::logs::{stream, LogOptions};
use kube_sim::resources::{NODE_METRICS, PODS, POD_METRICS};
use kube_sim::{KubeSim, SimOptions};
use serde_json::{json, Value};
use std::time::Duration;

fn sim(speed: f64) -> KubeSim {
    KubeSim::start(SimOptions {
        speed,
        ..Default::default()
    })
    .expect("simulator starts")
}

fn read_all(s: &KubeSim, name: &str, o: LogOptions) -> Result<String, kube_sim::errors::ApiError> {
    let c = s.cluster();
    let name = name.to_string();
    s.runtime().block_on(async move {
        let mut rx = stream(c, "default", &name, o)?;
        let mut out = Vec::new();
        while let Some(b) = rx.recv().await {
            out.extend_from_slice(&b);
        }
        Ok(String::from_utf8(out).unwrap())
    })
}

fn running(s: &KubeSim, name: &str) -> bool {
    s.cluster()
        .get(&PODS, Some("default"), name)
        .is_ok_and(|p| p["status"]["phase"] == "Running")
}

fn opts(c: &str) -> LogOptions {
    LogOptions {
        container: Some(c.into()),
        ..Default::default()
    }
}

#[test]
fn kubelet_logs_options_and_errors() {
    let s = sim(20.0);
    s.create(
        &PODS,
        "default",
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0"},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}, {"name": "side", "image": "busybox:1"}]}}),
    )
    .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| running(&s, "web-0")));
    // 20x: ~30 simulated seconds of output.
    std::thread::sleep(Duration::from_millis(1500));
    let all = read_all(&s, "web-0", opts("nginx")).unwrap();
    let n = all.lines().count();
    assert!(n >= 20, "{n} lines: {all}");
    assert!(all
        .lines()
        .next()
        .unwrap()
        .contains("[web-0/nginx] starting (instance 0)"));
    // Deterministic: the same prefix on a second read.
    let again = read_all(&s, "web-0", opts("nginx")).unwrap();
    assert!(again.starts_with(&all));
    let side = read_all(&s, "web-0", opts("side")).unwrap();
    assert!(side.contains("[web-0/side]"));
    assert_ne!(side.lines().nth(1), all.lines().nth(1));

    let tail = read_all(
        &s,
        "web-0",
        LogOptions {
            tail_lines: Some(5),
            ..opts("nginx")
        },
    )
    .unwrap();
    assert_eq!(tail.lines().count(), 5);
    let since = read_all(
        &s,
        "web-0",
        LogOptions {
            since_seconds: Some(5),
            ..opts("nginx")
        },
    )
    .unwrap();
    assert!((3..=7).contains(&since.lines().count()), "{since}");
    let ts = read_all(
        &s,
        "web-0",
        LogOptions {
            timestamps: true,
            tail_lines: Some(1),
            ..opts("nginx")
        },
    )
    .unwrap();
    let (stamp, _) = ts.split_once(' ').unwrap();
    assert!(kube_sim::clock::parse_time(stamp).is_some(), "{ts}");
    let lim = read_all(
        &s,
        "web-0",
        LogOptions {
            limit_bytes: Some(7),
            ..opts("nginx")
        },
    )
    .unwrap();
    assert_eq!(lim.len(), 7);

    let e = read_all(&s, "web-0", LogOptions::default()).unwrap_err();
    assert_eq!(e.code, 400);
    assert_eq!(
        e.message,
        "a container name must be specified for pod web-0, choose one of: [nginx side]"
    );
    let e = read_all(&s, "web-0", opts("nope")).unwrap_err();
    assert_eq!(e.message, "container nope is not valid for pod web-0");
    let e = read_all(
        &s,
        "web-0",
        LogOptions {
            previous: true,
            ..opts("nginx")
        },
    )
    .unwrap_err();
    assert_eq!(
        e.message,
        "previous terminated container \"nginx\" in pod \"web-0\" not found"
    );
    let e = read_all(
        &s,
        "web-0",
        LogOptions {
            since_seconds: Some(1),
            since_time: Some("2025-01-01T00:00:00Z".into()),
            ..opts("nginx")
        },
    )
    .unwrap_err();
    assert!(e
        .message
        .contains("at most one of `sinceTime` or `sinceSeconds` may be specified"));
}

#[test]
fn kubelet_logs_follow_streams_new_lines_and_previous_after_crash() {
    let s = sim(20.0);
    s.create(
        &PODS,
        "default",
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "crashy"},
            "spec": {"containers": [{"name": "app", "image": "example/crash:1"}]}}),
    )
    .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| running(&s, "crashy")));
    // Follow the first instance: it ends when the container exits (2 s simulated).
    let followed = read_all(
        &s,
        "crashy",
        LogOptions {
            follow: true,
            ..opts("app")
        },
    )
    .unwrap();
    assert!(followed.contains("exiting with code 1"), "{followed}");
    assert!(s.wait_until(Duration::from_secs(5), |c| {
        c.get(&PODS, Some("default"), "crashy").is_ok_and(|p| {
            p["status"]["containerStatuses"][0]["lastState"]["terminated"].is_object()
        })
    }));
    let prev = read_all(
        &s,
        "crashy",
        LogOptions {
            previous: true,
            ..opts("app")
        },
    )
    .unwrap();
    assert!(
        prev.lines().last().unwrap().contains("exiting with code 1"),
        "{prev}"
    );
    assert!(prev.contains("(instance 0)"));
}

#[test]
fn kubelet_logs_follow_many_pods() {
    let s = sim(10.0);
    for i in 0..100 {
        s.create(
            &PODS,
            "default",
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": format!("f-{i}")},
                "spec": {"containers": [{"name": "c", "image": "nginx:1.25"}]}}),
        )
        .unwrap();
    }
    assert!(s.wait_until(Duration::from_secs(10), |c| {
        c.list_items(&PODS, Some("default"), None)
            .iter()
            .all(|p| p["status"]["phase"] == "Running")
    }));
    let c = s.cluster();
    let counts: Vec<usize> = s.runtime().block_on(async move {
        let mut rxs = Vec::new();
        for i in 0..100 {
            rxs.push(
                stream(
                    c.clone(),
                    "default",
                    &format!("f-{i}"),
                    LogOptions {
                        follow: true,
                        tail_lines: Some(0),
                        ..opts("c")
                    },
                )
                .unwrap(),
            );
        }
        // 1 s real = 10 s simulated: each stream should deliver ~10 lines.
        let deadline = tokio::time::Instant::now() + Duration::from_millis(1000);
        let mut counts = vec![0usize; rxs.len()];
        for (i, rx) in rxs.iter_mut().enumerate() {
            while let Ok(Some(b)) = tokio::time::timeout_at(deadline, rx.recv()).await {
                counts[i] += b.iter().filter(|c| **c == b'\n').count();
            }
        }
        counts
    });
    let min = *counts.iter().min().unwrap();
    assert!(min >= 6, "{counts:?}");
}

#[test]
fn kubelet_metrics_are_deterministic_and_served() {
    let s = sim(10.0);
    s.create(
        &PODS,
        "default",
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "m"},
            "spec": {"containers": [{"name": "c", "image": "nginx:1.25", "resources": {"limits": {"cpu": "5m"}}}]}}),
    )
    .unwrap();
    assert!(s.wait_until(Duration::from_secs(5), |_| running(&s, "m")));
    let c = s.cluster();
    let m: Value = c.get(&POD_METRICS, Some("default"), "m").unwrap();
    assert_eq!(m["kind"], "PodMetrics");
    assert_eq!(m["window"], "15s");
    let cpu = m["containers"][0]["usage"]["cpu"].as_str().unwrap();
    let nanos: f64 = cpu.trim_end_matches('n').parse().unwrap();
    assert!(nanos <= 5_000_000.0, "{cpu}");
    let pod = c.get(&PODS, Some("default"), "m").unwrap();
    let now = s.clock().now();
    assert_eq!(
        kube_sim::controller::metrics::pod_metrics(&pod, now).unwrap()["containers"],
        kube_sim::controller::metrics::pod_metrics(&pod, now).unwrap()["containers"]
    );
    let node = pod["spec"]["nodeName"].as_str().unwrap();
    let nm = c.get(&NODE_METRICS, None, node).unwrap();
    assert_eq!(nm["kind"], "NodeMetrics");
    assert!(nm["usage"]["memory"].as_str().unwrap().ends_with("Ki"));
}
