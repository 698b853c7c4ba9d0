//! Requests of the observing commands: pod logs (one streaming connection per container),
//! events (list), PodMetrics (metrics.k8s.io), and what a stuck pod waits for (its claims,
//! the set's Secrets and ConfigMaps). Their watches run on the follow stream
//! ([`super::follow`]).

use anyhow::{anyhow, Result};
use futures::AsyncBufRead;
use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{ConfigMap, Event, PersistentVolumeClaim, Pod, Secret};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{ListParams, LogParams};
use kube::Api;

use super::{api_error, Kube};
use crate::manifest::preflight::{self, Reference};
use crate::manifest::stuck::{self, Seen};

/// The label every StatefulSet pod carries (pkg/controller/statefulset/stateful_set_utils.go).
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";

impl Kube {
    /// One pods/log request; the server's message is the error (as kubectl prints it).
    pub async fn log_stream(
        &self,
        pod: &str,
        lp: &LogParams,
    ) -> Result<impl AsyncBufRead + Unpin + use<>> {
        let s = self
            .pod_api()
            .log_stream(pod, lp)
            .await
            .map_err(|e| match e {
                kube::Error::Api(resp) if resp.code == 404 => {
                    anyhow!("pod {pod:?} not found in namespace {:?}", self.namespace)
                }
                kube::Error::Api(resp) => anyhow!("{}", resp.message),
                other => api_error(other, "pod", Some(pod), &self.namespace),
            })?;
        Ok(Box::pin(s))
    }

    fn events_api(&self) -> Api<Event> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// Events of the namespace, optionally by field selector, with the list's resourceVersion.
    pub async fn obs_list_events(&self, fields: Option<&str>) -> Result<(Vec<Event>, String)> {
        let mut lp = ListParams::default();
        if let Some(f) = fields {
            lp = lp.fields(f);
        }
        let l = self
            .events_api()
            .list(&lp)
            .await
            .map_err(|e| api_error(e, "events", None, &self.namespace))?;
        Ok((l.items, l.metadata.resource_version.unwrap_or_default()))
    }

    /// PodMetrics of the namespace by label selector (metrics.k8s.io/v1beta1), as JSON items.
    /// A 404 means the metrics API is not served.
    pub async fn list_pod_metrics(&self, selector: &str) -> Result<Vec<serde_json::Value>> {
        // The client's own query builder encodes the selector (kube::core::Request).
        let req = kube::core::Request::new(format!(
            "/apis/metrics.k8s.io/v1beta1/namespaces/{}/pods",
            self.namespace
        ))
        .list(&kube::api::ListParams::default().labels(selector))
        .map_err(|e| anyhow!(e))?;
        match self.client.request::<serde_json::Value>(req).await {
            Ok(v) => Ok(v["items"].as_array().cloned().unwrap_or_default()),
            Err(kube::Error::Api(resp)) if resp.code == 404 => Err(anyhow!(
                "metrics API not available (is metrics-server installed?)"
            )),
            Err(e) => Err(api_error(
                e,
                "podmetrics.metrics.k8s.io",
                None,
                &self.namespace,
            )),
        }
    }
}

impl Kube {
    /// What the set's stuck pods wait for, read only when a pod shows it: the claims of pods
    /// the scheduler turned down, the Secrets and ConfigMaps of pods waiting on their
    /// configuration (one more round trip then; none otherwise). [`stuck::refine`] and
    /// [`stuck::config_stuck`] judge it.
    pub async fn what_pods_wait_for(&self, sts: &StatefulSet, pods: &[Pod]) -> Seen {
        let unschedulable = stuck::unschedulable_with_claims(pods);
        let now = jiff::Timestamp::now();
        let now = now.max(stuck::newest_timestamp(sts, pods).unwrap_or(now));
        let config = pods.iter().any(|p| stuck::waits_on_config(p, now));
        let claims = async {
            if unschedulable.is_empty() {
                Seen::default()
            } else {
                self.claims_seen(&unschedulable).await
            }
        };
        let refs = async {
            if config {
                self.missing_references(sts).await
            } else {
                None
            }
        };
        let (mut seen, refs) = tokio::join!(claims, refs);
        seen.missing_refs = refs;
        seen
    }

    /// What [`crate::manifest::stuck::refine_claims`] needs of unschedulable pods' claims: each
    /// claim (GET; a 404 is recorded as absent) and the StorageClasses (LIST), all sent together
    /// (one round trip). Anything unreadable is left out and judged as unknown.
    async fn claims_seen(&self, pods: &[&Pod]) -> Seen {
        let names: BTreeSet<String> = pods.iter().flat_map(|p| stuck::claim_names(p)).collect();
        if names.is_empty() {
            return Seen::default();
        }
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.namespace);
        let gets = names.iter().map(|n| {
            let api = api.clone();
            async move { (n.clone(), api.get_opt(n).await) }
        });
        let classes = Api::<StorageClass>::all(self.client.clone());
        let lp = ListParams::default();
        let (claims, classes) = tokio::join!(futures::future::join_all(gets), classes.list(&lp));
        Seen {
            claims: claims
                .into_iter()
                .filter_map(|(n, r)| r.ok().map(|c| (n, c)))
                .collect(),
            classes: classes.ok().map(|l| l.items),
            missing_refs: None,
        }
    }

    /// The set's Secret and ConfigMap references that do not exist or lack the key: one GET
    /// per object named, all sent together (one round trip; no list of the namespace's
    /// Secrets). `None` when one cannot be read (403): then nothing is judged.
    async fn missing_references(&self, sts: &StatefulSet) -> Option<Vec<(Reference, bool)>> {
        let refs = preflight::references(sts);
        let names: BTreeSet<(bool, String)> =
            refs.iter().map(|r| (r.secret, r.name.clone())).collect();
        let secrets: Api<Secret> = Api::namespaced(self.client.clone(), &self.namespace);
        let maps: Api<ConfigMap> = Api::namespaced(self.client.clone(), &self.namespace);
        let gets = names.iter().map(|(secret, name)| {
            let (secrets, maps) = (secrets.clone(), maps.clone());
            async move {
                if *secret {
                    secrets.get_opt(name).await.map(|o| (o, None))
                } else {
                    maps.get_opt(name).await.map(|o| (None, o))
                }
            }
        });
        let mut cluster = preflight::Cluster {
            secrets: Some(Vec::new()),
            config_maps: Some(Vec::new()),
            ..Default::default()
        };
        for got in futures::future::join_all(gets).await {
            let (s, m) = got.ok()?;
            cluster.secrets.as_mut()?.extend(s);
            cluster.config_maps.as_mut()?.extend(m);
        }
        Some(preflight::missing_references(sts, &cluster))
    }
}
