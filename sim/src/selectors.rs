//! Label and field selectors, parsed and matched as upstream.
//! Upstream: staging/src/k8s.io/apimachinery/pkg/labels/selector.go,
//! staging/src/k8s.io/apimachinery/pkg/fields/selector.go, and the per-kind field label
//! conversion functions (pkg/apis/core/v1/conversion.go, pkg/registry/core/pod/strategy.go).
//! Validation messages: staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go.

use crate::resources::ResourceType;
use serde_json::{Map, Value};
use std::fmt;

/// selection.Operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// One labels.Requirement.
#[derive(Debug, Clone, PartialEq)]
pub struct Requirement {
    pub key: String,
    pub op: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    /// labels.NewRequirement: validates key, values and their count.
    pub fn new(key: &str, op: Operator, values: Vec<String>) -> Result<Self, String> {
        Self::new_impl(key, op, values, false)
    }

    /// `nil_values`: the values slice is a Go nil slice when empty (metav1.LabelSelector
    /// expressions without values), printed `[]string(nil)` in errors.
    fn new_impl(
        key: &str,
        op: Operator,
        values: Vec<String>,
        nil_values: bool,
    ) -> Result<Self, String> {
        let mut errs: Vec<String> = Vec::new();
        if let Some(e) = validate_label_key(key, "key") {
            errs.push(e);
        }
        let go_list = |v: &[String]| {
            if v.is_empty() && nil_values {
                return "[]string(nil)".to_string();
            }
            format!(
                "[]string{{{}}}",
                v.iter()
                    .map(|s| format!("{s:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        match op {
            Operator::In | Operator::NotIn if values.is_empty() => errs.push(format!(
                "values: Invalid value: {}: for 'in', 'notin' operators, values set can't be empty",
                go_list(&values)
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                errs.push(format!(
                    "values: Invalid value: {}: exact-match compatibility requires one single value",
                    go_list(&values)
                ))
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => errs.push(format!(
                "values: Invalid value: {}: values set must be empty for exists and does not exist",
                go_list(&values)
            )),
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(format!(
                        "values: Invalid value: {}: for 'Gt', 'Lt' operators, exactly one value is required",
                        go_list(&values)
                    ));
                }
                for (i, v) in values.iter().enumerate() {
                    if v.parse::<i64>().is_err() {
                        errs.push(format!(
                            "values[{i}]: Invalid value: {v:?}: for 'Gt', 'Lt' operators, the value must be an integer"
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, v) in values.iter().enumerate() {
            let msgs = label_value_errors(v);
            if !msgs.is_empty() {
                errs.push(format!(
                    "values[{i}][{key}]: Invalid value: {v:?}: {}",
                    msgs.join("; ")
                ));
            }
        }
        match errs.len() {
            0 => Ok(Self {
                key: key.to_string(),
                op,
                values,
            }),
            1 => Err(errs.remove(0)),
            _ => Err(format!("[{}]", errs.join(", "))),
        }
    }

    fn has_value(&self, v: &str) -> bool {
        self.values.iter().any(|x| x == v)
    }

    /// Requirement.Matches.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let val = labels
            .and_then(|l| l.get(&self.key))
            .map(|v| v.as_str().unwrap_or_default().to_string());
        match self.op {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                val.is_some_and(|v| self.has_value(&v))
            }
            Operator::NotIn | Operator::NotEquals => val.is_none_or(|v| !self.has_value(&v)),
            Operator::Exists => val.is_some(),
            Operator::DoesNotExist => val.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(lv)) = val.map(|v| v.parse::<i64>()) else {
                    return false;
                };
                if self.values.len() != 1 {
                    return false;
                }
                let Ok(rv) = self.values[0].parse::<i64>() else {
                    return false;
                };
                (self.op == Operator::GreaterThan && lv > rv)
                    || (self.op == Operator::LessThan && lv < rv)
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// Requirement.String(): values of set operators sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.op == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.op {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
        };
        f.write_str(op)?;
        let set = matches!(self.op, Operator::In | Operator::NotIn);
        if set {
            f.write_str("(")?;
        }
        let mut vals = self.values.clone();
        vals.sort();
        f.write_str(&vals.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A parsed label selector (requirements ANDed, sorted by key as upstream).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LabelSelector {
    pub requirements: Vec<Requirement>,
    /// labels.Nothing(): a nil metav1.LabelSelector matches nothing.
    pub nothing: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    End,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
    Error,
}

fn string_to_token(s: &str) -> Option<Tok> {
    Some(match s {
        ")" => Tok::ClosedPar,
        "," => Tok::Comma,
        "!" => Tok::DoesNotExist,
        "==" => Tok::DoubleEquals,
        "=" => Tok::Equals,
        ">" => Tok::GreaterThan,
        "in" => Tok::In,
        "<" => Tok::LessThan,
        "!=" => Tok::NotEquals,
        "notin" => Tok::NotIn,
        "(" => Tok::OpenPar,
        _ => return None,
    })
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn is_ws(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The lexer of labels/selector.go (byte oriented, like upstream).
fn lex(s: &str) -> Vec<(Tok, String)> {
    let b = s.as_bytes();
    let mut pos = 0;
    let mut out = Vec::new();
    loop {
        while pos < b.len() && is_ws(b[pos]) {
            pos += 1;
        }
        if pos >= b.len() {
            out.push((Tok::End, String::new()));
            return out;
        }
        if is_special(b[pos]) {
            // scanSpecialSymbol: longest known operator
            let mut buf = Vec::new();
            let mut last: Option<(Tok, String)> = None;
            while pos < b.len() && is_special(b[pos]) {
                buf.push(b[pos]);
                let s = String::from_utf8_lossy(&buf).to_string();
                if let Some(t) = string_to_token(&s) {
                    last = Some((t, s));
                    pos += 1;
                } else if last.is_some() {
                    break;
                } else {
                    pos += 1;
                }
            }
            match last {
                Some(t) => out.push(t),
                None => out.push((
                    Tok::Error,
                    format!(
                        "error expected: keyword found '{}'",
                        String::from_utf8_lossy(&buf)
                    ),
                )),
            }
        } else {
            let start = pos;
            while pos < b.len() && !is_special(b[pos]) && !is_ws(b[pos]) {
                pos += 1;
            }
            let lit = String::from_utf8_lossy(&b[start..pos]).to_string();
            match string_to_token(&lit) {
                Some(t) => out.push((t, lit)),
                None => out.push((Tok::Identifier, lit)),
            }
        }
    }
}

struct Parser {
    items: Vec<(Tok, String)>,
    pos: usize,
}

impl Parser {
    /// lookahead/consume in the Values context: `in`/`notin` read as identifiers.
    fn look(&self, values: bool) -> (Tok, String) {
        let (t, l) = self.items[self.pos.min(self.items.len() - 1)].clone();
        (fix(t, values), l)
    }
    fn next(&mut self, values: bool) -> (Tok, String) {
        let r = self.look(values);
        if self.pos < self.items.len() - 1 || r.0 != Tok::End {
            self.pos += 1;
        }
        r
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut reqs = Vec::new();
        loop {
            let (tok, lit) = self.look(true);
            match tok {
                Tok::Identifier | Tok::DoesNotExist => {
                    let r = self
                        .parse_requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    reqs.push(r);
                    let (t, l) = self.next(true);
                    match t {
                        Tok::End => return Ok(reqs),
                        Tok::Comma => {
                            let (t2, l2) = self.look(true);
                            if t2 != Tok::Identifier && t2 != Tok::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Tok::End => return Ok(reqs),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn parse_requirement(&mut self) -> Result<Requirement, String> {
        let (key, op) = self.parse_key_and_infer_operator()?;
        if let Some(op) = op {
            return Requirement::new(&key, op, vec![]);
        }
        let op = self.parse_operator()?;
        let values = match op {
            Operator::In | Operator::NotIn => self.parse_values()?,
            _ => self.parse_exact_value()?,
        };
        // sets.String.List(): sorted, deduplicated
        let mut values: Vec<String> = values;
        values.sort();
        values.dedup();
        Requirement::new(&key, op, values)
    }

    fn parse_key_and_infer_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut op = None;
        let (mut tok, mut lit) = self.next(true);
        if tok == Tok::DoesNotExist {
            op = Some(Operator::DoesNotExist);
            (tok, lit) = self.next(true);
        }
        if tok != Tok::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        if let Some(e) = validate_label_key(&lit, "<nil>") {
            return Err(e);
        }
        let (t, _) = self.look(true);
        if (t == Tok::End || t == Tok::Comma) && op.is_none() {
            op = Some(Operator::Exists);
        }
        Ok((lit, op))
    }

    fn parse_operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.next(false);
        Ok(match tok {
            Tok::In => Operator::In,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            Tok::NotIn => Operator::NotIn,
            Tok::NotEquals => Operator::NotEquals,
            _ => {
                return Err(format!(
                    "found '{lit}', expected: in, notin, =, ==, !=, gt, lt"
                ))
            }
        })
    }

    fn parse_values(&mut self) -> Result<Vec<String>, String> {
        let (tok, lit) = self.next(true);
        if tok != Tok::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.look(true);
        match tok {
            Tok::Identifier | Tok::Comma => {
                let s = self.parse_identifiers_list()?;
                let (t, _) = self.next(true);
                if t != Tok::ClosedPar {
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(s)
            }
            Tok::ClosedPar => {
                self.next(true);
                Ok(vec![String::new()])
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn parse_identifiers_list(&mut self) -> Result<Vec<String>, String> {
        let mut s: Vec<String> = Vec::new();
        loop {
            let (tok, lit) = self.next(true);
            match tok {
                Tok::Identifier => {
                    s.push(lit);
                    let (t2, l2) = self.look(true);
                    match t2 {
                        Tok::Comma => continue,
                        Tok::ClosedPar => return Ok(s),
                        _ => return Err(format!("found '{l2}', expected: ',' or ')'")),
                    }
                }
                Tok::Comma => {
                    if s.is_empty() {
                        s.push(String::new());
                    }
                    let (t2, _) = self.look(true);
                    if t2 == Tok::ClosedPar {
                        s.push(String::new());
                        return Ok(s);
                    }
                    if t2 == Tok::Comma {
                        s.push(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    fn parse_exact_value(&mut self) -> Result<Vec<String>, String> {
        let (tok, _) = self.look(true);
        if tok == Tok::End || tok == Tok::Comma {
            return Ok(vec![String::new()]);
        }
        let (tok, lit) = self.next(true);
        if tok == Tok::Identifier {
            return Ok(vec![lit]);
        }
        Err(format!("found '{lit}', expected: identifier"))
    }
}

fn fix(t: Tok, values: bool) -> Tok {
    if values && (t == Tok::In || t == Tok::NotIn) {
        Tok::Identifier
    } else {
        t
    }
}

// ---- validation (k8s.io/apimachinery/pkg/util/validation): the registry's validators ----

use crate::registry::names::{
    is_qualified_name as qualified_name_errors, is_valid_label_value as label_value_errors,
};

fn validate_label_key(k: &str, path: &str) -> Option<String> {
    let errs = qualified_name_errors(k);
    if errs.is_empty() {
        None
    } else {
        Some(format!("{path}: Invalid value: {k:?}: {}", errs.join("; ")))
    }
}

impl LabelSelector {
    /// Parse the string form (`a=b,c!=d,e in (f,g),!h,i`); Err carries upstream's message.
    pub fn parse(s: &str) -> Result<Self, String> {
        let items = lex(s);
        let mut p = Parser { items, pos: 0 };
        let mut reqs = p.parse()?;
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self {
            requirements: reqs,
            nothing: false,
        })
    }

    /// From a metav1.LabelSelector object (matchLabels + matchExpressions)
    /// (metav1.LabelSelectorAsSelector). `null` gives a selector matching nothing.
    pub fn from_object(sel: &Value) -> Result<Self, String> {
        if sel.is_null() {
            return Ok(Self {
                requirements: vec![],
                nothing: true,
            });
        }
        let mut reqs = Vec::new();
        if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
            for (k, v) in ml {
                let v = v.as_str().unwrap_or_default().to_string();
                reqs.push(Requirement::new(k, Operator::Equals, vec![v])?);
            }
        }
        if let Some(exprs) = sel.get("matchExpressions").and_then(Value::as_array) {
            for e in exprs {
                let opname = e.get("operator").and_then(Value::as_str).unwrap_or("");
                let op = match opname {
                    "In" => Operator::In,
                    "NotIn" => Operator::NotIn,
                    "Exists" => Operator::Exists,
                    "DoesNotExist" => Operator::DoesNotExist,
                    other => {
                        return Err(format!("{other:?} is not a valid label selector operator"))
                    }
                };
                let key = e.get("key").and_then(Value::as_str).unwrap_or("");
                let values: Vec<String> = e
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|a| {
                        a.iter()
                            .map(|v| v.as_str().unwrap_or_default().to_string())
                            .collect()
                    })
                    .unwrap_or_default();
                reqs.push(Requirement::new_impl(key, op, values, true)?);
            }
        }
        reqs.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self {
            requirements: reqs,
            nothing: false,
        })
    }

    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }
}

impl fmt::Display for LabelSelector {
    /// labels.Selector.String(): requirements (sorted by key) joined by ",".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.requirements.iter().map(|r| r.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

// ---------------------------------------------------------------------------------------------
// Field selectors

/// One field selector term: `field=value` (has) or `field!=value` (not has).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldTerm {
    pub field: String,
    pub value: String,
    pub negate: bool,
}

/// A parsed field selector.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldSelector {
    pub terms: Vec<FieldTerm>,
}

/// fields.EscapeValue.
pub fn escape_field_value(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// fields.UnescapeValue.
pub fn unescape_field_value(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut in_slash = false;
    for c in s.chars() {
        if in_slash {
            match c {
                '\\' | ',' | '=' => out.push(c),
                _ => {
                    return Err(format!(
                        "invalid field selector: invalid escape sequence: \\{c}"
                    ))
                }
            }
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                ))
            }
            _ => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".to_string());
    }
    Ok(out)
}

/// fields.splitTerms: split on unescaped commas.
fn split_terms(s: &str) -> Vec<String> {
    if s.is_empty() {
        return vec![];
    }
    let mut terms = Vec::new();
    let mut cur = String::new();
    let mut escaped = false;
    for c in s.chars() {
        if escaped {
            cur.push(c);
            escaped = false;
        } else if c == '\\' {
            cur.push(c);
            escaped = true;
        } else if c == ',' {
            terms.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    terms.push(cur);
    terms
}

/// fields.splitTerm: the first operator (`!=`, `==`, `=`) at the earliest position.
fn split_term(term: &str) -> Option<(String, &'static str, String)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for op in ["!=", "==", "="] {
            if let Some(rhs) = rest.strip_prefix(op) {
                return Some((term[..i].to_string(), op, rhs.to_string()));
            }
        }
    }
    None
}

impl FieldSelector {
    pub fn parse(s: &str) -> Result<Self, String> {
        let mut parts = split_terms(s);
        parts.sort();
        let mut terms = Vec::new();
        for part in parts {
            if part.is_empty() {
                continue;
            }
            let Some((lhs, op, rhs)) = split_term(&part) else {
                return Err(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                ));
            };
            let value = unescape_field_value(&rhs)?;
            terms.push(FieldTerm {
                field: lhs,
                value,
                negate: op == "!=",
            });
        }
        Ok(Self { terms })
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Err(upstream's 400 message) when a field is not supported for `rt`
    /// (the scheme's field label conversion function for the kind, else
    /// runtime.DefaultMetaV1FieldSelectorConversion).
    pub fn validate_for(&self, rt: &ResourceType) -> Result<(), String> {
        for t in &self.terms {
            let f = t.field.as_str();
            let supported: Option<&[&str]> = match (rt.group, rt.kind) {
                ("", "Pod") => Some(&[
                    "metadata.name",
                    "metadata.namespace",
                    "spec.nodeName",
                    "spec.restartPolicy",
                    "spec.schedulerName",
                    "spec.serviceAccountName",
                    "spec.hostNetwork",
                    "status.phase",
                    "status.podIP",
                    "status.podIPs",
                    "status.nominatedNodeName",
                    "spec.host",
                ]),
                ("", "Node") => Some(&["metadata.name", "spec.unschedulable"]),
                ("", "Event") => Some(EVENT_FIELDS),
                ("events.k8s.io", "Event") => Some(EVENT_V1_FIELDS),
                ("", "Namespace") => Some(&["status.phase", "metadata.name"]),
                ("", "Secret") => Some(&["type", "metadata.namespace", "metadata.name"]),
                ("", "Service") => Some(&[
                    "metadata.namespace",
                    "metadata.name",
                    "spec.clusterIP",
                    "spec.type",
                ]),
                _ => None,
            };
            match supported {
                Some(list) => {
                    if !list.contains(&f) {
                        return Err(format!("field label not supported: {f}"));
                    }
                }
                None => {
                    if f != "metadata.name" && f != "metadata.namespace" {
                        return Err(format!(
                            "{f:?} is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    pub fn matches(&self, rt: &ResourceType, obj: &Value) -> bool {
        self.terms.iter().all(|t| {
            let v = field_value(rt, obj, &t.field);
            (v == t.value) != t.negate
        })
    }
}

const EVENT_FIELDS: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
];

/// events.k8s.io/v1 field labels (pkg/apis/events/v1/conversion.go), converted to the core
/// event labels of the shared storage by `event_v1_label`.
const EVENT_V1_FIELDS: &[&str] = &[
    "reason",
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reportingController",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
];

fn event_v1_label(label: &str) -> String {
    if let Some(rest) = label.strip_prefix("regarding.") {
        format!("involvedObject.{rest}")
    } else if label == "reportingController" {
        "reportingComponent".to_string()
    } else {
        label.to_string()
    }
}

impl fmt::Display for FieldSelector {
    /// fields.Selector.String(): terms (sorted) joined by ",", values escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .terms
            .iter()
            .map(|t| {
                format!(
                    "{}{}{}",
                    t.field,
                    if t.negate { "!=" } else { "=" },
                    escape_field_value(&t.value)
                )
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

fn str_at(obj: &Value, path: &[&str]) -> String {
    let mut cur = obj;
    for p in path {
        match cur.get(p) {
            Some(v) => cur = v,
            None => return String::new(),
        }
    }
    match cur {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The selectable fields set of an object (the registries' GetAttrs / *ToSelectableFields).
/// A field missing from the set reads as "" (fields.Set.Get).
pub fn field_value(rt: &ResourceType, obj: &Value, field: &str) -> String {
    let path: Vec<&str> = field.split('.').collect();
    match field {
        "metadata.name" => return str_at(obj, &["metadata", "name"]),
        "metadata.namespace" => {
            return if rt.namespaced {
                str_at(obj, &["metadata", "namespace"])
            } else {
                String::new()
            }
        }
        _ => {}
    }
    match (rt.group, rt.kind) {
        ("", "Pod") => match field {
            "spec.nodeName" | "spec.host" => str_at(obj, &["spec", "nodeName"]),
            "spec.restartPolicy"
            | "spec.schedulerName"
            | "spec.serviceAccountName"
            | "status.phase"
            | "status.nominatedNodeName" => str_at(obj, &path),
            "spec.hostNetwork" => obj
                .pointer("/spec/hostNetwork")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .to_string(),
            "status.podIP" => obj
                .pointer("/status/podIPs/0/ip")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| str_at(obj, &["status", "podIP"])),
            _ => String::new(),
        },
        ("", "Node") => match field {
            "spec.unschedulable" => obj
                .pointer("/spec/unschedulable")
                .and_then(Value::as_bool)
                .unwrap_or(false)
                .to_string(),
            _ => String::new(),
        },
        ("", "Event") | ("events.k8s.io", "Event") => {
            // events.k8s.io/v1 objects are stored as core events upstream: v1 labels are
            // converted to the core ones, and the core field names are read from either
            // object shape (involvedObject/source or regarding/deprecatedSource).
            let label = if rt.group == "events.k8s.io" {
                event_v1_label(field)
            } else {
                field.to_string()
            };
            let field = label.as_str();
            let path: Vec<&str> = field.split('.').collect();
            let v1 = obj.get("regarding").is_some() && obj.get("involvedObject").is_none();
            match field {
                "source" => {
                    if v1 || obj.get("source").is_none() {
                        str_at(obj, &["deprecatedSource", "component"])
                    } else {
                        str_at(obj, &["source", "component"])
                    }
                }
                "reportingComponent" => {
                    let c = str_at(obj, &["reportingComponent"]);
                    if c.is_empty() {
                        str_at(obj, &["reportingController"])
                    } else {
                        c
                    }
                }
                "reason" | "type" => str_at(obj, &path),
                f if f.starts_with("involvedObject.") => {
                    let sub = &f["involvedObject.".len()..];
                    if v1 {
                        str_at(obj, &["regarding", sub])
                    } else {
                        str_at(obj, &["involvedObject", sub])
                    }
                }
                _ => String::new(),
            }
        }
        ("", "Namespace") if field == "status.phase" => str_at(obj, &path),
        ("", "Secret") if field == "type" => str_at(obj, &["type"]),
        ("", "Service") if field == "spec.clusterIP" || field == "spec.type" => str_at(obj, &path),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::{EVENTS, EVENTS_V1, NODES, PODS, SECRETS, STATEFULSETS};
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn label_operators_match() {
        let l = labels(json!({"app": "nginx", "tier": "a", "n": "5"}));
        let cases = [
            ("app=nginx", true),
            ("app==nginx", true),
            ("app!=nginx", false),
            ("missing!=x", true),
            ("tier in (a,b)", true),
            ("tier in (b,c)", false),
            ("tier notin (b)", true),
            ("missing notin (b)", true),
            ("missing in (b)", false),
            ("app", true),
            ("missing", false),
            ("!missing", true),
            ("!app", false),
            ("n>4", true),
            ("n>5", false),
            ("n<6", true),
            ("app>1", false),
            ("app=nginx,tier in (a),!canary", true),
            ("app=nginx,tier=b", false),
            ("", true),
        ];
        for (s, want) in cases {
            let sel = LabelSelector::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(sel.matches(Some(&l)), want, "{s}");
        }
        assert!(LabelSelector::parse("").unwrap().is_empty());
        assert!(!LabelSelector::parse("a").unwrap().is_empty());
        // no labels at all
        assert!(LabelSelector::parse("!a,b!=c").unwrap().matches(None));
        assert!(!LabelSelector::parse("a").unwrap().matches(None));
    }

    #[test]
    fn label_canonical_string_sorted() {
        let s =
            LabelSelector::parse("tier in (b,a), app = nginx,!canary,x notin (z,y),n>3").unwrap();
        assert_eq!(
            s.to_string(),
            "app=nginx,!canary,n>3,tier in (a,b),x notin (y,z)"
        );
        let s = LabelSelector::parse("a==b,c!=d,e").unwrap();
        assert_eq!(s.to_string(), "a==b,c!=d,e");
        // `in` as a value, empty values
        let s = LabelSelector::parse("x in (in,,notin),y=").unwrap();
        assert_eq!(s.to_string(), "x in (,in,notin),y=");
        assert!(s.matches(Some(&labels(json!({"x": "", "y": ""})))));
    }

    #[test]
    fn label_parse_errors() {
        assert_eq!(
            LabelSelector::parse("a=b,").unwrap_err(),
            "found '', expected: identifier after ','"
        );
        assert_eq!(
            LabelSelector::parse("a b").unwrap_err(),
            "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(
            LabelSelector::parse("x in a").unwrap_err(),
            "unable to parse requirement: found 'a' expected: '('"
        );
        assert_eq!(
            LabelSelector::parse("a=b c").unwrap_err(),
            "found 'c', expected: ',' or 'end of string'"
        );
        assert_eq!(
            LabelSelector::parse(",a").unwrap_err(),
            "found ',', expected: !, identifier, or 'end of string'"
        );
        let e = LabelSelector::parse("a=b$c").unwrap_err();
        assert!(
            e.starts_with("unable to parse requirement: values[0][a]: Invalid value: \"b$c\": a valid label must be an empty string or consist of alphanumeric characters"),
            "{e}"
        // Go's validation.RegexError puts "', " then " or " between examples: two spaces.
        );
        assert!(e.ends_with("(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"), "{e}");
        let e = LabelSelector::parse("-a=b").unwrap_err();
        assert_eq!(e, "unable to parse requirement: <nil>: Invalid value: \"-a\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        let e = LabelSelector::parse("Example.com/a=b").unwrap_err();
        assert!(
            e.contains("prefix part a lowercase RFC 1123 subdomain"),
            "{e}"
        );
        let e = LabelSelector::parse("n>x").unwrap_err();
        assert_eq!(e, "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer");
        let long = "a".repeat(64);
        let e = LabelSelector::parse(&format!("k={long}")).unwrap_err();
        assert!(e.contains("must be no more than 63 characters"), "{e}");
        assert!(LabelSelector::parse("example.com/app=x").is_ok());
    }

    #[test]
    fn label_selector_object() {
        let s = LabelSelector::from_object(&json!({
            "matchLabels": {"app": "nginx"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["b", "a"]},
                                 {"key": "canary", "operator": "DoesNotExist"}]
        }))
        .unwrap();
        assert_eq!(s.to_string(), "app=nginx,!canary,tier in (a,b)");
        assert!(s.matches(Some(&labels(json!({"app": "nginx", "tier": "a"})))));
        assert!(!s.matches(Some(&labels(json!({"app": "nginx", "tier": "c"})))));
        let e = LabelSelector::from_object(
            &json!({"matchExpressions": [{"key": "a", "operator": "Foo"}]}),
        )
        .unwrap_err();
        assert_eq!(e, "\"Foo\" is not a valid label selector operator");
        let e = LabelSelector::from_object(
            &json!({"matchExpressions": [{"key": "a", "operator": "In"}]}),
        )
        .unwrap_err();
        assert_eq!(e, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
        let e = LabelSelector::from_object(
            &json!({"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}),
        )
        .unwrap_err();
        assert_eq!(e, "values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist");
        let empty = LabelSelector::from_object(&json!({})).unwrap();
        assert!(empty.is_empty() && empty.matches(None));
        let nothing = LabelSelector::from_object(&Value::Null).unwrap();
        assert!(!nothing.is_empty() && !nothing.matches(Some(&labels(json!({"a": "b"})))));
    }

    #[test]
    fn field_parse_escape_and_string() {
        let f = FieldSelector::parse("metadata.name=web,status.phase!=Running").unwrap();
        assert_eq!(f.to_string(), "metadata.name=web,status.phase!=Running");
        let f = FieldSelector::parse("b==x,a=y").unwrap();
        assert_eq!(f.to_string(), "a=y,b=x");
        let f = FieldSelector::parse(r"metadata.name=a\,b\=c\\d").unwrap();
        assert_eq!(f.terms[0].value, r"a,b=c\d");
        assert_eq!(f.to_string(), r"metadata.name=a\,b\=c\\d");
        assert_eq!(
            FieldSelector::parse(r"a=b\x").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \x"
        );
        assert_eq!(
            FieldSelector::parse(r"a=b\").unwrap_err(),
            r"invalid field selector: invalid escape sequence: \"
        );
        assert_eq!(
            FieldSelector::parse("a=b=c").unwrap_err(),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            FieldSelector::parse("abc").unwrap_err(),
            "invalid selector: 'abc'; can't understand 'abc'"
        );
        assert!(FieldSelector::parse("").unwrap().is_empty());
    }

    #[test]
    fn field_validate_per_resource() {
        let f = FieldSelector::parse("spec.replicas=1").unwrap();
        assert_eq!(
            f.validate_for(&STATEFULSETS).unwrap_err(),
            "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
        assert_eq!(
            FieldSelector::parse("spec.foo=1")
                .unwrap()
                .validate_for(&PODS)
                .unwrap_err(),
            "field label not supported: spec.foo"
        );
        assert!(
            FieldSelector::parse("spec.nodeName=n1,status.phase=Running")
                .unwrap()
                .validate_for(&PODS)
                .is_ok()
        );
        assert!(FieldSelector::parse(
            "involvedObject.kind=StatefulSet,involvedObject.apiVersion=apps/v1"
        )
        .unwrap()
        .validate_for(&EVENTS)
        .is_ok());
        assert!(FieldSelector::parse("type=Opaque")
            .unwrap()
            .validate_for(&SECRETS)
            .is_ok());
        assert!(FieldSelector::parse("spec.unschedulable=false")
            .unwrap()
            .validate_for(&NODES)
            .is_ok());
        assert!(FieldSelector::parse("metadata.namespace=x")
            .unwrap()
            .validate_for(&NODES)
            .is_err());
    }

    #[test]
    fn field_matches() {
        let pod = json!({"metadata": {"name": "web-0", "namespace": "default"},
            "spec": {"nodeName": "n1"}, "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.1"}]}});
        let m = |s: &str| FieldSelector::parse(s).unwrap().matches(&PODS, &pod);
        assert!(m("metadata.name=web-0"));
        assert!(m("metadata.namespace=default,spec.nodeName=n1"));
        assert!(!m("spec.nodeName!=n1"));
        assert!(m("status.podIP=10.0.0.1"));
        assert!(m("spec.hostNetwork=false"));
        assert!(m("spec.schedulerName="));
        let ev = json!({"metadata": {"name": "e", "namespace": "default"},
            "involvedObject": {"kind": "StatefulSet", "name": "web", "apiVersion": "apps/v1"},
            "source": {"component": "statefulset-controller"}, "type": "Normal", "reason": "SuccessfulCreate"});
        let f = FieldSelector::parse("involvedObject.kind=StatefulSet,involvedObject.apiVersion=apps/v1,involvedObject.name=web").unwrap();
        assert!(f.matches(&EVENTS, &ev));
        assert!(FieldSelector::parse("source=statefulset-controller")
            .unwrap()
            .matches(&EVENTS, &ev));
        assert!(!FieldSelector::parse("involvedObject.name=db")
            .unwrap()
            .matches(&EVENTS, &ev));
        let ev1 = json!({"metadata": {"name": "e", "namespace": "default"},
            "regarding": {"kind": "StatefulSet", "name": "web"}, "reportingController": "statefulset-controller",
            "type": "Normal"});
        let f = FieldSelector::parse(
            "regarding.kind=StatefulSet,reportingController=statefulset-controller",
        )
        .unwrap();
        assert!(f.validate_for(&EVENTS_V1).is_ok());
        assert!(f.matches(&EVENTS_V1, &ev1));
        assert!(!FieldSelector::parse("regarding.name=db")
            .unwrap()
            .matches(&EVENTS_V1, &ev1));
        assert_eq!(
            FieldSelector::parse("involvedObject.kind=Pod")
                .unwrap()
                .validate_for(&EVENTS_V1)
                .unwrap_err(),
            "field label not supported: involvedObject.kind"
        );
        let sts = json!({"metadata": {"name": "web", "namespace": "default"}});
        assert!(FieldSelector::parse("metadata.name=web")
            .unwrap()
            .matches(&STATEFULSETS, &sts));
    }
}
