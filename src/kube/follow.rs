//! Following a StatefulSet: one stream of the set, its pods (those whose controller is the set,
//! by UID) and optionally the set's events, built on `kube::runtime::watcher`. The watcher
//! lists, then watches from the list's resourceVersion; it lists again on 410 Gone and resumes
//! after a cut connection, with a backoff of 250 ms doubling to 5 s (shorter than client-go's
//! 800 ms to 30 s: a user is watching, and the server's return should show within seconds).
//! Every --wait, `get --watch`, `events -w`, `top --watch`, `logs -f` (for new pods),
//! `list -w` and `pods -w` run on it.

use futures::{Stream, StreamExt};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{Event, Pod};
use kube::runtime::watcher::{self, watcher};
use kube::runtime::WatchStreamExt;
use kube::Api;

use super::Kube;

/// One change of what is followed.
// Short-lived values of a stream: boxing would only add allocations.
#[allow(clippy::large_enum_variant)]
pub enum Update {
    /// The set as listed (a first list or a relist) or changed; `None`: it does not exist.
    Set(Option<StatefulSet>),
    /// The set's pods as listed (a first list or a relist): they replace all known pods.
    Pods(Vec<Pod>),
    /// A pod of the set was added or changed.
    Pod(Pod),
    /// A pod of the set was deleted.
    PodGone(Pod),
    /// The set's events as listed (a first list or a relist).
    Events(Vec<Event>),
    /// An event of the set (added or changed).
    Event(Event),
}

/// A change of the StatefulSets `Kube::follow_statefulsets` follows.
pub enum Change<K> {
    /// All of them as listed (the first list, or a relist after 410).
    Listed(Vec<K>),
    /// One added or changed.
    Applied(K),
    /// One deleted.
    Deleted(K),
}

/// What `Kube::follow_with` follows; each part is one list+watch.
#[derive(Clone, Default)]
pub struct Follow {
    /// The set itself (`fieldSelector=metadata.name=NAME`).
    pub set: bool,
    /// Its pods: by this label selector, kept when the set with this UID controls them.
    pub pods: Option<(String, Option<String>)>,
    /// The set's events (`involvedObject.kind=StatefulSet,involvedObject.name=NAME`).
    pub set_events: bool,
    /// Pods' and claims' events: the namespace's events (a field selector cannot say "name
    /// starts with"), those about a pod or a claim; the caller keeps the set's.
    pub pod_events: bool,
}

/// The watchers' backoff after a failure: 250 ms doubling to 5 s, reset by the next event.
struct Backoff {
    next: std::time::Duration,
}

impl Backoff {
    const FIRST: std::time::Duration = std::time::Duration::from_millis(250);
    const MAX: std::time::Duration = std::time::Duration::from_secs(5);
    fn new() -> Self {
        Backoff { next: Self::FIRST }
    }
}

impl Iterator for Backoff {
    type Item = std::time::Duration;
    fn next(&mut self) -> Option<Self::Item> {
        let d = self.next;
        self.next = (d * 2).min(Self::MAX);
        Some(d)
    }
}

impl kube::runtime::utils::Backoff for Backoff {
    fn reset(&mut self) {
        self.next = Self::FIRST;
    }
}

/// A watch failure the watcher does not recover from by retrying: access refused (401, 403).
/// Other failures (410, cuts, 5xx) are retried with backoff and never reach the caller.
fn fatal(e: &watcher::Error) -> Option<anyhow::Error> {
    let (code, reason, message) = match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => {
            (s.code, s.reason.clone(), s.message.clone())
        }
        watcher::Error::WatchError(s) => (s.code, s.reason.clone(), s.message.clone()),
        _ => return None,
    };
    // An ApiFailure worded as `api_error` words it, so that callers tell a forbidden part
    // (`is_forbidden`) from others.
    let message = match code {
        401 => "the server rejected the credentials (401 Unauthorized)".to_string(),
        403 => format!("forbidden: {message}"),
        _ => return None,
    };
    Some(anyhow::Error::new(super::ApiFailure {
        code,
        reason,
        message,
    }))
}

/// Buffers a watcher's initial list (Init … InitDone) so that a relist replaces what was known
/// at once, and passes later changes through.
fn buffered<K, F, G>(
    stream: impl Stream<Item = watcher::Result<watcher::Event<K>>> + Send + 'static,
    mut listed: F,
    mut changed: G,
) -> impl Stream<Item = anyhow::Result<Update>> + Send + 'static
where
    K: Send + 'static,
    F: FnMut(Vec<K>) -> Option<Update> + Send + 'static,
    G: FnMut(watcher::Event<K>) -> Option<Update> + Send + 'static,
{
    let mut buffer: Vec<K> = Vec::new();
    stream.filter_map(move |ev| {
        let out = match ev {
            Err(e) => fatal(&e).map(Err),
            Ok(watcher::Event::Init) => {
                buffer.clear();
                None
            }
            Ok(watcher::Event::InitApply(o)) => {
                buffer.push(o);
                None
            }
            Ok(watcher::Event::InitDone) => listed(std::mem::take(&mut buffer)).map(Ok),
            Ok(other) => changed(other).map(Ok),
        };
        futures::future::ready(out)
    })
}

/// The set (`uid`) is the pod's controller (metav1.IsControlledBy): a pod that only carries
/// its labels (a bare pod, another owner's) is never counted as one of its pods.
fn controlled_by(p: &Pod, uid: Option<&str>) -> bool {
    uid.is_none_or(|u| crate::manifest::controlled_by(&p.metadata, u))
}

impl Kube {
    /// Follows the StatefulSet `name`: the set (`fieldSelector=metadata.name=NAME`, as
    /// `kubectl rollout status`), its pods by `selector` kept when the set (`uid`) controls
    /// them, and with `events` the set's events. Each stream starts with its list.
    pub fn follow(
        &self,
        name: &str,
        selector: &str,
        uid: Option<String>,
        events: bool,
    ) -> impl Stream<Item = anyhow::Result<Update>> + Send + 'static + use<> {
        self.follow_with(
            name,
            &Follow {
                set: true,
                pods: Some((selector.to_string(), uid)),
                set_events: events,
                pod_events: false,
            },
        )
    }

    /// Follows what `what` names of the StatefulSet `name`, merged into one stream; each part
    /// starts with its list (`Update::Set`, `Update::Pods`, `Update::Events` once per events
    /// part).
    pub fn follow_with(
        &self,
        name: &str,
        what: &Follow,
    ) -> impl Stream<Item = anyhow::Result<Update>> + Send + 'static + use<> {
        let mut all = Vec::new();
        if what.set {
            let sts_api: Api<StatefulSet> = Api::namespaced(self.client.clone(), &self.namespace);
            let set = buffered(
                watcher(
                    sts_api,
                    watcher::Config::default().fields(&format!("metadata.name={name}")),
                )
                .backoff(Backoff::new()),
                |mut list| Some(Update::Set(list.pop())),
                |ev| match ev {
                    watcher::Event::Apply(s) => Some(Update::Set(Some(s))),
                    watcher::Event::Delete(_) => Some(Update::Set(None)),
                    _ => None,
                },
            );
            all.push(set.boxed());
        }
        if let Some((selector, uid)) = &what.pods {
            let pod_api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
            let (uid_a, uid_b) = (uid.clone(), uid.clone());
            let pods = buffered(
                watcher(pod_api, watcher::Config::default().labels(selector))
                    .backoff(Backoff::new()),
                move |list| {
                    Some(Update::Pods(
                        list.into_iter()
                            .filter(|p| controlled_by(p, uid_a.as_deref()))
                            .collect(),
                    ))
                },
                move |ev| match ev {
                    watcher::Event::Apply(p) if controlled_by(&p, uid_b.as_deref()) => {
                        Some(Update::Pod(p))
                    }
                    watcher::Event::Delete(p) if controlled_by(&p, uid_b.as_deref()) => {
                        Some(Update::PodGone(p))
                    }
                    _ => None,
                },
            );
            all.push(pods.boxed());
        }
        if what.set_events {
            let fields = format!("involvedObject.kind=StatefulSet,involvedObject.name={name}");
            all.push(self.follow_events(Some(&fields), |_| true).boxed());
        }
        if what.pod_events {
            // Every pod's and claim's event: which are the set's is the caller's to tell (a
            // claim's owner takes the set and the claims, see observe::event_is_for_pods).
            let keep = |e: &Event| {
                matches!(
                    e.involved_object.kind.as_deref(),
                    Some("Pod" | "PersistentVolumeClaim")
                )
            };
            all.push(self.follow_events(None, keep).boxed());
        }
        futures::stream::select_all(all)
    }

    /// One list+watch of the namespace's events (by `fields`), those that `keep` accepts.
    fn follow_events<F>(
        &self,
        fields: Option<&str>,
        keep: F,
    ) -> impl Stream<Item = anyhow::Result<Update>> + Send + 'static + use<F>
    where
        F: Fn(&Event) -> bool + Clone + Send + 'static,
    {
        let ev_api: Api<Event> = Api::namespaced(self.client.clone(), &self.namespace);
        let mut config = watcher::Config::default();
        if let Some(f) = fields {
            config = config.fields(f);
        }
        let keep_b = keep.clone();
        buffered(
            watcher(ev_api, config).backoff(Backoff::new()),
            move |list| Some(Update::Events(list.into_iter().filter(&keep).collect())),
            move |ev| match ev {
                watcher::Event::Apply(e) if keep_b(&e) => Some(Update::Event(e)),
                _ => None,
            },
        )
    }

    /// Follows the StatefulSets of the namespace (all namespaces with `all`), by label
    /// selector: one list+watch (`list -w`), resumed after a cut or a server restart.
    pub fn follow_statefulsets(
        &self,
        all: bool,
        selector: Option<&str>,
    ) -> impl Stream<Item = anyhow::Result<Change<StatefulSet>>> + Send + 'static + use<> {
        let api: Api<StatefulSet> = if all {
            Api::all(self.client.clone())
        } else {
            Api::namespaced(self.client.clone(), &self.namespace)
        };
        let mut config = watcher::Config::default();
        if let Some(l) = selector {
            config = config.labels(l);
        }
        let mut buffer = Vec::new();
        watcher(api, config)
            .backoff(Backoff::new())
            .filter_map(move |ev| {
                let out = match ev {
                    Err(e) => fatal(&e).map(Err),
                    Ok(watcher::Event::Init) => {
                        buffer.clear();
                        None
                    }
                    Ok(watcher::Event::InitApply(o)) => {
                        buffer.push(o);
                        None
                    }
                    Ok(watcher::Event::InitDone) => {
                        Some(Ok(Change::Listed(std::mem::take(&mut buffer))))
                    }
                    Ok(watcher::Event::Apply(o)) => Some(Ok(Change::Applied(o))),
                    Ok(watcher::Event::Delete(o)) => Some(Ok(Change::Deleted(o))),
                };
                futures::future::ready(out)
            })
    }
}

impl Kube {
    /// Waits until the object `name` of `api` is gone, as `kubectl wait --for=delete`
    /// (staging/src/k8s.io/kubectl/pkg/cmd/wait/delete.go): a watch by
    /// `fieldSelector=metadata.name=NAME` from `rv`, the resourceVersion of the caller's last
    /// read or write of it, until its DELETED event. A watch the server closes is opened again
    /// from the last version seen; after 410 Gone one GET says whether it is still there and
    /// from where to watch. No reads in a loop: the caller bounds the wait with a timeout.
    pub async fn wait_gone<K>(&self, api: &Api<K>, name: &str, rv: &str) -> anyhow::Result<()>
    where
        K: kube::Resource<DynamicType = ()> + Clone + serde::de::DeserializeOwned + std::fmt::Debug,
    {
        let kind = K::kind(&()).to_lowercase();
        use kube::api::{WatchEvent, WatchParams};
        let params = WatchParams::default()
            .fields(&format!("metadata.name={name}"))
            .timeout(290);
        let mut rv = rv.to_string();
        // A cut or an unreachable server is waited out (with backoff; the caller bounds the
        // wait), resuming from the last resourceVersion; after a 410 one GET says whether the
        // object is gone or where to resume; a refusal (403, 404…) is the answer.
        let mut backoff = std::time::Duration::from_millis(250);
        let pause = |backoff: &mut std::time::Duration| {
            let d = *backoff;
            *backoff = (*backoff * 2).min(std::time::Duration::from_secs(5));
            super::sleep(d)
        };
        let refused = |e| super::api_error(e, &kind, Some(name), &self.namespace);
        let mut expired = false;
        loop {
            if expired {
                match api.get_opt(name).await {
                    Ok(None) => return Ok(()),
                    Ok(Some(o)) => {
                        rv = o.meta().resource_version.clone().unwrap_or_default();
                        expired = false;
                    }
                    Err(e @ kube::Error::Api(_)) => return Err(refused(e)),
                    Err(_) => {
                        pause(&mut backoff).await;
                        continue;
                    }
                }
            }
            let mut events = match api.watch(&params, &rv).await {
                Ok(s) => s.boxed(),
                Err(kube::Error::Api(s)) if s.code == 410 => {
                    expired = true;
                    continue;
                }
                Err(e @ kube::Error::Api(_)) => return Err(refused(e)),
                Err(_) => {
                    pause(&mut backoff).await;
                    continue;
                }
            };
            while let Some(ev) = events.next().await {
                // A broken stream: watch again from `rv`.
                let Ok(ev) = ev else { break };
                backoff = std::time::Duration::from_millis(250);
                match ev {
                    WatchEvent::Deleted(_) => return Ok(()),
                    WatchEvent::Added(o) | WatchEvent::Modified(o) => {
                        rv = o.meta().resource_version.clone().unwrap_or(rv);
                    }
                    WatchEvent::Bookmark(b) => rv = b.metadata.resource_version,
                    WatchEvent::Error(s) if s.code == 410 => {
                        expired = true;
                        break;
                    }
                    WatchEvent::Error(s) => anyhow::bail!("{}", s.message),
                }
            }
        }
    }

    /// Follows the namespace's objects of `api` named in `names` (one list+watch, resumed after
    /// a cut; the watcher relists on 410) until `done` holds for every one that exists, or
    /// `timeout` passes. Returns the last state seen of each that exists; an error when the
    /// first list did not come within `timeout`.
    pub async fn watch_named<K, F>(
        &self,
        api: Api<K>,
        names: &[String],
        timeout: std::time::Duration,
        done: F,
    ) -> anyhow::Result<std::collections::BTreeMap<String, K>>
    where
        K: kube::Resource<DynamicType = ()>
            + Clone
            + serde::de::DeserializeOwned
            + std::fmt::Debug
            + Send
            + 'static,
        F: Fn(&K) -> bool,
    {
        use std::collections::BTreeMap;
        let name_of = |o: &K| o.meta().name.clone().unwrap_or_default();
        let mut seen: BTreeMap<String, K> = BTreeMap::new();
        let mut listed = false;
        let mut stream = watcher(api, watcher::Config::default())
            .backoff(Backoff::new())
            .boxed();
        let deadline = tokio::time::Instant::now() + timeout;
        let mut init: BTreeMap<String, K> = BTreeMap::new();
        loop {
            if listed && seen.values().all(&done) {
                return Ok(seen);
            }
            let ev = match tokio::time::timeout_at(deadline, stream.next()).await {
                Err(_) | Ok(None) if listed => return Ok(seen),
                Err(_) | Ok(None) => {
                    anyhow::bail!("no list of the {}s within {timeout:?}", K::kind(&()))
                }
                Ok(Some(ev)) => ev,
            };
            match ev {
                Err(e) => {
                    if let Some(err) = fatal(&e) {
                        return Err(err);
                    }
                }
                Ok(watcher::Event::Init) => init.clear(),
                Ok(watcher::Event::InitApply(o)) => {
                    if names.contains(&name_of(&o)) {
                        init.insert(name_of(&o), o);
                    }
                }
                Ok(watcher::Event::InitDone) => {
                    seen = std::mem::take(&mut init);
                    listed = true;
                }
                Ok(watcher::Event::Apply(o)) => {
                    if names.contains(&name_of(&o)) {
                        seen.insert(name_of(&o), o);
                    }
                }
                Ok(watcher::Event::Delete(o)) => {
                    seen.remove(&name_of(&o));
                }
            }
        }
    }
}
