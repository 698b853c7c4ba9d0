//! One thin `run(args, ctx)` per command.

pub mod complete;
pub mod completions;
pub mod create;
pub mod delete;
pub mod edit;
pub mod edit_service;
pub mod edit_template;
pub mod edit_yaml;
pub mod env;
pub mod events;
pub mod get;
pub mod list;
pub mod logs;
pub mod man;
pub mod mutate;
pub mod pods;
pub mod redeploy;
pub mod resize_volume;
pub mod revisions;
pub mod rollback;
pub mod scale;
pub mod top;
pub mod update_strategy;
pub mod wait;
pub mod watch;

pub mod wizard;

use anyhow::{bail, Result};

use crate::kube::Kube;
use crate::Ctx;

/// NAME given, or picked from the namespace's StatefulSets on a terminal.
pub async fn name_or_pick(name: Option<String>, ctx: &Ctx, kube: &Kube) -> Result<String> {
    if let Some(n) = name {
        return Ok(n);
    }
    if !ctx.interactive {
        bail!("a StatefulSet NAME is required (no terminal to pick one from)");
    }
    let items = kube.list_statefulsets(false, None).await?;
    let names: Vec<String> = items.into_iter().filter_map(|s| s.metadata.name).collect();
    if names.is_empty() {
        bail!("no StatefulSets in namespace {:?}", kube.namespace);
    }
    let i = dialoguer::Select::new()
        .with_prompt(format!("StatefulSet in {}", kube.namespace))
        .items(&names)
        .default(0)
        .interact()?;
    Ok(names[i].clone())
}
