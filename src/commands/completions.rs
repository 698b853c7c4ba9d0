//! `completions`: writes the shell completion scripts generated from the clap definitions.

use std::path::Path;

use anyhow::{Context, Result};
use clap_complete::Shell;

use crate::cli::CompletionsArgs;
use crate::Ctx;

/// The script kubectl (≥ 1.26) runs for `kubectl statefulset <TAB>`.
pub const KUBECTL_COMPLETE_SCRIPT: &str = "#!/bin/sh
# kubectl runs this for `kubectl statefulset <TAB>`; it answers in Cobra's __complete format.
exec kubectl-statefulset __complete \"$@\"
";

pub fn run(args: CompletionsArgs, _ctx: &Ctx) -> Result<()> {
    if let Some(dir) = &args.dir {
        return generate_all(dir);
    }
    let shell = args.shell.expect("clap requires SHELL without --dir");
    let mut cmd = crate::cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "kubectl-statefulset", &mut buf);
    crate::render::out(&String::from_utf8_lossy(&buf))
}

/// The file name each shell's script is committed under in completions/.
pub fn file_name(shell: Shell) -> &'static str {
    match shell {
        Shell::Bash => "kubectl-statefulset.bash",
        Shell::Zsh => "_kubectl-statefulset",
        Shell::Fish => "kubectl-statefulset.fish",
        Shell::PowerShell => "_kubectl-statefulset.ps1",
        Shell::Elvish => "kubectl-statefulset.elv",
        _ => "kubectl-statefulset.unknown",
    }
}

pub fn generate_all(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for shell in [Shell::Bash, Shell::Zsh, Shell::Fish, Shell::PowerShell] {
        let mut cmd = crate::cli::command();
        let mut buf = Vec::new();
        clap_complete::generate(shell, &mut cmd, "kubectl-statefulset", &mut buf);
        let path = dir.join(file_name(shell));
        std::fs::write(&path, buf).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let path = dir.join("kubectl_complete-statefulset");
    std::fs::write(&path, KUBECTL_COMPLETE_SCRIPT)
        .with_context(|| format!("cannot write {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}
