//! The reads of `create`'s preflight ([`crate::manifest::preflight`] judges them): one list per
//! kind the checks need, all sent together (one round trip); a kind that cannot be read (403,
//! or any other failure) is a one-line warning and its checks are skipped.

use anyhow::{anyhow, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Node, PersistentVolumeClaim, Secret};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{Api, ListParams};
use serde::de::DeserializeOwned;

use super::{api_error, Kube};
use crate::cli::DryRun;
use crate::manifest::preflight::{check, needs, Cluster};

/// Lists `api` when `needed`; `Ok(None)` when not needed or not readable (said in `warnings`).
async fn list<K>(
    api: Api<K>,
    needed: bool,
    what: &str,
    ns: &str,
) -> (Option<Vec<K>>, Option<String>)
where
    K: Clone + DeserializeOwned + std::fmt::Debug,
{
    if !needed {
        return (None, None);
    }
    match api.list(&ListParams::default()).await {
        Ok(l) => (Some(l.items), None),
        Err(e) => {
            let e = api_error(e, what, None, ns);
            (
                None,
                Some(format!(
                    "preflight: {what} not checked: {}",
                    format!("{e:#}").lines().next().unwrap_or_default()
                )),
            )
        }
    }
}

impl Kube {
    /// What the checks of `sts` need from the cluster, and the warnings for what could not be
    /// read.
    pub async fn preflight_cluster(&self, sts: &StatefulSet) -> (Cluster, Vec<String>) {
        let n = needs(sts);
        let ns = self.namespace.as_str();
        let c = &self.client;
        let (secrets, config_maps, storage_classes, nodes, pvcs, statefulsets) = tokio::join!(
            list(
                Api::<Secret>::namespaced(c.clone(), ns),
                n.secrets,
                "secrets",
                ns
            ),
            list(
                Api::<ConfigMap>::namespaced(c.clone(), ns),
                n.config_maps,
                "configmaps",
                ns
            ),
            list(
                Api::<StorageClass>::all(c.clone()),
                n.storage_classes,
                "storageclasses",
                ns
            ),
            list(Api::<Node>::all(c.clone()), n.nodes, "nodes", ns),
            list(
                Api::<PersistentVolumeClaim>::namespaced(c.clone(), ns),
                n.claims,
                "persistentvolumeclaims",
                ns
            ),
            list(
                Api::<StatefulSet>::namespaced(c.clone(), ns),
                n.claims,
                "statefulsets",
                ns
            ),
        );
        let warnings = [
            &secrets.1,
            &config_maps.1,
            &storage_classes.1,
            &nodes.1,
            &pvcs.1,
            &statefulsets.1,
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        (
            Cluster {
                secrets: secrets.0,
                config_maps: config_maps.0,
                storage_classes: storage_classes.0,
                nodes: nodes.0,
                pvcs: pvcs.0,
                statefulsets: statefulsets.0,
            },
            warnings,
        )
    }
}

/// `create`'s preflight: before anything is sent, would the set's pods run? A failed check
/// refuses (exit 1) naming what is missing; `--skip-preflight` goes on; a client dry run does
/// not contact the cluster (as kubectl's), so nothing is checked (said under -v).
pub async fn preflight(
    kube: Option<&Kube>,
    sts: &StatefulSet,
    dry_run: DryRun,
    skip: bool,
    verbose: bool,
) -> Result<()> {
    let Some(kube) = kube.filter(|_| !skip && dry_run != DryRun::Client) else {
        if verbose && !skip && dry_run == DryRun::Client {
            eprintln!("preflight: not run (--dry-run=client does not contact the cluster)");
        }
        return Ok(());
    };
    let (cluster, warnings) = kube.preflight_cluster(sts).await;
    for w in &warnings {
        eprintln!("warning: {w}");
    }
    let found = check(sts, &cluster);
    if found.is_empty() {
        return Ok(());
    }
    let name = sts.metadata.name.as_deref().unwrap_or_default();
    let mut msg = format!("preflight: the pods of statefulset {name:?} would not run:");
    for f in &found {
        msg.push_str("\n  ");
        msg.push_str(f);
    }
    Err(crate::errors::with_hint(
        anyhow!(msg),
        "fix it first, or pass --skip-preflight to go on anyway",
    ))
}
