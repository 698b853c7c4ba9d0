//! `update-strategy NAME --rolling [--partition N] [--max-unavailable N] | --on-delete`: one
//! JSON merge patch of spec.updateStrategy. Lowering a partition (or leaving OnDelete) may start
//! a rollout, which `--wait` follows.

use anyhow::{bail, Result};

use super::mutate::{print_object, suffix};
use super::wait::{self, Goal};
use crate::cli::{DryRun, UpdateStrategyArgs};
use crate::manifest::rollout::{self, Strategy};
use crate::Ctx;

pub async fn run(args: UpdateStrategyArgs, ctx: &Ctx) -> Result<()> {
    let strategy = if args.on_delete {
        Strategy::OnDelete
    } else {
        Strategy::Rolling {
            partition: args.partition,
            max_unavailable: args.max_unavailable.clone(),
        }
    };
    let patch = rollout::strategy_patch(&strategy)?;
    let dry = args.dry_run.mode();
    if dry != DryRun::None && args.wait.wait {
        bail!("--wait cannot be combined with --dry-run");
    }
    let deadline = wait::deadline(&args.wait.timeout)?;
    let kube = ctx.kube().await?;
    let name = args.name;
    let sts = if dry == DryRun::Client {
        let sts = kube.get_statefulset(&name).await?;
        let mut v = serde_json::to_value(&sts)?;
        json_patch::merge(&mut v, &patch);
        eprintln!("would send: {patch}");
        serde_json::from_value(v)?
    } else {
        kube.patch_statefulset_merge(&name, &patch, dry == DryRun::Server)
            .await?
    };
    let what = match &strategy {
        Strategy::OnDelete => "OnDelete".to_string(),
        Strategy::Rolling { .. } => {
            let p = sts
                .spec
                .as_ref()
                .and_then(|s| s.update_strategy.as_ref())
                .and_then(|u| u.rolling_update.as_ref())
                .and_then(|r| r.partition)
                .unwrap_or(0);
            format!("RollingUpdate, partition {p}")
        }
    };
    print_object(
        ctx,
        &sts,
        "apps/v1",
        "StatefulSet",
        &format!(
            "statefulset.apps/{name} update strategy set to {what}{}",
            suffix(dry)
        ),
    )?;
    // The answer is what the cluster stored: a maxUnavailable it dropped (its
    // MaxUnavailableStatefulSet feature gate is off, the default in 1.32:
    // pkg/registry/apps/statefulset/strategy.go dropStatefulSetDisabledFields) is no success.
    if let (Some(asked), false) = (&args.max_unavailable, dry == DryRun::Client) {
        let stored = sts
            .spec
            .as_ref()
            .and_then(|s| s.update_strategy.as_ref())
            .and_then(|u| u.rolling_update.as_ref())
            .and_then(|r| r.max_unavailable.as_ref());
        if stored.is_none() {
            bail!(
                "the server dropped --max-unavailable {asked}: the cluster's MaxUnavailableStatefulSet feature gate is off, so pods are still replaced one at a time (the rest of the strategy was {})",
                if dry == DryRun::Server { "validated" } else { "applied" }
            );
        }
    }
    if args.wait.wait {
        if strategy == Strategy::OnDelete {
            eprintln!("note: with OnDelete nothing rolls by itself; nothing to wait for");
            return Ok(());
        }
        wait::wait(&kube, &name, Goal::Rollout, deadline, ctx).await?;
    }
    Ok(())
}
