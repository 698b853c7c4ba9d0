//! Reliability under injected faults, beyond the one-fault cells of tests/fault_matrix.rs
//! (which covers every command × {500, 429 with Retry-After, 503, reset} on reads and writes):
//! repeated faults (-v shows the retries), the retry bound, and --request-timeout bounding all
//! attempts.

mod common;

use common::{Output, TestEnv};
use kube_sim::server::{FaultAction, FaultRule, RequestRecord};
use std::time::{Duration, Instant};

const WEB: &str = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: web, namespace: default}\nspec:\n  serviceName: web\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: nginx, image: nginx:1.25}]}\n";

fn show(o: &Output) -> String {
    format!(
        "exit {}\nstdout:\n{}\nstderr:\n{}",
        o.code, o.stdout, o.stderr
    )
}

fn matching(env: &TestEnv, method: &str, path_suffix: &str) -> Vec<RequestRecord> {
    env.sim
        .requests()
        .into_iter()
        .filter(|r| r.method == method && r.path.ends_with(path_suffix))
        .collect()
}

fn env_with_web() -> TestEnv {
    let env = TestEnv::new();
    env.sim.apply_yaml(WEB).unwrap();
    env.sim.clear_requests();
    env
}

#[test]
fn get_succeeds_after_two_500s() {
    let env = env_with_web();
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets/web",
        FaultAction::InternalError,
        2,
    ));
    let o = env.run(["get", "web", "-v"]);
    assert_eq!(o.code, 0, "{}", show(&o));
    assert!(o.stdout.contains("web"), "{}", o.stdout);
    let gets = matching(&env, "GET", "/statefulsets/web");
    let codes: Vec<u16> = gets.iter().map(|r| r.status).collect();
    assert_eq!(&codes[..3], &[500, 500, 200], "{codes:?}");
    assert!(
        o.stderr.contains("retrying"),
        "-v shows retries: {}",
        o.stderr
    );
}

#[test]
fn retries_stay_within_request_timeout() {
    let env = env_with_web();
    // a huge Retry-After (capped by the client) and a short --request-timeout: the timeout wins
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets",
        FaultAction::TooManyRequests { retry_after: 3600 },
        100,
    ));
    let start = Instant::now();
    let o = env.run(["list", "--request-timeout", "1s"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    assert!(o.stderr.contains("timed out"), "{}", o.stderr);
}

#[test]
fn a_persistent_503_gives_up_with_a_clear_error() {
    let env = env_with_web();
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets/web",
        FaultAction::ServiceUnavailable,
        100,
    ));
    let o = env.run(["get", "web"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
    // one attempt plus a bounded number of retries
    let n = matching(&env, "GET", "/statefulsets/web").len();
    assert_eq!(n, 5, "1 attempt + 4 retries, got {n}");
}
