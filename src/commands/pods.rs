//! `pods NAME`: the set's pods with their revisions; `-w` then a row per change.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;

use anyhow::Result;
use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

use crate::cli::{OutputFormat, PodsArgs};
use crate::kube::follow::Update;
use crate::kube::Kube;
use crate::render;
use crate::Ctx;

pub async fn run(args: PodsArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    // The table shows revision numbers as `get` does, so it lists the revisions too (the same
    // one round trip as `get` when the selector is app=NAME).
    let table = !matches!(
        ctx.global.output,
        Some(OutputFormat::Name) | Some(OutputFormat::Yaml) | Some(OutputFormat::Json)
    ) && !ctx.global.output.as_ref().is_some_and(|o| o.is_template());
    let (sts, pods, revisions) = kube.statefulset_with(&name, true, table).await?;
    let numbers = super::get::numbers(revisions);
    let mut pods = pods.transpose()?.unwrap_or_default();
    pods.sort_by_key(|p| {
        crate::render::status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default())
            .unwrap_or(i64::MAX)
    });
    let value = |p: &k8s_openapi::api::core::v1::Pod| {
        crate::manifest::typed(&render::object_value(p, true), "v1", "Pod")
    };
    if let Some(field) = &args.sort_by {
        let items: Vec<_> = pods
            .into_iter()
            .map(|p| {
                let v = value(&p);
                (p, v)
            })
            .collect();
        pods = render::sort::sort_by(items, field)?
            .into_iter()
            .map(|(p, _)| p)
            .collect();
    }
    if ctx.global.output.as_ref().is_some_and(|o| o.is_template()) {
        // The pods as the server sent them (one more request, only for a template).
        let lp = kube::api::ListParams::default().labels(&crate::manifest::text::selector(&sts));
        let raw = kube.list_raw("v1", "Pod", "pods", &lp).await?;
        let items = render::in_uid_order(raw, pods.iter().map(|p| p.metadata.uid.as_deref()));
        render::template_out(&ctx.global, &render::list_value(items), args.no_headers)?;
        return Ok(());
    }
    let opts = super::get::PodTable {
        sorted: args.sort_by.is_some(),
        no_headers: args.no_headers,
        show_labels: args.show_labels,
        wide: ctx.global.output == Some(OutputFormat::Wide),
    };
    print_pods(&name, &sts, &pods, &numbers, opts, ctx)?;
    if !args.watch {
        return Ok(());
    }
    watch(&kube, sts, &pods, &numbers, opts, ctx).await
}

fn print_pods(
    name: &str,
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &super::get::Numbers,
    opts: super::get::PodTable,
    ctx: &Ctx,
) -> Result<()> {
    match ctx.global.output {
        Some(OutputFormat::Name) => {
            let names: Vec<String> = pods
                .iter()
                .map(|p| format!("pod/{}", p.metadata.name.as_deref().unwrap_or_default()))
                .collect();
            if names.is_empty() {
                return Ok(());
            }
            render::out(&names.join("\n"))
        }
        Some(OutputFormat::Yaml) | Some(OutputFormat::Json) => {
            let list = serde_json::json!({
                "apiVersion": "v1", "kind": "List", "metadata": {},
                "items": pods.iter().map(|p| crate::manifest::typed(&render::object_value(p, false), "v1", "Pod")).collect::<Vec<_>>(),
            });
            let text = if ctx.global.output == Some(OutputFormat::Yaml) {
                render::to_yaml(&list)?
            } else {
                render::to_json(&list)?
            };
            render::out(&text)
        }
        _ => {
            if pods.is_empty() {
                eprintln!("No pods found for statefulset {name}.");
                return Ok(());
            }
            render::out(&super::get::pod_table_with(
                sts,
                pods,
                numbers,
                Timestamp::now(),
                opts,
            ))
        }
    }
}

/// `-w`, as `kubectl get pods -w`: after the table, one row (one name, one document) per
/// change of a pod of the set, deleted ones included, on the follow stream (the set and its
/// pods: one list+watch each, resumed after a cut or a server restart). Its list tells what
/// changed between ours and the watch: only those are printed, and so after a relist.
/// Revision numbers are those listed first (a revision made later shows its hash).
async fn watch(
    kube: &Kube,
    mut sts: StatefulSet,
    pods: &[Pod],
    numbers: &super::get::Numbers,
    opts: super::get::PodTable,
    ctx: &Ctx,
) -> Result<()> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let rv = |p: &Pod| p.metadata.resource_version.clone().unwrap_or_default();
    let mut shown: HashMap<String, String> = pods
        .iter()
        .map(|p| (p.metadata.name.clone().unwrap_or_default(), rv(p)))
        .collect();
    let mut stream = kube
        .follow(
            &name,
            &super::list::selector(&sts),
            sts.metadata.uid.clone(),
            false,
        )
        .boxed();
    let _notice = render::progress::Notice::spawn(std::io::stderr().is_terminal());
    while let Some(update) = stream.next().await {
        let changed = match update? {
            Update::Set(Some(s)) => {
                sts = s;
                continue;
            }
            Update::Set(None) => {
                eprintln!("statefulset {name} was deleted");
                return Ok(());
            }
            Update::Pods(list) => {
                let now: HashSet<String> = list
                    .iter()
                    .filter_map(|p| p.metadata.name.clone())
                    .collect();
                shown.retain(|k, _| now.contains(k));
                list
            }
            Update::Pod(p) => vec![p],
            Update::PodGone(p) => {
                shown.remove(p.metadata.name.as_deref().unwrap_or_default());
                print_change(&sts, &p, numbers, opts, ctx)?;
                continue;
            }
            Update::Events(_) | Update::Event(_) => continue,
        };
        for p in changed {
            let v = rv(&p);
            let name = p.metadata.name.clone().unwrap_or_default();
            if shown.insert(name, v.clone()).as_ref() != Some(&v) {
                print_change(&sts, &p, numbers, opts, ctx)?;
            }
        }
    }
    Ok(())
}

fn print_change(
    sts: &StatefulSet,
    p: &Pod,
    numbers: &super::get::Numbers,
    opts: super::get::PodTable,
    ctx: &Ctx,
) -> Result<()> {
    let headers = super::get::pod_headers(opts);
    // Under -w a template prints each change alone, as kubectl get -w does.
    if ctx.global.output.as_ref().is_some_and(|o| o.is_template()) {
        let v = crate::manifest::typed(&render::object_value(p, true), "v1", "Pod");
        if render::template_out(&ctx.global, &v, true)? {
            return Ok(());
        }
    }
    match &ctx.global.output {
        Some(OutputFormat::Name) => render::out(&format!(
            "pod/{}",
            p.metadata.name.as_deref().unwrap_or_default()
        )),
        Some(f @ (OutputFormat::Json | OutputFormat::Yaml)) => {
            let v = crate::manifest::typed(&render::object_value(p, false), "v1", "Pod");
            if *f == OutputFormat::Yaml {
                render::out(&format!("---\n{}", render::to_yaml(&v)?))
            } else {
                render::out(&render::to_json(&v)?)
            }
        }
        _ => render::out(&render::table_with(
            &headers,
            super::get::pod_rows(
                sts,
                std::slice::from_ref(p),
                numbers,
                Timestamp::now(),
                super::get::PodTable {
                    sorted: true,
                    ..opts
                },
            ),
            false,
        )),
    }
}
