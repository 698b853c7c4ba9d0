//! Pure logic of `edit`: alias/description annotations (KubeSphere's `kubesphere.io/alias-name`,
//! `kubesphere.io/description`) and `--label`/`--annotation` KEY=VALUE / KEY- as one JSON merge
//! patch (RFC 7386: `null` removes a key).

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Map, Value};

use super::validate;

pub const ALIAS: &str = "kubesphere.io/alias-name";
pub const DESCRIPTION: &str = "kubesphere.io/description";

/// `KEY=VALUE` → (key, Some(value)); `KEY-` → (key, None).
pub fn parse_change(spec: &str, what: &str) -> Result<(String, Option<String>)> {
    if let Some((k, v)) = spec.split_once('=') {
        validate::label_key(k).map_err(|e| anyhow!("--{what} {spec:?}: key {e}"))?;
        if what == "label" {
            validate::label_value(v).map_err(|e| anyhow!("--{what} {spec:?}: value {e}"))?;
        }
        return Ok((k.to_string(), Some(v.to_string())));
    }
    if let Some(k) = spec.strip_suffix('-') {
        validate::label_key(k).map_err(|e| anyhow!("--{what} {spec:?}: key {e}"))?;
        return Ok((k.to_string(), None));
    }
    bail!("--{what} {spec:?}: expected KEY=VALUE, or KEY- to remove")
}

/// The merge patch. `alias`/`description` `Some("")` remove the annotation.
pub fn patch(
    alias: Option<&str>,
    description: Option<&str>,
    labels: &[String],
    annotations: &[String],
    pod_template: bool,
) -> Result<Value> {
    let to_map = |specs: &[String], what: &str| -> Result<Map<String, Value>> {
        let mut m = Map::new();
        for s in specs {
            let (k, v) = parse_change(s, what)?;
            if m.contains_key(&k) {
                bail!("--{what} {k:?} is given twice");
            }
            m.insert(k, v.map(Value::String).unwrap_or(Value::Null));
        }
        Ok(m)
    };
    let label_map = to_map(labels, "label")?;
    let ann_map = to_map(annotations, "annotation")?;
    let mut sts_ann = Map::new();
    for (key, v) in [(ALIAS, alias), (DESCRIPTION, description)] {
        if let Some(v) = v {
            if key == DESCRIPTION && v.chars().count() > 256 {
                bail!("--description is longer than 256 characters");
            }
            let value = if v.is_empty() { Value::Null } else { json!(v) };
            sts_ann.insert(key.into(), value);
        }
    }
    let meta_of = |labels: Map<String, Value>, ann: Map<String, Value>| {
        let mut m = Map::new();
        if !labels.is_empty() {
            m.insert("labels".into(), Value::Object(labels));
        }
        if !ann.is_empty() {
            m.insert("annotations".into(), Value::Object(ann));
        }
        m
    };
    let mut out = Map::new();
    if pod_template {
        let t = meta_of(label_map, ann_map);
        if !t.is_empty() {
            out.insert("spec".into(), json!({"template": {"metadata": t}}));
        }
        let m = meta_of(Map::new(), sts_ann);
        if !m.is_empty() {
            out.insert("metadata".into(), Value::Object(m));
        }
    } else {
        for (k, v) in ann_map {
            if sts_ann.contains_key(&k) {
                bail!("annotation {k:?} is given twice (--annotation and --alias/--description)");
            }
            sts_ann.insert(k, v);
        }
        let m = meta_of(label_map, sts_ann);
        if !m.is_empty() {
            out.insert("metadata".into(), Value::Object(m));
        }
    }
    if out.is_empty() {
        bail!("nothing to change: give --alias, --description, --label or --annotation");
    }
    Ok(Value::Object(out))
}

/// Labels the StatefulSet's selector matches on must not be removed or changed on the template.
pub fn check_selector(sts: &Value, patch: &Value) -> Result<()> {
    let Some(labels) = patch["spec"]["template"]["metadata"]["labels"].as_object() else {
        return Ok(());
    };
    if let Some(sel) = sts["spec"]["selector"]["matchLabels"].as_object() {
        for (k, v) in labels {
            if let Some(want) = sel.get(k) {
                if want != v {
                    bail!("label {k:?} of the pod template is used by the selector ({k}={}); changing or removing it would orphan the pods", want.as_str().unwrap_or_default());
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_merge_patch() {
        let p = patch(
            Some("Web"),
            Some(""),
            &["tier=front".into(), "old-".into()],
            &["a.io/x=1".into()],
            false,
        )
        .unwrap();
        assert_eq!(
            p,
            json!({"metadata": {
                "labels": {"tier": "front", "old": null},
                "annotations": {ALIAS: "Web", DESCRIPTION: null, "a.io/x": "1"}
            }})
        );
        let p = patch(None, None, &["v=2".into()], &[], true).unwrap();
        assert_eq!(
            p,
            json!({"spec": {"template": {"metadata": {"labels": {"v": "2"}}}}})
        );
    }

    #[test]
    fn bad_specs() {
        assert!(patch(None, None, &[], &[], false).is_err());
        assert!(patch(None, None, &["noeq".into()], &[], false).is_err());
        assert!(patch(None, None, &["bad key=1".into()], &[], false).is_err());
        assert!(patch(None, None, &["k=bad value".into()], &[], false).is_err());
    }

    #[test]
    fn selector_labels_protected() {
        let sts = json!({"spec": {"selector": {"matchLabels": {"app": "web"}}}});
        let p = patch(None, None, &["app-".into()], &[], true).unwrap();
        assert!(check_selector(&sts, &p).is_err());
        let p = patch(None, None, &["x=1".into()], &[], true).unwrap();
        assert!(check_selector(&sts, &p).is_ok());
    }
}
