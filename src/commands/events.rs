//! `events NAME`: the StatefulSet's events (one list by field selector); `--pods` adds its pods'
//! and claims' (one list of the namespace, filtered here); `-w` streams new ones on the follow
//! stream (one list+watch of each).

use jiff::Timestamp;
use std::collections::HashSet;
use std::io::IsTerminal;

use anyhow::Result;
use futures::StreamExt;
use k8s_openapi::api::core::v1::Event;

use crate::cli::{EventsArgs, OutputFormat};
use crate::kube::follow::{Follow, Update};
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
    if args.watch {
        return watch(&kube, &name, args.pods, ctx).await;
    }
    let (mut events, _) = kube.obs_list_events(Some(&sts_fields(&name))).await?;
    if args.pods {
        let (all, _) = kube.obs_list_events(None).await?;
        events.extend(
            all.into_iter()
                .filter(|e| logic::event_is_for_pods(e, &name)),
        );
    }
    logic::sort_events(&mut events);
    show_first(&events, &name, false, ctx)
}

/// The events as listed: a table (a List document with -o json/yaml), or with `watch` what
/// the stream that follows continues (one document per event).
fn show_first(events: &[Event], name: &str, watch: bool, ctx: &Ctx) -> Result<()> {
    let now = Timestamp::now();
    match ctx.global.output {
        Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => {
            let items: Vec<_> = events
                .iter()
                .map(|e| crate::manifest::typed(&render::object_value(e, false), "v1", "Event"))
                .collect();
            if !watch {
                let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": items});
                return render::out(&if ctx.global.output == Some(OutputFormat::Yaml) {
                    render::to_yaml(&list)?
                } else {
                    render::to_json(&list)?
                });
            }
            for v in items {
                print_object(&v, ctx.global.output)?;
            }
        }
        Some(OutputFormat::Name) => {
            for e in events {
                render::out(&format!(
                    "event/{}",
                    e.metadata.name.as_deref().unwrap_or_default()
                ))?;
            }
        }
        _ => {
            if events.is_empty() {
                if !watch {
                    eprintln!("No events found for statefulset {name}.");
                }
            } else {
                let rows = events.iter().map(|e| row(e, now, ctx.color)).collect();
                render::out(&render::table(&HEADERS, rows))?;
            }
        }
    }
    Ok(())
}

fn print_object(v: &serde_json::Value, format: Option<OutputFormat>) -> Result<()> {
    if format == Some(OutputFormat::Yaml) {
        render::out(&format!("---\n{}", render::to_yaml(v)?))
    } else {
        render::out(&serde_json::to_string(v)?)
    }
}

/// `-w`: the follow stream with the set's events (and with `--pods` the namespace's, kept for
/// its pods and claims): one list+watch each. The table of the first lists, then each new or
/// changed event once. After a cut or a server restart the watches resume from their
/// resourceVersion; a relist (410) prints only what was not shown.
async fn watch(kube: &Kube, name: &str, pods: bool, ctx: &Ctx) -> Result<()> {
    let what = Follow {
        set_events: true,
        pod_events: pods,
        ..Default::default()
    };
    let mut stream = kube.follow_with(name, &what).boxed();
    let _notice = render::progress::Notice::spawn(std::io::stderr().is_terminal());
    let parts = 1 + usize::from(pods);
    let mut listed = 0;
    let mut first: Vec<Event> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while let Some(update) = stream.next().await {
        match update? {
            Update::Events(mut list) if listed < parts => {
                listed += 1;
                first.append(&mut list);
                if listed == parts {
                    logic::sort_events(&mut first);
                    first.retain(|e| seen.insert(key(e)));
                    show_first(&first, name, true, ctx)?;
                }
            }
            Update::Events(mut list) => {
                logic::sort_events(&mut list);
                for ev in list.iter().filter(|e| seen.insert(key(e))) {
                    show(ev, ctx)?;
                }
            }
            // Before both lists are in, a change waits in the first table's list.
            Update::Event(ev) if listed < parts => first.push(ev),
            Update::Event(ev) if seen.insert(key(&ev)) => show(&ev, ctx)?,
            _ => {}
        }
    }
    Ok(())
}

fn show(ev: &Event, ctx: &Ctx) -> Result<()> {
    match ctx.global.output {
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
