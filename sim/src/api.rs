//! The simulator's internal API: the verbs of the Kubernetes REST API on raw JSON objects.
//!
//! The HTTP layer (`server`) is a thin translation onto these methods, and the controllers,
//! the kubelet and the garbage collector act through them too, exactly as upstream's
//! controllers act through the API server: every write bumps the one resourceVersion counter,
//! is defaulted/validated by `registry`, and is seen by watchers.
//!
//! Upstream: staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go
//! (Create/Update/Delete, graceful deletion, finalizers), pkg/endpoints/handlers/*.go.

use crate::clock::Clock;
use crate::errors::ApiError;
use crate::patch::PatchType;
use crate::resources::ResourceType;
use serde_json::Value;
use std::sync::Arc;

/// `fieldValidation` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldValidation {
    Ignore,
    /// A request without the parameter is treated as Warn by upstream 1.27+; kubectl 1.32
    /// sends Strict for create/apply/edit.
    #[default]
    Warn,
    Strict,
}

/// Options common to create/update/patch.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// `dryRun=All`.
    pub dry_run: bool,
    /// `fieldManager`; else derived from `user_agent` (the part before the first '/').
    pub field_manager: Option<String>,
    pub field_validation: FieldValidation,
    pub user_agent: Option<String>,
    /// `force` (server-side apply only).
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    Background,
    Foreground,
    Orphan,
}

/// DeleteOptions (body and query parameters merged).
#[derive(Debug, Clone, Default)]
pub struct DeleteOptions {
    pub propagation: Option<Propagation>,
    pub grace_period_seconds: Option<i64>,
    pub precondition_uid: Option<String>,
    pub precondition_resource_version: Option<String>,
    pub dry_run: bool,
}

#[derive(Debug, Clone, Default)]
pub struct ListOptions {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    pub limit: Option<i64>,
    pub continue_token: Option<String>,
    pub resource_version: Option<String>,
    pub resource_version_match: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct WatchOptions {
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    /// "" or "0": synthetic ADDED for every current object first.
    pub resource_version: Option<String>,
    pub allow_watch_bookmarks: bool,
    pub send_initial_events: bool,
    pub timeout_seconds: Option<u64>,
}

/// One watch event: `type` is ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.
#[derive(Debug, Clone)]
pub struct WatchEvent {
    pub kind: &'static str,
    pub object: Value,
}

/// The result of a write.
#[derive(Debug, Clone)]
pub struct Written {
    /// The object as stored (or as it would be, for a dry run).
    pub object: Value,
    /// `Warning` headers to send (field validation Warn, deprecated fields).
    pub warnings: Vec<String>,
    /// True when the write created the object (HTTP 201).
    pub created: bool,
}

/// Options the cluster is built with.
#[derive(Debug, Clone)]
pub struct ClusterOptions {
    /// Behave as a newer server: keep fields this simulator's schema does not know instead of
    /// dropping them (and never report them as unknown).
    pub newer_server: bool,
    /// How many watch events are kept for resuming watches (older RVs get 410 Gone).
    pub watch_history: usize,
    /// Largest request body accepted (bytes); upstream's limit is 3 MiB for most writes.
    pub max_body_bytes: usize,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            newer_server: false,
            watch_history: 10_000,
            max_body_bytes: 3 * 1024 * 1024,
        }
    }
}

/// The cluster state and its verbs. Cheap to share as `Arc<Cluster>`.
pub struct Cluster {
    pub(crate) clock: Clock,
    pub(crate) options: ClusterOptions,
    pub(crate) state: parking_lot::Mutex<crate::store::State>,
    /// Bumped (to the newest resourceVersion) after every persisted write.
    pub(crate) changes: tokio::sync::watch::Sender<u64>,
}

impl Cluster {
    pub fn new(options: ClusterOptions, clock: Clock) -> Arc<Self> {
        let (changes, _) = tokio::sync::watch::channel(0);
        Arc::new(Self {
            clock,
            options,
            state: parking_lot::Mutex::new(crate::store::State::new()),
            changes,
        })
    }
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    pub fn options(&self) -> &ClusterOptions {
        &self.options
    }
    /// A receiver that changes after every persisted write (its value: the newest resourceVersion).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

// The verbs. Namespace is `None` for cluster-scoped resources (and for all-namespace lists).
// Errors are upstream's Status errors (404 NotFound, 409 AlreadyExists/Conflict, 422 Invalid...).
#[allow(unused_variables)]
impl Cluster {
    pub fn get(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        todo!("core")
    }
    /// A full List object (`kind: StatefulSetList`, metadata.resourceVersion, continue...).
    pub fn list(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &ListOptions,
    ) -> Result<Value, ApiError> {
        todo!("core")
    }
    /// All items (no paging) matching an optional label selector string; for controllers.
    pub fn list_items(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        label_selector: Option<&str>,
    ) -> Vec<Value> {
        todo!("core")
    }
    pub fn create(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        todo!("core")
    }
    /// PUT. `sub` is None for the main resource, Some("status") / Some("scale") for subresources.
    pub fn update(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        todo!("core")
    }
    pub fn patch(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        ptype: PatchType,
        body: &[u8],
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        todo!("core")
    }
    /// DELETE: returns the deleted object (or the object with deletionTimestamp when it lingers
    /// for graceful deletion or finalizers).
    pub fn delete(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        todo!("core")
    }
    pub fn delete_collection(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        list: &ListOptions,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        todo!("core")
    }
    /// A watch from `opts.resource_version`; the receiver ends when the watch times out.
    /// A too-old resourceVersion yields a single ERROR event with a 410 Expired Status.
    pub fn watch(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &WatchOptions,
    ) -> Result<tokio::sync::mpsc::Receiver<WatchEvent>, ApiError> {
        todo!("core")
    }
}
