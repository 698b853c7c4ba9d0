//! kube-sim: a Kubernetes API-server simulator with a StatefulSet controller, a garbage
//! collector and a simulated scheduler/kubelet, served over HTTP(S) on loopback.
//!
//! Test infrastructure for kubectl-statefulset: never linked into the plugin. Every behaviour
//! models upstream Kubernetes v1.32; each module cites the upstream files it follows.

pub mod api;
pub mod clock;
pub mod controller;
pub mod discovery;
pub mod errors;
pub mod images;
pub mod kubeconfig;
pub mod openapi;
pub mod openapi_v2;
pub mod patch;
pub mod printers;
pub mod prometheus;
pub mod rbac;
pub mod registry;
pub mod resources;
pub mod selectors;
pub mod server;
pub mod store;
pub mod system;
pub mod tls;
pub mod yaml;

use api::{Cluster, ClusterOptions, WriteOptions};
use errors::ApiError;
use resources::ResourceType;
use serde_json::{json, Value};
use server::{FaultRule, RequestRecord, ServerState};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use server::FaultAction;

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    /// Port on 127.0.0.1 (0 = any free port).
    pub port: u16,
    /// Simulated nodes (`sim-node-1` ...).
    pub nodes: usize,
    /// Serve HTTPS with a generated CA.
    pub tls: bool,
    /// Latency injected before every response.
    pub latency: Duration,
    /// Simulated clock speed (1.0 = real time).
    pub speed: f64,
    /// Start the simulated clock this far in the past; `clock().advance(...)` catches up. Gives
    /// objects created first a history (e.g. an hour of Prometheus samples).
    pub start_in_past: Duration,
    /// Where to write the kubeconfig (default: a fresh temp dir owned by the handle).
    pub kubeconfig_path: Option<PathBuf>,
    /// The kubeconfig context's namespace.
    pub namespace: String,
    /// Run the controllers (statefulset, kubelet, gc).
    pub controllers: bool,
    /// Refuse requests without a bearer token. Default (None): only when serving TLS, because
    /// client-go does not send tokens over plain HTTP (a wrong token is always refused).
    pub require_token: Option<bool>,
    pub cluster: ClusterOptions,
}

impl Default for SimOptions {
    fn default() -> Self {
        Self {
            port: 0,
            nodes: 3,
            tls: false,
            latency: Duration::ZERO,
            speed: 1.0,
            start_in_past: Duration::ZERO,
            kubeconfig_path: None,
            namespace: "default".into(),
            controllers: true,
            require_token: None,
            cluster: ClusterOptions::default(),
        }
    }
}

/// A running simulator. Dropping it stops the server and the controllers.
pub struct KubeSim {
    runtime: Option<tokio::runtime::Runtime>,
    cluster: Arc<Cluster>,
    server: Arc<ServerState>,
    base_url: String,
    kubeconfig_path: PathBuf,
    ca_pem: Option<String>,
    dir: tempfile::TempDir,
    /// The listening address, the TLS config and the accept loop (`None` while paused).
    addr: std::net::SocketAddr,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    serving: parking_lot::Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl KubeSim {
    /// Start a simulator (synchronous: it runs on its own multi-thread tokio runtime).
    pub fn start(options: SimOptions) -> anyhow::Result<KubeSim> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("kube-sim")
            .enable_all()
            .build()?;
        let start = chrono::Utc::now()
            - chrono::Duration::from_std(options.start_in_past).unwrap_or_default();
        let clock = clock::Clock::starting_at(start, options.speed);
        let cluster = Cluster::new(options.cluster.clone(), clock);
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", options.port))?;
        std_listener.set_nonblocking(true)?;
        let addr = std_listener.local_addr()?;
        let tls = if options.tls {
            Some(tls::generate()?)
        } else {
            None
        };
        // The CA every namespace's kube-root-ca.crt publishes: the serving CA under TLS.
        match &tls {
            Some(t) => cluster.set_root_ca(&t.ca_pem),
            None => cluster.set_root_ca(&system::plain_http_ca()),
        }
        seed(&cluster, addr.port())?;
        controller::kubelet::seed_nodes(&cluster, options.nodes);

        let token = random_token();
        let server = ServerState::new(cluster.clone(), token.clone(), options.latency);
        *server.address.lock() = addr.to_string();
        server.require_token.store(
            options.require_token.unwrap_or(options.tls),
            std::sync::atomic::Ordering::Relaxed,
        );
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{addr}");
        let serving;
        {
            let _guard = runtime.enter();
            let listener = tokio::net::TcpListener::from_std(std_listener)?;
            serving = Some(runtime.spawn(server::serve(
                listener,
                server.clone(),
                tls.as_ref().map(|t| t.server_config.clone()),
            )));
            if options.controllers {
                controller::spawn_all(cluster.clone());
                runtime.spawn(system::run(cluster.clone(), addr.port()));
            }
        }
        let dir = tempfile::Builder::new().prefix("kube-sim-").tempdir()?;
        let kubeconfig_path = options
            .kubeconfig_path
            .clone()
            .unwrap_or_else(|| dir.path().join("kubeconfig"));
        let ca_pem = tls.as_ref().map(|t| t.ca_pem.clone());
        kubeconfig::write(
            &kubeconfig_path,
            &base_url,
            &token,
            ca_pem.as_deref(),
            &options.namespace,
        )?;
        Ok(KubeSim {
            runtime: Some(runtime),
            cluster,
            server,
            base_url,
            kubeconfig_path,
            ca_pem,
            dir,
            addr,
            tls: tls.as_ref().map(|t| t.server_config.clone()),
            serving: parking_lot::Mutex::new(serving),
        })
    }

    /// Stops serving, as an API server that goes down: the listener is closed (new connections
    /// are refused) and every open connection is dropped mid-stream (watches, logs). The
    /// cluster keeps its state and keeps running (controllers, kubelet, clock); `resume` serves
    /// it again on the same address. Pausing twice is a no-op.
    pub fn pause(&self) {
        if let Some(task) = self.serving.lock().take() {
            task.abort();
            // Wait until the task is gone, so the port is closed when this returns.
            let _ = self
                .runtime()
                .block_on(async { tokio::time::timeout(Duration::from_secs(5), task).await });
        }
    }

    /// Serves again on the address `pause` closed, with the same state, token and
    /// certificates: clients resume as after an API server restart. A no-op when serving.
    pub fn resume(&self) -> anyhow::Result<()> {
        let mut serving = self.serving.lock();
        if serving.is_some() {
            return Ok(());
        }
        // std binds with SO_REUSEADDR on Unix: the closed connections' TIME_WAIT does not
        // keep the port.
        let std_listener = std::net::TcpListener::bind(self.addr)?;
        std_listener.set_nonblocking(true)?;
        let _guard = self.runtime().enter();
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        *serving = Some(self.runtime().spawn(server::serve(
            listener,
            self.server.clone(),
            self.tls.clone(),
        )));
        Ok(())
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig_path
    }
    /// `http://127.0.0.1:PORT` (or https with `tls`).
    pub fn base_url(&self) -> &str {
        &self.base_url
    }
    /// The bearer token the server accepts.
    pub fn token(&self) -> &str {
        &self.server.token
    }
    /// The CA certificate (PEM) when serving TLS.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }
    /// A scratch directory that lives as long as the simulator.
    pub fn temp_dir(&self) -> &Path {
        self.dir.path()
    }
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.server.requests.lock().clone()
    }
    pub fn clear_requests(&self) {
        self.server.requests.lock().clear()
    }
    /// A user authenticated by a new bearer token (returned), authorized by RBAC: create
    /// Roles and bindings for them, or none to see 403s. `groups` are its groups besides
    /// system:authenticated. kubectl sends tokens only over TLS (`SimOptions::tls`); over
    /// plain HTTP use its impersonation (`--as NAME`), which the admin may do.
    pub fn add_user(&self, name: &str, groups: &[&str]) -> String {
        let token = random_token();
        self.server
            .users
            .lock()
            .insert(token.clone(), rbac::User::with_groups(name, groups));
        token
    }

    /// A kubeconfig like `kubeconfig_path()`'s that authenticates with `token` (written in the
    /// scratch directory, named after the token).
    pub fn kubeconfig_for(&self, token: &str) -> anyhow::Result<PathBuf> {
        let path = self
            .dir
            .path()
            .join(format!("kubeconfig-{}", &token[..8.min(token.len())]));
        let ns = std::fs::read_to_string(&self.kubeconfig_path)
            .ok()
            .and_then(|y| yaml::from_str::<Value>(&y).ok())
            .and_then(|v| {
                v["contexts"][0]["context"]["namespace"]
                    .as_str()
                    .map(str::to_string)
            })
            .unwrap_or_else(|| "default".into());
        Ok(kubeconfig::write(
            &path,
            &self.base_url,
            token,
            self.ca_pem.as_deref(),
            &ns,
        )?)
    }

    pub fn add_fault(&self, rule: FaultRule) {
        self.server.faults.lock().push(rule)
    }
    pub fn clear_faults(&self) {
        self.server.faults.lock().clear()
    }
    pub fn set_latency(&self, latency: Duration) {
        *self.server.latency.lock() = latency;
    }
    pub fn clock(&self) -> &clock::Clock {
        self.cluster.clock()
    }
    pub fn cluster(&self) -> Arc<Cluster> {
        self.cluster.clone()
    }
    /// A handle on the simulator's runtime (to run async code against the cluster, e.g. watches).
    pub fn runtime(&self) -> &tokio::runtime::Handle {
        self.runtime.as_ref().expect("runtime").handle()
    }

    /// Create every object of a (multi-document) YAML; namespaced objects without a namespace
    /// go to `default`.
    pub fn apply_yaml(&self, yaml: &str) -> Result<Vec<Value>, ApiError> {
        let mut out = Vec::new();
        let docs: Vec<Value> = yaml::documents(yaml)
            .map_err(|e| ApiError::bad_request(format!("invalid YAML: {e}")))?;
        for v in docs {
            let av = v["apiVersion"].as_str().unwrap_or_default();
            let kind = v["kind"].as_str().unwrap_or_default();
            let rt = resources::lookup_kind(av, kind)
                .ok_or_else(|| ApiError::bad_request(format!("no resource for {av} {kind}")))?;
            let ns = v["metadata"]["namespace"]
                .as_str()
                .unwrap_or("default")
                .to_string();
            out.push(self.create(rt, &ns, v)?);
        }
        Ok(out)
    }

    /// Create one object (namespace ignored for cluster-scoped resources).
    pub fn create(
        &self,
        rt: &'static ResourceType,
        ns: &str,
        obj: Value,
    ) -> Result<Value, ApiError> {
        let opts = WriteOptions {
            field_manager: Some("kube-sim-test".into()),
            ..Default::default()
        };
        let ns = if rt.namespaced { Some(ns) } else { None };
        self.cluster.create(rt, ns, obj, &opts).map(|w| w.object)
    }

    /// Poll `f` until it holds or `timeout` passes.
    pub fn wait_until(&self, timeout: Duration, mut f: impl FnMut(&Cluster) -> bool) -> bool {
        let end = Instant::now() + timeout;
        loop {
            if f(&self.cluster) {
                return true;
            }
            if Instant::now() >= end {
                return false;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A `kubectl` command pointed at this simulator (KUBECONFIG, an isolated HOME and discovery
    /// cache). None when kubectl is not on PATH (see [`require_tool`]: a visible skip, or a
    /// failure under `CI=true`).
    pub fn kubectl<I, S>(&self, args: I) -> Option<std::process::Command>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let bin = require_tool("kubectl")?;
        let home = self.dir.path().join("home");
        let _ = std::fs::create_dir_all(&home);
        let mut c = std::process::Command::new(bin);
        c.env("KUBECONFIG", &self.kubeconfig_path)
            .env("HOME", &home)
            .env_remove("KUBECTL_EXTERNAL_DIFF")
            .arg("--cache-dir")
            .arg(self.dir.path().join("cache"))
            .args(args);
        Some(c)
    }
}

impl Drop for KubeSim {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
        // The kubeconfig holds the token and points at a server that is gone: remove it,
        // wherever it was written (the temp dir goes with `dir`).
        let _ = std::fs::remove_file(&self.kubeconfig_path);
    }
}

/// An outside tool a test needs, found on PATH. When it is missing: under `CI=true` the test
/// fails (panics); otherwise it is skipped visibly, with a `SKIPPED <test>: …` line written
/// straight to the process's stderr (the test harness captures `eprintln!`, not this), and the
/// caller returns early on None.
pub fn require_tool(name: &str) -> Option<PathBuf> {
    if let Some(bin) = find_on_path(name) {
        return Some(bin);
    }
    let test = std::thread::current()
        .name()
        .unwrap_or("a test")
        .to_string();
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{test}: {name} is not on PATH, and CI=true: the checks that need it must run");
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {test}: {name} is not on PATH (set CI=true to fail instead)"
    );
    None
}

fn find_on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

fn random_token() -> String {
    use rand::Rng;
    let mut r = rand::thread_rng();
    (0..32)
        .map(|_| format!("{:x}", r.gen_range(0..16u8)))
        .collect()
}

/// The objects every cluster starts with: the four system namespaces (as kube-apiserver's
/// system namespaces controller creates them; each with its default ServiceAccount and
/// kube-root-ca.crt, see `system`), the `default/kubernetes` Service of the API server at
/// `port`, the default RBAC roles, and a default StorageClass of node-local volumes bound on
/// their first consumer (as kind's `standard`, local-path-provisioner): a claim is provisioned
/// on the node the scheduler picks for its first pod.
fn seed(cluster: &Cluster, port: u16) -> anyhow::Result<()> {
    let opts = WriteOptions {
        field_manager: Some("kube-apiserver".into()),
        ..Default::default()
    };
    for ns in ["default", "kube-system", "kube-public", "kube-node-lease"] {
        let obj = json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
            "spec": {"finalizers": ["kubernetes"]},
            "status": {"phase": "Active"},
        });
        cluster
            .create(&resources::NAMESPACES, None, obj, &opts)
            .map_err(|e| anyhow::anyhow!("seeding namespace {ns}: {e}"))?;
    }
    let sc = json!({
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": "standard",
            "annotations": {"storageclass.kubernetes.io/is-default-class": "true"},
        },
        "provisioner": "sim.k8s.io/hostpath",
        "allowVolumeExpansion": true,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "WaitForFirstConsumer",
    });
    cluster
        .create(&resources::STORAGECLASSES, None, sc, &opts)
        .map_err(|e| anyhow::anyhow!("seeding storage class: {e}"))?;
    system::ensure_kubernetes_service(cluster, port);
    rbac::seed(cluster).map_err(|e| anyhow::anyhow!("seeding RBAC: {e}"))?;
    Ok(())
}
