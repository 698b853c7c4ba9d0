//! Pure logic of `env`: the variables of each container as rows (references shown as
//! references), parsing of `set`/`unset` arguments, and the strategic merge patch that changes
//! only the named container's `env` (keyed on `name`, with `$setElementOrder/env` and
//! `$patch: delete` items, the shape `kubectl set env` sends).

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::validate;

/// Where a variable's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Literal(String),
    SecretKey {
        name: String,
        key: String,
    },
    ConfigMapKey {
        name: String,
        key: String,
    },
    Field(String),
    Resource(String),
    /// `envFrom` of a whole Secret (with an optional prefix).
    AllOfSecret {
        name: String,
        prefix: String,
    },
    AllOfConfigMap {
        name: String,
        prefix: String,
    },
    Unknown,
}

impl Source {
    /// The reference as shown without `--reveal`; a literal shows its value.
    pub fn display(&self) -> String {
        match self {
            Source::Literal(v) => v.clone(),
            Source::SecretKey { name, key } => format!("secret/{name}:{key}"),
            Source::ConfigMapKey { name, key } => format!("configmap/{name}:{key}"),
            Source::Field(p) => format!("field:{p}"),
            Source::Resource(r) => format!("resource:{r}"),
            Source::AllOfSecret { name, .. } => format!("secret/{name} (all keys)"),
            Source::AllOfConfigMap { name, .. } => format!("configmap/{name} (all keys)"),
            Source::Unknown => "<unknown source>".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub container: String,
    /// The variable name; for `envFrom`, the prefix followed by `*`.
    pub name: String,
    pub source: Source,
}

/// All containers (init containers too, prefixed `init:`, native sidecars — init containers
/// with restartPolicy Always — `sidecar:`), optionally only one.
pub fn rows(sts: &Value, container: Option<&str>) -> Result<Vec<Row>> {
    let spec = &sts["spec"]["template"]["spec"];
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for (list, prefix) in [("initContainers", "init:"), ("containers", "")] {
        for c in spec[list].as_array().into_iter().flatten() {
            let cname = c["name"].as_str().unwrap_or_default();
            seen.push(cname.to_string());
            if container.is_some_and(|want| want != cname) {
                continue;
            }
            let prefix = if c["restartPolicy"] == "Always" && list == "initContainers" {
                "sidecar:"
            } else {
                prefix
            };
            let shown = format!("{prefix}{cname}");
            for e in c["envFrom"].as_array().into_iter().flatten() {
                let p = e["prefix"].as_str().unwrap_or_default().to_string();
                let source = if let Some(n) = e["secretRef"]["name"].as_str() {
                    Source::AllOfSecret {
                        name: n.into(),
                        prefix: p.clone(),
                    }
                } else if let Some(n) = e["configMapRef"]["name"].as_str() {
                    Source::AllOfConfigMap {
                        name: n.into(),
                        prefix: p.clone(),
                    }
                } else {
                    Source::Unknown
                };
                out.push(Row {
                    container: shown.clone(),
                    name: format!("{p}*"),
                    source,
                });
            }
            for e in c["env"].as_array().into_iter().flatten() {
                out.push(Row {
                    container: shown.clone(),
                    name: e["name"].as_str().unwrap_or_default().to_string(),
                    source: source_of(e),
                });
            }
        }
    }
    if let Some(want) = container {
        if !seen.iter().any(|s| s == want) {
            bail!(
                "no container {want:?} in the pod template (containers: {})",
                seen.join(", ")
            );
        }
    }
    Ok(out)
}

fn source_of(e: &Value) -> Source {
    if let Some(v) = e.get("value").and_then(Value::as_str) {
        return Source::Literal(v.into());
    }
    let vf = &e["valueFrom"];
    let name_key = |r: &Value| {
        (
            r["name"].as_str().unwrap_or_default().to_string(),
            r["key"].as_str().unwrap_or_default().to_string(),
        )
    };
    if vf["secretKeyRef"].is_object() {
        let (name, key) = name_key(&vf["secretKeyRef"]);
        Source::SecretKey { name, key }
    } else if vf["configMapKeyRef"].is_object() {
        let (name, key) = name_key(&vf["configMapKeyRef"]);
        Source::ConfigMapKey { name, key }
    } else if let Some(p) = vf["fieldRef"]["fieldPath"].as_str() {
        Source::Field(p.into())
    } else if let Some(r) = vf["resourceFieldRef"]["resource"].as_str() {
        Source::Resource(r.into())
    } else if e.get("valueFrom").is_none() {
        Source::Literal(String::new())
    } else {
        Source::Unknown
    }
}

/// One variable to set: its name and the env item.
#[derive(Debug, Clone, PartialEq)]
pub struct SetVar {
    pub name: String,
    pub item: Value,
}

/// `K=V`, `--from-secret [VAR=]SECRET:KEY`, `--from-configmap [VAR=]CM:KEY`.
pub fn parse_set(
    vars: &[String],
    secrets: &[String],
    configmaps: &[String],
) -> Result<Vec<SetVar>> {
    let mut out: Vec<SetVar> = Vec::new();
    for spec in vars {
        let (k, v) = spec
            .split_once('=')
            .ok_or_else(|| anyhow!("{spec:?}: expected NAME=VALUE"))?;
        check_name(k)?;
        out.push(SetVar {
            name: k.into(),
            item: json!({"name": k, "value": v}),
        });
    }
    for (specs, field) in [(secrets, "secretKeyRef"), (configmaps, "configMapKeyRef")] {
        for spec in specs {
            let (var, rest) = match spec.split_once('=') {
                Some((v, r)) => (Some(v.to_string()), r),
                None => (None, spec.as_str()),
            };
            let (obj, key) = rest
                .split_once(':')
                .filter(|(o, k)| !o.is_empty() && !k.is_empty())
                .ok_or_else(|| anyhow!("{spec:?}: expected NAME:KEY or VAR=NAME:KEY"))?;
            let var = var.unwrap_or_else(|| key_to_var(key));
            check_name(&var)?;
            out.push(SetVar {
                name: var.clone(),
                item: json!({"name": var, "valueFrom": {field: {"name": obj, "key": key}}}),
            });
        }
    }
    if out.is_empty() {
        bail!("nothing to set: give NAME=VALUE, --from-secret or --from-configmap");
    }
    for (i, v) in out.iter().enumerate() {
        if out[..i].iter().any(|o| o.name == v.name) {
            bail!("variable {:?} is given twice", v.name);
        }
    }
    Ok(out)
}

/// kubectl set env --from: the key upper-cased, characters not allowed in a name become `_`.
pub fn key_to_var(key: &str) -> String {
    key.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

pub fn check_name(name: &str) -> Result<()> {
    validate::env_name(name).map_err(|e| anyhow!("invalid variable name {name:?}: {e}"))
}

/// The pod template list (`containers` or `initContainers`) that holds the named container
/// (names are unique across both lists).
fn list_of(sts: &Value, container: &str) -> &'static str {
    let spec = &sts["spec"]["template"]["spec"];
    let found = |list: &str| {
        spec[list]
            .as_array()
            .is_some_and(|a| a.iter().any(|c| c["name"] == container))
    };
    if !found("containers") && found("initContainers") {
        "initContainers"
    } else {
        "containers"
    }
}

/// The container a change applies to: the named one (a container, an init container or a
/// native sidecar), else the first container.
pub fn target_container(sts: &Value, container: Option<&str>) -> Result<(String, Vec<Value>)> {
    let spec = &sts["spec"]["template"]["spec"];
    let containers = spec["containers"].as_array().cloned().unwrap_or_default();
    let all: Vec<Value> = containers
        .iter()
        .chain(spec["initContainers"].as_array().into_iter().flatten())
        .cloned()
        .collect();
    let c = match container {
        Some(want) => all.iter().find(|c| c["name"] == want).ok_or_else(|| {
            let names: Vec<&str> = all.iter().filter_map(|c| c["name"].as_str()).collect();
            anyhow!(
                "no container {want:?} in the pod template (containers: {})",
                names.join(", ")
            )
        })?,
        None => containers
            .first()
            .ok_or_else(|| anyhow!("the pod template has no containers"))?,
    };
    let name = c["name"].as_str().unwrap_or_default().to_string();
    let env = c["env"].as_array().cloned().unwrap_or_default();
    Ok((name, env))
}

/// The env list after the change: changed items in place, new ones appended, removed dropped.
pub fn apply(env: &[Value], set: &[SetVar], unset: &[String]) -> Result<Vec<Value>> {
    for u in unset {
        if !env.iter().any(|e| e["name"] == u.as_str()) {
            let names: Vec<&str> = env.iter().filter_map(|e| e["name"].as_str()).collect();
            bail!(
                "there is no variable {u:?} in the container (it has: {})",
                if names.is_empty() {
                    "none".to_string()
                } else {
                    names.join(", ")
                }
            );
        }
    }
    let mut out: Vec<Value> = env
        .iter()
        .filter(|e| !unset.iter().any(|u| e["name"] == u.as_str()))
        .map(|e| {
            set.iter()
                .find(|s| e["name"] == s.name.as_str())
                .map(|s| s.item.clone())
                .unwrap_or_else(|| e.clone())
        })
        .collect();
    for s in set {
        if !out.iter().any(|e| e["name"] == s.name.as_str()) {
            out.push(s.item.clone());
        }
    }
    Ok(out)
}

/// The strategic merge patch from `before` to `after` for one container, keeping the order of
/// the other containers (`$setElementOrder/containers`).
pub fn patch(sts: &Value, container: &str, before: &[Value], after: &[Value]) -> Value {
    let list = list_of(sts, container);
    let order: Vec<Value> = sts["spec"]["template"]["spec"][list]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json!({"name": c["name"]}))
        .collect();
    let mut items: Vec<Value> = Vec::new();
    for a in after {
        let old = before.iter().find(|b| b["name"] == a["name"]);
        if old == Some(a) {
            continue;
        }
        let mut item = a.as_object().cloned().unwrap_or_default();
        if let Some(old) = old {
            // Switching between value and valueFrom: the other one must go.
            for k in ["value", "valueFrom"] {
                if old.get(k).is_some() && a.get(k).is_none() {
                    item.insert(k.into(), Value::Null);
                }
            }
        }
        items.push(Value::Object(item));
    }
    for b in before {
        if !after.iter().any(|a| a["name"] == b["name"]) {
            items.push(json!({"name": b["name"], "$patch": "delete"}));
        }
    }
    let mut c = Map::new();
    c.insert(
        "$setElementOrder/env".into(),
        Value::Array(after.iter().map(|a| json!({"name": a["name"]})).collect()),
    );
    c.insert("env".into(), Value::Array(items));
    c.insert("name".into(), json!(container));
    let mut spec = Map::new();
    spec.insert(format!("$setElementOrder/{list}"), Value::Array(order));
    spec.insert(list.to_string(), json!([Value::Object(c)]));
    json!({"spec": {"template": {"spec": spec}}})
}

/// Standard base64 (Secret `data` values), as the API server encodes `[]byte`.
pub fn base64_decode(s: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    Ok(base64::engine::general_purpose::STANDARD.decode(s.trim())?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sts() -> Value {
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": "app", "env": [
                {"name": "A", "value": "1"},
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db-creds", "key": "password"}}},
            ], "envFrom": [{"configMapRef": {"name": "cfg"}, "prefix": "C_"}]},
            {"name": "side"}
        ]}}}})
    }

    #[test]
    fn rows_show_references() {
        let r = rows(&sts(), None).unwrap();
        let shown: Vec<(String, String)> = r
            .iter()
            .map(|r| (r.name.clone(), r.source.display()))
            .collect();
        assert_eq!(
            shown,
            vec![
                ("C_*".into(), "configmap/cfg (all keys)".into()),
                ("A".into(), "1".into()),
                ("PW".into(), "secret/db-creds:password".into()),
            ]
        );
        assert!(rows(&sts(), Some("nope")).is_err());
        assert!(rows(&sts(), Some("side")).unwrap().is_empty());
    }

    #[test]
    fn parse_set_specs() {
        let s = parse_set(
            &["X=a=b".into()],
            &["db-creds:pass-word".into()],
            &["V=cfg:k".into()],
        )
        .unwrap();
        assert_eq!(s[0].item, json!({"name": "X", "value": "a=b"}));
        assert_eq!(s[1].name, "PASS_WORD");
        assert_eq!(s[2].item["valueFrom"]["configMapKeyRef"]["key"], "k");
        assert!(parse_set(&["1X=a".into()], &[], &[]).is_err());
        assert!(parse_set(&["noequals".into()], &[], &[]).is_err());
        assert!(parse_set(&[], &["nokey".into()], &[]).is_err());
        assert!(parse_set(&["A=1".into(), "A=2".into()], &[], &[]).is_err());
    }

    #[test]
    fn patch_has_set_element_order_and_deletes() {
        let s = sts();
        let (c, env) = target_container(&s, None).unwrap();
        assert_eq!(c, "app");
        let set = parse_set(&["A=2".into(), "PW=plain".into(), "B=3".into()], &[], &[]).unwrap();
        let after = apply(&env, &set, &[]).unwrap();
        let p = patch(&s, &c, &env, &after);
        let pc = &p["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(pc["name"], "app");
        assert_eq!(
            pc["$setElementOrder/env"],
            json!([{"name": "A"}, {"name": "PW"}, {"name": "B"}])
        );
        assert_eq!(
            pc["env"][1],
            json!({"name": "PW", "value": "plain", "valueFrom": null})
        );
        assert_eq!(
            p["spec"]["template"]["spec"]["$setElementOrder/containers"],
            json!([{"name": "app"}, {"name": "side"}])
        );
        let after = apply(&env, &[], &["A".into()]).unwrap();
        let p = patch(&s, &c, &env, &after);
        assert_eq!(
            p["spec"]["template"]["spec"]["containers"][0]["env"],
            json!([{"name": "A", "$patch": "delete"}])
        );
        assert!(apply(&env, &[], &["NOPE".into()]).is_err());
    }

    #[test]
    fn base64() {
        assert_eq!(base64_decode("czNjcjN0").unwrap(), b"s3cr3t");
        assert_eq!(base64_decode("YQ==").unwrap(), b"a");
    }
}
