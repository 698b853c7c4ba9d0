//! The layers of src/lib.rs (args → plan → API calls → output) hold: `kube` and `manifest`
//! never import `commands` or `render`, and `render` never imports `commands`. A lower layer
//! reaching up makes a cycle; what two layers share goes into a lower module
//! (`manifest::text`, `manifest::yaml`).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `path:line: text` of every place in `layer` naming one of `forbidden` as a crate path:
/// `crate::render…`, inside a `crate::{…}` group (over several lines too), or through `super`
/// from the layer's own mod.rs (`super::render`) or its files (`super::super::render`).
fn upward_imports(layer: &str, forbidden: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let dir = src.join(layer);
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut found = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let code: String = text
            .lines()
            .map(|l| l.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let rel = f.strip_prefix(&dir).unwrap();
        let root = if rel == Path::new("mod.rs") {
            vec!["crate::", "super::"]
        } else if rel.components().count() == 1 {
            vec!["crate::", "super::super::"]
        } else {
            vec!["crate::"]
        };
        for prefix in root {
            for (at, _) in code.match_indices(prefix) {
                // A path segment, not the tail of another (`xcrate::`).
                if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                    continue;
                }
                let rest = &code[at + prefix.len()..];
                let names = if let Some(group) = rest.strip_prefix('{') {
                    top_level_names(group)
                } else {
                    vec![rest
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .next()
                        .unwrap_or("")]
                };
                if let Some(m) = forbidden.iter().find(|m| names.contains(m)) {
                    let line = code[..at].matches('\n').count();
                    found.push(format!(
                        "{}:{}: {m}: {}",
                        f.strip_prefix(&src).unwrap().display(),
                        line + 1,
                        text.lines().nth(line).unwrap_or("").trim()
                    ));
                }
            }
        }
    }
    found
}

/// The first path segment of each item of a `{…}` group (the text after its `{`).
fn top_level_names(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut names) = (0usize, 0usize, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                names.push(&group[start..i]);
                break;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                names.push(&group[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    names
        .into_iter()
        .map(|n| n.trim().split("::").next().unwrap_or("").trim())
        .collect()
}

#[test]
fn lower_layers_do_not_import_higher_ones() {
    let mut found = Vec::new();
    found.extend(upward_imports("kube", &["commands", "render"]));
    found.extend(upward_imports("manifest", &["commands", "render"]));
    found.extend(upward_imports("render", &["commands"]));
    assert!(
        found.is_empty(),
        "imports from a lower layer to a higher one:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_check_sees_an_upward_import() {
    assert_eq!(
        top_level_names("commands::list, kube::{a, b},\n render};"),
        ["commands", "kube", "render"]
    );
    // render does import manifest (downward): the same scan finds it when asked.
    assert!(!upward_imports("render", &["manifest"]).is_empty());
}
