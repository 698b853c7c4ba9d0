//! The authentication and authorization filters of the HTTP front, in the order of the
//! apiserver's handler chain (filters/authentication.go, impersonation.go,
//! authorization.go), and the self reviews (`kubectl auth can-i`, `auth whoami`), which are
//! answered here rather than stored. The rules themselves are in `crate::rbac`.

use super::{Resp, ServerState};
use crate::errors::ApiError;
use crate::rbac::{self, Attributes, User};
use hyper::HeaderMap;
use serde_json::Value;
use std::collections::HashMap;

/// The user behind the request's bearer token: the simulator's own token (and, when tokens
/// are not required, a request without one) is the admin; a token added with
/// `KubeSim::add_user` is that user; anything else is 401.
pub(crate) fn authenticate(state: &ServerState, headers: &HeaderMap) -> Result<User, ApiError> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok());
    match auth {
        Some(a) => {
            let token = a
                .strip_prefix("Bearer ")
                .map(str::trim)
                .ok_or_else(ApiError::unauthorized)?;
            if token == state.token {
                return Ok(User::admin());
            }
            state
                .users
                .lock()
                .get(token)
                .cloned()
                .ok_or_else(ApiError::unauthorized)
        }
        None if !state
            .require_token
            .load(std::sync::atomic::Ordering::Relaxed) =>
        {
            Ok(User::admin())
        }
        None => Err(ApiError::unauthorized()),
    }
}

/// The user the request acts as: the authenticated one, or whom it impersonates
/// (`Impersonate-User`, `Impersonate-Group` headers, as `kubectl --as/--as-group` sends).
pub(crate) fn effective_user(state: &ServerState, headers: &HeaderMap) -> Result<User, ApiError> {
    let user = authenticate(state, headers)?;
    let as_user = headers
        .get("impersonate-user")
        .and_then(|v| v.to_str().ok());
    let as_groups: Vec<String> = headers
        .get_all("impersonate-group")
        .iter()
        .filter_map(|v| v.to_str().ok().map(str::to_string))
        .collect();
    if as_user.is_none() && as_groups.is_empty() {
        return Ok(user);
    }
    rbac::impersonate(&state.cluster, &user, as_user, &as_groups)
}

fn review_kind(a: &Attributes) -> Option<&'static str> {
    if !a.resource_request || !a.namespace.is_empty() || !a.name.is_empty() {
        return None;
    }
    match (a.api_group.as_str(), a.resource.as_str()) {
        ("authorization.k8s.io", "selfsubjectaccessreviews") => Some("access"),
        ("authorization.k8s.io", "selfsubjectrulesreviews") => Some("rules"),
        ("authentication.k8s.io", "selfsubjectreviews") => Some("whoami"),
        _ => None,
    }
}

/// Authenticate, impersonate and authorize a request to the API (not the public health and
/// version endpoints); answer the self reviews. Ok(Some) is the whole response, Ok(None) lets
/// the request go on to its handler.
pub(crate) fn check(
    state: &ServerState,
    method: &str,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Option<Resp>, ApiError> {
    let user = effective_user(state, headers)?;
    let attrs = rbac::request_attributes(method, path, query);
    let d = rbac::authorize(&state.cluster, &user, &attrs);
    if !d.allowed {
        return Err(rbac::forbidden(&user, &attrs, &d.reason));
    }
    let Some(kind) = review_kind(&attrs) else {
        return Ok(None);
    };
    if method != "POST" {
        return Err(ApiError::method_not_allowed(
            "the server does not allow this method on the requested resource",
        ));
    }
    let protobuf = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/vnd.kubernetes.protobuf"));
    let review: Value = if body.is_empty() {
        serde_json::json!({})
    } else if protobuf {
        super::protobuf::decode(body)
            .map_err(|e| ApiError::bad_request(format!("couldn't decode protobuf body: {e}")))?
    } else {
        serde_json::from_slice(body).map_err(|e| {
            ApiError::bad_request(format!("couldn't get version/kind; json parse error: {e}"))
        })?
    };
    let out = match kind {
        "access" => rbac::self_subject_access_review(&state.cluster, &user, &review)?,
        "rules" => rbac::self_subject_rules_review(&state.cluster, &user, &review)?,
        _ => rbac::self_subject_review(&user),
    };
    Ok(Some(super::handler::json_resp(201, &out)))
}

/// The 403 a `Forbidden` fault answers with: what the authorizer would say to this user for
/// this request had RBAC denied it.
pub(crate) fn forbidden_fault(
    state: &ServerState,
    method: &str,
    path: &str,
    query: &HashMap<String, String>,
    headers: &HeaderMap,
) -> ApiError {
    let user = effective_user(state, headers).unwrap_or_else(|_| User::admin());
    rbac::forbidden(&user, &rbac::request_attributes(method, path, query), "")
}
