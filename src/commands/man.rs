//! `man`: writes the man pages generated from the clap definitions.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cli::ManArgs;
use crate::Ctx;

pub fn run(args: ManArgs, _ctx: &Ctx) -> Result<()> {
    generate_all(&args.dir)
}

/// kubectl-statefulset.1 plus one page per visible command (kubectl-statefulset-create.1, …).
pub fn generate_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let cmd = crate::cli::command();
    write_page(dir, "kubectl-statefulset", cmd.clone())?;
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = format!("kubectl-statefulset-{}", sub.get_name());
        let leaked: &'static str = Box::leak(name.clone().into_boxed_str());
        write_page(dir, &name, sub.clone().name(leaked))?;
    }
    Ok(())
}

fn write_page(dir: &Path, name: &str, cmd: clap::Command) -> Result<()> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    let path = dir.join(format!("{name}.1"));
    std::fs::write(&path, buf).with_context(|| format!("cannot write {}", path.display()))
}
