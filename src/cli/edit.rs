//! Clap definitions of the editing commands: edit-yaml, env, edit, edit-service, resize-volume.

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

use super::WaitArgs;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ServerDryRun {
    /// Send with dryRun=All: the server validates but stores nothing
    Server,
    /// No dry run
    None,
}

/// Edit the StatefulSet's YAML in $KUBE_EDITOR / $EDITOR, or upload / download a manifest.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  kubectl statefulset edit-yaml web
  KUBE_EDITOR='code --wait' kubectl statefulset edit-yaml web
  kubectl statefulset edit-yaml web --export web.yaml
  kubectl statefulset edit-yaml web --file web.yaml --yes
  kubectl statefulset edit-yaml web --file web.yaml --dry-run=server")]
pub struct EditYamlArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Upload this manifest instead of opening an editor (same diff, confirm and conflict rules)
    #[arg(short = 'f', long, value_name = "FILE", conflicts_with = "export")]
    pub file: Option<PathBuf>,

    /// Write the clean manifest to this file (`-` for stdout) and exit
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,

    /// `server`: the server validates the change but stores nothing
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, default_missing_value = "server")]
    pub dry_run: Option<ServerDryRun>,

    /// How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "strict")]
    pub validate: Option<super::Validate>,
}

/// Environment variables of the containers: list, set, unset.
#[derive(Debug, Clone, Args)]
#[command(
    args_conflicts_with_subcommands = false,
    subcommand_precedence_over_arg = false,
    after_help = "\
Examples:
  kubectl statefulset env web
  kubectl statefulset env web --reveal
  kubectl statefulset env web set LOG_LEVEL=debug MODE=prod -c app
  kubectl statefulset env web set --from-secret db-creds:password
  kubectl statefulset env web unset LOG_LEVEL"
)]
pub struct EnvArgs {
    /// The StatefulSet
    pub name: String,

    /// Only this container (default: every container; `set`/`unset`: the first one)
    #[arg(short = 'c', long, value_name = "CONTAINER", global = true)]
    pub container: Option<String>,

    /// Resolve ConfigMap and Secret references to their values (Secret values only with this)
    #[arg(long)]
    pub reveal: bool,

    #[command(subcommand)]
    pub action: Option<EnvAction>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum EnvAction {
    /// Add or change variables: K=V, --from-secret NAME:KEY, --from-configmap NAME:KEY
    Set(EnvSetArgs),
    /// Remove variables by name
    Unset(EnvUnsetArgs),
}

#[derive(Debug, Clone, Args)]
pub struct EnvSetArgs {
    /// Variables as NAME=VALUE
    #[arg(value_name = "NAME=VALUE")]
    pub vars: Vec<String>,

    /// A variable from a Secret key: SECRET:KEY (variable name: the key, upper-cased) or
    /// VAR=SECRET:KEY
    #[arg(long, value_name = "SECRET:KEY")]
    pub from_secret: Vec<String>,

    /// A variable from a ConfigMap key: CONFIGMAP:KEY or VAR=CONFIGMAP:KEY
    #[arg(long, value_name = "CONFIGMAP:KEY")]
    pub from_configmap: Vec<String>,

    #[command(flatten)]
    pub wait: WaitArgs,

    /// Show the change but send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Args)]
pub struct EnvUnsetArgs {
    /// Variable names
    #[arg(value_name = "NAME", required = true)]
    pub names: Vec<String>,

    #[command(flatten)]
    pub wait: WaitArgs,

    /// Show the change but send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Alias, description, labels and annotations of the StatefulSet (or its pod template).
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  kubectl statefulset edit web --alias 'Web front' --description 'public site'
  kubectl statefulset edit web --label tier=frontend --label old-
  kubectl statefulset edit web --pod-template --annotation prometheus.io/scrape=true")]
pub struct EditArgs {
    /// The StatefulSet
    pub name: String,

    /// The alias (kubesphere.io/alias-name); empty removes it
    #[arg(long, value_name = "TEXT")]
    pub alias: Option<String>,

    /// The description (kubesphere.io/description); empty removes it
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,

    /// Set a label KEY=VALUE, or remove one with KEY-
    #[arg(long, value_name = "KEY=VALUE|KEY-")]
    pub label: Vec<String>,

    /// Set an annotation KEY=VALUE, or remove one with KEY-
    #[arg(long, value_name = "KEY=VALUE|KEY-")]
    pub annotation: Vec<String>,

    /// Apply --label/--annotation to the pod template instead (triggers a rolling update)
    #[arg(long)]
    pub pod_template: bool,

    /// Show the patch but send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Ports of the StatefulSet's headless Service.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Examples:
  kubectl statefulset edit-service web
  kubectl statefulset edit-service web --port metrics:9090
  kubectl statefulset edit-service web --port http:80:8080/TCP
  kubectl statefulset edit-service web --remove metrics")]
pub struct EditServiceArgs {
    /// The StatefulSet
    pub name: String,

    /// Add or change a port NAME:PORT[:TARGETPORT][/PROTOCOL] (matched by name)
    #[arg(long, value_name = "NAME:PORT[:TARGET][/PROTO]")]
    pub port: Vec<String>,

    /// Remove the port with this name
    #[arg(long, value_name = "NAME")]
    pub remove: Vec<String>,

    /// Also add/remove the matching container ports in the pod template
    #[arg(long)]
    pub sync_container_ports: bool,

    /// The container whose ports --sync-container-ports changes (default: the first)
    #[arg(
        short = 'c',
        long,
        value_name = "NAME",
        requires = "sync_container_ports"
    )]
    pub container: Option<String>,

    /// Show the change but send nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// Grow a volume claim template and every PVC made from it, without restarting pods.
#[derive(Debug, Clone, Args)]
#[command(after_help = "\
Steps: patch each PVC <claim>-<sts>-<ordinal>; delete the StatefulSet with
propagationPolicy=Orphan (pods keep running); recreate it with the new size; verify.
Every step checks whether it is already done, so an interrupted run can be repeated.

Examples:
  kubectl statefulset resize-volume db data 20Gi --dry-run
  kubectl statefulset resize-volume db data 20Gi --yes")]
pub struct ResizeVolumeArgs {
    /// The StatefulSet
    pub name: String,

    /// The volume claim template's name
    pub claim: String,

    /// The new size, e.g. 20Gi
    pub size: String,

    /// Print the plan only
    #[arg(long)]
    pub dry_run: bool,
}
