//! `get NAME --watch`: the detail view redrawn in place whenever the StatefulSet or one of its
//! pods changes (the follow stream: one list+watch of each, no polling), with the rollout's
//! progress; without a terminal one summary line per change. While the server does not
//! answer, stderr says so (`Notice`) and the watches resume where they were.

use jiff::Timestamp;
use std::collections::BTreeMap;
use std::io::IsTerminal;

use anyhow::Result;
use futures::StreamExt;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

use super::list::selector;
use crate::kube::follow::Update;
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
    // The set's selector and UID pick its pods; then one list+watch of each (the follow
    // stream: relists on 410, resumes after a cut or a server restart).
    let first = kube.get_statefulset(name).await?;
    let mut follow = kube
        .follow(name, &selector(&first), first.metadata.uid.clone(), false)
        .boxed();
    // Pods this user may not list: the set alone is followed, and the page says so.
    let mut forbidden = false;
    let _notice = render::progress::Notice::spawn(std::io::stderr().is_terminal());
    let mut sts = first;
    let mut pods: BTreeMap<String, Pod> = BTreeMap::new();
    let mut listed = (false, false);
    let mut last = String::new();
    let _ = ctx;
    while let Some(update) = follow.next().await {
        let update = match update {
            Err(e) if !forbidden && crate::kube::is_forbidden(&e) => {
                eprintln!("warning: the pods are not shown: {e}");
                forbidden = true;
                listed.1 = true;
                pods.clear();
                follow = kube
                    .follow_with(
                        name,
                        &crate::kube::follow::Follow {
                            set: true,
                            ..Default::default()
                        },
                    )
                    .boxed();
                continue;
            }
            other => other?,
        };
        match update {
            Update::Set(Some(s)) => {
                sts = s;
                listed.0 = true;
            }
            Update::Set(None) => {
                eprintln!("statefulset {name} was deleted");
                return Ok(());
            }
            Update::Pods(list) => {
                pods = list
                    .into_iter()
                    .map(|p| (p.metadata.name.clone().unwrap_or_default(), p))
                    .collect();
                listed.1 = true;
            }
            Update::Pod(p) => {
                pods.insert(p.metadata.name.clone().unwrap_or_default(), p);
            }
            Update::PodGone(p) => {
                pods.remove(p.metadata.name.as_deref().unwrap_or_default());
            }
            Update::Events(_) | Update::Event(_) => {}
        }
        // Nothing is drawn before both lists are in.
        if !(listed.0 && listed.1) {
            continue;
        }
        let text = if tty {
            let all: Vec<Pod> = pods.values().cloned().collect();
            let seen = kube.what_pods_wait_for(&sts, &all).await;
            let page = super::get::detail(&sts, &all, &seen, Timestamp::now());
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
    }
    Ok(())
}
