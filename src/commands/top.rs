//! `top NAME` (alias `monitor`): CPU and memory per pod from metrics.k8s.io, the totals and the
//! busiest pods; `--watch` refreshes and draws sparklines of the history seen.
//! Two requests per refresh: the pods (by the StatefulSet pod label, filtered to this
//! StatefulSet's controller reference) and their PodMetrics (same selector).
//! TODO: `--prometheus URL` (history ranges) is accepted but not implemented.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use k8s_openapi::api::core::v1::Pod;

use crate::cli::{OutputFormat, TopArgs};
use crate::kube::observe::POD_NAME_LABEL;
use crate::kube::Kube;
use crate::manifest::observe as logic;
use crate::render;
use crate::Ctx;

const HISTORY: usize = 30;

/// One refresh: (pod name, Some((millicores, bytes)) when metrics exist), by ordinal.
pub type Sample = Vec<(String, Option<(f64, f64)>)>;

fn owned_by(p: &Pod, name: &str) -> bool {
    p.metadata
        .owner_references
        .iter()
        .flatten()
        .any(|o| o.kind == "StatefulSet" && o.name == name && o.controller == Some(true))
}

async fn sample(kube: &Kube, name: &str) -> Result<Sample> {
    let (pods, _) = kube.list_pods_rv(POD_NAME_LABEL).await?;
    let mut pods: Vec<Pod> = pods.into_iter().filter(|p| owned_by(p, name)).collect();
    pods.sort_by_key(|p| {
        render::status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default())
            .unwrap_or(i64::MAX)
    });
    let metrics = kube.list_pod_metrics(POD_NAME_LABEL).await?;
    let by_name: BTreeMap<String, (f64, f64)> = metrics
        .iter()
        .filter_map(|m| {
            m["metadata"]["name"]
                .as_str()
                .map(|n| (n.to_string(), logic::pod_usage(m)))
        })
        .collect();
    Ok(pods
        .iter()
        .map(|p| {
            let n = p.metadata.name.clone().unwrap_or_default();
            let u = by_name.get(&n).copied();
            (n, u)
        })
        .collect())
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
    if args.prometheus.is_some() {
        eprintln!("warning: --prometheus is not implemented yet; showing metrics.k8s.io only");
    }
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let mut history: BTreeMap<String, Vec<(f64, f64)>> = BTreeMap::new();
    let mut first = true;
    loop {
        let s = sample(&kube, &name).await?;
        if s.is_empty() && first {
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
        match ctx.global.output {
            Some(OutputFormat::Json) => render::out(&serde_json::to_string(&json(&name, &s))?)?,
            Some(OutputFormat::Yaml) => {
                render::out(&format!("---\n{}", render::to_yaml(&json(&name, &s))?))?
            }
            _ => {
                if s.is_empty() {
                    eprintln!("No pods found for statefulset {name}.");
                } else {
                    let text = view(&name, &s, &history, args.top);
                    if args.watch && ctx.interactive {
                        render::out(&format!("\x1b[H\x1b[2J{text}"))?;
                    } else {
                        render::out(&text)?;
                    }
                }
            }
        }
        if !args.watch {
            return Ok(());
        }
        tokio::time::sleep(interval).await;
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
}
