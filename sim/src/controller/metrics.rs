//! Deterministic PodMetrics and NodeMetrics for metrics.k8s.io/v1beta1, as metrics-server
//! serves them (sigs.k8s.io/metrics-server pkg/api/pod.go, node.go): usage per container, cpu
//! in nanocores, memory in Ki, a `window`, and a `timestamp` of the scrape. Values are pure
//! functions of (pod, container, 15 s time bucket) so tests can predict them, and stay within
//! the container's limits when it has any.
//! Also home of the small shared helpers: a stable hash and resource.Quantity parsing.

use crate::clock::format_time;
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

/// The scrape window metrics-server reports.
pub const WINDOW: &str = "15s";
const BUCKET_SECS: i64 = 15;

/// FNV-1a 64 over the parts (separated), then a splitmix64 finaliser: stable across runs.
pub fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    mix(h)
}

pub fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e3779b97f4a7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

/// 64 lowercase hex digits derived from the parts (container IDs, image digests).
pub fn hex64(parts: &[&str]) -> String {
    let mut h = hash(parts);
    let mut s = String::with_capacity(64);
    for _ in 0..4 {
        s.push_str(&format!("{h:016x}"));
        h = mix(h);
    }
    s
}

/// Parse a resource.Quantity string into base units (cores, bytes): `500m`, `1.5`, `128Mi`,
/// `1G`, `1e3`, `100n`. None when unparsable.
pub fn parse_quantity(q: &str) -> Option<f64> {
    kube_units::Quantity::parse(q.trim())
        .ok()
        .map(|q| q.value())
}

/// A quantity from a JSON value (string or number).
pub fn quantity_of(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => parse_quantity(s),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

fn bucket(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(BUCKET_SECS)
}

/// Usage of one container: (nanocores, bytes).
pub fn container_usage(
    pod: &str,
    container: &str,
    limits: &Value,
    now: DateTime<Utc>,
) -> (u64, u64) {
    let b = bucket(now).to_string();
    let base = hash(&[pod, container]);
    let var = hash(&[pod, container, &b]);
    // cpu: a per-container base of 1..40 millicores, varying by up to ±50% per bucket.
    let base_cpu = 1_000_000 + (base % 39_000_000);
    let factor = 0.5 + (var % 1000) as f64 / 1000.0;
    let mut cpu = (base_cpu as f64 * factor) as u64;
    // memory: a base of 4..68 MiB, varying by up to ±10% per bucket.
    let base_mem = (4u64 << 20) + ((base >> 32) % (64u64 << 20));
    let mfac = 0.9 + ((var >> 20) % 200) as f64 / 1000.0;
    let mut mem = (base_mem as f64 * mfac) as u64;
    if let Some(l) = quantity_of(&limits["cpu"]) {
        let cap = (l * 1e9 * 0.95) as u64;
        if cpu > cap {
            cpu = cap.max(1);
        }
    }
    if let Some(l) = quantity_of(&limits["memory"]) {
        let cap = (l * 0.95) as u64;
        if mem > cap {
            mem = cap.max(1024);
        }
    }
    (cpu, mem)
}

fn ki(bytes: u64) -> String {
    format!("{}Ki", bytes / 1024)
}

/// The PodMetrics of a running pod (None while it has no running containers).
pub fn pod_metrics(pod: &Value, now: DateTime<Utc>) -> Option<Value> {
    let name = pod["metadata"]["name"].as_str()?;
    let running: Vec<&str> = pod["status"]["containerStatuses"]
        .as_array()?
        .iter()
        .filter(|c| c["state"]["running"].is_object())
        .filter_map(|c| c["name"].as_str())
        .collect();
    if running.is_empty() || pod["metadata"]["deletionTimestamp"].is_string() {
        return None;
    }
    // Running sidecars (restartable init containers) are containers of the pod's cgroup too.
    let running_sidecars: Vec<&str> = pod["status"]["initContainerStatuses"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["state"]["running"].is_object())
        .filter_map(|c| c["name"].as_str())
        .collect();
    let empty = json!({});
    let sidecars = pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| running_sidecars.contains(&c["name"].as_str().unwrap_or_default()));
    let containers: Vec<Value> = pod["spec"]["containers"]
        .as_array()
        .map(|v| v.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|c| running.contains(&c["name"].as_str().unwrap_or_default()))
        .chain(sidecars)
        .map(|c| {
            let cname = c["name"].as_str().unwrap_or_default();
            let limits = c["resources"].get("limits").unwrap_or(&empty);
            let (cpu, mem) = container_usage(name, cname, limits, now);
            json!({"name": cname, "usage": {"cpu": format!("{cpu}n"), "memory": ki(mem)}})
        })
        .collect();
    let mut meta = json!({
        "name": name,
        "namespace": pod["metadata"]["namespace"],
        "creationTimestamp": format_time(now),
    });
    if let Some(l) = pod["metadata"].get("labels") {
        meta["labels"] = l.clone();
    }
    Some(json!({
        "kind": "PodMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": meta,
        "timestamp": format_time(scrape_time(now)),
        "window": WINDOW,
        "containers": containers,
    }))
}

/// The time of the last scrape: the start of the current bucket.
fn scrape_time(now: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(bucket(now) * BUCKET_SECS, 0).unwrap_or(now)
}

/// The NodeMetrics of a node given the pods running on it.
pub fn node_metrics(node: &Value, pods: &[Value], now: DateTime<Utc>) -> Value {
    let name = node["metadata"]["name"].as_str().unwrap_or_default();
    let b = bucket(now).to_string();
    let var = hash(&[name, &b]);
    // System daemons: ~100-160 millicores and ~1.0-1.2 GiB.
    let mut cpu: u64 = 100_000_000 + var % 60_000_000;
    let mut mem: u64 = (1u64 << 30) + (var >> 24) % (200u64 << 20);
    for p in pods {
        if p["spec"]["nodeName"].as_str() != Some(name) {
            continue;
        }
        if let Some(m) = pod_metrics(p, now) {
            for c in m["containers"].as_array().into_iter().flatten() {
                cpu += quantity_of(&c["usage"]["cpu"])
                    .map(|v| (v * 1e9) as u64)
                    .unwrap_or(0);
                mem += quantity_of(&c["usage"]["memory"])
                    .map(|v| v as u64)
                    .unwrap_or(0);
            }
        }
    }
    let mut meta = json!({"name": name, "creationTimestamp": format_time(now)});
    if let Some(l) = node["metadata"].get("labels") {
        meta["labels"] = l.clone();
    }
    json!({
        "kind": "NodeMetrics",
        "apiVersion": "metrics.k8s.io/v1beta1",
        "metadata": meta,
        "timestamp": format_time(scrape_time(now)),
        "window": WINDOW,
        "usage": {"cpu": format!("{cpu}n"), "memory": ki(mem)},
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_time;

    fn pod(limits: Value) -> Value {
        json!({
            "metadata": {"name": "web-0", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"nodeName": "sim-node-1", "containers": [
                {"name": "nginx", "image": "nginx", "resources": {"limits": limits}},
                {"name": "side", "image": "busybox"}]},
            "status": {"containerStatuses": [
                {"name": "nginx", "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}},
                {"name": "side", "state": {"waiting": {"reason": "ContainerCreating"}}}]}
        })
    }

    #[test]
    fn quantities_parse() {
        assert_eq!(parse_quantity("500m"), Some(0.5));
        assert_eq!(parse_quantity("2"), Some(2.0));
        assert_eq!(parse_quantity("128Mi"), Some(134217728.0));
        assert_eq!(parse_quantity("1G"), Some(1e9));
        assert_eq!(parse_quantity("1e3"), Some(1000.0));
        assert_eq!(parse_quantity("x"), None);
    }

    #[test]
    fn pod_metrics_deterministic_and_varying() {
        let t0 = parse_time("2025-01-01T00:00:00Z").unwrap();
        let a = pod_metrics(&pod(json!({})), t0).unwrap();
        let b = pod_metrics(&pod(json!({})), t0 + chrono::Duration::seconds(3)).unwrap();
        assert_eq!(a["containers"], b["containers"], "same bucket, same values");
        assert_eq!(a["window"], "15s");
        assert_eq!(a["metadata"]["labels"]["app"], "web");
        // only the running container
        assert_eq!(a["containers"].as_array().unwrap().len(), 1);
        // and a running sidecar (a restartable init container)
        let mut with_sidecar = pod(json!({}));
        with_sidecar["spec"]["initContainers"] = json!([
            {"name": "proxy", "restartPolicy": "Always"}, {"name": "setup"}]);
        with_sidecar["status"]["initContainerStatuses"] = json!([
            {"name": "proxy", "state": {"running": {"startedAt": "2025-01-01T00:00:00Z"}}},
            {"name": "setup", "state": {"terminated": {"exitCode": 0}}}]);
        let m = pod_metrics(&with_sidecar, t0).unwrap();
        let names: Vec<&str> = m["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["nginx", "proxy"]);
        let series: Vec<Value> = (0..10)
            .map(|i| {
                pod_metrics(&pod(json!({})), t0 + chrono::Duration::seconds(15 * i)).unwrap()
                    ["containers"][0]["usage"]["cpu"]
                    .clone()
            })
            .collect();
        let distinct: std::collections::HashSet<String> =
            series.iter().map(|v| v.to_string()).collect();
        assert!(distinct.len() > 5, "{series:?}");
        let cpu = a["containers"][0]["usage"]["cpu"].as_str().unwrap();
        assert!(cpu.ends_with('n'));
        assert!(a["containers"][0]["usage"]["memory"]
            .as_str()
            .unwrap()
            .ends_with("Ki"));
    }

    #[test]
    fn usage_respects_limits() {
        let t0 = parse_time("2025-01-01T00:00:00Z").unwrap();
        for i in 0..20 {
            let m = pod_metrics(
                &pod(json!({"cpu": "1m", "memory": "2Mi"})),
                t0 + chrono::Duration::seconds(15 * i),
            )
            .unwrap();
            let cpu = quantity_of(&m["containers"][0]["usage"]["cpu"]).unwrap();
            let mem = quantity_of(&m["containers"][0]["usage"]["memory"]).unwrap();
            assert!(cpu <= 0.001, "{cpu}");
            assert!(mem <= 2.0 * 1024.0 * 1024.0, "{mem}");
        }
    }

    #[test]
    fn no_metrics_without_running_containers() {
        let mut p = pod(json!({}));
        p["status"]["containerStatuses"][0]["state"] = json!({"waiting": {}});
        assert!(pod_metrics(&p, Utc::now()).is_none());
    }

    #[test]
    fn node_metrics_sum_pods() {
        let t0 = parse_time("2025-01-01T00:00:00Z").unwrap();
        let node = json!({"metadata": {"name": "sim-node-1"}});
        let empty = node_metrics(&node, &[], t0);
        let with = node_metrics(&node, &[pod(json!({}))], t0);
        let e = quantity_of(&empty["usage"]["cpu"]).unwrap();
        let w = quantity_of(&with["usage"]["cpu"]).unwrap();
        assert!(w > e);
        assert_eq!(with["kind"], "NodeMetrics");
    }
}
