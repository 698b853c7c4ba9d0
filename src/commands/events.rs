//! `events NAME`: the StatefulSet's events (one list by field selector); `--pods` adds its pods'
//! and claims' (the namespace's events filtered here, with the set and the claims to tell whose
//! a claim is); `-w` streams new ones on the follow stream (one list+watch of each).

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
    let name = super::name_or_pick(args.name.clone(), ctx, &kube).await?;
    let mut scope = Scope {
        name: name.clone(),
        pods: args.pods,
        set: None,
        pvcs: Vec::new(),
    };
    let mut events = if !args.pods {
        if args.watch {
            Vec::new()
        } else {
            kube.obs_list_events(Some(&sts_fields(&name))).await?.0
        }
    } else {
        // The namespace's events (the set's among them; under -w the follow stream lists
        // them), the set (its claim templates) and the claims (their owners and labels say
        // whose they are): sent together, one round trip.
        let list = async {
            if args.watch {
                Ok((Vec::new(), String::new()))
            } else {
                kube.obs_list_events(None).await
            }
        };
        let (all, set, pvcs) = tokio::join!(list, kube.get_statefulset(&name), kube.list_pvcs());
        let (all, _) = all?;
        scope.set = match set {
            Ok(s) => Some(s),
            Err(e) if crate::kube::is_reason(&e, "NotFound") => {
                eprintln!(
                    "warning: statefulset {name:?} not found: its claims' events are not shown"
                );
                None
            }
            Err(e) if crate::kube::is_forbidden(&e) => {
                eprintln!("warning: its claims' events are not shown: {e}");
                None
            }
            Err(e) => return Err(e),
        };
        scope.pvcs = match pvcs {
            Ok(p) => p,
            Err(e) if crate::kube::is_forbidden(&e) => {
                if scope.set.is_some() {
                    eprintln!("warning: claims are told apart by name only: {e}");
                }
                Vec::new()
            }
            Err(e) => return Err(e),
        };
        all.into_iter().filter(|e| scope.wants(e)).collect()
    };
    if args.watch {
        return watch(&kube, &scope, &args, ctx).await;
    }
    order(&mut events, &args)?;
    show_first(&kube, &events, &scope, &args, false, ctx).await
}

/// Oldest first, or by `--sort-by`.
fn order(events: &mut Vec<Event>, args: &EventsArgs) -> Result<()> {
    logic::sort_events(events);
    if let Some(field) = &args.sort_by {
        let items: Vec<_> = std::mem::take(events)
            .into_iter()
            .map(|e| {
                let v = event_value(&e);
                (e, v)
            })
            .collect();
        *events = render::sort::sort_by(items, field)?
            .into_iter()
            .map(|(e, _)| e)
            .collect();
    }
    Ok(())
}

/// The events as listed: a table (a List document with -o json/yaml, the raw List under a
/// template), or with `watch` what the stream that follows continues (one document per event).
async fn show_first(
    kube: &Kube,
    events: &[Event],
    scope: &Scope,
    args: &EventsArgs,
    watch: bool,
    ctx: &Ctx,
) -> Result<()> {
    let name = &scope.name;
    let now = Timestamp::now();
    match &ctx.global.output {
        Some(f) if f.is_template() => {
            if watch {
                for e in events {
                    show(e, ctx)?;
                }
            } else {
                // The events as the server sent them (one more request, only for a template).
                let mut lp = kube::api::ListParams::default();
                if !args.pods {
                    lp = lp.fields(&sts_fields(name));
                }
                let raw = kube.list_raw("v1", "Event", "events", &lp).await?;
                let items =
                    render::in_uid_order(raw, events.iter().map(|e| e.metadata.uid.as_deref()));
                render::template_out(&ctx.global, &render::list_value(items), args.no_headers)?;
            }
        }
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
                print_object(&v, ctx.global.output.as_ref())?;
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
                render::out(&render::table_with(&HEADERS, rows, !args.no_headers))?;
            }
        }
    }
    Ok(())
}

/// Which events `events NAME` shows: the set's, and with `--pods` its pods' and claims'.
struct Scope {
    name: String,
    pods: bool,
    set: Option<k8s_openapi::api::apps::v1::StatefulSet>,
    pvcs: Vec<k8s_openapi::api::core::v1::PersistentVolumeClaim>,
}

impl Scope {
    fn wants(&self, ev: &Event) -> bool {
        (ev.involved_object.kind.as_deref() == Some("StatefulSet")
            && ev.involved_object.name.as_deref() == Some(self.name.as_str()))
            || (self.pods
                && logic::event_is_for_pods(ev, &self.name, self.set.as_ref(), &self.pvcs))
    }
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

/// `-w`: the follow stream with the set's events (and with `--pods` the namespace's pod and
/// claim events, kept when they are the set's): one list+watch each. The table of the first
/// lists, then each new or changed event once. After a cut or a server restart the watches
/// resume from their resourceVersion; a relist (410) prints only what was not shown.
async fn watch(kube: &Kube, scope: &Scope, args: &EventsArgs, ctx: &Ctx) -> Result<()> {
    let what = Follow {
        set_events: true,
        pod_events: scope.pods,
        ..Default::default()
    };
    let mut stream = kube.follow_with(&scope.name, &what).boxed();
    let _notice = render::progress::Notice::spawn(std::io::stderr().is_terminal());
    let parts = 1 + usize::from(scope.pods);
    let mut listed = 0;
    let mut first: Vec<Event> = Vec::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    while let Some(update) = stream.next().await {
        match update? {
            Update::Events(mut list) if listed < parts => {
                listed += 1;
                first.extend(list.drain(..).filter(|e| scope.wants(e)));
                if listed == parts {
                    order(&mut first, args)?;
                    first.retain(|e| seen.insert(key(e)));
                    show_first(kube, &first, scope, args, true, ctx).await?;
                }
            }
            Update::Events(mut list) => {
                logic::sort_events(&mut list);
                for ev in list
                    .iter()
                    .filter(|e| scope.wants(e) && seen.insert(key(e)))
                {
                    show(ev, ctx)?;
                }
            }
            // Before both lists are in, a change waits in the first table's list.
            Update::Event(ev) if listed < parts && scope.wants(&ev) => first.push(ev),
            Update::Event(_) if listed < parts => {}
            Update::Event(ev) if scope.wants(&ev) && seen.insert(key(&ev)) => show(&ev, ctx)?,
            _ => {}
        }
    }
    Ok(())
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
