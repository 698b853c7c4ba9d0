//! API errors as upstream `metav1.Status` objects and field errors as
//! `k8s.io/apimachinery/pkg/util/validation/field` renders them.
//!
//! Upstream: staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go,
//! staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go.

use crate::resources::ResourceType;
use serde_json::{json, Value};
use std::fmt;

/// field.ErrorType: the text before the value and the Status cause reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
    TypeInvalid,
}

impl FieldErrorType {
    pub fn text(self) -> &'static str {
        match self {
            Self::NotFound => "Not found",
            Self::Required => "Required value",
            Self::Duplicate => "Duplicate value",
            Self::Invalid => "Invalid value",
            Self::NotSupported => "Unsupported value",
            Self::Forbidden => "Forbidden",
            Self::TooLong => "Too long",
            Self::TooMany => "Too many",
            Self::Internal => "Internal error",
            Self::TypeInvalid => "Invalid value",
        }
    }
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotFound => "FieldValueNotFound",
            Self::Required => "FieldValueRequired",
            Self::Duplicate => "FieldValueDuplicate",
            Self::Invalid => "FieldValueInvalid",
            Self::NotSupported => "FieldValueNotSupported",
            Self::Forbidden => "FieldValueForbidden",
            Self::TooLong => "FieldValueTooLong",
            Self::TooMany => "FieldValueTooMany",
            Self::Internal => "InternalError",
            Self::TypeInvalid => "FieldValueTypeInvalid",
        }
    }
}

/// One field.Error. `value` is the bad value; `None` means "omitted" (the body then shows only the type).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub kind: FieldErrorType,
    pub field: String,
    pub value: Option<Value>,
    pub detail: String,
}

impl FieldError {
    pub fn new(
        kind: FieldErrorType,
        field: impl Into<String>,
        value: Option<Value>,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            kind,
            field: field.into(),
            value,
            detail: detail.into(),
        }
    }
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Required, field, None, detail)
    }
    pub fn invalid(field: impl Into<String>, value: Value, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Invalid, field, Some(value), detail)
    }
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(FieldErrorType::Forbidden, field, None, detail)
    }
    pub fn duplicate(field: impl Into<String>, value: Value) -> Self {
        Self::new(FieldErrorType::Duplicate, field, Some(value), "")
    }
    pub fn not_supported(field: impl Into<String>, value: Value, supported: &[&str]) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let q: Vec<String> = supported.iter().map(|s| format!("{s:?}")).collect();
            format!("supported values: {}", q.join(", "))
        };
        Self::new(FieldErrorType::NotSupported, field, Some(value), detail)
    }
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self::new(
            FieldErrorType::TooLong,
            field,
            None,
            format!("may not be more than {max} bytes"),
        )
    }

    /// field.Error.ErrorBody(): what follows "<field>: ".
    pub fn body(&self) -> String {
        let mut s = match (self.kind, &self.value) {
            (
                FieldErrorType::Required
                | FieldErrorType::Forbidden
                | FieldErrorType::TooLong
                | FieldErrorType::Internal,
                _,
            )
            | (_, None) => self.kind.text().to_string(),
            (_, Some(v)) => format!("{}: {}", self.kind.text(), go_value(v)),
        };
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

/// How Go's `%#v`/`%q` shows the bad values that validation reports: strings quoted, numbers and
/// booleans bare, anything else as compact JSON.
fn go_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".into(),
        other => other.to_string(),
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

/// An API error, rendered as a `Status` object with `code` as the HTTP status.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub code: u16,
    pub reason: String,
    pub message: String,
    pub details: Option<Value>,
}

impl ApiError {
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Self {
            code,
            reason: reason.into(),
            message: message.into(),
            details: None,
        }
    }
    fn with_details(mut self, details: Value) -> Self {
        self.details = Some(details);
        self
    }
    fn gr_details(rt: &ResourceType, name: &str) -> Value {
        let mut d = json!({"name": name, "kind": rt.plural});
        if !rt.group.is_empty() {
            d["group"] = json!(rt.group);
        }
        d
    }
    /// `statefulsets.apps "web" not found`
    pub fn not_found(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!("{} {:?} not found", rt.group_resource(), name),
        )
        .with_details(Self::gr_details(rt, name))
    }
    /// `namespaces "prod" not found` when a namespaced write names a missing namespace.
    pub fn namespace_not_found(ns: &str) -> Self {
        Self::new(404, "NotFound", format!("namespaces {ns:?} not found"))
            .with_details(json!({"name": ns, "kind": "namespaces"}))
    }
    /// The 404 for a path the server does not serve.
    pub fn no_route() -> Self {
        Self::new(
            404,
            "NotFound",
            "the server could not find the requested resource",
        )
        .with_details(json!({}))
    }
    pub fn already_exists(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            "AlreadyExists",
            format!("{} {:?} already exists", rt.group_resource(), name),
        )
        .with_details(Self::gr_details(rt, name))
    }
    pub fn conflict(rt: &ResourceType, name: &str) -> Self {
        Self::new(
            409,
            "Conflict",
            format!(
                "Operation cannot be fulfilled on {} {:?}: the object has been modified; please apply your changes to the latest version and try again",
                rt.group_resource(),
                name
            ),
        )
        .with_details(Self::gr_details(rt, name))
    }
    /// 422 Invalid: `StatefulSet.apps "web" is invalid: <err>` or `...: [<err1>, <err2>]`.
    pub fn invalid(rt: &ResourceType, name: &str, errs: &[FieldError]) -> Self {
        let agg = if errs.len() == 1 {
            errs[0].to_string()
        } else {
            format!(
                "[{}]",
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let causes: Vec<Value> = errs
            .iter()
            .map(|e| json!({"reason": e.kind.reason(), "message": e.body(), "field": e.field}))
            .collect();
        let mut details = json!({"name": name, "kind": rt.kind, "causes": causes});
        if !rt.group.is_empty() {
            details["group"] = json!(rt.group);
        }
        Self::new(
            422,
            "Invalid",
            format!("{} {:?} is invalid: {}", rt.group_kind(), name, agg),
        )
        .with_details(details)
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(405, "MethodNotAllowed", message)
    }
    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(415, "UnsupportedMediaType", message)
    }
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(413, "RequestEntityTooLarge", message)
    }
    pub fn unauthorized() -> Self {
        Self::new(401, "Unauthorized", "Unauthorized")
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "InternalError", message)
    }

    /// The `Status` object sent on the wire.
    pub fn to_status(&self) -> Value {
        let mut s = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if self.reason.is_empty() {
            // Upstream omits an empty reason (StatusReasonUnknown) from the wire form.
            s.as_object_mut().map(|m| m.remove("reason"));
        }
        if let Some(d) = &self.details {
            s["details"] = d.clone();
        }
        s
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.reason, self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::STATEFULSETS;

    #[test]
    fn invalid_message_matches_upstream() {
        let e = ApiError::invalid(
            &STATEFULSETS,
            "web",
            &[FieldError::invalid(
                "spec.replicas",
                json!(-1),
                "must be greater than or equal to 0",
            )],
        );
        assert_eq!(e.message, "StatefulSet.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0");
        assert_eq!(
            e.to_status()["details"]["causes"][0]["message"],
            "Invalid value: -1: must be greater than or equal to 0"
        );
        let f = FieldError::forbidden("spec", "updates are forbidden");
        assert_eq!(f.to_string(), "spec: Forbidden: updates are forbidden");
        let r = FieldError::required("spec.selector", "");
        assert_eq!(r.to_string(), "spec.selector: Required value");
        let n = FieldError::not_supported(
            "spec.podManagementPolicy",
            json!("X"),
            &["OrderedReady", "Parallel"],
        );
        assert_eq!(n.to_string(), "spec.podManagementPolicy: Unsupported value: \"X\": supported values: \"OrderedReady\", \"Parallel\"");
    }

    #[test]
    fn not_found_names_group_resource() {
        let e = ApiError::not_found(&STATEFULSETS, "web");
        assert_eq!(e.message, "statefulsets.apps \"web\" not found");
        assert_eq!(
            e.to_status()["details"],
            json!({"name":"web","group":"apps","kind":"statefulsets"})
        );
    }
}
