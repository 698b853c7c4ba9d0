//! Clap definitions of `edit-template` (the console's Edit Config Template).

use clap::Args;

use super::{ContainerScope, DryRunArg, WaitArgs};

/// Change the pod template: containers, volumes, probes, resources, ports, command, env and
/// the update strategy; shows the diff and what the rollout does, then asks.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
The container flags before the first -c apply to the first container; those after -c NAME
apply to container NAME (a container, an init container or a native sidecar).

Examples:
  kubectl statefulset edit-template web --image nginx:1.28
  kubectl statefulset edit-template db -c metrics --image exporter:0.16 --requests cpu=100m
  kubectl statefulset edit-template db --add-sidecar 'log=busybox:1.36 sh -c \"tail -F /logs/x\"' \\
      --mount log@emptydir:logs:/logs --mount emptydir:logs:/var/log/app
  kubectl statefulset edit-template db --remove-container log --unmount logs --yes --wait
  kubectl statefulset edit-template db --update-strategy RollingUpdate --partition 2 --dry-run")]
pub struct EditTemplateArgs {
    /// The StatefulSet
    pub name: String,

    #[command(flatten)]
    pub main: ContainerScope,

    /// The container flags that follow apply to container NAME, up to the next -c (repeatable)
    #[arg(short = 'c', long, value_name = "NAME", help_heading = "Container")]
    pub container: Vec<String>,

    /// The per-container settings given after each `-c NAME` (filled before clap parses).
    #[arg(skip)]
    pub scopes: Vec<(String, ContainerScope)>,

    #[command(flatten)]
    pub images: super::ImageCheckArgs,

    /// Add a sidecar container `NAME=IMAGE[ COMMAND...]` (repeatable; --native: an init
    /// container with restartPolicy Always)
    #[arg(long, value_name = "NAME=IMAGE [CMD]", help_heading = "Container")]
    pub add_sidecar: Vec<String>,

    /// Remove a container, init container or sidecar by name (repeatable)
    #[arg(long, value_name = "NAME", help_heading = "Container")]
    pub remove_container: Vec<String>,

    /// Remove a volume and every mount of it (repeatable; never a volume claim template)
    #[arg(long, value_name = "VOLUME", help_heading = "Volumes")]
    pub unmount: Vec<String>,

    /// Update strategy: RollingUpdate or OnDelete
    #[arg(long, value_name = "STRATEGY", help_heading = "Pods")]
    pub update_strategy: Option<String>,

    /// Rolling update partition: pods with an ordinal below it keep the old revision
    #[arg(long, value_name = "N", help_heading = "Pods", allow_hyphen_values = true, value_parser = clap::value_parser!(i32).range(0..))]
    pub partition: Option<i32>,

    /// Send the change even when the preflight finds that the new pods would not run (a
    /// missing Secret, ConfigMap or key, no node that matches or has room)
    #[arg(long)]
    pub skip_preflight: bool,

    /// Walk the wizard's pod and volume questions, prefilled with the current values (terminal only)
    #[arg(short = 'i', long)]
    pub interactive: bool,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,
}
