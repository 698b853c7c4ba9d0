//! Following a StatefulSet: one stream of the set, its pods (those whose controller is the set,
//! by UID) and optionally the set's events, built on `kube::runtime::watcher`. The watcher
//! lists, then watches from the list's resourceVersion; it lists again on 410 Gone and resumes
//! after a cut connection, with kube's default backoff (800 ms doubling to 30 s). Every --wait
//! runs on it.

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

/// A watch failure the watcher does not recover from by retrying: access refused (401, 403).
/// Other failures (410, cuts, 5xx) are retried with backoff and never reach the caller.
fn fatal(e: &watcher::Error) -> Option<anyhow::Error> {
    let status = match e {
        watcher::Error::InitialListFailed(kube::Error::Api(s))
        | watcher::Error::WatchStartFailed(kube::Error::Api(s))
        | watcher::Error::WatchFailed(kube::Error::Api(s)) => s.code,
        watcher::Error::WatchError(s) => s.code,
        _ => return None,
    };
    matches!(status, 401 | 403).then(|| anyhow::anyhow!("{e}"))
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
        let sts_api: Api<StatefulSet> = Api::namespaced(self.client.clone(), &self.namespace);
        let set = buffered(
            watcher(
                sts_api,
                watcher::Config::default().fields(&format!("metadata.name={name}")),
            )
            .default_backoff(),
            |mut list| Some(Update::Set(list.pop())),
            |ev| match ev {
                watcher::Event::Apply(s) => Some(Update::Set(Some(s))),
                watcher::Event::Delete(_) => Some(Update::Set(None)),
                _ => None,
            },
        );
        let pod_api: Api<Pod> = Api::namespaced(self.client.clone(), &self.namespace);
        let (uid_a, uid_b) = (uid.clone(), uid);
        let pods = buffered(
            watcher(pod_api, watcher::Config::default().labels(selector)).default_backoff(),
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
        let mut all = vec![set.boxed(), pods.boxed()];
        if events {
            let ev_api: Api<Event> = Api::namespaced(self.client.clone(), &self.namespace);
            let fields = format!("involvedObject.kind=StatefulSet,involvedObject.name={name}");
            let evs = buffered(
                watcher(ev_api, watcher::Config::default().fields(&fields)).default_backoff(),
                |list| Some(Update::Events(list)),
                |ev| match ev {
                    watcher::Event::Apply(e) => Some(Update::Event(e)),
                    _ => None,
                },
            );
            all.push(evs.boxed());
        }
        futures::stream::select_all(all)
    }
}
