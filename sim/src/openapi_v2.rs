//! The OpenAPI v2 (swagger 2.0) document at /openapi/v2, as JSON and as the gnostic protobuf
//! kubectl asks for.
//!
//! kubectl 1.32 fetches it with `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
//! (client-go discovery OpenAPISchema) whenever it validates on the client side: a kind the
//! OpenAPI v3 documents do not name (an unknown kind in a multi-document apply) or a `v1 List`
//! (staging/src/k8s.io/kubectl/pkg/validation/schema.go paramVerifyingSchema →
//! staging/src/k8s.io/kubectl/pkg/util/openapi/validation: kinds missing from the document are
//! not validated, the others against their definitions). Without the document kubectl stops with
//! "the server could not find the requested resource" where a real cluster goes on to "no
//! matches for kind".
//!
//! The document is derived from the v3 documents (`crate::openapi`), one definition per component
//! schema (`#/components/schemas/` → `#/definitions/`, `allOf: [{$ref}]` → `$ref` as the v2
//! spec writes it) and one operation per v3 operation (request bodies as `in: body`
//! parameters, response content types as `produces`), merged over every group-version as
//! kube-apiserver merges its swagger. Parameters are written inline where upstream shares some
//! as `#/parameters/...` references (clients resolve both).
//!
//! Serving: staging/src/k8s.io/kube-openapi/pkg/handler/handler.go — JSON (`json.Marshal`, no
//! final newline) or protobuf (gnostic `openapi_v2.Document`, proto field numbers from
//! google/gnostic-models openapiv2/OpenAPIv2.proto) by Accept, `Etag` (SHA-512 of the JSON in
//! upstream; a content hash here), `Vary: Accept`, 304 on a matching `If-None-Match`, 406 with
//! no body when no clause matches. Vendor extensions and defaults are carried as YAML text, the
//! way gnostic stores them (flow style here: JSON is YAML).

use serde_json::{json, Map, Value};
use std::sync::OnceLock;

/// Protobuf media types the handler accepts; the answer is labelled with the first.
pub const PROTOBUF: &str = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
const PROTOBUF_DEPRECATED: &str = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";

struct Served {
    json: Vec<u8>,
    protobuf: Vec<u8>,
    etag: String,
}

fn served() -> &'static Served {
    static SERVED: OnceLock<Served> = OnceLock::new();
    SERVED.get_or_init(|| {
        let doc = document();
        let json = serde_json::to_vec(&doc).unwrap_or_default();
        let protobuf = encode_document(&doc);
        let etag = format!("{:032X}", fnv128(&json));
        Served {
            json,
            protobuf,
            etag,
        }
    })
}

/// What GET /openapi/v2 answers for this Accept: (content type, body, etag), or None for 406.
pub fn negotiate(accept: &str) -> Option<(&'static str, &'static [u8], &'static str)> {
    let accept = if accept.trim().is_empty() {
        "*/*"
    } else {
        accept
    };
    // goautoneg order: quality, then concrete before wildcard.
    let mut clauses: Vec<(f64, bool, bool, &str, &str)> = Vec::new();
    for part in accept.split(',') {
        let mut pieces = part.trim().split(';');
        let range = pieces.next().unwrap_or_default().trim();
        let (ty, sub) = match range.split_once('/') {
            Some((t, s)) => (t.trim(), s.trim()),
            None if range == "*" => ("*", "*"),
            None => continue,
        };
        let q = pieces
            .filter_map(|p| p.split_once('='))
            .find(|(k, _)| k.trim() == "q")
            .and_then(|(_, v)| v.trim().parse().ok())
            .unwrap_or(1.0);
        clauses.push((q, ty == "*", sub == "*", ty, sub));
    }
    clauses.sort_by(|a, b| {
        b.0.partial_cmp(&a.0)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.1.cmp(&b.1))
            .then(a.2.cmp(&b.2))
    });
    let s = served();
    for (_, _, _, ty, sub) in clauses {
        for (t, st, pb) in [
            ("application", "json", false),
            (
                "application",
                &PROTOBUF_DEPRECATED["application/".len()..],
                true,
            ),
            ("application", &PROTOBUF["application/".len()..], true),
        ] {
            if (ty == t || ty == "*") && (sub == st || sub == "*") {
                return Some(if pb {
                    (PROTOBUF, &s.protobuf[..], &s.etag[..])
                } else {
                    ("application/json", &s.json[..], &s.etag[..])
                });
            }
        }
    }
    None
}

fn fnv128(bytes: &[u8]) -> u128 {
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in bytes {
        h ^= *b as u128;
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

// ---------------------------------------------------------------------------------------------
// The swagger 2.0 document

/// The merged swagger 2.0 document (JSON form).
pub fn document() -> Value {
    let index = crate::openapi::index();
    let mut paths = Map::new();
    let mut definitions = Map::new();
    let mut gvs: Vec<&String> = index["paths"]
        .as_object()
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    gvs.sort();
    for gv in gvs {
        let Some(doc) = crate::openapi::document(gv) else {
            continue;
        };
        if let Some(schemas) = doc["components"]["schemas"].as_object() {
            for (name, s) in schemas {
                definitions
                    .entry(name.clone())
                    .or_insert_with(|| schema_v2(s));
            }
        }
        if let Some(ps) = doc["paths"].as_object() {
            for (path, item) in ps {
                paths.insert(path.clone(), path_item_v2(item));
            }
        }
    }
    json!({
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": "v1.32.4"},
        "paths": paths,
        "definitions": definitions,
        "securityDefinitions": {"BearerToken": {"description": "Bearer Token authentication",
            "type": "apiKey", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    })
}

fn ref_v2(r: &Value) -> Value {
    let r = r.as_str().unwrap_or_default();
    json!(r.replace("#/components/schemas/", "#/definitions/"))
}

/// A v3 component schema in v2 form.
fn schema_v2(s: &Value) -> Value {
    let Some(m) = s.as_object() else {
        return s.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        match k.as_str() {
            "$ref" => {
                out.insert("$ref".into(), ref_v2(v));
            }
            // `allOf: [{$ref}]` is how v3 puts siblings next to a reference; v2 writes them
            // beside `$ref`.
            "allOf"
                if v.as_array()
                    .is_some_and(|a| a.len() == 1 && a[0].get("$ref").is_some()) =>
            {
                out.insert("$ref".into(), ref_v2(&v[0]["$ref"]));
            }
            "allOf" => {
                let a: Vec<Value> = v.as_array().into_iter().flatten().map(schema_v2).collect();
                out.insert(k.clone(), Value::Array(a));
            }
            "properties" => {
                let p: Map<String, Value> = v
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(n, x)| (n.clone(), schema_v2(x)))
                    .collect();
                out.insert(k.clone(), Value::Object(p));
            }
            "items" | "additionalProperties" if v.is_object() => {
                out.insert(k.clone(), schema_v2(v));
            }
            // v3-only keywords have no v2 spelling.
            "nullable" | "oneOf" | "anyOf" | "not" => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    // intstr.IntOrString's OpenAPIDefinition in v2: type string, format int-or-string.
    if out.get("x-kubernetes-int-or-string") == Some(&json!(true)) && !out.contains_key("type") {
        out.remove("x-kubernetes-int-or-string");
        out.insert("type".into(), json!("string"));
        out.insert("format".into(), json!("int-or-string"));
    }
    // A `$ref` inside a list's items carries no default in v2.
    if out.contains_key("$ref") && out.get("default") == Some(&json!({})) {
        out.remove("default");
    }
    Value::Object(out)
}

fn param_v2(p: &Value) -> Value {
    let mut out = Map::new();
    if let Some(s) = p["schema"].as_object() {
        for (k, v) in s {
            out.insert(k.clone(), v.clone());
        }
    }
    for k in ["description", "name", "in", "required"] {
        if let Some(v) = p.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    Value::Object(out)
}

fn path_item_v2(item: &Value) -> Value {
    let mut out = Map::new();
    let Some(m) = item.as_object() else {
        return item.clone();
    };
    for (k, v) in m {
        if k == "parameters" {
            let ps: Vec<Value> = v.as_array().into_iter().flatten().map(param_v2).collect();
            out.insert(k.clone(), Value::Array(ps));
        } else {
            out.insert(k.clone(), operation_v2(v));
        }
    }
    Value::Object(out)
}

fn operation_v2(op: &Value) -> Value {
    let mut out = Map::new();
    let Some(m) = op.as_object() else {
        return op.clone();
    };
    let mut params: Vec<Value> = Vec::new();
    let mut consumes: Vec<String> = Vec::new();
    let mut produces: Vec<String> = Vec::new();
    if let Some(body) = m.get("requestBody") {
        let content = body["content"].as_object();
        consumes = content
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        let schema = content
            .and_then(|c| c.values().next())
            .map(|c| schema_v2(&c["schema"]))
            .unwrap_or_else(|| json!({}));
        let mut b = json!({"name": "body", "in": "body", "schema": schema});
        if body["required"] == true {
            b["required"] = json!(true);
        }
        params.push(b);
    }
    if let Some(ps) = m.get("parameters").and_then(Value::as_array) {
        params.extend(ps.iter().map(param_v2));
    }
    let mut responses = Map::new();
    if let Some(rs) = m.get("responses").and_then(Value::as_object) {
        for (code, r) in rs {
            let mut resp = json!({"description": r["description"]});
            if let Some(content) = r["content"].as_object() {
                for ct in content.keys() {
                    if !produces.contains(ct) {
                        produces.push(ct.clone());
                    }
                }
                if let Some(c) = content.values().next() {
                    resp["schema"] = schema_v2(&c["schema"]);
                }
            }
            responses.insert(code.clone(), resp);
        }
    }
    if consumes.is_empty() {
        consumes.push("*/*".into());
    }
    for (k, v) in m {
        match k.as_str() {
            "requestBody" | "parameters" | "responses" => {}
            _ => {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    out.insert("consumes".into(), json!(consumes));
    out.insert("produces".into(), json!(produces));
    out.insert("schemes".into(), json!(["https"]));
    if !params.is_empty() {
        out.insert("parameters".into(), Value::Array(params));
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

// ---------------------------------------------------------------------------------------------
// gnostic protobuf encoding (proto3: fields at their default value are not written)

#[derive(Default)]
struct Pb(Vec<u8>);

impl Pb {
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.0.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.0.push(v as u8);
    }
    fn key(&mut self, field: u32, wire: u8) {
        self.varint(((field as u64) << 3) | wire as u64);
    }
    fn bytes(&mut self, field: u32, b: &[u8]) {
        self.key(field, 2);
        self.varint(b.len() as u64);
        self.0.extend_from_slice(b);
    }
    fn string(&mut self, field: u32, s: &str) {
        if !s.is_empty() {
            self.bytes(field, s.as_bytes());
        }
    }
    fn str_of(&mut self, field: u32, v: Option<&Value>) {
        if let Some(s) = v.and_then(Value::as_str) {
            self.string(field, s);
        }
    }
    fn bool_of(&mut self, field: u32, v: Option<&Value>) {
        if v.and_then(Value::as_bool) == Some(true) {
            self.key(field, 0);
            self.varint(1);
        }
    }
    fn int_of(&mut self, field: u32, v: Option<&Value>) {
        if let Some(n) = v.and_then(Value::as_i64).filter(|n| *n != 0) {
            self.key(field, 0);
            self.varint(n as u64);
        }
    }
    fn double_of(&mut self, field: u32, v: Option<&Value>) {
        if let Some(n) = v.and_then(Value::as_f64).filter(|n| *n != 0.0) {
            self.key(field, 1);
            self.0.extend_from_slice(&n.to_le_bytes());
        }
    }
    fn strings(&mut self, field: u32, v: Option<&Value>) {
        for s in v.and_then(Value::as_array).into_iter().flatten() {
            if let Some(s) = s.as_str() {
                self.bytes(field, s.as_bytes());
            }
        }
    }
    fn message(&mut self, field: u32, m: Pb) {
        self.bytes(field, &m.0);
    }
}

/// A value as YAML text (flow style; JSON with spaces is valid YAML 1.1 and 1.2), with the
/// final newline yaml.Marshal writes.
fn yaml_text(v: &Value) -> String {
    fn flow(v: &Value, out: &mut String) {
        match v {
            Value::Object(m) => {
                out.push('{');
                for (i, (k, x)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push_str(": ");
                    flow(x, out);
                }
                out.push('}');
            }
            Value::Array(a) => {
                out.push('[');
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    flow(x, out);
                }
                out.push(']');
            }
            other => out.push_str(&other.to_string()),
        }
    }
    let mut s = String::new();
    flow(v, &mut s);
    s.push('\n');
    s
}

/// openapi_v2.Any {yaml = 2}.
fn any(v: &Value) -> Pb {
    let mut a = Pb::default();
    a.string(2, &yaml_text(v));
    a
}

/// `x-…` members as repeated NamedAny {name = 1, value = 2}.
fn vendor_extensions(pb: &mut Pb, field: u32, m: &Map<String, Value>) {
    for (k, v) in m.iter().filter(|(k, _)| k.starts_with("x-")) {
        let mut n = Pb::default();
        n.string(1, k);
        n.message(2, any(v));
        pb.message(field, n);
    }
}

fn encode_schema(s: &Value) -> Pb {
    let mut pb = Pb::default();
    let Some(m) = s.as_object() else {
        return pb;
    };
    pb.str_of(1, m.get("$ref"));
    pb.str_of(2, m.get("format"));
    pb.str_of(3, m.get("title"));
    pb.str_of(4, m.get("description"));
    if let Some(d) = m.get("default") {
        pb.message(5, any(d));
    }
    pb.double_of(6, m.get("multipleOf"));
    pb.double_of(7, m.get("maximum"));
    pb.bool_of(8, m.get("exclusiveMaximum"));
    pb.double_of(9, m.get("minimum"));
    pb.bool_of(10, m.get("exclusiveMinimum"));
    pb.int_of(11, m.get("maxLength"));
    pb.int_of(12, m.get("minLength"));
    pb.str_of(13, m.get("pattern"));
    pb.int_of(14, m.get("maxItems"));
    pb.int_of(15, m.get("minItems"));
    pb.bool_of(16, m.get("uniqueItems"));
    pb.int_of(17, m.get("maxProperties"));
    pb.int_of(18, m.get("minProperties"));
    pb.strings(19, m.get("required"));
    for e in m
        .get("enum")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        pb.message(20, any(e));
    }
    match m.get("additionalProperties") {
        Some(Value::Bool(b)) => {
            // AdditionalPropertiesItem {boolean = 2} (a oneof member: written even when false)
            let mut a = Pb::default();
            a.key(2, 0);
            a.varint(*b as u64);
            pb.message(21, a);
        }
        Some(x @ Value::Object(_)) => {
            let mut a = Pb::default();
            a.message(1, encode_schema(x));
            pb.message(21, a);
        }
        _ => {}
    }
    if let Some(t) = m.get("type") {
        let mut ti = Pb::default();
        match t {
            Value::String(s) => ti.string(1, s),
            Value::Array(_) => ti.strings(1, Some(t)),
            _ => {}
        }
        pb.message(22, ti);
    }
    if let Some(items) = m.get("items") {
        let mut it = Pb::default();
        match items {
            Value::Array(a) => a.iter().for_each(|x| it.message(1, encode_schema(x))),
            x => it.message(1, encode_schema(x)),
        }
        pb.message(23, it);
    }
    for x in m
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        pb.message(24, encode_schema(x));
    }
    if let Some(props) = m.get("properties").and_then(Value::as_object) {
        let mut p = Pb::default();
        for (name, x) in props {
            let mut n = Pb::default();
            n.string(1, name);
            n.message(2, encode_schema(x));
            p.message(1, n);
        }
        pb.message(25, p);
    }
    pb.str_of(26, m.get("discriminator"));
    pb.bool_of(27, m.get("readOnly"));
    if let Some(e) = m.get("example") {
        pb.message(30, any(e));
    }
    vendor_extensions(&mut pb, 31, m);
    pb
}

/// ParametersItem {parameter = 1: Parameter {body_parameter = 1 | non_body_parameter = 2}}.
fn encode_parameter(p: &Value) -> Pb {
    let mut param = Pb::default();
    if p["in"] == "body" {
        let mut b = Pb::default();
        b.str_of(1, p.get("description"));
        b.str_of(2, p.get("name"));
        b.str_of(3, p.get("in"));
        b.bool_of(4, p.get("required"));
        if let Some(s) = p.get("schema") {
            b.message(5, encode_schema(s));
        }
        param.message(1, b);
    } else {
        // NonBodyParameter {query_parameter_sub_schema = 3 | path_parameter_sub_schema = 4 |
        // header_parameter_sub_schema = 1}; the sub-schemas share the first four fields.
        let (which, offset) = match p["in"].as_str() {
            Some("path") => (4, 0),
            Some("header") => (1, 0),
            _ => (3, 1), // query: allow_empty_value = 5 shifts the rest by one
        };
        let mut q = Pb::default();
        q.bool_of(1, p.get("required"));
        q.str_of(2, p.get("in"));
        q.str_of(3, p.get("description"));
        q.str_of(4, p.get("name"));
        q.str_of(5 + offset, p.get("type"));
        q.str_of(6 + offset, p.get("format"));
        q.bool_of(19 + offset, p.get("uniqueItems"));
        let mut nb = Pb::default();
        nb.message(which, q);
        param.message(2, nb);
    }
    let mut item = Pb::default();
    item.message(1, param);
    item
}

fn encode_operation(op: &Value) -> Pb {
    let mut pb = Pb::default();
    let Some(m) = op.as_object() else {
        return pb;
    };
    pb.strings(1, m.get("tags"));
    pb.str_of(2, m.get("summary"));
    pb.str_of(3, m.get("description"));
    pb.str_of(5, m.get("operationId"));
    pb.strings(6, m.get("produces"));
    pb.strings(7, m.get("consumes"));
    for p in m
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        pb.message(8, encode_parameter(p));
    }
    if let Some(rs) = m.get("responses").and_then(Value::as_object) {
        // Responses {response_code = 1: NamedResponseValue {name, value: ResponseValue
        // {response = 1: Response {description = 1, schema = 2: SchemaItem {schema = 1}}}}}
        let mut responses = Pb::default();
        for (code, r) in rs {
            let mut resp = Pb::default();
            resp.str_of(1, r.get("description"));
            if let Some(s) = r.get("schema") {
                let mut si = Pb::default();
                si.message(1, encode_schema(s));
                resp.message(2, si);
            }
            let mut rv = Pb::default();
            rv.message(1, resp);
            let mut named = Pb::default();
            named.string(1, code);
            named.message(2, rv);
            responses.message(1, named);
        }
        pb.message(9, responses);
    }
    pb.strings(10, m.get("schemes"));
    pb.bool_of(11, m.get("deprecated"));
    vendor_extensions(&mut pb, 13, m);
    pb
}

fn encode_path_item(item: &Value) -> Pb {
    let mut pb = Pb::default();
    for (field, verb) in [
        (2, "get"),
        (3, "put"),
        (4, "post"),
        (5, "delete"),
        (6, "options"),
        (7, "head"),
        (8, "patch"),
    ] {
        if let Some(op) = item.get(verb) {
            pb.message(field, encode_operation(op));
        }
    }
    for p in item
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        pb.message(9, encode_parameter(p));
    }
    pb
}

/// openapi_v2.Document.
fn encode_document(doc: &Value) -> Vec<u8> {
    let mut pb = Pb::default();
    pb.str_of(1, doc.get("swagger"));
    let mut info = Pb::default();
    info.str_of(1, doc["info"].get("title"));
    info.str_of(2, doc["info"].get("version"));
    pb.message(2, info);
    let mut paths = Pb::default();
    for (name, item) in doc["paths"].as_object().into_iter().flatten() {
        let mut n = Pb::default();
        n.string(1, name);
        n.message(2, encode_path_item(item));
        paths.message(2, n);
    }
    pb.message(8, paths);
    let mut defs = Pb::default();
    for (name, s) in doc["definitions"].as_object().into_iter().flatten() {
        let mut n = Pb::default();
        n.string(1, name);
        n.message(2, encode_schema(s));
        defs.message(1, n);
    }
    pb.message(9, defs);
    // security = 12: SecurityRequirement {additional_properties = 1: NamedStringArray
    // {name = 1, value = 2: StringArray {}}}
    for req in doc["security"].as_array().into_iter().flatten() {
        let mut sr = Pb::default();
        for (name, scopes) in req.as_object().into_iter().flatten() {
            let mut n = Pb::default();
            n.string(1, name);
            let mut arr = Pb::default();
            arr.strings(1, Some(scopes));
            n.message(2, arr);
            sr.message(1, n);
        }
        pb.message(12, sr);
    }
    // security_definitions = 13: NamedSecurityDefinitionsItem {name, value:
    // SecurityDefinitionsItem {api_key_security = 2: ApiKeySecurity {type, name, in, description}}}
    let mut sd = Pb::default();
    for (name, def) in doc["securityDefinitions"].as_object().into_iter().flatten() {
        let mut key = Pb::default();
        key.str_of(1, def.get("type"));
        key.str_of(2, def.get("name"));
        key.str_of(3, def.get("in"));
        key.str_of(4, def.get("description"));
        let mut item = Pb::default();
        item.message(2, key);
        let mut n = Pb::default();
        n.string(1, name);
        n.message(2, item);
        sd.message(1, n);
    }
    pb.message(13, sd);
    pb.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r.to_string());
                }
                m.values().for_each(|x| refs(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    /// What kube-openapi's proto model parser (pkg/util/proto/document.go ParseSchema) insists
    /// on: every reference resolves, arrays have one item schema, one type at most, a known
    /// primitive type.
    #[test]
    fn document_parses_as_kube_openapi_would() {
        let doc = document();
        let defs = doc["definitions"].as_object().unwrap();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in &all {
            let name = r
                .strip_prefix("#/definitions/")
                .unwrap_or_else(|| panic!("{r}"));
            assert!(defs.contains_key(name), "unresolved {r}");
        }
        fn check(v: &Value, path: &str) {
            let Some(m) = v.as_object() else { return };
            if let Some(t) = m.get("type") {
                let t = t.as_str().unwrap_or_else(|| panic!("{path}: {t}"));
                assert!(
                    ["object", "array", "string", "integer", "number", "boolean"].contains(&t),
                    "{path}: {t}"
                );
                if t == "array" {
                    assert!(m["items"].is_object(), "{path}: array without items");
                }
            }
            for (k, x) in m {
                if k == "properties" {
                    for (n, p) in x.as_object().unwrap() {
                        check(p, &format!("{path}.{n}"));
                    }
                } else if k == "items" || k == "additionalProperties" {
                    check(x, &format!("{path}[]"));
                }
            }
        }
        for (n, s) in defs {
            check(s, n);
        }
        let sts = &defs["io.k8s.api.apps.v1.StatefulSet"];
        assert_eq!(
            sts["x-kubernetes-group-version-kind"],
            json!([{"group": "apps", "kind": "StatefulSet", "version": "v1"}])
        );
        assert_eq!(
            sts["properties"]["metadata"]["$ref"],
            "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        let ios = &defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"];
        assert_eq!(
            (&ios["type"], &ios["format"]),
            (&json!("string"), &json!("int-or-string"))
        );
    }

    /// kubectl's QueryParamVerifier (v2) looks for the PATCH operation of a kind and its
    /// fieldValidation parameter.
    #[test]
    fn patch_operations_advertise_field_validation() {
        let doc = document();
        let op = &doc["paths"]["/apis/apps/v1/namespaces/{namespace}/statefulsets/{name}"]["patch"];
        assert_eq!(
            op["x-kubernetes-group-version-kind"],
            json!({"group": "apps", "kind": "StatefulSet", "version": "v1"})
        );
        let params = op["parameters"].as_array().unwrap();
        assert_eq!(params[0]["in"], "body");
        assert!(params.iter().any(|p| p["name"] == "fieldValidation"
            && p["in"] == "query"
            && p["type"] == "string"));
        assert!(op["consumes"]
            .as_array()
            .unwrap()
            .contains(&json!("application/apply-patch+yaml")));
        assert_eq!(doc["swagger"], "2.0");
    }

    #[test]
    fn protobuf_starts_like_a_gnostic_document() {
        let (ct, body, etag) = negotiate(PROTOBUF_DEPRECATED).unwrap();
        assert_eq!(ct, PROTOBUF);
        // field 1 (swagger), length 3, "2.0"; then field 2 (info)
        assert_eq!(&body[..5], b"\x0a\x032.0");
        assert_eq!(body[5], 0x12);
        assert!(!etag.is_empty());
        let (ct, body, _) = negotiate("application/json").unwrap();
        assert_eq!(ct, "application/json");
        assert!(body.starts_with(b"{") && !body.ends_with(b"\n"));
        assert_eq!(negotiate("").unwrap().0, "application/json");
        assert!(negotiate("text/html").is_none());
        assert_eq!(
            yaml_text(&json!({"group": "", "kind": "Pod", "version": "v1"})),
            "{\"group\": \"\", \"kind\": \"Pod\", \"version\": \"v1\"}\n"
        );
    }
}
