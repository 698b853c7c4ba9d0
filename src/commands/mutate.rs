//! Shared by the mutating lifecycle commands: output (`-o yaml|json` or kubectl's
//! `statefulset.apps/web <op>` line), dry-run suffixes, confirmations.

use anyhow::Result;
use serde::Serialize;

use crate::cli::{DryRun, OutputFormat};
use crate::render;
use crate::Ctx;

/// kubectl's dry-run suffix of the name printer.
pub fn suffix(dry: DryRun) -> &'static str {
    match dry {
        DryRun::Client => " (dry run)",
        DryRun::Server => " (server dry run)",
        DryRun::None => "",
    }
}

/// `-o yaml|json`: the object (without managedFields); `-o name` the name; else `line`.
pub fn print_object<T: Serialize>(
    ctx: &Ctx,
    obj: &T,
    api_version: &str,
    kind: &str,
    line: &str,
) -> Result<()> {
    let v = || crate::manifest::typed(&render::object_value(obj, false), api_version, kind);
    match ctx.global.output {
        Some(OutputFormat::Yaml) => render::out(&render::to_yaml(&v())?),
        Some(OutputFormat::Json) => render::out(&render::to_json(&v())?),
        Some(OutputFormat::Name) => render::out(line.split(' ').next().unwrap_or_default()),
        _ => render::out(line),
    }
}

/// [`render::change::confirm`] with the context's `--yes` and terminal.
pub fn confirm(ctx: &Ctx, question: &str) -> Result<bool> {
    render::change::confirm(question, ctx.global.yes, ctx.interactive)
}
