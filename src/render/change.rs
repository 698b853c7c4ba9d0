//! Showing a change before it is sent: a unified diff of two YAML texts (coloured on a TTY),
//! and the confirmation that follows it.

use anyhow::Result;
use similar::{ChangeTag, TextDiff};

/// A unified diff (3 lines of context); empty when the texts are equal.
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str, color: bool) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let red = console::Style::new().red().force_styling(color);
    let green = console::Style::new().green().force_styling(color);
    let cyan = console::Style::new().cyan().force_styling(color);
    let bold = console::Style::new().bold().force_styling(color);
    let mut out = String::new();
    out.push_str(&format!("{}\n", bold.apply_to(format!("--- {old_name}"))));
    out.push_str(&format!("{}\n", bold.apply_to(format!("+++ {new_name}"))));
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&format!("{}\n", cyan.apply_to(hunk.header())));
        for change in hunk.iter_changes() {
            let line = change.to_string_lossy();
            let line = line.trim_end_matches('\n');
            match change.tag() {
                ChangeTag::Delete => {
                    out.push_str(&format!("{}\n", red.apply_to(format!("-{line}"))))
                }
                ChangeTag::Insert => {
                    out.push_str(&format!("{}\n", green.apply_to(format!("+{line}"))))
                }
                ChangeTag::Equal => out.push_str(&format!(" {line}\n")),
            }
        }
    }
    out
}

/// The one confirmation: asks `question` on a terminal (default no); `--yes` (`yes`) answers
/// yes; without a terminal it is an error naming `--yes`, never a silent no.
pub fn confirm(question: &str, yes: bool, interactive: bool) -> Result<bool> {
    if yes {
        return Ok(true);
    }
    if !interactive {
        return Err(crate::errors::with_hint(
            anyhow::anyhow!("{question} needs a confirmation and there is no terminal to ask on"),
            "pass --yes to confirm",
        ));
    }
    Ok(dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()?)
}

/// A unified diff (3 lines of context) of two pod templates rendered as YAML (`revisions
/// --diff`, `rollback`); empty when equal.
/// `color` adds red/green.
pub fn template_diff(
    old: &serde_json::Value,
    new: &serde_json::Value,
    old_label: &str,
    new_label: &str,
    color: bool,
) -> String {
    let a = super::yaml::to_string(old);
    let b = super::yaml::to_string(new);
    unified(&a, &b, old_label, new_label, color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_diff_is_unified_with_context() {
        let t = |image: &str| serde_json::json!({"spec": {"containers": [{"name": "web", "image": image}]}});
        let (a, b) = (t("nginx:1.25"), t("nginx:1.27"));
        let d = template_diff(&a, &b, "revision 1", "revision 2", false);
        assert!(d.starts_with("--- revision 1\n+++ revision 2\n@@"), "{d}");
        assert!(
            d.contains("-  - image: nginx:1.25\n+  - image: nginx:1.27\n"),
            "{d}"
        );
        assert_eq!(template_diff(&a, &a, "x", "y", false), "");
        assert!(template_diff(&a, &b, "x", "y", true).contains("\u{1b}["));
    }

    #[test]
    fn plain_unified_diff() {
        let d = unified("a: 1\nb: 2\n", "a: 1\nb: 3\n", "old", "new", false);
        assert_eq!(
            d,
            "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a: 1\n-b: 2\n+b: 3\n"
        );
        assert_eq!(unified("x\n", "x\n", "a", "b", false), "");
    }

    #[test]
    fn coloured_only_when_asked() {
        let d = unified("b: 2\n", "b: 3\n", "old", "new", true);
        assert!(d.contains("\u{1b}["));
    }

    #[test]
    fn no_terminal_names_yes() {
        let e = confirm("go?", false, false).unwrap_err().to_string();
        assert!(e.contains("--yes"));
        assert!(confirm("go?", true, false).unwrap());
    }
}
