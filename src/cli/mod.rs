//! Clap definitions only: the global options and one `*Args` struct per command.
//! Validation and derivation of values happen in `crate::manifest`, never here.

mod container;
mod create;
mod images;
mod lifecycle;
mod logs;
mod template;

pub use container::{parse_scopes, split_scopes, ContainerScope};
pub use create::{CreateArgs, DryRun};
pub use images::ImageCheckArgs;
pub use lifecycle::{
    DeleteArgs, DryRunArg, RedeployArgs, RevisionsArgs, RollbackArgs, ScaleArgs,
    UpdateStrategyArgs, WaitArgs,
};
pub use logs::{EventsArgs, LogsArgs, TopArgs};
pub use template::EditTemplateArgs;
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

    /// Output format: table, wide, yaml, json, name, jsonpath=…, jsonpath-file=…,
    /// custom-columns=…, custom-columns-file=…, go-template=…, go-template-file=… (as kubectl's)
    #[arg(short = 'o', long, global = true, value_name = "FORMAT", value_parser = OutputParser)]
    pub output: Option<OutputFormat>,

    /// The template of `-o jsonpath|go-template|custom-columns` (or the file of their -file
    /// forms) when -o names only the format; alone, it means -o go-template (as kubectl's)
    #[arg(long, global = true, value_name = "TEMPLATE")]
    pub template: Option<String>,

    /// With -o jsonpath or go-template: a field missing from the object prints nothing
    /// (go-template: `<no value>`) instead of an error, as kubectl's default
    #[arg(long, global = true, value_name = "BOOL", default_value_t = true, num_args = 0..=1,
          default_missing_value = "true", action = clap::ArgAction::Set)]
    pub allow_missing_template_keys: bool,

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

/// `-o`: a fixed format, or one of kubectl's template printers with its template (the
/// `-file` forms name a file read when printing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputFormat {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    JsonPath(String),
    /// kubectl's `jsonpath-as-json`: each action's results as an indented JSON array.
    JsonPathAsJson(String),
    JsonPathFile(PathBuf),
    CustomColumns(String),
    CustomColumnsFile(PathBuf),
    GoTemplate(String),
    GoTemplateFile(PathBuf),
}

impl OutputFormat {
    /// The format's name as `-o` spells it (without the template).
    pub fn name(&self) -> &'static str {
        match self {
            OutputFormat::Table => "table",
            OutputFormat::Wide => "wide",
            OutputFormat::Yaml => "yaml",
            OutputFormat::Json => "json",
            OutputFormat::Name => "name",
            OutputFormat::JsonPath(_) => "jsonpath",
            OutputFormat::JsonPathAsJson(_) => "jsonpath-as-json",
            OutputFormat::JsonPathFile(_) => "jsonpath-file",
            OutputFormat::CustomColumns(_) => "custom-columns",
            OutputFormat::CustomColumnsFile(_) => "custom-columns-file",
            OutputFormat::GoTemplate(_) => "go-template",
            OutputFormat::GoTemplateFile(_) => "go-template-file",
        }
    }

    /// jsonpath, custom-columns or go-template (any form).
    pub fn is_template(&self) -> bool {
        TEMPLATE_FORMATS.contains(&self.name())
    }

    /// Parses `-o`'s value as kubectl does: a name, or `name=template` (kubectl also spells
    /// go-template `template` and go-template-file `templatefile`).
    pub fn parse(s: &str) -> Result<OutputFormat, String> {
        let fixed = match s {
            "table" => Some(OutputFormat::Table),
            "wide" => Some(OutputFormat::Wide),
            "yaml" => Some(OutputFormat::Yaml),
            "json" => Some(OutputFormat::Json),
            "name" => Some(OutputFormat::Name),
            _ => None,
        };
        if let Some(f) = fixed {
            return Ok(f);
        }
        let (kind, value) = s.split_once('=').unwrap_or((s, ""));
        let known = TEMPLATE_FORMATS.contains(&kind) || matches!(kind, "template" | "templatefile");
        if !known {
            return Err(format!(
                "unable to match a printer suitable for the output format \"{s}\", allowed formats are: {}",
                OUTPUT_NAMES.join(",")
            ));
        }
        // An empty template is filled from --template (GlobalArgs::resolve_template).
        let v = value.to_string();
        Ok(match kind {
            "jsonpath" => OutputFormat::JsonPath(v),
            "jsonpath-as-json" => OutputFormat::JsonPathAsJson(v),
            "jsonpath-file" => OutputFormat::JsonPathFile(v.into()),
            "custom-columns" => OutputFormat::CustomColumns(v),
            "custom-columns-file" => OutputFormat::CustomColumnsFile(v.into()),
            "go-template" | "template" => OutputFormat::GoTemplate(v),
            _ => OutputFormat::GoTemplateFile(v.into()),
        })
    }
}

impl GlobalArgs {
    /// kubectl's `--template`: the template of an `-o` that names only the format
    /// (`-o jsonpath --template '{.a}'`), and `-o go-template` when there is no `-o`. A
    /// template format without a template is a usage error with kubectl's words.
    pub fn resolve_template(&mut self) -> Result<(), String> {
        let flag = self.template.clone().filter(|t| !t.is_empty());
        let output = match self.output.take() {
            None => flag.clone().map(OutputFormat::GoTemplate),
            Some(o) => Some(match (o, flag) {
                (OutputFormat::JsonPath(t), Some(f)) if t.is_empty() => OutputFormat::JsonPath(f),
                (OutputFormat::JsonPathAsJson(t), Some(f)) if t.is_empty() => {
                    OutputFormat::JsonPathAsJson(f)
                }
                (OutputFormat::GoTemplate(t), Some(f)) if t.is_empty() => {
                    OutputFormat::GoTemplate(f)
                }
                (OutputFormat::CustomColumns(t), Some(f)) if t.is_empty() => {
                    OutputFormat::CustomColumns(f)
                }
                (OutputFormat::JsonPathFile(p), Some(f)) if p.as_os_str().is_empty() => {
                    OutputFormat::JsonPathFile(f.into())
                }
                (OutputFormat::GoTemplateFile(p), Some(f)) if p.as_os_str().is_empty() => {
                    OutputFormat::GoTemplateFile(f.into())
                }
                (OutputFormat::CustomColumnsFile(p), Some(f)) if p.as_os_str().is_empty() => {
                    OutputFormat::CustomColumnsFile(f.into())
                }
                (o, _) => o,
            }),
        };
        let empty = match &output {
            Some(
                OutputFormat::JsonPath(t)
                | OutputFormat::JsonPathAsJson(t)
                | OutputFormat::GoTemplate(t),
            ) => t.is_empty(),
            Some(OutputFormat::JsonPathFile(p) | OutputFormat::GoTemplateFile(p)) => {
                p.as_os_str().is_empty()
            }
            Some(OutputFormat::CustomColumns(t)) if t.is_empty() => {
                return Err("custom-columns format specified but no custom columns given".into())
            }
            Some(OutputFormat::CustomColumnsFile(p)) => p.as_os_str().is_empty(),
            _ => false,
        };
        if empty {
            return Err("template format specified but no template given".into());
        }
        self.output = output;
        Ok(())
    }
}

/// The template printers, by their `-o` names.
pub const TEMPLATE_FORMATS: &[&str] = &[
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "go-template-file",
];

/// Every `-o` name, for help, completion and errors.
pub const OUTPUT_NAMES: &[&str] = &[
    "table",
    "wide",
    "yaml",
    "json",
    "name",
    "jsonpath",
    "jsonpath-as-json",
    "jsonpath-file",
    "custom-columns",
    "custom-columns-file",
    "go-template",
    "go-template-file",
];

/// clap's parser for `-o`: [`OutputFormat::parse`], with the names as possible values (help,
/// completion scripts).
#[derive(Clone)]
pub struct OutputParser;

impl clap::builder::TypedValueParser for OutputParser {
    type Value = OutputFormat;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<OutputFormat, clap::Error> {
        let s = value
            .to_str()
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8).with_cmd(cmd))?;
        OutputFormat::parse(s).map_err(|e| {
            let arg = arg
                .map(|a| a.to_string())
                .unwrap_or_else(|| "--output".into());
            clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!("invalid value '{s}' for '{arg}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        Some(Box::new(
            OUTPUT_NAMES
                .iter()
                .map(|n| clap::builder::PossibleValue::new(*n)),
        ))
    }
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
    /// Containers, volumes, probes, resources and update strategy of the pod template (Edit Config Template)
    EditTemplate(Box<EditTemplateArgs>),
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

    /// Sort by this field (a JSONPath such as .metadata.creationTimestamp or {.spec.replicas}):
    /// numbers by value, quantities by amount, other strings in natural order, as kubectl's
    #[arg(long, value_name = "JSONPATH")]
    pub sort_by: Option<String>,

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

    /// Print no header line (table; custom-columns)
    #[arg(long)]
    pub no_headers: bool,

    /// Add a LABELS column (`key=value,…` sorted by key, as kubectl's --show-labels)
    #[arg(long)]
    pub show_labels: bool,

    /// Sort by this field (a JSONPath such as .status.startTime) instead of by ordinal
    #[arg(long, value_name = "JSONPATH")]
    pub sort_by: Option<String>,

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
    fn template_outputs_parse_with_their_template() {
        let cli = Cli::try_parse_from(["k", "list", "-o", "jsonpath={.items[*].a=b}"]).unwrap();
        assert_eq!(
            cli.global.output,
            Some(OutputFormat::JsonPath("{.items[*].a=b}".into()))
        );
        let cli = Cli::try_parse_from(["k", "list", "-otemplate={{.kind}}"]).unwrap();
        assert_eq!(
            cli.global.output,
            Some(OutputFormat::GoTemplate("{{.kind}}".into()))
        );
        let cli = Cli::try_parse_from(["k", "list", "--output=custom-columns-file=c.txt"]).unwrap();
        assert_eq!(
            cli.global.output,
            Some(OutputFormat::CustomColumnsFile("c.txt".into()))
        );
        assert!(cli.global.allow_missing_template_keys);
        let cli =
            Cli::try_parse_from(["k", "list", "--allow-missing-template-keys=false"]).unwrap();
        assert!(!cli.global.allow_missing_template_keys);
        let err = Cli::try_parse_from(["k", "list", "-o", "xml=1"]).unwrap_err();
        assert_eq!(err.exit_code(), 2);
        // A format without its template takes --template's, else it is an error.
        let resolved = |args: &[&str]| {
            let mut g = Cli::try_parse_from(args).unwrap().global;
            g.resolve_template().map(|()| g.output)
        };
        assert_eq!(
            resolved(&["k", "list", "-o", "jsonpath", "--template", "{.a}"]),
            Ok(Some(OutputFormat::JsonPath("{.a}".into())))
        );
        assert_eq!(
            resolved(&["k", "list", "--template", "{{.a}}"]),
            Ok(Some(OutputFormat::GoTemplate("{{.a}}".into())))
        );
        assert_eq!(
            resolved(&["k", "list", "-o", "jsonpath={.b}", "--template", "{.a}"]),
            Ok(Some(OutputFormat::JsonPath("{.b}".into())))
        );
        assert_eq!(
            resolved(&["k", "list", "-o", "go-template"]),
            Err("template format specified but no template given".into())
        );
        assert_eq!(
            resolved(&["k", "list", "-o", "custom-columns="]),
            Err("custom-columns format specified but no custom columns given".into())
        );
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
