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
    /// The deprecated orphanDependents as given (it also sets `propagation` when that is not).
    pub orphan_dependents: Option<bool>,
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
    /// A container registry (`host:port`, plain HTTP) the simulated kubelet asks before
    /// "pulling" an image; every image's host is mapped onto it (a mirror). None: images pull
    /// by their names' rules (`:bad` fails, see `controller::kubelet::image_kind`).
    pub image_registry: Option<String>,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        Self {
            newer_server: false,
            watch_history: 10_000,
            max_body_bytes: 3 * 1024 * 1024,
            image_registry: None,
        }
    }
}

/// The cluster state and its verbs. Cheap to share as `Arc<Cluster>`.
pub struct Cluster {
    pub(crate) clock: Clock,
    pub(crate) options: ClusterOptions,
    pub(crate) state: Arc<parking_lot::Mutex<crate::store::State>>,
    /// Bumped (to the newest resourceVersion) after every persisted write.
    pub(crate) changes: tokio::sync::watch::Sender<u64>,
    /// The cluster CA (PEM) published in every namespace's kube-root-ca.crt.
    pub(crate) root_ca: parking_lot::RwLock<String>,
}

impl Cluster {
    pub fn new(options: ClusterOptions, clock: Clock) -> Arc<Self> {
        let (changes, _) = tokio::sync::watch::channel(0);
        Arc::new(Self {
            clock,
            options,
            state: Arc::new(parking_lot::Mutex::new(crate::store::State::new())),
            changes,
            root_ca: parking_lot::RwLock::new(String::new()),
        })
    }
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
    pub fn options(&self) -> &ClusterOptions {
        &self.options
    }
    /// The cluster CA (PEM) that kube-root-ca.crt ConfigMaps publish.
    pub fn root_ca(&self) -> String {
        self.root_ca.read().clone()
    }
    pub fn set_root_ca(&self, pem: &str) {
        *self.root_ca.write() = pem.to_string();
    }
    /// A receiver that changes after every persisted write (its value: the newest resourceVersion).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changes.subscribe()
    }
}

// The verbs. Namespace is `None` for cluster-scoped resources (and for all-namespace lists).
// Errors are upstream's Status errors (404 NotFound, 409 AlreadyExists/Conflict, 422 Invalid...).
impl Cluster {
    pub fn get(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        if rt.is_metrics() {
            return self.get_metrics(rt, ns, name);
        }
        let srt = storage_rt(rt);
        let st = self.state.lock();
        let obj = st
            .get(&srt.group_resource(), ns_key(rt, ns), name)
            .ok_or_else(|| ApiError::not_found(rt, name))?;
        drop(st);
        Ok(from_storage(rt, &obj))
    }

    /// A full List object (`kind: StatefulSetList`, metadata.resourceVersion, continue...).
    ///
    /// Paging models the etcd3 store's continue tokens (pkg/storage/etcd3/store.go GetList,
    /// pkg/storage/continue.go): the token names the list's revision and the last key; a
    /// token older than the compacted history is answered with 410 Expired.
    pub fn list(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &ListOptions,
    ) -> Result<Value, ApiError> {
        let filter = Filter::new(
            rt,
            opts.label_selector.as_deref(),
            opts.field_selector.as_deref(),
        )?;
        if rt.is_metrics() {
            return self.list_metrics(rt, ns, &filter);
        }
        let page = self.select_page(rt, ns, opts, &filter, false)?;
        let items: Vec<Value> = page
            .items
            .iter()
            .map(|(o, _)| {
                let mut v = from_storage(rt, o);
                if let Some(m) = v.as_object_mut() {
                    m.remove("kind");
                    m.remove("apiVersion");
                }
                v
            })
            .collect();
        Ok(json!({
            "kind": rt.list_kind(),
            "apiVersion": rt.api_version(),
            "metadata": page.metadata(),
            "items": items,
        }))
    }

    /// `list` already encoded as JSON, the same bytes `serde_json::to_vec(&list(..))` gives.
    /// Each item's encoding is kept with the stored object until it changes, so a LIST of
    /// many unchanged objects copies bytes instead of cloning and serialising every object
    /// (the apiserver's watch cache serves LISTs from memory for the same reason). Kinds whose
    /// items are converted on the way out (events.k8s.io/v1, metrics) take the plain path.
    pub fn list_json(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &ListOptions,
    ) -> Result<Vec<u8>, ApiError> {
        if rt.is_metrics() || is_events_v1(rt) {
            return Ok(serde_json::to_vec(&self.list(rt, ns, opts)?).unwrap_or_default());
        }
        let filter = Filter::new(
            rt,
            opts.label_selector.as_deref(),
            opts.field_selector.as_deref(),
        )?;
        let page = self.select_page(rt, ns, opts, &filter, true)?;
        let total: usize = page
            .items
            .iter()
            .map(|(_, s)| s.as_ref().and_then(|s| s.get()).map_or(4096, Vec::len) + 1)
            .sum();
        // Keys in serde_json's (sorted) order: apiVersion, items, kind, metadata.
        let mut out = Vec::with_capacity(total + 256);
        out.extend_from_slice(b"{\"apiVersion\":");
        serde_json::to_writer(&mut out, &rt.api_version()).unwrap_or_default();
        out.extend_from_slice(b",\"items\":[");
        for (i, (obj, slot)) in page.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let bytes = slot
                .as_ref()
                .expect("slots were requested")
                .get_or_init(|| encode_list_item(obj));
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(b"],\"kind\":");
        serde_json::to_writer(&mut out, &rt.list_kind()).unwrap_or_default();
        out.extend_from_slice(b",\"metadata\":");
        serde_json::to_writer(&mut out, &page.metadata()).unwrap_or_default();
        out.push(b'}');
        Ok(out)
    }

    /// The objects of one LIST page (paging models the etcd3 store's continue tokens:
    /// pkg/storage/etcd3/store.go GetList, pkg/storage/continue.go — the token names the
    /// list's revision and the last key; one older than the compacted history is 410 Expired).
    fn select_page(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &ListOptions,
        filter: &Filter,
        with_json: bool,
    ) -> Result<Page, ApiError> {
        let srt = storage_rt(rt);
        let mut start_after: Option<ObjKey> = None;
        let mut st = self.state.lock();
        let mut list_rv = st.rv;
        if let Some(tok) = opts.continue_token.as_deref().filter(|t| !t.is_empty()) {
            if opts
                .resource_version
                .as_deref()
                .is_some_and(|rv| !rv.is_empty() && rv != "0")
            {
                return Err(ApiError::bad_request(
                    "specifying resource version is not allowed when using continue",
                ));
            }
            let (rv, key) = decode_continue(tok).ok_or_else(|| {
                ApiError::bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
            })?;
            if rv < st.oldest_resumable() {
                return Err(ApiError::gone("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."));
            }
            list_rv = rv;
            start_after = Some(key);
        }
        let limit = opts.limit.filter(|l| *l > 0).map(|l| l as usize);
        let mut keys: Vec<(ObjKey, Arc<Value>)> = Vec::new();
        let mut next_key: Option<ObjKey> = None;
        let mut remaining = 0usize;
        let resource = srt.group_resource();
        if let Some(bucket) = st.bucket(&resource) {
            let nsf = if rt.namespaced { ns } else { None };
            let iter: Box<dyn Iterator<Item = (&ObjKey, &Arc<Value>)>> = match (&start_after, nsf) {
                (Some(k), _) => Box::new(bucket.range((
                    std::ops::Bound::Excluded(k.clone()),
                    std::ops::Bound::Unbounded,
                ))),
                (None, Some(n)) => Box::new(bucket.range((n.to_string(), String::new())..)),
                (None, None) => Box::new(bucket.iter()),
            };
            for (key, obj) in iter {
                if let Some(n) = nsf {
                    if key.0 != n {
                        break;
                    }
                }
                if !filter.matches(srt, obj) {
                    continue;
                }
                if let Some(l) = limit {
                    if keys.len() >= l {
                        if next_key.is_none() {
                            next_key = keys.last().map(|(k, _)| k.clone());
                        }
                        remaining += 1;
                        continue;
                    }
                }
                keys.push((key.clone(), obj.clone()));
            }
        }
        let items = keys
            .into_iter()
            .map(|(key, obj)| {
                let slot = with_json.then(|| st.item_json(&resource, &key));
                (obj, slot)
            })
            .collect();
        Ok(Page {
            list_rv,
            items,
            next_key,
            remaining,
            count_remaining: filter.is_empty(),
        })
    }

    /// Like `list_items` but without copying the objects: the stored `Arc`s (with kind and
    /// apiVersion). The cheap way for controllers to scan many objects on every change.
    /// (events.k8s.io/v1 items are converted, hence copied.)
    pub fn list_shared(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        label_selector: Option<&str>,
    ) -> Vec<Arc<Value>> {
        let Ok(filter) = Filter::new(rt, label_selector, None) else {
            return Vec::new();
        };
        if rt.is_metrics() {
            return Vec::new();
        }
        let srt = storage_rt(rt);
        let nsf = if rt.namespaced { ns } else { None };
        let matched: Vec<Arc<Value>> = {
            let st = self.state.lock();
            let Some(bucket) = st.bucket(&srt.group_resource()) else {
                return Vec::new();
            };
            let iter: Box<dyn Iterator<Item = (&ObjKey, &Arc<Value>)>> = match nsf {
                Some(n) => Box::new(
                    bucket
                        .range((n.to_string(), String::new())..)
                        .take_while(move |(k, _)| k.0 == n),
                ),
                None => Box::new(bucket.iter()),
            };
            iter.filter(|(_, o)| filter.matches(srt, o))
                .map(|(_, o)| o.clone())
                .collect()
        };
        if is_events_v1(rt) {
            matched
                .iter()
                .map(|o| Arc::new(from_storage(rt, o)))
                .collect()
        } else {
            matched
        }
    }

    /// All items (no paging) matching an optional label selector string; for controllers.
    pub fn list_items(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        label_selector: Option<&str>,
    ) -> Vec<Value> {
        // Clone outside the lock.
        self.list_shared(rt, ns, label_selector)
            .into_iter()
            .map(|o| Arc::try_unwrap(o).unwrap_or_else(|a| (*a).clone()))
            .collect()
    }

    /// The newest resourceVersion handed out.
    pub fn resource_version(&self) -> u64 {
        self.state.lock().rv
    }

    /// Upstream: store.go Create + rest.BeforeCreate (pkg/registry/rest/create.go).
    pub fn create(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        obj: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        self.create_op(rt, ns, obj, opts, "Update")
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
        check_writable(rt, sub)?;
        let obj = expect_object(obj)?;
        // A /scale body is an autoscaling/v1 Scale, not the parent kind (write_scale checks
        // the name; ScaleREST.Update in pkg/registry/apps/statefulset/storage/storage.go).
        if sub != Some("scale") {
            check_name_ns(rt, ns, Some(name), &obj)?;
        }
        let srt = storage_rt(rt);
        let old = {
            let st = self.state.lock();
            st.get(&srt.group_resource(), ns_key(rt, ns), name)
        };
        let Some(old) = old else {
            // Events are AllowCreateOnUpdate (pkg/registry/core/event/strategy.go).
            if srt.plural == "events" && sub.is_none() {
                let mut obj = obj;
                obj["metadata"]["name"] = json!(name);
                return self.create_op(rt, ns, obj, opts, "Update");
            }
            return Err(ApiError::not_found(rt, name));
        };
        if sub == Some("scale") {
            return self.write_scale(rt, ns, name, &old, obj, opts);
        }
        let new = to_storage(rt, obj);
        self.update_inner(rt, ns, name, sub, new, old, opts, "Update", true)
    }

    /// Upstream: pkg/endpoints/handlers/patch.go (patchResource → applyPatch → store Update).
    #[allow(clippy::too_many_arguments)]
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
        check_writable(rt, sub)?;
        if ptype == PatchType::Apply {
            return self.server_side_apply(rt, ns, name, sub, body, opts);
        }
        // patch.go: the patch is re-applied to a fresh object when a concurrent writer won
        // (GuaranteedUpdate retry); a Conflict only surfaces when the patch itself carries a
        // stale metadata.resourceVersion (then every attempt conflicts).
        let mut attempt = 0;
        loop {
            match self.patch_once(rt, ns, name, sub, ptype, body, opts) {
                Err(e) if e.code == 409 && e.reason == "Conflict" && attempt < 8 => attempt += 1,
                r => return r,
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn patch_once(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        ptype: PatchType,
        body: &[u8],
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let srt = storage_rt(rt);
        let old = {
            let st = self.state.lock();
            st.get(&srt.group_resource(), ns_key(rt, ns), name)
        }
        .ok_or_else(|| ApiError::not_found(rt, name))?;
        if sub == Some("scale") {
            let scale = crate::registry::scale_of(srt, &old)?;
            let patched = crate::patch::apply_patch(ptype, "Scale", &scale, body)?;
            return self.write_scale(rt, ns, name, &old, patched, opts);
        }
        let original = from_storage(rt, &old);
        let patched = crate::patch::apply_patch(ptype, rt.kind, &original, body)?;
        let patched = expect_object(patched)?;
        check_name_ns(rt, ns, Some(name), &patched)?;
        let mut new = to_storage(rt, patched);
        // A patched object's strict error is patch.go's bare one (not transformDecodeError's):
        // checked here, so update_inner finds the unknown fields already dropped.
        let mut warnings = Vec::new();
        if sub != Some("status") && sub != Some("finalize") {
            self.check_fields(srt, &mut new, opts, &mut warnings, false)?;
        }
        let mut w = self.update_inner(rt, ns, name, sub, new, old, opts, "Update", true)?;
        warnings.append(&mut w.warnings);
        w.warnings = warnings;
        Ok(w)
    }

    /// DELETE: returns the deleted object (or the object with deletionTimestamp when it lingers
    /// for graceful deletion or finalizers).
    ///
    /// Upstream: store.go Delete / updateForGracefulDeletionAndFinalizers,
    /// pkg/registry/rest/delete.go BeforeDelete.
    pub fn delete(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        if rt.is_metrics() {
            return Err(ApiError::method_not_allowed(
                "the server does not allow this method on the requested resource",
            ));
        }
        let srt = storage_rt(rt);
        let res = srt.group_resource();
        let nsk = ns_key(rt, ns);
        let mut st = self.state.lock();
        let old = st
            .get(&res, nsk, name)
            .ok_or_else(|| ApiError::not_found(rt, name))?;
        let meta = &old["metadata"];
        if let Some(uid) = &opts.precondition_uid {
            let cur = meta["uid"].as_str().unwrap_or_default();
            if uid != cur {
                return Err(precondition_failed(
                    rt,
                    name,
                    format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {cur}"),
                ));
            }
        }
        if let Some(rv) = &opts.precondition_resource_version {
            let cur = meta["resourceVersion"].as_str().unwrap_or_default();
            if rv != cur {
                return Err(precondition_failed(
                    rt,
                    name,
                    format!("Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {cur}"),
                ));
            }
        }
        let mut obj = (*old).clone();
        let now = self.clock.now_secs();
        // Finalizers requested by the propagation policy (store.go deletionFinalizersForGarbageCollection).
        let mut finalizers: Vec<String> = obj["metadata"]["finalizers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        match opts.propagation {
            Some(Propagation::Foreground) => {
                finalizers.retain(|f| f != "orphan");
                if !finalizers.iter().any(|f| f == "foregroundDeletion") {
                    finalizers.push("foregroundDeletion".into());
                }
            }
            Some(Propagation::Orphan) => {
                finalizers.retain(|f| f != "foregroundDeletion");
                if !finalizers.iter().any(|f| f == "orphan") {
                    finalizers.push("orphan".into());
                }
            }
            Some(Propagation::Background) => {
                finalizers.retain(|f| f != "orphan" && f != "foregroundDeletion");
            }
            None => {}
        }
        // Namespaces: the namespace controller empties the namespace then drops spec.finalizers
        // (pkg/registry/core/namespace/storage/storage.go Delete).
        if srt.plural == "namespaces" {
            let spec_fin = obj["spec"]["finalizers"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
            if spec_fin || !finalizers.is_empty() {
                if obj["metadata"]["deletionTimestamp"].is_null() {
                    obj["metadata"]["deletionTimestamp"] = json!(format_time(now));
                    obj["metadata"]["deletionGracePeriodSeconds"] = json!(0);
                }
                obj["status"]["phase"] = json!("Terminating");
                set_finalizers(&mut obj, &finalizers);
                return self.persist_lingering(&mut st, rt, srt, nsk, name, &old, obj, opts);
            }
        }
        let grace = crate::registry::graceful_delete_seconds(srt, &old, opts.grace_period_seconds)
            .filter(|g| *g > 0);
        let already_deleting = !obj["metadata"]["deletionTimestamp"].is_null();
        if !finalizers.is_empty() || grace.is_some() {
            if let Some(g) = grace {
                // A shorter grace period may shorten a pending graceful deletion.
                let cur = obj["metadata"]["deletionGracePeriodSeconds"].as_i64();
                if !already_deleting || cur.is_some_and(|c| g < c) {
                    obj["metadata"]["deletionTimestamp"] =
                        json!(format_time(now + chrono::Duration::seconds(g)));
                    obj["metadata"]["deletionGracePeriodSeconds"] = json!(g);
                }
            } else if !already_deleting || opts.grace_period_seconds == Some(0) {
                if !already_deleting {
                    obj["metadata"]["deletionTimestamp"] = json!(format_time(now));
                }
                obj["metadata"]["deletionGracePeriodSeconds"] = json!(0);
            }
            set_finalizers(&mut obj, &finalizers);
            return self.persist_lingering(&mut st, rt, srt, nsk, name, &old, obj, opts);
        }
        if opts.dry_run {
            return Ok(from_storage(rt, &obj));
        }
        let gone = self.commit(&mut st, srt, nsk, name, "DELETED", obj);
        Ok(from_storage(rt, &gone))
    }

    pub fn delete_collection(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        list: &ListOptions,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        let opts_all = ListOptions {
            label_selector: list.label_selector.clone(),
            field_selector: list.field_selector.clone(),
            ..Default::default()
        };
        let l = self.list(rt, ns, &opts_all)?;
        let mut deleted = Vec::new();
        for it in l["items"].as_array().cloned().unwrap_or_default() {
            let name = it["metadata"]["name"].as_str().unwrap_or_default();
            let ins = it["metadata"]["namespace"].as_str();
            match self.delete(rt, ins.or(ns), name, opts) {
                Ok(mut o) => {
                    if let Some(m) = o.as_object_mut() {
                        m.remove("kind");
                        m.remove("apiVersion");
                    }
                    deleted.push(o)
                }
                Err(e) if e.code == 404 => {}
                Err(e) => return Err(e),
            }
        }
        Ok(json!({
            "kind": rt.list_kind(),
            "apiVersion": rt.api_version(),
            "metadata": {"resourceVersion": self.resource_version().to_string()},
            "items": deleted,
        }))
    }

    /// A watch from `opts.resource_version`; the receiver ends when the watch times out.
    /// A too-old resourceVersion yields a single ERROR event with a 410 Expired Status.
    ///
    /// Must be called inside a tokio runtime (the watch runs as a task). Models the cacher
    /// (pkg/storage/cacher/cacher.go, cache_watcher.go, watch_cache.go): initial events for
    /// RV ""/"0", resumption from the event ring buffer, selector transitions turned into
    /// ADDED/DELETED, bookmarks.
    pub fn watch(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        opts: &WatchOptions,
    ) -> Result<tokio::sync::mpsc::Receiver<WatchEvent>, ApiError> {
        if rt.is_metrics() {
            return Err(ApiError::method_not_allowed(
                "the server does not allow this method on the requested resource",
            ));
        }
        let filter = Filter::new(
            rt,
            opts.label_selector.as_deref(),
            opts.field_selector.as_deref(),
        )?;
        let start: Option<u64> =
            match opts.resource_version.as_deref() {
                None | Some("") | Some("0") => None,
                Some(s) => Some(s.parse::<u64>().map_err(|_| {
                    ApiError::bad_request(format!("invalid resource version: {s:?}"))
                })?),
            };
        let (tx, rx) = tokio::sync::mpsc::channel(1024);
        let srt = storage_rt(rt);
        let res = srt.group_resource();
        let nsf: Option<String> = if rt.namespaced {
            ns.map(str::to_string)
        } else {
            None
        };
        let mut changes = self.changes.subscribe();
        // Snapshot under the lock so that no write falls between snapshot and resumption.
        let (mut last, initial, too_old) = {
            let st = self.state.lock();
            match start {
                None => {
                    let mut init = Vec::new();
                    if let Some(b) = st.bucket(&res) {
                        for ((ons, _), o) in b.iter() {
                            if nsf.as_deref().is_some_and(|n| n != ons) {
                                continue;
                            }
                            if filter.matches(srt, o) {
                                init.push(o.clone());
                            }
                        }
                    }
                    (st.rv, init, None)
                }
                Some(rv) => {
                    let oldest = st.oldest_resumable();
                    if rv < oldest {
                        (
                            rv,
                            Vec::new(),
                            Some(format!("too old resource version: {rv} ({oldest})")),
                        )
                    } else {
                        (rv, Vec::new(), None)
                    }
                }
            }
        };
        let state = self.state.clone();
        let timeout = opts.timeout_seconds.map(std::time::Duration::from_secs);
        let bookmarks = opts.allow_watch_bookmarks;
        let initial_end = opts.send_initial_events && bookmarks;
        tokio::spawn(async move {
            if let Some(msg) = too_old {
                let _ = tx
                    .send(WatchEvent {
                        kind: "ERROR",
                        object: ApiError::gone(msg).to_status(),
                    })
                    .await;
                return;
            }
            for o in initial {
                if tx
                    .send(WatchEvent {
                        kind: "ADDED",
                        object: from_storage(rt, &o),
                    })
                    .await
                    .is_err()
                {
                    return;
                }
            }
            if initial_end {
                let mut b = bookmark(rt, last);
                b["metadata"]["annotations"] = json!({"k8s.io/initial-events-end": "true"});
                if tx
                    .send(WatchEvent {
                        kind: "BOOKMARK",
                        object: b,
                    })
                    .await
                    .is_err()
                {
                    return;
                }
            }
            let deadline = timeout.map(|t| tokio::time::Instant::now() + t);
            let mut tick = tokio::time::interval(std::time::Duration::from_secs(10));
            tick.tick().await;
            loop {
                // Collect the events after `last`.
                let (events, expired) = {
                    let st = state.lock();
                    let expired = last < st.oldest_resumable();
                    let mut ev = Vec::new();
                    if !expired {
                        // History is ordered by rv: skip quickly from the back.
                        let idx = st.history.partition_point(|e| e.rv <= last);
                        for e in st.history.range(idx..) {
                            if e.resource != res {
                                continue;
                            }
                            if nsf.as_deref().is_some_and(|n| n != e.namespace) {
                                continue;
                            }
                            ev.push(e.clone());
                        }
                        if let Some(b) = st.history.back() {
                            last = last.max(b.rv);
                        }
                    }
                    (ev, expired.then(|| (st.oldest_resumable(), last)))
                };
                if let Some((oldest, l)) = expired {
                    let _ = tx
                        .send(WatchEvent {
                            kind: "ERROR",
                            object: ApiError::gone(format!(
                                "too old resource version: {l} ({oldest})"
                            ))
                            .to_status(),
                        })
                        .await;
                    return;
                }
                for e in events {
                    let cur = filter.matches(srt, &e.object);
                    let prev = e.prev.as_ref().map(|p| filter.matches(srt, p));
                    let out = match (e.kind, prev, cur) {
                        ("ADDED", _, true) => Some(("ADDED", from_storage(rt, &e.object))),
                        ("MODIFIED", Some(true), true) => {
                            Some(("MODIFIED", from_storage(rt, &e.object)))
                        }
                        ("MODIFIED", Some(false) | None, true) => {
                            Some(("ADDED", from_storage(rt, &e.object)))
                        }
                        ("MODIFIED", Some(true), false) => {
                            let mut o = from_storage(rt, e.prev.as_ref().unwrap());
                            o["metadata"]["resourceVersion"] = json!(e.rv.to_string());
                            Some(("DELETED", o))
                        }
                        ("DELETED", _, true) => Some(("DELETED", from_storage(rt, &e.object))),
                        _ => None,
                    };
                    if let Some((kind, object)) = out {
                        if tx.send(WatchEvent { kind, object }).await.is_err() {
                            return;
                        }
                    }
                }
                tokio::select! {
                    r = changes.changed() => { if r.is_err() { return; } }
                    _ = tick.tick() => {
                        if bookmarks {
                            let rv = state.lock().rv;
                            if tx.send(WatchEvent { kind: "BOOKMARK", object: bookmark(rt, rv.max(last)) }).await.is_err() {
                                return;
                            }
                        }
                    }
                    _ = async { match deadline { Some(d) => tokio::time::sleep_until(d).await, None => std::future::pending().await } } => { return; }
                    _ = tx.closed() => { return; }
                }
            }
        });
        Ok(rx)
    }
}

// ---------------------------------------------------------------------------------------------
// Internals.

impl Cluster {
    fn create_op(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        obj: Value,
        opts: &WriteOptions,
        operation: &str,
    ) -> Result<Written, ApiError> {
        check_writable(rt, None)?;
        let obj = expect_object(obj)?;
        check_name_ns(rt, ns, None, &obj)?;
        let srt = storage_rt(rt);
        let mut obj = to_storage(rt, obj);
        let mut warnings = Vec::new();
        self.check_fields(srt, &mut obj, opts, &mut warnings, operation != "Apply")?;
        let nsk = ns_key(rt, ns).to_string();
        {
            let m = meta_mut(&mut obj);
            if rt.namespaced {
                m.insert("namespace".into(), json!(nsk));
            } else {
                m.remove("namespace");
            }
        }
        // rest.BeforeCreate: generateName, system fields.
        let mut name = obj["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if name.is_empty() {
            if let Some(prefix) = obj["metadata"]["generateName"]
                .as_str()
                .filter(|s| !s.is_empty())
            {
                name = format!("{prefix}{}", random_suffix());
                obj["metadata"]["name"] = json!(name);
            }
        }
        if name.is_empty() {
            return Err(ApiError::invalid(
                srt,
                "",
                &[FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                )],
            ));
        }
        if obj["metadata"]["resourceVersion"]
            .as_str()
            .is_some_and(|s| !s.is_empty() && s != "0")
        {
            return Err(ApiError::internal(
                "resourceVersion should not be set on objects to be created",
            ));
        }
        let now = self.clock.timestamp();
        {
            let m = meta_mut(&mut obj);
            m.insert("uid".into(), json!(uuid::Uuid::new_v4().to_string()));
            m.insert("creationTimestamp".into(), json!(now));
            m.remove("deletionTimestamp");
            m.remove("deletionGracePeriodSeconds");
            m.remove("resourceVersion");
            m.remove("selfLink");
            if srt.has_generation {
                m.insert("generation".into(), json!(1));
            } else {
                m.remove("generation");
            }
        }
        obj["kind"] = json!(srt.kind);
        obj["apiVersion"] = json!(srt.api_version());
        crate::registry::prepare_for_create(srt, &mut obj);
        crate::registry::apply_defaults(srt, &mut obj);
        if std::ptr::eq(srt, &crate::resources::PVCS) {
            self.admit_default_storage_class(&mut obj);
        }
        if std::ptr::eq(srt, &crate::resources::PODS) {
            crate::system::admit_pod(self, &nsk, &mut obj)?;
        }
        let errs = crate::registry::validate_create(srt, &obj);
        if !errs.is_empty() {
            return Err(ApiError::invalid(srt, &name, &errs));
        }
        // An apply's managedFields were computed by server_side_apply_at; every other create
        // is an Update of all the fields it sets.
        if operation != "Apply" {
            record_update_fields(
                None,
                &mut obj,
                srt.kind,
                &manager_of(opts),
                None,
                &srt.api_version(),
                &now,
            );
        }
        let mut st = self.state.lock();
        if rt.namespaced {
            match st.get("namespaces", "", &nsk) {
                None => return Err(ApiError::namespace_not_found(&nsk)),
                Some(n) if !n["metadata"]["deletionTimestamp"].is_null() => {
                    return Err(ApiError::new(
                        403,
                        "Forbidden",
                        format!("{} {:?} is forbidden: unable to create new content in namespace {nsk} because it is being terminated", srt.group_resource(), name),
                    ));
                }
                _ => {}
            }
        }
        if st.get(&srt.group_resource(), &nsk, &name).is_some() {
            return Err(ApiError::already_exists(rt, &name));
        }
        if opts.dry_run {
            return Ok(Written {
                object: from_storage(rt, &obj),
                warnings,
                created: true,
            });
        }
        let stored = self.commit(&mut st, srt, &nsk, &name, "ADDED", obj);
        drop(st);
        if std::ptr::eq(srt, &crate::resources::NAMESPACES) {
            // The namespace's default ServiceAccount and kube-root-ca.crt (crate::system).
            crate::system::ensure_namespace_objects(self, &name);
        }
        Ok(Written {
            object: from_storage(rt, &stored),
            warnings,
            created: true,
        })
    }

    /// The update pipeline shared by PUT and PATCH (store.go Update + rest.BeforeUpdate).
    #[allow(clippy::too_many_arguments)]
    fn update_inner(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        mut new: Value,
        old: Arc<Value>,
        opts: &WriteOptions,
        operation: &str,
        check_rv: bool,
    ) -> Result<Written, ApiError> {
        let srt = storage_rt(rt);
        let nsk = ns_key(rt, ns);
        let mut warnings = Vec::new();
        // Optimistic concurrency: a resourceVersion in the body is a precondition.
        let sent_rv = new["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let old_rv = old["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if check_rv && !sent_rv.is_empty() && sent_rv != old_rv {
            return Err(ApiError::conflict(rt, name));
        }
        if sub != Some("status") && sub != Some("finalize") {
            self.check_fields(srt, &mut new, opts, &mut warnings, true)?;
        }
        new["kind"] = json!(srt.kind);
        new["apiVersion"] = json!(srt.api_version());
        // System fields the client cannot change (rest.BeforeUpdate / FillObjectMetaSystemFields).
        let managed_from_client;
        {
            let om = old["metadata"].as_object().cloned().unwrap_or_default();
            let m = meta_mut(&mut new);
            for k in [
                "uid",
                "creationTimestamp",
                "deletionTimestamp",
                "deletionGracePeriodSeconds",
                "generation",
                "generateName",
            ] {
                match om.get(k) {
                    Some(v) => {
                        m.insert(k.into(), v.clone());
                    }
                    None => {
                        m.remove(k);
                    }
                }
            }
            if rt.namespaced {
                m.insert("namespace".into(), json!(nsk));
            }
            m.insert("name".into(), json!(name));
            // managedFields sent by the client replace the stored ones only on a main-resource
            // write based on the current object (or an explicit reset to `[]`); a missing,
            // stale or subresource copy keeps the stored entries, so a controller writing an
            // old copy cannot erase other managers' entries.
            let sent = m.get("managedFields").filter(|v| !v.is_null());
            let reset = sent.is_some_and(|v| v.as_array().is_some_and(|a| a.is_empty()));
            let fresh = !sent_rv.is_empty() && sent_rv == old_rv;
            // An apply's entries were computed from the stored ones by server_side_apply_at.
            let take_sent =
                operation == "Apply" || (sub.is_none() && sent.is_some() && (fresh || reset));
            managed_from_client = take_sent && operation != "Apply";
            if !take_sent {
                match om.get("managedFields") {
                    Some(mf) => {
                        m.insert("managedFields".into(), mf.clone());
                    }
                    None => {
                        m.remove("managedFields");
                    }
                }
            }
        }
        match sub {
            Some("status") => crate::registry::prepare_for_status_update(srt, &mut new, &old),
            Some("finalize") => {
                // Only spec.finalizers comes from the request (namespace finalize subresource).
                let fin = new["spec"]["finalizers"].clone();
                let mut n = (*old).clone();
                n["spec"]["finalizers"] = if fin.is_null() { json!([]) } else { fin };
                new = n;
            }
            _ => crate::registry::prepare_for_update(srt, &mut new, &old),
        }
        crate::registry::apply_defaults(srt, &mut new);
        let errs =
            crate::registry::validate_update(srt, &new, &old, sub.filter(|s| *s == "status"));
        if !errs.is_empty() {
            return Err(ApiError::invalid(srt, name, &errs));
        }
        if std::ptr::eq(srt, &crate::resources::PVCS) && sub.is_none() {
            // PersistentVolumeClaimResize admission
            // (plugin/pkg/admission/storage/persistentvolume/resize/admission.go).
            let class = new["spec"]["storageClassName"]
                .as_str()
                .and_then(|c| self.get(&crate::resources::STORAGECLASSES, None, c).ok());
            if let Some(e) = crate::registry::pvc_resize_forbidden(&new, &old, class.as_ref()) {
                return Err(e);
            }
        }
        // No-op writes are not persisted (store.go GuaranteedUpdate skips identical bytes). An
        // apply that changes only field ownership (a new applier, a field dropped from its
        // configuration, a forced takeover) still changes managedFields, so it is written; the
        // entry's time alone does not count (managedFieldsUpdater keeps the old time then).
        // managedFields a client sets itself (kubectl's client-side to server-side apply
        // migration replaces them with a JSON patch) are stored as sent: a change to them
        // alone is a change (the stored bytes differ).
        let ownership_changed = (operation == "Apply"
            && !same_managed_ignoring_time(
                &new["metadata"]["managedFields"],
                &old["metadata"]["managedFields"],
            ))
            || (managed_from_client
                && new["metadata"]["managedFields"] != old["metadata"]["managedFields"]);
        if !ownership_changed && same_ignoring_bookkeeping(&new, &old) {
            return Ok(Written {
                object: from_storage(rt, &old),
                warnings,
                created: false,
            });
        }
        if srt.has_generation
            && matches!(sub, None | Some("scale"))
            && new.get("spec") != old.get("spec")
        {
            let g = old["metadata"]["generation"].as_i64().unwrap_or(0) + 1;
            new["metadata"]["generation"] = json!(g);
        }
        if operation != "Apply" {
            let now = self.clock.timestamp();
            record_update_fields(
                Some(&old),
                &mut new,
                srt.kind,
                &manager_of(opts),
                sub,
                &srt.api_version(),
                &now,
            );
        }
        let mut st = self.state.lock();
        // Re-check against the current state (another writer may have won the race).
        let cur = st
            .get(&srt.group_resource(), nsk, name)
            .ok_or_else(|| ApiError::not_found(rt, name))?;
        if cur["metadata"]["resourceVersion"] != old["metadata"]["resourceVersion"] {
            if check_rv && !sent_rv.is_empty() {
                return Err(ApiError::conflict(rt, name));
            }
            drop(st);
            if operation == "Apply" {
                // server_side_apply applies again on the newer object.
                return Err(ApiError::conflict(rt, name));
            }
            // Unconditional update: retry on the newer object, as GuaranteedUpdate does (its
            // managedFields are recorded again against that object).
            let mut retry = new;
            retry["metadata"]["resourceVersion"] = cur["metadata"]["resourceVersion"].clone();
            meta_mut(&mut retry).remove("managedFields");
            return self.update_inner(rt, ns, name, sub, retry, cur, opts, operation, false);
        }
        // store.go shouldDeleteDuringUpdate: the last finalizer of a deleting object removed.
        let deleting = !new["metadata"]["deletionTimestamp"].is_null();
        let had_fin = old["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let has_fin = new["metadata"]["finalizers"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
        let grace_zero = new["metadata"]["deletionGracePeriodSeconds"]
            .as_i64()
            .unwrap_or(0)
            == 0;
        let ns_done = srt.plural != "namespaces"
            || new["spec"]["finalizers"]
                .as_array()
                .is_none_or(|a| a.is_empty());
        let had_spec_fin = srt.plural == "namespaces"
            && old["spec"]["finalizers"]
                .as_array()
                .is_some_and(|a| !a.is_empty());
        let remove = deleting && !has_fin && grace_zero && ns_done && (had_fin || had_spec_fin);
        if opts.dry_run {
            return Ok(Written {
                object: from_storage(rt, &new),
                warnings,
                created: false,
            });
        }
        let kind = if remove { "DELETED" } else { "MODIFIED" };
        let stored = self.commit(&mut st, srt, nsk, name, kind, new);
        Ok(Written {
            object: from_storage(rt, &stored),
            warnings,
            created: false,
        })
    }

    /// PUT/PATCH of the autoscaling/v1 Scale (pkg/registry/apps/statefulset/storage/storage.go ScaleREST).
    fn write_scale(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        old: &Arc<Value>,
        scale: Value,
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let sent_rv = scale["metadata"]["resourceVersion"]
            .as_str()
            .unwrap_or_default();
        if !sent_rv.is_empty() && Some(sent_rv) != old["metadata"]["resourceVersion"].as_str() {
            return Err(ApiError::conflict(rt, name));
        }
        if let Some(n) = scale["metadata"]["name"].as_str() {
            if !n.is_empty() && n != name {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({n}) does not match the name on the URL ({name})"
                )));
            }
        }
        let mut new = (**old).clone();
        crate::registry::apply_scale(rt, &mut new, &scale)?;
        let mut w = self.update_inner(
            rt,
            ns,
            name,
            Some("scale"),
            new,
            old.clone(),
            opts,
            "Update",
            false,
        )?;
        w.object = crate::registry::scale_of(rt, &w.object)?;
        Ok(w)
    }

    /// Server-side apply (PATCH `application/apply-patch+yaml`).
    ///
    /// Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go (applyPatcher,
    /// ValidatePatchOptions in apimachinery/pkg/apis/meta/v1/validation) and
    /// apimachinery/pkg/util/managedfields (FieldManager.Apply, conflict detection and
    /// ownership): the merge, conflicts and the manager's `Apply` entry are
    /// `patch::apply::server_side_apply_at`; the result then goes through the same create /
    /// update pipeline as every other write (fieldValidation, defaulting, validation, dryRun,
    /// no-op detection). An apply on a missing object creates it; an apply on `/scale` is a
    /// merge of the applied Scale (recorded as an Update of the scale subresource).
    fn server_side_apply(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
        sub: Option<&str>,
        body: &[u8],
        opts: &WriteOptions,
    ) -> Result<Written, ApiError> {
        let manager = opts.field_manager.as_deref().unwrap_or_default();
        if manager.is_empty() {
            // ValidatePatchOptions: an Invalid PatchOptions.meta.k8s.io (422).
            let mut e = ApiError::new(
                422,
                "Invalid",
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch",
            );
            e.details = Some(json!({
                "group": "meta.k8s.io",
                "kind": "PatchOptions",
                "causes": [{"reason": "FieldValueRequired",
                            "message": "Required value: is required for apply patch",
                            "field": "fieldManager"}],
            }));
            return Err(e);
        }
        let applied = crate::patch::apply::parse_apply_body(body)?;
        // managedfields internal/structuredmerge.go Apply: the configuration may not carry
        // ownership itself.
        if applied["metadata"]
            .get("managedFields")
            .is_some_and(|v| !v.is_null())
        {
            return Err(ApiError::bad_request("metadata.managedFields must be nil"));
        }
        check_name_ns(rt, ns, Some(name), &applied)?;
        let srt = storage_rt(rt);
        // A concurrent writer between the read and the write: apply again on the newer object
        // (GuaranteedUpdate's retry), as `patch` does.
        let mut attempt = 0;
        loop {
            let old = {
                let st = self.state.lock();
                st.get(&srt.group_resource(), ns_key(rt, ns), name)
            };
            let Some(old) = old else {
                if sub.is_some() {
                    return Err(ApiError::not_found(rt, name));
                }
                let mut obj = crate::patch::apply::server_side_apply_at(
                    None,
                    &applied,
                    rt.kind,
                    manager,
                    opts.force,
                    &self.clock.timestamp(),
                )?;
                obj["metadata"]["name"] = json!(name);
                return self.create_op(rt, ns, obj, opts, "Apply");
            };
            if sub == Some("scale") {
                let scale = crate::registry::scale_of(srt, &old)?;
                let patched = crate::patch::apply_patch(
                    PatchType::Merge,
                    "Scale",
                    &scale,
                    &serde_json::to_vec(&applied).unwrap_or_default(),
                )?;
                return self.write_scale(rt, ns, name, &old, patched, opts);
            }
            // A resourceVersion in the applied configuration is a precondition.
            if let Some(sent) = applied["metadata"]["resourceVersion"]
                .as_str()
                .filter(|s| !s.is_empty())
            {
                if Some(sent) != old["metadata"]["resourceVersion"].as_str() {
                    return Err(ApiError::conflict(rt, name));
                }
            }
            let live = from_storage(rt, &old);
            let merged = crate::patch::apply::server_side_apply_at(
                Some(&live),
                &applied,
                rt.kind,
                manager,
                opts.force,
                &self.clock.timestamp(),
            )?;
            let new = to_storage(rt, expect_object(merged)?);
            match self.update_inner(rt, ns, name, sub, new, old, opts, "Apply", false) {
                Err(e)
                    if e.code == 409
                        && e.message.starts_with("Operation cannot be fulfilled")
                        && attempt < 8 =>
                {
                    attempt += 1
                }
                r => return r,
            }
        }
    }

    /// Persist an object that stays (graceful deletion / finalizers) and return it.
    #[allow(clippy::too_many_arguments)]
    fn persist_lingering(
        &self,
        st: &mut parking_lot::MutexGuard<'_, crate::store::State>,
        rt: &'static ResourceType,
        srt: &'static ResourceType,
        nsk: &str,
        name: &str,
        old: &Arc<Value>,
        obj: Value,
        opts: &DeleteOptions,
    ) -> Result<Value, ApiError> {
        if opts.dry_run || same_ignoring_bookkeeping(&obj, old) {
            return Ok(from_storage(rt, &obj));
        }
        let stored = self.commit(st, srt, nsk, name, "MODIFIED", obj);
        Ok(from_storage(rt, &stored))
    }

    fn commit(
        &self,
        st: &mut crate::store::State,
        srt: &'static ResourceType,
        nsk: &str,
        name: &str,
        kind: &'static str,
        mut obj: Value,
    ) -> Arc<Value> {
        let rv = st.next_rv();
        obj["metadata"]["resourceVersion"] = json!(rv.to_string());
        crate::patch::apply::sort_managed_fields(&mut obj);
        let a = Arc::new(obj);
        st.put(
            &srt.group_resource(),
            nsk,
            name,
            kind,
            a.clone(),
            rv,
            self.options.watch_history,
        );
        self.changes.send_replace(rv);
        a
    }

    /// fieldValidation (pkg/endpoints/handlers/create.go, update.go, patch.go): Strict → 400
    /// `strict decoding error: unknown field "spec.foo"`, Warn → Warning headers, then the
    /// unknown fields are dropped as the decoder drops them. A create or PUT body (`decoded`)
    /// fails in the decoder, so its error goes through `transformDecodeError` (handlers/rest.go):
    /// `StatefulSet in version "v1" cannot be handled as a StatefulSet: strict decoding error:
    /// …`; a patch's (patch.go) is the bare strict decoding error.
    fn check_fields(
        &self,
        srt: &'static ResourceType,
        obj: &mut Value,
        opts: &WriteOptions,
        warnings: &mut Vec<String>,
        decoded: bool,
    ) -> Result<(), ApiError> {
        if self.options.newer_server {
            return Ok(());
        }
        let unknown = crate::registry::unknown_fields(srt, obj).map_err(ApiError::bad_request)?;
        if !unknown.is_empty() {
            let msgs: Vec<String> = unknown
                .iter()
                .map(|f| format!("unknown field {f:?}"))
                .collect();
            match opts.field_validation {
                FieldValidation::Strict => {
                    let strict = format!("strict decoding error: {}", msgs.join(", "));
                    if !decoded {
                        return Err(ApiError::bad_request(strict));
                    }
                    // gvk is the body's own apiVersion and kind; objGVK the type decoded into.
                    let kind = obj["kind"].as_str().unwrap_or(srt.kind);
                    let version = obj["apiVersion"]
                        .as_str()
                        .map(|av| av.rsplit('/').next().unwrap_or(av))
                        .unwrap_or(srt.version);
                    return Err(ApiError::bad_request(format!(
                        "{kind} in version {version:?} cannot be handled as a {}: {strict}",
                        srt.kind
                    )));
                }
                FieldValidation::Warn => warnings.extend(msgs),
                FieldValidation::Ignore => {}
            }
        }
        crate::registry::prune_unknown(srt, obj);
        Ok(())
    }

    /// The DefaultStorageClass admission plugin
    /// (plugin/pkg/admission/storage/storageclass/setdefault/admission.go): a claim without
    /// `spec.storageClassName` gets the default class (the newest one annotated
    /// `storageclass.kubernetes.io/is-default-class: "true"`, or the beta form).
    fn admit_default_storage_class(&self, pvc: &mut Value) {
        if pvc["spec"]
            .get("storageClassName")
            .is_some_and(|v| !v.is_null())
        {
            return;
        }
        let default = self
            .list_items(&crate::resources::STORAGECLASSES, None, None)
            .into_iter()
            .filter(crate::controller::volumes::is_default_class)
            .max_by(|a, b| {
                let k = |c: &Value| {
                    (
                        c["metadata"]["creationTimestamp"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        c["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                };
                k(a).cmp(&k(b))
            });
        if let Some(c) = default {
            if !pvc["spec"].is_object() {
                pvc["spec"] = json!({});
            }
            pvc["spec"]["storageClassName"] = c["metadata"]["name"].clone();
        }
    }

    fn get_metrics(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        name: &str,
    ) -> Result<Value, ApiError> {
        let now = self.clock.now();
        let not_found = || {
            let shown = match ns {
                Some(n) if rt.namespaced => format!("{n}/{name}"),
                _ => name.to_string(),
            };
            let what = if rt.namespaced {
                "podmetrics"
            } else {
                "nodemetrics"
            };
            ApiError::new(
                404,
                "NotFound",
                format!("{what}.metrics.k8s.io {shown:?} not found"),
            )
            .with_details_pub(json!({"name": shown, "group": "metrics.k8s.io", "kind": what}))
        };
        if rt.namespaced {
            let pod = self
                .get(&crate::resources::PODS, ns, name)
                .map_err(|_| not_found())?;
            crate::controller::metrics::pod_metrics(&pod, now).ok_or_else(not_found)
        } else {
            let node = self
                .get(&crate::resources::NODES, None, name)
                .map_err(|_| not_found())?;
            let pods: Vec<Value> = self
                .list_items(&crate::resources::PODS, None, None)
                .into_iter()
                .filter(|p| p["spec"]["nodeName"].as_str() == Some(name))
                .collect();
            Ok(crate::controller::metrics::node_metrics(&node, &pods, now))
        }
    }

    fn list_metrics(
        &self,
        rt: &'static ResourceType,
        ns: Option<&str>,
        filter: &Filter,
    ) -> Result<Value, ApiError> {
        let now = self.clock.now();
        let mut items = Vec::new();
        if rt.namespaced {
            for pod in self.list_items(&crate::resources::PODS, ns, None) {
                if !filter.matches(&crate::resources::PODS, &pod) {
                    continue;
                }
                if let Some(m) = crate::controller::metrics::pod_metrics(&pod, now) {
                    items.push(m);
                }
            }
        } else {
            let pods = self.list_items(&crate::resources::PODS, None, None);
            for node in self.list_items(&crate::resources::NODES, None, None) {
                if !filter.matches(&crate::resources::NODES, &node) {
                    continue;
                }
                let name = node["metadata"]["name"].as_str().unwrap_or_default();
                let on: Vec<Value> = pods
                    .iter()
                    .filter(|p| p["spec"]["nodeName"].as_str() == Some(name))
                    .cloned()
                    .collect();
                items.push(crate::controller::metrics::node_metrics(&node, &on, now));
            }
        }
        Ok(json!({
            "kind": rt.list_kind(),
            "apiVersion": rt.api_version(),
            "metadata": {},
            "items": items,
        }))
    }
}

/// Label and field selectors of a list/watch (parsed once).
struct Filter {
    label: Option<crate::selectors::LabelSelector>,
    field: Option<crate::selectors::FieldSelector>,
}

impl Filter {
    fn new(rt: &ResourceType, label: Option<&str>, field: Option<&str>) -> Result<Self, ApiError> {
        let label = match label.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                Some(crate::selectors::LabelSelector::parse(s).map_err(ApiError::bad_request)?)
            }
            None => None,
        };
        let field = match field.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => {
                let f = crate::selectors::FieldSelector::parse(s).map_err(ApiError::bad_request)?;
                f.validate_for(rt).map_err(ApiError::bad_request)?;
                Some(f)
            }
            None => None,
        };
        Ok(Self { label, field })
    }
    fn is_empty(&self) -> bool {
        self.label.is_none() && self.field.is_none()
    }
    fn matches(&self, rt: &ResourceType, obj: &Value) -> bool {
        if let Some(l) = &self.label {
            if !l.matches(obj["metadata"]["labels"].as_object()) {
                return false;
            }
        }
        if let Some(f) = &self.field {
            if !f.matches(rt, obj) {
                return false;
            }
        }
        true
    }
}

use crate::clock::format_time;
use crate::errors::FieldError;
use crate::store::ObjKey;
use serde_json::{json, Map};

impl ApiError {
    /// Attach details (used for errors the shared constructors do not cover).
    pub fn with_details_pub(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
}

/// The resource whose storage holds `rt`'s objects (events.k8s.io/v1 is a view on core/v1).
pub fn storage_rt(rt: &'static ResourceType) -> &'static ResourceType {
    if std::ptr::eq(rt, &crate::resources::EVENTS_V1) {
        &crate::resources::EVENTS
    } else {
        rt
    }
}

fn is_events_v1(rt: &'static ResourceType) -> bool {
    std::ptr::eq(rt, &crate::resources::EVENTS_V1)
}

fn to_storage(rt: &'static ResourceType, v: Value) -> Value {
    if is_events_v1(rt) {
        crate::registry::events_v1_to_event(&v)
    } else {
        v
    }
}

fn from_storage(rt: &'static ResourceType, v: &Value) -> Value {
    if is_events_v1(rt) {
        crate::registry::event_to_events_v1(v)
    } else {
        v.clone()
    }
}

fn ns_key<'a>(rt: &ResourceType, ns: Option<&'a str>) -> &'a str {
    if rt.namespaced {
        ns.unwrap_or("")
    } else {
        ""
    }
}

fn check_writable(rt: &ResourceType, sub: Option<&str>) -> Result<(), ApiError> {
    if rt.is_metrics() {
        return Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        ));
    }
    if let Some(s) = sub {
        if !rt.has_subresource(s) {
            return Err(ApiError::no_route());
        }
    }
    Ok(())
}

fn expect_object(v: Value) -> Result<Value, ApiError> {
    if v.is_object() {
        Ok(v)
    } else {
        Err(ApiError::bad_request(
            "the body of the request was in an unknown format - it must be a JSON object",
        ))
    }
}

/// Name/namespace of the body against the URL (pkg/endpoints/handlers/rest.go,
/// update.go `the name of the object (%s) does not match the name on the URL (%s)`).
fn check_name_ns(
    rt: &ResourceType,
    ns: Option<&str>,
    url_name: Option<&str>,
    obj: &Value,
) -> Result<(), ApiError> {
    if let Some(k) = obj["kind"].as_str() {
        if !k.is_empty() && k != rt.kind {
            return Err(ApiError::bad_request(format!(
                "the kind in the data ({k}) does not match the expected kind ({})",
                rt.kind
            )));
        }
    }
    if let Some(av) = obj["apiVersion"].as_str() {
        if !av.is_empty() && av != rt.api_version() {
            return Err(ApiError::bad_request(format!(
                "the API version in the data ({av}) does not match the expected API version ({})",
                rt.api_version()
            )));
        }
    }
    if let Some(u) = url_name {
        if let Some(n) = obj["metadata"]["name"].as_str() {
            if !n.is_empty() && n != u {
                return Err(ApiError::bad_request(format!(
                    "the name of the object ({n}) does not match the name on the URL ({u})"
                )));
            }
        }
    }
    if rt.namespaced {
        if let (Some(b), Some(u)) = (obj["metadata"]["namespace"].as_str(), ns) {
            if !b.is_empty() && b != u {
                return Err(ApiError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
        }
    }
    Ok(())
}

fn meta_mut(obj: &mut Value) -> &mut Map<String, Value> {
    if !obj["metadata"].is_object() {
        obj["metadata"] = json!({});
    }
    obj["metadata"].as_object_mut().expect("metadata object")
}

fn set_finalizers(obj: &mut Value, f: &[String]) {
    let m = meta_mut(obj);
    if f.is_empty() {
        m.remove("finalizers");
    } else {
        m.insert("finalizers".into(), json!(f));
    }
}

fn precondition_failed(rt: &ResourceType, name: &str, msg: String) -> ApiError {
    let mut e = ApiError::conflict(rt, name);
    e.message = format!(
        "Operation cannot be fulfilled on {} {:?}: {msg}",
        rt.group_resource(),
        name
    );
    e
}

fn bookmark(rt: &ResourceType, rv: u64) -> Value {
    json!({
        "kind": rt.kind,
        "apiVersion": rt.api_version(),
        "metadata": {"resourceVersion": rv.to_string(), "creationTimestamp": null},
    })
}

/// `generateName` suffix: 5 characters of apimachinery's pkg/util/rand alphabet.
pub fn random_suffix() -> String {
    use rand::Rng;
    const ALPHA: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let mut r = rand::thread_rng();
    (0..5)
        .map(|_| ALPHA[r.gen_range(0..ALPHA.len())] as char)
        .collect()
}

fn manager_of(opts: &WriteOptions) -> String {
    if let Some(m) = opts.field_manager.as_deref().filter(|m| !m.is_empty()) {
        return m.to_string();
    }
    let ua = opts.user_agent.as_deref().unwrap_or_default();
    let p = ua.split('/').next().unwrap_or_default();
    if p.is_empty() {
        "unknown".into()
    } else {
        p.to_string()
    }
}

/// Equality of two states ignoring resourceVersion and managedFields (no copies: this runs on
/// every write).
fn same_ignoring_bookkeeping(a: &Value, b: &Value) -> bool {
    let (Some(am), Some(bm)) = (a.as_object(), b.as_object()) else {
        return a == b;
    };
    let skip_meta = |k: &String| k != "resourceVersion" && k != "managedFields";
    let meta_eq = |x: &Value, y: &Value| -> bool {
        match (x.as_object(), y.as_object()) {
            (Some(xm), Some(ym)) => {
                xm.keys().filter(|k| skip_meta(k)).count()
                    == ym.keys().filter(|k| skip_meta(k)).count()
                    && xm
                        .iter()
                        .filter(|(k, _)| skip_meta(k))
                        .all(|(k, v)| ym.get(k) == Some(v))
            }
            _ => x == y,
        }
    };
    am.len() == bm.len()
        && am.iter().all(|(k, v)| match bm.get(k) {
            None => false,
            Some(w) if k == "metadata" => meta_eq(v, w),
            Some(w) => v == w,
        })
}

/// Equality of two managedFields lists ignoring the entries' `time` and their order.
fn same_managed_ignoring_time(a: &Value, b: &Value) -> bool {
    let empty = Vec::new();
    let a = a.as_array().unwrap_or(&empty);
    let b = b.as_array().unwrap_or(&empty);
    let same_entry = |x: &Value, y: &Value| match (x.as_object(), y.as_object()) {
        (Some(xo), Some(yo)) => {
            xo.len() == yo.len() && xo.iter().all(|(k, v)| k == "time" || yo.get(k) == Some(v))
        }
        _ => x == y,
    };
    a.len() == b.len() && a.iter().all(|x| b.iter().any(|y| same_entry(x, y)))
}

// ---------------------------------------------------------------------------------------------
// managedFields of Update operations (create, PUT, non-apply PATCH, subresource writes).
//
// Upstream: sigs.k8s.io/structured-merge-diff merge/update.go (Updater.Update: the fields the
// write added or modified become the writer's, and are taken from every other manager; removed
// fields are dropped from every manager; managers left with nothing are dropped) and
// apimachinery/pkg/util/managedfields/internal (managers keyed by manager, operation and
// subresource). The field paths are those of `patch::apply::field_set` (same list semantics,
// same stripped top-level fields), written directly as fieldsV1 keys. Only the subtrees that
// differ between the old and the new object are walked, and the stored fieldsV1 trees are
// edited in place, so a controller's status write costs a walk of the changed status fields.

/// A field path as its fieldsV1 keys (`f:spec`, `k:{"name":"c"}`, `v:"x"`, `.`).
type FieldsPath = Vec<String>;

/// Where a map sits: the root object, the root object's metadata, anywhere else.
#[derive(Clone, Copy, PartialEq)]
enum MapAt {
    Root,
    RootMeta,
    Nested,
}

/// How a value is tracked (patch::apply walk_value).
enum Shape<'a> {
    Map(&'a Map<String, Value>),
    Keyed(&'a [Value], &'static str),
    Set(&'a [Value]),
    Leaf,
}

fn shape<'a>(v: &'a Value, meta: &crate::patch::schema::FieldMeta) -> Shape<'a> {
    match v {
        Value::Object(m) if !m.is_empty() && !meta.replace => Shape::Map(m),
        Value::Array(items) if meta.merge && !items.is_empty() => match meta.key {
            Some(key) if items.iter().all(|i| i.get(key).is_some()) => Shape::Keyed(items, key),
            None if items.iter().all(|i| !i.is_object() && !i.is_array()) => Shape::Set(items),
            _ => Shape::Leaf,
        },
        _ => Shape::Leaf,
    }
}

/// Fields never tracked (managedfields internal/stripmeta.go).
fn untracked(at: MapAt, key: &str) -> bool {
    match at {
        MapAt::Root => matches!(key, "apiVersion" | "kind"),
        MapAt::RootMeta => matches!(
            key,
            "name"
                | "namespace"
                | "creationTimestamp"
                | "selfLink"
                | "uid"
                | "generation"
                | "managedFields"
                | "resourceVersion"
        ),
        MapAt::Nested => false,
    }
}

/// Paths added or modified (`changed`) and removed (`removed`) between two values.
struct FieldsDiff {
    changed: Vec<FieldsPath>,
    removed: Vec<FieldsPath>,
    path: FieldsPath,
}

impl FieldsDiff {
    fn value(
        &mut self,
        old: Option<&Value>,
        new: Option<&Value>,
        meta: &crate::patch::schema::FieldMeta,
    ) {
        if let (Some(o), Some(n)) = (old, new) {
            if o == n {
                return;
            }
        }
        let so = old.map(|v| shape(v, meta));
        let sn = new.map(|v| shape(v, meta));
        match (so, sn) {
            (Some(Shape::Map(o)), Some(Shape::Map(n))) => {
                self.map(Some(o), Some(n), meta.ty, MapAt::Nested)
            }
            (Some(Shape::Keyed(o, ko)), Some(Shape::Keyed(n, kn))) if ko == kn => {
                self.keyed(o, n, ko, meta.ty)
            }
            (Some(Shape::Set(o)), Some(Shape::Set(n))) => {
                self.set(o, n);
            }
            (Some(Shape::Leaf), Some(Shape::Leaf)) => self.changed.push(self.path.clone()),
            (so, sn) => {
                match so {
                    Some(Shape::Map(o)) => self.map(Some(o), None, meta.ty, MapAt::Nested),
                    Some(Shape::Keyed(o, k)) => self.keyed(o, &[], k, meta.ty),
                    Some(Shape::Set(o)) => self.set(o, &[]),
                    Some(Shape::Leaf) => self.removed.push(self.path.clone()),
                    None => {}
                }
                match sn {
                    Some(Shape::Map(n)) => self.map(None, Some(n), meta.ty, MapAt::Nested),
                    Some(Shape::Keyed(n, k)) => self.keyed(&[], n, k, meta.ty),
                    Some(Shape::Set(n)) => self.set(&[], n),
                    Some(Shape::Leaf) => self.changed.push(self.path.clone()),
                    None => {}
                }
            }
        }
    }

    fn map(
        &mut self,
        old: Option<&Map<String, Value>>,
        new: Option<&Map<String, Value>>,
        ty: &str,
        at: MapAt,
    ) {
        let child_at = |k: &str| {
            if at == MapAt::Root && k == "metadata" {
                MapAt::RootMeta
            } else {
                MapAt::Nested
            }
        };
        let visit = |this: &mut Self, k: &String| {
            if untracked(at, k) {
                return;
            }
            let ov = old.and_then(|m| m.get(k));
            let nv = new.and_then(|m| m.get(k));
            let meta = crate::patch::schema::lookup(ty, k);
            this.path.push(format!("f:{k}"));
            if child_at(k) == MapAt::RootMeta {
                match (ov, nv) {
                    (Some(o), Some(n)) if o == n => {}
                    _ => this.map(
                        ov.and_then(Value::as_object),
                        nv.and_then(Value::as_object),
                        meta.ty,
                        MapAt::RootMeta,
                    ),
                }
            } else {
                this.value(ov, nv, &meta);
            }
            this.path.pop();
        };
        if let Some(n) = new {
            for k in n.keys() {
                visit(self, k);
            }
        }
        if let Some(o) = old {
            for k in o.keys().filter(|k| new.is_none_or(|n| !n.contains_key(*k))) {
                visit(self, k);
            }
        }
    }

    fn keyed(&mut self, old: &[Value], new: &[Value], key: &str, ty: &str) {
        let find = |items: &'_ [Value], kv: &Value| -> Option<usize> {
            items.iter().position(|i| i.get(key) == Some(kv))
        };
        for n in new {
            let kv = &n[key];
            let o = find(old, kv).map(|i| &old[i]);
            self.path.push(format!("k:{}", json!({ key: kv })));
            if o.is_none() {
                let mut marker = self.path.clone();
                marker.push(".".into());
                self.changed.push(marker);
            }
            if o != Some(n) {
                self.map(
                    o.and_then(Value::as_object),
                    n.as_object(),
                    ty,
                    MapAt::Nested,
                );
            }
            self.path.pop();
        }
        for o in old.iter().filter(|o| find(new, &o[key]).is_none()) {
            self.path.push(format!("k:{}", json!({ key: &o[key] })));
            let mut marker = self.path.clone();
            marker.push(".".into());
            self.removed.push(marker);
            self.map(o.as_object(), None, ty, MapAt::Nested);
            self.path.pop();
        }
    }

    fn set(&mut self, old: &[Value], new: &[Value]) {
        for n in new.iter().filter(|n| !old.contains(n)) {
            let mut p = self.path.clone();
            p.push(format!("v:{n}"));
            self.changed.push(p);
        }
        for o in old.iter().filter(|o| !new.contains(o)) {
            let mut p = self.path.clone();
            p.push(format!("v:{o}"));
            self.removed.push(p);
        }
    }
}

/// Remove a path from a fieldsV1 tree (with the emptied parents; an owned ancestor leaf or an
/// owned subtree at the path goes with it).
fn fields_remove(node: &mut Map<String, Value>, path: &[String]) {
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    let Some(child) = node.get_mut(first) else {
        return;
    };
    let drop = match child.as_object_mut() {
        Some(c) if !c.is_empty() && !rest.is_empty() => {
            fields_remove(c, rest);
            c.is_empty()
        }
        _ => true,
    };
    if drop {
        node.remove(first);
    }
}

/// Add a path to a fieldsV1 tree.
fn fields_insert(node: &mut Map<String, Value>, path: &[String]) {
    let mut cur = node;
    for k in path {
        let child = cur.entry(k.clone()).or_insert_with(|| json!({}));
        if !child.is_object() {
            *child = json!({});
        }
        cur = child.as_object_mut().expect("fieldsV1 nodes are objects");
    }
}

/// Record an Update-operation write by `manager` (`sub`: the subresource written) in `new`'s
/// managedFields, given the object before the write (None for a create).
fn record_update_fields(
    old: Option<&Value>,
    new: &mut Value,
    kind: &str,
    manager: &str,
    sub: Option<&str>,
    api_version: &str,
    time: &str,
) {
    let mut diff = FieldsDiff {
        changed: Vec::new(),
        removed: Vec::new(),
        path: Vec::new(),
    };
    diff.map(
        old.and_then(Value::as_object),
        new.as_object(),
        crate::patch::schema::root_type(kind),
        MapAt::Root,
    );
    if diff.changed.is_empty() && diff.removed.is_empty() {
        return;
    }
    let m = meta_mut(new);
    let mut entries = match m.remove("managedFields") {
        Some(Value::Array(a)) => a,
        _ => Vec::new(),
    };
    let is_mine = |e: &Value| {
        e["manager"] == manager
            && e["operation"] == "Update"
            && e.get("subresource").and_then(Value::as_str) == sub
    };
    let mut mine = None;
    for (i, e) in entries.iter_mut().enumerate() {
        let own = is_mine(e);
        if own {
            mine = Some(i);
        }
        let Some(fv) = e.get_mut("fieldsV1").and_then(Value::as_object_mut) else {
            continue;
        };
        for p in &diff.removed {
            fields_remove(fv, p);
        }
        if !own {
            for p in &diff.changed {
                fields_remove(fv, p);
            }
        }
    }
    if !diff.changed.is_empty() {
        let i = match mine {
            Some(i) => i,
            None => {
                let mut e = json!({
                    "manager": manager,
                    "operation": "Update",
                    "apiVersion": api_version,
                    "time": time,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": {},
                });
                if let Some(s) = sub {
                    e["subresource"] = json!(s);
                }
                entries.push(e);
                entries.len() - 1
            }
        };
        let e = &mut entries[i];
        e["time"] = json!(time);
        e["apiVersion"] = json!(api_version);
        if !e["fieldsV1"].is_object() {
            e["fieldsV1"] = json!({});
        }
        let fv = e["fieldsV1"].as_object_mut().expect("checked above");
        for p in &diff.changed {
            fields_insert(fv, p);
        }
    }
    entries.retain(|e| e["fieldsV1"].as_object().is_some_and(|o| !o.is_empty()));
    if !entries.is_empty() {
        m.insert("managedFields".into(), Value::Array(entries));
    }
}

/// One LIST page as `Cluster::select_page` finds it.
struct Page {
    list_rv: u64,
    /// The stored objects, each with its encoding slot when one was asked for.
    items: Vec<(Arc<Value>, Option<crate::store::ItemJson>)>,
    next_key: Option<ObjKey>,
    remaining: usize,
    /// remainingItemCount is only known without a selector (upstream omits it otherwise).
    count_remaining: bool,
}

impl Page {
    /// The ListMeta: resourceVersion, and continue (+ remainingItemCount) when cut.
    fn metadata(&self) -> Value {
        let mut meta = json!({"resourceVersion": self.list_rv.to_string()});
        if let Some(k) = &self.next_key {
            meta["continue"] = json!(encode_continue(self.list_rv, k));
            if self.count_remaining {
                meta["remainingItemCount"] = json!(self.remaining);
            }
        }
        meta
    }
}

/// A stored object as a list item: its JSON without `kind` and `apiVersion`.
fn encode_list_item(obj: &Value) -> Vec<u8> {
    struct Item<'a>(&'a serde_json::Map<String, Value>);
    impl serde::Serialize for Item<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut m = s.serialize_map(None)?;
            for (k, v) in self.0 {
                if k != "kind" && k != "apiVersion" {
                    m.serialize_entry(k, v)?;
                }
            }
            m.end()
        }
    }
    match obj.as_object() {
        Some(map) => serde_json::to_vec(&Item(map)).unwrap_or_default(),
        None => serde_json::to_vec(obj).unwrap_or_default(),
    }
}

fn encode_continue(rv: u64, key: &ObjKey) -> String {
    use base64::Engine;
    let raw = json!({"v": "meta.k8s.io/v1", "rv": rv, "start": [key.0, key.1]}).to_string();
    base64::engine::general_purpose::URL_SAFE.encode(raw)
}

fn decode_continue(tok: &str) -> Option<(u64, ObjKey)> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::URL_SAFE.decode(tok).ok()?;
    let v: Value = serde_json::from_slice(&raw).ok()?;
    let rv = v["rv"].as_u64()?;
    let ns = v["start"][0].as_str()?.to_string();
    let name = v["start"][1].as_str()?.to_string();
    Some((rv, (ns, name)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{CONFIGMAPS, NAMESPACES, PODS, STATEFULSETS};

    fn cluster() -> Arc<Cluster> {
        let c = Cluster::new(ClusterOptions::default(), Clock::new(1.0));
        c.create(
            &NAMESPACES,
            None,
            json!({"metadata": {"name": "default"}}),
            &WriteOptions::default(),
        )
        .unwrap();
        c
    }

    fn sts(name: &str, replicas: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name},
               "spec": {"replicas": replicas, "serviceName": name,
                        "selector": {"matchLabels": {"app": name}},
                        "template": {"metadata": {"labels": {"app": name}},
                                     "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    fn rv(v: &Value) -> u64 {
        v["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap()
    }

    fn opts(manager: &str) -> WriteOptions {
        WriteOptions {
            field_manager: Some(manager.into()),
            ..Default::default()
        }
    }

    fn entry<'a>(obj: &'a Value, manager: &str, op: &str) -> Option<&'a Value> {
        obj["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["manager"] == manager && e["operation"] == op)
    }

    fn apply(c: &Cluster, body: Value, manager: &str, force: bool) -> Result<Written, ApiError> {
        let o = WriteOptions {
            force,
            ..opts(manager)
        };
        let name = body["metadata"]["name"].as_str().unwrap().to_string();
        let rt = if body["kind"] == "ConfigMap" {
            &CONFIGMAPS
        } else {
            &STATEFULSETS
        };
        c.patch(
            rt,
            Some("default"),
            &name,
            None,
            PatchType::Apply,
            body.to_string().as_bytes(),
            &o,
        )
    }

    #[test]
    fn apply_creates_then_removes_fields_the_manager_stops_applying() {
        let c = cluster();
        let cm = |data: Value| {
            json!({"apiVersion": "v1", "kind": "ConfigMap",
                   "metadata": {"name": "conf", "labels": {"a": "1"}}, "data": data})
        };
        let w = apply(&c, cm(json!({"x": "1", "y": "2"})), "mgr", false).unwrap();
        assert!(w.created);
        let e = entry(&w.object, "mgr", "Apply").unwrap();
        assert_eq!(
            e["fieldsV1"],
            json!({"f:data": {"f:x": {}, "f:y": {}}, "f:metadata": {"f:labels": {"f:a": {}}}})
        );
        assert_eq!(
            w.object["metadata"]["managedFields"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // Another manager's Update of data.z is kept when "mgr" drops y.
        let mut cur = w.object.clone();
        cur["data"]["z"] = json!("3");
        c.update(
            &CONFIGMAPS,
            Some("default"),
            "conf",
            None,
            cur,
            &opts("editor"),
        )
        .unwrap();
        let w2 = apply(&c, cm(json!({"x": "1"})), "mgr", false).unwrap();
        assert_eq!(w2.object["data"], json!({"x": "1", "z": "3"}));
        assert_eq!(
            entry(&w2.object, "mgr", "Apply").unwrap()["fieldsV1"]["f:data"],
            json!({"f:x": {}})
        );
        assert_eq!(
            entry(&w2.object, "editor", "Update").unwrap()["fieldsV1"],
            json!({"f:data": {"f:z": {}}})
        );
        // The same configuration again is a no-op: nothing written.
        let w3 = apply(&c, cm(json!({"x": "1"})), "mgr", false).unwrap();
        assert_eq!(rv(&w3.object), rv(&w2.object));
    }

    #[test]
    fn apply_conflicts_with_an_update_manager_unless_forced() {
        let c = cluster();
        c.create(
            &STATEFULSETS,
            Some("default"),
            sts("web", 3),
            &opts("kubectl-create"),
        )
        .unwrap();
        c.patch(
            &STATEFULSETS,
            Some("default"),
            "web",
            None,
            PatchType::Merge,
            br#"{"spec":{"replicas":2}}"#,
            &opts("kubectl-patch"),
        )
        .unwrap();
        let cur = c.get(&STATEFULSETS, Some("default"), "web").unwrap();
        assert_eq!(
            entry(&cur, "kubectl-patch", "Update").unwrap()["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}})
        );
        let create = entry(&cur, "kubectl-create", "Update").unwrap();
        assert!(create["fieldsV1"]["f:spec"].get("f:replicas").is_none());
        assert_eq!(create["fieldsV1"]["f:spec"]["f:serviceName"], json!({}));
        let cfg = json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                         "metadata": {"name": "web"}, "spec": {"replicas": 4}});
        let e = apply(&c, cfg.clone(), "kubectl", false).unwrap_err();
        assert_eq!(e.code, 409);
        assert_eq!(
            e.message,
            "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: .spec.replicas"
        );
        assert_eq!(
            e.details.unwrap()["causes"],
            json!([{"reason": "FieldManagerConflict",
                    "message": "conflict with \"kubectl-patch\" using apps/v1",
                    "field": ".spec.replicas"}])
        );
        let after = c.get(&STATEFULSETS, Some("default"), "web").unwrap();
        assert_eq!(after["spec"]["replicas"], 2);
        assert_eq!(rv(&after), rv(&cur));
        // Applying the live value is no conflict.
        let mut same = cfg.clone();
        same["spec"]["replicas"] = json!(2);
        apply(&c, same, "other", false).unwrap();
        // force: the value and the ownership move to the applier.
        let w = apply(&c, cfg, "kubectl", true).unwrap();
        assert_eq!(w.object["spec"]["replicas"], 4);
        assert_eq!(w.object["metadata"]["generation"], 3);
        assert!(entry(&w.object, "kubectl-patch", "Update").is_none());
        assert_eq!(
            entry(&w.object, "kubectl", "Apply").unwrap()["fieldsV1"],
            json!({"f:spec": {"f:replicas": {}}})
        );
        // ...and a later Update takes it back from the applier's set.
        c.patch(
            &STATEFULSETS,
            Some("default"),
            "web",
            None,
            PatchType::Merge,
            br#"{"spec":{"replicas":1}}"#,
            &opts("kubectl-patch"),
        )
        .unwrap();
        let e = apply(
            &c,
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
                   "metadata": {"name": "web"}, "spec": {"replicas": 4}}),
            "kubectl",
            false,
        )
        .unwrap_err();
        assert_eq!(e.code, 409);
    }

    #[test]
    fn apply_needs_a_field_manager_and_status_writes_are_their_own_entries() {
        let c = cluster();
        let e = c
            .patch(
                &CONFIGMAPS,
                Some("default"),
                "x",
                None,
                PatchType::Apply,
                br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"}}"#,
                &WriteOptions::default(),
            )
            .unwrap_err();
        assert_eq!(e.code, 422);
        assert_eq!(
            e.message,
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
        );
        let e = c
            .patch(
                &CONFIGMAPS,
                Some("default"),
                "x",
                None,
                PatchType::Apply,
                br#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","managedFields":[]}}"#,
                &opts("m"),
            )
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (400, "metadata.managedFields must be nil")
        );
        let w = c
            .create(
                &STATEFULSETS,
                Some("default"),
                sts("web", 1),
                &opts("maker"),
            )
            .unwrap();
        let mut st = w.object.clone();
        st["status"] = json!({"replicas": 1, "currentReplicas": 1});
        let ctl = WriteOptions {
            user_agent: Some("kube-controller-manager/v1.32.4 (linux/amd64)".into()),
            ..Default::default()
        };
        let w2 = c
            .update(
                &STATEFULSETS,
                Some("default"),
                "web",
                Some("status"),
                st,
                &ctl,
            )
            .unwrap();
        let mf = w2.object["metadata"]["managedFields"].as_array().unwrap();
        let status = mf
            .iter()
            .find(|e| e["subresource"] == "status")
            .expect("status entry");
        assert_eq!(status["manager"], "kube-controller-manager");
        assert_eq!(
            status["fieldsV1"],
            json!({"f:status": {"f:replicas": {}, "f:currentReplicas": {}}})
        );
        let maker = entry(&w2.object, "maker", "Update").unwrap();
        assert!(maker["fieldsV1"].get("f:status").is_none());
        // A list item added by another writer is owned by it, item marker included.
        let mut obj = w2.object.clone();
        obj["spec"]["template"]["spec"]["containers"]
            .as_array_mut()
            .unwrap()
            .push(json!({"name": "side", "image": "busybox"}));
        let w3 = c
            .update(
                &STATEFULSETS,
                Some("default"),
                "web",
                None,
                obj,
                &opts("editor"),
            )
            .unwrap();
        let ed = entry(&w3.object, "editor", "Update").unwrap();
        let item = &ed["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
            ["k:{\"name\":\"side\"}"];
        assert_eq!(item["."], json!({}));
        assert_eq!(item["f:image"], json!({}));
        assert!(
            ed["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
                .get("k:{\"name\":\"c\"}")
                .is_none()
        );
    }

    #[test]
    fn generation_bumps_only_on_spec_changes_and_noops_are_not_written() {
        let c = cluster();
        let o = WriteOptions::default();
        let w = c
            .create(&STATEFULSETS, Some("default"), sts("web", 1), &o)
            .unwrap();
        assert!(w.created);
        assert_eq!(w.object["metadata"]["generation"], 1);
        let rx = c.subscribe();
        let before = *rx.borrow();
        let mut obj = w.object.clone();
        obj["metadata"]["labels"] = json!({"a": "b"});
        let w2 = c
            .update(&STATEFULSETS, Some("default"), "web", None, obj, &o)
            .unwrap();
        assert_eq!(w2.object["metadata"]["generation"], 1);
        assert!(rv(&w2.object) > rv(&w.object));
        assert_ne!(
            *rx.borrow(),
            before,
            "subscribers see every persisted write"
        );
        let mut obj = w2.object.clone();
        obj["spec"]["replicas"] = json!(3);
        let w3 = c
            .update(&STATEFULSETS, Some("default"), "web", None, obj.clone(), &o)
            .unwrap();
        assert_eq!(w3.object["metadata"]["generation"], 2);
        // Same content again (without RV): no write.
        obj["metadata"]
            .as_object_mut()
            .unwrap()
            .remove("resourceVersion");
        let w4 = c
            .update(&STATEFULSETS, Some("default"), "web", None, obj, &o)
            .unwrap();
        assert_eq!(rv(&w4.object), rv(&w3.object));
        assert_eq!(w4.object["metadata"]["generation"], 2);
        // Status writes take only status and never bump generation.
        let mut st = w4.object.clone();
        st["status"] = json!({"replicas": 3});
        st["spec"]["replicas"] = json!(9);
        let w5 = c
            .update(
                &STATEFULSETS,
                Some("default"),
                "web",
                Some("status"),
                st,
                &o,
            )
            .unwrap();
        assert_eq!(w5.object["metadata"]["generation"], 2);
        let mf = w5.object["metadata"]["managedFields"].as_array().unwrap();
        assert!(mf.iter().any(|e| e["subresource"] == "status"));
    }

    #[test]
    fn finalizers_keep_deleted_objects_until_emptied() {
        let c = cluster();
        let o = WriteOptions::default();
        let mut obj = json!({"metadata": {"name": "f", "finalizers": ["example.com/x"]}});
        obj["data"] = json!({});
        c.create(&CONFIGMAPS, Some("default"), obj, &o).unwrap();
        let d = c
            .delete(&CONFIGMAPS, Some("default"), "f", &DeleteOptions::default())
            .unwrap();
        assert!(d["metadata"]["deletionTimestamp"].is_string());
        assert_eq!(d["metadata"]["deletionGracePeriodSeconds"], 0);
        let mut cur = c.get(&CONFIGMAPS, Some("default"), "f").unwrap();
        cur["metadata"]["finalizers"] = json!([]);
        c.update(&CONFIGMAPS, Some("default"), "f", None, cur, &o)
            .unwrap();
        assert_eq!(
            c.get(&CONFIGMAPS, Some("default"), "f").unwrap_err().code,
            404
        );
    }

    #[test]
    fn propagation_policies_add_gc_finalizers() {
        let c = cluster();
        let o = WriteOptions::default();
        c.create(&STATEFULSETS, Some("default"), sts("fg", 1), &o)
            .unwrap();
        c.create(&STATEFULSETS, Some("default"), sts("or", 1), &o)
            .unwrap();
        c.create(&STATEFULSETS, Some("default"), sts("bg", 1), &o)
            .unwrap();
        let fg = DeleteOptions {
            propagation: Some(Propagation::Foreground),
            ..Default::default()
        };
        let d = c.delete(&STATEFULSETS, Some("default"), "fg", &fg).unwrap();
        assert_eq!(d["metadata"]["finalizers"], json!(["foregroundDeletion"]));
        let or = DeleteOptions {
            propagation: Some(Propagation::Orphan),
            ..Default::default()
        };
        let d = c.delete(&STATEFULSETS, Some("default"), "or", &or).unwrap();
        assert_eq!(d["metadata"]["finalizers"], json!(["orphan"]));
        c.delete(
            &STATEFULSETS,
            Some("default"),
            "bg",
            &DeleteOptions::default(),
        )
        .unwrap();
        assert!(c.get(&STATEFULSETS, Some("default"), "bg").is_err());
        assert!(c.get(&STATEFULSETS, Some("default"), "fg").is_ok());
        // Preconditions.
        let pre = DeleteOptions {
            precondition_uid: Some("nope".into()),
            ..Default::default()
        };
        let e = c
            .delete(&STATEFULSETS, Some("default"), "fg", &pre)
            .unwrap_err();
        assert_eq!(e.code, 409);
        assert!(e
            .message
            .contains("Precondition failed: UID in precondition: nope"));
    }

    #[test]
    fn namespaced_create_needs_the_namespace_and_lists_are_scoped() {
        let c = cluster();
        let o = WriteOptions::default();
        let e = c
            .create(
                &CONFIGMAPS,
                Some("prod"),
                json!({"metadata": {"name": "a"}}),
                &o,
            )
            .unwrap_err();
        assert_eq!(e.message, "namespaces \"prod\" not found");
        c.create(&NAMESPACES, None, json!({"metadata": {"name": "prod"}}), &o)
            .unwrap();
        c.create(
            &CONFIGMAPS,
            Some("prod"),
            json!({"metadata": {"name": "a"}}),
            &o,
        )
        .unwrap();
        c.create(
            &CONFIGMAPS,
            Some("default"),
            json!({"metadata": {"name": "b"}}),
            &o,
        )
        .unwrap();
        assert_eq!(c.list_items(&CONFIGMAPS, Some("prod"), None).len(), 1);
        assert_eq!(c.list_items(&CONFIGMAPS, None, None).len(), 2);
        let all = c.list(&CONFIGMAPS, None, &ListOptions::default()).unwrap();
        assert_eq!(
            all["metadata"]["resourceVersion"],
            c.resource_version().to_string()
        );
    }

    #[test]
    fn listing_a_thousand_pods_returns_them_all() {
        let c = cluster();
        let o = WriteOptions::default();
        for i in 0..1000 {
            let pod = json!({"metadata": {"name": format!("p{i}"), "labels": {"app": "x"}},
                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
            c.create(&PODS, Some("default"), pod, &o).unwrap();
        }
        // Its speed (< 50 ms in release) is measured by the benchmarks, not asserted here.
        let l = c
            .list(&PODS, Some("default"), &ListOptions::default())
            .unwrap();
        let items = l["items"].as_array().unwrap();
        assert_eq!(items.len(), 1000);
        assert!(items.iter().all(|p| p["metadata"]["labels"]["app"] == "x"));
    }

    #[test]
    fn list_json_is_the_list_encoded_and_follows_every_write() {
        let c = cluster();
        let o = WriteOptions::default();
        for i in 0..5 {
            let pod = json!({"metadata": {"name": format!("p{i}"), "labels": {"app": if i % 2 == 0 {"a"} else {"b"}}},
                             "spec": {"containers": [{"name": "c", "image": "nginx"}]}});
            c.create(&PODS, Some("default"), pod, &o).unwrap();
        }
        let same = |opts: &ListOptions| {
            let plain = serde_json::to_vec(&c.list(&PODS, Some("default"), opts).unwrap()).unwrap();
            let fast = c.list_json(&PODS, Some("default"), opts).unwrap();
            assert_eq!(
                String::from_utf8(fast).unwrap(),
                String::from_utf8(plain).unwrap()
            );
        };
        let all = ListOptions::default();
        same(&all);
        same(&ListOptions {
            label_selector: Some("app=a".into()),
            ..Default::default()
        });
        let page = ListOptions {
            limit: Some(2),
            ..Default::default()
        };
        same(&page);
        let first = c.list(&PODS, Some("default"), &page).unwrap();
        let tok = first["metadata"]["continue"].as_str().unwrap().to_string();
        same(&ListOptions {
            limit: Some(2),
            continue_token: Some(tok),
            ..Default::default()
        });
        // A change after a LIST encoded the object is seen by the next LIST, as is a delete.
        let mut p1 = c.get(&PODS, Some("default"), "p1").unwrap();
        p1["metadata"]["labels"]["app"] = json!("changed");
        c.update(&PODS, Some("default"), "p1", None, p1, &o)
            .unwrap();
        c.delete(
            &PODS,
            Some("default"),
            "p2",
            &DeleteOptions {
                grace_period_seconds: Some(0),
                ..Default::default()
            },
        )
        .unwrap();
        same(&all);
        let body: Value =
            serde_json::from_slice(&c.list_json(&PODS, Some("default"), &all).unwrap()).unwrap();
        let names: Vec<&str> = body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["metadata"]["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["p0", "p1", "p3", "p4"]);
        assert_eq!(body["items"][1]["metadata"]["labels"]["app"], "changed");
        assert!(body["items"][0].get("kind").is_none());
        // events.k8s.io/v1 items are converted, not served from the core/v1 encoding.
        same_events(&c);
    }

    fn same_events(c: &Cluster) {
        let o = WriteOptions::default();
        let ev = json!({"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "p0"},
                        "reason": "Started", "message": "m", "type": "Normal"});
        c.create(&crate::resources::EVENTS, Some("default"), ev, &o)
            .unwrap();
        let v1 = &crate::resources::EVENTS_V1;
        let plain = serde_json::to_vec(
            &c.list(v1, Some("default"), &ListOptions::default())
                .unwrap(),
        )
        .unwrap();
        let fast = c
            .list_json(v1, Some("default"), &ListOptions::default())
            .unwrap();
        assert_eq!(fast, plain);
        assert!(String::from_utf8(fast).unwrap().contains("\"regarding\""));
    }
}
