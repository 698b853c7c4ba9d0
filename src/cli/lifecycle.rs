//! Clap definitions of the lifecycle commands: scale, redeploy, revisions, rollback,
//! update-strategy, delete.

use clap::Args;

use super::DryRun;

/// Options of every command that may start a rollout or wait for a change.
#[derive(Debug, Clone, Args)]
pub struct WaitArgs {
    /// Wait until the change is rolled out (exit code 3 on timeout or a stuck rollout)
    #[arg(long)]
    pub wait: bool,

    /// How long --wait waits, e.g. 5m, 30s (0 = no limit)
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = super::duration_arg)]
    pub timeout: String,
}

/// `--dry-run[=client|server]`.
#[derive(Debug, Clone, Args)]
pub struct DryRunArg {
    /// Only show (client) or only validate on the server (server); nothing is stored
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: Option<DryRun>,
}

impl DryRunArg {
    pub fn mode(&self) -> DryRun {
        self.dry_run.unwrap_or(DryRun::None)
    }
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// The StatefulSet
    pub name: String,

    /// The new number of replicas (0 or more)
    #[arg(allow_hyphen_values = true, value_parser = super::replicas_arg)]
    pub replicas: String,

    /// Precondition: only scale when the current replicas are this many
    #[arg(long, value_name = "N", allow_hyphen_values = true, value_parser = clap::value_parser!(i32).range(0..))]
    pub current_replicas: Option<i32>,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct RedeployArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// OnDelete (or to push a stuck rollout): delete the pods one at a time, highest ordinal
    /// first, waiting for each replacement to be ready
    #[arg(long)]
    pub restart_pods: bool,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct RevisionsArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Show this revision's pod template as YAML
    pub revision: Option<i64>,

    /// Coloured unified diff between two revisions (default: REV against REV-1, or the newest
    /// against the one before)
    #[arg(long, num_args = 0..=2, value_name = "REV")]
    pub diff: Option<Vec<i64>>,

    /// Print no header line (table; custom-columns)
    #[arg(long)]
    pub no_headers: bool,

    /// Sort by this field of the ControllerRevisions (a JSONPath such as .revision) instead of
    /// newest first
    #[arg(long, value_name = "JSONPATH")]
    pub sort_by: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// The revision to go back to (default: the one before the newest, as kubectl rollout undo)
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub to_revision: Option<i64>,

    /// Roll back even when the preflight finds that the revision's pods would not run (a
    /// missing Secret, ConfigMap or key, no node that matches or has room)
    #[arg(long)]
    pub skip_preflight: bool,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,

    #[command(flatten)]
    pub images: super::ImageCheckArgs,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("strategy").required(true).args(["rolling", "on_delete"])))]
pub struct UpdateStrategyArgs {
    /// The StatefulSet
    pub name: String,

    /// RollingUpdate: pods are replaced one at a time, highest ordinal first
    #[arg(long)]
    pub rolling: bool,

    /// Only pods with an ordinal >= N are updated (with --rolling)
    #[arg(
        long,
        value_name = "N",
        requires = "rolling",
        conflicts_with = "on_delete",
        allow_hyphen_values = true,
        value_parser = clap::value_parser!(i32).range(0..)
    )]
    pub partition: Option<i32>,

    /// Pods that may be unavailable during an update, a number or a percentage (with --rolling;
    /// the MaxUnavailableStatefulSet feature gate must be on in the cluster)
    #[arg(
        long,
        value_name = "N|P%",
        requires = "rolling",
        conflicts_with = "on_delete"
    )]
    pub max_unavailable: Option<String>,

    /// OnDelete: pods are only replaced when you delete them
    #[arg(long)]
    pub on_delete: bool,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// The StatefulSet
    pub name: String,

    /// Also delete its headless Service (kept when other workloads select it)
    #[arg(long, conflicts_with = "keep_service")]
    pub with_service: bool,

    /// Keep the headless Service (the default)
    #[arg(long)]
    pub keep_service: bool,

    /// Also delete the PersistentVolumeClaims made from its volume claim templates
    #[arg(long)]
    pub with_pvcs: bool,

    #[command(flatten)]
    pub dry_run: DryRunArg,

    #[command(flatten)]
    pub wait: WaitArgs,
}
