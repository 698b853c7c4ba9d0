//! `env NAME`: list variables per container; `env NAME set|unset`: change one container's env
//! with a strategic merge patch. Secret values are printed only with `--reveal`.

use anyhow::{Context, Result};
use serde_json::Value;

use crate::cli::{EnvAction, EnvArgs, OutputFormat};
use crate::kube::raw::{collection, PatchType, RawError};
use crate::kube::Kube;
use crate::manifest::env::{self, Row, Source};
use crate::render::{self, change};
use crate::Ctx;

pub async fn run(args: EnvArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let sts = kube.get_sts_json(&args.name).await?;
    match &args.action {
        None => list(&args, &kube, &sts, ctx).await,
        Some(EnvAction::Set(set)) => {
            let vars = env::parse_set(&set.vars, &set.from_secret, &set.from_configmap)?;
            let deadline = wait_deadline(&set.wait, set.dry_run)?;
            change_env(&args, &kube, &sts, ctx, &vars, &[], set.dry_run).await?;
            finish_wait(&kube, &args.name, deadline, ctx).await
        }
        Some(EnvAction::Unset(unset)) => {
            for n in &unset.names {
                env::check_name(n)?;
            }
            let deadline = wait_deadline(&unset.wait, unset.dry_run)?;
            change_env(&args, &kube, &sts, ctx, &[], &unset.names, unset.dry_run).await?;
            finish_wait(&kube, &args.name, deadline, ctx).await
        }
    }
}

/// `--wait`: Some(deadline) when the rollout is to be followed.
fn wait_deadline(
    w: &crate::cli::WaitArgs,
    dry_run: bool,
) -> Result<Option<Option<tokio::time::Instant>>> {
    if !w.wait {
        return Ok(None);
    }
    if dry_run {
        anyhow::bail!("--wait cannot be combined with --dry-run");
    }
    Ok(Some(super::wait::deadline(&w.timeout)?))
}

async fn finish_wait(
    kube: &Kube,
    name: &str,
    deadline: Option<Option<tokio::time::Instant>>,
    ctx: &Ctx,
) -> Result<()> {
    match deadline {
        Some(d) => super::wait::wait(kube, name, super::wait::Goal::Rollout, d, ctx).await,
        None => Ok(()),
    }
}

async fn list(args: &EnvArgs, kube: &Kube, sts: &Value, ctx: &Ctx) -> Result<()> {
    let rows = env::rows(sts, args.container.as_deref())?;
    let mut out: Vec<(Row, String)> = Vec::new();
    let mut cache: std::collections::HashMap<String, Value> = Default::default();
    for row in rows {
        let value = if args.reveal {
            reveal(kube, &row.source, &mut cache).await?
        } else {
            row.source.display()
        };
        out.push((row, value));
    }
    match ctx.global.output {
        Some(OutputFormat::Json) | Some(OutputFormat::Yaml) => {
            let items: Vec<Value> = out
                .iter()
                .map(|(r, v)| {
                    let mut o = serde_json::json!({"container": r.container, "name": r.name});
                    match (&r.source, args.reveal) {
                        (Source::Literal(_), _) => o["value"] = v.clone().into(),
                        (_, true) => {
                            o["value"] = v.clone().into();
                            o["from"] = r.source.display().into();
                        }
                        (_, false) => o["from"] = r.source.display().into(),
                    }
                    o
                })
                .collect();
            let v = Value::Array(items);
            if ctx.global.output == Some(OutputFormat::Json) {
                render::out(&render::to_json(&v)?)
            } else {
                render::out(&render::to_yaml(&v)?)
            }
        }
        _ => {
            if out.is_empty() {
                eprintln!("No environment variables in statefulset {:?}.", args.name);
                return Ok(());
            }
            let rows = out
                .into_iter()
                .map(|(r, v)| {
                    let from = match (&r.source, args.reveal) {
                        (Source::Literal(_), _) => String::new(),
                        (s, true) => s.display(),
                        (_, false) => String::new(),
                    };
                    if args.reveal {
                        vec![r.container, r.name, v, from]
                    } else {
                        vec![r.container, r.name, v]
                    }
                })
                .collect();
            let headers: &[&str] = if args.reveal {
                &["container", "name", "value", "from"]
            } else {
                &["container", "name", "value"]
            };
            render::out(&render::table(headers, rows))
        }
    }
}

/// The cache's mark for an object this user may not read.
const FORBIDDEN: &str = "<forbidden>";

/// The value behind a reference (ConfigMap or Secret key); `envFrom` rows list the keys. An
/// object the user may not read (403) is said on stderr once and shown as `<forbidden: …>`.
async fn reveal(
    kube: &Kube,
    source: &Source,
    cache: &mut std::collections::HashMap<String, Value>,
) -> Result<String> {
    let (plural, name) = match source {
        Source::SecretKey { name, .. } | Source::AllOfSecret { name, .. } => ("secrets", name),
        Source::ConfigMapKey { name, .. } | Source::AllOfConfigMap { name, .. } => {
            ("configmaps", name)
        }
        other => return Ok(other.display()),
    };
    let id = format!("{plural}/{name}");
    if !cache.contains_key(&id) {
        let path = format!("{}/{name}", collection("v1", plural, Some(&kube.namespace)));
        let obj = match kube.get_raw(&path).await {
            Ok(v) => v,
            Err(RawError::Status(s)) if s.code == 404 => Value::Null,
            // Forbidden to this user: the other values are still shown (see list).
            Err(RawError::Status(s)) if s.code == 403 => {
                eprintln!("warning: {id} is not shown: {}", s.message);
                Value::String(FORBIDDEN.into())
            }
            Err(e) => {
                return Err(anyhow::Error::from(e)).with_context(|| format!("cannot read {id}"))
            }
        };
        cache.insert(id.clone(), obj);
    }
    let obj = &cache[&id];
    if obj.as_str() == Some(FORBIDDEN) {
        let kind = if plural == "secrets" {
            "secret"
        } else {
            "configmap"
        };
        return Ok(format!("<forbidden: {kind}/{name}>"));
    }
    if obj.is_null() {
        let kind = if plural == "secrets" {
            "secret"
        } else {
            "configmap"
        };
        return Ok(format!("<{kind}/{name} not found>"));
    }
    let secret = plural == "secrets";
    let value_of = |key: &str| -> Option<String> {
        if secret {
            if let Some(d) = obj["data"][key].as_str() {
                return env::base64_decode(d)
                    .ok()
                    .map(|b| String::from_utf8_lossy(&b).into_owned());
            }
            obj["stringData"][key].as_str().map(str::to_string)
        } else {
            obj["data"][key].as_str().map(str::to_string).or_else(|| {
                obj["binaryData"][key]
                    .as_str()
                    .map(|_| "<binary>".to_string())
            })
        }
    };
    Ok(match source {
        Source::SecretKey { key, .. } | Source::ConfigMapKey { key, .. } => {
            value_of(key).unwrap_or_else(|| format!("<no key {key:?}>"))
        }
        _ => {
            let mut keys: Vec<String> = obj["data"]
                .as_object()
                .map(|m| m.keys().cloned().collect())
                .unwrap_or_default();
            keys.sort();
            keys.iter()
                .map(|k| format!("{k}={}", value_of(k).unwrap_or_default()))
                .collect::<Vec<_>>()
                .join(", ")
        }
    })
}

async fn change_env(
    args: &EnvArgs,
    kube: &Kube,
    sts: &Value,
    ctx: &Ctx,
    set: &[env::SetVar],
    unset: &[String],
    dry_run: bool,
) -> Result<()> {
    let (container, before) = env::target_container(sts, args.container.as_deref())?;
    let after = env::apply(&before, set, unset)?;
    if after == before {
        println!("No changes: container {container:?} already has these variables.");
        return Ok(());
    }
    // The diff shows references, never Secret values (a literal is the user's own input).
    let diff = change::unified(
        &render::to_yaml(&serde_json::json!({"env": before}))?,
        &render::to_yaml(&serde_json::json!({"env": after}))?,
        &format!("statefulset/{} container {container} (live)", args.name),
        &format!("statefulset/{} container {container} (new)", args.name),
        ctx.color,
    );
    render::out(&diff)?;
    if dry_run {
        println!("(dry run: nothing sent)");
        return Ok(());
    }
    let patch = env::patch(sts, &container, &before, &after);
    let updated = kube
        .patch_raw(
            &kube.statefulset_path(&args.name),
            &patch,
            PatchType::Strategic,
            false,
        )
        .await
        .map_err(anyhow::Error::from)
        .with_context(|| {
            format!(
                "cannot change the environment of statefulset {:?}",
                args.name
            )
        })?;
    // What happens to the pods follows the strategy of the set as the server answered.
    let effect = serde_json::from_value::<k8s_openapi::api::apps::v1::StatefulSet>(updated)
        .map(|s| crate::manifest::rollout::template_change_effect(&s))
        .unwrap_or_default();
    println!(
        "statefulset.apps/{} env updated (container {container}){}{effect}",
        args.name,
        if effect.is_empty() { "" } else { "; " }
    );
    Ok(())
}
