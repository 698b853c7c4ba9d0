//! `get` (`status`): one StatefulSet with its status, containers, Service, claims and pods.

use anyhow::Result;
use jiff::Timestamp;
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;

use super::list::{images, selector, update_strategy};
use crate::cli::{GetArgs, OutputFormat};
use crate::manifest::stuck::Seen;
use crate::render::{self, status};
use crate::Ctx;

pub async fn run(args: GetArgs, ctx: &Ctx) -> Result<()> {
    let kube = ctx.kube().await?;
    let name = super::name_or_pick(args.name, ctx, &kube).await?;
    let table = !matches!(
        ctx.global.output,
        Some(OutputFormat::Yaml | OutputFormat::Json | OutputFormat::Name)
    ) && !ctx.global.output.as_ref().is_some_and(|o| o.is_template());
    if !table || args.watch {
        let (_, raw) = kube.get_statefulset_and_raw(&name).await?;
        // A template sees the object as kubectl's does, managedFields included.
        if render::template_out(&ctx.global, &raw, false)? {
            return Ok(());
        }
        match ctx.global.output {
            Some(OutputFormat::Yaml) => {
                return render::out(&render::to_yaml(&render::strip_managed_fields(
                    raw,
                    args.show_managed_fields,
                ))?);
            }
            Some(OutputFormat::Json) => {
                return render::out(&render::to_json(&render::strip_managed_fields(
                    raw,
                    args.show_managed_fields,
                ))?);
            }
            Some(OutputFormat::Name) => return render::out(&format!("statefulset.apps/{name}")),
            _ => return super::watch::run(&kube, &name, ctx).await,
        }
    }
    // The set, its pods and its revisions (for the pod table's revision numbers): three
    // requests, one round trip when the selector is the usual app=NAME. A failure of the
    // revisions only loses the numbers.
    let (sts, pods, revisions) = kube.statefulset_with(&name, true, true).await?;
    // Pods this user may not list: the page without them, saying so (never "<none>").
    let (pods, pods_forbidden) = match pods {
        Some(Err(e)) if crate::kube::is_forbidden(&e) => (Vec::new(), Some(e)),
        Some(Err(e)) => return Err(e),
        Some(Ok(p)) => (p, None),
        None => (Vec::new(), None),
    };
    let numbers = numbers(revisions);
    // Pods missing although the controller has seen the spec: its FailedCreate events say
    // why (one more request, only then; without them the page just lacks the reason).
    let events = if pods_forbidden.is_none() && crate::manifest::rollout::pods_missing(&sts, &pods)
    {
        kube.obs_list_events(Some(&format!(
            "involvedObject.kind=StatefulSet,involvedObject.name={name}"
        )))
        .await
        .map(|(e, _)| e)
        .unwrap_or_default()
    } else {
        Vec::new()
    };
    // A pod turned down for its claims or waiting on its configuration: whether those exist
    // decides the advice (one more round trip, only then).
    let seen = kube.what_pods_wait_for(&sts, &pods).await;
    let page = detail_events(&sts, &pods, &numbers, &events, &seen, Timestamp::now());
    match pods_forbidden {
        None => render::out(&page),
        Some(e) => {
            render::out(&without_pods(&page))?;
            eprintln!("warning: the pods are not shown: {e}");
            Ok(())
        }
    }
}

/// The page rendered without pods, its pod sections replaced by what is known: nothing.
pub fn without_pods(page: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in page.lines() {
        if line == "Pods:" {
            out.push_str("Pods:\n  <not shown: listing pods is forbidden>\n");
            skipping = true;
            continue;
        }
        if skipping && line.starts_with("  ") {
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Revision name → revision number.
pub type Numbers = std::collections::BTreeMap<String, i64>;

/// The revision numbers of listed revisions; none when listing them failed (a table then shows
/// bare hashes rather than failing).
pub fn numbers(revisions: Option<Result<Vec<crate::manifest::revisions::Revision>>>) -> Numbers {
    revisions
        .and_then(|r| r.ok())
        .map(|revs| {
            revs.into_iter()
                .map(|r| (r.name().to_string(), r.number))
                .collect()
        })
        .unwrap_or_default()
}

/// The detail page: summary, ports, pods, conditions; `seen` as
/// [`crate::kube::Kube::what_pods_wait_for`] read it.
pub fn detail(sts: &StatefulSet, pods: &[Pod], seen: &Seen, now: Timestamp) -> String {
    detail_events(sts, pods, &Numbers::new(), &[], seen, now)
}

/// [`detail`] with the pods' revision numbers and the set's events (a pod the controller
/// fails to create).
pub fn detail_events(
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &Numbers,
    events: &[k8s_openapi::api::core::v1::Event],
    seen: &Seen,
    now: Timestamp,
) -> String {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let spec = sts.spec.as_ref();
    let st = sts.status.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let n = |v: Option<i32>| v.unwrap_or(0);
    let mut rows: Vec<(&str, String)> = vec![
        ("Name", name.clone()),
        (
            "Namespace",
            sts.metadata.namespace.clone().unwrap_or_default(),
        ),
        ("Status", status::statefulset_status(sts).to_string()),
        (
            "Replicas",
            format!(
                "{desired} desired | {} ready | {} current | {} updated",
                n(st.and_then(|s| s.ready_replicas)),
                n(st.and_then(|s| s.current_replicas)),
                n(st.and_then(|s| s.updated_replicas)),
            ),
        ),
        (
            "Revisions",
            format!(
                "current {}, update {}",
                st.and_then(|s| s.current_revision.clone())
                    .unwrap_or_else(|| "<none>".into()),
                st.and_then(|s| s.update_revision.clone())
                    .unwrap_or_else(|| "<none>".into()),
            ),
        ),
        ("Update strategy", update_strategy(sts)),
        (
            "Pod management",
            spec.and_then(|s| s.pod_management_policy.clone())
                .unwrap_or_else(|| "OrderedReady".into()),
        ),
        (
            "Service",
            spec.and_then(|s| s.service_name.clone())
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "<none>".into()),
        ),
        ("Selector", selector(sts)),
        ("Images", images(sts)),
        (
            "Age",
            render::age(sts.metadata.creation_timestamp.as_ref(), now),
        ),
    ];
    if let Some(alias) = sts
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(crate::manifest::create::ALIAS_ANNOTATION))
    {
        rows.insert(1, ("Alias", alias.clone()));
    }
    let width = rows.iter().map(|(k, _)| k.len()).max().unwrap_or(0) + 2;
    let mut out = String::new();
    for (k, v) in &rows {
        out.push_str(&format!("{:<width$}{v}\n", format!("{k}:")));
    }
    out.push_str(&stuck_section(&name, sts, pods, numbers, events, seen, now));
    out.push_str(&on_delete_section(sts, pods));

    // Every container of the template with its image, in the order the kubelet starts them:
    // init containers (native sidecars among them: restartPolicy Always), then the containers.
    let pod_spec = spec
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default();
    let inits = pod_spec.init_containers.clone().unwrap_or_default();
    let sidecar =
        |c: &k8s_openapi::api::core::v1::Container| c.restart_policy.as_deref() == Some("Always");
    let container_rows: Vec<Vec<String>> = inits
        .iter()
        .map(|c| (c, if sidecar(c) { "sidecar" } else { "init" }))
        .chain(pod_spec.containers.iter().map(|c| (c, "container")))
        .map(|(c, kind)| {
            vec![
                c.name.clone(),
                kind.to_string(),
                c.image.clone().unwrap_or_else(|| "<none>".into()),
            ]
        })
        .collect();
    out.push_str("\nContainers:\n");
    out.push_str(&indent(&render::table(
        &["container", "type", "image"],
        container_rows,
    )));

    // Ports of the containers and of the native sidecars (they serve while the pod runs).
    let mut port_rows = Vec::new();
    for c in pod_spec
        .containers
        .iter()
        .chain(inits.iter().filter(|c| sidecar(c)))
        .cloned()
    {
        for p in c.ports.unwrap_or_default() {
            port_rows.push(vec![
                c.name.clone(),
                p.name.unwrap_or_else(|| "<none>".into()),
                p.container_port.to_string(),
                p.protocol.unwrap_or_else(|| "TCP".into()),
            ]);
        }
    }
    out.push_str("\nPorts:\n");
    if port_rows.is_empty() {
        out.push_str("  <none>\n");
    } else {
        out.push_str(&indent(&render::table(
            &["container", "name", "port", "protocol"],
            port_rows,
        )));
    }

    out.push_str("\nPods:\n");
    if pods.is_empty() {
        out.push_str("  <none>\n");
    } else {
        out.push_str(&indent(&pod_table_numbered(sts, pods, numbers, now)));
    }

    if let Some(conds) = st
        .and_then(|s| s.conditions.as_ref())
        .filter(|c| !c.is_empty())
    {
        out.push_str("\nConditions:\n");
        let rows = conds
            .iter()
            .map(|c| {
                vec![
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                    c.message.clone().unwrap_or_default(),
                ]
            })
            .collect();
        out.push_str(&indent(&render::table(
            &["type", "status", "reason", "message"],
            rows,
        )));
    }
    out
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// Pods sorted by ordinal: ORDINAL POD STATUS READY RESTARTS NODE IP AGE REVISION.
/// REVISION is the hash of the pod's controller-revision-hash, `*` marking the update revision.
pub fn pod_table(sts: &StatefulSet, pods: &[Pod], now: Timestamp) -> String {
    pod_table_numbered(sts, pods, &Numbers::new(), now)
}

/// [`pod_table`]; a known revision number is shown before the hash: `2 (59b8f57)*`.
pub fn pod_table_numbered(
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &Numbers,
    now: Timestamp,
) -> String {
    pod_table_with(sts, pods, numbers, now, PodTable::default())
}

/// How `pods` lays out its table: kubectl's --sort-by (`sorted`: the pods' order is kept),
/// --no-headers and --show-labels.
#[derive(Debug, Default, Clone, Copy)]
pub struct PodTable {
    pub sorted: bool,
    pub no_headers: bool,
    pub show_labels: bool,
    /// `-o wide`: kubectl's wide pod columns that the table lacks (NOMINATED NODE, READINESS
    /// GATES; it always shows NODE and IP).
    pub wide: bool,
}

/// The pod table's columns (`labels` is added by --show-labels).
pub const POD_HEADERS: [&str; 9] = [
    "ordinal", "pod", "status", "ready", "restarts", "node", "ip", "age", "revision",
];

/// The pod table laid out as `opts` says.
pub fn pod_table_with(
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &Numbers,
    now: Timestamp,
    opts: PodTable,
) -> String {
    render::table_with(
        &pod_headers(opts),
        pod_rows(sts, pods, numbers, now, opts),
        !opts.no_headers,
    )
}

/// The pod table's columns for `opts`.
pub fn pod_headers(opts: PodTable) -> Vec<&'static str> {
    let mut headers = POD_HEADERS.to_vec();
    if opts.wide {
        headers.extend(["nominated node", "readiness gates"]);
    }
    if opts.show_labels {
        headers.push("labels");
    }
    headers
}

/// kubectl's READINESS GATES column (pkg/printers/internalversion/printers.go, printPod):
/// `<none>` without gates, else how many of the gates' conditions are True, of how many.
fn readiness_gates(p: &Pod) -> String {
    let gates = p
        .spec
        .as_ref()
        .and_then(|s| s.readiness_gates.as_deref())
        .unwrap_or_default();
    if gates.is_empty() {
        return "<none>".into();
    }
    let conditions = p
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    let true_ = gates
        .iter()
        .filter(|g| {
            conditions
                .iter()
                .find(|c| c.type_ == g.condition_type)
                .is_some_and(|c| c.status == "True")
        })
        .count();
    format!("{true_}/{}", gates.len())
}

/// The pod table's rows: by ordinal unless `opts.sorted` (then in the pods' order).
pub fn pod_rows(
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &Numbers,
    now: Timestamp,
    opts: PodTable,
) -> Vec<Vec<String>> {
    let name = sts.metadata.name.clone().unwrap_or_default();
    let update = sts.status.as_ref().and_then(|s| s.update_revision.clone());
    let mut pods: Vec<&Pod> = pods.iter().collect();
    if !opts.sorted {
        pods.sort_by_key(|p| {
            status::pod_ordinal(p.metadata.name.as_deref().unwrap_or_default()).unwrap_or(i64::MAX)
        });
    }
    pods.iter()
        .map(|p| {
            let pname = p.metadata.name.clone().unwrap_or_default();
            let (st, ready, restarts) = status::pod_status(p);
            let rev = p
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("controller-revision-hash"))
                .map(|r| {
                    let mut hash = status::revision_hash(&name, r).to_string();
                    if let Some(n) = numbers.get(r) {
                        hash = format!("{n} ({hash})");
                    }
                    if Some(r) == update.as_ref() {
                        format!("{hash}*")
                    } else {
                        hash
                    }
                })
                .unwrap_or_else(|| "<none>".into());
            let mut row = vec![
                status::pod_ordinal(&pname)
                    .map(|o| o.to_string())
                    .unwrap_or_else(|| "-".into()),
                pname,
                st,
                ready,
                restarts.to_string(),
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.clone())
                    .unwrap_or_else(|| "<none>".into()),
                p.status
                    .as_ref()
                    .and_then(|s| s.pod_ip.clone())
                    .unwrap_or_else(|| "<none>".into()),
                render::age(p.metadata.creation_timestamp.as_ref(), now),
                rev,
            ];
            if opts.wide {
                row.push(
                    p.status
                        .as_ref()
                        .and_then(|s| s.nominated_node_name.clone())
                        .filter(|n| !n.is_empty())
                        .unwrap_or_else(|| "<none>".into()),
                );
                row.push(readiness_gates(p));
            }
            if opts.show_labels {
                row.push(super::list::labels(p.metadata.labels.as_ref()));
            }
            row
        })
        .collect()
}

/// OnDelete: the pods on an older template, which keep it until they are deleted (upstream's
/// controller replaces only deleted pods for OnDelete). Empty otherwise.
fn on_delete_section(sts: &StatefulSet, pods: &[Pod]) -> String {
    use crate::manifest::rollout;
    if !rollout::is_on_delete(sts) {
        return String::new();
    }
    let behind = rollout::pods_behind(sts, pods);
    if behind.is_empty() {
        return String::new();
    }
    format!(
        "\nOnDelete: {} run{} an older template and keep{} it until deleted\n  update one with: kubectl delete pod {} -n {}   (the controller recreates it from the update revision)\n",
        behind.join(", "),
        if behind.len() == 1 { "s" } else { "" },
        if behind.len() == 1 { "s" } else { "" },
        behind[behind.len() - 1],
        sts.metadata.namespace.as_deref().unwrap_or("default"),
    )
}

/// A stuck rollout, plainly: which pod, which revision, why, for how long, and the command
/// that recovers (the analysis is `manifest::stuck`). Empty when nothing is stuck.
fn stuck_section(
    name: &str,
    sts: &StatefulSet,
    pods: &[Pod],
    numbers: &Numbers,
    events: &[k8s_openapi::api::core::v1::Event],
    seen: &Seen,
    now: Timestamp,
) -> String {
    use crate::manifest::stuck;
    let now = now.max(stuck::newest_timestamp(sts, pods).unwrap_or(now));
    let threshold = jiff::SignedDuration::from_mins(5);
    match stuck::analyze(sts, pods, now, threshold)
        .and_then(|s| stuck::refine(s, pods, seen, threshold))
        .or_else(|| stuck::config_stuck(sts, pods, seen, now))
        .or_else(|| stuck::failed_create(sts, pods, events, now))
    {
        Some(s) => {
            let (text, fix) = stuck::explain_numbered(name, &s, sts, numbers);
            format!("\nStuck: {text}\n  recover with: {fix}\n")
        }
        None => String::new(),
    }
}
