//! `__complete`: Cobra's completion protocol, which kubectl speaks to plugins (≥ 1.26,
//! staging/src/k8s.io/kubectl/pkg/cmd/plugin/plugin_completion.go): one candidate a line,
//! optional `value<TAB>description`, last line `:<directive>` (4 = no file completion).

use anyhow::Result;

use crate::cli::{CompleteArgs, GlobalArgs};
use crate::Ctx;

const NO_FILE_COMP: u32 = 4;
/// Global flags that take a value.
const VALUE_FLAGS: &[&str] = &[
    "-n",
    "--namespace",
    "--context",
    "--kubeconfig",
    "-o",
    "--output",
    "--request-timeout",
];

pub async fn run(args: CompleteArgs, _ctx: &Ctx) -> Result<()> {
    let mut words = args.words;
    let mut current = words.pop().unwrap_or_default();
    // `--namespace=de`: complete the value after `=`, as cobra's checkIfFlagCompletion does
    // (candidates are the bare values; the shell keeps the `--flag=` part).
    if current.starts_with("--") {
        if let Some((flag, value)) = current.clone().split_once('=') {
            words.push(flag.to_string());
            current = value.to_string();
        }
    }
    let candidates = candidates(&words, &current).await;
    let mut out = String::new();
    for (value, desc) in candidates {
        if !value.starts_with(&current) {
            continue;
        }
        match desc {
            Some(d) if !d.is_empty() => out.push_str(&format!("{value}\t{d}\n")),
            _ => out.push_str(&format!("{value}\n")),
        }
    }
    out.push_str(&format!(":{NO_FILE_COMP}\n"));
    crate::render::out(&out)
}

type Candidate = (String, Option<String>);

async fn candidates(words: &[String], current: &str) -> Vec<Candidate> {
    let root = crate::cli::command();
    // Global flags typed so far, for the live look-ups.
    let mut global = GlobalArgs::default();
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if w.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        if VALUE_FLAGS.contains(&flag.as_str()) || is_value_flag_of_sub(&root, &positionals, &flag)
        {
            let value = inline.or_else(|| {
                i += 1;
                words.get(i).cloned()
            });
            match flag.as_str() {
                "-n" | "--namespace" => global.namespace = value,
                "--context" => global.context = value,
                "--kubeconfig" => global.kubeconfig = value.map(Into::into),
                _ => {}
            }
        } else if !w.starts_with('-') {
            positionals.push(w.clone());
        }
        i += 1;
    }

    // The value of a flag?
    if let Some(prev) = words.last() {
        if inline_value_pending(prev) || is_value_flag_of_sub(&root, &positionals, prev) {
            let set = positionals.get(1).map(String::as_str);
            return match prev.as_str() {
                "-n" | "--namespace" => namespaces(&global).await,
                "--context" => crate::kube::context_names(&global)
                    .into_iter()
                    .map(|c| (c, None))
                    .collect(),
                "-o" | "--output" => crate::cli::OUTPUT_NAMES
                    .iter()
                    .map(|s| (s.to_string(), None))
                    .collect(),
                "-c" | "--container" => of_set(&global, set, Of::Containers).await,
                "--pod" => of_set(&global, set, Of::Pods).await,
                "--to-revision" | "--diff" => of_set(&global, set, Of::Revisions).await,
                _ => Vec::new(),
            };
        }
    }

    let sub = positionals.first().and_then(|name| {
        root.get_subcommands()
            .find(|s| s.get_name() == name || s.get_all_aliases().any(|a| a == name))
            .cloned()
    });
    if current.starts_with('-') {
        let cmd = sub.as_ref().unwrap_or(&root);
        let mut out: Vec<Candidate> = cmd
            .get_arguments()
            .chain(root.get_arguments())
            .filter(|a| !a.is_hide_set())
            .filter_map(|a| {
                a.get_long().map(|l| {
                    (
                        format!("--{l}"),
                        a.get_help().map(|h| first_line(&h.to_string())),
                    )
                })
            })
            .collect();
        out.sort();
        out.dedup_by(|a, b| a.0 == b.0);
        return out;
    }
    match sub {
        None => root
            .get_subcommands()
            .filter(|s| !s.is_hide_set())
            .map(|s| {
                (
                    s.get_name().to_string(),
                    s.get_about().map(|a| first_line(&a.to_string())),
                )
            })
            .collect(),
        // Every command whose first positional is the StatefulSet NAME (get, pods, scale, …).
        Some(s)
            if positionals.len() == 1
                && s.get_positionals()
                    .next()
                    .is_some_and(|a| a.get_id() == "name")
                && s.get_name() != "create" =>
        {
            statefulsets(&global).await
        }
        // `revisions NAME <REV>`, `resize-volume NAME <CLAIM>`.
        Some(s) if positionals.len() == 2 && s.get_name() == "revisions" => {
            of_set(&global, Some(&positionals[1]), Of::Revisions).await
        }
        Some(s) if positionals.len() == 2 && s.get_name() == "resize-volume" => {
            of_set(&global, Some(&positionals[1]), Of::Claims).await
        }
        _ => Vec::new(),
    }
}

/// What of the named StatefulSet a value completes to.
enum Of {
    /// Its pod template's containers (init containers first, as kubectl's container completion).
    Containers,
    /// The ordinals of its pods (`--pod`), described by the pod's name.
    Pods,
    /// Its revision numbers, newest first, described by their hash.
    Revisions,
    /// Its volume claim templates' names (resize-volume).
    Claims,
}

async fn of_set(global: &GlobalArgs, set: Option<&str>, what: Of) -> Vec<Candidate> {
    let Some(name) = set else {
        return Vec::new();
    };
    let Ok(kube) = crate::kube::Kube::connect(global).await else {
        return Vec::new();
    };
    let Ok(sts) = kube.get_statefulset(name).await else {
        return Vec::new();
    };
    let spec = sts.spec.clone().unwrap_or_default();
    match what {
        Of::Containers => {
            let pod = spec.template.spec.unwrap_or_default();
            pod.init_containers
                .unwrap_or_default()
                .into_iter()
                .map(|c| (c.name, Some("init container".to_string())))
                .chain(
                    pod.containers
                        .into_iter()
                        .map(|c| (c.name, c.image.map(|i| format!("image {i}")))),
                )
                .collect()
        }
        Of::Claims => spec
            .volume_claim_templates
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| c.metadata.name)
            .map(|n| (n, None))
            .collect(),
        Of::Pods => {
            let mut pods: Vec<(i64, String)> = kube
                .list_pods(&sts)
                .await
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.metadata.name)
                .filter_map(|n| crate::render::status::pod_ordinal(&n).map(|o| (o, n)))
                .collect();
            pods.sort();
            pods.into_iter()
                .map(|(o, n)| (o.to_string(), Some(n)))
                .collect()
        }
        Of::Revisions => {
            let revs = crate::manifest::revisions::newest_first(
                kube.list_revisions(&sts).await.unwrap_or_default(),
            );
            revs.iter()
                .map(|r| (r.number.to_string(), Some(r.hash())))
                .collect()
        }
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().to_string()
}

fn inline_value_pending(prev: &str) -> bool {
    VALUE_FLAGS.contains(&prev)
}

fn is_value_flag_of_sub(root: &clap::Command, positionals: &[String], flag: &str) -> bool {
    let Some(name) = positionals.first() else {
        return false;
    };
    let Some(sub) = root.get_subcommands().find(|s| s.get_name() == name) else {
        return false;
    };
    sub.get_arguments().any(|a| {
        let matches = a.get_long().is_some_and(|l| flag == format!("--{l}"))
            || a.get_short().is_some_and(|s| flag == format!("-{s}"));
        matches && a.get_action().takes_values()
    })
}

async fn statefulsets(global: &GlobalArgs) -> Vec<Candidate> {
    let Ok(kube) = crate::kube::Kube::connect(global).await else {
        return Vec::new();
    };
    kube.list_statefulsets(false, None)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| {
            let ready = crate::render::status::ready_column(&s);
            s.metadata.name.map(|n| (n, Some(format!("{ready} ready"))))
        })
        .collect()
}

async fn namespaces(global: &GlobalArgs) -> Vec<Candidate> {
    let Ok(kube) = crate::kube::Kube::connect(global).await else {
        return Vec::new();
    };
    kube.list_namespaces()
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|n| (n, None))
        .collect()
}
