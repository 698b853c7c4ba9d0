//! A stand-in Prometheus at `/_sim/prometheus` (`GET|POST /_sim/prometheus/api/v1/query_range`
//! and `/api/v1/query`), so `kubectl statefulset top --prometheus` can be tested and tried in
//! the playground. It answers ONLY the query shapes the plugin makes, in the response format of
//! Prometheus's HTTP API (prometheus/prometheus web/api/v1/api.go: `{"status":"success","data":
//! {"resultType":"matrix","result":[{"metric":{..},"values":[[t,"v"],..]}]}}`, and
//! `{"status":"error","errorType":"bad_data","error":..}` with 400 for a bad parameter):
//!
//! ```text
//! sum by (pod) (rate(container_cpu_usage_seconds_total{MATCHERS}[5m]))
//! sum by (pod) (container_memory_working_set_bytes{MATCHERS})
//! sum by (pod) (rate(container_network_receive_bytes_total{MATCHERS}[5m]))
//! sum by (pod) (rate(container_network_transmit_bytes_total{MATCHERS}[5m]))
//! ```
//!
//! MATCHERS are `label="v"`, `!=`, `=~` and `!~` on namespace, pod, container (and interface);
//! a regex may only be an alternation of literal names (`web-0|web-1`, escapes allowed).
//!
//! The series are those the kubelet's cAdvisor exposes (per container, plus the pod cgroup
//! with `container=""` and the pause container `container="POD"`; network per pod with
//! `interface="eth0"`), computed from the same model as PodMetrics
//! (`controller::metrics::pod_metrics`): at any instant the summed CPU and memory of a pod's
//! containers equal what metrics.k8s.io reports at that instant. Network rates are
//! deterministic per pod and 15 s bucket. As in a real Prometheus, a series has samples from
//! the first 15 s scrape after its pod (cgroup, pause, network) or container started, and a
//! `rate()` from the second one; there is no sample after the simulated now.
//! Simplifications: only the pods that exist now have series, and a container's history is
//! that of its current instance.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use crate::controller::metrics::{hash, pod_metrics, quantity_of};

/// Prometheus's limit on points per series (web/api/v1/api.go queryRange).
const MAX_POINTS: i64 = 11_000;
/// Usage of the pause container: cores and bytes.
const PAUSE_CPU: f64 = 0.0001;
const PAUSE_MEM: f64 = 524_288.0;

/// The answer to `GET /_sim/prometheus/<rest>`: HTTP status and JSON body; None for a path
/// Prometheus does not serve (it answers those with a plain-text `404 page not found`).
pub fn answer(
    rest: &str,
    params: &HashMap<String, String>,
    pods: &[Value],
    now: DateTime<Utc>,
) -> Option<(u16, Value)> {
    let r = match rest {
        "api/v1/query_range" => query_range(params, pods, now),
        "api/v1/query" => query(params, pods, now),
        _ => return None,
    };
    Some(match r {
        Ok(data) => (200, json!({"status": "success", "data": data})),
        Err(msg) => (400, error("bad_data", &msg)),
    })
}

fn error(kind: &str, msg: &str) -> Value {
    json!({"status": "error", "errorType": kind, "error": msg})
}

fn query_range(
    params: &HashMap<String, String>,
    pods: &[Value],
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let start = time_param(params, "start")?;
    let end = time_param(params, "end")?;
    if end < start {
        return Err("end timestamp must not be before start time".into());
    }
    let step = match params.get("step") {
        Some(s) => parse_duration_ms(s).ok_or_else(|| {
            format!("invalid parameter \"step\": cannot parse {s:?} to a valid duration")
        })?,
        None => return Err("invalid parameter \"step\": missing".into()),
    };
    if step <= 0 {
        return Err(
            "zero or negative query resolution step widths are not accepted. Try a positive integer"
                .into(),
        );
    }
    if (end - start) / step > MAX_POINTS {
        return Err("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)".into());
    }
    let q = parse_query(query_param(params)?)?;
    let now_ms = now.timestamp_millis();
    let mut times = Vec::new();
    let mut t = start;
    while t <= end && t <= now_ms {
        times.push(t);
        t += step;
    }
    let result: Vec<Value> = evaluate(&q, pods, &times)
        .into_iter()
        .map(|(pod, points)| {
            let values: Vec<Value> = points
                .into_iter()
                .map(|(t, v)| json!([timestamp(t), format_value(v)]))
                .collect();
            json!({"metric": {"pod": pod}, "values": values})
        })
        .collect();
    Ok(json!({"resultType": "matrix", "result": result}))
}

fn query(
    params: &HashMap<String, String>,
    pods: &[Value],
    now: DateTime<Utc>,
) -> Result<Value, String> {
    let t = match params.get("time") {
        Some(_) => time_param(params, "time")?,
        None => now.timestamp_millis(),
    };
    let q = parse_query(query_param(params)?)?;
    let times = if t <= now.timestamp_millis() {
        vec![t]
    } else {
        vec![]
    };
    let result: Vec<Value> = evaluate(&q, pods, &times)
        .into_iter()
        .filter_map(|(pod, points)| {
            let (t, v) = points.into_iter().next()?;
            Some(json!({"metric": {"pod": pod}, "value": [timestamp(t), format_value(v)]}))
        })
        .collect();
    Ok(json!({"resultType": "vector", "result": result}))
}

fn query_param(params: &HashMap<String, String>) -> Result<&str, String> {
    params
        .get("query")
        .map(String::as_str)
        .filter(|q| !q.trim().is_empty())
        .ok_or_else(|| "invalid parameter \"query\": empty query".to_string())
}

/// A time parameter as Prometheus reads it: Unix seconds (float) or RFC 3339; milliseconds.
fn time_param(params: &HashMap<String, String>, key: &str) -> Result<i64, String> {
    let s = params
        .get(key)
        .ok_or_else(|| format!("invalid parameter {key:?}: missing"))?;
    if let Ok(f) = s.parse::<f64>() {
        if f.is_finite() {
            return Ok((f * 1000.0).round() as i64);
        }
    }
    crate::clock::parse_time(s)
        .map(|t| t.timestamp_millis())
        .ok_or_else(|| {
            format!("invalid parameter {key:?}: cannot parse {s:?} to a valid timestamp")
        })
}

/// A step: float seconds or a Prometheus duration (`1m`, `1h30m`, `2d`); milliseconds.
fn parse_duration_ms(s: &str) -> Option<i64> {
    if let Ok(f) = s.parse::<f64>() {
        return f.is_finite().then(|| (f * 1000.0).round() as i64);
    }
    let mut total = 0i64;
    let mut rest = s;
    while !rest.is_empty() {
        let n_end = rest.find(|c: char| !c.is_ascii_digit())?;
        let n: i64 = rest[..n_end].parse().ok()?;
        let after = &rest[n_end..];
        let u_end = after
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(after.len());
        let ms = match &after[..u_end] {
            "ms" => 1,
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            "y" => 365 * 86_400_000,
            _ => return None,
        };
        total += n * ms;
        rest = &after[u_end..];
    }
    Some(total)
}

/// Unix seconds as Prometheus writes them: an integer, or with milliseconds.
fn timestamp(ms: i64) -> Value {
    if ms % 1000 == 0 {
        json!(ms / 1000)
    } else {
        json!(ms as f64 / 1000.0)
    }
}

/// A sample value as Go's strconv.FormatFloat(v, 'f', -1, 64): shortest, no exponent.
fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Metric {
    Cpu,
    Memory,
    Receive,
    Transmit,
}

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Eq,
    Ne,
    Re,
    NotRe,
}

#[derive(Debug, Clone, PartialEq)]
struct Matcher {
    label: String,
    op: Op,
    value: String,
}

#[derive(Debug)]
struct Query {
    metric: Metric,
    matchers: Vec<Matcher>,
}

fn unsupported(q: &str) -> String {
    format!(
        "invalid parameter \"query\": kube-sim's stand-in Prometheus answers only `sum by (pod) \
         (rate(container_cpu_usage_seconds_total{{..}}[5m]))`, `sum by (pod) \
         (container_memory_working_set_bytes{{..}})` and `sum by (pod) \
         (rate(container_network_{{receive,transmit}}_bytes_total{{..}}[5m]))`, not {q:?}"
    )
}

/// The query without whitespace outside string literals.
fn squeeze(q: &str) -> String {
    let mut out = String::new();
    let mut in_str = false;
    let mut esc = false;
    for c in q.chars() {
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

fn parse_query(q: &str) -> Result<Query, String> {
    let s = squeeze(q);
    let inner = s
        .strip_prefix("sumby(pod)(")
        .and_then(|x| x.strip_suffix(')'))
        .or_else(|| s.strip_prefix("sum(")?.strip_suffix(")by(pod)"))
        .ok_or_else(|| unsupported(q))?;
    let (selector, rate) = match inner
        .strip_prefix("rate(")
        .and_then(|x| x.strip_suffix(')'))
    {
        Some(r) => {
            // METRIC{..}[5m]: any range works the same here (the model's rate is per bucket).
            let open = r.rfind('[').ok_or_else(|| unsupported(q))?;
            if !r.ends_with(']') || parse_duration_ms(&r[open + 1..r.len() - 1]).is_none() {
                return Err(unsupported(q));
            }
            (&r[..open], true)
        }
        None => (inner, false),
    };
    let (name, matchers) = match selector.find('{') {
        Some(i) if selector.ends_with('}') => (
            &selector[..i],
            parse_matchers(&selector[i + 1..selector.len() - 1])?,
        ),
        Some(_) => return Err(unsupported(q)),
        None => (selector, Vec::new()),
    };
    let metric = match (name, rate) {
        ("container_cpu_usage_seconds_total", true) => Metric::Cpu,
        ("container_memory_working_set_bytes", false) => Metric::Memory,
        ("container_network_receive_bytes_total", true) => Metric::Receive,
        ("container_network_transmit_bytes_total", true) => Metric::Transmit,
        _ => return Err(unsupported(q)),
    };
    Ok(Query { metric, matchers })
}

/// `a="x",b!~"y|z"` (whitespace already removed outside strings).
fn parse_matchers(s: &str) -> Result<Vec<Matcher>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let op_at = rest
            .find(['=', '!'])
            .ok_or_else(|| format!("invalid parameter \"query\": bad matcher {rest:?}"))?;
        let label = rest[..op_at].to_string();
        if label.is_empty() || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!(
                "invalid parameter \"query\": bad label name {label:?}"
            ));
        }
        let after = &rest[op_at..];
        let (op, after) = if let Some(a) = after.strip_prefix("=~") {
            (Op::Re, a)
        } else if let Some(a) = after.strip_prefix("!~") {
            (Op::NotRe, a)
        } else if let Some(a) = after.strip_prefix("!=") {
            (Op::Ne, a)
        } else if let Some(a) = after.strip_prefix('=') {
            (Op::Eq, a)
        } else {
            return Err(format!("invalid parameter \"query\": bad matcher {rest:?}"));
        };
        let (value, after) = string_literal(after)
            .ok_or_else(|| format!("invalid parameter \"query\": bad string in {rest:?}"))?;
        if matches!(op, Op::Re | Op::NotRe) {
            literal_alternation(&value)?;
        }
        out.push(Matcher { label, op, value });
        rest = after.strip_prefix(',').unwrap_or(after);
        if !after.is_empty() && !after.starts_with(',') {
            return Err(format!(
                "invalid parameter \"query\": expected , at {after:?}"
            ));
        }
    }
    Ok(out)
}

/// A double-quoted PromQL string at the start of `s`: its value and what follows.
fn string_literal(s: &str) -> Option<(String, &str)> {
    let body = s.strip_prefix('"')?;
    let mut out = String::new();
    let mut chars = body.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &body[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The names a regex made only of escaped literals and `|` matches (fully anchored, as
/// Prometheus anchors matcher regexes).
fn literal_alternation(re: &str) -> Result<Vec<String>, String> {
    let mut names = vec![String::new()];
    let mut chars = re.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let e = chars
                    .next()
                    .ok_or_else(|| "invalid parameter \"query\": trailing \\ in regex".to_string())?;
                if e.is_ascii_alphanumeric() {
                    return Err(format!(
                        "invalid parameter \"query\": the stand-in supports only literal alternations in regexes, not \\{e}"
                    ));
                }
                names.last_mut().unwrap().push(e);
            }
            '|' => names.push(String::new()),
            '.' | '+' | '*' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '^' | '$' => {
                return Err(format!(
                    "invalid parameter \"query\": the stand-in supports only literal alternations in regexes, not {re:?}"
                ))
            }
            c => names.last_mut().unwrap().push(c),
        }
    }
    Ok(names)
}

impl Matcher {
    fn matches(&self, labels: &BTreeMap<&str, String>) -> bool {
        let v = labels
            .get(self.label.as_str())
            .map(String::as_str)
            .unwrap_or("");
        match self.op {
            Op::Eq => v == self.value,
            Op::Ne => v != self.value,
            Op::Re => literal_alternation(&self.value).is_ok_and(|n| n.iter().any(|n| n == v)),
            Op::NotRe => !literal_alternation(&self.value).is_ok_and(|n| n.iter().any(|n| n == v)),
        }
    }
}

type Labels = BTreeMap<&'static str, String>;

/// The scrape interval: samples are taken on 15 s boundaries.
const SCRAPE_MS: i64 = 15_000;

/// The first scrape at or after `t` (ms).
fn first_scrape(t: i64) -> i64 {
    let up = if t.rem_euclid(SCRAPE_MS) == 0 {
        0
    } else {
        SCRAPE_MS
    };
    (t.div_euclid(SCRAPE_MS) * SCRAPE_MS).saturating_add(up)
}

fn time_ms(v: &Value) -> Option<i64> {
    crate::clock::parse_time(v.as_str()?).map(|t| t.timestamp_millis())
}

/// When the series of the pod (its cgroup: from its start, else its creation) and of each
/// container (from its first start) got their first sample; a `rate()` needs a second one,
/// a scrape later. A real Prometheus has nothing before.
struct Since {
    pod: i64,
    containers: BTreeMap<String, i64>,
}

impl Since {
    fn of(pod: &Value) -> Since {
        let started = time_ms(&pod["status"]["startTime"])
            .or_else(|| time_ms(&pod["metadata"]["creationTimestamp"]))
            .unwrap_or(i64::MAX);
        let mut containers = BTreeMap::new();
        for key in ["containerStatuses", "initContainerStatuses"] {
            for c in pod["status"][key].as_array().into_iter().flatten() {
                let first = [
                    &c["lastState"]["terminated"]["startedAt"],
                    &c["state"]["running"]["startedAt"],
                    &c["state"]["terminated"]["startedAt"],
                ]
                .into_iter()
                .filter_map(time_ms)
                .min();
                if let (Some(name), Some(t)) = (c["name"].as_str(), first) {
                    containers.insert(name.to_string(), first_scrape(t));
                }
            }
        }
        Since {
            pod: first_scrape(started),
            containers,
        }
    }

    /// Whether the series has a value at `t`: a gauge from its first sample, a rate from
    /// its second.
    fn has(&self, container: Option<&str>, t: i64, rate: bool) -> bool {
        let first = match container {
            None => self.pod,
            Some(c) => self.containers.get(c).copied().unwrap_or(i64::MAX),
        };
        let first = if rate {
            first.saturating_add(SCRAPE_MS)
        } else {
            first
        };
        t >= first
    }
}

/// The kubelet's series of one pod for the metric: (labels, value at each time), each from
/// its first sample on.
fn pod_series(pod: &Value, metric: Metric, times: &[i64]) -> Vec<(Labels, Vec<(i64, f64)>)> {
    let since = Since::of(pod);
    let name = pod["metadata"]["name"].as_str().unwrap_or_default();
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or_default();
    let base = |container: Option<&str>| {
        let mut l = BTreeMap::new();
        l.insert("namespace", ns.to_string());
        l.insert("pod", name.to_string());
        if let Some(c) = container {
            l.insert("container", c.to_string());
        }
        l
    };
    match metric {
        Metric::Receive | Metric::Transmit => {
            let dir = if metric == Metric::Receive {
                "rx"
            } else {
                "tx"
            };
            let mut l = base(None);
            l.insert("interface", "eth0".into());
            let points = times
                .iter()
                .filter(|t| since.has(None, **t, true))
                .map(|t| (*t, network_rate(name, dir, *t)))
                .collect();
            vec![(l, points)]
        }
        Metric::Cpu | Metric::Memory => {
            // container name → points; "" is the pod cgroup, "POD" the pause container.
            let mut by: BTreeMap<String, Vec<(i64, f64)>> = BTreeMap::new();
            let rate = metric == Metric::Cpu;
            for t in times {
                if !since.has(None, *t, rate) {
                    continue;
                }
                let Some(at) = DateTime::from_timestamp_millis(*t) else {
                    continue;
                };
                let Some(m) = pod_metrics(pod, at) else {
                    continue;
                };
                let pause = if metric == Metric::Cpu {
                    PAUSE_CPU
                } else {
                    PAUSE_MEM
                };
                let mut sum = pause;
                for c in m["containers"].as_array().into_iter().flatten() {
                    let u = &c["usage"][if metric == Metric::Cpu {
                        "cpu"
                    } else {
                        "memory"
                    }];
                    let cname = c["name"].as_str().unwrap_or_default().to_string();
                    if !since.has(Some(&cname), *t, rate) {
                        continue;
                    }
                    let v = quantity_of(u).unwrap_or(0.0);
                    sum += v;
                    by.entry(cname).or_default().push((*t, v));
                }
                by.entry("POD".into()).or_default().push((*t, pause));
                by.entry(String::new()).or_default().push((*t, sum));
            }
            by.into_iter()
                .map(|(c, points)| (base(Some(&c)), points))
                .collect()
        }
    }
}

/// Bytes per second one way for a pod in the 15 s bucket of `t_ms`: a per-pod base of
/// 1..200 KiB/s, varying by ±50%.
fn network_rate(pod: &str, dir: &str, t_ms: i64) -> f64 {
    let bucket = t_ms.div_euclid(15_000).to_string();
    let base = 1024.0 + (hash(&[pod, dir]) % (199 * 1024)) as f64;
    let factor = 0.5 + (hash(&[pod, dir, &bucket]) % 1000) as f64 / 1000.0;
    (base * factor).round()
}

/// `sum by (pod)` over the series the matchers select, per pod (sorted), empty series left out.
fn evaluate(q: &Query, pods: &[Value], times: &[i64]) -> Vec<(String, Vec<(i64, f64)>)> {
    let mut out: BTreeMap<String, BTreeMap<i64, f64>> = BTreeMap::new();
    for pod in pods {
        // Cheap pre-filter on namespace and pod before computing any values.
        let mut id = BTreeMap::new();
        id.insert(
            "namespace",
            pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        id.insert(
            "pod",
            pod["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        );
        if !q
            .matchers
            .iter()
            .filter(|m| m.label == "namespace" || m.label == "pod")
            .all(|m| m.matches(&id))
        {
            continue;
        }
        for (labels, points) in pod_series(pod, q.metric, times) {
            if !q.matchers.iter().all(|m| m.matches(&labels)) || points.is_empty() {
                continue;
            }
            let acc = out.entry(labels["pod"].clone()).or_default();
            for (t, v) in points {
                *acc.entry(t).or_insert(0.0) += v;
            }
        }
    }
    out.into_iter()
        .map(|(pod, pts)| (pod, pts.into_iter().collect()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::parse_time;

    /// A pod running since 2024-12-31T22:00 (before every range asked here).
    fn pod(name: &str, ns: &str) -> Value {
        started(name, ns, "2024-12-31T22:00:00Z", "2024-12-31T22:00:02Z")
    }

    fn started(name: &str, ns: &str, start: &str, running: &str) -> Value {
        json!({
            "metadata": {"name": name, "namespace": ns, "creationTimestamp": start},
            "spec": {"containers": [{"name": "app"}, {"name": "side"}]},
            "status": {"startTime": start, "containerStatuses": [
                {"name": "app", "state": {"running": {"startedAt": running}}},
                {"name": "side", "state": {"running": {"startedAt": running}}}]}
        })
    }

    /// Like a real Prometheus: nothing before the pod's first scrape, and a rate only from its
    /// second sample.
    #[test]
    fn series_begin_with_the_pod() {
        let now = parse_time("2025-01-01T01:00:00Z").unwrap();
        let t = now.timestamp();
        // Started 00:30:05, its containers at 00:30:20: first scrapes at 00:30:15 (the pod
        // cgroup) and 00:30:30 (the containers).
        let pods = vec![started(
            "web-0",
            "d",
            "2025-01-01T00:30:05Z",
            "2025-01-01T00:30:20Z",
        )];
        let times = |q: &str| -> Vec<i64> {
            let (_, v) = ans(
                "api/v1/query_range",
                &params(q, t - 3600, t, "15"),
                &pods,
                now,
            );
            v["data"]["result"][0]["values"]
                .as_array()
                .map(|a| a.iter().map(|p| p[0].as_f64().unwrap() as i64).collect())
                .unwrap_or_default()
        };
        let mem = times("sum by (pod) (container_memory_working_set_bytes{pod=\"web-0\",container!=\"\",container!=\"POD\"})");
        assert_eq!(mem.first(), Some(&(t - 1800 + 30)));
        let cgroup = times(
            "sum by (pod) (container_memory_working_set_bytes{pod=\"web-0\",container=\"\"})",
        );
        assert_eq!(cgroup.first(), Some(&(t - 1800 + 15)));
        assert_eq!(cgroup.last(), Some(&t));
        let cpu = times(CPU);
        assert_eq!(cpu.first(), Some(&(t - 1800 + 45)));
        let rx =
            times("sum by (pod) (rate(container_network_receive_bytes_total{pod=\"web-0\"}[5m]))");
        assert_eq!(rx.first(), Some(&(t - 1800 + 30)));
        assert_eq!(rx.len(), (1800 - 30) / 15 + 1);
        // A range that ends before the pod: no series at all.
        let (_, v) = ans(
            "api/v1/query_range",
            &params(CPU, t - 3600, t - 1900, "15"),
            &pods,
            now,
        );
        assert_eq!(v["data"]["result"], json!([]));
    }

    fn params(q: &str, start: i64, end: i64, step: &str) -> HashMap<String, String> {
        [
            ("query", q.to_string()),
            ("start", start.to_string()),
            ("end", end.to_string()),
            ("step", step.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn ans(
        rest: &str,
        p: &HashMap<String, String>,
        pods: &[Value],
        now: DateTime<Utc>,
    ) -> (u16, Value) {
        answer(rest, p, pods, now).unwrap()
    }

    const CPU: &str = "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"d\",pod=~\"web-0|web\\\\-1\",container!=\"\",container!=\"POD\"}[5m]))";

    #[test]
    fn cpu_matches_pod_metrics() {
        let now = parse_time("2025-01-01T01:00:00Z").unwrap();
        let t0 = now.timestamp() - 3600;
        let pods = vec![
            pod("web-0", "d"),
            pod("web-1", "d"),
            pod("web-2", "d"),
            pod("web-0", "other"),
        ];
        let (code, v) = ans(
            "api/v1/query_range",
            &params(CPU, t0, now.timestamp() + 600, "60"),
            &pods,
            now,
        );
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["data"]["resultType"], "matrix");
        let result = v["data"]["result"].as_array().unwrap();
        assert_eq!(result.len(), 2);
        assert_eq!(result[0]["metric"], json!({"pod": "web-0"}));
        let values = result[0]["values"].as_array().unwrap();
        // 61 points: nothing after now.
        assert_eq!(values.len(), 61);
        assert_eq!(values[0][0], json!(t0));
        let at = DateTime::from_timestamp(t0 + 120, 0).unwrap();
        let m = pod_metrics(&pods[0], at).unwrap();
        let expect: f64 = m["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| quantity_of(&c["usage"]["cpu"]).unwrap())
            .sum();
        let got: f64 = values[2][1].as_str().unwrap().parse().unwrap();
        assert!((got - expect).abs() < 1e-12, "{got} {expect}");
    }

    #[test]
    fn memory_container_filters_and_network() {
        let now = parse_time("2025-01-01T01:00:00Z").unwrap();
        let t = now.timestamp();
        let pods = vec![pod("web-0", "d")];
        let q = |sel: &str| format!("sum by (pod) (container_memory_working_set_bytes{{{sel}}})");
        let val = |q: &str| -> f64 {
            let (_, v) = ans("api/v1/query_range", &params(q, t, t, "15s"), &pods, now);
            v["data"]["result"][0]["values"][0][1]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        };
        let containers = val(&q("pod=\"web-0\",container!=\"\",container!=\"POD\""));
        let all = val(&q("pod=\"web-0\""));
        // The unfiltered sum counts the pod cgroup ("" = containers + pause) twice over.
        assert_eq!(all, 2.0 * (containers + PAUSE_MEM));
        let m = pod_metrics(&pods[0], now).unwrap();
        let expect: f64 = m["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| quantity_of(&c["usage"]["memory"]).unwrap())
            .sum();
        assert_eq!(containers, expect);
        let rx = val("sum by (pod) (rate(container_network_receive_bytes_total{namespace=\"d\",pod=~\"web-0\"}[5m]))");
        let tx =
            val("sum(rate(container_network_transmit_bytes_total{pod=\"web-0\"}[1m])) by (pod)");
        assert!(rx >= 512.0 && tx >= 512.0 && rx != tx, "{rx} {tx}");
        assert_eq!(
            rx,
            val("sum by (pod) (rate(container_network_receive_bytes_total{pod=\"web-0\"}[5m]))")
        );
    }

    #[test]
    fn errors_as_prometheus() {
        let now = parse_time("2025-01-01T01:00:00Z").unwrap();
        let t = now.timestamp();
        let pods = vec![pod("web-0", "d")];
        let (code, v) = ans("api/v1/query_range", &params("up", t, t, "15"), &pods, now);
        assert_eq!(code, 400);
        assert_eq!(v["status"], "error");
        assert_eq!(v["errorType"], "bad_data");
        assert!(v["error"].as_str().unwrap().contains("stand-in"));
        let (code, v) = ans(
            "api/v1/query_range",
            &params(CPU, t, t - 10, "15"),
            &pods,
            now,
        );
        assert_eq!(
            (code, v["error"].as_str().unwrap()),
            (400, "end timestamp must not be before start time")
        );
        let (_, v) = ans(
            "api/v1/query_range",
            &params(CPU, t - 86400 * 7, t, "1"),
            &pods,
            now,
        );
        assert!(v["error"].as_str().unwrap().contains("11,000"));
        let (_, v) = ans("api/v1/query_range", &params(CPU, t, t, "0"), &pods, now);
        assert!(v["error"].as_str().unwrap().contains("zero or negative"));
        let (_, v) = ans("api/v1/query_range", &params(CPU, t, t, "x"), &pods, now);
        assert!(v["error"].as_str().unwrap().contains("\"step\""));
        let bad_re = CPU.replace("web-0|", "web-.*|");
        let (code, _) = ans(
            "api/v1/query_range",
            &params(&bad_re, t, t, "15"),
            &pods,
            now,
        );
        assert_eq!(code, 400);
        assert!(answer("api/v1/nope", &HashMap::new(), &pods, now).is_none());
    }

    #[test]
    fn instant_query_and_times() {
        let now = parse_time("2025-01-01T01:00:00Z").unwrap();
        let pods = vec![pod("web-0", "d")];
        let mut p = HashMap::new();
        p.insert("query".to_string(), CPU.to_string());
        p.insert("time".to_string(), "2025-01-01T00:30:00.5Z".to_string());
        let (code, v) = ans("api/v1/query", &p, &pods, now);
        assert_eq!(code, 200, "{v}");
        assert_eq!(v["data"]["resultType"], "vector");
        assert_eq!(
            v["data"]["result"][0]["value"][0],
            json!(now.timestamp() as f64 - 1799.5)
        );
        assert_eq!(parse_duration_ms("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration_ms("0.5"), Some(500));
        assert_eq!(format_value(0.25), "0.25");
        assert_eq!(format_value(12345678.0), "12345678");
    }
}
