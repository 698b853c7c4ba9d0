//! The simulated default-scheduler's decisions, as pure functions over Values: the PreFilter
//! of VolumeBinding (claims missing, being deleted, or unbound with Immediate binding), the
//! Filter plugins in the default profile's order (NodeUnschedulable, TaintToleration,
//! NodeAffinity incl. nodeSelector, NodePorts, NodeResourcesFit with pod count, VolumeBinding's
//! node check of local volumes, InterPodAffinity), each node rejected by the first plugin that
//! fails as the framework's RunFilterPlugins does; scoring (NodeResourcesFit LeastAllocated with
//! the scheduler's non-zero request defaults, ties to the node with fewer pods) and upstream's
//! FitError message.
//! Upstream: pkg/scheduler/apis/config/v1/default_plugins.go (plugin order),
//! pkg/scheduler/framework/plugins/{nodeaffinity,nodeunschedulable,tainttoleration,
//! noderesources,nodeports,interpodaffinity,volumebinding}/, pkg/scheduler/framework/types.go
//! (FitError.Error, AffinityTerm), pkg/scheduler/framework/preemption/preemption.go (the
//! "preemption:" part), pkg/scheduler/util/pod_resources.go (non-zero defaults),
//! staging/src/k8s.io/component-helpers/resource/helpers.go (PodRequests with sidecars),
//! staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go.

use crate::controller::metrics::quantity_of;
use crate::selectors::LabelSelector;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// Requests of a pod: (cpu cores, memory bytes) as resourcehelper.PodRequests sums them: the
/// containers plus the sidecars (restartable init containers), or, when larger, any regular
/// init container together with the sidecars started before it; plus spec.overhead.
pub fn pod_requests(pod: &Value) -> (f64, f64) {
    let req = |ctr: &Value| -> (f64, f64) {
        (
            quantity_of(&ctr["resources"]["requests"]["cpu"]).unwrap_or(0.0),
            quantity_of(&ctr["resources"]["requests"]["memory"]).unwrap_or(0.0),
        )
    };
    let (mut c, mut m) = (0.0, 0.0);
    for ctr in pod["spec"]["containers"].as_array().into_iter().flatten() {
        let (cc, cm) = req(ctr);
        c += cc;
        m += cm;
    }
    let (mut side_c, mut side_m) = (0.0, 0.0);
    let (mut init_c, mut init_m) = (0.0f64, 0.0f64);
    for ctr in pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let (cc, cm) = req(ctr);
        let (xc, xm) = if is_sidecar(ctr) {
            c += cc;
            m += cm;
            side_c += cc;
            side_m += cm;
            (side_c, side_m)
        } else {
            (cc + side_c, cm + side_m)
        };
        init_c = init_c.max(xc);
        init_m = init_m.max(xm);
    }
    let overhead = &pod["spec"]["overhead"];
    (
        c.max(init_c) + quantity_of(&overhead["cpu"]).unwrap_or(0.0),
        m.max(init_m) + quantity_of(&overhead["memory"]).unwrap_or(0.0),
    )
}

/// podutil.IsRestartableInitContainer: an init container with `restartPolicy: Always` (a
/// native sidecar).
pub fn is_sidecar(init_container: &Value) -> bool {
    init_container["restartPolicy"] == "Always"
}

/// Requests with the scheduler's scoring defaults for containers that request nothing
/// (100m cpu, 200Mi memory per container).
fn nonzero_requests(pod: &Value) -> (f64, f64) {
    let mut c = 0.0;
    let mut m = 0.0;
    for ctr in pod["spec"]["containers"].as_array().into_iter().flatten() {
        c += quantity_of(&ctr["resources"]["requests"]["cpu"]).unwrap_or(0.1);
        m += quantity_of(&ctr["resources"]["requests"]["memory"]).unwrap_or(200.0 * 1048576.0);
    }
    (c, m)
}

fn labels_of(node: &Value) -> BTreeMap<String, String> {
    node["metadata"]["labels"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn requirement_matches(req: &Value, value: Option<&str>) -> bool {
    let values: Vec<&str> = req["values"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .collect();
    match req["operator"].as_str().unwrap_or("") {
        "In" => value.is_some_and(|v| values.contains(&v)),
        "NotIn" => !value.is_some_and(|v| values.contains(&v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        op @ ("Gt" | "Lt") => {
            let (Some(v), Some(bound)) = (
                value.and_then(|v| v.parse::<i64>().ok()),
                values.first().and_then(|b| b.parse::<i64>().ok()),
            ) else {
                return false;
            };
            if op == "Gt" {
                v > bound
            } else {
                v < bound
            }
        }
        _ => false,
    }
}

/// nodeSelector and required node affinity (terms ORed, expressions within a term ANDed;
/// an empty term matches nothing).
pub fn matches_node_affinity(pod: &Value, node: &Value) -> bool {
    let labels = labels_of(node);
    if let Some(sel) = pod["spec"]["nodeSelector"].as_object() {
        for (k, v) in sel {
            if labels.get(k).map(|s| s.as_str()) != v.as_str() {
                return false;
            }
        }
    }
    let terms = &pod["spec"]["affinity"]["nodeAffinity"]
        ["requiredDuringSchedulingIgnoredDuringExecution"]["nodeSelectorTerms"];
    let Some(terms) = terms.as_array() else {
        return true;
    };
    let node_name = node["metadata"]["name"].as_str();
    terms.iter().any(|term| {
        let exprs = term["matchExpressions"].as_array();
        let fields = term["matchFields"].as_array();
        if exprs.is_none_or(|e| e.is_empty()) && fields.is_none_or(|f| f.is_empty()) {
            return false;
        }
        exprs.into_iter().flatten().all(|r| {
            let key = r["key"].as_str().unwrap_or_default();
            requirement_matches(r, labels.get(key).map(|s| s.as_str()))
        }) && fields.into_iter().flatten().all(|r| {
            r["key"].as_str() == Some("metadata.name") && requirement_matches(r, node_name)
        })
    })
}

fn tolerates(pod: &Value, taint: &Value) -> bool {
    pod["spec"]["tolerations"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|t| {
            let effect_ok =
                t["effect"].as_str().unwrap_or("").is_empty() || t["effect"] == taint["effect"];
            let key = t["key"].as_str().unwrap_or("");
            let op = t["operator"].as_str().unwrap_or("Equal");
            let key_ok =
                (key.is_empty() && op == "Exists") || key == taint["key"].as_str().unwrap_or("");
            let value_ok = op == "Exists"
                || t["value"].as_str().unwrap_or("") == taint["value"].as_str().unwrap_or("");
            effect_ok && key_ok && value_ok
        })
}

/// Why a node does not fit, as the scheduler's plugins word it; `resolvable` is false for
/// UnschedulableAndUnresolvable statuses (preemption cannot help).
#[derive(Debug, Clone, PartialEq)]
pub struct Unfit {
    pub reasons: Vec<String>,
    pub resolvable: bool,
}

/// Filter one node for `pod` with no other pod in view; `used` = (cpu, memory, pod count) of
/// pods already on the node.
pub fn filter(pod: &Value, node: &Value, used: (f64, f64, usize)) -> Result<(), Unfit> {
    filter_with(pod, node, used, &View::default(), &PodTerms::of(pod))
}

fn unfit(reason: &str, resolvable: bool) -> Unfit {
    Unfit {
        reasons: vec![reason.to_string()],
        resolvable,
    }
}

/// The Filter plugins of the default profile, in its order; the first that rejects the node
/// decides (framework.RunFilterPlugins).
pub fn filter_with(
    pod: &Value,
    node: &Value,
    used: (f64, f64, usize),
    view: &View,
    terms: &PodTerms,
) -> Result<(), Unfit> {
    // NodeUnschedulable
    if node["spec"]["unschedulable"].as_bool() == Some(true) {
        let tolerated = tolerates(
            pod,
            &serde_json::json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}),
        );
        if !tolerated {
            return Err(unfit("node(s) were unschedulable", false));
        }
    }
    // TaintToleration: the first untolerated NoSchedule/NoExecute taint.
    for taint in node["spec"]["taints"].as_array().into_iter().flatten() {
        let effect = taint["effect"].as_str().unwrap_or("");
        if (effect == "NoSchedule" || effect == "NoExecute") && !tolerates(pod, taint) {
            return Err(unfit(
                &format!(
                    "node(s) had untolerated taint {{{}: {}}}",
                    taint["key"].as_str().unwrap_or(""),
                    taint["value"].as_str().unwrap_or("")
                ),
                false,
            ));
        }
    }
    // NodeAffinity
    if !matches_node_affinity(pod, node) {
        return Err(unfit(
            "node(s) didn't match Pod's node affinity/selector",
            false,
        ));
    }
    let node_name = node["metadata"]["name"].as_str().unwrap_or_default();
    // NodePorts
    let wanted = host_ports(pod);
    if !wanted.is_empty() {
        let conflict = view
            .placed
            .iter()
            .filter(|p| p.node == node_name)
            .flat_map(|p| p.host_ports.iter())
            .any(|used| wanted.iter().any(|w| w.conflicts(used)));
        if conflict {
            return Err(unfit(
                "node(s) didn't have free ports for the requested pod ports",
                true,
            ));
        }
    }
    // NodeResourcesFit
    let alloc = &node["status"]["allocatable"];
    let (rc, rm) = pod_requests(pod);
    let mut reasons = Vec::new();
    let max_pods = quantity_of(&alloc["pods"]).unwrap_or(110.0) as usize;
    if used.2 + 1 > max_pods {
        reasons.push("Too many pods".to_string());
    }
    if rc > 0.0 && used.0 + rc > quantity_of(&alloc["cpu"]).unwrap_or(0.0) + 1e-9 {
        reasons.push("Insufficient cpu".to_string());
    }
    if rm > 0.0 && used.1 + rm > quantity_of(&alloc["memory"]).unwrap_or(0.0) {
        reasons.push("Insufficient memory".to_string());
    }
    if !reasons.is_empty() {
        return Err(Unfit {
            reasons,
            resolvable: true,
        });
    }
    // VolumeBinding: a bound local volume pins the pod to its node (the PV's node affinity);
    // a claim waiting for its first consumer needs a class that can provision.
    if terms.claims.pinned.iter().any(|n| n != node_name) {
        return Err(unfit("node(s) had volume node affinity conflict", false));
    }
    if terms.claims.unprovisionable {
        return Err(unfit(
            "node(s) didn't find available persistent volumes to bind",
            false,
        ));
    }
    // InterPodAffinity
    inter_pod_affinity(node, view, terms)
}

/// One `hostPort` a pod asks for (sanitized as HostPortInfo does: no IP = 0.0.0.0, no
/// protocol = TCP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i64,
}

impl HostPort {
    /// HostPortInfo.CheckConflict: the same protocol and port on the same IP, or on any IP
    /// when either side binds 0.0.0.0.
    pub fn conflicts(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip || self.ip == "0.0.0.0" || other.ip == "0.0.0.0")
    }
}

/// schedutil.GetHostPorts: the host ports of the containers and of the sidecars (the init
/// containers that run for the pod's whole life).
pub fn host_ports(pod: &Value) -> Vec<HostPort> {
    let sidecars = pod["spec"]["initContainers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| is_sidecar(c));
    let containers = pod["spec"]["containers"].as_array().into_iter().flatten();
    sidecars
        .chain(containers)
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .filter_map(|p| {
            let port = p["hostPort"].as_i64().filter(|n| *n > 0)?;
            let ip = p["hostIP"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or("0.0.0.0");
            let protocol = p["protocol"]
                .as_str()
                .filter(|s| !s.is_empty())
                .unwrap_or("TCP");
            Some(HostPort {
                ip: ip.to_string(),
                protocol: protocol.to_string(),
                port,
            })
        })
        .collect()
}

/// A required pod (anti-)affinity term as the scheduler holds it (framework.AffinityTerm):
/// the namespaces it names (the pod's own when it names none and has no namespaceSelector),
/// the namespace selector (none matches nothing), the label selector (none matches nothing).
#[derive(Debug, Clone)]
pub struct AffinityTerm {
    pub namespaces: Vec<String>,
    pub namespace_selector: LabelSelector,
    pub selector: LabelSelector,
    pub topology_key: String,
}

impl AffinityTerm {
    fn parse(term: &Value, pod_namespace: &str) -> Option<AffinityTerm> {
        let named: Vec<String> = term["namespaces"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|n| n.as_str().map(str::to_string))
            .collect();
        let ns_sel = &term["namespaceSelector"];
        let namespaces = if named.is_empty() && ns_sel.is_null() {
            vec![pod_namespace.to_string()]
        } else {
            named
        };
        Some(AffinityTerm {
            namespaces,
            namespace_selector: LabelSelector::from_object(ns_sel).ok()?,
            selector: LabelSelector::from_object(&term["labelSelector"]).ok()?,
            topology_key: term["topologyKey"].as_str().unwrap_or_default().to_string(),
        })
    }

    /// AffinityTerm.Matches.
    pub fn matches(
        &self,
        namespace: &str,
        labels: Option<&Map<String, Value>>,
        ns_labels: Option<&Map<String, Value>>,
    ) -> bool {
        (self.namespaces.iter().any(|n| n == namespace)
            || self.namespace_selector.matches(ns_labels))
            && self.selector.matches(labels)
    }
}

fn required_terms(pod: &Value, kind: &str) -> Vec<AffinityTerm> {
    let ns = pod["metadata"]["namespace"].as_str().unwrap_or("default");
    pod["spec"]["affinity"][kind]["requiredDuringSchedulingIgnoredDuringExecution"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| AffinityTerm::parse(t, ns))
        .collect()
}

/// A pod bound to (or assumed on) a node, as the scheduler's cache keeps what the filters of
/// later pods need.
#[derive(Debug, Clone)]
pub struct PlacedPod {
    pub node: String,
    pub namespace: String,
    pub labels: Option<Map<String, Value>>,
    pub anti_affinity: Vec<AffinityTerm>,
    pub host_ports: Vec<HostPort>,
}

impl PlacedPod {
    pub fn of(pod: &Value, node: &str) -> PlacedPod {
        PlacedPod {
            node: node.to_string(),
            namespace: pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
            labels: pod["metadata"]["labels"].as_object().cloned(),
            anti_affinity: required_terms(pod, "podAntiAffinity"),
            host_ports: host_ports(pod),
        }
    }
}

/// What the filters see besides the pod and the node: the placed pods, the labels of every
/// node (topology values) and of every namespace (namespaceSelector).
#[derive(Debug, Default)]
pub struct View {
    pub placed: Vec<PlacedPod>,
    pub node_labels: HashMap<String, Map<String, Value>>,
    pub namespace_labels: HashMap<String, Map<String, Value>>,
}

/// What VolumeBinding found out about a pod's claims in PreFilter.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Claims {
    /// Unbound claims whose class binds on the first consumer: the scheduler picks the node,
    /// asks for them there (volume.kubernetes.io/selected-node), and binds the pod once they
    /// are bound (PreBind).
    pub delayed: Vec<String>,
    /// Nodes that bound local volumes pin the pod to.
    pub pinned: Vec<String>,
    /// A delayed claim whose class cannot provision (kubernetes.io/no-provisioner).
    pub unprovisionable: bool,
}

/// Provisioners whose volumes are local to the node they were provisioned on (the PV carries
/// node affinity to it).
pub const LOCAL_PROVISIONERS: &[&str] = &["sim.k8s.io/hostpath", "rancher.io/local-path"];

/// GetPersistentVolumeClaimClass: the beta annotation, else spec.storageClassName.
pub fn claim_class(pvc: &Value) -> &str {
    pvc["metadata"]["annotations"]["volume.beta.kubernetes.io/storage-class"]
        .as_str()
        .or(pvc["spec"]["storageClassName"].as_str())
        .unwrap_or("")
}

/// VolumeBinding's PreFilter (podHasPVCs, GetPodVolumeClaims): Err is the message of the
/// UnschedulableAndUnresolvable status, `pvcs` the claims of the pod's namespace.
pub fn check_claims(pod: &Value, pvcs: &[Value], classes: &[Value]) -> Result<Claims, String> {
    let mut out = Claims::default();
    let mut unbound_immediate = false;
    let pod_name = pod["metadata"]["name"].as_str().unwrap_or_default();
    for vol in pod["spec"]["volumes"].as_array().into_iter().flatten() {
        let (name, ephemeral) = if let Some(n) = vol["persistentVolumeClaim"]["claimName"].as_str()
        {
            (n.to_string(), false)
        } else if vol["ephemeral"].is_object() {
            let v = vol["name"].as_str().unwrap_or_default();
            (format!("{pod_name}-{v}"), true)
        } else {
            continue;
        };
        let Some(pvc) = pvcs.iter().find(|c| c["metadata"]["name"] == name.as_str()) else {
            return Err(if ephemeral {
                format!("waiting for ephemeral volume controller to create the persistentvolumeclaim {name:?}")
            } else {
                format!("persistentvolumeclaim {name:?} not found")
            });
        };
        let volume = pvc["spec"]["volumeName"].as_str().unwrap_or("");
        if pvc["status"]["phase"] == "Lost" {
            return Err(format!(
                "persistentvolumeclaim {name:?} bound to non-existent persistentvolume {volume:?}"
            ));
        }
        if pvc["metadata"]["deletionTimestamp"].is_string() {
            return Err(format!("persistentvolumeclaim {name:?} is being deleted"));
        }
        let class_name = claim_class(pvc);
        let class = classes
            .iter()
            .find(|c| !class_name.is_empty() && c["metadata"]["name"] == class_name);
        let annotations = &pvc["metadata"]["annotations"];
        let bound =
            !volume.is_empty() && annotations["pv.kubernetes.io/bind-completed"].is_string();
        if bound {
            let provisioner = annotations["volume.kubernetes.io/storage-provisioner"]
                .as_str()
                .unwrap_or("");
            if let Some(n) = annotations["volume.kubernetes.io/selected-node"].as_str() {
                if LOCAL_PROVISIONERS.contains(&provisioner) {
                    out.pinned.push(n.to_string());
                }
            }
            continue;
        }
        let delay = class.is_some_and(|c| c["volumeBindingMode"] == "WaitForFirstConsumer");
        if delay && volume.is_empty() {
            if class.is_some_and(|c| c["provisioner"] == "kubernetes.io/no-provisioner") {
                out.unprovisionable = true;
            }
            out.delayed.push(name);
        } else {
            unbound_immediate = true;
        }
    }
    if unbound_immediate {
        return Err("pod has unbound immediate PersistentVolumeClaims".into());
    }
    Ok(out)
}

/// What the filters know of the pod being scheduled: its required (anti-)affinity terms, its
/// claims, and the PreFilter counts of InterPodAffinity over the placed pods.
#[derive(Debug, Default)]
pub struct PodTerms {
    namespace: String,
    labels: Option<Map<String, Value>>,
    affinity: Vec<AffinityTerm>,
    anti_affinity: Vec<AffinityTerm>,
    pub claims: Claims,
    /// Topology pairs: placed pods matching all affinity terms; placed pods matching an
    /// anti-affinity term; placed pods whose anti-affinity terms match this pod.
    affinity_counts: HashMap<(String, String), i64>,
    anti_counts: HashMap<(String, String), i64>,
    existing_anti_counts: HashMap<(String, String), i64>,
}

impl PodTerms {
    pub fn of(pod: &Value) -> PodTerms {
        PodTerms {
            namespace: pod["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string(),
            labels: pod["metadata"]["labels"].as_object().cloned(),
            affinity: required_terms(pod, "podAffinity"),
            anti_affinity: required_terms(pod, "podAntiAffinity"),
            ..Default::default()
        }
    }

    fn matches_all_affinity(
        &self,
        namespace: &str,
        labels: Option<&Map<String, Value>>,
        view: &View,
    ) -> bool {
        !self.affinity.is_empty()
            && self
                .affinity
                .iter()
                .all(|t| t.matches(namespace, labels, view.namespace_labels.get(namespace)))
    }

    /// InterPodAffinity's PreFilter: count the topology pairs over the placed pods.
    pub fn prepare(&mut self, view: &View) {
        let own_ns = view.namespace_labels.get(&self.namespace);
        for p in &view.placed {
            let Some(node_labels) = view.node_labels.get(&p.node) else {
                continue;
            };
            let pair = |key: &str| {
                node_labels
                    .get(key)
                    .and_then(Value::as_str)
                    .map(|v| (key.to_string(), v.to_string()))
            };
            for t in &p.anti_affinity {
                if t.matches(&self.namespace, self.labels.as_ref(), own_ns) {
                    if let Some(k) = pair(&t.topology_key) {
                        *self.existing_anti_counts.entry(k).or_default() += 1;
                    }
                }
            }
            if self.matches_all_affinity(&p.namespace, p.labels.as_ref(), view) {
                for t in &self.affinity {
                    if let Some(k) = pair(&t.topology_key) {
                        *self.affinity_counts.entry(k).or_default() += 1;
                    }
                }
            }
            let p_ns = view.namespace_labels.get(&p.namespace);
            for t in &self.anti_affinity {
                if t.matches(&p.namespace, p.labels.as_ref(), p_ns) {
                    if let Some(k) = pair(&t.topology_key) {
                        *self.anti_counts.entry(k).or_default() += 1;
                    }
                }
            }
        }
    }
}

/// InterPodAffinity's Filter: satisfyPodAffinity (UnschedulableAndUnresolvable), then
/// satisfyPodAntiAffinity and satisfyExistingPodsAntiAffinity (Unschedulable).
fn inter_pod_affinity(node: &Value, view: &View, terms: &PodTerms) -> Result<(), Unfit> {
    let labels = node["metadata"]["labels"].as_object();
    let value = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
    let count = |m: &HashMap<(String, String), i64>, key: &str, v: &str| {
        m.get(&(key.to_string(), v.to_string()))
            .copied()
            .unwrap_or(0)
    };
    let mut pods_exist = true;
    for t in &terms.affinity {
        match value(&t.topology_key) {
            Some(v) => {
                if count(&terms.affinity_counts, &t.topology_key, v) <= 0 {
                    pods_exist = false;
                }
            }
            None => return Err(unfit("node(s) didn't match pod affinity rules", false)),
        }
    }
    if !pods_exist {
        // The first pod of a series with affinity to itself may go anywhere the topology
        // labels exist, when no placed pod matches yet.
        let own = terms.affinity_counts.is_empty()
            && terms.matches_all_affinity(&terms.namespace, terms.labels.as_ref(), view);
        if !own {
            return Err(unfit("node(s) didn't match pod affinity rules", false));
        }
    }
    if !terms.anti_counts.is_empty() {
        for t in &terms.anti_affinity {
            if let Some(v) = value(&t.topology_key) {
                if count(&terms.anti_counts, &t.topology_key, v) > 0 {
                    return Err(unfit("node(s) didn't match pod anti-affinity rules", true));
                }
            }
        }
    }
    if !terms.existing_anti_counts.is_empty() {
        for (k, v) in labels.into_iter().flatten() {
            if count(
                &terms.existing_anti_counts,
                k,
                v.as_str().unwrap_or_default(),
            ) > 0
            {
                return Err(unfit(
                    "node(s) didn't satisfy existing pods anti-affinity rules",
                    true,
                ));
            }
        }
    }
    Ok(())
}

/// LeastAllocated score (0..100) after placing `pod`; `used_nonzero` = (cpu, mem) of the node's
/// pods counted with non-zero defaults.
pub fn score(pod: &Value, node: &Value, used_nonzero: (f64, f64)) -> f64 {
    let alloc = &node["status"]["allocatable"];
    let (pc, pm) = nonzero_requests(pod);
    let ac = quantity_of(&alloc["cpu"]).unwrap_or(1.0).max(1e-9);
    let am = quantity_of(&alloc["memory"]).unwrap_or(1.0).max(1.0);
    let fc = ((ac - used_nonzero.0 - pc) / ac).max(0.0);
    let fm = ((am - used_nonzero.1 - pm) / am).max(0.0);
    (fc + fm) * 50.0
}

/// framework.FitError.Error(): `0/3 nodes are available: 3 node(s) didn't match Pod's node
/// affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for
/// scheduling.` — reasons counted and sorted by text.
pub fn fit_error(total: usize, unfit: &[Unfit]) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pre: BTreeMap<&str, usize> = BTreeMap::new();
    for u in unfit {
        for r in &u.reasons {
            *counts.entry(r.as_str()).or_default() += 1;
        }
        let p = if u.resolvable {
            "No preemption victims found for incoming pod"
        } else {
            "Preemption is not helpful for scheduling"
        };
        *pre.entry(p).or_default() += 1;
    }
    let join = |m: &BTreeMap<&str, usize>| {
        let mut v: Vec<String> = m.iter().map(|(r, n)| format!("{n} {r}")).collect();
        v.sort();
        v.join(", ")
    };
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        join(&counts),
        join(&pre)
    )
}

/// (cpu, memory, pod count, non-zero cpu, non-zero memory) of the pods bound to a node.
pub type NodeUsage = (f64, f64, usize, f64, f64);

/// Pick a node for `pod` among `nodes` with no other pod in view; `usage(node name)` gives
/// (cpu, mem, pods, nonzero cpu, nonzero mem) of the pods already bound there. Err(message)
/// when nothing fits.
pub fn pick_node<'a>(
    pod: &Value,
    nodes: &'a [Value],
    usage: &dyn Fn(&str) -> NodeUsage,
) -> Result<&'a Value, String> {
    pick_node_with(pod, nodes, usage, &View::default(), &PodTerms::of(pod))
}

/// Pick a node for `pod` given the placed pods in `view` and the pod's `terms` (prepared
/// against that view).
pub fn pick_node_with<'a>(
    pod: &Value,
    nodes: &'a [Value],
    usage: &dyn Fn(&str) -> NodeUsage,
    view: &View,
    terms: &PodTerms,
) -> Result<&'a Value, String> {
    let mut best: Option<(&Value, f64, usize)> = None;
    let mut unfit = Vec::new();
    for n in nodes {
        let name = n["metadata"]["name"].as_str().unwrap_or_default();
        let u = usage(name);
        match filter_with(pod, n, (u.0, u.1, u.2), view, terms) {
            Ok(()) => {
                let s = score(pod, n, (u.3, u.4));
                let better = match best {
                    None => true,
                    Some((_, bs, bp)) => s > bs + 1e-9 || ((s - bs).abs() <= 1e-9 && u.2 < bp),
                };
                if better {
                    best = Some((n, s, u.2));
                }
            }
            Err(e) => unfit.push(e),
        }
    }
    best.map(|b| b.0)
        .ok_or_else(|| fit_error(nodes.len(), &unfit))
}

/// The FitError of a pod a PreFilter plugin rejected (UnschedulableAndUnresolvable on every
/// node): its message, then preemption's verdict.
pub fn prefilter_error(total: usize, message: &str) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    format!(
        "0/{total} nodes are available: {message}. preemption: 0/{total} nodes are available: {total} Preemption is not helpful for scheduling."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(i: usize) -> Value {
        json!({"metadata": {"name": format!("sim-node-{i}"), "labels": {
            "kubernetes.io/hostname": format!("sim-node-{i}"), "kubernetes.io/os": "linux"}},
            "spec": {},
            "status": {"allocatable": {"cpu": "4", "memory": "16Gi", "pods": "110"}}})
    }

    #[test]
    fn selector_mismatch_message_matches_upstream() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let pod = json!({"spec": {"nodeSelector": {"disk": "ssd"}, "containers": [{"name": "a"}]}});
        let err = pick_node(&pod, &nodes, &|_| (0.0, 0.0, 0, 0.0, 0.0)).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    }

    #[test]
    fn affinity_expressions() {
        let n = node(2);
        let pod = |op: &str, vals: Value| {
            json!({"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": op, "values": vals}]}]}}}}})
        };
        assert!(matches_node_affinity(&pod("In", json!(["sim-node-2"])), &n));
        assert!(!matches_node_affinity(
            &pod("In", json!(["sim-node-1"])),
            &n
        ));
        assert!(matches_node_affinity(
            &pod("NotIn", json!(["sim-node-1"])),
            &n
        ));
        assert!(matches_node_affinity(&pod("Exists", json!(null)), &n));
        assert!(!matches_node_affinity(
            &pod("DoesNotExist", json!(null)),
            &n
        ));
    }

    #[test]
    fn insufficient_cpu_and_spreading() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let big = json!({"spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "5"}}}]}});
        let err = pick_node(&big, &nodes, &|_| (0.0, 0.0, 0, 0.0, 0.0)).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        // least allocated: node 2 is empty, the others are busy
        let small = json!({"spec": {"containers": [{"name": "a"}]}});
        let chosen = pick_node(&small, &nodes, &|n| {
            if n == "sim-node-2" {
                (0.0, 0.0, 0, 0.0, 0.0)
            } else {
                (0.0, 0.0, 1, 0.1, 2e8)
            }
        })
        .unwrap();
        assert_eq!(chosen["metadata"]["name"], "sim-node-2");
    }

    #[test]
    fn taints_need_tolerations() {
        let mut n = node(1);
        n["spec"]["taints"] = json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]);
        let pod = json!({"spec": {"containers": [{"name": "a"}]}});
        let e = filter(&pod, &n, (0.0, 0.0, 0)).unwrap_err();
        assert_eq!(
            e.reasons,
            vec!["node(s) had untolerated taint {dedicated: db}"]
        );
        let tol = json!({"spec": {"containers": [{"name": "a"}], "tolerations": [
            {"key": "dedicated", "operator": "Equal", "value": "db", "effect": "NoSchedule"}]}});
        assert!(filter(&tol, &n, (0.0, 0.0, 0)).is_ok());
    }

    fn view_of(nodes: &[Value], placed: &[(&str, Value)]) -> View {
        View {
            placed: placed.iter().map(|(n, p)| PlacedPod::of(p, n)).collect(),
            node_labels: nodes
                .iter()
                .map(|n| {
                    (
                        n["metadata"]["name"].as_str().unwrap().to_string(),
                        n["metadata"]["labels"].as_object().unwrap().clone(),
                    )
                })
                .collect(),
            namespace_labels: HashMap::new(),
        }
    }

    fn pick(pod: &Value, nodes: &[Value], placed: &[(&str, Value)]) -> Result<String, String> {
        let view = view_of(nodes, placed);
        let mut terms = PodTerms::of(pod);
        terms.prepare(&view);
        pick_node_with(pod, nodes, &|_| (0.0, 0.0, 0, 0.0, 0.0), &view, &terms)
            .map(|n| n["metadata"]["name"].as_str().unwrap().to_string())
    }

    fn web(i: usize) -> Value {
        json!({"metadata": {"name": format!("web-{i}"), "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "a"}], "affinity": {"podAntiAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "web"}},
                    "topologyKey": "kubernetes.io/hostname"}]}}}})
    }

    #[test]
    fn required_anti_affinity_spreads_then_rejects() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let mut placed: Vec<(&str, Value)> = Vec::new();
        let mut used = Vec::new();
        for i in 0..3 {
            let n = pick(&web(i), &nodes, &placed).unwrap();
            assert!(!used.contains(&n), "{n} used twice");
            used.push(n.clone());
            let name = ["sim-node-1", "sim-node-2", "sim-node-3"]
                .into_iter()
                .find(|x| *x == n)
                .unwrap();
            placed.push((name, web(i)));
        }
        let err = pick(&web(3), &nodes, &placed).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        // The rule of the placed pods also keeps out a pod without rules of its own.
        let plain = json!({"metadata": {"name": "x", "namespace": "default", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "a"}]}});
        let err = pick(&plain, &nodes, &placed).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.");
        // Another namespace is outside the terms (they name the pod's own).
        let mut other = plain.clone();
        other["metadata"]["namespace"] = json!("prod");
        assert!(pick(&other, &nodes, &placed).is_ok());
    }

    #[test]
    fn required_affinity_first_pod_and_followers() {
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let with_cache = json!({"metadata": {"name": "app", "namespace": "default", "labels": {"app": "app"}},
            "spec": {"containers": [{"name": "a"}], "affinity": {"podAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": [{
                    "labelSelector": {"matchLabels": {"app": "cache"}},
                    "topologyKey": "kubernetes.io/hostname"}]}}}});
        let err = pick(&with_cache, &nodes, &[]).unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 3 node(s) didn't match pod affinity rules. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
        let cache = json!({"metadata": {"name": "cache", "namespace": "default", "labels": {"app": "cache"}},
            "spec": {"containers": [{"name": "a"}]}});
        assert_eq!(
            pick(&with_cache, &nodes, &[("sim-node-2", cache)]).unwrap(),
            "sim-node-2"
        );
        // A pod with affinity to its own label may start the series anywhere.
        let mut selfish = with_cache.clone();
        selfish["metadata"]["labels"] = json!({"app": "cache"});
        assert!(pick(&selfish, &nodes, &[]).is_ok());
        // A topology key no node has rejects every node.
        let mut zone = selfish.clone();
        zone["spec"]["affinity"]["podAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]
            [0]["topologyKey"] = json!("topology.kubernetes.io/zone");
        assert!(pick(&zone, &nodes, &[]).is_err());
    }

    #[test]
    fn host_ports_conflict_per_ip_and_protocol() {
        let nodes: Vec<Value> = (1..=2).map(node).collect();
        let hp = |name: &str, port: i64, proto: &str, ip: &str| {
            let mut p = json!({"metadata": {"name": name, "namespace": "default"},
                "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80, "hostPort": port}]}]}});
            if !proto.is_empty() {
                p["spec"]["containers"][0]["ports"][0]["protocol"] = json!(proto);
            }
            if !ip.is_empty() {
                p["spec"]["containers"][0]["ports"][0]["hostIP"] = json!(ip);
            }
            p
        };
        let placed = [
            ("sim-node-1", hp("a", 8080, "", "")),
            ("sim-node-2", hp("b", 8080, "TCP", "10.0.0.2")),
        ];
        let err = pick(&hp("c", 8080, "TCP", ""), &nodes, &placed).unwrap_err();
        assert_eq!(err, "0/2 nodes are available: 2 node(s) didn't have free ports for the requested pod ports. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.");
        assert!(pick(&hp("d", 8080, "UDP", ""), &nodes, &placed).is_ok());
        assert_eq!(
            pick(&hp("e", 8080, "TCP", "127.0.0.1"), &nodes, &placed).unwrap(),
            "sim-node-2"
        );
        // A sidecar's host port counts; a regular init container's does not.
        let mut side = hp("f", 9000, "", "");
        side["spec"]["initContainers"] = json!([{"name": "s", "restartPolicy": "Always", "ports": [{"containerPort": 1, "hostPort": 8080}]}]);
        assert!(pick(&side, &nodes, &placed).is_err());
        side["spec"]["initContainers"][0]["restartPolicy"] = json!(null);
        assert!(pick(&side, &nodes, &placed).is_ok());
    }

    #[test]
    fn first_failing_plugin_decides_and_reasons_sort() {
        let mut nodes: Vec<Value> = (1..=3).map(node).collect();
        nodes[0]["spec"]["taints"] =
            json!([{"key": "dedicated", "value": "db", "effect": "NoSchedule"}]);
        // node 1 is tainted and does not match the selector either: the taint is reported.
        let pod = json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "3"}}}],
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["sim-node-1", "sim-node-2"]}]}]}}}}});
        let view = view_of(&nodes, &[]);
        let terms = PodTerms::of(&pod);
        let err = pick_node_with(
            &pod,
            &nodes,
            &|n| {
                if n == "sim-node-3" {
                    (2.0, 0.0, 1, 2.0, 0.0)
                } else {
                    (0.0, 0.0, 0, 0.0, 0.0)
                }
            },
            &view,
            &terms,
        )
        .unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: db}. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.");
    }

    #[test]
    fn sidecars_add_to_requests() {
        let pod = json!({"spec": {
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m", "memory": "64Mi"}}},
                {"name": "init", "resources": {"requests": {"cpu": "2", "memory": "32Mi"}}}],
            "containers": [{"name": "a", "resources": {"requests": {"cpu": "1", "memory": "128Mi"}}}]}});
        let (c, m) = pod_requests(&pod);
        // cpu: max(1 + 0.5, 2 + 0.5); memory: max(128 + 64, 32 + 64) Mi
        assert!((c - 2.5).abs() < 1e-9, "{c}");
        assert_eq!(m, 192.0 * 1048576.0);
    }

    #[test]
    fn volume_binding_prefilter() {
        let classes = vec![
            json!({"metadata": {"name": "standard"}, "provisioner": "sim.k8s.io/hostpath", "volumeBindingMode": "WaitForFirstConsumer"}),
            json!({"metadata": {"name": "now"}, "provisioner": "sim.k8s.io/hostpath", "volumeBindingMode": "Immediate"}),
            json!({"metadata": {"name": "local"}, "provisioner": "kubernetes.io/no-provisioner", "volumeBindingMode": "WaitForFirstConsumer"}),
        ];
        let claim = |name: &str, class: &str| {
            json!({"metadata": {"name": name, "namespace": "default"},
            "spec": {"storageClassName": class}, "status": {"phase": "Pending"}})
        };
        let pod = |claims: &[&str]| {
            json!({"metadata": {"name": "p", "namespace": "default"}, "spec": {
            "containers": [{"name": "a"}],
            "volumes": claims.iter().map(|c| json!({"name": c, "persistentVolumeClaim": {"claimName": c}})).collect::<Vec<_>>()}})
        };
        let pvcs = vec![
            claim("wait", "standard"),
            claim("now", "now"),
            claim("gone", "missing"),
            claim("local", "local"),
        ];
        assert_eq!(
            check_claims(&pod(&["nope"]), &pvcs, &classes),
            Err("persistentvolumeclaim \"nope\" not found".into())
        );
        assert_eq!(
            check_claims(&pod(&["wait", "now"]), &pvcs, &classes),
            Err("pod has unbound immediate PersistentVolumeClaims".into())
        );
        // A class that does not exist is not a delayed binding: immediate.
        assert_eq!(
            check_claims(&pod(&["gone"]), &pvcs, &classes),
            Err("pod has unbound immediate PersistentVolumeClaims".into())
        );
        let c = check_claims(&pod(&["wait"]), &pvcs, &classes).unwrap();
        assert_eq!(c.delayed, vec!["wait".to_string()]);
        assert!(!c.unprovisionable);
        assert!(
            check_claims(&pod(&["local"]), &pvcs, &classes)
                .unwrap()
                .unprovisionable
        );
        let mut bound = claim("wait", "standard");
        bound["spec"]["volumeName"] = json!("pvc-1");
        bound["metadata"]["annotations"] = json!({"pv.kubernetes.io/bind-completed": "yes",
            "volume.kubernetes.io/storage-provisioner": "sim.k8s.io/hostpath",
            "volume.kubernetes.io/selected-node": "sim-node-2"});
        let c = check_claims(&pod(&["wait"]), &[bound.clone()], &classes).unwrap();
        assert_eq!(c.pinned, vec!["sim-node-2".to_string()]);
        let nodes: Vec<Value> = (1..=3).map(node).collect();
        let mut terms = PodTerms::of(&pod(&["wait"]));
        terms.claims = c;
        let err = pick_node_with(
            &pod(&["wait"]),
            &nodes,
            &|n| {
                if n == "sim-node-2" {
                    (0.0, 0.0, 1000, 0.0, 0.0)
                } else {
                    (0.0, 0.0, 0, 0.0, 0.0)
                }
            },
            &View::default(),
            &terms,
        )
        .unwrap_err();
        assert_eq!(err, "0/3 nodes are available: 1 Too many pods, 2 node(s) had volume node affinity conflict. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.");
        bound["metadata"]["deletionTimestamp"] = json!("2025-01-01T00:00:00Z");
        assert_eq!(
            check_claims(&pod(&["wait"]), &[bound], &classes),
            Err("persistentvolumeclaim \"wait\" is being deleted".into())
        );
        assert_eq!(prefilter_error(3, "pod has unbound immediate PersistentVolumeClaims"), "0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    }
}
