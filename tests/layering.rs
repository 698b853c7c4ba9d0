//! The layers of src/lib.rs (args → plan → API calls → output) hold: `kube` and `manifest`
//! never import `commands` or `render`, `manifest` (pure) never imports `kube` (the one
//! place that talks to the outside), and `render` never imports `commands`. A lower layer
//! reaching up makes a cycle; what two layers share goes into a lower module
//! (`manifest::text`, `manifest::yaml`). Every module sits in a layer: no other top-level
//! module than `errors`.

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
    upward_imports_in(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        layer,
        forbidden,
    )
}

fn upward_imports_in(src: &Path, layer: &str, forbidden: &[&str]) -> Vec<String> {
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
                        f.strip_prefix(src).unwrap().display(),
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
    found.extend(upward_imports("manifest", &["commands", "render", "kube"]));
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

#[test]
fn every_module_sits_in_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut top: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(top, ["errors.rs", "lib.rs", "main.rs"]);
}

/// The scan on a tree of its own: a new file in `manifest` (pure) that reaches for `kube`
/// or `commands`, by path or through `super::super`, is found.
#[test]
fn the_check_sees_an_upward_import_in_a_new_file() {
    let root = std::env::temp_dir().join(format!("layering-{}", std::process::id()));
    let dir = root.join("manifest");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("images.rs"),
        "// crate::kube in a comment is no import\nuse crate::kube::Kube;\nuse super::super::{cli, commands::create};\n",
    )
    .unwrap();
    let found = upward_imports_in(&root, "manifest", &["commands", "render", "kube"]);
    std::fs::remove_dir_all(&root).unwrap();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(
        found[0].starts_with("manifest/images.rs:2: kube"),
        "{found:?}"
    );
    assert!(
        found[1].starts_with("manifest/images.rs:3: commands"),
        "{found:?}"
    );
}
