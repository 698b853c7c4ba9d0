//! The HTTP(S) front: routing, content negotiation, Status errors, watch and log streaming,
//! the request log, injected latency and faults.
//!
//! Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/*.go (get.go, create.go,
//! update.go, patch.go, delete.go, watch.go), pkg/endpoints/handlers/negotiation.

mod authz;
mod handler;
pub mod negotiation;
pub mod protobuf;
pub mod wire;

use crate::api::Cluster;
use axum::body::Body;
use hyper::{Request, Response};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// One served request, as kept in the request log (`GET /_sim/requests`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequestRecord {
    pub method: String,
    pub path: String,
    /// The raw query string ("" when absent).
    pub query: String,
    pub content_type: Option<String>,
    pub accept: Option<String>,
    pub user_agent: Option<String>,
    pub status: u16,
    /// Time to the response head, in milliseconds.
    pub latency_ms: f64,
}

impl RequestRecord {
    /// A query parameter's (first) value.
    pub fn param(&self, key: &str) -> Option<String> {
        form_urlencoded::parse(self.query.as_bytes())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }
}

/// What a fault rule does to a matching request.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum FaultAction {
    /// 500 InternalError Status.
    InternalError,
    /// 429 TooManyRequests with `Retry-After: <seconds>`.
    TooManyRequests { retry_after: u64 },
    /// 503 ServiceUnavailable.
    ServiceUnavailable,
    /// Close the connection without a response.
    ResetConnection,
    /// Carry the request out, then close the connection without its response (a write the
    /// server applied whose answer the client never sees).
    ResetAfterApply,
    /// Serve the watch normally but end the stream after `events` events.
    CutWatchAfter { events: usize },
    /// Answer a watch as when its resourceVersion has left the watch cache: one ERROR event
    /// carrying a 410 Expired Status, then the end of the stream (the cacher's
    /// "too old resource version"). Makes a client's relist path testable on demand.
    ExpireWatch,
    /// 403 Forbidden, worded as the authorizer denies this request to the requesting user
    /// (`pods is forbidden: User "kubernetes-admin" cannot list resource "pods" in API group
    /// "" in the namespace "demo"`), without setting up RBAC.
    Forbidden,
}

/// Answer the next `count` requests matching `method` (None = any) and whose path+query
/// contains `path_contains` with `action`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FaultRule {
    #[serde(default)]
    pub method: Option<String>,
    #[serde(default)]
    pub path_contains: String,
    pub action: FaultAction,
    #[serde(default = "one")]
    pub count: usize,
}

fn one() -> usize {
    1
}

impl FaultRule {
    pub fn new(
        method: Option<&str>,
        path_contains: &str,
        action: FaultAction,
        count: usize,
    ) -> Self {
        Self {
            method: method.map(str::to_string),
            path_contains: path_contains.to_string(),
            action,
            count,
        }
    }
}

/// Everything the HTTP layer shares.
pub struct ServerState {
    pub cluster: Arc<Cluster>,
    pub token: String,
    /// `host:port` the server listens on (for /api's serverAddressByClientCIDRs).
    pub address: Mutex<String>,
    pub requests: Mutex<Vec<RequestRecord>>,
    pub faults: Mutex<Vec<FaultRule>>,
    /// Injected latency before every response.
    pub latency: Mutex<Duration>,
    /// Whether a request without `Authorization` is refused. client-go (kubectl) never sends
    /// bearer tokens over plain HTTP, so over HTTP only a WRONG token is refused by default.
    pub require_token: std::sync::atomic::AtomicBool,
    /// Bearer tokens of the users tests add (`KubeSim::add_user`), authorized by RBAC.
    pub users: Mutex<std::collections::HashMap<String, crate::rbac::User>>,
}

impl ServerState {
    pub fn new(cluster: Arc<Cluster>, token: String, latency: Duration) -> Arc<Self> {
        Arc::new(Self {
            cluster,
            token,
            address: Mutex::new(String::new()),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            latency: Mutex::new(latency),
            require_token: std::sync::atomic::AtomicBool::new(true),
            users: Mutex::new(std::collections::HashMap::new()),
        })
    }

    /// Take one use of the first rule matching the request.
    pub(crate) fn take_fault(&self, method: &str, path_query: &str) -> Option<FaultAction> {
        let mut faults = self.faults.lock();
        let i = faults.iter().position(|f| {
            f.count > 0
                && f.method
                    .as_deref()
                    .is_none_or(|m| m.eq_ignore_ascii_case(method))
                && path_query.contains(&f.path_contains)
        })?;
        faults[i].count -= 1;
        let a = faults[i].action.clone();
        if faults[i].count == 0 {
            faults.remove(i);
        }
        Some(a)
    }
}

/// Accept connections on `listener` until the task is dropped (aborted). With `tls`, every
/// connection is a TLS handshake first (tokio-rustls). The connections live in a `JoinSet` the
/// task owns: aborting the task closes the listener and every open connection at once, as an
/// API server that stops does (`KubeSim::pause`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServerState>,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let mut conns = tokio::task::JoinSet::new();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            // Reap finished connections so the set does not grow.
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        let acceptor = acceptor.clone();
        conns.spawn(async move {
            match acceptor {
                Some(a) => {
                    if let Ok(s) = a.accept(stream).await {
                        serve_conn(s, state, peer).await;
                    }
                }
                None => serve_conn(stream, state, peer).await,
            }
        });
    }
}

async fn serve_conn<S>(stream: S, state: Arc<ServerState>, _peer: SocketAddr)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let svc = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
        let state = state.clone();
        async move { handler::handle(state, req).await }
    });
    let builder =
        hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    let _ = builder
        .serve_connection(hyper_util::rt::TokioIo::new(stream), svc)
        .await;
}

/// Response type of the handlers.
pub(crate) type Resp = Response<Body>;
