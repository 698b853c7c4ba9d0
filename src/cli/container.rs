//! Per-container settings scoped by `-c NAME` (create, edit-template).
//!
//! clap has no positional scoping, so the command line is pre-split ([`split_scopes`]) before
//! clap sees it: the container flags that follow `-c NAME` (up to the next `-c`) are taken out
//! and parsed on their own as a [`ContainerScope`]; everything else stays where it was. The
//! flags before the first `-c` apply to the main (first) container, as they always did.

use std::ffi::OsString;

use clap::{Args, FromArgMatches};

/// The settings of one container, as given after `-c NAME`.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct ContainerScope {
    /// Container image
    #[arg(long, value_name = "IMAGE", help_heading = "Container")]
    pub image: Option<String>,
    /// Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable; edit-template: added, or replaced by name or number)
    #[arg(long, short = 'p', value_name = "PORT", help_heading = "Container")]
    pub port: Vec<String>,
    /// Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)
    #[arg(long, short = 'e', value_name = "K=V", help_heading = "Container")]
    pub env: Vec<String>,
    /// Resource requests, e.g. cpu=100m,memory=128Mi
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub requests: Option<String>,
    /// Resource limits, e.g. cpu=1,memory=512Mi
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub limits: Option<String>,
    /// CPU request, e.g. 250m
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub requests_cpu: Option<String>,
    /// Memory request, e.g. 256Mi
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub requests_memory: Option<String>,
    /// CPU limit, e.g. 1
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub limits_cpu: Option<String>,
    /// Memory limit, e.g. 1Gi
    #[arg(long, value_name = "VALUE", help_heading = "Resources")]
    pub limits_memory: Option<String>,
    /// Image pull policy: Always, IfNotPresent or Never
    #[arg(long, value_name = "VALUE", help_heading = "Container")]
    pub pull_policy: Option<String>,
    /// Start command, a shell-like string
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "VALUE",
        help_heading = "Container"
    )]
    pub command: Option<String>,
    /// Arguments, a shell-like string
    #[arg(
        long,
        allow_hyphen_values = true,
        value_name = "VALUE",
        help_heading = "Container"
    )]
    pub args: Option<String>,
    /// Liveness probe: `http:[https://]PORT[/PATH]`, `tcp:PORT` or `exec:COMMAND`
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub liveness: Option<String>,
    /// Readiness probe (same syntax as --liveness)
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub readiness: Option<String>,
    /// Startup probe (same syntax as --liveness)
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub startup: Option<String>,
    /// Liveness probe timing: delay=0,timeout=1,period=10,success=1,failure=3
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub liveness_opts: Option<String>,
    /// Readiness probe timing (same syntax as --liveness-opts)
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub readiness_opts: Option<String>,
    /// Startup probe timing (same syntax as --liveness-opts)
    #[arg(long, value_name = "VALUE", help_heading = "Health checks")]
    pub startup_opts: Option<String>,
    /// Mount a volume `[CONTAINER@]KIND:SOURCE:PATH[:ro]` (repeatable; see create --help)
    #[arg(long, value_name = "SPEC", help_heading = "Volumes")]
    pub mount: Vec<String>,
    /// With --add-sidecar: native sidecars (init containers with restartPolicy Always)
    #[arg(long, help_heading = "Container")]
    pub native: bool,
    /// edit-template: remove an environment variable by name (repeatable)
    #[arg(long, value_name = "NAME", help_heading = "Container")]
    pub remove_env: Vec<String>,
    /// edit-template: remove a container port by `NAME`, `NUMBER` or `NUMBER/PROTOCOL` (repeatable)
    #[arg(long, value_name = "NAME|NUMBER", help_heading = "Container")]
    pub remove_port: Vec<String>,
}

/// The long names of the flags a `-c NAME` scope takes, and which of them take a value.
const SCOPED: [(&str, Option<char>, bool); 22] = [
    ("image", None, true),
    ("port", Some('p'), true),
    ("env", Some('e'), true),
    ("requests", None, true),
    ("limits", None, true),
    ("requests-cpu", None, true),
    ("requests-memory", None, true),
    ("limits-cpu", None, true),
    ("limits-memory", None, true),
    ("pull-policy", None, true),
    ("command", None, true),
    ("args", None, true),
    ("liveness", None, true),
    ("readiness", None, true),
    ("startup", None, true),
    ("liveness-opts", None, true),
    ("readiness-opts", None, true),
    ("startup-opts", None, true),
    ("mount", None, true),
    ("native", None, false),
    ("remove-env", None, true),
    ("remove-port", None, true),
];

/// The commands whose command line is split at `-c NAME`.
const SCOPED_COMMANDS: [&str; 2] = ["create", "edit-template"];

/// Splits `argv` at `-c NAME` for `create` and `edit-template`: returns the command line for
/// clap (the `-c NAME` themselves stay, for clap to record the names in order) and, per `-c`,
/// the tokens of its scope. Other commands' command lines are returned unchanged.
pub fn split_scopes(
    argv: &[OsString],
    command: &clap::Command,
) -> (Vec<OsString>, Vec<(String, Vec<String>)>) {
    // The subcommand is the first word that is neither a flag nor a global flag's value.
    let global_takes_value = |t: &str| {
        command.get_arguments().any(|a| {
            (a.get_long().is_some_and(|l| t == format!("--{l}"))
                || a.get_short().is_some_and(|c| t == format!("-{c}")))
                && a.get_action().takes_values()
        })
    };
    let mut sub_at = 1;
    while let Some(t) = argv.get(sub_at).and_then(|a| a.to_str()) {
        if !t.starts_with('-') {
            break;
        }
        sub_at += if global_takes_value(t) { 2 } else { 1 };
    }
    if !argv
        .get(sub_at)
        .and_then(|a| a.to_str())
        .is_some_and(|s| SCOPED_COMMANDS.contains(&s))
    {
        return (argv.to_vec(), Vec::new());
    }
    let sub_name = argv[sub_at].to_string_lossy().to_string();
    let Some(sub) = command.find_subcommand(&sub_name) else {
        return (argv.to_vec(), Vec::new());
    };
    // Which flags of the command take a value (so that a value like `-c` is never read as one).
    let takes_value = |long: Option<&str>, short: Option<char>| -> bool {
        sub.get_arguments().chain(command.get_arguments()).any(|a| {
            let m = long.is_some_and(|l| a.get_long() == Some(l))
                || short.is_some_and(|s| a.get_short() == Some(s));
            m && a.get_action().takes_values()
                && a.get_num_args().is_none_or(|n| n.min_values() > 0)
        })
    };
    let mut out: Vec<OsString> = argv[..=sub_at].to_vec();
    let mut scopes: Vec<(String, Vec<String>)> = Vec::new();
    let mut i = sub_at + 1;
    while i < argv.len() {
        let Some(tok) = argv[i].to_str().map(str::to_string) else {
            out.push(argv[i].clone());
            i += 1;
            continue;
        };
        if tok == "--" {
            out.extend_from_slice(&argv[i..]);
            break;
        }
        // `-c NAME`, `-cNAME`, `--container NAME`, `--container=NAME`
        let container = if tok == "-c" || tok == "--container" {
            if let Some(n) = argv.get(i + 1) {
                out.push(argv[i].clone());
                out.push(n.clone());
                i += 2;
                Some(n.to_string_lossy().to_string())
            } else {
                None
            }
        } else if let Some(n) = tok.strip_prefix("--container=") {
            out.push(argv[i].clone());
            i += 1;
            Some(n.to_string())
        } else if let Some(n) = tok
            .strip_prefix("-c")
            .filter(|n| !n.is_empty() && !tok.starts_with("--"))
        {
            out.push(argv[i].clone());
            i += 1;
            Some(n.to_string())
        } else {
            None
        };
        if let Some(n) = container {
            scopes.push((n, Vec::new()));
            continue;
        }
        // A flag and its value.
        let (long, short, joined) = if let Some(rest) = tok.strip_prefix("--") {
            match rest.split_once('=') {
                Some((l, _)) => (Some(l.to_string()), None, true),
                None => (Some(rest.to_string()), None, false),
            }
        } else if tok.len() >= 2 && tok.starts_with('-') && !tok.starts_with("--") {
            let c = tok[1..].chars().next();
            (None, c, tok.len() > 2)
        } else {
            (None, None, false)
        };
        let scoped = SCOPED
            .iter()
            .find(|(l, s, _)| long.as_deref() == Some(*l) || (short.is_some() && *s == short));
        let value_follows = !joined && (long.is_some() || short.is_some()) && {
            match scoped {
                Some((_, _, v)) => *v,
                None => takes_value(long.as_deref(), short),
            }
        };
        let n = if value_follows && i + 1 < argv.len() {
            2
        } else {
            1
        };
        match (scoped, scopes.last_mut()) {
            (Some(_), Some((_, tokens))) => {
                for a in &argv[i..i + n] {
                    tokens.push(a.to_string_lossy().to_string());
                }
            }
            _ => out.extend_from_slice(&argv[i..i + n]),
        }
        i += n;
    }
    (out, scopes)
}

/// Parses each scope's tokens (a usage error names the container).
pub fn parse_scopes(
    scopes: Vec<(String, Vec<String>)>,
) -> Result<Vec<(String, ContainerScope)>, clap::Error> {
    scopes
        .into_iter()
        .map(|(name, tokens)| {
            let cmd = ContainerScope::augment_args(
                clap::Command::new("container")
                    .no_binary_name(true)
                    .disable_help_flag(true),
            );
            let m = cmd.try_get_matches_from(&tokens).map_err(|e| {
                let text = e.render().to_string();
                let first = text.lines().next().unwrap_or_default();
                let first = first.strip_prefix("error: ").unwrap_or(first);
                clap::Error::raw(
                    e.kind(),
                    format!("after -c {name}: {first} (flags after -c NAME: the container flags, see --help)\n"),
                )
            })?;
            ContainerScope::from_arg_matches(&m).map(|s| (name, s))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(args: &[&str]) -> (Vec<String>, Vec<(String, Vec<String>)>) {
        let argv: Vec<OsString> = args.iter().map(OsString::from).collect();
        let (out, scopes) = split_scopes(&argv, &crate::cli::command());
        (
            out.iter()
                .map(|a| a.to_string_lossy().to_string())
                .collect(),
            scopes,
        )
    }

    #[test]
    fn flags_after_c_go_to_that_container_and_the_others_stay() {
        let (out, scopes) = split(&[
            "k",
            "create",
            "db",
            "--image",
            "pg",
            "--port",
            "5432",
            "--sidecar",
            "m=exp",
            "-c",
            "m",
            "--port",
            "9187",
            "-n",
            "prod",
            "--env",
            "A=1",
            "--yes",
            "--native",
            "-c",
            "pg",
            "-e",
            "B=2",
            "--command=-c",
            "--dry-run",
            "client",
        ]);
        assert_eq!(
            out,
            vec![
                "k",
                "create",
                "db",
                "--image",
                "pg",
                "--port",
                "5432",
                "--sidecar",
                "m=exp",
                "-c",
                "m",
                "-n",
                "prod",
                "--yes",
                "-c",
                "pg",
                "--dry-run",
                "client"
            ]
        );
        assert_eq!(scopes.len(), 2);
        assert_eq!(scopes[0].0, "m");
        assert_eq!(
            scopes[0].1,
            vec!["--port", "9187", "--env", "A=1", "--native"]
        );
        assert_eq!(scopes[1].1, vec!["-e", "B=2", "--command=-c"]);
        let parsed = parse_scopes(scopes).unwrap();
        assert_eq!(parsed[0].1.port, vec!["9187"]);
        assert!(parsed[0].1.native);
        assert_eq!(parsed[1].1.command.as_deref(), Some("-c"));
    }

    #[test]
    fn a_value_that_looks_like_c_is_a_value() {
        let (out, scopes) = split(&["k", "create", "x", "--args", "-c", "--image", "i"]);
        assert!(scopes.is_empty(), "{scopes:?}");
        assert_eq!(out.len(), 7);
        let (_, scopes) = split(&["k", "list", "-c", "x"]);
        assert!(scopes.is_empty());
        // A StatefulSet named `create` is no subcommand; a global flag's value neither.
        let (_, scopes) = split(&["k", "logs", "create", "-c", "app"]);
        assert!(scopes.is_empty());
        let (_, scopes) = split(&["k", "-n", "create", "logs", "w", "-c", "app"]);
        assert!(scopes.is_empty());
        let (_, scopes) = split(&[
            "k", "-n", "prod", "--yes", "create", "w", "-c", "app", "-p", "1",
        ]);
        assert_eq!(
            scopes,
            vec![("app".to_string(), vec!["-p".to_string(), "1".to_string()])]
        );
    }

    #[test]
    fn a_bad_scoped_flag_is_a_usage_error_naming_the_container() {
        let e = parse_scopes(vec![("m".into(), vec!["--port".into()])]).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("-c m"), "{e}");
    }
}
