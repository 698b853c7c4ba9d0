//! API calls of the lifecycle commands (scale, redeploy, revisions, rollback, update-strategy,
//! delete, --wait). Every patch carries `fieldManager=kubectl-statefulset`; the rollback body is
//! `kubectl rollout undo`'s (the revision's data verbatim as a strategic merge patch —
//! kubectl's `staging/src/k8s.io/kubectl/pkg/polymorphichelpers/rollback.go`).

use anyhow::{Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::autoscaling::v1::Scale;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod, Service};
use kube::api::{
    DeleteParams, ListParams, Patch, PatchParams, PostParams, Preconditions, PropagationPolicy,
};
use kube::Api;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::{api_error, Kube, FIELD_MANAGER};
use crate::manifest::revisions::Revision;

/// A ControllerRevision as listed, `data` kept as the exact bytes the server stored.
#[derive(Deserialize)]
struct RawRevision {
    metadata: kube::api::ObjectMeta,
    data: Option<Box<RawValue>>,
    #[serde(default)]
    revision: i64,
}

#[derive(Deserialize)]
struct RawRevisionList {
    items: Vec<RawRevision>,
}

/// The revisions whose controller ownerReference is the set's UID, as `Revision`s.
fn controlled_by(list: Vec<RawRevision>, sts: &StatefulSet) -> Vec<Revision> {
    let uid = sts.metadata.uid.clone().unwrap_or_default();
    list.into_iter()
        .filter(|r| crate::manifest::controlled_by(&r.metadata, &uid))
        .map(|r| {
            let data = r
                .data
                .map(|d| d.get().to_string())
                .unwrap_or_else(|| "{}".into());
            Revision::new(r.metadata, r.revision, data)
        })
        .collect()
}

fn dry_params(dry_run: bool) -> DeleteParams {
    DeleteParams {
        dry_run,
        ..Default::default()
    }
}

fn patch_params(dry_run: bool, field_manager: bool) -> PatchParams {
    PatchParams {
        dry_run,
        field_manager: field_manager.then(|| FIELD_MANAGER.to_string()),
        ..Default::default()
    }
}

impl Kube {
    fn sts_api(&self) -> Api<StatefulSet> {
        self.statefulsets(Some(&self.namespace))
    }

    pub(super) fn pod_api(&self) -> Api<Pod> {
        Api::namespaced(self.client.clone(), &self.namespace)
    }

    /// `PATCH .../statefulsets/NAME/scale`, a JSON merge patch `{"spec":{"replicas":N}}`.
    pub async fn patch_scale(&self, name: &str, replicas: i32, dry_run: bool) -> Result<Scale> {
        let body = serde_json::json!({"spec": {"replicas": replicas}});
        self.sts_api()
            .patch_scale(name, &patch_params(dry_run, true), &Patch::Merge(&body))
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    pub async fn get_scale(&self, name: &str) -> Result<Scale> {
        self.sts_api()
            .get_scale(name)
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    /// `PUT .../scale` with the Scale read before (its resourceVersion is the precondition).
    pub async fn replace_scale(&self, name: &str, scale: &Scale, dry_run: bool) -> Result<Scale> {
        let pp = PostParams {
            dry_run,
            field_manager: Some(FIELD_MANAGER.to_string()),
        };
        self.sts_api()
            .replace_scale(name, &pp, scale)
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    /// A strategic merge patch of the StatefulSet with our field manager.
    pub async fn patch_statefulset_strategic(
        &self,
        name: &str,
        body: &serde_json::Value,
        dry_run: bool,
    ) -> Result<StatefulSet> {
        self.sts_api()
            .patch(name, &patch_params(dry_run, true), &Patch::Strategic(body))
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    /// A JSON merge patch of the StatefulSet with our field manager.
    pub async fn patch_statefulset_merge(
        &self,
        name: &str,
        body: &serde_json::Value,
        dry_run: bool,
    ) -> Result<StatefulSet> {
        self.sts_api()
            .patch(name, &patch_params(dry_run, true), &Patch::Merge(body))
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    /// `kubectl rollout undo`'s request: the revision's data bytes verbatim as a strategic
    /// merge patch (plus our fieldManager in the query, which kubectl leaves out).
    pub async fn patch_statefulset_revision(
        &self,
        name: &str,
        data: &str,
        dry_run: bool,
    ) -> Result<StatefulSet> {
        let raw: Box<RawValue> = RawValue::from_string(data.to_string())?;
        self.sts_api()
            .patch(name, &patch_params(dry_run, true), &Patch::Strategic(&raw))
            .await
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace))
    }

    /// ControllerRevisions listed by the set's selector and kept only when their controller
    /// ownerReference is the set's UID (metav1.IsControlledBy, as kubectl's history.go).
    pub async fn list_revisions(&self, sts: &StatefulSet) -> Result<Vec<Revision>> {
        let selector = crate::manifest::text::selector(sts);
        Ok(controlled_by(self.list_revisions_by(&selector).await?, sts))
    }

    /// Every ControllerRevision matching a label selector (not yet filtered by owner).
    async fn list_revisions_by(&self, selector: &str) -> Result<Vec<RawRevision>> {
        // The client's own query builder encodes the selector (kube::core::Request).
        let mut params = ListParams::default();
        if !selector.is_empty() && selector != "<none>" {
            params = params.labels(selector);
        }
        let req = kube::core::Request::new(format!(
            "/apis/apps/v1/namespaces/{}/controllerrevisions",
            self.namespace
        ))
        .list(&params)
        .context("building the ControllerRevision list request")?;
        let list: RawRevisionList = self
            .client
            .request(req)
            .await
            .map_err(|e| api_error(e, "controllerrevisions", None, &self.namespace))?;
        Ok(list.items)
    }

    /// The StatefulSet and, as asked, its pods and its revisions, in one round trip when its
    /// selector is the usual `app=NAME` (this tool's, the console's and many charts'): those
    /// lists go out together with the GET, and are used only when the set's selector turns out
    /// to be exactly that one; otherwise they are listed again by the real selector (one more
    /// round trip, as without the guess). The pods are those the selector matches; the
    /// revisions those the set controls. A failed list (e.g. forbidden) is the caller's to
    /// judge; only the GET of the set fails the whole.
    pub async fn statefulset_with(
        &self,
        name: &str,
        pods: bool,
        revisions: bool,
    ) -> Result<(
        StatefulSet,
        Option<Result<Vec<Pod>>>,
        Option<Result<Vec<Revision>>>,
    )> {
        let guess = format!("app={name}");
        let (sts, guessed) = tokio::join!(
            self.get_statefulset(name),
            self.lists_by(&guess, pods, revisions)
        );
        let sts = sts?;
        let selector = crate::manifest::text::selector(&sts);
        let (pods, revs) = if selector == guess {
            guessed
        } else {
            self.lists_by(&selector, pods, revisions).await
        };
        let pods = pods.map(|r| r.map(|p| super::owned_pods(&sts, p)));
        let revs = revs.map(|r| r.map(|list| controlled_by(list, &sts)));
        Ok((sts, pods, revs))
    }

    /// The pods and the (unfiltered) revisions matching `selector`, each only when asked,
    /// listed concurrently.
    async fn lists_by(
        &self,
        selector: &str,
        pods: bool,
        revisions: bool,
    ) -> (Option<Result<Vec<Pod>>>, Option<Result<Vec<RawRevision>>>) {
        tokio::join!(
            async {
                if pods {
                    Some(self.list_pods_matching(selector).await)
                } else {
                    None
                }
            },
            async {
                if revisions {
                    Some(self.list_revisions_by(selector).await)
                } else {
                    None
                }
            },
        )
    }

    /// Deletes a pod, with its UID as a precondition (never a newer pod of the same name).
    pub async fn delete_pod(&self, name: &str, uid: Option<&str>, dry_run: bool) -> Result<()> {
        let dp = DeleteParams {
            dry_run,
            preconditions: uid.map(|u| Preconditions {
                uid: Some(u.to_string()),
                resource_version: None,
            }),
            ..Default::default()
        };
        super::delete_checked(self.pod_api(), "pod", name, &dp, uid, &self.namespace).await
    }

    pub async fn get_pod(&self, name: &str) -> Result<Option<Pod>> {
        self.pod_api()
            .get_opt(name)
            .await
            .map_err(|e| api_error(e, "pod", Some(name), &self.namespace))
    }

    /// Deletes the StatefulSet with propagationPolicy Background (as the console).
    /// DELETE with propagation Background (and, when given, a uid precondition so what was
    /// shown is what goes). Returns the object as the server answered it (None when the
    /// server answered with a Status instead).
    pub async fn delete_statefulset(
        &self,
        name: &str,
        uid: Option<&str>,
        dry_run: bool,
    ) -> Result<Option<StatefulSet>> {
        let dp = DeleteParams {
            dry_run,
            propagation_policy: Some(PropagationPolicy::Background),
            preconditions: uid.map(|u| Preconditions {
                uid: Some(u.to_string()),
                resource_version: None,
            }),
            ..Default::default()
        };
        let result = self
            .sts_api()
            .delete(name, &dp)
            .await
            .map(|answer| answer.left())
            .map_err(|e| api_error(e, "statefulset", Some(name), &self.namespace));
        super::verify_if_lost(
            result,
            &format!("deleting statefulset {name:?}"),
            || async {
                super::deleted_check(self.sts_api(), name, uid)
                    .await
                    .map(|()| None)
            },
        )
        .await
    }

    pub async fn get_service_opt(&self, name: &str) -> Result<Option<Service>> {
        let api: Api<Service> = Api::namespaced(self.client.clone(), &self.namespace);
        api.get_opt(name)
            .await
            .map_err(|e| api_error(e, "service", Some(name), &self.namespace))
    }

    pub async fn delete_service_dry(&self, name: &str, dry_run: bool) -> Result<()> {
        let api: Api<Service> = Api::namespaced(self.client.clone(), &self.namespace);
        super::delete_checked(
            api,
            "service",
            name,
            &dry_params(dry_run),
            None,
            &self.namespace,
        )
        .await
    }

    pub async fn list_pvcs(&self) -> Result<Vec<PersistentVolumeClaim>> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.namespace);
        Ok(api
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error(e, "persistentvolumeclaims", None, &self.namespace))?
            .items)
    }

    pub async fn delete_pvc(&self, name: &str, dry_run: bool) -> Result<()> {
        let api: Api<PersistentVolumeClaim> = Api::namespaced(self.client.clone(), &self.namespace);
        super::delete_checked(
            api,
            "persistentvolumeclaim",
            name,
            &dry_params(dry_run),
            None,
            &self.namespace,
        )
        .await
    }

    /// All pods of the namespace (to find pods a Service selects).
    pub async fn list_all_pods(&self) -> Result<Vec<Pod>> {
        Ok(self
            .pod_api()
            .list(&ListParams::default())
            .await
            .map_err(|e| api_error(e, "pods", None, &self.namespace))?
            .items)
    }

    /// The set's pods (by its selector, kept when it controls them, as `list_pods`) with the
    /// list's resourceVersion for a watch.
    pub async fn list_pods_rv(&self, sts: &StatefulSet) -> Result<(Vec<Pod>, String)> {
        let (pods, rv) = self
            .list_pods_matching_rv(&crate::manifest::text::selector(sts))
            .await?;
        Ok((super::owned_pods(sts, pods), rv))
    }

    /// Lists pods by selector (not filtered by owner), with the list's resourceVersion.
    pub async fn list_pods_matching_rv(&self, selector: &str) -> Result<(Vec<Pod>, String)> {
        let list = self.lean_pods(selector).await?;
        Ok((list.items, list.resource_version))
    }
}
