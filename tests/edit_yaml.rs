//! End-to-end `edit-yaml` against kube-sim with scripted editors (sh + sed): a normal edit,
//! conflicts (disjoint → rebased, overlapping → reopened), a 422 reopened with the message,
//! unknown fields in newer-server mode, the temp file's mode, `--file`/`--export` round trip,
//! and bad edits (invalid YAML, other name/kind, immutable field) that keep the file.

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::TestEnv;
use kube_sim::api::WriteOptions;
use kube_sim::patch::PatchType;
use kube_sim::resources::STATEFULSETS;
use kube_sim::{KubeSim, SimOptions};

struct Edit {
    env: TestEnv,
    dir: tempfile::TempDir,
}

impl Edit {
    fn new() -> Edit {
        Edit::with(TestEnv::new())
    }

    fn with(env: TestEnv) -> Edit {
        env.ok(["create", "web", "--image", "nginx:1.27", "--replicas", "1"]);
        env.wait_ready("default", "web", 1);
        Edit {
            env,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A shell script used as $EDITOR; `$1` is the file, `$D` the test's directory.
    fn editor(&self, body: &str) -> PathBuf {
        let path = self.dir.path().join("editor.sh");
        let d = self.dir.path().display();
        std::fs::write(&path, format!("#!/bin/sh\nD={d}\nF=\"$1\"\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn tmp(&self) -> PathBuf {
        let t = self.dir.path().join("tmp");
        std::fs::create_dir_all(&t).unwrap();
        t
    }

    fn cmd(&self, editor: &Path, args: &[&str]) -> std::process::Command {
        let mut c = self.env.std_cmd(args);
        c.env("EDITOR", editor).env("TMPDIR", self.tmp());
        c.stdin(std::process::Stdio::null());
        c
    }

    fn run(&self, editor: &Path, args: &[&str]) -> (i32, String, String) {
        let out = self.cmd(editor, args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn leftovers(&self) -> Vec<PathBuf> {
        std::fs::read_dir(self.tmp())
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("kubectl-statefulset-edit-")
            })
            .collect()
    }

    fn replicas(&self) -> i64 {
        self.env.sts("default", "web").unwrap()["spec"]["replicas"]
            .as_i64()
            .unwrap()
    }

    fn patch_live(&self, patch: serde_json::Value) {
        self.env
            .sim
            .cluster()
            .patch(
                &STATEFULSETS,
                Some("default"),
                "web",
                None,
                PatchType::Merge,
                patch.to_string().as_bytes(),
                &WriteOptions::default(),
            )
            .unwrap();
    }

    /// Runs with an editor that waits for `$D/go` after its first edit, and makes a concurrent
    /// change (`patch`) while the editor is open.
    fn run_with_concurrent_change(
        &self,
        editor: &Path,
        patch: serde_json::Value,
    ) -> (i32, String, String) {
        let child = self
            .cmd(editor, &["edit-yaml", "web", "--yes"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let opened = self.dir.path().join("opened");
        let end = Instant::now() + Duration::from_secs(60);
        while !opened.exists() {
            assert!(Instant::now() < end, "the editor never opened");
            std::thread::sleep(Duration::from_millis(20));
        }
        self.patch_live(patch);
        std::fs::write(self.dir.path().join("go"), "").unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

#[test]
fn normal_edit_lands_with_diff_and_0600_temp_file() {
    let t = Edit::new();
    let ed = t.editor(
        "stat -c %a \"$F\" > $D/mode\nbasename \"$F\" > $D/name\nsed -i 's/^  replicas: 1$/  replicas: 2/' \"$F\"",
    );
    let (code, out, err) = t.run(&ed, &["edit-yaml", "web", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("-  replicas: 1\n+  replicas: 2"), "{out}");
    assert!(out.contains("statefulset.apps/web edited"), "{out}");
    assert_eq!(t.replicas(), 2);
    let mode = std::fs::read_to_string(t.dir.path().join("mode")).unwrap();
    assert_eq!(mode.trim(), "600");
    let name = std::fs::read_to_string(t.dir.path().join("name")).unwrap();
    assert!(name.starts_with("kubectl-statefulset-edit-") && name.trim().ends_with(".yaml"));
    assert!(
        t.leftovers().is_empty(),
        "temp file not removed after success"
    );
    // The PUT carried the original resourceVersion and no status was lost.
    let put = t
        .env
        .writes()
        .into_iter()
        .find(|r| r.method == "PUT")
        .expect("a PUT");
    assert!(put.path.contains("/statefulsets/web"), "{put:?}");
}

#[test]
fn no_terminal_without_yes_keeps_the_file() {
    let t = Edit::new();
    let ed = t.editor("sed -i 's/^  replicas: 1$/  replicas: 3/' \"$F\"");
    let (code, _out, err) = t.run(&ed, &["edit-yaml", "web"]);
    assert_eq!(code, 1);
    assert!(err.contains("--yes"), "{err}");
    let kept = t.leftovers();
    assert_eq!(kept.len(), 1, "{err}");
    assert!(err.contains(&kept[0].display().to_string()), "{err}");
    assert!(std::fs::read_to_string(&kept[0])
        .unwrap()
        .contains("replicas: 3"));
    assert_eq!(t.replicas(), 1);
}

#[test]
fn unchanged_or_empty_file_cancels() {
    let t = Edit::new();
    let (code, out, _) = t.run(&t.editor("true"), &["edit-yaml", "web"]);
    assert_eq!(code, 0);
    assert!(out.contains("Edit cancelled, no changes made."), "{out}");
    let (code, out, _) = t.run(&t.editor(": > \"$F\""), &["edit-yaml", "web"]);
    assert_eq!(code, 0);
    assert!(out.contains("Edit cancelled, no changes made."), "{out}");
    assert!(t.env.writes().iter().all(|w| w.method != "PUT"));
}

#[test]
fn disjoint_concurrent_change_is_rebased() {
    let t = Edit::new();
    let ed = t.editor(
        "if [ ! -f $D/opened ]; then sed -i 's/^  replicas: 1$/  replicas: 2/' \"$F\"; touch $D/opened; while [ ! -f $D/go ]; do sleep 0.05; done; fi",
    );
    let (code, out, err) = t.run_with_concurrent_change(
        &ed,
        serde_json::json!({"metadata": {"labels": {"tier": "x"}}}),
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("rebased"), "{out}");
    let sts = t.env.sts("default", "web").unwrap();
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(
        sts["metadata"]["labels"]["tier"], "x",
        "their change was lost"
    );
}

#[test]
fn overlapping_concurrent_change_reopens_the_editor() {
    let t = Edit::new();
    // First open: set replicas 2 and wait; second open: record the header and keep the text.
    let ed = t.editor(
        "if [ ! -f $D/opened ]; then sed -i 's/^  replicas: 1$/  replicas: 2/' \"$F\"; touch $D/opened; while [ ! -f $D/go ]; do sleep 0.05; done; else cp \"$F\" $D/reopened; fi",
    );
    let (code, out, err) =
        t.run_with_concurrent_change(&ed, serde_json::json!({"spec": {"replicas": 3}}));
    let reopened = std::fs::read_to_string(t.dir.path().join("reopened"))
        .unwrap_or_else(|_| panic!("editor not reopened\n{out}\n{err}"));
    assert!(
        reopened.contains("# and both of you changed: /spec/replicas"),
        "{reopened}"
    );
    assert!(
        reopened.contains("\n  replicas: 2\n"),
        "user's text lost: {reopened}"
    );
    // Saved unchanged after the explanation: nothing is saved, the file is kept.
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(t.replicas(), 3);
    assert_eq!(t.leftovers().len(), 1);
    assert!(err.contains("your edit is kept in"), "{err}");
}

#[test]
fn rejection_reopens_with_the_servers_message() {
    let t = Edit::new();
    // First save: an invalid replicas; second: the fix, after checking the message is there.
    let ed = t.editor(
        "if grep -q '^# \\* ' \"$F\"; then cp \"$F\" $D/reopened; sed -i 's/^  replicas: -1$/  replicas: 4/' \"$F\"; else sed -i 's/^  replicas: 1$/  replicas: -1/' \"$F\"; fi",
    );
    let (code, out, err) = t.run(&ed, &["edit-yaml", "web", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let reopened = std::fs::read_to_string(t.dir.path().join("reopened")).unwrap();
    assert!(
        reopened.contains("# * spec.replicas: Invalid value: -1"),
        "{reopened}"
    );
    assert_eq!(t.replicas(), 4);
}

#[test]
fn immutable_field_is_explained_and_the_file_kept() {
    let t = Edit::new();
    let ed = t.editor("sed -i 's/^  serviceName: web$/  serviceName: other/' \"$F\"");
    let (code, out, err) = t.run(&ed, &["edit-yaml", "web", "--yes"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("cannot change after creation"), "{err}");
    assert!(err.contains("Forbidden"), "{err}");
    let kept = t.leftovers();
    assert_eq!(kept.len(), 1);
    assert!(std::fs::read_to_string(&kept[0])
        .unwrap()
        .contains("serviceName: other"));
}

#[test]
fn invalid_yaml_and_other_name_or_kind_are_refused() {
    let t = Edit::new();
    for (i, (script, expect)) in [
        ("echo 'spec: [' >> \"$F\"", "invalid YAML"),
        (
            "sed -i 's/^  name: web$/  name: other/' \"$F\"",
            "metadata.name was changed",
        ),
        (
            "sed -i 's/^kind: StatefulSet$/kind: Deployment/' \"$F\"",
            "the kind was changed",
        ),
    ]
    .into_iter()
    .enumerate()
    {
        for f in t.leftovers() {
            std::fs::remove_file(f).unwrap();
        }
        // Edit once; a reopened file is saved as it is.
        let once = format!("if [ ! -f $D/once{i} ]; then {script}; touch $D/once{i}; fi");
        let (code, out, err) = t.run(&t.editor(&once), &["edit-yaml", "web", "--yes"]);
        assert_eq!(code, 1, "{script}: {out}\n{err}");
        assert!(err.contains(expect), "{script}: {err}");
        assert_eq!(t.leftovers().len(), 1, "{script}: file not kept");
    }
    assert!(t.env.writes().iter().all(|w| w.method != "PUT"));
}

#[test]
fn unknown_fields_survive_on_a_newer_server() {
    let sim_env = TestEnv::with_sim(
        KubeSim::start(SimOptions {
            tls: true,
            cluster: kube_sim::api::ClusterOptions {
                newer_server: true,
                ..Default::default()
            },
            ..Default::default()
        })
        .unwrap(),
    );
    let t = Edit::with(sim_env);
    // Fields this client's types do not have (spec.* other than the mutable ones cannot change
    // after creation, so they go where an update may put them).
    t.patch_live(
        serde_json::json!({"spec": {"updateStrategy": {"futureField": {"nested": [1, "two"]}},
        "template": {"spec": {"futureSpec": true}}}}),
    );
    let ed = t.editor("sed -i 's/^  replicas: 1$/  replicas: 2/' \"$F\"");
    let (code, out, err) = t.run(&ed, &["edit-yaml", "web", "--yes"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let sts = t.env.sts("default", "web").unwrap();
    assert_eq!(sts["spec"]["replicas"], 2);
    assert_eq!(
        sts["spec"]["updateStrategy"]["futureField"],
        serde_json::json!({"nested": [1, "two"]})
    );
    assert_eq!(sts["spec"]["template"]["spec"]["futureSpec"], true);
}

#[test]
fn export_and_file_round_trip() {
    let t = Edit::new();
    let f = t.dir.path().join("web.yaml");
    let none = t.editor("exit 9");
    let (code, _, err) = t.run(
        &none,
        &["edit-yaml", "web", "--export", f.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(
        !text.contains("managedFields") && !text.contains("status:"),
        "{text}"
    );
    // Uploading the export unchanged changes nothing.
    let (code, out, err) = t.run(
        &none,
        &["edit-yaml", "web", "--file", f.to_str().unwrap(), "--yes"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("No changes"), "{out}");
    // A change in the file lands; a server dry run first stores nothing.
    std::fs::write(&f, text.replace("\n  replicas: 1\n", "\n  replicas: 2\n")).unwrap();
    let (code, out, err) = t.run(
        &none,
        &[
            "edit-yaml",
            "web",
            "--file",
            f.to_str().unwrap(),
            "--yes",
            "--dry-run=server",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("(server dry run)"), "{out}");
    assert_eq!(t.replicas(), 1);
    let (code, out, err) = t.run(
        &none,
        &["edit-yaml", "web", "--file", f.to_str().unwrap(), "--yes"],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(t.replicas(), 2);
    // Export again: the same object as the file.
    let (_, again, _) = t.run(&none, &["edit-yaml", "web", "--export", "-"]);
    let a: serde_json::Value = serde_saphyr::from_str(&again).unwrap();
    let b: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    assert_eq!(a, b);
}
