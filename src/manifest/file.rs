//! `create -f`: a StatefulSet (and optionally its Service) from YAML or JSON — one document,
//! several documents, or a `List`. Anything else is rejected with the document it came from.

use anyhow::{anyhow, bail, Context, Result};
use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Service;

use super::service::headless_service;
use super::{validate, Plan};

/// Splits the text into objects (YAML documents, JSON, `kind: List` items).
pub fn parse_documents(text: &str, source: &str) -> Result<Vec<serde_json::Value>> {
    let docs: Vec<serde_json::Value> = super::yaml::documents(text)
        .map_err(|e| anyhow!("{source}: not valid YAML or JSON: {e}"))?;
    let mut out = Vec::new();
    for (i, json) in docs.into_iter().enumerate() {
        if !json.is_object() {
            bail!("{source}: document {} is not an object", i + 1);
        }
        let is_list = json
            .get("kind")
            .and_then(|k| k.as_str())
            .is_some_and(|k| k == "List" || k.ends_with("List"));
        if is_list {
            let items = json
                .get("items")
                .and_then(|i| i.as_array())
                .ok_or_else(|| anyhow!("{source}: document {} is a List without items", i + 1))?;
            out.extend(items.iter().cloned());
        } else {
            out.push(json);
        }
    }
    if out.is_empty() {
        bail!("{source}: no objects found");
    }
    Ok(out)
}

/// Turns the file's objects into a plan. `namespace` is the resolved namespace and
/// `namespace_explicit` says whether the user passed `-n`.
pub fn plan_from_documents(
    docs: Vec<serde_json::Value>,
    source: &str,
    namespace: &str,
    namespace_explicit: bool,
) -> Result<Plan> {
    let mut sts: Option<StatefulSet> = None;
    let mut svc: Option<Service> = None;
    let (mut sts_raw, mut svc_raw) = (None, None);
    for (i, doc) in docs.into_iter().enumerate() {
        let kind = doc
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_string();
        let api_version = doc
            .get("apiVersion")
            .and_then(|k| k.as_str())
            .unwrap_or("")
            .to_string();
        let what = format!("{source}: object {}", i + 1);
        match (api_version.as_str(), kind.as_str()) {
            ("apps/v1", "StatefulSet") => {
                if sts.is_some() {
                    bail!("{what}: a second StatefulSet; -f takes one StatefulSet (and optionally its Service)");
                }
                sts_raw = Some(doc.clone());
                sts = Some(
                    serde_json::from_value(doc)
                        .with_context(|| format!("{what}: not a valid apps/v1 StatefulSet"))?,
                );
            }
            ("v1", "Service") => {
                if svc.is_some() {
                    bail!("{what}: a second Service; -f takes one StatefulSet and at most one Service");
                }
                svc_raw = Some(doc.clone());
                svc = Some(
                    serde_json::from_value(doc)
                        .with_context(|| format!("{what}: not a valid v1 Service"))?,
                );
            }
            (_, "StatefulSet") => {
                bail!("{what}: apiVersion {api_version:?} is not served; use apps/v1")
            }
            (_, "") => {
                bail!("{what}: has no kind; expected kind: StatefulSet (apiVersion: apps/v1)")
            }
            (_, other) => {
                bail!("{what}: is a {other}; -f accepts a StatefulSet and optionally its Service")
            }
        }
    }
    let mut sts = sts.ok_or_else(|| {
        anyhow!("{source}: no StatefulSet found (kind: StatefulSet, apiVersion: apps/v1)")
    })?;
    sts.status = None;

    let name = sts
        .metadata
        .name
        .clone()
        .ok_or_else(|| anyhow!("{source}: the StatefulSet has no metadata.name"))?;
    validate::statefulset_name(&name)
        .map_err(|e| anyhow!("{source}: the StatefulSet name {name:?} {e}"))?;
    let ns = match (&sts.metadata.namespace, namespace_explicit) {
        (Some(obj_ns), true) if obj_ns != namespace => bail!(
            "{source}: the StatefulSet's namespace {obj_ns:?} does not match --namespace {namespace:?}; drop one of them"
        ),
        (Some(obj_ns), _) => obj_ns.clone(),
        (None, _) => namespace.to_string(),
    };
    sts.metadata.namespace = Some(ns.clone());

    let spec = sts
        .spec
        .as_mut()
        .ok_or_else(|| anyhow!("{source}: the StatefulSet has no spec"))?;
    let pod = spec
        .template
        .spec
        .as_ref()
        .ok_or_else(|| anyhow!("{source}: spec.template.spec is missing"))?;
    if pod.containers.is_empty() {
        bail!(
            "{source}: spec.template.spec.containers is empty; a pod needs at least one container"
        );
    }
    for c in &pod.containers {
        validate::dns1123_label(&c.name)
            .map_err(|e| anyhow!("{source}: container name {:?} {e}", c.name))?;
        if c.image.as_deref().is_none_or(|i| i.trim().is_empty()) {
            bail!("{source}: container {:?} has no image", c.name);
        }
    }
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    if let Some(ml) = &spec.selector.match_labels {
        for (k, v) in ml {
            if template_labels.get(k) != Some(v) {
                bail!("{source}: spec.selector does not match spec.template.metadata.labels ({k}={v} is missing from the template)");
            }
        }
    }
    if spec
        .selector
        .match_labels
        .as_ref()
        .is_none_or(|m| m.is_empty())
        && spec
            .selector
            .match_expressions
            .as_ref()
            .is_none_or(|m| m.is_empty())
    {
        bail!("{source}: spec.selector is empty; set spec.selector.matchLabels to the pod labels");
    }

    let (service, chosen) = match svc {
        Some(mut s) => {
            let sname = s
                .metadata
                .name
                .clone()
                .ok_or_else(|| anyhow!("{source}: the Service has no metadata.name"))?;
            validate::dns1123_label(&sname)
                .map_err(|e| anyhow!("{source}: the Service name {sname:?} {e}"))?;
            if let Some(s_ns) = &s.metadata.namespace {
                if s_ns != &ns {
                    bail!("{source}: the Service is in namespace {s_ns:?} but the StatefulSet in {ns:?}");
                }
            }
            s.metadata.namespace = Some(ns.clone());
            s.status = None;
            check_service_selects_pods(&s, &template_labels, source)?;
            match spec.service_name.as_deref() {
                Some(n) if !n.is_empty() && n != sname => bail!(
                    "{source}: spec.serviceName is {n:?} but the Service is named {sname:?}; make them equal"
                ),
                _ => spec.service_name = Some(sname),
            }
            (s, true)
        }
        None => {
            let chosen = spec.service_name.as_deref().is_some_and(|n| !n.is_empty());
            let sname = if chosen {
                spec.service_name.clone().unwrap()
            } else {
                name.clone()
            };
            spec.service_name = Some(sname.clone());
            (headless_service(&sts, &sname), chosen)
        }
    };
    Ok(Plan {
        statefulset: sts,
        service,
        service_name_chosen: chosen,
        statefulset_raw: sts_raw,
        service_raw: svc_raw,
    })
}

/// The governing Service of a StatefulSet gives its pods their DNS names only when it selects
/// them: every `key: value` of its selector must be a label of the pod template.
fn check_service_selects_pods(
    svc: &Service,
    template_labels: &std::collections::BTreeMap<String, String>,
    source: &str,
) -> Result<()> {
    let name = svc.metadata.name.as_deref().unwrap_or_default();
    let selector = svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.clone())
        .unwrap_or_default();
    if selector.is_empty() {
        bail!("{source}: the Service {name:?} has no spec.selector, so it selects none of the StatefulSet's pods; set it to the pod labels");
    }
    let missing: Vec<String> = selector
        .iter()
        .filter(|(k, v)| template_labels.get(*k) != Some(*v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if !missing.is_empty() {
        bail!(
            "{source}: the Service {name:?} does not select the StatefulSet's pods: its selector needs {} but the pod template's labels are {}",
            missing.join(","),
            labels_text(template_labels)
        );
    }
    Ok(())
}

fn labels_text(labels: &std::collections::BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "none".into();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// Puts back into `typed` (an object as this client serialized it) the fields of `raw` (the
/// same object as the user wrote it) that the typed structs dropped because they do not know
/// them: maps key by key, lists item by item when their lengths agree. `status` and nulls are
/// not put back.
pub fn restore_unknown_fields(typed: &mut serde_json::Value, raw: &serde_json::Value) {
    restore(typed, raw, true)
}

fn restore(typed: &mut serde_json::Value, raw: &serde_json::Value, top: bool) {
    use serde_json::Value;
    match (typed, raw) {
        (Value::Object(t), Value::Object(r)) => {
            for (k, rv) in r {
                if rv.is_null() || (top && k == "status") {
                    continue;
                }
                match t.get_mut(k) {
                    Some(tv) => restore(tv, rv, false),
                    None => {
                        t.insert(k.clone(), rv.clone());
                    }
                }
            }
        }
        (Value::Array(t), Value::Array(r)) if t.len() == r.len() => {
            for (tv, rv) in t.iter_mut().zip(r) {
                restore(tv, rv, false);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
        ports:
        - {name: http, containerPort: 80}
";

    fn plan(text: &str) -> Result<Plan> {
        plan_from_documents(parse_documents(text, "f.yaml")?, "f.yaml", "default", false)
    }

    #[test]
    fn single_statefulset_gets_a_headless_service() {
        let p = plan(STS).unwrap();
        assert_eq!(p.service_name(), "web");
        assert!(!p.service_name_chosen);
        let ports = p.service.spec.as_ref().unwrap().ports.clone().unwrap();
        assert_eq!(ports[0].name.as_deref(), Some("http"));
        assert_eq!(p.namespace(), "default");
    }

    #[test]
    fn multi_document_with_service() {
        let text = format!("{STS}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web-svc}}\nspec: {{clusterIP: None, selector: {{app: web}}}}\n");
        let p = plan(&text).unwrap();
        assert_eq!(p.service_name(), "web-svc");
        assert_eq!(
            p.statefulset.spec.as_ref().unwrap().service_name.as_deref(),
            Some("web-svc")
        );
    }

    #[test]
    fn json_list() {
        let sts: serde_json::Value = super::super::yaml::from_str(STS).unwrap();
        let list = serde_json::json!({"apiVersion": "v1", "kind": "List", "items": [sts]});
        let p = plan(&list.to_string()).unwrap();
        assert_eq!(p.name(), "web");
    }

    #[test]
    fn wrong_kinds_and_shapes_are_rejected() {
        let e = plan("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n").unwrap_err();
        assert!(e.to_string().contains("is a Deployment"), "{e}");
        let e = plan(&STS.replace("apps/v1", "apps/v1beta1")).unwrap_err();
        assert!(e.to_string().contains("use apps/v1"), "{e}");
        let e =
            plan(&STS.replace("matchLabels: {app: web}", "matchLabels: {app: other}")).unwrap_err();
        assert!(e.to_string().contains("selector"), "{e}");
        assert!(plan("a: [").is_err());
        assert!(plan("").is_err());
        let e = plan_from_documents(
            parse_documents(
                &STS.replace("name: web\n", "name: web\n  namespace: a\n"),
                "f",
            )
            .unwrap(),
            "f",
            "b",
            true,
        )
        .unwrap_err();
        assert!(e.to_string().contains("does not match"), "{e}");
    }

    #[test]
    fn deep_nesting_is_refused_quickly() {
        let deep_json = format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000));
        let deep_yaml = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        for text in [deep_json, deep_yaml] {
            let e = parse_documents(&text, "f").unwrap_err().to_string();
            assert!(e.contains("not valid YAML or JSON"), "{e}");
        }
        // Brackets inside quoted strings do not count; ordinary manifests pass.
        let quoted = format!(
            "{STS}  annotations: {{a: \"{}\", b: '{}'}}\n",
            "[".repeat(500),
            "{".repeat(500)
        );
        assert!(parse_documents(&quoted, "f").is_ok());
    }
}
