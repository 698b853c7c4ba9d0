//! A private metav1.LabelSelector evaluator and its canonical string form (the `selectors`
//! module is another component's; this one only serves validation and Scale.status.selector).
//! Upstream: staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go
//! (LabelSelectorAsSelector), pkg/labels/selector.go (Requirement.String, sorted by key).

use serde_json::{Map, Value};

#[derive(Debug, Clone)]
pub struct Req {
    pub key: String,
    pub op: String,
    pub values: Vec<String>,
}

/// The requirements of a LabelSelector object, sorted by key; Err when an operator is unknown.
pub fn requirements(sel: &Value) -> Result<Vec<Req>, String> {
    let mut reqs = Vec::new();
    if let Some(ml) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            reqs.push(Req {
                key: k.clone(),
                op: "=".into(),
                values: vec![v.as_str().unwrap_or_default().to_string()],
            });
        }
    }
    if let Some(me) = sel.get("matchExpressions").and_then(Value::as_array) {
        for e in me {
            let key = e
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let op = e
                .get("operator")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let mut values: Vec<String> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|v| v.as_str().unwrap_or_default().to_string())
                        .collect()
                })
                .unwrap_or_default();
            values.sort();
            values.dedup();
            let op = match op {
                "In" => "in",
                "NotIn" => "notin",
                "Exists" => "exists",
                "DoesNotExist" => "!",
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            };
            reqs.push(Req {
                key,
                op: op.into(),
                values,
            });
        }
    }
    reqs.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(reqs)
}

pub fn matches(reqs: &[Req], labels: Option<&Map<String, Value>>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    reqs.iter().all(|r| match r.op.as_str() {
        "=" | "in" => get(&r.key).is_some_and(|v| r.values.iter().any(|x| x == v)),
        "notin" => get(&r.key).is_none_or(|v| !r.values.iter().any(|x| x == v)),
        "exists" => get(&r.key).is_some(),
        "!" => get(&r.key).is_none(),
        _ => false,
    })
}

/// `app=nginx,tier in (a,b),!x,y`
pub fn to_string(reqs: &[Req]) -> String {
    reqs.iter()
        .map(|r| match r.op.as_str() {
            "=" => format!("{}={}", r.key, r.values.join(",")),
            "in" | "notin" => format!("{} {} ({})", r.key, r.op, r.values.join(",")),
            "exists" => r.key.clone(),
            _ => format!("!{}", r.key),
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_string_and_matching() {
        let sel = json!({"matchLabels": {"tier": "web", "app": "nginx"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "dev"]},
                                 {"key": "canary", "operator": "DoesNotExist"}]});
        let r = requirements(&sel).unwrap();
        assert_eq!(
            to_string(&r),
            "app=nginx,!canary,env in (dev,prod),tier=web"
        );
        let l = json!({"app": "nginx", "tier": "web", "env": "dev"});
        assert!(matches(&r, l.as_object()));
        let l = json!({"app": "nginx", "tier": "web", "env": "qa"});
        assert!(!matches(&r, l.as_object()));
    }
}
