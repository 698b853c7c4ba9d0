//! `edit NAME`: alias, description, labels and annotations in one merge patch.

use anyhow::{Context, Result};

use crate::cli::EditArgs;
use crate::kube::raw::PatchType;
use crate::manifest::{edit as clean_view, labels};
use crate::render::{self, change};
use crate::Ctx;

pub async fn run(args: EditArgs, ctx: &Ctx) -> Result<()> {
    let patch = labels::patch(
        args.alias.as_deref(),
        args.description.as_deref(),
        &args.label,
        &args.annotation,
        args.pod_template,
    )?;
    let kube = ctx.kube().await?;
    let live = kube.get_sts_json(&args.name).await?;
    labels::check_selector(&live, &patch)?;
    let before = clean_view::clean(&live);
    let mut after = before.clone();
    json_patch::merge(&mut after, &patch);
    let diff = change::unified(
        &render::to_yaml(&before)?,
        &render::to_yaml(&after)?,
        &format!("statefulset/{} (live)", args.name),
        &format!("statefulset/{} (new)", args.name),
        ctx.color,
    );
    if diff.is_empty() {
        println!(
            "No changes: statefulset {:?} already looks like that.",
            args.name
        );
        return Ok(());
    }
    render::out(&diff)?;
    if args.dry_run {
        println!("(dry run: nothing sent)");
        return Ok(());
    }
    kube.patch_raw(
        &kube.statefulset_path(&args.name),
        &patch,
        PatchType::Merge,
        false,
    )
    .await
    .map_err(anyhow::Error::from)
    .with_context(|| format!("cannot edit statefulset {:?}", args.name))?;
    println!("statefulset.apps/{} edited", args.name);
    Ok(())
}
