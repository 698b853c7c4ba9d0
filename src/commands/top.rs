//! `top NAME` (alias `monitor`): CPU and memory per pod from metrics.k8s.io, the totals and the
//! busiest pods; `--watch` refreshes and draws sparklines of the history seen.
//! Three requests in one round trip: the set (its UID), the pods (by the StatefulSet pod
//! label, kept when that UID is their controller) and their PodMetrics (same selector). `--watch` follows the pods
//! (the set's GET, then one list+watch) and reads the metrics again every `--interval`.
//! With `--prometheus URL` (or $KUBECTL_STATEFULSET_PROMETHEUS): the pods, then four range
//! queries at once (CPU, memory working set, network in/out per pod) over `--range`.

use jiff::Timestamp;
use std::collections::BTreeMap;

use anyhow::{bail, Result};
use futures::StreamExt;
use k8s_openapi::api::core::v1::Pod;
use std::io::IsTerminal;

use crate::cli::{OutputFormat, TopArgs};
use crate::kube::follow::{Follow, Update};
use crate::kube::observe::POD_NAME_LABEL;
use crate::kube::prometheus::Prometheus;
use crate::kube::Kube;
use crate::manifest::observe as logic;
use crate::manifest::prometheus::{self as prom, Metric};
use crate::render;
use crate::Ctx;

const HISTORY: usize = 30;

/// One refresh: (pod name, Some((millicores, bytes)) when metrics exist), by ordinal.
pub type Sample = Vec<(String, Option<(f64, f64)>)>;

/// The StatefulSet's pods, by ordinal: the pods of every StatefulSet (by the label the
/// controller sets) kept when this set's UID is their controller (metav1.IsControlledBy), so a
/// deleted set's pods that a new one of the same name finds are not counted. The set's GET
/// and the list go out together (one round trip).
async fn owned_pods(kube: &Kube, name: &str) -> Result<Vec<Pod>> {
    let (sts, pods) = tokio::join!(
        kube.get_statefulset(name),
        kube.list_pods_matching_rv(POD_NAME_LABEL)
    );
    let (sts, (pods, _)) = (sts?, pods?);
    let mut pods: Vec<Pod> = pods
        .into_iter()
        .filter(|p| crate::kube::owns(&sts, p))
        .collect();
    pods.sort_by_key(|p| {
        render::status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default())
            .unwrap_or(i64::MAX)
    });
    Ok(pods)
}

/// One refresh, and what could not be read. The pods (with the set) and their metrics are sent
/// together; when one of them is forbidden (403) the other still shows what it can (the pods
/// without usage, or the pods named `NAME-<ordinal>` by their metrics), said in the notes.
async fn sample(kube: &Kube, name: &str) -> Result<(Sample, Vec<String>)> {
    let (pods, metrics) = tokio::join!(
        owned_pods(kube, name),
        kube.list_pod_metrics(POD_NAME_LABEL)
    );
    let mut notes = Vec::new();
    let metrics = match metrics {
        Ok(m) => Some(m),
        Err(e) if crate::kube::is_forbidden(&e) && pods.is_ok() => {
            notes.push(format!("the pods' usage is not shown: {e}"));
            None
        }
        Err(e) => return Err(e),
    };
    let by_name = usage_by_pod(metrics.as_deref().unwrap_or_default());
    let names: Vec<String> = match pods {
        Ok(pods) => pods.into_iter().filter_map(|p| p.metadata.name).collect(),
        Err(e) if crate::kube::is_forbidden(&e) => {
            notes.push(format!(
                "the pods could not be listed, those named {name}-<ordinal> are shown by their metrics: {e}"
            ));
            let mut n: Vec<String> = by_name
                .keys()
                .filter(|n| {
                    crate::manifest::observe::ordinal_after(n, &format!("{name}-")).is_some()
                })
                .cloned()
                .collect();
            n.sort_by_key(|p| render::status::pod_ordinal(p).unwrap_or(i64::MAX));
            n
        }
        Err(e) => return Err(e),
    };
    Ok((sample_named(names, &by_name), notes))
}

/// The usage of `pods` (one request: their PodMetrics).
async fn sample_of(kube: &Kube, pods: &[Pod]) -> Result<Sample> {
    let metrics = kube.list_pod_metrics(POD_NAME_LABEL).await?;
    let names = pods
        .iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default());
    Ok(sample_named(names, &usage_by_pod(&metrics)))
}

/// PodMetrics items → (millicores, bytes) by pod name.
fn usage_by_pod(metrics: &[serde_json::Value]) -> BTreeMap<String, (f64, f64)> {
    metrics
        .iter()
        .filter_map(|m| {
            m["metadata"]["name"]
                .as_str()
                .map(|n| (n.to_string(), logic::pod_usage(m)))
        })
        .collect()
}

/// Each named pod with its usage, when its metrics are there.
fn sample_named(
    names: impl IntoIterator<Item = String>,
    usage: &BTreeMap<String, (f64, f64)>,
) -> Sample {
    names
        .into_iter()
        .map(|n| {
            let u = usage.get(&n).copied();
            (n, u)
        })
        .collect()
}

/// `--watch`: the set's pods from the follow stream (one list+watch: pods that come and go
/// need no new list, and the watch resumes after a cut or a server restart). The metrics
/// (metrics.k8s.io, Prometheus) have no watch, so they are read again every `--interval`:
/// the only requests repeated on an interval, never one of the set or its pods.
struct WatchedPods {
    stream: futures::stream::BoxStream<'static, Result<Update>>,
    pods: BTreeMap<String, Pod>,
    listed: bool,
    tick: tokio::time::Interval,
}

impl WatchedPods {
    async fn new(kube: &Kube, name: &str, interval: std::time::Duration) -> Result<Self> {
        let sts = kube.get_statefulset(name).await?;
        let what = Follow {
            pods: Some((super::list::selector(&sts), sts.metadata.uid.clone())),
            ..Default::default()
        };
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        Ok(WatchedPods {
            stream: kube.follow_with(name, &what).boxed(),
            pods: BTreeMap::new(),
            listed: false,
            tick,
        })
    }

    /// Takes the pods' changes until the next refresh is due (the first once they are
    /// listed); the pods then, by ordinal.
    async fn next(&mut self) -> Result<Vec<Pod>> {
        loop {
            tokio::select! {
                update = self.stream.next() => match update {
                    Some(Ok(Update::Pods(list))) => {
                        self.listed = true;
                        self.pods = list
                            .into_iter()
                            .map(|p| (p.metadata.name.clone().unwrap_or_default(), p))
                            .collect();
                    }
                    Some(Ok(Update::Pod(p))) => {
                        self.pods.insert(p.metadata.name.clone().unwrap_or_default(), p);
                    }
                    Some(Ok(Update::PodGone(p))) => {
                        self.pods.remove(p.metadata.name.as_deref().unwrap_or_default());
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => return Err(e),
                    None => bail!("the watch of the pods ended"),
                },
                _ = self.tick.tick(), if self.listed => break,
            }
        }
        let mut pods: Vec<Pod> = self.pods.values().cloned().collect();
        pods.sort_by_key(|p| {
            render::status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default())
                .unwrap_or(i64::MAX)
        });
        Ok(pods)
    }
}

/// A refresh that failed because the server does not answer is skipped (stderr says
/// "reconnecting…"); other failures end the command.
fn skip_if_away<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(_) if crate::kube::conn::is_lost() => Ok(None),
        Err(e) => Err(e),
    }
}

fn cpu(m: f64) -> String {
    format!("{}m", m.ceil() as i64)
}

fn mem(b: f64) -> String {
    format!("{}Mi", (b / (1024.0 * 1024.0)).floor() as i64)
}

/// The table, the totals and the top pods; sparklines when there is a history.
pub fn view(
    name: &str,
    s: &Sample,
    history: &BTreeMap<String, Vec<(f64, f64)>>,
    top: usize,
) -> String {
    let sparks = history.values().any(|h| h.len() > 1);
    let mut headers = vec!["pod", "cpu(cores)", "memory(bytes)"];
    if sparks {
        headers.extend(["cpu history", "memory history"]);
    }
    let mut rows = Vec::new();
    let (mut tc, mut tm) = (0.0, 0.0);
    for (pod, u) in s {
        let mut row = vec![pod.clone()];
        match u {
            Some((c, m)) => {
                tc += c;
                tm += m;
                row.extend([cpu(*c), mem(*m)]);
            }
            None => row.extend(["<none>".to_string(), "<none>".to_string()]),
        }
        if sparks {
            let h = history.get(pod).cloned().unwrap_or_default();
            let cs: Vec<f64> = h.iter().map(|x| x.0).collect();
            let ms: Vec<f64> = h.iter().map(|x| x.1).collect();
            row.extend([logic::sparkline(&cs), logic::sparkline(&ms)]);
        }
        rows.push(row);
    }
    let mut total = vec![format!("TOTAL ({name})"), cpu(tc), mem(tm)];
    if sparks {
        total.extend([String::new(), String::new()]);
    }
    rows.push(total);
    let mut out = render::table(&headers, rows);
    let mut ranked: Vec<(&String, f64)> =
        s.iter().filter_map(|(p, u)| u.map(|u| (p, u.0))).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    if !ranked.is_empty() {
        let list: Vec<String> = ranked
            .iter()
            .take(top)
            .map(|(p, c)| format!("{p} {}", cpu(*c)))
            .collect();
        out.push_str(&format!(
            "\nTop {} by CPU: {}\n",
            list.len(),
            list.join(", ")
        ));
    }
    out
}

fn json(name: &str, s: &Sample) -> serde_json::Value {
    let pods: Vec<_> = s
        .iter()
        .map(|(p, u)| {
            serde_json::json!({
                "pod": p,
                "cpuMillicores": u.map(|u| u.0),
                "memoryBytes": u.map(|u| u.1),
            })
        })
        .collect();
    let (c, m) = s
        .iter()
        .filter_map(|(_, u)| *u)
        .fold((0.0, 0.0), |a, u| (a.0 + u.0, a.1 + u.1));
    serde_json::json!({"statefulset": name, "pods": pods, "total": {"cpuMillicores": c, "memoryBytes": m}})
}

pub async fn run(args: TopArgs, ctx: &Ctx) -> Result<()> {
    let interval = crate::manifest::validate::duration(&args.interval)
        .map_err(|e| anyhow::anyhow!("--interval {:?}: {e}", args.interval))?;
    if args.watch && interval.is_zero() {
        bail!("--interval must be more than 0");
    }
    let prometheus = args.prometheus.clone().filter(|u| !u.trim().is_empty());
    let Some(url) = prometheus else {
        if args.range.is_some() || args.step.is_some() {
            bail!(
                "--range and --step need a Prometheus URL: pass --prometheus URL or set {}",
                prom::ENV_URL
            );
        }
        return run_metrics(args, interval, ctx).await;
    };
    let window = prom::window(
        args.range.as_deref().unwrap_or(prom::DEFAULT_RANGE),
        args.step.as_deref(),
    )?;
    let timeout = match &ctx.global.request_timeout {
        Some(t) => Some(
            crate::manifest::validate::duration(t)
                .map_err(|e| anyhow::anyhow!("--request-timeout {t:?}: {e}"))?,
        )
        .filter(|d| !d.is_zero()),
        None => None,
    };
    let server = Prometheus::new(&url, timeout, ctx.global.verbose)?;
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let mut first = true;
    let mut watched = match args.watch {
        true => Some(WatchedPods::new(&kube, &name, interval).await?),
        false => None,
    };
    let _notice = args
        .watch
        .then(|| render::progress::Notice::spawn(std::io::stderr().is_terminal()));
    loop {
        let pods = match &mut watched {
            Some(w) => w.next().await?,
            None => owned_pods(&kube, &name).await?,
        };
        let pods: Vec<String> = pods.into_iter().filter_map(|p| p.metadata.name).collect();
        if pods.is_empty() && first && watched.is_none() {
            kube.get_statefulset(&name).await?;
        }
        first = false;
        let now = Timestamp::now().as_millisecond() as f64 / 1000.0;
        let series = if pods.is_empty() {
            prom::PodSeries::new()
        } else {
            let found = server
                .pod_series(&kube.namespace, &pods, &window, now)
                .await;
            match skip_if_away(found)? {
                Some(found) => prom::by_pod(&found),
                None => continue,
            }
        };
        let report = PromReport {
            name: &name,
            namespace: &kube.namespace,
            url: &server.url,
            window: &window,
            bounds: window.bounds(now),
            pods: &pods,
            series: &series,
        };
        show(
            ctx,
            args.watch,
            &name,
            pods.is_empty(),
            || report.json(),
            || report.view(args.top),
        )?;
        if !args.watch {
            return Ok(());
        }
    }
}

/// Prints one refresh: JSON or YAML documents, or the view (redrawn in place when watching
/// on a terminal).
fn show(
    ctx: &Ctx,
    watch: bool,
    name: &str,
    empty: bool,
    json: impl FnOnce() -> serde_json::Value,
    view: impl FnOnce() -> String,
) -> Result<()> {
    match ctx.global.output {
        Some(OutputFormat::Json) => render::out(&serde_json::to_string(&json())?),
        Some(OutputFormat::Yaml) => render::out(&format!("---\n{}", render::to_yaml(&json())?)),
        _ if empty => {
            eprintln!("No pods found for statefulset {name}.");
            Ok(())
        }
        _ if watch && ctx.interactive => render::out(&format!("\x1b[H\x1b[2J{}", view())),
        _ => render::out(&view()),
    }
}

/// One refresh of the Prometheus view.
pub struct PromReport<'a> {
    pub name: &'a str,
    pub namespace: &'a str,
    pub url: &'a str,
    pub window: &'a prom::Window,
    /// Start and end of the range (Unix seconds).
    pub bounds: (f64, f64),
    /// The StatefulSet's pods, by ordinal.
    pub pods: &'a [String],
    pub series: &'a prom::PodSeries,
}

/// Sparkline width in the table (long ranges are averaged down to it).
const SPARK: usize = 16;

impl PromReport<'_> {
    fn points(&self, pod: &str, m: Metric) -> &[(f64, f64)] {
        self.series
            .get(pod)
            .and_then(|s| s.get(&m))
            .map(|v| v.as_slice())
            .unwrap_or_default()
    }

    fn spark(points: &[(f64, f64)]) -> String {
        let v: Vec<f64> = points.iter().map(|p| p.1).collect();
        logic::sparkline(&prom::resample(&v, SPARK))
    }

    /// Header, one row per pod (per metric: the last value and a sparkline of the range), the
    /// totals and the busiest pods by CPU.
    pub fn view(&self, top: usize) -> String {
        let mut out = format!(
            "statefulset {}: last {} until {}, step {} (Prometheus {})\n",
            self.name,
            self.window.label,
            rfc3339(self.bounds.1),
            prom::human(self.window.step_secs),
            self.url
        );
        let headers = [
            "pod",
            "cpu",
            "cpu history",
            "memory",
            "memory history",
            "net in",
            "in history",
            "net out",
            "out history",
        ];
        let mut rows = Vec::new();
        for pod in self.pods {
            let mut row = vec![pod.clone()];
            for m in prom::METRICS {
                let p = self.points(pod, m);
                match prom::last(p) {
                    Some(v) => row.extend([m.format(v), Self::spark(p)]),
                    None => row.extend(["<none>".to_string(), String::new()]),
                }
            }
            rows.push(row);
        }
        let mut total = vec![format!("TOTAL ({})", self.name)];
        for m in prom::METRICS {
            let lasts: Vec<f64> = self
                .pods
                .iter()
                .filter_map(|p| prom::last(self.points(p, m)))
                .collect();
            if lasts.is_empty() {
                total.extend(["<none>".to_string(), String::new()]);
            } else {
                let t = prom::totals(self.series, m);
                total.extend([m.format(lasts.iter().sum()), Self::spark(&t)]);
            }
        }
        rows.push(total);
        out.push_str(&render::table(&headers, rows));
        let mut ranked: Vec<(&String, f64)> = self
            .pods
            .iter()
            .filter_map(|p| prom::last(self.points(p, Metric::Cpu)).map(|c| (p, c)))
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        if !ranked.is_empty() {
            let list: Vec<String> = ranked
                .iter()
                .take(top)
                .map(|(p, c)| format!("{p} {}", Metric::Cpu.format(*c)))
                .collect();
            out.push_str(&format!(
                "\nTop {} by CPU: {}\n",
                list.len(),
                list.join(", ")
            ));
        }
        out
    }

    /// The series as Prometheus returned them (cores, bytes, bytes/s), per pod.
    pub fn json(&self) -> serde_json::Value {
        let pods: Vec<_> = self
            .pods
            .iter()
            .map(|pod| {
                let mut series = serde_json::Map::new();
                let mut last = serde_json::Map::new();
                for m in prom::METRICS {
                    let p = self.points(pod, m);
                    series.insert(m.key().into(), serde_json::json!(p));
                    last.insert(m.key().into(), serde_json::json!(prom::last(p)));
                }
                serde_json::json!({"pod": pod, "last": last, "series": series})
            })
            .collect();
        let mut total = serde_json::Map::new();
        let mut units = serde_json::Map::new();
        for m in prom::METRICS {
            total.insert(
                m.key().into(),
                serde_json::json!(prom::totals(self.series, m)),
            );
            units.insert(m.key().into(), m.unit().into());
        }
        serde_json::json!({
            "statefulset": self.name,
            "namespace": self.namespace,
            "prometheus": self.url,
            "range": self.window.label,
            "rangeSeconds": self.window.range_secs,
            "stepSeconds": self.window.step_secs,
            "start": self.bounds.0,
            "end": self.bounds.1,
            "units": units,
            "pods": pods,
            "total": total,
        })
    }
}

fn rfc3339(t: f64) -> String {
    Timestamp::from_second(t as i64)
        .map(|d| d.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// metrics.k8s.io: the current usage, and sparklines of what `--watch` has seen.
async fn run_metrics(args: TopArgs, interval: std::time::Duration, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let mut history: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut first = true;
    let mut watched = match args.watch {
        true => Some(WatchedPods::new(&kube, &name, interval).await?),
        false => None,
    };
    let _notice = args
        .watch
        .then(|| render::progress::Notice::spawn(std::io::stderr().is_terminal()));
    loop {
        let s = match &mut watched {
            Some(w) => {
                let pods = w.next().await?;
                match skip_if_away(sample_of(&kube, &pods).await)? {
                    Some(s) => s,
                    None => continue,
                }
            }
            None => {
                let (s, notes) = sample(&kube, &name).await?;
                if first {
                    for n in &notes {
                        eprintln!("warning: {n}");
                    }
                }
                s
            }
        };
        if s.is_empty() && first && watched.is_none() {
            // Only now: is it a missing StatefulSet or one without pods?
            kube.get_statefulset(&name).await?;
        }
        first = false;
        for (p, u) in &s {
            if let Some(u) = u {
                let h = history.entry(p.clone()).or_default();
                h.push(*u);
                if h.len() > HISTORY {
                    h.remove(0);
                }
            }
        }
        history.retain(|p, _| s.iter().any(|(n, _)| n == p));
        show(
            ctx,
            args.watch,
            &name,
            s.is_empty(),
            || json(&name, &s),
            || view(&name, &s, &history, args.top),
        )?;
        if !args.watch {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_totals_and_ranking() {
        let s: Sample = vec![
            ("web-0".into(), Some((3.2, 10.0 * 1048576.0))),
            ("web-1".into(), Some((7.0, 20.5 * 1048576.0))),
            ("web-2".into(), None),
        ];
        let v = view("web", &s, &BTreeMap::new(), 5);
        let flat: Vec<String> = v
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert!(flat.contains(&"web-0 4m 10Mi".to_string()), "{v}");
        assert!(flat.contains(&"web-2 <none> <none>".to_string()), "{v}");
        assert!(flat.contains(&"TOTAL (web) 11m 30Mi".to_string()), "{v}");
        assert!(v.contains("Top 2 by CPU: web-1 7m, web-0 4m"), "{v}");
        let mut h = BTreeMap::new();
        h.insert("web-0".to_string(), vec![(1.0, 1.0), (2.0, 2.0)]);
        assert!(view("web", &s, &h, 5).contains("▁█"));
    }

    #[test]
    fn prometheus_view_and_json() {
        let w = prom::window("1h", None).unwrap();
        let pods = vec!["web-0".to_string(), "web-1".to_string()];
        let mut series = prom::PodSeries::new();
        let s = series.entry("web-0".into()).or_default();
        s.insert(Metric::Cpu, vec![(100.0, 0.002), (220.0, 0.0305)]);
        s.insert(Metric::Memory, vec![(100.0, 5.0 * 1048576.0)]);
        series
            .entry("web-1".into())
            .or_default()
            .insert(Metric::Cpu, vec![(220.0, 0.001)]);
        let r = PromReport {
            name: "web",
            namespace: "default",
            url: "http://p:9090",
            window: &w,
            bounds: (0.0, 3600.0),
            pods: &pods,
            series: &series,
        };
        let v = r.view(1);
        let flat: Vec<String> = v
            .lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(
            flat[0],
            "statefulset web: last 1h until 1970-01-01T01:00:00Z, step 2m (Prometheus http://p:9090)"
        );
        assert!(
            flat.contains(&"web-0 31m ▁█ 5Mi ▁ <none> <none>".to_string()),
            "{v}"
        );
        assert!(
            flat.contains(&"web-1 1m ▁ <none> <none> <none>".to_string()),
            "{v}"
        );
        assert!(
            flat.contains(&"TOTAL (web) 32m ▁█ 5Mi ▁ <none> <none>".to_string()),
            "{v}"
        );
        assert!(v.ends_with("Top 1 by CPU: web-0 31m\n"), "{v}");
        let j = r.json();
        assert_eq!(j["pods"][1]["series"]["memory"], serde_json::json!([]));
        assert_eq!(j["pods"][0]["last"]["cpu"], 0.0305);
        assert_eq!(
            j["total"]["cpu"],
            serde_json::json!([[100.0, 0.002], [220.0, 0.0315]])
        );
        assert_eq!(j["units"]["networkIn"], "bytes/s");
        assert_eq!(
            (j["start"].as_f64(), j["end"].as_f64()),
            (Some(0.0), Some(3600.0))
        );
    }
}
