//! `events NAME`: the StatefulSet's events (one list by field selector); `--pods` adds its pods'
//! and claims' (one list of the namespace, filtered here); `-w` streams new ones.

use jiff::Timestamp;
use std::collections::HashSet;
use std::time::Duration;

use anyhow::Result;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;
use kube::api::WatchEvent;

use crate::cli::{EventsArgs, OutputFormat};
use crate::kube::Kube;
use crate::manifest::observe as logic;
use crate::render;
use crate::Ctx;

fn sts_fields(name: &str) -> String {
    format!("involvedObject.kind=StatefulSet,involvedObject.name={name}")
}

/// The table rows: TYPE REASON OBJECT AGE MESSAGE.
fn row(ev: &Event, now: Timestamp, color: bool) -> Vec<String> {
    let ty = ev.type_.clone().unwrap_or_else(|| "Normal".into());
    let styled = if ty == "Warning" {
        console::Style::new()
            .yellow()
            .force_styling(color)
            .apply_to(&ty)
            .to_string()
    } else {
        ty
    };
    vec![
        styled,
        ev.reason.clone().unwrap_or_default(),
        logic::event_object(ev),
        logic::event_age(ev, now),
        ev.message
            .clone()
            .unwrap_or_default()
            .trim_end()
            .to_string(),
    ]
}

const HEADERS: [&str; 5] = ["type", "reason", "object", "age", "message"];

/// A key that changes when an event is updated (count bumps).
fn key(ev: &Event) -> (String, String) {
    (
        ev.metadata.uid.clone().unwrap_or_default(),
        ev.metadata.resource_version.clone().unwrap_or_default(),
    )
}

pub async fn run(args: EventsArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let (mut events, sts_rv) = kube.obs_list_events(Some(&sts_fields(&name))).await?;
    let mut ns_rv = None;
    if args.pods {
        let (all, rv) = kube.obs_list_events(None).await?;
        events.extend(
            all.into_iter()
                .filter(|e| logic::event_is_for_pods(e, &name)),
        );
        ns_rv = Some(rv);
    }
    logic::sort_events(&mut events);
    if let Some(field) = &args.sort_by {
        let items: Vec<_> = events
            .into_iter()
            .map(|e| {
                let v = event_value(&e);
                (e, v)
            })
            .collect();
        events = render::sort::sort_by(items, field)?
            .into_iter()
            .map(|(e, _)| e)
            .collect();
    }
    let now = Timestamp::now();
    match &ctx.global.output {
        Some(f) if f.is_template() => {
            if args.watch {
                for e in &events {
                    show(e, ctx)?;
                }
            } else {
                // The events as the server sent them (one more request, only for a template).
                let mut lp = kube::api::ListParams::default();
                if !args.pods {
                    lp = lp.fields(&sts_fields(&name));
                }
                let raw = kube.list_raw("v1", "Event", "events", &lp).await?;
                let items =
                    render::in_uid_order(raw, events.iter().map(|e| e.metadata.uid.as_deref()));
                render::template_out(&ctx.global, &render::list_value(items), args.no_headers)?;
                return Ok(());
            }
        }
        Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => {
            let items: Vec<_> = events
                .iter()
                .map(|e| crate::manifest::typed(&render::object_value(e, false), "v1", "Event"))
                .collect();
            if !args.watch {
                let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items});
                return render::out(&if ctx.global.output == Some(OutputFormat::Yaml) {
                    render::to_yaml(&list)?
                } else {
                    render::to_json(&list)?
                });
            }
            for v in items {
                print_object(&v, ctx.global.output.as_ref())?;
            }
        }
        Some(OutputFormat::Name) => {
            for e in &events {
                render::out(&format!(
                    "event/{}",
                    e.metadata.name.as_deref().unwrap_or_default()
                ))?;
            }
        }
        _ => {
            if events.is_empty() {
                if !args.watch {
                    eprintln!("No events found for statefulset {name}.");
                    return Ok(());
                }
            } else {
                let rows = events.iter().map(|e| row(e, now, ctx.color)).collect();
                render::out(&render::table_with(&HEADERS, rows, !args.no_headers))?;
            }
        }
    }
    if !args.watch {
        return Ok(());
    }
    let mut seen: HashSet<(String, String)> = events.iter().map(key).collect();
    // With --pods one watch of the namespace covers all three kinds; else the StatefulSet's.
    let (fields, rv) = match ns_rv {
        Some(rv) => (None, rv),
        None => (Some(sts_fields(&name)), sts_rv),
    };
    watch(&kube, &name, fields, rv, &mut seen, ctx).await
}

/// An Event as kubectl's printers see it (apiVersion and kind set, managedFields kept).
fn event_value(e: &Event) -> serde_json::Value {
    crate::manifest::typed(&render::object_value(e, true), "v1", "Event")
}

fn print_object(v: &serde_json::Value, format: Option<&OutputFormat>) -> Result<()> {
    if format == Some(&OutputFormat::Yaml) {
        render::out(&format!("---\n{}", render::to_yaml(v)?))
    } else {
        render::out(&serde_json::to_string(v)?)
    }
}

fn wanted(ev: &Event, name: &str, pods: bool) -> bool {
    (ev.involved_object.kind.as_deref() == Some("StatefulSet")
        && ev.involved_object.name.as_deref() == Some(name))
        || (pods && logic::event_is_for_pods(ev, name))
}

/// Streams events after `rv`; a cut watch resumes from the last resourceVersion, a 410 relists
/// (printing only events not shown yet).
async fn watch(
    kube: &Kube,
    name: &str,
    fields: Option<String>,
    mut rv: String,
    seen: &mut HashSet<(String, String)>,
    ctx: &Ctx,
) -> Result<()> {
    let pods = fields.is_none();
    loop {
        let mut gone = false;
        match kube.obs_watch_events(fields.as_deref(), &rv).await {
            Ok(mut stream) => {
                while let Some(item) = stream.next().await {
                    match item {
                        Ok(WatchEvent::Added(ev)) | Ok(WatchEvent::Modified(ev)) => {
                            if let Some(v) = ev.metadata.resource_version.clone() {
                                rv = v;
                            }
                            if wanted(&ev, name, pods) && seen.insert(key(&ev)) {
                                show(&ev, ctx)?;
                            }
                        }
                        Ok(WatchEvent::Deleted(ev)) => {
                            if let Some(v) = ev.metadata.resource_version.clone() {
                                rv = v;
                            }
                        }
                        Ok(WatchEvent::Bookmark(b)) => rv = b.metadata.resource_version,
                        Ok(WatchEvent::Error(e)) => {
                            gone = e.code == 410;
                            break;
                        }
                        Err(_) => break,
                    }
                }
            }
            Err(e)
                if crate::kube::is_reason(&e, "Expired") || crate::kube::is_reason(&e, "Gone") =>
            {
                gone = true
            }
            Err(e) => return Err(e),
        }
        if gone {
            let (mut events, v) = kube.obs_list_events(fields.as_deref()).await?;
            rv = v;
            logic::sort_events(&mut events);
            for ev in events.iter().filter(|e| wanted(e, name, pods)) {
                if seen.insert(key(ev)) {
                    show(ev, ctx)?;
                }
            }
        } else {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn show(ev: &Event, ctx: &Ctx) -> Result<()> {
    // Under -w a template prints each new event alone, as kubectl get -w does.
    if render::template_out(&ctx.global, &event_value(ev), true)? {
        return Ok(());
    }
    match &ctx.global.output {
        Some(f @ (OutputFormat::Json | OutputFormat::Yaml)) => print_object(
            &crate::manifest::typed(&render::object_value(ev, false), "v1", "Event"),
            Some(f),
        ),
        Some(OutputFormat::Name) => render::out(&format!(
            "event/{}",
            ev.metadata.name.as_deref().unwrap_or_default()
        )),
        _ => render::out(&row(ev, Timestamp::now(), ctx.color).join("   ")),
    }
}
