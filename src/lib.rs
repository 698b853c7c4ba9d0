//! kubectl-statefulset: a kubectl plugin for the whole StatefulSet workflow of the KubeSphere
//! console. Data flows args (`cli`) → plan (`manifest`) → API calls (`kube`) → output (`render`).

pub mod cli;
pub mod commands;
pub mod errors;
pub mod kube;
pub mod manifest;
pub mod render;

use std::ffi::OsString;
use std::io::IsTerminal;

use clap::FromArgMatches;

use cli::{Cli, Command, GlobalArgs, OutputFormat};

/// What every command gets besides its own arguments.
pub struct Ctx {
    pub global: GlobalArgs,
    /// stdin and stdout are terminals: prompts are allowed.
    pub interactive: bool,
    /// stderr is a terminal: progress bars are allowed.
    pub stderr_tty: bool,
    /// colour on stdout.
    pub color: bool,
}

impl Ctx {
    pub async fn kube(&self) -> anyhow::Result<kube::Kube> {
        kube::Kube::connect(&self.global).await
    }
}

/// The usage name: `kubectl statefulset` when run as a kubectl plugin.
fn display_name(argv0: Option<&OsString>) -> &'static str {
    let base = argv0
        .and_then(|a| {
            std::path::Path::new(a)
                .file_name()
                .map(|f| f.to_string_lossy().to_string())
        })
        .unwrap_or_default();
    if base.starts_with("kubectl-") {
        "kubectl statefulset"
    } else {
        "kubectl-statefulset"
    }
}

/// `kubectl create statefulset` / `kubectl create sts` when run as a `create` plugin
/// (kubectl ≥ 1.30 runs `kubectl-create-statefulset` and `kubectl-create-sts` for them), by
/// the executable's name: the usage lines then name the command the user typed.
fn create_plugin_name(argv0: Option<&OsString>) -> Option<&'static str> {
    let base = std::path::Path::new(argv0?)
        .file_stem()?
        .to_string_lossy()
        .to_string();
    match base.as_str() {
        "kubectl-create-statefulset" => Some("statefulset"),
        "kubectl-create-sts" => Some("sts"),
        _ => None,
    }
}

/// The entry point of `kubectl-create-statefulset` (and its `kubectl-create-sts` link): the
/// same program with `create` prepended, its usage named after how kubectl ran it.
pub fn run_create_plugin(mut args: Vec<OsString>) -> i32 {
    args.insert(1, "create".into());
    run_main(args)
}

/// Runs the program and returns the exit code (0 ok, 1 error, 2 usage, 3 wait timed out).
pub fn run_main(args: Vec<OsString>) -> i32 {
    let name = display_name(args.first());
    // `-c NAME` scopes of create and edit-template are split off before clap parses.
    let (args, scopes) = cli::split_scopes(&args, &cli::command());
    let scopes = match cli::parse_scopes(scopes) {
        Ok(s) => s,
        Err(e) => {
            let _ = e.print();
            return 2;
        }
    };
    if let Some(sub) = create_plugin_name(args.first()) {
        // Help and usage errors come from the tree with `create` named as kubectl ran it
        // (`Usage: kubectl create statefulset [OPTIONS] [NAME]`); the parse below is the same.
        let mut shown = args.clone();
        if shown.len() > 1 {
            shown[1] = sub.into();
        }
        let probe = cli::command()
            .bin_name("kubectl create")
            .mut_subcommand("create", |c| c.name(sub));
        if let Err(e) = probe.try_get_matches_from(&shown) {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    }
    let matches = match cli::command().bin_name(name).try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => {
            let code = e.exit_code();
            let _ = e.print();
            return code;
        }
    };
    let mut cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return 2;
        }
    };
    match &mut cli.command {
        Command::Create(a) => a.scopes = scopes,
        Command::EditTemplate(a) => a.scopes = scopes,
        _ => {}
    }
    let mut global = cli.global.clone();
    if let Err(e) = global.resolve_template() {
        let err_color = render::color_enabled(global.no_color, std::io::stderr().is_terminal());
        return errors::report(&errors::usage(e), err_color);
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let ctx = Ctx {
        color: render::color_enabled(cli.global.no_color, std::io::stdout().is_terminal()),
        stderr_tty: std::io::stderr().is_terminal(),
        interactive,
        global,
    };
    if ctx.interactive || ctx.stderr_tty {
        show_cursor_on_interrupt();
    }
    let err_color = render::color_enabled(cli.global.no_color, std::io::stderr().is_terminal());
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(dispatch(cli.command, &ctx));
    match result {
        Ok(()) => 0,
        Err(e) => errors::report(&e, err_color),
    }
}

/// Ctrl-C in a prompt (dialoguer: console raises SIGINT on ^C read in raw mode) or under a
/// progress bar would end the process with the terminal's cursor still hidden. This SIGINT
/// action shows it again and exits with 130, as a shell reports an interrupt.
#[cfg(unix)]
fn show_cursor_on_interrupt() {
    // SAFETY: the action calls only write(2) and _exit(2), both async-signal-safe.
    let _ = unsafe {
        signal_hook_registry::register(libc::SIGINT, || {
            const SHOW: &[u8] = b"\x1b[?25h\n";
            libc::write(2, SHOW.as_ptr().cast(), SHOW.len());
            libc::_exit(130);
        })
    };
}

#[cfg(not(unix))]
fn show_cursor_on_interrupt() {}

/// The NAME of a command addressing one StatefulSet: it becomes a path segment of every request,
/// so anything that is not a valid object name (`web?x=1` would address `web`, `a/../b` another
/// path) is refused before any request.
fn check_target_name(command: &Command) -> anyhow::Result<()> {
    let name = match command {
        Command::Get(a) => a.name.as_deref(),
        Command::Pods(a) => a.name.as_deref(),
        Command::Scale(a) => Some(a.name.as_str()),
        Command::Redeploy(a) => a.name.as_deref(),
        Command::Revisions(a) => a.name.as_deref(),
        Command::Rollback(a) => a.name.as_deref(),
        Command::UpdateStrategy(a) => Some(a.name.as_str()),
        Command::Delete(a) => Some(a.name.as_str()),
        Command::EditYaml(a) => a.name.as_deref(),
        Command::Env(a) => Some(a.name.as_str()),
        Command::Edit(a) => Some(a.name.as_str()),
        Command::EditService(a) => Some(a.name.as_str()),
        Command::EditTemplate(a) => Some(a.name.as_str()),
        Command::ResizeVolume(a) => Some(a.name.as_str()),
        Command::Logs(a) => a.name.as_deref(),
        Command::Events(a) => a.name.as_deref(),
        Command::Top(a) => a.name.as_deref(),
        // create validates its NAME (a DNS-1123 label) with the rest of its flags; the other
        // commands address no single StatefulSet.
        _ => None,
    };
    if let Some(n) = name {
        crate::manifest::validate::dns1123_subdomain(n)
            .map_err(|e| anyhow::anyhow!("invalid StatefulSet name {n:?}: {e}"))?;
    }
    Ok(())
}

/// The `-o` formats a command writes (besides its default, `table`): any other is a usage error
/// (exit 2), never accepted and ignored. The read commands also take kubectl's template printers.
fn output_formats(command: &Command) -> Vec<&'static str> {
    let read = |fixed: &[&'static str]| -> Vec<&'static str> {
        fixed.iter().chain(cli::TEMPLATE_FORMATS).copied().collect()
    };
    match command {
        Command::List(_) | Command::Pods(_) => read(&["wide", "yaml", "json", "name"]),
        Command::Get(_) | Command::Events(_) | Command::Revisions(_) => {
            read(&["yaml", "json", "name"])
        }
        Command::Create(_)
        | Command::Scale(_)
        | Command::Redeploy(_)
        | Command::Rollback(_)
        | Command::UpdateStrategy(_)
        | Command::Delete(_)
        | Command::EditTemplate(_) => vec!["yaml", "json", "name"],
        Command::Top(_) | Command::EditYaml(_) => vec!["yaml", "json"],
        Command::Env(a) if a.action.is_none() => vec!["yaml", "json"],
        Command::Logs(_) => vec!["json"],
        _ => vec![],
    }
}

fn check_output(command: &Command, output: Option<&OutputFormat>) -> anyhow::Result<()> {
    let Some(format) = output else {
        return Ok(());
    };
    let accepted = output_formats(command);
    if matches!(command, Command::Complete(_)) || *format == OutputFormat::Table {
        return Ok(());
    }
    if accepted.contains(&format.name()) {
        return Ok(());
    }
    let list: Vec<&str> = std::iter::once("table").chain(accepted).collect();
    Err(errors::usage(format!(
        "invalid value '{}' for '--output <FORMAT>': this command writes {}",
        format.name(),
        list.join(", ")
    )))
}

async fn dispatch(command: Command, ctx: &Ctx) -> anyhow::Result<()> {
    check_output(&command, ctx.global.output.as_ref())?;
    check_target_name(&command)?;
    match command {
        Command::Create(args) => commands::create::run(*args, ctx).await,
        Command::List(args) => commands::list::run(args, ctx).await,
        Command::Get(args) => commands::get::run(args, ctx).await,
        Command::Pods(args) => commands::pods::run(args, ctx).await,
        Command::Logs(args) => commands::logs::run(args, ctx).await,
        Command::Events(args) => commands::events::run(args, ctx).await,
        Command::Top(args) => commands::top::run(args, ctx).await,
        Command::Scale(args) => commands::scale::run(args, ctx).await,
        Command::Redeploy(args) => commands::redeploy::run(args, ctx).await,
        Command::Revisions(args) => commands::revisions::run(args, ctx).await,
        Command::Rollback(args) => commands::rollback::run(args, ctx).await,
        Command::UpdateStrategy(args) => commands::update_strategy::run(args, ctx).await,
        Command::Delete(args) => commands::delete::run(args, ctx).await,
        Command::EditYaml(args) => commands::edit_yaml::run(args, ctx).await,
        Command::Env(args) => commands::env::run(args, ctx).await,
        Command::Edit(args) => commands::edit::run(args, ctx).await,
        Command::EditService(args) => commands::edit_service::run(args, ctx).await,
        Command::EditTemplate(args) => commands::edit_template::run(*args, ctx).await,
        Command::ResizeVolume(args) => commands::resize_volume::run(args, ctx).await,
        Command::Completions(args) => commands::completions::run(args, ctx),
        Command::Man(args) => commands::man::run(args, ctx),
        Command::Complete(args) => commands::complete::run(args, ctx).await,
    }
}
