//! kubectl's JSONPath dialect (k8s.io/client-go/util/jsonpath: parser.go, jsonpath.go), which
//! is not RFC 9535: a template of literal text and `{…}` actions, `{range …}{end}` loops,
//! `{"\n"}` string literals, filters `[?(@.a == "x")]` with one comparison, `..` recursion,
//! `[start:end:step]` slices, unions `[0,2]` / `['a','b']`, `.*` and `[*]` wildcards. Results
//! are printed as client-go prints them: strings bare, maps and lists as compact JSON, the
//! results of one action joined by a space.
//!
//! Written here because the JSONPath crates implement RFC 9535 or Goessner's dialect, which
//! differ from kubectl's in template text, `range`, output and errors.

use std::cmp::Ordering;
use std::fmt::Write as _;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Text(String),
    /// `{expr}` (one or more comma-separated paths).
    Paths(Vec<Vec<Seg>>),
    Range(Vec<Seg>),
    End,
}

#[derive(Debug, Clone, PartialEq)]
enum Seg {
    Field(String),
    /// `.*` / `[*]`
    Wildcard,
    Recursive,
    /// `[a:b:c]` / `[n]` (end derived from n)
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
        single: bool,
    },
    /// `[0,2]`, `['a','b']`
    Union(Vec<Seg>),
    Filter(Box<Filter>),
}

#[derive(Debug, Clone, PartialEq)]
struct Filter {
    left: Operand,
    op: Option<String>,
    right: Operand,
}

#[derive(Debug, Clone, PartialEq)]
enum Operand {
    Path(Vec<Seg>),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct JsonPath {
    nodes: Vec<Node>,
    allow_missing_keys: bool,
}

impl JsonPath {
    pub fn parse(template: &str) -> Result<JsonPath, String> {
        Ok(JsonPath {
            nodes: parse_template(template)?,
            allow_missing_keys: true,
        })
    }

    /// kubectl's `--allow-missing-template-keys` (default true): false makes a missing field an
    /// error (`x is not found`).
    pub fn allow_missing_keys(mut self, allow: bool) -> JsonPath {
        self.allow_missing_keys = allow;
        self
    }

    /// The template's text with the results filled in.
    pub fn execute(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        for results in self.find_results(data)? {
            print_results(&mut out, &results);
        }
        Ok(out)
    }

    /// `-o jsonpath-as-json` (client-go's PrintResults with EnableJSONOutput): each action's
    /// results (a text's its text) as one JSON array, as encoding/json's MarshalIndent with
    /// four spaces writes it, then a newline.
    pub fn execute_as_json(&self, data: &Value) -> Result<String, String> {
        let mut out = String::new();
        for results in self.find_results(data)? {
            let array = match results {
                Results::Text(t) => vec![Value::String(t)],
                Results::Values(v) => v.into_iter().cloned().collect(),
            };
            indent_json(&mut out, &go_json(&Value::Array(array)));
            out.push('\n');
        }
        Ok(out)
    }

    /// The values each action yields, in order (client-go's FindResults).
    pub fn find_results<'a>(&self, data: &'a Value) -> Result<Vec<Results<'a>>, String> {
        let mut i = 0;
        self.block(&self.nodes, &mut i, Some(data))
    }

    /// The values of a single-path template (`{.a.b}`), for sorting and custom columns.
    pub fn values<'a>(&self, data: &'a Value) -> Result<Vec<&'a Value>, String> {
        let mut out = Vec::new();
        for r in self.find_results(data)? {
            if let Results::Values(v) = r {
                out.extend(v);
            }
        }
        Ok(out)
    }

    /// Walks nodes from `*i` until the matching `{end}` (or the end), for one current value.
    fn block<'a>(
        &self,
        nodes: &[Node],
        i: &mut usize,
        cur: Option<&'a Value>,
    ) -> Result<Vec<Results<'a>>, String> {
        let mut out = Vec::new();
        while *i < nodes.len() {
            let node = &nodes[*i];
            *i += 1;
            match node {
                Node::Text(t) => out.push(Results::Text(t.clone())),
                Node::End => return Ok(out),
                Node::Paths(paths) => {
                    let mut vals = Vec::new();
                    for p in paths {
                        vals.extend(self.walk(cur.into_iter().collect(), p)?);
                    }
                    out.push(Results::Values(vals));
                }
                Node::Range(p) => {
                    let items = self.walk(cur.into_iter().collect(), p)?;
                    let body = *i;
                    if items.is_empty() {
                        // Skip to the matching end.
                        self.block(nodes, i, None)?;
                    }
                    for item in items {
                        *i = body;
                        out.extend(self.block(nodes, i, Some(item))?);
                    }
                }
            }
        }
        Ok(out)
    }

    fn walk<'a>(&self, mut cur: Vec<&'a Value>, segs: &[Seg]) -> Result<Vec<&'a Value>, String> {
        for seg in segs {
            cur = self.step(cur, seg)?;
        }
        Ok(cur)
    }

    fn step<'a>(&self, input: Vec<&'a Value>, seg: &Seg) -> Result<Vec<&'a Value>, String> {
        let mut out = Vec::new();
        match seg {
            Seg::Field(name) => {
                for v in input {
                    if let Value::Object(m) = v {
                        if let Some(x) = m.get(name) {
                            out.push(x);
                        }
                    }
                }
                if out.is_empty() && !self.allow_missing_keys {
                    return Err(format!("{name} is not found"));
                }
            }
            Seg::Wildcard => {
                for v in input {
                    match v {
                        Value::Object(m) => out.extend(sorted_values(m)),
                        Value::Array(a) => out.extend(a.iter()),
                        _ => {}
                    }
                }
            }
            Seg::Recursive => {
                for v in input {
                    recurse(v, &mut out);
                }
            }
            Seg::Slice {
                start,
                end,
                step,
                single,
            } => {
                for v in input {
                    if v.is_null() {
                        continue;
                    }
                    let Value::Array(a) = v else {
                        return Err(format!("{} is not array or slice", go_type(v)));
                    };
                    out.extend(slice(a, *start, *end, *step, *single)?);
                }
            }
            Seg::Union(parts) => {
                for p in parts {
                    out.extend(self.step(input.clone(), p)?);
                }
            }
            Seg::Filter(f) => {
                for v in input {
                    if v.is_null() {
                        continue;
                    }
                    let Value::Array(a) = v else {
                        return Err(format!(
                            "{} is not array or slice and cannot be filtered",
                            go_text(v)
                        ));
                    };
                    for item in a {
                        if self.filter_passes(f, item)? {
                            out.push(item);
                        }
                    }
                }
            }
        }
        Ok(out)
    }

    fn operand<'a>(&self, o: &'a Operand, item: &'a Value) -> Result<Vec<Lit<'a>>, String> {
        Ok(match o {
            Operand::Path(p) => self
                .walk(vec![item], p)?
                .into_iter()
                .map(Lit::Json)
                .collect(),
            Operand::Str(s) => vec![Lit::Str(s)],
            Operand::Int(n) => vec![Lit::Int(*n)],
            Operand::Float(f) => vec![Lit::Float(*f)],
            Operand::Bool(b) => vec![Lit::Bool(*b)],
            Operand::None => vec![],
        })
    }

    fn filter_passes(&self, f: &Filter, item: &Value) -> Result<bool, String> {
        let Some(op) = &f.op else {
            // Existence: an error (a missing key) counts as absent.
            return Ok(self
                .operand(&f.left, item)
                .map(|l| !l.is_empty())
                .unwrap_or(false));
        };
        let lefts = self.operand(&f.left, item)?;
        let left = match lefts.as_slice() {
            [] => return Ok(false),
            [l] => l.clone(),
            _ => return Err("can only compare one element at a time".into()),
        };
        let rights = self.operand(&f.right, item)?;
        let right = match rights.as_slice() {
            [] => return Ok(false),
            [r] => r.clone(),
            _ => return Err("can only compare one element at a time".into()),
        };
        let ord = compare(&left, &right)?;
        let ordered = || ord.ok_or_else(|| "invalid type for comparison".to_string());
        Ok(match op.as_str() {
            "==" => ord == Some(Ordering::Equal),
            "!=" => ord != Some(Ordering::Equal),
            "<" => ordered()? == Ordering::Less,
            ">" => ordered()? == Ordering::Greater,
            "<=" => ordered()? != Ordering::Greater,
            ">=" => ordered()? != Ordering::Less,
            other => return Err(format!("unrecognized filter operator {other}")),
        })
    }
}

/// One action's output: literal text, or the values found.
#[derive(Debug, Clone)]
pub enum Results<'a> {
    Text(String),
    Values(Vec<&'a Value>),
}

#[derive(Debug, Clone)]
enum Lit<'a> {
    Json(&'a Value),
    Str(&'a str),
    Int(i64),
    Float(f64),
    Bool(bool),
}

enum Kind<'a> {
    Int(i64),
    Float(f64),
    Str(&'a str),
    Bool(bool),
    Other,
}

fn kind<'a>(l: &Lit<'a>) -> Kind<'a> {
    match l {
        Lit::Str(s) => Kind::Str(s),
        Lit::Int(n) => Kind::Int(*n),
        Lit::Float(f) => Kind::Float(*f),
        Lit::Bool(b) => Kind::Bool(*b),
        Lit::Json(Value::String(s)) => Kind::Str(s),
        Lit::Json(Value::Bool(b)) => Kind::Bool(*b),
        Lit::Json(Value::Number(n)) => match n.as_i64() {
            Some(i) => Kind::Int(i),
            None => Kind::Float(n.as_f64().unwrap_or(f64::NAN)),
        },
        Lit::Json(_) => Kind::Other,
    }
}

/// The comparison of the forked text/template functions client-go uses: values of one basic
/// kind compare, others are an error; `None` for kinds without an order (bools).
fn compare(a: &Lit, b: &Lit) -> Result<Option<Ordering>, String> {
    Ok(match (kind(a), kind(b)) {
        (Kind::Int(x), Kind::Int(y)) => Some(x.cmp(&y)),
        (Kind::Float(x), Kind::Float(y)) => x.partial_cmp(&y),
        (Kind::Str(x), Kind::Str(y)) => Some(x.cmp(y)),
        (Kind::Bool(x), Kind::Bool(y)) => (x == y).then_some(Ordering::Equal),
        _ => return Err("incompatible types for comparison".into()),
    })
}

fn sorted_values(m: &serde_json::Map<String, Value>) -> Vec<&Value> {
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort();
    keys.into_iter().map(|k| &m[k]).collect()
}

fn recurse<'a>(v: &'a Value, out: &mut Vec<&'a Value>) {
    let children: Vec<&Value> = match v {
        Value::Object(m) => sorted_values(m),
        Value::Array(a) => a.iter().collect(),
        _ => return,
    };
    if children.is_empty() {
        return;
    }
    out.push(v);
    for c in children {
        recurse(c, out);
    }
}

/// client-go's evalArray bounds rules.
fn slice(
    a: &[Value],
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
    single: bool,
) -> Result<Vec<&Value>, String> {
    let len = a.len() as i64;
    let mut s = start.unwrap_or(0);
    if s < 0 {
        s += len;
    }
    let mut e = match (end, single) {
        (_, true) => {
            let e = start.unwrap_or(0) + 1;
            if e <= 0 {
                e + len
            } else {
                e
            }
        }
        (Some(e), false) if e < 0 => e + len,
        (Some(e), false) => e,
        (None, false) => len,
    };
    if s == e {
        return Ok(vec![]);
    }
    if s >= len || s < 0 {
        return Err(format!(
            "array index out of bounds: index {s}, length {len}"
        ));
    }
    if e > len || e < 0 {
        return Err(format!(
            "array index out of bounds: index {}, length {len}",
            e - 1
        ));
    }
    if s > e {
        return Err(format!(
            "starting index {s} is greater than ending index {e}"
        ));
    }
    let step = match step {
        Some(st) if st <= 0 => return Err("step must be > 0".into()),
        Some(st) => st as usize,
        None => 1,
    };
    if e < s {
        e = s;
    }
    Ok(a[s as usize..e as usize].iter().step_by(step).collect())
}

/// Prints one action's results as client-go's PrintResults: maps and lists as compact JSON,
/// anything else as Go's `fmt.Print`, separated by a space.
fn print_results(out: &mut String, r: &Results) {
    match r {
        Results::Text(t) => out.push_str(t),
        Results::Values(vals) => {
            for (i, v) in vals.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                match v {
                    Value::Object(_) | Value::Array(_) => out.push_str(&go_json(v)),
                    _ => out.push_str(&go_text(v)),
                }
            }
        }
    }
}

/// A value as Go's `fmt.Sprint` prints what encoding/json decoded (kubectl's custom columns
/// and the text of JSONPath results): maps as `map[k:v …]` with sorted keys, lists as `[a b]`.
pub fn go_text(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.to_string(),
            None => match n.as_u64() {
                Some(u) => u.to_string(),
                None => go_float(n.as_f64().unwrap_or(f64::NAN)),
            },
        },
        Value::String(s) => s.clone(),
        Value::Array(a) => format!("[{}]", a.iter().map(go_text).collect::<Vec<_>>().join(" ")),
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            format!(
                "map[{}]",
                keys.iter()
                    .map(|k| format!("{k}:{}", go_text(&m[*k])))
                    .collect::<Vec<_>>()
                    .join(" ")
            )
        }
    }
}

/// Go's `%v` of a float64 (strconv's shortest 'g'): the exponent form when the decimal
/// exponent is below -4 or 6 and more (`1e+06`, `1.5e-05`), else plain (`123456`, `0.5`).
fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return "0".into();
    }
    let exp = f.abs().log10().floor() as i32;
    if !(-4..6).contains(&exp) {
        let s = format!("{f:e}");
        let (mant, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let sign = if e < 0 { '-' } else { '+' };
        return format!("{mant}e{sign}{:02}", e.abs());
    }
    format!("{f}")
}

/// encoding/json's Marshal: compact, map keys sorted, `<`, `>`, `&` escaped as \u003c….
pub fn go_json(v: &Value) -> String {
    let mut s = String::new();
    write_go_json(&mut s, v);
    s
}

/// encoding/json's Indent with no prefix and four spaces (MarshalIndent): a newline and the
/// depth's indent after `[`, `{` and `,`, before `]` and `}`; `: ` after keys; empty arrays
/// and objects stay `[]` and `{}`.
fn indent_json(out: &mut String, compact: &str) {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.extend(std::iter::repeat_n("    ", depth));
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '[' | '{' => {
                out.push(c);
                if matches!(chars.peek(), Some(']' | '}')) {
                    out.push(chars.next().unwrap_or_default());
                } else {
                    depth += 1;
                    newline(out, depth);
                }
            }
            ']' | '}' => {
                depth = depth.saturating_sub(1);
                newline(out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(out, depth);
            }
            ':' => out.push_str(": "),
            c => out.push(c),
        }
    }
}

fn write_go_json(s: &mut String, v: &Value) {
    match v {
        Value::Null => s.push_str("null"),
        Value::Bool(b) => s.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => s.push_str(&n.to_string()),
        Value::String(t) => write_go_string(s, t),
        Value::Array(a) => {
            s.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_go_json(s, x);
            }
            s.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            s.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                write_go_string(s, k);
                s.push(':');
                write_go_json(s, &m[*k]);
            }
            s.push('}');
        }
    }
}

fn write_go_string(s: &mut String, t: &str) {
    s.push('"');
    for c in t.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
}

fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "map[string]interface {}",
        Value::String(_) => "string",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        _ => "interface {}",
    }
}

/// kubectl's RelaxedJSONPathExpression (kubectl/pkg/cmd/get/customcolumn.go): `a.b`, `.a.b`,
/// `{a.b}` and `{.a.b}` all become `{.a.b}`.
pub fn relaxed(expr: &str) -> Result<String, String> {
    if expr.is_empty() {
        return Ok(String::new());
    }
    let inner = expr
        .strip_prefix('{')
        .and_then(|e| e.strip_suffix('}'))
        .unwrap_or(expr);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    if inner.is_empty() || inner.contains(['{', '}']) {
        return Err("unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'".into());
    }
    Ok(format!("{{.{inner}}}"))
}

// ---- parsing ----

fn parse_template(t: &str) -> Result<Vec<Node>, String> {
    let mut nodes = Vec::new();
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    let mut text = String::new();
    let mut depth = 0i32;
    while i < chars.len() {
        if chars[i] == '{' {
            if !text.is_empty() {
                nodes.push(Node::Text(std::mem::take(&mut text)));
            }
            // The action runs to the matching `}` outside quotes.
            let start = i + 1;
            let mut j = start;
            let mut quote: Option<char> = None;
            let mut level = 1;
            while j < chars.len() {
                let c = chars[j];
                match quote {
                    Some(q) => {
                        if c == '\\' {
                            j += 1;
                        } else if c == q {
                            quote = None;
                        }
                    }
                    None => match c {
                        '"' | '\'' => quote = Some(c),
                        '{' => level += 1,
                        '}' => {
                            level -= 1;
                            if level == 0 {
                                break;
                            }
                        }
                        _ => {}
                    },
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err("unclosed action".into());
            }
            let action: String = chars[start..j].iter().collect();
            let node = parse_action(action.trim())?;
            match node {
                Node::Range(_) => depth += 1,
                Node::End => {
                    depth -= 1;
                    if depth < 0 {
                        return Err("not in range, nothing to end".into());
                    }
                }
                _ => {}
            }
            nodes.push(node);
            i = j + 1;
        } else {
            text.push(chars[i]);
            i += 1;
        }
    }
    if !text.is_empty() {
        nodes.push(Node::Text(text));
    }
    Ok(nodes)
}

fn parse_action(a: &str) -> Result<Node, String> {
    if a == "end" {
        return Ok(Node::End);
    }
    if let Some(rest) = a.strip_prefix("range") {
        if rest.starts_with(char::is_whitespace) {
            return Ok(Node::Range(parse_path(rest.trim())?));
        }
    }
    if a.starts_with('"') || a.starts_with('\'') {
        let mut p = Parser::new(a);
        let s = p.quoted()?;
        if p.peek().is_some() {
            return Err(format!("unexpected text after string literal in {a:?}"));
        }
        return Ok(Node::Text(s));
    }
    let mut paths = Vec::new();
    let mut p = Parser::new(a);
    loop {
        paths.push(p.path()?);
        p.skip_ws();
        match p.peek() {
            Some(',') => {
                p.next();
                p.skip_ws();
            }
            None => break,
            Some(c) => return Err(format!("unrecognized character in action: {c:?}")),
        }
    }
    Ok(Node::Paths(paths))
}

fn parse_path(s: &str) -> Result<Vec<Seg>, String> {
    let mut p = Parser::new(s);
    let segs = p.path()?;
    p.skip_ws();
    if let Some(c) = p.peek() {
        return Err(format!("unrecognized character in action: {c:?}"));
    }
    Ok(segs)
}

struct Parser {
    c: Vec<char>,
    i: usize,
}

impl Parser {
    fn new(s: &str) -> Parser {
        Parser {
            c: s.chars().collect(),
            i: 0,
        }
    }
    fn peek(&self) -> Option<char> {
        self.c.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.c.get(self.i + k).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.i += 1;
        c
    }
    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.i += 1;
        }
    }

    /// A path: `@`/`$` (the current value), `.field`, `..field`, `[…]`, until a character
    /// that ends it (whitespace, an operator, `,`, `)`).
    fn path(&mut self) -> Result<Vec<Seg>, String> {
        let mut segs = Vec::new();
        if matches!(self.peek(), Some('@' | '$')) {
            self.next();
        }
        loop {
            match self.peek() {
                Some('.') => {
                    self.next();
                    if self.peek() == Some('.') {
                        self.next();
                        segs.push(Seg::Recursive);
                    }
                    if self.peek() == Some('*') {
                        self.next();
                        segs.push(Seg::Wildcard);
                        continue;
                    }
                    let name = self.field_name();
                    if !name.is_empty() {
                        segs.push(Seg::Field(name));
                    }
                }
                Some('[') => {
                    self.next();
                    segs.push(self.bracket()?);
                }
                Some(c) if segs.is_empty() && (c.is_alphanumeric() || c == '_') => {
                    // A bare first name (`{metadata.name}`) is a field of the current value.
                    let name = self.field_name();
                    segs.push(Seg::Field(name));
                }
                // Anything else (whitespace, `,`, `)`, an operator) ends the path.
                _ => break,
            }
        }
        Ok(segs)
    }

    fn field_name(&mut self) -> String {
        let mut name = String::new();
        while let Some(c) = self.peek() {
            if c == '\\' && self.peek_at(1).is_some() {
                self.next();
                name.push(self.next().unwrap_or_default());
                continue;
            }
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '/' | ':') {
                name.push(c);
                self.next();
            } else {
                break;
            }
        }
        name
    }

    fn quoted(&mut self) -> Result<String, String> {
        let q = self.next().ok_or("expected a string")?;
        let mut s = String::new();
        loop {
            match self.next() {
                None => return Err("unterminated quoted string".into()),
                Some('\\') => match self.next() {
                    Some('n') => s.push('\n'),
                    Some('t') => s.push('\t'),
                    Some('r') => s.push('\r'),
                    Some('\\') => s.push('\\'),
                    Some('"') => s.push('"'),
                    Some('\'') => s.push('\''),
                    Some(c) => {
                        s.push('\\');
                        s.push(c);
                    }
                    None => return Err("unterminated quoted string".into()),
                },
                Some(c) if c == q => return Ok(s),
                Some(c) => s.push(c),
            }
        }
    }

    fn bracket(&mut self) -> Result<Seg, String> {
        self.skip_ws();
        match self.peek() {
            Some('*') => {
                self.next();
                self.expect(']')?;
                Ok(Seg::Wildcard)
            }
            Some('?') => {
                self.next();
                self.expect('(')?;
                let f = self.filter()?;
                self.expect(')')?;
                self.expect(']')?;
                Ok(Seg::Filter(Box::new(f)))
            }
            Some('\'' | '"') => {
                let mut names = Vec::new();
                loop {
                    self.skip_ws();
                    names.push(Seg::Field(self.quoted()?));
                    self.skip_ws();
                    match self.next() {
                        Some(',') => continue,
                        Some(']') => break,
                        _ => return Err("expected ',' or ']' after a quoted name".into()),
                    }
                }
                Ok(if names.len() == 1 {
                    names.pop().unwrap_or(Seg::Wildcard)
                } else {
                    Seg::Union(names)
                })
            }
            _ => {
                let mut body = String::new();
                loop {
                    match self.next() {
                        None => return Err("unterminated array".into()),
                        Some(']') => break,
                        Some(c) => body.push(c),
                    }
                }
                let parts: Vec<Seg> = body
                    .split(',')
                    .map(|p| slice_spec(p.trim()))
                    .collect::<Result<_, _>>()?;
                Ok(if parts.len() == 1 {
                    parts.into_iter().next().unwrap_or(Seg::Wildcard)
                } else {
                    Seg::Union(parts)
                })
            }
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        self.skip_ws();
        match self.next() {
            Some(x) if x == c => Ok(()),
            other => Err(format!("expected {c:?}, found {other:?}")),
        }
    }

    fn filter(&mut self) -> Result<Filter, String> {
        self.skip_ws();
        let left = self.operand()?;
        self.skip_ws();
        let mut op = String::new();
        while let Some(c) = self.peek() {
            if matches!(c, '=' | '!' | '<' | '>') {
                op.push(c);
                self.next();
            } else {
                break;
            }
        }
        if op.is_empty() {
            return Ok(Filter {
                left,
                op: None,
                right: Operand::None,
            });
        }
        self.skip_ws();
        let right = self.operand()?;
        Ok(Filter {
            left,
            op: Some(op),
            right,
        })
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.peek() {
            Some('@' | '$' | '.' | '[') => Ok(Operand::Path(self.path()?)),
            Some('"' | '\'') => Ok(Operand::Str(self.quoted()?)),
            Some(_) => {
                let mut w = String::new();
                while let Some(c) = self.peek() {
                    if c.is_alphanumeric() || matches!(c, '.' | '-' | '+') {
                        w.push(c);
                        self.next();
                    } else {
                        break;
                    }
                }
                if let Ok(n) = w.parse::<i64>() {
                    Ok(Operand::Int(n))
                } else if let Ok(f) = w.parse::<f64>() {
                    Ok(Operand::Float(f))
                } else if w == "true" || w == "false" {
                    Ok(Operand::Bool(w == "true"))
                } else {
                    Err(format!("unrecognized identifier {w}"))
                }
            }
            None => Err("filter is missing its comparison".into()),
        }
    }
}

fn slice_spec(p: &str) -> Result<Seg, String> {
    let num = |s: &str| -> Result<Option<i64>, String> {
        let s = s.trim();
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse::<i64>()
                .map(Some)
                .map_err(|_| format!("invalid array index {s}"))
        }
    };
    let parts: Vec<&str> = p.split(':').collect();
    match parts.as_slice() {
        [one] => Ok(Seg::Slice {
            start: num(one)?,
            end: None,
            step: None,
            single: true,
        }),
        [a, b] => Ok(Seg::Slice {
            start: num(a)?,
            end: num(b)?,
            step: None,
            single: false,
        }),
        [a, b, c] => Ok(Seg::Slice {
            start: num(a)?,
            end: num(b)?,
            step: num(c)?,
            single: false,
        }),
        _ => Err(format!("invalid array index {p}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(t: &str, v: &Value) -> String {
        JsonPath::parse(t).unwrap().execute(v).unwrap()
    }

    fn list() -> Value {
        json!({"kind": "List", "items": [
            {"metadata": {"name": "web", "labels": {"app": "web", "tier": "fe"}},
             "spec": {"replicas": 3, "template": {"spec": {"containers": [
                 {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}]}}}},
            {"metadata": {"name": "db", "labels": {"app": "db"}},
             "spec": {"replicas": 1, "template": {"spec": {"containers": [
                 {"name": "pg", "image": "postgres:16"}, {"name": "exp", "image": "exp:1"}]}}}}
        ]})
    }

    #[test]
    fn wildcards_join_with_spaces() {
        assert_eq!(run("{.items[*].metadata.name}", &list()), "web db");
        assert_eq!(run("{.items[*].spec.replicas}", &list()), "3 1");
        assert_eq!(
            run("names: {.items[0].metadata.name}!", &list()),
            "names: web!"
        );
    }

    #[test]
    fn range_and_literals() {
        assert_eq!(
            run(
                r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.replicas}{"\n"}{end}"#,
                &list()
            ),
            "web\t3\ndb\t1\n"
        );
        // Nested range.
        assert_eq!(
            run(
                r#"{range .items[*]}{.metadata.name}:{range .spec.template.spec.containers[*]}[{.name}]{end};{end}"#,
                &list()
            ),
            "web:[nginx];db:[pg][exp];"
        );
        // An empty range skips its body.
        assert_eq!(run("a{range .nothing[*]}x{end}b", &list()), "ab");
    }

    #[test]
    fn filters() {
        assert_eq!(
            run(
                r#"{.items[?(@.metadata.name=="db")].spec.replicas}"#,
                &list()
            ),
            "1"
        );
        assert_eq!(
            run("{.items[?(@.spec.replicas > 1)].metadata.name}", &list()),
            "web"
        );
        assert_eq!(
            run(
                "{.items[*].spec.template.spec.containers[?(@.ports)].name}",
                &list()
            ),
            "nginx"
        );
        assert_eq!(
            run(
                "{.items[?(@.metadata.name != 'web')].metadata.name}",
                &list()
            ),
            "db"
        );
    }

    #[test]
    fn as_json_is_one_indented_array_per_action() {
        let v = json!({"items": [{"n": "a", "m": {"k": [1, 2], "e": {}}}, {"n": "<b>"}]});
        let jp = JsonPath::parse("n: {.items[*].n}{.items[0].m}{.nope}").unwrap();
        assert_eq!(
            jp.execute_as_json(&v).unwrap(),
            "[\n    \"n: \"\n]\n[\n    \"a\",\n    \"\\u003cb\\u003e\"\n]\n[\n    {\n        \"e\": {},\n        \"k\": [\n            1,\n            2\n        ]\n    }\n]\n[]\n"
        );
    }

    #[test]
    fn maps_and_lists_print_as_go_json() {
        assert_eq!(
            run("{.items[0].metadata.labels}", &list()),
            r#"{"app":"web","tier":"fe"}"#
        );
        assert_eq!(run("{.items[1].metadata.labels.*}", &list()), "db");
        assert_eq!(
            go_json(&json!({"a": "<&>"})),
            r#"{"a":"\u003c\u0026\u003e"}"#
        );
    }

    #[test]
    fn slices_unions_recursion() {
        let v = json!({"a": [1, 2, 3, 4, 5]});
        assert_eq!(run("{.a[1:3]}", &v), "2 3");
        assert_eq!(run("{.a[-1]}", &v), "5");
        assert_eq!(run("{.a[0:5:2]}", &v), "1 3 5");
        assert_eq!(run("{.a[0,4]}", &v), "1 5");
        assert_eq!(run("{..name}", &list()), "web nginx db pg exp");
        assert_eq!(
            run("{.items[0].metadata['name','labels']}", &list()),
            r#"web {"app":"web","tier":"fe"}"#
        );
        let e = JsonPath::parse("{.a[7]}").unwrap().execute(&v).unwrap_err();
        assert_eq!(e, "array index out of bounds: index 7, length 5");
    }

    #[test]
    fn missing_keys() {
        assert_eq!(run("{.items[*].nope}", &list()), "");
        let strict = JsonPath::parse("{.items[*].nope}")
            .unwrap()
            .allow_missing_keys(false);
        assert_eq!(strict.execute(&list()).unwrap_err(), "nope is not found");
    }

    #[test]
    fn escaped_dots_in_names() {
        let v = json!({"metadata": {"annotations": {"kubesphere.io/alias-name": "Main"}}});
        assert_eq!(
            run(r"{.metadata.annotations.kubesphere\.io/alias-name}", &v),
            "Main"
        );
        assert_eq!(
            run("{.metadata.annotations['kubesphere.io/alias-name']}", &v),
            "Main"
        );
    }

    #[test]
    fn relaxed_paths_and_go_text() {
        assert_eq!(relaxed("metadata.name").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed("{.metadata.name}").unwrap(), "{.metadata.name}");
        assert_eq!(relaxed(".a").unwrap(), "{.a}");
        assert!(relaxed("{a}{b}").is_err());
        assert_eq!(go_text(&json!({"b": 1, "a": [1, "x"]})), "map[a:[1 x] b:1]");
        assert_eq!(go_text(&json!(1000000.0)), "1e+06");
        assert_eq!(go_text(&json!(0.5)), "0.5");
    }
}
