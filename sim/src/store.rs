//! In-memory object storage: objects by resource/namespace/name as raw JSON, the global
//! resourceVersion counter, and the recent watch-event history. Owned by the core (`api`).
//!
//! Models etcd as upstream's storage layer sees it (staging/src/k8s.io/apiserver/pkg/storage/
//! etcd3/store.go): one revision counter for every key, and the watch cache's ring buffer of
//! recent events (pkg/storage/cacher/watch_cache.go) used to resume watches.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, OnceLock};

/// An object's JSON encoding as a list item (without `kind`/`apiVersion`), made on the first
/// LIST that returns it and dropped with the stored version it encodes.
pub type ItemJson = Arc<OnceLock<Vec<u8>>>;

/// Key of an object inside one resource's map: (namespace or "", name).
pub type ObjKey = (String, String);

/// One stored change, as the watch cache keeps it.
#[derive(Debug, Clone)]
pub struct HistoryEvent {
    pub rv: u64,
    /// `group_resource()` of the storage resource.
    pub resource: String,
    pub namespace: String,
    /// ADDED, MODIFIED or DELETED.
    pub kind: &'static str,
    pub object: Arc<Value>,
    /// The previous state (MODIFIED/DELETED), for selector transitions like the cacher's.
    pub prev: Option<Arc<Value>>,
}

/// Storage state behind `Cluster`'s lock.
#[derive(Debug, Default)]
pub struct State {
    /// The newest resourceVersion handed out (the "etcd revision").
    pub rv: u64,
    /// Objects by storage resource (`group_resource()`), then (namespace, name).
    pub objects: HashMap<String, BTreeMap<ObjKey, Arc<Value>>>,
    /// Recent events, oldest first.
    pub history: VecDeque<HistoryEvent>,
    /// Per stored object, the slot for its list-item encoding (see `ItemJson`). A LIST of
    /// 1,000 pods then copies bytes instead of cloning and re-serialising 1,000 objects.
    item_json: HashMap<String, HashMap<ObjKey, ItemJson>>,
}

impl State {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn get(&self, resource: &str, ns: &str, name: &str) -> Option<Arc<Value>> {
        self.objects
            .get(resource)?
            .get(&(ns.to_string(), name.to_string()))
            .cloned()
    }

    pub fn bucket(&self, resource: &str) -> Option<&BTreeMap<ObjKey, Arc<Value>>> {
        self.objects.get(resource)
    }

    /// The encoding slot of the stored object at `key` (created empty on first use).
    pub fn item_json(&mut self, resource: &str, key: &ObjKey) -> ItemJson {
        if let Some(slot) = self.item_json.get(resource).and_then(|m| m.get(key)) {
            return slot.clone();
        }
        self.item_json
            .entry(resource.to_string())
            .or_default()
            .entry(key.clone())
            .or_default()
            .clone()
    }

    /// The oldest resourceVersion a watch can resume from (events after it are all kept).
    pub fn oldest_resumable(&self) -> u64 {
        match self.history.front() {
            Some(e) => e.rv.saturating_sub(1),
            None => self.rv,
        }
    }

    /// Record a write: `object` already carries its new resourceVersion `rv`.
    #[allow(clippy::too_many_arguments)]
    pub fn put(
        &mut self,
        resource: &str,
        ns: &str,
        name: &str,
        kind: &'static str,
        object: Arc<Value>,
        rv: u64,
        history_cap: usize,
    ) {
        let key = (ns.to_string(), name.to_string());
        if let Some(m) = self.item_json.get_mut(resource) {
            m.remove(&key);
        }
        let bucket = self.objects.entry(resource.to_string()).or_default();
        let prev = if kind == "DELETED" {
            bucket.remove(&key)
        } else {
            bucket.insert(key, object.clone())
        };
        self.history.push_back(HistoryEvent {
            rv,
            resource: resource.to_string(),
            namespace: ns.to_string(),
            kind,
            object,
            prev,
        });
        while self.history.len() > history_cap.max(1) {
            self.history.pop_front();
        }
    }

    pub fn next_rv(&mut self) -> u64 {
        self.rv += 1;
        self.rv
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn history_is_bounded_and_resumable() {
        let mut s = State::new();
        for i in 0..5 {
            let rv = s.next_rv();
            s.put(
                "pods",
                "default",
                &format!("p{i}"),
                "ADDED",
                Arc::new(json!({})),
                rv,
                3,
            );
        }
        assert_eq!(s.history.len(), 3);
        assert_eq!(s.oldest_resumable(), 2);
        assert!(s.get("pods", "default", "p0").is_some());
        let rv = s.next_rv();
        s.put(
            "pods",
            "default",
            "p0",
            "DELETED",
            Arc::new(json!({})),
            rv,
            3,
        );
        assert!(s.get("pods", "default", "p0").is_none());
        assert!(s.history.back().unwrap().prev.is_some());
    }
}
