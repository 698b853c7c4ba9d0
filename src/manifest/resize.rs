//! Pure logic of `resize-volume`: the plan (which template, which PVCs, old and new size) and
//! the object that recreates the StatefulSet (from the raw object: server-owned fields removed,
//! the template's size changed; every other field kept).

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Value};

use super::create::quantity_value;
use super::validate;

#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub index: usize,
    pub claim: String,
    pub old_size: String,
    pub new_size: String,
    pub storage_class: Option<String>,
    /// `<claim>-<sts>-<ordinal>` for every ordinal of the current replicas.
    pub pvcs: Vec<String>,
}

pub fn plan(sts: &Value, claim: &str, size: &str) -> Result<Plan> {
    validate::quantity(size).map_err(|e| anyhow!("size {size:?}: {e}"))?;
    let name = sts["metadata"]["name"].as_str().unwrap_or_default();
    let templates = sts["spec"]["volumeClaimTemplates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let index = templates
        .iter()
        .position(|t| t["metadata"]["name"] == claim)
        .ok_or_else(|| {
            let names: Vec<&str> = templates
                .iter()
                .filter_map(|t| t["metadata"]["name"].as_str())
                .collect();
            if names.is_empty() {
                anyhow!("statefulset {name:?} has no volumeClaimTemplates")
            } else {
                anyhow!(
                    "statefulset {name:?} has no volume claim template {claim:?} (it has: {})",
                    names.join(", ")
                )
            }
        })?;
    let t = &templates[index];
    let old_size = t["spec"]["resources"]["requests"]["storage"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if let (Some(o), Some(n)) = (quantity_value(&old_size), quantity_value(size)) {
        if n < o {
            bail!("{size} is smaller than the current {old_size}: volumes can only grow");
        }
    }
    let replicas = sts["spec"]["replicas"].as_i64().unwrap_or(1).max(0);
    let start = sts["spec"]["ordinals"]["start"].as_i64().unwrap_or(0);
    let pvcs = (start..start + replicas)
        .map(|i| format!("{claim}-{name}-{i}"))
        .collect();
    Ok(Plan {
        index,
        claim: claim.to_string(),
        old_size,
        new_size: size.to_string(),
        storage_class: t["spec"]["storageClassName"].as_str().map(str::to_string),
        pvcs,
    })
}

/// The template's size in a (possibly already recreated) StatefulSet.
pub fn template_size(sts: &Value, claim: &str) -> Option<String> {
    sts["spec"]["volumeClaimTemplates"]
        .as_array()?
        .iter()
        .find(|t| t["metadata"]["name"] == claim)?["spec"]["resources"]["requests"]["storage"]
        .as_str()
        .map(str::to_string)
}

/// Whether two quantities are the same amount (`1Gi` == `1024Mi`).
pub fn same_size(a: &str, b: &str) -> bool {
    a == b || matches!((quantity_value(a), quantity_value(b)), (Some(x), Some(y)) if x == y)
}

/// The body of the POST that recreates the StatefulSet.
pub fn recreate_body(sts: &Value, plan: &Plan) -> Value {
    let mut v = sts.clone();
    if let Some(m) = v.as_object_mut() {
        m.remove("status");
    }
    if let Some(meta) = v["metadata"].as_object_mut() {
        for k in [
            "uid",
            "resourceVersion",
            "creationTimestamp",
            "managedFields",
            "generation",
            "selfLink",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
            "finalizers",
        ] {
            meta.remove(k);
        }
    }
    v["spec"]["volumeClaimTemplates"][plan.index]["spec"]["resources"]["requests"]["storage"] =
        json!(plan.new_size);
    // The template's status is server-owned too.
    if let Some(t) = v["spec"]["volumeClaimTemplates"][plan.index].as_object_mut() {
        t.remove("status");
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sts() -> Value {
        json!({"apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "db", "uid": "u", "resourceVersion": "5", "finalizers": ["orphan"],
                "labels": {"app": "db"}},
            "spec": {"replicas": 2, "futureField": 1, "volumeClaimTemplates": [
                {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": "1Gi"}}},
                 "status": {"phase": "Pending"}}]},
            "status": {"replicas": 2}})
    }

    #[test]
    fn plan_lists_pvcs_and_refuses_shrinking() {
        let p = plan(&sts(), "data", "2Gi").unwrap();
        assert_eq!(p.pvcs, vec!["data-db-0", "data-db-1"]);
        assert_eq!(p.old_size, "1Gi");
        assert!(plan(&sts(), "data", "512Mi").is_err());
        assert!(plan(&sts(), "logs", "2Gi")
            .unwrap_err()
            .to_string()
            .contains("data"));
        assert!(plan(&sts(), "data", "lots").is_err());
    }

    #[test]
    fn recreate_keeps_unknown_fields() {
        let p = plan(&sts(), "data", "2Gi").unwrap();
        let b = recreate_body(&sts(), &p);
        assert!(b.get("status").is_none());
        assert!(b["metadata"].get("uid").is_none());
        assert!(b["metadata"].get("finalizers").is_none());
        assert_eq!(b["spec"]["futureField"], 1);
        assert_eq!(template_size(&b, "data").as_deref(), Some("2Gi"));
        assert!(same_size("1Gi", "1024Mi"));
    }
}
