//! `redeploy NAME`: one strategic merge patch setting the template annotation
//! `kubectl.kubernetes.io/restartedAt`, the body of `kubectl rollout restart`
//! (kubectl's polymorphichelpers/objectrestarter.go). OnDelete sets roll nothing by themselves:
//! `--restart-pods` deletes the pods one at a time, highest ordinal first.

use anyhow::{bail, Result};

use super::mutate::{print_object, suffix};
use super::wait::{self, Goal};
use crate::cli::{DryRun, RedeployArgs};
use crate::manifest::rollout;
use crate::Ctx;

pub async fn run(args: RedeployArgs, ctx: &Ctx) -> Result<()> {
    let dry = args.dry_run.mode();
    if dry != DryRun::None && args.wait.wait {
        bail!("--wait cannot be combined with --dry-run");
    }
    let deadline = wait::deadline(&args.wait.timeout)?;
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let patch = rollout::redeploy_patch(chrono::Local::now());

    let sts = if dry == DryRun::Client {
        let mut sts = kube.get_statefulset(&name).await?;
        let at = patch["spec"]["template"]["metadata"]["annotations"]
            [crate::manifest::revisions::RESTARTED_AT]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if let Some(spec) = sts.spec.as_mut() {
            spec.template
                .metadata
                .get_or_insert_with(Default::default)
                .annotations
                .get_or_insert_with(Default::default)
                .insert(crate::manifest::revisions::RESTARTED_AT.into(), at);
        }
        eprintln!("would send: {patch}");
        sts
    } else {
        kube.patch_statefulset_strategic(&name, &patch, dry == DryRun::Server)
            .await?
    };
    // A real template change bumps metadata.generation past what the controller observed; equal
    // numbers mean the patch changed nothing (the same restartedAt second), as kubectl's
    // `if restart has already been triggered within the past second` error.
    // With --restart-pods the pods are replaced anyway (the template was just restarted).
    if dry == DryRun::None
        && !args.restart_pods
        && sts.metadata.generation.is_some()
        && sts.metadata.generation == sts.status.as_ref().and_then(|s| s.observed_generation)
    {
        bail!("statefulset {name:?} was already restarted within the past second; please wait before redeploying again");
    }
    print_object(
        ctx,
        &sts,
        "apps/v1",
        "StatefulSet",
        &format!("statefulset.apps/{name} restarted{}", suffix(dry)),
    )?;
    if dry != DryRun::None {
        return Ok(());
    }
    let on_delete = rollout::is_on_delete(&sts);
    if on_delete && !args.restart_pods {
        eprintln!(
            "note: statefulset {name:?} uses the OnDelete update strategy: nothing rolls by itself; \
             each pod gets the new template only when it is deleted"
        );
        eprintln!("  hint: kubectl statefulset redeploy {name} --restart-pods   (deletes the pods one at a time, highest ordinal first)");
    }
    if on_delete && args.restart_pods {
        return wait::restart_pods(&kube, &name, deadline, ctx, false).await;
    }
    if args.wait.wait || args.restart_pods {
        wait::wait(&kube, &name, Goal::Rollout, deadline, ctx).await?;
    }
    Ok(())
}
