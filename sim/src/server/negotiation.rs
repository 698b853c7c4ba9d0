//! Output content negotiation of the resource endpoints: which media type answers, and whether
//! the object is converted (`as=Table`, `as=PartialObjectMetadata[List]`), or 406 NotAcceptable.
//!
//! Upstream: staging/src/k8s.io/apiserver/pkg/endpoints/handlers/negotiation/negotiate.go
//! (NegotiateMediaTypeOptions: the Accept clauses in goautoneg's order, each matched against
//! the served media types, the first whose parameters are allowed wins; none → 406
//! "only the following media types are accepted: …"; NegotiateOutputMediaTypeStream for
//! watches), staging/src/k8s.io/apiserver/pkg/endpoints/handlers/rest.go
//! (RequestScope.AllowsMediaTypeTransform: conversions only to meta.k8s.io v1/v1beta1 Table —
//! JSON and YAML only — and PartialObjectMetadata[List]), response.go (the conversions and the
//! 406 for `PartialObjectMetadata` of a list or `PartialObjectMetadataList` of an object),
//! and responsewriters/writers.go (an error whose Accept allows no plain media type is written
//! with WriteRawJSON).
//!
//! Served media types: `application/json` and `application/yaml` (a YAML answer is the same
//! JSON text, which is YAML; labelled application/yaml). Protobuf is not served (as for a
//! custom resource), so a protobuf-only Accept is 406.

use crate::errors::ApiError;
use serde_json::{json, Value};

/// The media types the simulator writes, in the server's preference order.
const SERVED: &[(&str, &str)] = &[("application", "json"), ("application", "yaml")];

/// What a resource response is converted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    /// `as=Table` (meta.k8s.io/<version>).
    Table(&'static str),
    /// `as=PartialObjectMetadata`.
    Partial(&'static str),
    /// `as=PartialObjectMetadataList`.
    PartialList(&'static str),
}

/// The outcome of negotiation for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    /// `application/json` or `application/yaml`.
    pub media_type: &'static str,
    pub convert: Option<Convert>,
}

/// One Accept clause (goautoneg.Accept).
struct Clause {
    ty: String,
    sub: String,
    q: f64,
    params: Vec<(String, String)>,
}

/// goautoneg.ParseAccept: clauses sorted by quality, then concrete types before wildcards
/// (a stable sort, as Go's insertion sort is for such short lists).
fn parse_accept(header: &str) -> Vec<Clause> {
    let mut out = Vec::new();
    for part in header.split(',') {
        let part = part.trim_matches(' ');
        let mut pieces = part.split(';');
        let range = pieces.next().unwrap_or_default();
        let mut sp = range.split('/');
        let ty = sp.next().unwrap_or_default().trim_matches(' ').to_string();
        let sub = match (sp.next(), sp.next()) {
            (None, _) if ty == "*" => "*".to_string(),
            (Some(s), None) => s.trim_matches(' ').to_string(),
            _ => continue,
        };
        let mut c = Clause {
            ty,
            sub,
            q: 1.0,
            params: Vec::new(),
        };
        for p in pieces {
            let Some((k, v)) = p.split_once('=') else {
                continue;
            };
            let k = k.trim_matches(' ');
            if k == "q" {
                c.q = v.parse().unwrap_or(0.0);
            } else {
                c.params
                    .push((k.to_string(), v.trim_matches(' ').to_string()));
            }
        }
        out.push(c);
    }
    out.sort_by(|a, b| {
        b.q.partial_cmp(&a.q)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((a.ty == "*").cmp(&(b.ty == "*")))
            .then((a.sub == "*").cmp(&(b.sub == "*")))
    });
    out
}

/// acceptMediaTypeOptions with the resource endpoint's restrictions: None when the clause's
/// parameters ask for something this endpoint cannot do.
fn options(c: &Clause, media: (&str, &str), conversions: bool) -> Option<Option<Convert>> {
    let (mut kind, mut group, mut version, mut convert) = ("", "", "", false);
    for (k, v) in &c.params {
        match k.as_str() {
            "as" => (kind, convert) = (v, true),
            "g" => (group, convert) = (v, true),
            "v" => (version, convert) = (v, true),
            // Only `stream=watch` is a known stream schema; JSON has a stream serializer.
            "stream" if !v.is_empty() && (v != "watch" || media.1 != "json") => return None,
            // A server version for generic output: never allowed by resource endpoints.
            "sv" if !v.is_empty() => return None,
            _ => {}
        }
    }
    if !convert {
        return Some(None);
    }
    if !conversions || group != "meta.k8s.io" {
        return None;
    }
    let version: &'static str = match version {
        "v1" => "v1",
        "v1beta1" => "v1beta1",
        _ => return None,
    };
    match kind {
        "Table" if media.0 == "application" && matches!(media.1, "json" | "yaml") => {
            Some(Some(Convert::Table(version)))
        }
        "PartialObjectMetadata" => Some(Some(Convert::Partial(version))),
        "PartialObjectMetadataList" => Some(Some(Convert::PartialList(version))),
        _ => None,
    }
}

fn not_acceptable(types: &[&str]) -> ApiError {
    ApiError::new(
        406,
        "NotAcceptable",
        format!(
            "only the following media types are accepted: {}",
            types.join(", ")
        ),
    )
}

fn negotiate_with(accept: &str, conversions: bool) -> Option<Output> {
    if accept.is_empty() {
        return Some(Output {
            media_type: "application/json",
            convert: None,
        });
    }
    for c in parse_accept(accept) {
        for &(ty, sub) in SERVED {
            let matches =
                (c.ty == ty && (c.sub == sub || c.sub == "*")) || (c.ty == "*" && c.sub == "*");
            if !matches {
                continue;
            }
            if let Some(convert) = options(&c, (ty, sub), conversions) {
                let media_type = if sub == "json" {
                    "application/json"
                } else {
                    "application/yaml"
                };
                return Some(Output {
                    media_type,
                    convert,
                });
            }
        }
    }
    None
}

/// NegotiateOutputMediaType for a resource endpoint (GET, LIST, writes).
pub fn negotiate(accept: &str) -> Result<Output, ApiError> {
    negotiate_with(accept, true)
        .ok_or_else(|| not_acceptable(&["application/json", "application/yaml"]))
}

/// NegotiateOutputMediaTypeStream for a watch: the chosen media type must have a stream
/// serializer (JSON here; YAML has none).
pub fn negotiate_watch(accept: &str) -> Result<Output, ApiError> {
    match negotiate_with(accept, true) {
        Some(o) if o.media_type == "application/json" => Ok(o),
        _ => Err(not_acceptable(&["application/json;stream=watch"])),
    }
}

/// Whether an error Status can be written negotiated (ErrorNegotiated uses the default
/// endpoint restrictions: no conversions). When not, upstream writes it with WriteRawJSON.
pub fn error_negotiable(accept: &str) -> bool {
    negotiate_with(accept, false).is_some()
}

/// The Go type an object of `kind` in `group` has inside the apiserver, as response.go's
/// `%T` names it in its 406 messages (the internal version: `*core.Pod`, `*apps.StatefulSet`).
fn internal_type(group: &str, kind: &str) -> String {
    let pkg = match group {
        "" | "events.k8s.io" => "core",
        g => g.split('.').next().unwrap_or(g),
    };
    format!("*{pkg}.{kind}")
}

/// PartialObjectMetadata of one object (meta.AsPartialObjectMetadata: the whole ObjectMeta).
fn partial(version: &str, obj: &Value) -> Value {
    json!({
        "kind": "PartialObjectMetadata",
        "apiVersion": format!("meta.k8s.io/{version}"),
        "metadata": obj.get("metadata").cloned().unwrap_or_else(|| json!({})),
    })
}

/// The metadata-only conversions of response.go (asPartialObjectMetadata,
/// asPartialObjectMetadataList) for a response of `kind` in `group`; `is_list` says whether
/// `obj` is a List. A Status passes through unchanged; a Table conversion is the caller's.
pub fn to_metadata(
    convert: Convert,
    group: &str,
    kind: &str,
    is_list: bool,
    obj: Value,
) -> Result<Value, ApiError> {
    if obj.get("kind").and_then(Value::as_str) == Some("Status") {
        return Ok(obj);
    }
    match convert {
        Convert::Table(_) => Ok(obj),
        Convert::Partial(_) if is_list => Err(ApiError::new(
            406,
            "NotAcceptable",
            format!(
                "you requested PartialObjectMetadata, but the requested object is a list ({}List)",
                internal_type(group, kind)
            ),
        )),
        Convert::Partial(v) => Ok(partial(v, &obj)),
        Convert::PartialList(_) if !is_list => Err(ApiError::new(
            406,
            "NotAcceptable",
            format!(
                "you requested PartialObjectMetadataList, but the requested object is not a list ({})",
                internal_type(group, kind)
            ),
        )),
        Convert::PartialList(v) => {
            // The list is built item by item (`list.Items = append(…)`), so an empty list
            // keeps nil Items, which Go encodes as `null`.
            let items: Vec<Value> = obj["items"]
                .as_array()
                .map(|a| a.iter().map(|it| partial(v, it)).collect())
                .unwrap_or_default();
            let mut meta = serde_json::Map::new();
            for k in ["resourceVersion", "continue", "remainingItemCount"] {
                if let Some(x) = obj["metadata"].get(k).filter(|x| !x.is_null()) {
                    meta.insert(k.into(), x.clone());
                }
            }
            Ok(json!({
                "kind": "PartialObjectMetadataList",
                "apiVersion": format!("meta.k8s.io/{v}"),
                "metadata": meta,
                "items": if items.is_empty() { Value::Null } else { Value::Array(items) },
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KUBECTL_TABLE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
    const METADATA_LIST: &str = "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json";

    #[test]
    fn picks_the_first_servable_clause() {
        let o = negotiate(KUBECTL_TABLE).unwrap();
        assert_eq!(o.convert, Some(Convert::Table("v1")));
        assert_eq!(o.media_type, "application/json");
        // client-go's metadata client: protobuf first (not served), then JSON.
        let o = negotiate(METADATA_LIST).unwrap();
        assert_eq!(o.convert, Some(Convert::PartialList("v1")));
        assert_eq!(negotiate("").unwrap().convert, None);
        assert_eq!(negotiate("*/*").unwrap().media_type, "application/json");
        assert_eq!(
            negotiate("application/yaml").unwrap().media_type,
            "application/yaml"
        );
        // quality wins over order
        let o = negotiate("application/json;q=0.5,application/yaml").unwrap();
        assert_eq!(o.media_type, "application/yaml");
        // an unknown conversion falls through to the next clause
        let o =
            negotiate("application/json;as=Widget;g=meta.k8s.io;v=v1,application/json").unwrap();
        assert_eq!(o.convert, None);
    }

    #[test]
    fn unknown_conversions_and_protobuf_only_are_not_acceptable() {
        for accept in [
            "application/json;as=Widget;g=meta.k8s.io;v=v1",
            "application/json;as=Table;g=example.com;v=v1",
            "application/json;as=Table",
            "application/vnd.kubernetes.protobuf",
            "application/vnd.kubernetes.protobuf;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
            "text/html",
        ] {
            let e = negotiate(accept).unwrap_err();
            assert_eq!(e.code, 406, "{accept}");
            assert_eq!(
                e.message,
                "only the following media types are accepted: application/json, application/yaml"
            );
        }
        assert!(!error_negotiable(
            "application/json;as=Table;v=v1;g=meta.k8s.io"
        ));
        assert!(error_negotiable(KUBECTL_TABLE));
        let e = negotiate_watch("application/yaml").unwrap_err();
        assert_eq!(
            e.message,
            "only the following media types are accepted: application/json;stream=watch"
        );
        assert!(negotiate_watch("application/json;stream=watch").is_ok());
    }

    #[test]
    fn metadata_conversions() {
        let pod = json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "labels": {"a": "b"}}, "spec": {}});
        let p = to_metadata(Convert::Partial("v1"), "", "Pod", false, pod.clone()).unwrap();
        assert_eq!(
            p,
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {"name": "p", "labels": {"a": "b"}}})
        );
        let e = to_metadata(Convert::PartialList("v1"), "", "Pod", false, pod).unwrap_err();
        assert_eq!(e.message, "you requested PartialObjectMetadataList, but the requested object is not a list (*core.Pod)");
        let list = json!({"kind": "StatefulSetList", "metadata": {"resourceVersion": "7"}, "items": [{"metadata": {"name": "web"}, "spec": {}}]});
        let e = to_metadata(
            Convert::Partial("v1"),
            "apps",
            "StatefulSet",
            true,
            list.clone(),
        )
        .unwrap_err();
        assert_eq!(e.message, "you requested PartialObjectMetadata, but the requested object is a list (*apps.StatefulSetList)");
        let l = to_metadata(
            Convert::PartialList("v1"),
            "apps",
            "StatefulSet",
            true,
            list,
        )
        .unwrap();
        assert_eq!(l["kind"], "PartialObjectMetadataList");
        assert_eq!(l["metadata"], json!({"resourceVersion": "7"}));
        assert_eq!(
            l["items"][0],
            json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": {"name": "web"}})
        );
        let empty = json!({"kind": "PodList", "metadata": {"resourceVersion": "1"}, "items": []});
        let l = to_metadata(Convert::PartialList("v1"), "", "Pod", true, empty).unwrap();
        assert!(l["items"].is_null());
    }
}
