//! Clap definitions only: the global options and one `*Args` struct per command.
//! Validation and derivation of values happen in `crate::manifest`, never here.

mod create;
mod lifecycle;
mod logs;

pub use create::{CreateArgs, DryRun};
pub use lifecycle::{
    DeleteArgs, DryRunArg, RedeployArgs, RevisionsArgs, RollbackArgs, ScaleArgs,
    UpdateStrategyArgs, WaitArgs,
};
pub use logs::{EventsArgs, LogsArgs, TopArgs};
mod edit;

pub use edit::{
    EditArgs, EditServiceArgs, EditYamlArgs, EnvAction, EnvArgs, EnvSetArgs, EnvUnsetArgs,
    ResizeVolumeArgs, ServerDryRun,
};

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const AFTER_HELP: &str = "\
Exit codes: 0 success, 1 error, 2 usage error, 3 --wait timed out or the rollout is stuck.
Environment: KUBECONFIG (kubeconfig files), NO_COLOR (disable colour).";

/// Manage StatefulSets the way the KubeSphere console does, from the command line.
#[derive(Debug, Parser)]
#[command(
    name = "kubectl-statefulset",
    bin_name = "kubectl-statefulset",
    version,
    about,
    after_help = AFTER_HELP,
    propagate_version = true,
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// Options accepted by every command, anywhere after `statefulset`.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Namespace (default: the context's namespace, else `default`)
    #[arg(short = 'n', long, global = true, value_name = "NAMESPACE")]
    pub namespace: Option<String>,

    /// The kubeconfig context to use
    #[arg(long, global = true, value_name = "CONTEXT")]
    pub context: Option<String>,

    /// Path to the kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)
    #[arg(long, global = true, value_name = "FILE")]
    pub kubeconfig: Option<PathBuf>,

    /// Output format
    #[arg(short = 'o', long, global = true, value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,

    /// Time to wait for one API request, e.g. 30s, 1m (0 = no limit)
    #[arg(long, global = true, value_name = "DURATION", value_parser = duration_arg)]
    pub request_timeout: Option<String>,

    /// Disable colours (also: NO_COLOR)
    #[arg(long, global = true)]
    pub no_color: bool,

    /// Log each API request to stderr (repeat for more detail)
    #[arg(short = 'v', long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Answer yes to confirmations
    #[arg(short = 'y', long, global = true)]
    pub yes: bool,

    /// Do not verify the server's certificate (insecure; for test clusters only)
    #[arg(long, global = true)]
    pub insecure_skip_tls_verify: bool,
}

/// kubectl's `--validate`: how the server treats fields it does not know (its
/// `fieldValidation`). `true` is `strict`, `false` is `ignore`, as in kubectl.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum Validate {
    /// Refuse an object with an unknown or duplicate field (the server answers 400)
    #[default]
    #[value(alias = "true")]
    Strict,
    /// Store the object without the unknown fields and print the server's warnings
    Warn,
    /// Drop unknown fields silently
    #[value(alias = "false")]
    Ignore,
}

impl Validate {
    /// The `fieldValidation` query value.
    pub fn directive(self) -> &'static str {
        match self {
            Validate::Strict => "Strict",
            Validate::Warn => "Warn",
            Validate::Ignore => "Ignore",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a StatefulSet and its headless Service (from flags, a file, or a wizard)
    Create(Box<CreateArgs>),
    /// List StatefulSets: NAME, STATUS, READY, REVISION, IMAGES, AGE
    #[command(visible_alias = "ls")]
    List(ListArgs),
    /// Show one StatefulSet: summary, ports, service and pods
    #[command(visible_alias = "status")]
    Get(GetArgs),
    /// The pods of a StatefulSet
    Pods(PodsArgs),
    /// Logs of the pods, merged with a `[pod/container]` prefix; -f follows
    Logs(LogsArgs),
    /// Events of the StatefulSet (--pods: and of its pods and claims)
    Events(EventsArgs),
    /// CPU and memory per pod from metrics.k8s.io; history ranges from Prometheus
    #[command(visible_alias = "monitor")]
    Top(TopArgs),
    /// Change the number of replicas (through the scale subresource)
    Scale(ScaleArgs),
    /// Restart the pods by a rolling update (kubectl.kubernetes.io/restartedAt); a partition holds back the ordinals below it, OnDelete needs --restart-pods
    Redeploy(RedeployArgs),
    /// The revision history: list, show one (REV) or diff two (--diff)
    Revisions(RevisionsArgs),
    /// Go back to an earlier revision of the pod template
    Rollback(RollbackArgs),
    /// RollingUpdate (with partition) or OnDelete
    UpdateStrategy(UpdateStrategyArgs),
    /// Delete the StatefulSet, its pods, and on request its Service and PVCs
    Delete(DeleteArgs),
    /// Edit the StatefulSet's YAML in an editor, or upload/download a manifest
    EditYaml(EditYamlArgs),
    /// Environment variables of the containers: list, set, unset
    Env(EnvArgs),
    /// Alias, description, labels and annotations
    Edit(EditArgs),
    /// Ports of the headless Service
    EditService(EditServiceArgs),
    /// Grow a volume claim template and its PVCs without restarting pods
    ResizeVolume(ResizeVolumeArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell)
    #[command(hide = true)]
    Completions(CompletionsArgs),
    /// Write the man pages into a directory
    #[command(hide = true)]
    Man(ManArgs),
    /// Cobra-style completion protocol used by `kubectl statefulset <TAB>`
    #[command(name = "__complete", hide = true)]
    Complete(CompleteArgs),
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// List StatefulSets in all namespaces
    #[arg(short = 'A', long)]
    pub all_namespaces: bool,

    /// Label selector, e.g. app=web,tier!=cache
    #[arg(short = 'l', long, value_name = "SELECTOR")]
    pub selector: Option<String>,

    /// Print no header line (table and wide output)
    #[arg(long)]
    pub no_headers: bool,

    /// Add a LABELS column (`key=value,…` sorted by key, as kubectl's --show-labels)
    #[arg(long)]
    pub show_labels: bool,

    /// Ask the server for this many StatefulSets at a time and print each page as it arrives,
    /// as kubectl does; 0 asks for all at once
    #[arg(long, default_value_t = 500, value_name = "N")]
    pub chunk_size: u32,

    /// After the table, print a row for each change (as `kubectl get -w`), until interrupted
    #[arg(short = 'w', long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct GetArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Keep metadata.managedFields in -o yaml|json
    #[arg(long)]
    pub show_managed_fields: bool,

    /// Redraw on every change of the StatefulSet or its pods (one line per change without a terminal)
    #[arg(short = 'w', long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct PodsArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// After the table, print a row for each change of a pod (as `kubectl get -w`), until
    /// interrupted
    #[arg(short = 'w', long)]
    pub watch: bool,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum, required_unless_present = "dir")]
    pub shell: Option<clap_complete::Shell>,

    /// Write every shell's script (and kubectl_complete-statefulset) into this directory
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Directory to write the man pages into
    #[arg(long, value_name = "DIR", default_value = "man")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The words typed so far (the last one may be empty)
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub words: Vec<String>,
}

/// A duration flag (`30s`, `5m`, `1h30m`, `0`): refused by clap (exit 2) when it is none.
pub fn duration_arg(s: &str) -> Result<String, String> {
    crate::manifest::validate::duration(s).map(|_| s.to_string())
}

/// A replica count (`scale NAME N`): a whole number, 0 or more, that fits an int32.
pub fn replicas_arg(s: &str) -> Result<String, String> {
    crate::manifest::rollout::parse_replicas(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// Parses the command line; usage lines say `kubectl statefulset` when started as a plugin.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_options_are_accepted_after_the_command() {
        let cli = Cli::try_parse_from([
            "kubectl-statefulset",
            "list",
            "-n",
            "prod",
            "-o",
            "wide",
            "-vv",
            "--context",
            "c1",
        ])
        .unwrap();
        assert_eq!(cli.global.namespace.as_deref(), Some("prod"));
        assert_eq!(cli.global.output, Some(OutputFormat::Wide));
        assert_eq!(cli.global.verbose, 2);
        assert_eq!(cli.global.context.as_deref(), Some("c1"));
        assert!(matches!(cli.command, Command::List(_)));
    }

    #[test]
    fn aliases_parse() {
        let cli = Cli::try_parse_from(["k", "ls", "-A"]).unwrap();
        assert!(matches!(
            cli.command,
            Command::List(ListArgs {
                all_namespaces: true,
                ..
            })
        ));
        let cli = Cli::try_parse_from(["k", "status", "web"]).unwrap();
        match cli.command {
            Command::Get(g) => assert_eq!(g.name.as_deref(), Some("web")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn bad_output_format_is_a_usage_error() {
        let err = Cli::try_parse_from(["k", "list", "-o", "xml"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
    }

    #[test]
    fn create_repeatable_flags() {
        let cli = Cli::try_parse_from([
            "k",
            "create",
            "web",
            "--image",
            "nginx",
            "--port",
            "80",
            "--port",
            "metrics:9090",
            "--env",
            "A=1",
            "--env",
            "B=2",
        ])
        .unwrap();
        match cli.command {
            Command::Create(c) => {
                assert_eq!(c.name.as_deref(), Some("web"));
                assert_eq!(c.port, vec!["80", "metrics:9090"]);
                assert_eq!(c.env.len(), 2);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
