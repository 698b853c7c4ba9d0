//! Pure logic of `top --prometheus`: the console's time-range presets and their steps, the
//! PromQL of the four series per pod (CPU, memory working set, network in and out), parsing of
//! Prometheus HTTP API answers (`/api/v1/query_range`), and the per-pod view model. No I/O.
//!
//! The queries are the ones the KubeSphere console's pod monitoring draws, written against the
//! cAdvisor metrics the kubelet exposes (container_cpu_usage_seconds_total,
//! container_memory_working_set_bytes, container_network_{receive,transmit}_bytes_total).

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};
use serde_json::Value;

/// The env var holding the default Prometheus URL (the "configured default").
pub const ENV_URL: &str = "KUBECTL_STATEFULSET_PROMETHEUS";

/// The range `top --prometheus` draws without `--range`.
pub const DEFAULT_RANGE: &str = "1h";

/// The console's time-range presets (kubesphere/console
/// src/components/Cards/Monitoring/Controller/TimeSelector/Range/Default.jsx `TimeOps`).
pub const PRESETS: [&str; 12] = [
    "10m", "20m", "30m", "1h", "2h", "3h", "5h", "12h", "1d", "2d", "3d", "7d",
];

/// Points the console asks for per range (DefaultRange's `times`).
const TIMES: u64 = 30;

/// One of the four series per pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Metric {
    Cpu,
    Memory,
    NetIn,
    NetOut,
}

pub const METRICS: [Metric; 4] = [Metric::Cpu, Metric::Memory, Metric::NetIn, Metric::NetOut];

impl Metric {
    /// The key in `-o json` (values as Prometheus returns them: cores, bytes, bytes/s).
    pub fn key(self) -> &'static str {
        match self {
            Metric::Cpu => "cpu",
            Metric::Memory => "memory",
            Metric::NetIn => "networkIn",
            Metric::NetOut => "networkOut",
        }
    }

    pub fn unit(self) -> &'static str {
        match self {
            Metric::Cpu => "cores",
            Metric::Memory => "bytes",
            Metric::NetIn | Metric::NetOut => "bytes/s",
        }
    }

    /// A value for the table: millicores, Mi, or a byte rate.
    pub fn format(self, v: f64) -> String {
        match self {
            Metric::Cpu => format!("{}m", (v * 1000.0).ceil() as i64),
            Metric::Memory => format!("{}Mi", (v / 1048576.0).floor() as i64),
            Metric::NetIn | Metric::NetOut => byte_rate(v),
        }
    }
}

fn byte_rate(v: f64) -> String {
    if v < 1024.0 {
        format!("{}B/s", v.round() as i64)
    } else if v < 1048576.0 {
        format!("{:.1}KiB/s", v / 1024.0)
    } else {
        format!("{:.1}MiB/s", v / 1048576.0)
    }
}

/// What to ask for: the last `range_secs` seconds every `step_secs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// As given (`1h`).
    pub label: String,
    pub range_secs: u64,
    pub step_secs: u64,
}

impl Window {
    /// `start` and `end` (Unix seconds) of the window ending at `now`.
    pub fn bounds(&self, now: f64) -> (f64, f64) {
        // Whole seconds, so repeated queries line up on the same grid.
        let end = now.floor();
        (end - self.range_secs as f64, end)
    }
}

/// `10m`, `2h`, `1d`, `90s`, `1h30m` → seconds (`d` = 24 h, as the console's presets).
pub fn parse_duration(value: &str) -> Result<u64> {
    let v = value.trim();
    let d = if let Some(days) = v.strip_suffix('d') {
        let n: f64 = days
            .parse()
            .map_err(|_| anyhow!("{value:?} is not a duration (e.g. 10m, 1h, 7d)"))?;
        n * 86400.0
    } else {
        crate::manifest::validate::duration(v)
            .map_err(|e| anyhow!("{e}"))?
            .as_secs_f64()
    };
    if d < 1.0 {
        bail!("{value:?} is shorter than a second");
    }
    Ok(d.round() as u64)
}

/// The step the console picks for a range (kubesphere/console TimeSelector/Range/Default.jsx
/// handleClick with utils.js getStep): whole minutes of range/30; under a minute, 10 points;
/// over 60 minutes, 60 m.
pub fn console_step(range_secs: u64) -> u64 {
    let minutes = range_secs / 60;
    let step = minutes / TIMES;
    if step < 1 {
        (minutes / 10).max(1) * 60
    } else if step > 60 {
        3600
    } else {
        step * 60
    }
}

/// `--range` and `--step` → the window. Any duration from 10m to 7d is accepted (the presets
/// are listed in the help); the step defaults to the console's for that range.
pub fn window(range: &str, step: Option<&str>) -> Result<Window> {
    let range_secs = parse_duration(range).map_err(|e| anyhow!("--range: {e}"))?;
    if !(600..=7 * 86400).contains(&range_secs) {
        bail!(
            "--range {range:?} must be from 10m to 7d (presets: {})",
            PRESETS.join(", ")
        );
    }
    let step_secs = match step {
        Some(s) => parse_duration(s).map_err(|e| anyhow!("--step: {e}"))?,
        None => console_step(range_secs),
    };
    if step_secs > range_secs {
        bail!("--step {} is longer than --range {range}", human(step_secs));
    }
    // Prometheus refuses more than 11,000 points per series (web/api/v1/api.go queryRange).
    if range_secs / step_secs > 11_000 {
        bail!(
            "--step {} gives more than 11000 points over {range}; use a longer --step",
            human(step_secs)
        );
    }
    Ok(Window {
        label: range.trim().to_string(),
        range_secs,
        step_secs,
    })
}

/// Seconds as the shortest of `7d`, `2h`, `90m`, `45s`.
pub fn human(secs: u64) -> String {
    if secs.is_multiple_of(86400) {
        format!("{}d", secs / 86400)
    } else if secs.is_multiple_of(3600) {
        format!("{}h", secs / 3600)
    } else if secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}

/// A RE2 alternation matching exactly these names (metacharacters escaped).
pub fn pod_regex(names: &[String]) -> String {
    let esc = |n: &str| {
        let mut s = String::new();
        for c in n.chars() {
            if "\\.+*?()|[]{}^$".contains(c) {
                s.push('\\');
            }
            s.push(c);
        }
        s
    };
    names.iter().map(|n| esc(n)).collect::<Vec<_>>().join("|")
}

/// A PromQL double-quoted string literal.
pub fn string_literal(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The PromQL of one series for these pods of the namespace, summed per pod.
pub fn query(metric: Metric, namespace: &str, pods: &[String]) -> String {
    let ns = string_literal(namespace);
    let re = string_literal(&pod_regex(pods));
    // Container series only (the pod's cgroup total has container="", the pause container
    // container="POD"); network series exist only at pod level.
    let containers = format!("namespace={ns},pod=~{re},container!=\"\",container!=\"POD\"");
    let pod_level = format!("namespace={ns},pod=~{re}");
    match metric {
        Metric::Cpu => {
            format!("sum by (pod) (rate(container_cpu_usage_seconds_total{{{containers}}}[5m]))")
        }
        Metric::Memory => {
            format!("sum by (pod) (container_memory_working_set_bytes{{{containers}}})")
        }
        Metric::NetIn => {
            format!("sum by (pod) (rate(container_network_receive_bytes_total{{{pod_level}}}[5m]))")
        }
        Metric::NetOut => format!(
            "sum by (pod) (rate(container_network_transmit_bytes_total{{{pod_level}}}[5m]))"
        ),
    }
}

/// One series of a matrix: the pod and its (Unix seconds, value) points.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub pod: String,
    pub points: Vec<(f64, f64)>,
}

/// A Prometheus HTTP API answer (prometheus web/api/v1/api.go `Response`): the `data` of a
/// success, or the error it carries (`errorType`: `error`).
pub fn parse_response(http_status: u16, body: &[u8]) -> Result<Value> {
    let v: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(_) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            let snippet: String = text.chars().take(120).collect();
            if (200..300).contains(&http_status) {
                bail!("the answer is not Prometheus API JSON: {snippet:?}");
            }
            bail!(
                "HTTP {http_status}{} (is this the Prometheus base URL?)",
                if snippet.is_empty() {
                    String::new()
                } else {
                    format!(": {snippet}")
                }
            );
        }
    };
    match v["status"].as_str() {
        Some("success") => Ok(v["data"].clone()),
        Some("error") => bail!(
            "{}: {}",
            v["errorType"].as_str().unwrap_or("error"),
            v["error"].as_str().unwrap_or("(no message)")
        ),
        _ => bail!(
            "HTTP {http_status}: not a Prometheus API answer (is this the Prometheus base URL?)"
        ),
    }
}

/// The series of a range query's `data` (`resultType: matrix`). NaN and infinite samples are
/// left out (a rate over a reset or a missing window).
pub fn parse_matrix(data: &Value) -> Result<Vec<Series>> {
    if data["resultType"].as_str() != Some("matrix") {
        bail!("expected a matrix, got resultType {}", data["resultType"]);
    }
    let result = data["result"]
        .as_array()
        .ok_or_else(|| anyhow!("the matrix has no result list"))?;
    let mut out = Vec::new();
    for s in result {
        let pod = s["metric"]["pod"].as_str().unwrap_or_default().to_string();
        let mut points = Vec::new();
        for p in s["values"].as_array().into_iter().flatten() {
            let t = p[0]
                .as_f64()
                .ok_or_else(|| anyhow!("a sample without a timestamp: {p}"))?;
            let v = p[1]
                .as_str()
                .ok_or_else(|| anyhow!("a sample value is not a string: {p}"))?;
            let v: f64 = v
                .parse()
                .map_err(|_| anyhow!("a sample value is not a number: {v:?}"))?;
            if v.is_finite() {
                points.push((t, v));
            }
        }
        out.push(Series { pod, points });
    }
    Ok(out)
}

/// The four series of each pod, by pod name then metric.
pub type PodSeries = BTreeMap<String, BTreeMap<Metric, Vec<(f64, f64)>>>;

/// Merge the four answers (in `METRICS` order) into series per pod.
pub fn by_pod(results: &[(Metric, Vec<Series>)]) -> PodSeries {
    let mut out = PodSeries::new();
    for (m, series) in results {
        for s in series {
            out.entry(s.pod.clone())
                .or_default()
                .entry(*m)
                .or_default()
                .extend(s.points.iter().copied());
        }
    }
    out
}

/// The StatefulSet's series: per timestamp, the sum over the pods that have a sample then.
pub fn totals(pods: &PodSeries, metric: Metric) -> Vec<(f64, f64)> {
    let mut sum: BTreeMap<i64, (f64, f64)> = BTreeMap::new();
    for series in pods.values() {
        for (t, v) in series.get(&metric).into_iter().flatten() {
            let e = sum.entry((t * 1000.0).round() as i64).or_insert((*t, 0.0));
            e.1 += v;
        }
    }
    sum.into_values().collect()
}

/// The last value of a series.
pub fn last(points: &[(f64, f64)]) -> Option<f64> {
    points.last().map(|p| p.1)
}

/// At most `width` values: the means of consecutive groups (for a sparkline of a long range).
pub fn resample(values: &[f64], width: usize) -> Vec<f64> {
    if values.len() <= width || width == 0 {
        return values.to_vec();
    }
    (0..width)
        .map(|i| {
            let a = i * values.len() / width;
            let b = ((i + 1) * values.len() / width).max(a + 1);
            values[a..b].iter().sum::<f64>() / (b - a) as f64
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn console_steps() {
        let steps: Vec<String> = PRESETS
            .iter()
            .map(|p| human(window(p, None).unwrap().step_secs))
            .collect();
        assert_eq!(
            steps,
            ["1m", "2m", "1m", "2m", "4m", "6m", "10m", "24m", "48m", "1h", "1h", "1h"]
        );
        let w = window("1h", Some("30s")).unwrap();
        assert_eq!((w.range_secs, w.step_secs), (3600, 30));
        assert_eq!(w.bounds(1000.7), (1000.0 - 3600.0, 1000.0));
    }

    #[test]
    fn bad_windows() {
        assert!(window("5m", None)
            .unwrap_err()
            .to_string()
            .contains("10m to 7d"));
        assert!(window("8d", None).is_err());
        assert!(window("x", None)
            .unwrap_err()
            .to_string()
            .contains("--range"));
        assert!(window("1h", Some("2h"))
            .unwrap_err()
            .to_string()
            .contains("longer"));
        assert!(window("7d", Some("1s"))
            .unwrap_err()
            .to_string()
            .contains("11000"));
        assert!(window("1h", Some("0s")).is_err());
    }

    #[test]
    fn queries_escape_names() {
        let pods = vec!["web-0".to_string(), "a.b-1".to_string()];
        assert_eq!(pod_regex(&pods), "web-0|a\\.b-1");
        assert_eq!(
            query(Metric::Cpu, "prod", &pods),
            "sum by (pod) (rate(container_cpu_usage_seconds_total{namespace=\"prod\",\
             pod=~\"web-0|a\\\\.b-1\",container!=\"\",container!=\"POD\"}[5m]))"
        );
        assert_eq!(
            query(Metric::Memory, "p", &pods[..1]),
            "sum by (pod) (container_memory_working_set_bytes{namespace=\"p\",\
             pod=~\"web-0\",container!=\"\",container!=\"POD\"})"
        );
        assert_eq!(
            query(Metric::NetOut, "p", &pods[..1]),
            "sum by (pod) (rate(container_network_transmit_bytes_total{namespace=\"p\",\
             pod=~\"web-0\"}[5m]))"
        );
        assert!(query(Metric::NetIn, "p", &pods[..1]).contains("container_network_receive"));
        assert_eq!(string_literal("a\"b\\"), "\"a\\\"b\\\\\"");
    }

    #[test]
    fn parses_matrix_and_errors() {
        let body = json!({"status": "success", "data": {"resultType": "matrix", "result": [
            {"metric": {"pod": "web-0"}, "values": [[1700000000.0, "0.012"], [1700000060, "NaN"], [1700000120.5, "0.5"]]},
            {"metric": {"pod": "web-1"}, "values": []}]}});
        let data = parse_response(200, body.to_string().as_bytes()).unwrap();
        let m = parse_matrix(&data).unwrap();
        assert_eq!(m[0].pod, "web-0");
        assert_eq!(
            m[0].points,
            vec![(1700000000.0, 0.012), (1700000120.5, 0.5)]
        );
        assert!(m[1].points.is_empty());
        let err = json!({"status": "error", "errorType": "bad_data", "error": "1:5: parse error"});
        let e = parse_response(400, err.to_string().as_bytes()).unwrap_err();
        assert_eq!(e.to_string(), "bad_data: 1:5: parse error");
        let e = parse_response(404, b"404 page not found\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "HTTP 404: 404 page not found (is this the Prometheus base URL?)"
        );
        let vector = json!({"resultType": "vector", "result": []});
        assert!(parse_matrix(&vector)
            .unwrap_err()
            .to_string()
            .contains("matrix"));
        let bad = json!({"resultType": "matrix", "result": [{"metric": {}, "values": [[1, 2]]}]});
        assert!(parse_matrix(&bad).is_err());
    }

    #[test]
    fn merge_totals_resample() {
        let s = |pod: &str, pts: &[(f64, f64)]| Series {
            pod: pod.into(),
            points: pts.to_vec(),
        };
        let pods = by_pod(&[
            (
                Metric::Cpu,
                vec![s("a", &[(1.0, 1.0), (2.0, 2.0)]), s("b", &[(2.0, 5.0)])],
            ),
            (Metric::Memory, vec![s("a", &[(1.0, 10.0)])]),
        ]);
        assert_eq!(pods["a"][&Metric::Cpu].len(), 2);
        assert!(!pods["b"].contains_key(&Metric::Memory));
        assert_eq!(totals(&pods, Metric::Cpu), vec![(1.0, 1.0), (2.0, 7.0)]);
        assert_eq!(last(&pods["b"][&Metric::Cpu]), Some(5.0));
        assert_eq!(resample(&[1.0, 3.0, 5.0, 7.0], 2), vec![2.0, 6.0]);
        assert_eq!(resample(&[1.0, 2.0], 5), vec![1.0, 2.0]);
        assert_eq!(Metric::Cpu.format(0.0121), "13m");
        assert_eq!(Metric::Memory.format(3.5 * 1048576.0), "3Mi");
        assert_eq!(Metric::NetIn.format(2048.0), "2.0KiB/s");
        assert_eq!(Metric::NetOut.format(12.4), "12B/s");
    }
}
