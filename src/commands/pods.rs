//! `pods`: the pods a StatefulSet controls (by ownerReference uid), with revision and status.

use anyhow::Result;
use jiff::Timestamp;

use crate::cli::{OutputFormat, PodsArgs};
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
            let numbers = super::get::numbers(revisions);
            render::out(&super::get::pod_table_with(
                &sts,
                &pods,
                &numbers,
                Timestamp::now(),
                super::get::PodTable {
                    sorted: args.sort_by.is_some(),
                    no_headers: args.no_headers,
                    show_labels: args.show_labels,
                },
            ))
        }
    }
}
