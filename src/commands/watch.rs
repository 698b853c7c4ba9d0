//! `get NAME --watch`: the detail view redrawn in place whenever the StatefulSet or one of its
//! pods changes (two watches, no polling), with the rollout's progress; without a terminal one
//! summary line per change.

use jiff::Timestamp;
use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::Result;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use kube::api::WatchEvent;

use super::list::selector;
use crate::kube::Kube;
use crate::render;
use crate::Ctx;

/// `web: 2/3 ready, 1/3 updated, rolling out web-5d4 -> web-7c9` (or `up to date at web-7c9`).
pub fn summary(sts: &StatefulSet, pods: &BTreeMap<String, Pod>) -> String {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let desired = sts.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1);
    let st = sts.status.clone().unwrap_or_default();
    let ready = st.ready_replicas.unwrap_or(0);
    let updated = st.updated_replicas.unwrap_or(0);
    let cur = st.current_revision.clone().unwrap_or_default();
    let upd = st.update_revision.clone().unwrap_or_default();
    let observed = st.observed_generation == sts.metadata.generation;
    let rollout = if crate::manifest::rollout::is_on_delete(sts) {
        // OnDelete: currentRevision never advances; the pods' revisions tell.
        let list: Vec<Pod> = pods.values().cloned().collect();
        let behind = crate::manifest::rollout::pods_behind(sts, &list);
        if !behind.is_empty() {
            format!(
                "OnDelete: {} on an older template until deleted",
                behind.join(",")
            )
        } else if !observed || ready != desired || st.replicas != desired {
            "progressing".to_string()
        } else {
            format!("up to date at {upd}")
        }
    } else if cur != upd && !upd.is_empty() {
        format!("rolling out {cur} -> {upd}")
    } else if !observed || ready != desired || st.replicas != desired {
        "progressing".to_string()
    } else {
        format!("up to date at {upd}")
    };
    let states: Vec<String> = pods
        .values()
        .map(|p| {
            let (s, _, _) = render::status::pod_status(p);
            format!("{}={s}", p.metadata.name.as_deref().unwrap_or_default())
        })
        .collect();
    format!(
        "{name}: {ready}/{desired} ready, {updated}/{desired} updated, {rollout}; pods: {}",
        if states.is_empty() {
            "none".to_string()
        } else {
            states.join(" ")
        }
    )
}

pub async fn run(kube: &Kube, name: &str, ctx: &Ctx) -> Result<()> {
    let tty = std::io::stdout().is_terminal();
    let mut sts = kube.get_statefulset(name).await?;
    let sel = selector(&sts);
    // Pods this user may not list: the set alone is watched, and the page says so.
    let (list, mut pod_rv, forbidden) = match kube.list_pods_rv(&sts).await {
        Ok((list, rv)) => (list, rv, false),
        Err(e) if crate::kube::is_forbidden(&e) => {
            eprintln!("warning: the pods are not shown: {e}");
            (Vec::new(), String::new(), true)
        }
        Err(e) => return Err(e),
    };
    let mut pods: BTreeMap<String, Pod> = list
        .into_iter()
        .map(|p| (p.metadata.name.clone().unwrap_or_default(), p))
        .collect();
    let mut sts_rv = sts.metadata.resource_version.clone().unwrap_or_default();
    let mut last = String::new();
    let mut sts_watch = kube.obs_watch_statefulset(name, &sts_rv).await?.boxed();
    let mut pod_watch = if forbidden {
        futures::stream::pending().boxed()
    } else {
        kube.obs_watch_pods(&sel, &pod_rv).await?.boxed()
    };
    loop {
        let text = if tty {
            let all: Vec<Pod> = pods.values().cloned().collect();
            let page = super::get::detail(&sts, &all, Timestamp::now());
            let page = if forbidden {
                super::get::without_pods(&page)
            } else {
                page
            };
            format!("\x1b[H\x1b[2J{page}\nRollout: {}\n", summary(&sts, &pods))
        } else {
            summary(&sts, &pods)
        };
        let text = if forbidden {
            text.replace("; pods: none", "; pods: not shown (forbidden)")
        } else {
            text
        };
        if text != last {
            render::out(&text)?;
            last = text;
        }
        let _ = ctx;
        tokio::select! {
            ev = sts_watch.next() => match ev {
                Some(Ok(WatchEvent::Added(s))) | Some(Ok(WatchEvent::Modified(s))) => {
                    sts_rv = s.metadata.resource_version.clone().unwrap_or_default();
                    sts = s;
                }
                Some(Ok(WatchEvent::Deleted(_))) => {
                    eprintln!("statefulset {name} was deleted");
                    return Ok(());
                }
                Some(Ok(WatchEvent::Bookmark(b))) => sts_rv = b.metadata.resource_version,
                Some(Ok(WatchEvent::Error(e))) if e.code == 410 => {
                    sts = kube.get_statefulset(name).await?;
                    sts_rv = sts.metadata.resource_version.clone().unwrap_or_default();
                    sts_watch = kube.obs_watch_statefulset(name, &sts_rv).await?.boxed();
                }
                _ => {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    sts_watch = kube.obs_watch_statefulset(name, &sts_rv).await?.boxed();
                }
            },
            ev = pod_watch.next() => match ev {
                Some(Ok(WatchEvent::Added(p))) | Some(Ok(WatchEvent::Modified(p))) => {
                    pod_rv = p.metadata.resource_version.clone().unwrap_or_default();
                    // Only the pods the set controls (another set's selector may overlap).
                    if crate::kube::owns(&sts, &p) {
                        pods.insert(p.metadata.name.clone().unwrap_or_default(), p);
                    }
                }
                Some(Ok(WatchEvent::Deleted(p))) => {
                    pod_rv = p.metadata.resource_version.clone().unwrap_or_default();
                    pods.remove(p.metadata.name.as_deref().unwrap_or_default());
                }
                Some(Ok(WatchEvent::Bookmark(b))) => pod_rv = b.metadata.resource_version,
                Some(Ok(WatchEvent::Error(e))) if e.code == 410 => {
                    let (list, rv) = kube.list_pods_rv(&sts).await?;
                    pods = list.into_iter().map(|p| (p.metadata.name.clone().unwrap_or_default(), p)).collect();
                    pod_rv = rv;
                    pod_watch = kube.obs_watch_pods(&sel, &pod_rv).await?.boxed();
                }
                _ => {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    pod_watch = kube.obs_watch_pods(&sel, &pod_rv).await?.boxed();
                }
            },
        }
    }
}
