//! Request dispatch: auth, faults, latency, routing onto `Cluster`'s verbs and the discovery,
//! OpenAPI, printers and logs modules.

use super::negotiation::{self, Convert, Output};
use super::{wire, FaultAction, FaultRule, RequestRecord, Resp, ServerState};
use crate::api::{
    DeleteOptions, FieldValidation, ListOptions, Propagation, WatchOptions, WriteOptions,
};
use crate::errors::ApiError;
use crate::patch::PatchType;
use crate::printers::IncludeObject;
use crate::resources::{self, ResourceType};
use axum::body::Body;
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::BodyExt;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{HeaderMap, Method, Request, Response, StatusCode};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

const JSON: &str = "application/json";

type Query = HashMap<String, String>;

struct Ctx {
    method: Method,
    path: String,
    query: Query,
    headers: HeaderMap,
    watch_cut: Option<usize>,
}

impl Ctx {
    fn q(&self, k: &str) -> Option<&str> {
        self.query.get(k).map(String::as_str)
    }
    fn qbool(&self, k: &str) -> bool {
        matches!(self.q(k), Some("true") | Some("1"))
    }
    fn header(&self, k: &str) -> Option<&str> {
        self.headers.get(k).and_then(|v| v.to_str().ok())
    }
    fn accept(&self) -> &str {
        self.header("accept").unwrap_or("")
    }
    /// The negotiated output of a resource request (406 when nothing in Accept is servable).
    fn output(&self) -> Result<Output, ApiError> {
        negotiation::negotiate(self.accept())
    }
}

pub(crate) async fn handle(
    state: Arc<ServerState>,
    req: Request<hyper::body::Incoming>,
) -> Result<Resp, std::io::Error> {
    let start = Instant::now();
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let raw_query = parts.uri.query().unwrap_or("").to_string();
    let hdr = |k: &str| {
        parts
            .headers
            .get(k)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut record = RequestRecord {
        method: parts.method.to_string(),
        path: path.clone(),
        query: raw_query.clone(),
        content_type: hdr("content-type"),
        accept: hdr("accept"),
        user_agent: hdr("user-agent"),
        status: 0,
        latency_ms: 0.0,
    };
    let latency = *state.latency.lock();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    let path_query = if raw_query.is_empty() {
        path.clone()
    } else {
        format!("{path}?{raw_query}")
    };
    let is_sim = path.starts_with("/_sim/");
    let fault = if is_sim {
        None
    } else {
        state.take_fault(parts.method.as_str(), &path_query)
    };
    let mut watch_cut = None;
    let reset_after = fault == Some(FaultAction::ResetAfterApply);
    let resp: Result<Resp, ApiError> = match fault {
        Some(FaultAction::ResetConnection) => {
            record.status = 0;
            record.latency_ms = start.elapsed().as_secs_f64() * 1000.0;
            state.requests.lock().push(record);
            return Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected connection reset",
            ));
        }
        Some(FaultAction::ResetAfterApply) => Err(ApiError::internal("")),
        Some(FaultAction::InternalError) => Err(ApiError::internal("injected fault")),
        Some(FaultAction::ServiceUnavailable) => Err(ApiError::new(
            503,
            "ServiceUnavailable",
            "the server is currently unable to handle the request",
        )),
        Some(FaultAction::TooManyRequests { retry_after }) => {
            let mut s = ApiError::new(
                429,
                "TooManyRequests",
                "the server has received too many requests and has asked us to try again later",
            )
            .to_status();
            s["details"] = json!({"retryAfterSeconds": retry_after});
            let mut r = json_resp(429, &s);
            r.headers_mut()
                .insert("retry-after", HeaderValue::from(retry_after));
            Ok(r)
        }
        Some(FaultAction::ExpireWatch) => {
            let rv = state.cluster.resource_version();
            let status = ApiError::gone(format!("too old resource version: 1 ({rv})")).to_status();
            Ok(raw_json_resp(200, wire::watch_event("ERROR", &status)))
        }
        Some(FaultAction::CutWatchAfter { events }) => {
            watch_cut = Some(events);
            Err(ApiError::internal(""))
        }
        Some(FaultAction::Forbidden) => {
            let query: Query = form_urlencoded::parse(raw_query.as_bytes())
                .into_owned()
                .collect();
            Err(super::authz::forbidden_fault(
                &state,
                parts.method.as_str(),
                &path,
                &query,
                &parts.headers,
            ))
        }
        None => Err(ApiError::internal("")),
    };
    let resp = match resp {
        Ok(r) => r,
        Err(e) if e.message.is_empty() => {
            let query: Query = form_urlencoded::parse(raw_query.as_bytes())
                .into_owned()
                .collect();
            let ctx = Ctx {
                method: parts.method.clone(),
                path: path.clone(),
                query,
                headers: parts.headers.clone(),
                watch_cut,
            };
            let limit = state.cluster.options().max_body_bytes;
            match read_body(body, limit).await {
                Ok(bytes) => {
                    // A panic in a module (e.g. a contract not yet implemented) becomes a 500.
                    let fut = std::panic::AssertUnwindSafe(route(&state, &ctx, bytes));
                    match futures::FutureExt::catch_unwind(fut).await {
                        Ok(Ok(r)) => r,
                        Ok(Err(e)) => error_resp(&e, ctx.accept()),
                        Err(p) => {
                            let msg = p
                                .downcast_ref::<String>()
                                .cloned()
                                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                                .unwrap_or_else(|| "panic".into());
                            status_resp(&ApiError::internal(format!("internal error: {msg}")))
                        }
                    }
                }
                Err(e) => status_resp(&e),
            }
        }
        Err(e) => status_resp(&e),
    };
    record.status = if reset_after {
        0
    } else {
        resp.status().as_u16()
    };
    record.latency_ms = start.elapsed().as_secs_f64() * 1000.0;
    // The stand-in Prometheus is a service of its own: its requests are logged (tests count
    // them), the test-control endpoints are not.
    if !is_sim || path.starts_with("/_sim/prometheus/") {
        state.requests.lock().push(record);
    }
    if reset_after {
        return Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "injected connection reset after the request was carried out",
        ));
    }
    Ok(resp)
}

async fn read_body(body: hyper::body::Incoming, limit: usize) -> Result<Bytes, ApiError> {
    let limited = http_body_util::Limited::new(body, limit);
    match limited.collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) => {
            if e.is::<http_body_util::LengthLimitError>() {
                Err(ApiError::too_large(format!(
                    "Request entity too large: limit is {limit}"
                )))
            } else {
                Err(ApiError::bad_request(format!(
                    "error reading request body: {e}"
                )))
            }
        }
    }
}

pub(crate) fn json_resp(code: u16, v: &Value) -> Resp {
    raw_json_resp(code, wire::body(v))
}

/// A response whose body is compact JSON already encoded (finished as Go's encoder would).
fn bytes_resp(code: u16, mut body: Vec<u8>) -> Resp {
    wire::finish(&mut body);
    raw_json_resp(code, body)
}

/// A response with exactly these bytes as its JSON body.
fn raw_json_resp(code: u16, body: Vec<u8>) -> Resp {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(code).unwrap_or(StatusCode::OK);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    r
}

/// The Success Status of an immediate deletion (store.go finalizeDelete: details.kind is
/// the resource, "Yes we set Kind field to resource"; no code).
fn deleted_status(rt: &ResourceType, obj: &Value) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {
            "name": obj["metadata"]["name"],
            "group": rt.group,
            "kind": rt.plural,
            "uid": obj["metadata"]["uid"],
        },
    })
}

fn status_resp(e: &ApiError) -> Resp {
    json_resp(e.code, &e.to_status())
}

/// An error Status for a request with this Accept: negotiated (compact JSON) when a plain
/// media type is acceptable, else as responsewriters.ErrorNegotiated falls back to
/// WriteRawJSON (indented, no newline).
fn error_resp(e: &ApiError, accept: &str) -> Resp {
    let mut r = if negotiation::error_negotiable(accept) {
        status_resp(e)
    } else {
        raw_json_resp(e.code, wire::indented(&e.to_status()))
    };
    // responsewriters.ErrorNegotiated: a Status asking to retry later says so in Retry-After.
    if let Some(secs) = e
        .details
        .as_ref()
        .and_then(|d| d["retryAfterSeconds"].as_i64())
        .filter(|s| *s > 0)
    {
        r.headers_mut()
            .insert("retry-after", HeaderValue::from(secs));
    }
    r
}

fn not_allowed() -> ApiError {
    ApiError::method_not_allowed("the server does not allow this method on the requested resource")
}

async fn route(state: &Arc<ServerState>, ctx: &Ctx, body: Bytes) -> Result<Resp, ApiError> {
    let path = ctx.path.trim_end_matches('/');
    if let Some(rest) = path.strip_prefix("/_sim/") {
        return sim_route(state, ctx, rest, &body);
    }
    // Anonymous access is allowed to the health and version endpoints
    // (system:public-info-viewer), everything else is authenticated and authorized (RBAC);
    // the self reviews are answered there.
    let public = matches!(path, "/version" | "/healthz" | "/readyz" | "/livez");
    if !public {
        let method = ctx.method.as_str();
        if let Some(r) = super::authz::check(state, method, path, &ctx.query, &ctx.headers, &body)?
        {
            return Ok(r);
        }
    }
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let get_only = |v: Value| -> Result<Resp, ApiError> {
        if ctx.method != Method::GET {
            return Err(not_allowed());
        }
        Ok(json_resp(200, &v))
    };
    match segs.as_slice() {
        ["healthz"] | ["readyz"] | ["livez"] => {
            let mut r = Response::new(Body::from("ok"));
            r.headers_mut()
                .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
            Ok(r)
        }
        ["version"] => {
            // version.go: responsewriters.WriteRawJSON (indented, version.Info's order).
            if ctx.method != Method::GET {
                return Err(not_allowed());
            }
            Ok(raw_json_resp(
                200,
                wire::version(&crate::discovery::version()),
            ))
        }
        ["api"] => match aggregated_version(ctx.accept()) {
            Some(v) => discovery_aggregated(ctx, true, v),
            None => get_only(crate::discovery::api_versions(&state.address.lock())),
        },
        ["apis"] => match aggregated_version(ctx.accept()) {
            Some(v) => discovery_aggregated(ctx, false, v),
            None => get_only(crate::discovery::api_group_list()),
        },
        ["api", "v1"] => {
            get_only(crate::discovery::resource_list("", "v1").ok_or_else(ApiError::no_route)?)
        }
        ["apis", g] => get_only(crate::discovery::api_group(g).ok_or_else(ApiError::no_route)?),
        ["apis", g, v] => {
            get_only(crate::discovery::resource_list(g, v).ok_or_else(ApiError::no_route)?)
        }
        ["openapi", "v2"] => openapi_v2(ctx),
        ["openapi", "v3"] => get_only(crate::openapi::index()),
        ["openapi", "v3", rest @ ..] => {
            get_only(crate::openapi::document(&rest.join("/")).ok_or_else(ApiError::no_route)?)
        }
        ["api", "v1", rest @ ..] => resource_route(state, ctx, "", "v1", rest, body).await,
        ["apis", g, v, rest @ ..] => resource_route(state, ctx, g, v, rest, body).await,
        _ => Err(ApiError::no_route()),
    }
}

/// GET /openapi/v2 (kube-openapi handler.go): JSON or protobuf by Accept, Etag and
/// `Vary: Accept`, 304 for a matching If-None-Match, a bare 406 when nothing matches.
fn openapi_v2(ctx: &Ctx) -> Result<Resp, ApiError> {
    if ctx.method != Method::GET {
        return Err(not_allowed());
    }
    let mut r = match crate::openapi_v2::negotiate(ctx.accept()) {
        None => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_ACCEPTABLE;
            r
        }
        Some((ct, body, etag)) => {
            let quoted = format!("{etag:?}");
            let mut r = if ctx.header("if-none-match") == Some(quoted.as_str()) {
                let mut r = Response::new(Body::empty());
                *r.status_mut() = StatusCode::NOT_MODIFIED;
                r
            } else {
                let mut r = Response::new(Body::from(body));
                r.headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static(ct));
                r
            };
            if let Ok(v) = HeaderValue::from_str(&quoted) {
                r.headers_mut().insert("etag", v);
            }
            r
        }
    };
    r.headers_mut()
        .insert("vary", HeaderValue::from_static("Accept"));
    Ok(r)
}

/// The aggregated discovery version asked for in Accept, if any.
fn aggregated_version(accept: &str) -> Option<&'static str> {
    let mut found = None;
    for part in accept.split(',') {
        if part.contains("as=APIGroupDiscoveryList") && part.contains("g=apidiscovery.k8s.io") {
            if part.contains("v=v2beta1") {
                found = found.or(Some("v2beta1"));
            } else if part.contains("v=v2") {
                return Some("v2");
            }
        }
    }
    found
}

fn discovery_aggregated(ctx: &Ctx, core: bool, v: &str) -> Result<Resp, ApiError> {
    if ctx.method != Method::GET {
        return Err(not_allowed());
    }
    let mut r = json_resp(200, &crate::discovery::aggregated(core, v));
    let ct = format!("application/json;g=apidiscovery.k8s.io;v={v};as=APIGroupDiscoveryList");
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_str(&ct).expect("header"));
    Ok(r)
}

/// A resource path below the group-version prefix.
struct Target {
    rt: &'static ResourceType,
    ns: Option<String>,
    name: Option<String>,
    sub: Option<String>,
}

fn parse_target(group: &str, version: &str, segs: &[&str]) -> Option<Target> {
    let find = |plural: &str| resources::lookup(group, version, plural);
    let ns_sub = segs.len() == 3 && matches!(segs[2], "status" | "finalize");
    match segs {
        ["namespaces", ns, plural, rest @ ..] if !ns_sub => {
            let rt = find(plural)?;
            if !rt.namespaced {
                return None;
            }
            let (name, sub) = match rest {
                [] => (None, None),
                [n] => (Some(n.to_string()), None),
                [n, s] => (Some(n.to_string()), Some(s.to_string())),
                _ => return None,
            };
            if sub.as_deref().is_some_and(|s| !rt.has_subresource(s)) {
                return None;
            }
            Some(Target {
                rt,
                ns: Some(ns.to_string()),
                name,
                sub,
            })
        }
        [plural, rest @ ..] => {
            let rt = find(plural)?;
            let (name, sub) = match rest {
                [] => (None, None),
                [n] if !rt.namespaced => (Some(n.to_string()), None),
                [n, s] if !rt.namespaced => (Some(n.to_string()), Some(s.to_string())),
                _ => return None,
            };
            if sub.as_deref().is_some_and(|s| !rt.has_subresource(s)) {
                return None;
            }
            Some(Target {
                rt,
                ns: None,
                name,
                sub,
            })
        }
        _ => None,
    }
}

async fn resource_route(
    state: &Arc<ServerState>,
    ctx: &Ctx,
    group: &str,
    version: &str,
    segs: &[&str],
    body: Bytes,
) -> Result<Resp, ApiError> {
    let t = parse_target(group, version, segs).ok_or_else(ApiError::no_route)?;
    let cluster = &state.cluster;
    let rt = t.rt;
    let ns = t.ns.as_deref();
    let verbs_ok = |verb: &str| rt.verbs.contains(&verb);
    // Every handler negotiates its output first (get.go, create.go, update.go, patch.go,
    // delete.go: NegotiateOutputMediaType before the storage is touched); pods/log writes
    // text and has its own rules.
    let output = if t.sub.as_deref() == Some("log") {
        Output {
            media_type: "text/plain",
            convert: None,
        }
    } else {
        ctx.output()?
    };
    match (&t.name, &t.sub) {
        (None, _) => match ctx.method {
            Method::GET if ctx.qbool("watch") => {
                if !verbs_ok("watch") {
                    return Err(not_allowed());
                }
                watch(state, ctx, rt, ns)
            }
            Method::GET if output.convert.is_some() => {
                let list = cluster.list(rt, ns, &list_options(ctx))?;
                respond_object(state, ctx, rt, list, 200, &[], true)
            }
            Method::GET => {
                let body = cluster.list_json(rt, ns, &list_options(ctx))?;
                Ok(with_media_type(bytes_resp(200, body), output))
            }
            Method::POST if verbs_ok("create") => {
                let obj = decode_body(ctx, &body)?;
                let opts = write_options(ctx, "create")?;
                let w = cluster.create(rt, ns, obj, &opts)?;
                respond_object(state, ctx, rt, w.object, 201, &w.warnings, false)
            }
            Method::DELETE if verbs_ok("deletecollection") => {
                let opts = delete_options(ctx, &body)?;
                let l = cluster.delete_collection(rt, ns, &list_options(ctx), &opts)?;
                respond_object(state, ctx, rt, l, 200, &[], true)
            }
            _ => Err(not_allowed()),
        },
        (Some(name), None) => match ctx.method {
            Method::GET => {
                let obj = cluster.get(rt, ns, name)?;
                respond_object(state, ctx, rt, obj, 200, &[], false)
            }
            Method::PUT if verbs_ok("update") => {
                let obj = decode_body(ctx, &body)?;
                let opts = write_options(ctx, "update")?;
                let w = cluster.update(rt, ns, name, None, obj, &opts)?;
                let code = if w.created { 201 } else { 200 };
                respond_object(state, ctx, rt, w.object, code, &w.warnings, false)
            }
            Method::PATCH if verbs_ok("patch") => {
                let ptype = patch_type(ctx)?;
                let opts = write_options(ctx, "patch")?;
                let w = cluster.patch(rt, ns, name, None, ptype, &body, &opts)?;
                let code = if w.created { 201 } else { 200 };
                respond_object(state, ctx, rt, w.object, code, &w.warnings, false)
            }
            Method::DELETE if verbs_ok("delete") => {
                let opts = delete_options(ctx, &body)?;
                let obj = cluster.delete(rt, ns, name, &opts)?;
                // store.go Delete: an object that lingers (graceful deletion, finalizers) is
                // answered as updated; one removed at once goes through finalizeDelete, which
                // answers with the object only for ReturnDeletedObject stores, else a Status.
                let lingering = !obj["metadata"]["deletionTimestamp"].is_null()
                    && (opts.dry_run || cluster.get(rt, ns, name).is_ok());
                // delete.go: 202 Accepted only when not removed at once and the deprecated
                // orphanDependents=false was given; 200 otherwise.
                let code = if lingering && opts.orphan_dependents == Some(false) {
                    202
                } else {
                    200
                };
                if lingering || rt.returns_deleted_object() {
                    respond_object(state, ctx, rt, obj, code, &[], false)
                } else {
                    respond_object(state, ctx, rt, deleted_status(rt, &obj), code, &[], false)
                }
            }
            _ => Err(not_allowed()),
        },
        (Some(name), Some(sub)) => subresource(state, ctx, rt, ns, name, sub, body).await,
    }
}

async fn subresource(
    state: &Arc<ServerState>,
    ctx: &Ctx,
    rt: &'static ResourceType,
    ns: Option<&str>,
    name: &str,
    sub: &str,
    body: Bytes,
) -> Result<Resp, ApiError> {
    let cluster = &state.cluster;
    match (sub, &ctx.method) {
        ("log", &Method::GET) => pod_log(state, ctx, ns.unwrap_or("default"), name),
        ("status", &Method::GET) => {
            let obj = cluster.get(rt, ns, name)?;
            Ok(json_resp(200, &obj))
        }
        ("scale", &Method::GET) => {
            let obj = cluster.get(rt, ns, name)?;
            Ok(json_resp(200, &crate::registry::scale_of(rt, &obj)?))
        }
        ("status" | "scale" | "finalize", &Method::PUT) => {
            let obj = decode_body(ctx, &body)?;
            let opts = write_options(ctx, "update")?;
            let w = cluster.update(rt, ns, name, Some(sub), obj, &opts)?;
            let mut r = json_resp(200, &w.object);
            add_warnings(&mut r, &w.warnings);
            Ok(r)
        }
        ("status" | "scale", &Method::PATCH) => {
            let ptype = patch_type(ctx)?;
            let opts = write_options(ctx, "patch")?;
            let w = cluster.patch(rt, ns, name, Some(sub), ptype, &body, &opts)?;
            let mut r = json_resp(200, &w.object);
            add_warnings(&mut r, &w.warnings);
            Ok(r)
        }
        ("eviction", &Method::POST) => {
            // pkg/registry/core/pod/storage/eviction.go: the budget check and the delete
            // (controller::disruption::evict).
            let ev = decode_body(ctx, &body)?;
            let mut opts = DeleteOptions::default();
            let dopts = &ev["deleteOptions"];
            if let Some(g) = dopts["gracePeriodSeconds"].as_i64() {
                opts.grace_period_seconds = Some(g);
            }
            if let Some(u) = dopts["preconditions"]["uid"].as_str() {
                opts.precondition_uid = Some(u.to_string());
            }
            if let Some(rv) = dopts["preconditions"]["resourceVersion"].as_str() {
                opts.precondition_resource_version = Some(rv.to_string());
            }
            // propagateDryRun: the body's dryRun, else the query's.
            opts.dry_run = match dopts["dryRun"].as_array() {
                Some(d) if !d.is_empty() => d.iter().any(|x| x == "All"),
                _ => dry_run(ctx)?,
            };
            let ns = ns.unwrap_or("default");
            match crate::controller::disruption::evict(cluster, ns, name, &ev, opts)? {
                Some(failure) => Ok(json_resp(500, &failure)),
                None => Ok(json_resp(
                    201,
                    &json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}),
                )),
            }
        }
        ("binding", &Method::POST) => {
            let b = decode_body(ctx, &body)?;
            let node = b["target"]["name"].as_str().unwrap_or_default().to_string();
            let mut pod = cluster.get(rt, ns, name)?;
            if pod["spec"]["nodeName"]
                .as_str()
                .is_some_and(|n| !n.is_empty())
            {
                return Err(ApiError::new(
                    409,
                    "Conflict",
                    format!("Operation cannot be fulfilled on pods/binding {name:?}: pod {name} is already assigned to node {:?}", pod["spec"]["nodeName"].as_str().unwrap_or_default()),
                ));
            }
            pod["spec"]["nodeName"] = json!(node);
            let opts = write_options(ctx, "create")?;
            cluster.update(rt, ns, name, None, pod, &opts)?;
            Ok(json_resp(
                201,
                &json!({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}),
            ))
        }
        _ => Err(not_allowed()),
    }
}

fn pod_log(state: &Arc<ServerState>, ctx: &Ctx, ns: &str, name: &str) -> Result<Resp, ApiError> {
    let int = |k: &str| -> Result<Option<i64>, ApiError> {
        match ctx.q(k) {
            None | Some("") => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid {k}: {v:?}"))),
        }
    };
    let opts = crate::controller::logs::LogOptions {
        container: ctx.q("container").map(str::to_string),
        follow: ctx.qbool("follow"),
        previous: ctx.qbool("previous"),
        since_seconds: int("sinceSeconds")?,
        since_time: ctx.q("sinceTime").map(str::to_string),
        timestamps: ctx.qbool("timestamps"),
        tail_lines: int("tailLines")?,
        limit_bytes: int("limitBytes")?,
    };
    let rx = crate::controller::logs::stream(state.cluster.clone(), ns, name, opts)?;
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(Ok::<_, std::io::Error>);
    // A CutWatchAfter fault also cuts a log stream after that many chunks (test hook).
    let body = match ctx.watch_cut {
        Some(n) => Body::from_stream(stream.take(n)),
        None => Body::from_stream(stream),
    };
    let mut r = Response::new(body);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("text/plain"));
    Ok(r)
}

fn include_object(ctx: &Ctx) -> IncludeObject {
    match ctx.q("includeObject") {
        Some("None") => IncludeObject::None,
        Some("Object") => IncludeObject::Object,
        _ => IncludeObject::Metadata,
    }
}

/// Serialize an object or list as negotiated: as is, as a Table, or metadata only
/// (response.go transformResponseObject; a Status is never converted).
fn respond_object(
    state: &Arc<ServerState>,
    ctx: &Ctx,
    rt: &'static ResourceType,
    obj: Value,
    code: u16,
    warnings: &[String],
    is_list: bool,
) -> Result<Resp, ApiError> {
    let output = ctx.output()?;
    let is_status = obj["kind"] == "Status";
    let out = match output.convert {
        Some(Convert::Table(version)) if !is_status => {
            let now = state.cluster.clock().now();
            let mut table = if is_list {
                let mut items: Vec<Value> = obj["items"].as_array().cloned().unwrap_or_default();
                for it in &mut items {
                    it["kind"] = json!(rt.kind);
                    it["apiVersion"] = json!(rt.api_version());
                }
                crate::printers::table(
                    rt,
                    &items,
                    now,
                    obj["metadata"].clone(),
                    include_object(ctx),
                )
            } else {
                let meta = json!({"resourceVersion": obj["metadata"]["resourceVersion"]});
                crate::printers::table(rt, &[obj], now, meta, include_object(ctx))
            };
            if version != "v1" {
                table_version(&mut table, version);
            }
            table
        }
        Some(convert) => negotiation::to_metadata(convert, rt.group, rt.kind, is_list, obj)?,
        None => obj,
    };
    let mut r = with_media_type(json_resp(code, &out), output);
    add_warnings(&mut r, warnings);
    Ok(r)
}

/// A Table asked for as meta.k8s.io/v1beta1 (the same shape in that version).
fn table_version(table: &mut Value, version: &str) {
    let api_version = json!(format!("meta.k8s.io/{version}"));
    table["apiVersion"] = api_version.clone();
    if let Some(rows) = table["rows"].as_array_mut() {
        for row in rows {
            if row["object"]["kind"] == "PartialObjectMetadata" {
                row["object"]["apiVersion"] = api_version.clone();
            }
        }
    }
}

/// The Content-Type of the negotiated media type (YAML answers carry the JSON text, which is
/// YAML too).
fn with_media_type(mut r: Resp, output: Output) -> Resp {
    if output.media_type == "application/yaml" {
        r.headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/yaml"));
    }
    r
}

fn add_warnings(r: &mut Resp, warnings: &[String]) {
    for w in warnings {
        // RFC 7234 warn-code 299, agent "-", quoted text (pkg/endpoints/handlers/responsewriters).
        let v = format!("299 - {:?}", w);
        if let Ok(h) = HeaderValue::from_str(&v) {
            r.headers_mut().append("warning", h);
        }
    }
}

fn watch(
    state: &Arc<ServerState>,
    ctx: &Ctx,
    rt: &'static ResourceType,
    ns: Option<&str>,
) -> Result<Resp, ApiError> {
    let opts = WatchOptions {
        label_selector: ctx.q("labelSelector").map(str::to_string),
        field_selector: ctx.q("fieldSelector").map(str::to_string),
        resource_version: ctx.q("resourceVersion").map(str::to_string),
        allow_watch_bookmarks: ctx.qbool("allowWatchBookmarks"),
        send_initial_events: ctx.qbool("sendInitialEvents"),
        timeout_seconds: ctx.q("timeoutSeconds").and_then(|s| s.parse().ok()),
    };
    // serveWatchHandler: the stream serializer is negotiated before the watch starts.
    let output = negotiation::negotiate_watch(ctx.accept())?;
    let rx = state.cluster.watch(rt, ns, &opts)?;
    let include = include_object(ctx);
    let clock = state.cluster.clock().clone();
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx).map(move |ev| {
        let convertible = ev.object["kind"] != "Status";
        let object = match output.convert {
            Some(Convert::Table(version))
                if matches!(ev.kind, "ADDED" | "MODIFIED" | "DELETED") =>
            {
                let meta = json!({"resourceVersion": ev.object["metadata"]["resourceVersion"]});
                let mut t = crate::printers::table(rt, &[ev.object], clock.now(), meta, include);
                if version != "v1" {
                    table_version(&mut t, version);
                }
                t
            }
            // watchEmbeddedEncoder: each event's object is converted on its own; a conversion
            // that fails (PartialObjectMetadataList of one object) is logged upstream and the
            // object sent unconverted.
            Some(convert @ Convert::Partial(_)) if convertible => {
                negotiation::to_metadata(convert, rt.group, rt.kind, false, ev.object)
                    .unwrap_or_default()
            }
            _ => ev.object,
        };
        Ok::<_, std::io::Error>(Bytes::from(wire::watch_event(ev.kind, &object)))
    });
    let body = match ctx.watch_cut {
        Some(n) => Body::from_stream(stream.take(n)),
        None => Body::from_stream(stream),
    };
    let mut r = Response::new(body);
    r.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(JSON));
    Ok(r)
}

fn list_options(ctx: &Ctx) -> ListOptions {
    ListOptions {
        label_selector: ctx.q("labelSelector").map(str::to_string),
        field_selector: ctx.q("fieldSelector").map(str::to_string),
        limit: ctx.q("limit").and_then(|s| s.parse().ok()),
        continue_token: ctx.q("continue").map(str::to_string),
        resource_version: ctx.q("resourceVersion").map(str::to_string),
        resource_version_match: ctx.q("resourceVersionMatch").map(str::to_string),
    }
}

fn dry_run(ctx: &Ctx) -> Result<bool, ApiError> {
    match ctx.q("dryRun") {
        None | Some("") => Ok(false),
        Some("All") => Ok(true),
        Some(other) => Err(ApiError::bad_request(format!(
            "dryRun[0]: Unsupported value: {other:?}: supported values: \"All\""
        ))),
    }
}

fn write_options(ctx: &Ctx, _verb: &str) -> Result<WriteOptions, ApiError> {
    let field_validation = match ctx.q("fieldValidation") {
        None | Some("") | Some("Warn") => FieldValidation::Warn,
        Some("Strict") => FieldValidation::Strict,
        Some("Ignore") => FieldValidation::Ignore,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "fieldValidation parameter unsupported: {other}"
            )))
        }
    };
    Ok(WriteOptions {
        dry_run: dry_run(ctx)?,
        field_manager: ctx.q("fieldManager").map(str::to_string),
        field_validation,
        user_agent: ctx.header("user-agent").map(str::to_string),
        force: ctx.qbool("force"),
    })
}

fn patch_type(ctx: &Ctx) -> Result<PatchType, ApiError> {
    let ct = ctx.header("content-type").unwrap_or("");
    PatchType::from_content_type(ct).ok_or_else(|| {
        ApiError::unsupported_media_type(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json",
        )
    })
}

/// Decode a create/update body (JSON, or YAML by Content-Type; missing CT = JSON).
fn decode_body(ctx: &Ctx, body: &[u8]) -> Result<Value, ApiError> {
    let ct = ctx
        .header("content-type")
        .unwrap_or(JSON)
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let v: Value = match ct.as_str() {
        "" | "application/json" | "*/*" => serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!(
                "couldn't get version/kind; json parse error: {e}"
            ))
        })?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => crate::yaml::from_slice(body)
            .map_err(|e| {
                ApiError::bad_request(format!("couldn't get version/kind; yaml parse error: {e}"))
            })?,
        "application/vnd.kubernetes.protobuf" => super::protobuf::decode(body)
            .map_err(|e| ApiError::bad_request(format!("couldn't decode protobuf body: {e}")))?,
        _ => {
            return Err(ApiError::unsupported_media_type(
                "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor",
            ))
        }
    };
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "Object 'Kind' is missing in the request body",
        ));
    }
    Ok(v)
}

fn delete_options(ctx: &Ctx, body: &[u8]) -> Result<DeleteOptions, ApiError> {
    let mut o = DeleteOptions {
        dry_run: dry_run(ctx)?,
        ..Default::default()
    };
    let b: Value = if body.iter().all(|c| c.is_ascii_whitespace()) {
        json!({})
    } else {
        serde_json::from_slice(body)
            .or_else(|_| crate::yaml::from_slice(body).map_err(|e| e.to_string()))
            .map_err(|e| ApiError::bad_request(format!("error decoding DeleteOptions: {e}")))?
    };
    let parse_prop = |s: &str| -> Result<Propagation, ApiError> {
        match s {
            "Background" => Ok(Propagation::Background),
            "Foreground" => Ok(Propagation::Foreground),
            "Orphan" => Ok(Propagation::Orphan),
            other => Err(ApiError::new(
                422,
                "Invalid",
                format!("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: {other:?}: supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\""),
            )),
        }
    };
    if let Some(p) = b["propagationPolicy"]
        .as_str()
        .or(ctx.q("propagationPolicy"))
    {
        o.propagation = Some(parse_prop(p)?);
    }
    o.orphan_dependents = b["orphanDependents"]
        .as_bool()
        .or(ctx.q("orphanDependents").map(|s| s == "true"));
    if let (None, Some(orphan)) = (o.propagation, o.orphan_dependents) {
        o.propagation = Some(if orphan {
            Propagation::Orphan
        } else {
            Propagation::Background
        });
    }
    o.grace_period_seconds = b["gracePeriodSeconds"]
        .as_i64()
        .or(ctx.q("gracePeriodSeconds").and_then(|s| s.parse().ok()));
    o.precondition_uid = b["preconditions"]["uid"].as_str().map(str::to_string);
    o.precondition_resource_version = b["preconditions"]["resourceVersion"]
        .as_str()
        .map(str::to_string);
    if b["dryRun"]
        .as_array()
        .is_some_and(|a| a.iter().any(|x| x == "All"))
    {
        o.dry_run = true;
    }
    Ok(o)
}

/// `/_sim/...`: the test-control endpoints (request log, faults, clock).
fn sim_route(
    state: &Arc<ServerState>,
    ctx: &Ctx,
    rest: &str,
    body: &[u8],
) -> Result<Resp, ApiError> {
    let parse = || -> Result<Value, ApiError> {
        if body.is_empty() {
            return Ok(json!({}));
        }
        serde_json::from_slice(body).map_err(|e| ApiError::bad_request(e.to_string()))
    };
    if let Some(endpoint) = rest.strip_prefix("prometheus/") {
        // No bearer token: Prometheus is a separate service (see crate::prometheus).
        let mut params = ctx.query.clone();
        match ctx.method {
            Method::GET => {}
            Method::POST => params.extend(form_urlencoded::parse(body).into_owned()),
            _ => {
                return Ok(json_resp(
                    405,
                    &json!({"status": "error", "errorType": "bad_data", "error": "method not allowed"}),
                ))
            }
        }
        let pods = state.cluster.list_items(&resources::PODS, None, None);
        let now = state.cluster.clock().now();
        return Ok(
            match crate::prometheus::answer(endpoint, &params, &pods, now) {
                Some((code, v)) => json_resp(code, &v),
                None => {
                    let mut r = Response::new(Body::from("404 page not found\n"));
                    *r.status_mut() = StatusCode::NOT_FOUND;
                    r.headers_mut().insert(
                        CONTENT_TYPE,
                        HeaderValue::from_static("text/plain; charset=utf-8"),
                    );
                    r
                }
            },
        );
    }
    match (rest, &ctx.method) {
        ("requests", &Method::GET) => {
            let r = state.requests.lock().clone();
            Ok(json_resp(200, &serde_json::to_value(r).unwrap_or_default()))
        }
        ("requests", &Method::DELETE) => {
            state.requests.lock().clear();
            Ok(json_resp(200, &json!({})))
        }
        ("faults", &Method::GET) => {
            let f = state.faults.lock().clone();
            Ok(json_resp(200, &serde_json::to_value(f).unwrap_or_default()))
        }
        ("faults", &Method::POST) => {
            let rule: FaultRule = serde_json::from_value(parse()?)
                .map_err(|e| ApiError::bad_request(e.to_string()))?;
            state.faults.lock().push(rule);
            Ok(json_resp(201, &json!({})))
        }
        ("users", &Method::POST) => {
            // {"name": "jane", "groups": ["dev"]} -> {"token": "..."} (KubeSim::add_user)
            let v = parse()?;
            let name = v["name"]
                .as_str()
                .filter(|n| !n.is_empty())
                .ok_or_else(|| ApiError::bad_request("name is required"))?;
            let groups: Vec<&str> = v["groups"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let token = format!("{:x}", uuid::Uuid::new_v4().as_u128());
            state
                .users
                .lock()
                .insert(token.clone(), crate::rbac::User::with_groups(name, &groups));
            Ok(json_resp(201, &json!({"token": token})))
        }
        ("faults", &Method::DELETE) => {
            state.faults.lock().clear();
            Ok(json_resp(200, &json!({})))
        }
        ("clock", &Method::GET) => Ok(json_resp(
            200,
            &json!({"now": state.cluster.clock().timestamp(), "speed": state.cluster.clock().speed()}),
        )),
        ("clock", &Method::POST) => {
            let v = parse()?;
            let clock = state.cluster.clock();
            if let Some(s) = v["advance_seconds"]
                .as_f64()
                .or(v["advanceSeconds"].as_f64())
            {
                clock.advance(std::time::Duration::from_secs_f64(s.max(0.0)));
            }
            if let Some(s) = v["speed"].as_f64() {
                clock.set_speed(s);
            }
            Ok(json_resp(
                200,
                &json!({"now": clock.timestamp(), "speed": clock.speed()}),
            ))
        }
        ("latency", &Method::POST) => {
            let v = parse()?;
            let ms = v["ms"].as_u64().unwrap_or(0);
            *state.latency.lock() = std::time::Duration::from_millis(ms);
            Ok(json_resp(200, &json!({"ms": ms})))
        }
        _ => Err(ApiError::no_route()),
    }
}
