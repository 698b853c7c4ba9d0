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
    let patch = rollout::redeploy_patch(&jiff::Zoned::now());

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
    // The restart is in effect when the template carries our restartedAt (milliseconds: each
    // redeploy's own value). The same patch applied twice (a retry after a lost answer)
    // leaves it so too; kubectl's "already triggered within the past second" cannot happen.
    if dry == DryRun::None {
        let sent = patch["spec"]["template"]["metadata"]["annotations"]
            [crate::manifest::revisions::RESTARTED_AT]
            .as_str();
        let kept = sts
            .spec
            .as_ref()
            .and_then(|s| s.template.metadata.as_ref())
            .and_then(|m| m.annotations.as_ref())
            .and_then(|a| a.get(crate::manifest::revisions::RESTARTED_AT))
            .map(String::as_str);
        if kept != sent {
            bail!(
                "statefulset {name:?} was not restarted: the server did not keep the {} annotation",
                crate::manifest::revisions::RESTARTED_AT
            );
        }
    }
    print_object(
        ctx,
        &sts,
        "apps/v1",
        "StatefulSet",
        &format!("statefulset.apps/{name} restarted{}", suffix(dry)),
    )?;
    if let Some(note) = rollout::partition_note(
        &sts,
        if dry == DryRun::None {
            "restarts"
        } else {
            "would restart"
        },
    ) {
        eprintln!("{note}");
    }
    if dry != DryRun::None {
        return Ok(());
    }
    let on_delete = rollout::is_on_delete(&sts);
    if !on_delete && !args.restart_pods && rollout::partition_note(&sts, "").is_none() {
        // Which pods restart (a partition's note was printed above).
        eprintln!("{}", rollout::template_change_effect(&sts));
    }
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
