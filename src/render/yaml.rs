//! A YAML emitter for JSON values that writes what `kubectl -o yaml` writes. kubectl turns JSON
//! into YAML with sigs.k8s.io/yaml, whose go-yaml v2 fork decides the layout; this follows it:
//! keys in go-yaml's order (digit runs compared as numbers), sequences under a key not indented,
//! 2-space indent, and each string in the style go-yaml picks (encode.go `stringv`, emitterc.go
//! `yaml_emitter_analyze_scalar` / `select_scalar_style`): a string a YAML 1.1 reader would take
//! for a bool, null, number or timestamp is double-quoted (`"yes"`, `"0644"`,
//! `"2024-01-01T00:00:00Z"`), one that plain style cannot carry is single-quoted (`'a: b'`,
//! `'#x'`), a multi-line one is a literal block (`|-`), and one with characters YAML cannot
//! print is double-quoted with escapes. Long plain and quoted strings wrap at a space past
//! column 80, as go-yaml's emitter (best_width 80) does.

use std::cmp::Ordering;

use serde_json::{Map, Value};

/// go-yaml's preferred line width.
const BEST_WIDTH: usize = 80;

pub fn to_string(v: &Value) -> String {
    let mut out = String::new();
    match v {
        Value::Object(m) if !m.is_empty() => emit_map(m, 0, &mut out),
        Value::Array(a) if !a.is_empty() => emit_seq(a, 0, &mut out),
        other => {
            scalar(other, 0, &mut out);
            out.push('\n');
        }
    }
    out
}

fn emit_map(m: &Map<String, Value>, indent: usize, out: &mut String) {
    let keys: Vec<&String> = merge_sort(m.keys().collect());
    for (i, k) in keys.into_iter().enumerate() {
        let v = &m[k];
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        key(k, out);
        out.push(':');
        match v {
            Value::Object(child) if !child.is_empty() => {
                out.push('\n');
                emit_map(child, indent + 2, out);
            }
            Value::Array(items) if !items.is_empty() => {
                out.push('\n');
                emit_seq(items, indent, out);
            }
            other => {
                out.push(' ');
                scalar(other, indent + 2, out);
                out.push('\n');
            }
        }
    }
}

fn emit_seq(items: &[Value], indent: usize, out: &mut String) {
    for (i, item) in items.iter().enumerate() {
        // A sequence in a sequence starts on its parent's dash line: `- - a`.
        if i > 0 || !out.ends_with("- ") {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str("- ");
        match item {
            Value::Object(m) if !m.is_empty() => emit_map(m, indent + 2, out),
            Value::Array(a) if !a.is_empty() => emit_seq(a, indent + 2, out),
            other => {
                scalar(other, indent + 2, out);
                out.push('\n');
            }
        }
    }
}

/// A stable merge sort by [`key_order`], which (like go-yaml's) is not a total order for some
/// odd keys: std's sort may panic on such a comparator, this one just yields some order.
fn merge_sort(v: Vec<&String>) -> Vec<&String> {
    if v.len() <= 1 {
        return v;
    }
    let mut right = v;
    let left = right.drain(..right.len() / 2).collect();
    let (left, right) = (merge_sort(left), merge_sort(right));
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut l, mut r) = (left.into_iter().peekable(), right.into_iter().peekable());
    while let (Some(&a), Some(&b)) = (l.peek(), r.peek()) {
        if key_order(b, a) == Ordering::Less {
            out.push(b);
            r.next();
        } else {
            out.push(a);
            l.next();
        }
    }
    out.extend(l);
    out.extend(r);
    out
}

/// go-yaml v2's key order (sorter.go `keyList.Less`): rune by rune; two letters by code point;
/// a non-letter before a letter; otherwise the digit runs starting there compared as numbers.
fn key_order(a: &str, b: &str) -> Ordering {
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (ar[i].is_alphabetic(), br[i].is_alphabetic());
        if al && bl {
            return ar[i].cmp(&br[i]);
        }
        if al || bl {
            return if bl {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (mut an, mut bn) = (0u128, 0u128);
        if ar[i] == '0' || br[i] == '0' {
            // Inside a number that does not start with zeros, a zero is just a digit.
            if ar[..i]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_digit())
                .any(|&c| c != '0')
            {
                (an, bn) = (1, 1);
            }
        }
        let run = |r: &[char], n: &mut u128| {
            let mut end = i;
            while end < r.len() && r[end].is_ascii_digit() {
                *n = n
                    .wrapping_mul(10)
                    .wrapping_add(r[end] as u128 - '0' as u128);
                end += 1;
            }
            end
        };
        let (ai, bi) = (run(&ar, &mut an), run(&br, &mut bn));
        if an != bn {
            return an.cmp(&bn);
        }
        if ai != bi {
            return ai.cmp(&bi);
        }
        return ar[i].cmp(&br[i]);
    }
    ar.len().cmp(&br.len())
}

fn key(k: &str, out: &mut String) {
    // A key is in simple-key context: never wrapped, never a block scalar.
    let style = match style_of(k) {
        Style::Literal => Style::Double,
        s => s,
    };
    write_styled(k, style, 0, false, out);
}

/// A scalar whose continuation lines (wrapped or block) are indented by `indent`.
fn scalar(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => match (n.is_f64(), n.as_f64()) {
            (true, Some(f)) => out.push_str(&go_float(f)),
            _ => out.push_str(&n.to_string()),
        },
        Value::String(s) => write_styled(s, style_of(s), indent, true, out),
        Value::Object(_) => out.push_str("{}"),
        Value::Array(_) => out.push_str("[]"),
    }
}

/// A float as Go's `strconv.FormatFloat(f, 'g', -1, 64)` writes it (go-yaml's float encoding):
/// the shortest digits, with an exponent when it is below -4 or 6 and above (`1e+06`).
fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if (-4..6).contains(&exp) {
        format!("{f}")
    } else {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// The style go-yaml v2 writes a string value in: encode.go `stringv` asks for literal (a
/// newline), plain (the string reads back as a string) or double quotes; the emitter then falls
/// back from plain to single to double quotes, and from literal to double quotes, as the
/// analysis of the text allows.
fn style_of(s: &str) -> Style {
    let a = analyze(s);
    if s.contains('\n') {
        return if a.block_allowed {
            Style::Literal
        } else {
            Style::Double
        };
    }
    if resolves_to_non_string(s) || is_base60_float(s) {
        return Style::Double;
    }
    if a.block_plain_allowed {
        Style::Plain
    } else if a.single_quoted_allowed {
        Style::Single
    } else {
        Style::Double
    }
}

struct Analysis {
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// go-yaml's printable set: LF, ASCII 0x20..0x7E, U+00A0..U+D7FF, U+E000..U+FFFD except the
/// BOM (nothing beyond the BMP).
fn printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank_or_end(c: Option<&char>) -> bool {
    c.is_none_or(|&c| c == ' ' || c == '\t' || is_break(c))
}

/// emitterc.go `yaml_emitter_analyze_scalar`, for the block context.
fn analyze(s: &str) -> Analysis {
    let chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return Analysis {
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let mut block_indicators = s.starts_with("---") || s.starts_with("...");
    let (mut special, mut line_breaks) = (false, false);
    let (mut leading_space, mut leading_break, mut trailing_space, mut trailing_break) =
        (false, false, false, false);
    let (mut break_space, mut space_break, mut prev_space, mut prev_break) =
        (false, false, false, false);
    let mut preceded_by_ws = true;
    let last = chars.len() - 1;
    for (i, &c) in chars.iter().enumerate() {
        let followed_by_ws = is_blank_or_end(chars.get(i + 1));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_ws => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_ws => block_indicators = true,
                '#' if preceded_by_ws => block_indicators = true,
                _ => {}
            }
        }
        // U+2028/U+2029 are printable breaks; quoting them keeps this emitter simple.
        if !printable(c) || matches!(c, '\u{2028}' | '\u{2029}') {
            special = true;
        }
        if is_break(c) {
            line_breaks = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == last;
            break_space |= prev_break;
            (prev_space, prev_break) = (true, false);
        } else if is_break(c) {
            leading_break |= i == 0;
            trailing_break |= i == last;
            space_break |= prev_space;
            (prev_space, prev_break) = (false, true);
        } else {
            (prev_space, prev_break) = (false, false);
        }
        preceded_by_ws = c == ' ' || c == '\t' || is_break(c);
    }
    let mut a = Analysis {
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a = Analysis {
            block_plain_allowed: false,
            single_quoted_allowed: false,
            block_allowed: false,
        };
    }
    if line_breaks || block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// go-yaml v2 resolve.go: whether a plain scalar with this text reads back as something other
/// than a string (null, bool, int, float, timestamp, merge key).
fn resolves_to_non_string(s: &str) -> bool {
    const MAP: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "n", "N", "no",
        "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF", "~", "null", "Null", "NULL",
        ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf",
        "-.Inf", "-.INF",
    ];
    let Some(first) = s.chars().next() else {
        return true; // the empty string is null
    };
    // Only a first character with a resolve hint is looked at.
    if !matches!(
        first,
        '+' | '-' | '.' | '0'
            ..='9' | 'y' | 'Y' | 'n' | 'N' | 't' | 'T' | 'f' | 'F' | 'o' | 'O' | '~'
    ) {
        return false;
    }
    if MAP.contains(&s) {
        return true;
    }
    match first {
        '.' => is_dot_float(s),
        '+' | '-' | '0'..='9' => {
            let plain = s.replace('_', "");
            super::yaml11::is_timestamp(s)
                || is_go_int(&plain)
                || is_yaml_float(&plain)
                || is_binary(&plain)
        }
        _ => false,
    }
}

fn digits(s: &str, radix: u32) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_digit(radix))
}

/// Go's `strconv.ParseInt(s, 0, 64)` / `ParseUint` succeeding (range checked).
fn is_go_int(s: &str) -> bool {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (radix, ds) = if let Some(d) = body.strip_prefix("0x").or(body.strip_prefix("0X")) {
        (16, d)
    } else if let Some(d) = body.strip_prefix("0o").or(body.strip_prefix("0O")) {
        (8, d)
    } else if let Some(d) = body.strip_prefix("0b").or(body.strip_prefix("0B")) {
        (2, d)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if !digits(ds, radix) {
        return false;
    }
    match u64::from_str_radix(ds, radix) {
        Ok(n) => !neg || n <= i64::MAX as u64 + 1,
        Err(_) => false,
    }
}

/// resolve.go's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (num, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let num_ok = match num.split_once('.') {
        Some(("", frac)) => digits(frac, 10),
        Some((int, frac)) => digits(int, 10) && (frac.is_empty() || digits(frac, 10)),
        None => digits(num, 10),
    };
    num_ok && exp.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10))
}

/// A '.'-led plain scalar Go's `strconv.ParseFloat` accepts: `.5`, `.5e3`.
fn is_dot_float(s: &str) -> bool {
    is_yaml_float(s)
}

/// `0b1010` / `-0b1010`, which resolve.go parses separately.
fn is_binary(s: &str) -> bool {
    let b = s.strip_prefix('-').unwrap_or(s);
    b.strip_prefix("0b").is_some_and(|d| digits(d, 2))
}

/// encode.go `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let s = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (main, frac) = match s.split_once('.') {
        Some((m, f)) => (m, Some(f)),
        None => (s, None),
    };
    let mut parts = main.split(':');
    let head = parts.next().unwrap_or("");
    let head_ok = head.starts_with(|c: char| c.is_ascii_digit())
        && head.chars().all(|c| c.is_ascii_digit() || c == '_');
    let rest: Vec<&str> = parts.collect();
    head_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            matches!(p.len(), 1 | 2) && digits(p, 10) && (p.len() == 1 || p.as_bytes()[0] <= b'5')
        })
        && frac.is_none_or(|f| f.chars().all(|c| c.is_ascii_digit() || c == '_'))
}

/// Writes `s` in `style`; `indent` is where wrapped and block lines start.
fn write_styled(s: &str, style: Style, indent: usize, allow_breaks: bool, out: &mut String) {
    let mut column = out.len() - out.rfind('\n').map_or(0, |i| i + 1);
    column = out[out.len() - column..].chars().count();
    let chars: Vec<char> = s.chars().collect();
    let newline = |out: &mut String, column: &mut usize| {
        out.push('\n');
        out.push_str(&" ".repeat(indent));
        *column = indent;
    };
    match style {
        Style::Literal => {
            out.push('|');
            if chars[0] == ' ' || is_break(chars[0]) {
                out.push('2');
            }
            let n = chars.len();
            if !is_break(chars[n - 1]) {
                out.push('-');
            } else if n == 1 || is_break(chars[n - 2]) {
                out.push('+');
            }
            out.push('\n');
            let mut at_line_start = true;
            for &c in &chars {
                if c == '\n' {
                    out.push('\n');
                    at_line_start = true;
                } else {
                    if at_line_start {
                        out.push_str(&" ".repeat(indent));
                        at_line_start = false;
                    }
                    out.push(c);
                }
            }
            // The caller ends the line.
            if out.ends_with('\n') {
                out.pop();
            }
        }
        Style::Plain | Style::Single => {
            let single = style == Style::Single;
            if single {
                out.push('\'');
                column += 1;
            }
            let mut spaces = false;
            for (i, &c) in chars.iter().enumerate() {
                if c == ' ' {
                    let inner = !single || (i > 0 && i < chars.len() - 1);
                    if allow_breaks
                        && !spaces
                        && column > BEST_WIDTH
                        && inner
                        && chars.get(i + 1) != Some(&' ')
                    {
                        newline(out, &mut column);
                    } else {
                        out.push(' ');
                        column += 1;
                    }
                    spaces = true;
                } else {
                    if single && c == '\'' {
                        out.push('\'');
                        column += 1;
                    }
                    out.push(c);
                    column += 1;
                    spaces = false;
                }
            }
            if single {
                out.push('\'');
            }
        }
        Style::Double => {
            out.push('"');
            column += 1;
            let mut spaces = false;
            for (i, &c) in chars.iter().enumerate() {
                if !printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                    let esc = match c {
                        '\0' => "\\0".to_string(),
                        '\u{7}' => "\\a".into(),
                        '\u{8}' => "\\b".into(),
                        '\t' => "\\t".into(),
                        '\n' => "\\n".into(),
                        '\u{B}' => "\\v".into(),
                        '\u{C}' => "\\f".into(),
                        '\r' => "\\r".into(),
                        '\u{1B}' => "\\e".into(),
                        '"' => "\\\"".into(),
                        '\\' => "\\\\".into(),
                        '\u{85}' => "\\N".into(),
                        '\u{A0}' => "\\_".into(),
                        '\u{2028}' => "\\L".into(),
                        '\u{2029}' => "\\P".into(),
                        c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                        c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                        c => format!("\\U{:08X}", c as u32),
                    };
                    column += esc.len();
                    out.push_str(&esc);
                    spaces = false;
                } else if c == ' ' {
                    if allow_breaks
                        && !spaces
                        && column > BEST_WIDTH
                        && i > 0
                        && i < chars.len() - 1
                    {
                        newline(out, &mut column);
                        if chars.get(i + 1) == Some(&' ') {
                            out.push('\\');
                            column += 1;
                        }
                    } else {
                        out.push(' ');
                        column += 1;
                    }
                    spaces = true;
                } else {
                    out.push(c);
                    column += 1;
                    spaces = false;
                }
            }
            out.push('"');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_layout_and_yaml11_quoting() {
        let v = json!({"metadata": {"labels": {"app": "y", "on": "x"}, "name": "web"},
            "spec": {"containers": [{"name": "c", "args": ["1e3", "a: b", "-x", ""], "ports": []}], "n": 3, "ok": true}});
        let text = to_string(&v);
        assert_eq!(
            text,
            "metadata:\n  labels:\n    app: \"y\"\n    \"on\": x\n  name: web\nspec:\n  containers:\n  - args:\n    - \"1e3\"\n    - 'a: b'\n    - -x\n    - \"\"\n    name: c\n    ports: []\n  \"n\": 3\n  ok: true\n"
        );
        let back: serde_json::Value = crate::manifest::yaml::from_str(&text).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn go_yaml_details() {
        // Keys in go-yaml's order, digit runs as numbers; sequences of sequences inline.
        let v = json!({"k10": 1, "k9": 2, "a_b": 3, "aB": 4, "l": [[1, 2], [[3]]]});
        assert_eq!(
            to_string(&v),
            "a_b: 3\naB: 4\nk9: 2\nk10: 1\nl:\n- - 1\n  - 2\n- - - 3\n"
        );
        // Timestamps and octal-looking strings double-quoted, literal blocks with chomping.
        let v = json!({"t": "2024-01-01T00:00:00Z", "m": "0644", "s": "a\nb", "k": "a\n\n"});
        assert_eq!(
            to_string(&v),
            "k: |+\n  a\n\nm: \"0644\"\ns: |-\n  a\n  b\nt: \"2024-01-01T00:00:00Z\"\n"
        );
        // A long plain string wraps at the first space past column 80, indented under its key.
        let long = "word ".repeat(20).trim_end().to_string();
        let text = to_string(&json!({"key": long}));
        assert_eq!(text.lines().count(), 2, "{text}");
        assert!(text.lines().nth(1).unwrap().starts_with("  word"), "{text}");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-07");
        assert_eq!(go_float(2.5), "2.5");
        assert_eq!(go_float(1234567.5), "1.2345675e+06");
    }

    #[test]
    fn multiline_strings_round_trip() {
        let v = json!({"a": "line1\nline2", "b": "it's"});
        let back: serde_json::Value = crate::manifest::yaml::from_str(&to_string(&v)).unwrap();
        assert_eq!(back, v);
    }
}
