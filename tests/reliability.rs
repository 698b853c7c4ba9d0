//! Reliability under injected faults: reads (GET/LIST) are retried with backoff on 5xx, 429
//! (honouring Retry-After) and connection resets, within --request-timeout; writes are never
//! repeated, and a failed `create` leaves nothing half-done.

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
fn list_waits_for_retry_after_on_429() {
    let env = env_with_web();
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets",
        FaultAction::TooManyRequests { retry_after: 1 },
        1,
    ));
    let start = Instant::now();
    let o = env.run(["list"]);
    let took = start.elapsed();
    assert_eq!(o.code, 0, "{}", show(&o));
    assert!(o.stdout.contains("web"), "{}", o.stdout);
    // Retry-After: 1 was honoured (a lower bound, not a benchmark)
    assert!(took >= Duration::from_millis(950), "{took:?}");
    let codes: Vec<u16> = matching(&env, "GET", "/statefulsets")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(codes, vec![429, 200]);
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
fn get_survives_a_connection_reset() {
    let env = env_with_web();
    env.sim.add_fault(FaultRule::new(
        Some("GET"),
        "/statefulsets/web",
        FaultAction::ResetConnection,
        1,
    ));
    let o = env.run(["get", "web"]);
    assert_eq!(o.code, 0, "{}", show(&o));
    let codes: Vec<u16> = matching(&env, "GET", "/statefulsets/web")
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(&codes[..2], &[0, 200], "{codes:?}");
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

#[test]
fn a_failed_write_is_not_repeated_and_create_leaves_nothing_behind() {
    let env = TestEnv::new();
    // the real (non-dry-run) StatefulSet POST fails with 500
    env.sim.add_fault(FaultRule::new(
        Some("POST"),
        "statefulsets?&fieldManager",
        FaultAction::InternalError,
        1,
    ));
    let o = env.run(["create", "web", "--image", "nginx"]);
    assert_eq!(o.code, 1, "{}", show(&o));
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    let real_posts: Vec<_> = matching(&env, "POST", "/statefulsets")
        .into_iter()
        .filter(|r| r.param("dryRun").is_none())
        .collect();
    assert_eq!(real_posts.len(), 1, "a write must never be repeated");
    assert!(env.sts("default", "web").is_none());
    assert!(env.svc("default", "web").is_none(), "orphan Service left");
}

#[test]
fn a_reset_during_a_write_is_reported_not_retried() {
    let env = TestEnv::new();
    env.sim.add_fault(FaultRule::new(
        Some("POST"),
        "services?&fieldManager",
        FaultAction::ResetConnection,
        1,
    ));
    let o = env.run(["create", "web", "--image", "nginx"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    let real_posts: Vec<_> = matching(&env, "POST", "/services")
        .into_iter()
        .filter(|r| r.param("dryRun").is_none())
        .collect();
    assert_eq!(real_posts.len(), 1, "a write must never be repeated");
    assert!(env.sts("default", "web").is_none());
    assert!(env.svc("default", "web").is_none());
}

#[test]
fn a_failed_scale_patch_is_sent_once() {
    let env = env_with_web();
    if env.run(["scale", "--help"]).code != 0 {
        eprintln!("skipping: scale is not available");
        return;
    }
    env.sim.add_fault(FaultRule::new(
        Some("PATCH"),
        "/scale",
        FaultAction::InternalError,
        1,
    ));
    let o = env.run(["scale", "web", "2", "--yes"]);
    assert_ne!(o.code, 0, "{}", show(&o));
    assert!(o.stderr.starts_with("error: "), "{}", o.stderr);
    assert_eq!(matching(&env, "PATCH", "/scale").len(), 1);
    assert_eq!(
        env.sts("default", "web").unwrap()["spec"]["replicas"].as_i64(),
        Some(1)
    );
}
