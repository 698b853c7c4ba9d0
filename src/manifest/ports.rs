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

#[cfg(test)]
mod tests {
    use super::*;

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
