//! `list` (`ls`): StatefulSets of a namespace or all, page by page as kubectl's `--chunk-size`;
//! `-w` then a row per change.

use std::collections::{HashMap, HashSet};
use std::io::IsTerminal;

use anyhow::Result;
use futures::StreamExt;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;

use crate::cli::{ListArgs, OutputFormat};
use crate::kube::follow::Change;
use crate::kube::Kube;
use crate::render::{self, status};
use crate::Ctx;

pub async fn run(args: ListArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let output = ctx.global.output.clone().unwrap_or(OutputFormat::Table);
    let mut shown = Shown::new();
    if output.is_template() || args.sort_by.is_some() {
        // Every page first: a template prints one List, and sorting needs them all.
        let (all, selector) = (args.all_namespaces, args.selector.as_deref());
        let mut items = Vec::new();
        kube.list_statefulsets_paged(all, selector, args.chunk_size, |page| {
            items.extend(page);
            Ok(())
        })
        .await?;
        if let Some(field) = &args.sort_by {
            items = render::sort::sort_by(items, field)?;
        }
        remember(&mut shown, items.iter().map(|(s, _)| s));
        print_all(&args, ctx, &output, items, &kube.namespace)?;
    } else {
        print_list(&kube, &args, &output, &mut shown).await?;
    }
    if !args.watch {
        return Ok(());
    }
    watch(&kube, &args, &output, shown, ctx).await
}

/// What was printed: each StatefulSet's resourceVersion, by namespace and name.
type Shown = HashMap<(String, String), String>;

fn key(s: &StatefulSet) -> (String, String) {
    (
        s.metadata.namespace.clone().unwrap_or_default(),
        s.metadata.name.clone().unwrap_or_default(),
    )
}

fn remember<'a>(shown: &mut Shown, items: impl IntoIterator<Item = &'a StatefulSet>) {
    for s in items {
        shown.insert(
            key(s),
            s.metadata.resource_version.clone().unwrap_or_default(),
        );
    }
}

/// `-w`, as `kubectl get -w`: after the list, one row (table and wide output, no header), one
/// name or one document per change, on the follow stream (one list+watch; resumed after a cut
/// or a server restart). Its list tells what changed between ours and the watch: only those
/// are printed, and so after a relist (410).
async fn watch(
    kube: &Kube,
    args: &ListArgs,
    output: &OutputFormat,
    mut shown: Shown,
    ctx: &Ctx,
) -> Result<()> {
    let mut stream = kube
        .follow_statefulsets(args.all_namespaces, args.selector.as_deref())
        .boxed();
    let _notice = render::progress::Notice::spawn(std::io::stderr().is_terminal());
    while let Some(change) = stream.next().await {
        let changed = match change? {
            Change::Listed(list) => {
                let now: HashSet<_> = list.iter().map(key).collect();
                shown.retain(|k, _| now.contains(k));
                list
            }
            Change::Applied(s) => vec![s],
            Change::Deleted(s) => {
                shown.remove(&key(&s));
                print_change(args, output, &s, ctx)?;
                continue;
            }
        };
        for s in changed {
            let rv = s.metadata.resource_version.clone().unwrap_or_default();
            if shown.insert(key(&s), rv.clone()).as_ref() != Some(&rv) {
                print_change(args, output, &s, ctx)?;
            }
        }
    }
    Ok(())
}

fn print_change(args: &ListArgs, output: &OutputFormat, s: &StatefulSet, ctx: &Ctx) -> Result<()> {
    // Under -w a template prints each change alone, as kubectl get -w does.
    let value = || crate::manifest::typed(&render::object_value(s, true), "apps/v1", "StatefulSet");
    if output.is_template() && render::template_out(&ctx.global, &value(), true)? {
        return Ok(());
    }
    match output {
        OutputFormat::Name => render::out(&format!(
            "statefulset.apps/{}",
            s.metadata.name.as_deref().unwrap_or_default()
        )),
        OutputFormat::Json => render::out(&render::to_json(&render::object_value(s, false))?),
        OutputFormat::Yaml => render::out(&format!(
            "---\n{}",
            render::to_yaml(&render::object_value(s, false))?
        )),
        _ => render::out(&table(
            args,
            output,
            std::slice::from_ref(s),
            Timestamp::now(),
            false,
        )),
    }
}

/// All the StatefulSets at once (sorted, or for a template printer).
fn print_all(
    args: &ListArgs,
    ctx: &Ctx,
    output: &OutputFormat,
    items: Vec<(k8s_openapi::api::apps::v1::StatefulSet, serde_json::Value)>,
    namespace: &str,
) -> Result<()> {
    let list = || render::list_value(items.iter().map(|(_, v)| v.clone()).collect());
    if render::template_out(&ctx.global, &list(), args.no_headers)? {
        return Ok(());
    }
    match output {
        OutputFormat::Yaml | OutputFormat::Json => {
            let list = render::list_value(
                items
                    .iter()
                    .map(|(_, v)| render::strip_managed_fields(v.clone(), false))
                    .collect(),
            );
            render::out(&if *output == OutputFormat::Yaml {
                render::to_yaml(&list)?
            } else {
                render::to_json(&list)?
            })
        }
        OutputFormat::Name => {
            for (s, _) in &items {
                render::out(&format!(
                    "statefulset.apps/{}",
                    s.metadata.name.as_deref().unwrap_or_default()
                ))?;
            }
            Ok(())
        }
        _ => {
            if items.is_empty() {
                if args.all_namespaces {
                    eprintln!("No StatefulSets found.");
                } else {
                    eprintln!("No StatefulSets found in namespace {namespace}.");
                }
                return Ok(());
            }
            let sets: Vec<_> = items.into_iter().map(|(s, _)| s).collect();
            render::out(&table(
                args,
                output,
                &sets,
                Timestamp::now(),
                !args.no_headers,
            ))
        }
    }
}

async fn print_list(
    kube: &Kube,
    args: &ListArgs,
    output: &OutputFormat,
    shown: &mut Shown,
) -> Result<()> {
    let (all, selector) = (args.all_namespaces, args.selector.as_deref());
    match output {
        OutputFormat::Yaml | OutputFormat::Json => {
            // One List of every page, as kubectl prints it.
            let mut raw = Vec::new();
            kube.list_statefulsets_paged(all, selector, args.chunk_size, |page| {
                remember(shown, page.iter().map(|(s, _)| s));
                raw.extend(page.into_iter().map(|(_, v)| v));
                Ok(())
            })
            .await?;
            let list = serde_json::json!({
                "apiVersion": "v1",
                "kind": "List",
                "metadata": {},
                "items": raw.into_iter().map(|v| render::strip_managed_fields(v, false)).collect::<Vec<_>>(),
            });
            let text = if *output == OutputFormat::Yaml {
                render::to_yaml(&list)?
            } else {
                render::to_json(&list)?
            };
            render::out(&text)
        }
        OutputFormat::Name => {
            kube.list_statefulsets_paged(all, selector, args.chunk_size, |page| {
                remember(shown, page.iter().map(|(s, _)| s));
                let names: Vec<String> = page
                    .iter()
                    .map(|(s, _)| {
                        format!(
                            "statefulset.apps/{}",
                            s.metadata.name.as_deref().unwrap_or_default()
                        )
                    })
                    .collect();
                if names.is_empty() {
                    return Ok(());
                }
                render::out(&names.join("\n"))
            })
            .await
        }
        _ => {
            // Each page is printed as it arrives (its own column widths, the header once), as
            // kubectl's chunked `get` does.
            let mut printed = 0usize;
            let now = Timestamp::now();
            kube.list_statefulsets_paged(all, selector, args.chunk_size, |page| {
                if page.is_empty() {
                    return Ok(());
                }
                let items: Vec<_> = page.into_iter().map(|(s, _)| s).collect();
                remember(shown, &items);
                let first = printed == 0;
                printed += items.len();
                render::out(&table(args, output, &items, now, first && !args.no_headers))
            })
            .await?;
            if printed == 0 {
                if all {
                    eprintln!("No StatefulSets found.");
                } else {
                    eprintln!("No StatefulSets found in namespace {}.", kube.namespace);
                }
            }
            Ok(())
        }
    }
}

fn table(
    args: &ListArgs,
    output: &OutputFormat,
    items: &[StatefulSet],
    now: Timestamp,
    show_headers: bool,
) -> String {
    let wide = *output == OutputFormat::Wide;
    let mut headers = vec![];
    if args.all_namespaces {
        headers.push("NAMESPACE");
    }
    headers.extend(["NAME", "STATUS", "READY", "REVISION", "IMAGES", "AGE"]);
    if wide {
        headers.extend(["SERVICE", "UPDATE STRATEGY", "SELECTOR"]);
    }
    if args.show_labels {
        headers.push("LABELS");
    }
    let rows = items
        .iter()
        .map(|s| {
            let name = s.metadata.name.clone().unwrap_or_default();
            let spec = s.spec.as_ref();
            let mut row = vec![];
            if args.all_namespaces {
                row.push(s.metadata.namespace.clone().unwrap_or_default());
            }
            let revision = s
                .status
                .as_ref()
                .and_then(|st| st.update_revision.as_deref())
                .map(|r| status::revision_hash(&name, r).to_string())
                .unwrap_or_else(|| "<none>".into());
            row.extend([
                name.clone(),
                status::statefulset_status(s).to_string(),
                status::ready_column(s),
                revision,
                images(s),
                render::age(s.metadata.creation_timestamp.as_ref(), now),
            ]);
            if wide {
                row.push(
                    spec.and_then(|sp| sp.service_name.clone())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "<none>".into()),
                );
                row.push(update_strategy(s));
                row.push(selector(s));
            }
            if args.show_labels {
                row.push(labels(s.metadata.labels.as_ref()));
            }
            row
        })
        .collect();
    render::table_with(&headers, rows, show_headers)
}

/// Labels as kubectl's --show-labels prints them (apimachinery labels.FormatLabels): sorted by
/// key, `k=v` joined by commas, `<none>` when there are none.
pub fn labels(l: Option<&std::collections::BTreeMap<String, String>>) -> String {
    match l {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

pub fn images(s: &k8s_openapi::api::apps::v1::StatefulSet) -> String {
    s.spec
        .as_ref()
        .and_then(|sp| sp.template.spec.as_ref())
        .map(|p| {
            p.containers
                .iter()
                .filter_map(|c| c.image.clone())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

pub fn update_strategy(s: &k8s_openapi::api::apps::v1::StatefulSet) -> String {
    let us = s.spec.as_ref().and_then(|sp| sp.update_strategy.as_ref());
    let ty = us
        .and_then(|u| u.type_.clone())
        .unwrap_or_else(|| "RollingUpdate".into());
    match us
        .and_then(|u| u.rolling_update.as_ref())
        .and_then(|r| r.partition)
    {
        Some(p) if ty == "RollingUpdate" && p > 0 => format!("{ty}(partition={p})"),
        _ => ty,
    }
}

pub use crate::manifest::text::selector;
