//! `scale NAME N`: one merge patch on the scale subresource; `--current-replicas` reads the
//! Scale and PUTs it back with its resourceVersion, as `kubectl scale` (pkg/cmd/scale/scale.go).

use anyhow::{bail, Result};
use k8s_openapi::api::autoscaling::v1::{Scale, ScaleSpec};

use super::mutate::{print_object, suffix};
use super::wait::{self, Goal};
use crate::cli::{DryRun, ScaleArgs};
use crate::manifest::{delete, rollout};
use crate::Ctx;

pub async fn run(args: ScaleArgs, ctx: &Ctx) -> Result<()> {
    let replicas = rollout::parse_replicas(&args.replicas)?;
    if let Some(c) = args.current_replicas {
        if c < 0 {
            bail!("--current-replicas must be 0 or more, got {c}");
        }
    }
    let dry = args.dry_run.mode();
    if dry != DryRun::None && args.wait.wait {
        bail!("--wait cannot be combined with --dry-run");
    }
    let deadline = if args.wait.wait {
        wait::deadline(&args.wait.timeout)?
    } else {
        None
    };
    let kube = ctx.kube().await?;
    let name = args.name;

    let scale = if dry == DryRun::Client {
        let sts = kube.get_statefulset(&name).await?;
        let current = rollout::desired(&sts);
        if let Some(c) = args.current_replicas {
            if c != current {
                bail!("Expected replicas to be {c}, was {current}");
            }
        }
        eprintln!("would scale statefulset {name:?} from {current} to {replicas} replicas");
        if let Some(m) = delete::scale_down_claims(&sts, current, replicas, true) {
            eprintln!("{m}");
        }
        Scale {
            metadata: kube::api::ObjectMeta {
                name: Some(name.clone()),
                namespace: Some(kube.namespace.clone()),
                ..Default::default()
            },
            spec: Some(ScaleSpec {
                replicas: Some(replicas),
            }),
            status: None,
        }
    } else if let Some(c) = args.current_replicas {
        let mut s = kube.get_scale(&name).await?;
        let current = s.spec.as_ref().and_then(|sp| sp.replicas).unwrap_or(0);
        if c != current {
            bail!("Expected replicas to be {c}, was {current}");
        }
        s.spec = Some(ScaleSpec {
            replicas: Some(replicas),
        });
        kube.replace_scale(&name, &s, dry == DryRun::Server).await?
    } else {
        kube.patch_scale(&name, replicas, dry == DryRun::Server)
            .await?
    };
    print_object(
        ctx,
        &scale,
        "autoscaling/v1",
        "Scale",
        &format!("statefulset.apps/{name} scaled{}", suffix(dry)),
    )?;
    // A scale down: what becomes of the removed pods' claims follows the set's whenScaled.
    // The Scale's status counts the pods there are; the set (one more GET, only on a scale
    // down) has the policy and the claim templates. Nothing is said when it cannot be read.
    let before = scale.status.as_ref().map(|s| s.replicas).unwrap_or(0);
    if dry != DryRun::Client && before > replicas {
        if let Ok(sts) = kube.get_statefulset(&name).await {
            if let Some(m) = delete::scale_down_claims(&sts, before, replicas, dry != DryRun::None)
            {
                eprintln!("{m}");
            }
        }
    }
    if args.wait.wait {
        wait::wait(&kube, &name, Goal::Scale, deadline, ctx).await?;
    }
    Ok(())
}
