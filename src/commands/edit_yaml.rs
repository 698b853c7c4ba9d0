//! `edit-yaml NAME`: edit the raw object in an editor (or upload `--file`, download `--export`),
//! PUT with the original resourceVersion, rebase on conflicts, reopen on rejections. The user's
//! edit is never lost: on any failure the file is kept and its path printed.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::cli::{EditYamlArgs, OutputFormat, ServerDryRun};
use crate::errors::with_hint;
use crate::kube::raw::{RawError, StatusError};
use crate::kube::Kube;
use crate::manifest::edit::{self, Edited, Rebase};
use crate::render::{self, change};
use crate::Ctx;

pub async fn run(args: EditYamlArgs, ctx: &Ctx) -> Result<()> {
    let mut kube = ctx.kube().await?;
    // As kubectl edit/replace: fieldValidation=Strict unless --validate says otherwise.
    kube.field_validation = Some(args.validate.unwrap_or_default().directive());
    let name = super::name_or_pick(args.name.clone(), ctx, &kube).await?;
    let live = kube.get_sts_json(&name).await?;
    let clean = edit::clean(&live);

    let export_stdout = matches!(
        ctx.global.output,
        Some(OutputFormat::Yaml) | Some(OutputFormat::Json)
    ) && args.file.is_none();
    if let Some(target) = &args.export {
        let text = render::to_yaml(&clean)?;
        if target.as_os_str() == "-" {
            return render::out(&text);
        }
        std::fs::write(target, text)
            .with_context(|| format!("cannot write {}", target.display()))?;
        eprintln!("wrote statefulset {name:?} to {}", target.display());
        return Ok(());
    }
    if export_stdout {
        let text = if ctx.global.output == Some(OutputFormat::Json) {
            render::to_json(&clean)?
        } else {
            render::to_yaml(&clean)?
        };
        return render::out(&text);
    }

    let session = Session {
        kube: &kube,
        ctx,
        name: name.clone(),
        path: kube.statefulset_path(&name),
        dry_run: args.dry_run == Some(ServerDryRun::Server),
    };
    match &args.file {
        Some(file) => session.upload(file, live, clean).await,
        None => session.edit(live, clean).await,
    }
}

struct Session<'a> {
    kube: &'a Kube,
    ctx: &'a Ctx,
    name: String,
    path: String,
    dry_run: bool,
}

/// What happened to one submission.
enum Submitted {
    Done,
    /// Not saved; reopen the editor with these lines on top, editing against this base.
    Reopen {
        lines: Vec<String>,
        base_live: Value,
        edited: Value,
    },
}

impl Session<'_> {
    /// `--file F`: the same diff, confirm and conflict rules; no editor to reopen.
    async fn upload(&self, file: &Path, live: Value, clean: Value) -> Result<()> {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let edited = match edit::parse_edited(&text)
            .with_context(|| format!("cannot use {}", file.display()))?
        {
            Edited::Empty => bail!("{} is empty; nothing to upload", file.display()),
            Edited::Object(v) => v,
        };
        let edited = edit::clean(&edited);
        edit::check_identity(&clean, &edited)
            .with_context(|| format!("cannot upload {}", file.display()))?;
        if edited == clean {
            println!(
                "No changes: {} matches statefulset {:?}.",
                file.display(),
                self.name
            );
            return Ok(());
        }
        match self.submit(live, clean, edited).await? {
            Submitted::Done => Ok(()),
            Submitted::Reopen { lines, .. } => {
                Err(anyhow!(lines.join("\n")).context(format!("{} was not saved", file.display())))
            }
        }
    }

    /// The editor loop.
    async fn edit(&self, live: Value, clean: Value) -> Result<()> {
        let initial = render::to_yaml(&clean)?;
        let file = create_temp(&format!("{}{initial}", edit::header(&[])))
            .context("cannot create the temporary file to edit")?;
        let keep = |e: anyhow::Error| -> anyhow::Error {
            with_hint(e, format!("your edit is kept in {}", file.display()))
        };
        let mut base_live = live;
        let mut base_clean = clean;
        // The text of the last reopen: saving it unchanged again gives up.
        let mut reopened_with: Option<String> = None;
        loop {
            open_editor(&file).map_err(keep)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))
                .map_err(keep)?;
            let body = edit::strip_header(&text);
            if reopened_with.as_deref() == Some(body.as_str()) {
                return Err(keep(anyhow!(
                    "the file was saved unchanged after the error shown at its top; nothing was saved"
                )));
            }
            let edited = match edit::parse_edited(&text) {
                Ok(Edited::Empty) => {
                    println!("Edit cancelled, no changes made.");
                    let _ = std::fs::remove_file(&file);
                    return Ok(());
                }
                Ok(Edited::Object(v)) => v,
                Err(e) => {
                    reopen(&file, &[e.to_string()], &body).map_err(keep)?;
                    reopened_with = Some(body);
                    continue;
                }
            };
            if edited == base_clean {
                println!("Edit cancelled, no changes made.");
                let _ = std::fs::remove_file(&file);
                return Ok(());
            }
            if let Err(e) = edit::check_identity(&base_clean, &edited) {
                reopen(&file, &[e.to_string()], &body).map_err(keep)?;
                reopened_with = Some(body);
                continue;
            }
            match self
                .submit(base_live.clone(), base_clean.clone(), edited)
                .await
                .map_err(keep)?
            {
                Submitted::Done => {
                    if self.dry_run {
                        eprintln!(
                            "(server dry run: nothing saved; your edit is kept in {})",
                            file.display()
                        );
                    } else {
                        let _ = std::fs::remove_file(&file);
                    }
                    return Ok(());
                }
                Submitted::Reopen {
                    lines,
                    base_live: new_live,
                    edited,
                } => {
                    let text = render::to_yaml(&edited)?;
                    reopen(&file, &lines, &text).map_err(keep)?;
                    reopened_with = Some(edit::strip_header(&text));
                    base_clean = edit::clean(&new_live);
                    base_live = new_live;
                }
            }
        }
    }

    /// Diff, confirm, PUT; rebases on a conflict when the changes are disjoint.
    async fn submit(
        &self,
        mut base_live: Value,
        mut base_clean: Value,
        mut edited: Value,
    ) -> Result<Submitted> {
        loop {
            let diff = change::unified(
                &render::to_yaml(&base_clean)?,
                &render::to_yaml(&edited)?,
                &format!("statefulset/{} (live)", self.name),
                &format!("statefulset/{} (edited)", self.name),
                self.ctx.color,
            );
            render::out(&diff)?;
            let prompt = if self.dry_run {
                "Validate this change on the server (dry run)?"
            } else {
                "Apply this change?"
            };
            if !change::confirm(prompt, self.ctx.global.yes, self.ctx.interactive)? {
                bail!("not applied (answered no)");
            }
            let body = edit::restore(&base_live, &edited);
            match self.kube.put_raw(&self.path, &body, self.dry_run).await {
                Ok(answer) => {
                    let suffix = if self.dry_run {
                        " (server dry run)"
                    } else {
                        ""
                    };
                    println!("statefulset.apps/{} edited{suffix}", self.name);
                    // A new pod template: say what it does to the pods (the strategy of the
                    // set as the server answered), never more than the controller will do.
                    if answer["spec"]["template"] != base_live["spec"]["template"] {
                        if let Ok(s) = serde_json::from_value::<
                            k8s_openapi::api::apps::v1::StatefulSet,
                        >(answer)
                        {
                            let effect = crate::manifest::rollout::template_change_effect(&s);
                            if self.dry_run {
                                println!("the pod template changes: if applied, {effect}");
                            } else {
                                println!("the pod template changed: {effect}");
                            }
                        }
                    }
                    return Ok(Submitted::Done);
                }
                Err(RawError::Status(s)) if s.code == 409 && s.reason == "Conflict" => {
                    let latest = self.kube.get_sts_json(&self.name).await?;
                    let latest_clean = edit::clean(&latest);
                    match edit::rebase(&base_clean, &edited, &latest_clean) {
                        Rebase::Merged(merged) => {
                            println!(
                                "statefulset {:?} was changed by someone else meanwhile; your change does not touch theirs and was rebased on the newer version:",
                                self.name
                            );
                            base_live = latest;
                            base_clean = latest_clean;
                            edited = merged;
                        }
                        Rebase::Conflict(paths) => {
                            return Ok(Submitted::Reopen {
                                lines: vec![
                                    format!("statefulset {:?} was changed by someone else while you edited it,", self.name),
                                    format!("and both of you changed: {}", paths.join(", ")),
                                    "Below is your version. Check it against the live object; saving it again".into(),
                                    "replaces these fields with your values.".into(),
                                ],
                                base_live: latest,
                                edited,
                            });
                        }
                    }
                }
                Err(RawError::Status(s)) if matches!(s.code, 400 | 422) => {
                    return Ok(Submitted::Reopen {
                        lines: rejection(&s),
                        base_live,
                        edited,
                    });
                }
                Err(e) => {
                    return Err(anyhow::Error::from(e)
                        .context(format!("cannot save statefulset {:?}", self.name)))
                }
            }
        }
    }
}

fn rejection(s: &StatusError) -> Vec<String> {
    let mut lines = edit::rejection_lines(&s.message, &s.causes);
    if edit::is_immutable(&s.message, &s.causes) {
        lines.push(
            "Some fields of a StatefulSet cannot change after creation (only replicas, ordinals, template,"
                .into(),
        );
        lines.push("updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds can). To change".into());
        lines.push(
            "volumeClaimTemplates sizes use `resize-volume`; otherwise recreate the StatefulSet."
                .into(),
        );
    }
    lines
}

/// Rewrites the file: the explanation on top, the user's text below.
fn reopen(file: &Path, lines: &[String], body: &str) -> Result<()> {
    let mut text = edit::header(lines);
    text.push_str(body.trim_start_matches('\n'));
    if !text.ends_with('\n') {
        text.push('\n');
    }
    std::fs::write(file, text).with_context(|| format!("cannot write {}", file.display()))?;
    eprintln!("The edit was not saved:");
    for l in lines {
        eprintln!("  {l}");
    }
    Ok(())
}

/// `$KUBE_EDITOR`, else `$EDITOR`, else `vi`; split like a shell, the file appended.
pub fn editor_command() -> Result<Vec<String>> {
    let raw = std::env::var("KUBE_EDITOR")
        .ok()
        .filter(|s| !s.trim().is_empty())
        .or_else(|| {
            std::env::var("EDITOR")
                .ok()
                .filter(|s| !s.trim().is_empty())
        })
        .unwrap_or_else(|| "vi".to_string());
    let words = shell_words::split(&raw)
        .map_err(|e| anyhow!("cannot parse the editor command {raw:?}: {e}"))?;
    if words.is_empty() {
        bail!("the editor command is empty");
    }
    Ok(words)
}

fn open_editor(file: &Path) -> Result<()> {
    let words = editor_command()?;
    let status = std::process::Command::new(&words[0])
        .args(&words[1..])
        .arg(file)
        .status()
        .with_context(|| {
            format!(
                "cannot start the editor {:?} (set KUBE_EDITOR or EDITOR)",
                words[0]
            )
        })?;
    if !status.success() {
        bail!("the editor {:?} exited with {status}", words.join(" "));
    }
    Ok(())
}

/// A new file `kubectl-statefulset-edit-*.yaml` in the temp directory, mode 0600.
fn create_temp(text: &str) -> Result<PathBuf> {
    use std::io::Write;
    let dir = std::env::temp_dir();
    for attempt in 0..100u32 {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let path = dir.join(format!(
            "kubectl-statefulset-edit-{}-{nanos:x}{attempt}.yaml",
            std::process::id()
        ));
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        match opts.open(&path) {
            Ok(mut f) => {
                f.write_all(text.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    bail!("cannot create a temporary file in {}", dir.display())
}
