//! `revisions NAME [REV] [--diff [A [B]]]`: the ControllerRevisions the StatefulSet controls
//! (by controller ownerReference UID, as kubectl's history.go), newest first.

use anyhow::{bail, Result};
use jiff::Timestamp;
use serde_json::{json, Value};

use crate::cli::{OutputFormat, RevisionsArgs};
use crate::manifest::revisions::{self, Revision};
use crate::render;
use crate::Ctx;

pub async fn run(args: RevisionsArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let (sts, _, revs) = kube.statefulset_with(&name, false, true).await?;
    let mut revs = revisions::newest_first(revs.unwrap_or_else(|| Ok(Vec::new()))?);
    if let Some(field) = &args.sort_by {
        let items: Vec<_> = revs
            .into_iter()
            .map(|r| {
                let v = object(&r);
                (r, v)
            })
            .collect();
        revs = render::sort::sort_by(items, field)?
            .into_iter()
            .map(|(r, _)| r)
            .collect();
    }
    if revs.is_empty() {
        eprintln!("No rollout history found for statefulset {name:?}.");
        return Ok(());
    }
    let hash = |r: &Revision| r.hash();

    if let Some(d) = &args.diff {
        let (old, new) = match (d.as_slice(), args.revision.as_ref()) {
            ([a, b], _) => (
                revisions::by_number(&revs, *a)?,
                revisions::by_number(&revs, *b)?,
            ),
            ([b], _) | ([], Some(b)) => {
                let b = *b;
                let new = revisions::by_number(&revs, b)?;
                match revisions::previous(&revs, b) {
                    Some(o) => (o, new),
                    None => bail!("revision {b} is the oldest; nothing to compare it with"),
                }
            }
            _ => {
                let new = &revs[0];
                match revisions::previous(&revs, new.number) {
                    Some(o) => (o, new),
                    None => bail!("statefulset {name:?} has only one revision; nothing to compare"),
                }
            }
        };
        let text = crate::render::change::template_diff(
            &old.template(),
            &new.template(),
            &format!("revision {} ({})", old.number, hash(old)),
            &format!("revision {} ({})", new.number, hash(new)),
            ctx.color,
        );
        if text.is_empty() {
            eprintln!(
                "revisions {} and {} have the same pod template",
                old.number, new.number
            );
            return Ok(());
        }
        return render::out(&text);
    }

    // A template sees the ControllerRevisions as the server sent them (one more request).
    let raw = if ctx.global.output.as_ref().is_some_and(|o| o.is_template()) {
        let lp = kube::api::ListParams::default().labels(&crate::manifest::text::selector(&sts));
        kube.list_raw("apps/v1", "ControllerRevision", "controllerrevisions", &lp)
            .await?
    } else {
        Vec::new()
    };
    if let Some(n) = args.revision {
        let r = revisions::by_number(&revs, n)?;
        let obj = render::in_uid_order(raw.clone(), [r.metadata.uid.as_deref()])
            .pop()
            .unwrap_or_else(|| object(r));
        if render::template_out(&ctx.global, &obj, args.no_headers)? {
            return Ok(());
        }
        return match ctx.global.output {
            Some(OutputFormat::Json) => render::out(&render::to_json(&object(r))?),
            Some(OutputFormat::Yaml) => render::out(&render::to_yaml(&object(r))?),
            _ => render::out(&render::to_yaml(&r.template())?),
        };
    }

    if !raw.is_empty() {
        let items = render::in_uid_order(raw, revs.iter().map(|r| r.metadata.uid.as_deref()));
        render::template_out(&ctx.global, &render::list_value(items), args.no_headers)?;
        return Ok(());
    }
    match ctx.global.output {
        Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => {
            let list = json!({"apiVersion": "v1", "kind": "List", "metadata": {}, "items": revs.iter().map(object).collect::<Vec<_>>()});
            let text = if ctx.global.output == Some(OutputFormat::Json) {
                render::to_json(&list)?
            } else {
                render::to_yaml(&list)?
            };
            return render::out(&text);
        }
        Some(OutputFormat::Name) => {
            return render::out(
                &revs
                    .iter()
                    .map(|r| format!("controllerrevision.apps/{}", r.name()))
                    .collect::<Vec<_>>()
                    .join("\n"),
            );
        }
        _ => {}
    }
    // PODS: from the status when it accounts for every pod (no request), else the pods.
    let per_revision = match revisions::pods_per_revision_from_status(&sts) {
        Some(m) => m,
        None => revisions::pods_per_revision(&sts, &kube.list_pods(&sts).await?),
    };
    let st = sts.status.clone().unwrap_or_default();
    let with_cause = revs.iter().any(|r| r.change_cause().is_some());
    let now = Timestamp::now();
    let mut headers = vec!["revision", "hash", "current", "update", "pods", "age"];
    if with_cause {
        headers.push("change-cause");
    }
    headers.push("change");
    let rows = revs
        .iter()
        .map(|r| {
            let running = per_revision.get(r.name()).copied().unwrap_or(0);
            let prev = revisions::previous(&revs, r.number).map(|p| p.template());
            let mut row = vec![
                r.number.to_string(),
                hash(r),
                if st.current_revision.as_deref() == Some(r.name()) {
                    "*".into()
                } else {
                    String::new()
                },
                if st.update_revision.as_deref() == Some(r.name()) {
                    "*".into()
                } else {
                    String::new()
                },
                running.to_string(),
                render::age(r.metadata.creation_timestamp.as_ref(), now),
            ];
            if with_cause {
                row.push(r.change_cause().unwrap_or("<none>").to_string());
            }
            row.push(revisions::summary(prev.as_ref(), &r.template()));
            row
        })
        .collect();
    render::out(&render::table_with(&headers, rows, !args.no_headers))
}

/// A ControllerRevision as an object for -o yaml|json.
fn object(r: &Revision) -> Value {
    let mut meta = serde_json::to_value(&r.metadata).unwrap_or(Value::Null);
    if let Some(m) = meta.as_object_mut() {
        m.remove("managedFields");
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": serde_json::from_str::<Value>(&r.data).unwrap_or(Value::Null),
        "revision": r.number,
    })
}
