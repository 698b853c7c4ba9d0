//! Pure logic of `edit-service`: `NAME:PORT[:TARGETPORT][/PROTOCOL]` specs applied to a
//! Service's `spec.ports` (matched by name; other fields of a port are kept).

use anyhow::{anyhow, bail, Result};
use serde_json::{json, Value};

use super::validate;

#[derive(Debug, Clone, PartialEq)]
pub struct PortSpec {
    pub name: String,
    pub port: i64,
    /// A number or a named container port.
    pub target: Option<Value>,
    pub protocol: String,
}

pub fn parse(spec: &str) -> Result<PortSpec> {
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, p)) => (r, p.to_ascii_uppercase()),
        None => (spec, "TCP".to_string()),
    };
    if !matches!(proto.as_str(), "TCP" | "UDP" | "SCTP") {
        bail!("--port {spec:?}: protocol must be TCP, UDP or SCTP");
    }
    let parts: Vec<&str> = rest.split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        bail!("--port {spec:?}: expected NAME:PORT[:TARGETPORT][/PROTOCOL]");
    }
    let name = parts[0];
    validate::port_name(name).map_err(|e| anyhow!("--port {spec:?}: the name {name:?} {e}"))?;
    let number = |s: &str, what: &str| -> Result<i64> {
        let n: i64 = s
            .parse()
            .map_err(|_| anyhow!("--port {spec:?}: {what} {s:?} is not a number"))?;
        if !(1..=65535).contains(&n) {
            bail!("--port {spec:?}: {what} must be between 1 and 65535");
        }
        Ok(n)
    };
    let port = number(parts[1], "the port")?;
    let target = match parts.get(2) {
        None => None,
        Some(t) if t.chars().all(|c| c.is_ascii_digit()) => {
            Some(json!(number(t, "the target port")?))
        }
        Some(t) => {
            validate::port_name(t)
                .map_err(|e| anyhow!("--port {spec:?}: the target port name {t:?} {e}"))?;
            Some(json!(t))
        }
    };
    Ok(PortSpec {
        name: name.to_string(),
        port,
        target,
        protocol: proto,
    })
}

/// The ports after adding/changing `set` and removing `remove`.
pub fn apply(ports: &[Value], set: &[PortSpec], remove: &[String]) -> Result<Vec<Value>> {
    for r in remove {
        if !ports.iter().any(|p| p["name"] == r.as_str()) {
            let names: Vec<&str> = ports.iter().filter_map(|p| p["name"].as_str()).collect();
            bail!(
                "the service has no port named {r:?} (ports: {})",
                names.join(", ")
            );
        }
        if set.iter().any(|s| &s.name == r) {
            bail!("port {r:?} is both set and removed");
        }
    }
    let mut out: Vec<Value> = ports
        .iter()
        .filter(|p| !remove.iter().any(|r| p["name"] == r.as_str()))
        .cloned()
        .collect();
    for s in set {
        let item = match out.iter_mut().find(|p| p["name"] == s.name.as_str()) {
            Some(p) => p,
            None => {
                out.push(json!({"name": s.name}));
                out.last_mut().expect("just pushed")
            }
        };
        item["port"] = json!(s.port);
        item["protocol"] = json!(s.protocol);
        item["targetPort"] = s.target.clone().unwrap_or(json!(s.port));
    }
    for (i, p) in out.iter().enumerate() {
        if out[..i]
            .iter()
            .any(|q| q["port"] == p["port"] && q["protocol"] == p["protocol"])
        {
            bail!(
                "port {}/{} would be used twice",
                p["port"],
                p["protocol"].as_str().unwrap_or("TCP")
            );
        }
    }
    if out.len() > 1
        && out
            .iter()
            .any(|p| p["name"].as_str().unwrap_or_default().is_empty())
    {
        bail!("every port needs a name when the service has more than one");
    }
    Ok(out)
}

/// Whether the Service `target` (a number or a port name) points at the container port `cp`.
fn targets(target: &Value, cp: &Value) -> bool {
    match target {
        Value::Number(_) => cp["containerPort"].as_i64() == target.as_i64(),
        Value::String(s) => cp["name"].as_str() == Some(s.as_str()),
        _ => false,
    }
}

/// The target of a Service port: `targetPort`, or `port` when it is unset.
fn target_of(p: &Value) -> Value {
    match &p["targetPort"] {
        Value::Null => p["port"].clone(),
        t => t.clone(),
    }
}

/// Names of the Service ports whose target no container port of any container exposes.
pub fn unexposed(svc_ports: &[Value], containers: &[Value]) -> Vec<String> {
    svc_ports
        .iter()
        .filter(|p| {
            let t = target_of(p);
            !containers.iter().any(|c| {
                c["ports"]
                    .as_array()
                    .is_some_and(|cps| cps.iter().any(|cp| targets(&t, cp)))
            })
        })
        .map(|p| p["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The container port changes that keep one container consistent with the Service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContainerPortPlan {
    /// New container ports `{name?, containerPort, protocol}`.
    pub add: Vec<Value>,
    /// `containerPort` numbers to delete.
    pub remove: Vec<i64>,
}

impl ContainerPortPlan {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// The container's ports after the plan.
    pub fn applied(&self, ports: &[Value]) -> Vec<Value> {
        let mut out: Vec<Value> = ports
            .iter()
            .filter(|cp| {
                !cp["containerPort"]
                    .as_i64()
                    .is_some_and(|n| self.remove.contains(&n))
            })
            .cloned()
            .collect();
        out.extend(self.add.iter().cloned());
        out
    }

    /// The strategic merge patch of the StatefulSet: container ports are merged by
    /// `containerPort` (patchMergeKey in k8s.io/api/core/v1/types.go), containers by `name`.
    pub fn patch(&self, container: &str) -> Value {
        let mut items: Vec<Value> = self.add.clone();
        items.extend(
            self.remove
                .iter()
                .map(|n| json!({"containerPort": n, "$patch": "delete"})),
        );
        json!({"spec": {"template": {"spec": {"containers": [
            {"name": container, "ports": items}
        ]}}}})
    }
}

/// Plan the container ports of one container (`cports`): every Service port the user set
/// (`set`, looked up in `after`) whose target the container does not expose gets a container
/// port; every removed Service port (`removed`) drops the container port it targeted unless a
/// port of `after` still targets it.
pub fn plan_container_ports(
    cports: &[Value],
    after: &[Value],
    set: &[PortSpec],
    removed: &[Value],
) -> ContainerPortPlan {
    let mut plan = ContainerPortPlan::default();
    for s in set {
        let Some(p) = after.iter().find(|p| p["name"] == s.name.as_str()) else {
            continue;
        };
        let t = target_of(p);
        let current = plan.applied(cports);
        if current.iter().any(|cp| targets(&t, cp)) {
            continue;
        }
        let (number, name) = match &t {
            Value::String(n) => (p["port"].as_i64().unwrap_or(s.port), n.clone()),
            _ => (t.as_i64().unwrap_or(s.port), s.name.clone()),
        };
        if current
            .iter()
            .any(|cp| cp["containerPort"].as_i64() == Some(number))
        {
            // The number is taken by another container port: a second entry with the same
            // containerPort would merge into it, so leave it to the user.
            continue;
        }
        let mut cp =
            json!({"containerPort": number, "protocol": p["protocol"].as_str().unwrap_or("TCP")});
        if !name.is_empty() && !current.iter().any(|c| c["name"] == name.as_str()) {
            cp["name"] = json!(name);
        }
        plan.add.push(cp);
    }
    for r in removed {
        let t = target_of(r);
        for cp in cports.iter().filter(|cp| targets(&t, cp)) {
            let still = after.iter().any(|p| targets(&target_of(p), cp));
            if let (false, Some(n)) = (still, cp["containerPort"].as_i64()) {
                if !plan.remove.contains(&n) {
                    plan.remove.push(n);
                }
            }
        }
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_adds_missing_container_ports() {
        let cports = vec![json!({"name": "web", "containerPort": 80, "protocol": "TCP"})];
        let before = vec![json!({"name": "web", "port": 80, "protocol": "TCP", "targetPort": 80})];
        let set = vec![
            parse("metrics:9090:9091").unwrap(),
            parse("web:8080:web").unwrap(),
        ];
        let after = apply(&before, &set, &[]).unwrap();
        let plan = plan_container_ports(&cports, &after, &set, &[]);
        assert_eq!(
            plan.add,
            vec![json!({"name": "metrics", "containerPort": 9091, "protocol": "TCP"})]
        );
        assert!(plan.remove.is_empty());
        // A named target that no container port has gets the service port's number.
        let set = vec![parse("adm:7000:admin/udp").unwrap()];
        let after = apply(&before, &set, &[]).unwrap();
        let plan = plan_container_ports(&cports, &after, &set, &[]);
        assert_eq!(
            plan.add,
            vec![json!({"name": "admin", "containerPort": 7000, "protocol": "UDP"})]
        );
        let patched = plan.patch("app");
        assert_eq!(
            patched["spec"]["template"]["spec"]["containers"][0]["name"],
            "app"
        );
        assert_eq!(plan.applied(&cports).len(), 2);
    }

    #[test]
    fn plan_removes_only_untargeted_container_ports() {
        let cports = vec![
            json!({"name": "web", "containerPort": 80}),
            json!({"name": "metrics", "containerPort": 9091}),
        ];
        let before = vec![
            json!({"name": "web", "port": 80, "targetPort": 80}),
            json!({"name": "m1", "port": 9090, "targetPort": 9091}),
            json!({"name": "m2", "port": 9092, "targetPort": "metrics"}),
        ];
        let after = apply(&before, &[], &["m1".into()]).unwrap();
        let plan = plan_container_ports(&cports, &after, &[], &[before[1].clone()]);
        assert!(plan.is_empty(), "m2 still targets 9091 by name: {plan:?}");
        let after = apply(&before, &[], &["m1".into(), "m2".into()]).unwrap();
        let plan = plan_container_ports(&cports, &after, &[], &before[1..]);
        assert_eq!(plan.remove, vec![9091]);
        assert_eq!(
            plan.patch("app")["spec"]["template"]["spec"]["containers"][0]["ports"][0],
            json!({"containerPort": 9091, "$patch": "delete"})
        );
        assert_eq!(plan.applied(&cports), vec![cports[0].clone()]);
        assert_eq!(
            unexposed(&before, &[json!({"ports": cports})]),
            Vec::<String>::new()
        );
        assert_eq!(
            unexposed(&after, &[json!({"ports": [cports[1].clone()]})]),
            vec!["web".to_string()]
        );
    }

    #[test]
    fn parse_specs() {
        let p = parse("http:80:8080/udp").unwrap();
        assert_eq!(
            (p.port, p.target, p.protocol.as_str()),
            (80, Some(json!(8080)), "UDP")
        );
        assert_eq!(
            parse("m:9090:metrics").unwrap().target,
            Some(json!("metrics"))
        );
        assert!(parse("80").is_err());
        assert!(parse("x:0").is_err());
        assert!(parse("x:80/ICMP").is_err());
    }

    #[test]
    fn add_change_remove() {
        let ports = vec![
            json!({"name": "http", "port": 80, "protocol": "TCP", "targetPort": 80, "appProtocol": "http"}),
        ];
        let out = apply(
            &ports,
            &[parse("http:81").unwrap(), parse("m:9090").unwrap()],
            &[],
        )
        .unwrap();
        assert_eq!(out[0]["port"], 81);
        assert_eq!(out[0]["appProtocol"], "http");
        assert_eq!(out[1]["name"], "m");
        let out = apply(&ports, &[], &["http".into()]).unwrap();
        assert!(out.is_empty());
        assert!(apply(&ports, &[], &["nope".into()]).is_err());
        assert!(apply(&ports, &[parse("b:80").unwrap()], &[]).is_err());
    }
}
