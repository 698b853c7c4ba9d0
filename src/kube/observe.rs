//! Requests of the observing commands: pod logs (one streaming connection per container),
//! events (list), PodMetrics (metrics.k8s.io), the claims of unschedulable pods. Their watches run on the follow stream
//! ([`super::follow`]).

use anyhow::{anyhow, Result};
use futures::AsyncBufRead;
use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Event, PersistentVolumeClaim, Pod};
use k8s_openapi::api::storage::v1::StorageClass;
use kube::api::{ListParams, LogParams};
use kube::Api;

use super::{api_error, Kube};
use crate::manifest::stuck::{self, ClaimsSeen};

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
    /// What [`crate::manifest::stuck::refine_claims`] needs of unschedulable pods' claims: each
    /// claim (GET; a 404 is recorded as absent) and the StorageClasses (LIST), all sent together
    /// (one round trip). Anything unreadable is left out and judged as unknown.
    pub async fn claims_seen(&self, pods: &[&Pod]) -> ClaimsSeen {
        let names: BTreeSet<String> = pods.iter().flat_map(|p| stuck::claim_names(p)).collect();
        if names.is_empty() {
            return ClaimsSeen::default();
        }
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.namespace);
        let gets = names.iter().map(|n| {
            let api = api.clone();
            async move { (n.clone(), api.get_opt(n).await) }
        });
        let classes = Api::<StorageClass>::all(self.client.clone());
        let lp = ListParams::default();
        let (claims, classes) = tokio::join!(futures::future::join_all(gets), classes.list(&lp));
        ClaimsSeen {
            claims: claims
                .into_iter()
                .filter_map(|(n, r)| r.ok().map(|c| (n, c)))
                .collect(),
            classes: classes.ok().map(|l| l.items),
        }
    }
}
