//! `--sort-by=<jsonpath>` as kubectl's (kubectl/pkg/cmd/get/sorter.go): the path is relaxed
//! (`.a.b`, `a.b`, `{.a.b}`), the first value it finds in each object is compared: numbers
//! numerically, strings that are both quantities by quantity (`100m` < `9` < `512Mi` < `1Gi`),
//! other strings byte by byte (kubectl 1.32: `a10` before `a9`; later sortorder.NaturalLess);
//! objects without the field sort first; a path no object has is an error.

use std::cmp::Ordering;

use anyhow::{anyhow, Result};
use serde_json::Value;

use super::jsonpath::{relaxed, JsonPath};

/// The order of `objects` (their indexes) sorted by `field`; stable for equal values.
pub fn order(objects: &[Value], field: &str) -> Result<Vec<usize>> {
    let expr = relaxed(field).map_err(|e| anyhow!("{e}"))?;
    let jp = JsonPath::parse(&expr).map_err(|e| anyhow!("error parsing {expr}: {e}"))?;
    let keys: Vec<Option<&Value>> = objects
        .iter()
        .map(|o| jp.values(o).map(|v| v.first().copied()))
        .collect::<Result<_, _>>()
        .map_err(|e| anyhow!("{e}"))?;
    if !objects.is_empty() && keys.iter().all(Option::is_none) {
        return Err(anyhow!(
            "couldn't find any field with path {expr:?} in the list of objects"
        ));
    }
    // An unsortable pair is kubectl's fatal "unsortable type"; found before sorting.
    let first = keys.iter().flatten().next();
    for k in keys.iter().flatten() {
        if let Some(f) = first {
            compare(f, k).map_err(|e| anyhow!("field {expr} is an unsortable type: {e}"))?;
        }
    }
    let mut idx: Vec<usize> = (0..objects.len()).collect();
    idx.sort_by(|&a, &b| match (keys[a], keys[b]) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => compare(x, y).unwrap_or(Ordering::Equal),
    });
    Ok(idx)
}

/// Sorts `items` (with their JSON) by `field`.
pub fn sort_by<T>(items: Vec<(T, Value)>, field: &str) -> Result<Vec<(T, Value)>> {
    let values: Vec<Value> = items.iter().map(|(_, v)| v.clone()).collect();
    let order = order(&values, field)?;
    let mut slots: Vec<Option<(T, Value)>> = items.into_iter().map(Some).collect();
    Ok(order.into_iter().filter_map(|i| slots[i].take()).collect())
}

fn compare(a: &Value, b: &Value) -> Result<Ordering, String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => Ok(x.cmp(&y)),
            (None, None) => Ok(x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(Ordering::Equal)),
            _ => Err("unsortable interface: int64 and float64".into()),
        },
        (Value::String(x), Value::String(y)) => Ok(match (quantity(x), quantity(y)) {
            (Some(p), Some(q)) => p.partial_cmp(&q).unwrap_or(Ordering::Equal),
            _ => x.cmp(y),
        }),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare(p, q)?;
                if o != Ordering::Equal {
                    return Ok(o);
                }
            }
            Ok(Ordering::Equal)
        }
        (Value::Bool(_), _) => Err("unsortable type: bool".into()),
        (Value::Object(_), _) => Err("unsortable type: map[string]interface {}".into()),
        _ => Err("unsortable interface".into()),
    }
}

fn quantity(s: &str) -> Option<f64> {
    crate::manifest::validate::quantity(s).ok()?;
    crate::manifest::create::quantity_value(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_sort_bytewise_as_kubectl_1_32() {
        let objs: Vec<Value> = ["a9", "a10", "b-1"]
            .iter()
            .map(|n| json!({"n": n}))
            .collect();
        assert_eq!(order(&objs, "n").unwrap(), [1, 0, 2]);
    }

    #[test]
    fn sorts_numbers_quantities_and_missing_first() {
        let objs = vec![
            json!({"n": "a", "r": 10, "q": "1Gi"}),
            json!({"n": "b", "r": 2, "q": "512Mi"}),
            json!({"n": "c"}),
        ];
        assert_eq!(order(&objs, ".r").unwrap(), [2, 1, 0]);
        assert_eq!(order(&objs, "{.q}").unwrap(), [2, 1, 0]);
        assert_eq!(order(&objs, "n").unwrap(), [0, 1, 2]);
        let e = order(&objs, ".nope").unwrap_err().to_string();
        assert_eq!(
            e,
            "couldn't find any field with path \"{.nope}\" in the list of objects"
        );
    }
}
