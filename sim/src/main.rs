//! `kube-sim`: serve the simulator, or open a playground shell against it.

use clap::{Parser, Subcommand};
use kube_sim::{KubeSim, SimOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "kube-sim",
    version,
    about = "A Kubernetes v1.32 API-server simulator"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Args, Clone)]
struct Common {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Where to write the kubeconfig.
    #[arg(long)]
    kubeconfig: Option<PathBuf>,
    /// Serve HTTPS with a generated CA (trusted by the kubeconfig).
    #[arg(long)]
    tls: bool,
    /// Latency injected before every response (e.g. 50ms, 1s).
    #[arg(long, value_parser = parse_duration)]
    latency: Option<Duration>,
    /// Simulated clock speed (1 = real time).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Keep fields this simulator's schema does not know, as a newer server would.
    #[arg(long)]
    newer_server: bool,
    /// Number of simulated nodes.
    #[arg(long, default_value_t = 3)]
    nodes: usize,
    /// Exit after this many seconds (for smoke tests).
    #[arg(long)]
    exit_after: Option<u64>,
    /// A container registry (`http://127.0.0.1:5000` or `127.0.0.1:5000`, plain HTTP) the
    /// simulated kubelet asks before pulling: a missing tag, or an index without the node's
    /// architecture, fails to pull (ErrImagePull, ImagePullBackOff). Every image's host is
    /// mapped onto it, as a mirror.
    #[arg(long, value_name = "URL")]
    registry: Option<String>,
}

#[derive(Subcommand)]
enum Cmd {
    /// Serve until interrupted and print the kubeconfig path.
    Serve(Common),
    /// Start a simulator with demo StatefulSets and open a shell pointed at it.
    Playground {
        #[command(flatten)]
        common: Common,
        /// Open $SHELL with KUBECONFIG exported (default on a TTY).
        #[arg(long)]
        shell: bool,
        /// Only print the environment (`export KUBECONFIG=...`) and keep serving.
        #[arg(long, conflicts_with = "shell")]
        print_env: bool,
    },
}

fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    // A bare number is milliseconds (`--latency 50`); otherwise Go's syntax (`50ms`, `1s`).
    if let Ok(ms) = s.parse::<f64>() {
        if ms >= 0.0 && ms.is_finite() {
            return Ok(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    kube_units::duration::parse_go(s).map_err(|e| format!("invalid duration: {e}"))
}

fn options(c: &Common, namespace: &str) -> SimOptions {
    let mut o = SimOptions {
        port: c.port,
        tls: c.tls,
        latency: c.latency.unwrap_or_default(),
        speed: c.speed,
        nodes: c.nodes,
        kubeconfig_path: c.kubeconfig.clone(),
        namespace: namespace.to_string(),
        ..Default::default()
    };
    o.cluster.newer_server = c.newer_server;
    o.cluster.image_registry = c.registry.as_deref().map(registry_host);
    o
}

/// `http://127.0.0.1:5000/` -> `127.0.0.1:5000`.
fn registry_host(url: &str) -> String {
    url.trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string()
}

/// Interrupt, terminate or hang-up, as a channel. The handlers are installed before this
/// returns (before the kubeconfig is written), so that a signal always leads back to `main`,
/// where the simulator is dropped and its kubeconfig (it holds the token) removed.
fn stop_signals() -> std::io::Result<std::sync::mpsc::Receiver<()>> {
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    #[cfg(unix)]
    let stop = {
        use tokio::signal::unix::{signal, SignalKind};
        let _guard = rt.enter();
        let mut int = signal(SignalKind::interrupt())?;
        let mut term = signal(SignalKind::terminate())?;
        let mut hup = signal(SignalKind::hangup())?;
        async move {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
                _ = hup.recv() => {}
            }
        }
    };
    #[cfg(not(unix))]
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    std::thread::spawn(move || {
        rt.block_on(stop);
        let _ = tx.send(());
    });
    Ok(rx)
}

fn wait(stop: std::sync::mpsc::Receiver<()>, exit_after: Option<u64>) {
    match exit_after {
        Some(s) => {
            let _ = stop.recv_timeout(Duration::from_secs(s));
        }
        None => {
            let _ = stop.recv();
        }
    }
}

const DEMO: &str = r#"
apiVersion: v1
kind: Namespace
metadata:
  name: demo
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: demo
  labels: {app: web}
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{name: http, port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
  namespace: demo
spec:
  serviceName: web
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports: [{name: http, containerPort: 80}]
        volumeMounts: [{name: data, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: data}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: demo
  labels: {app: db}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: postgres, port: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: demo
spec:
  serviceName: db
  replicas: 1
  updateStrategy: {type: OnDelete}
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: postgres
        image: postgres:16
        env:
        - name: POSTGRES_PASSWORD
          valueFrom: {secretKeyRef: {name: db-credentials, key: password}}
        ports: [{name: postgres, containerPort: 5432}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: cache
  namespace: demo
spec:
  serviceName: cache
  replicas: 2
  podManagementPolicy: Parallel
  selector:
    matchLabels: {app: cache}
  template:
    metadata:
      labels: {app: cache}
    spec:
      containers:
      - name: redis
        image: redis:7
        envFrom: [{configMapRef: {name: cache-config}}]
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: cache-config
  namespace: demo
data:
  MAXMEMORY: 64mb
---
apiVersion: v1
kind: Secret
metadata:
  name: db-credentials
  namespace: demo
type: Opaque
stringData:
  password: s3cret
"#;

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let stop = stop_signals()?;
    match cli.command {
        Cmd::Serve(c) => {
            let sim = KubeSim::start(options(&c, "default"))?;
            println!("{}", sim.kubeconfig_path().display());
            eprintln!(
                "kube-sim serving at {} (export KUBECONFIG={})",
                sim.base_url(),
                sim.kubeconfig_path().display()
            );
            wait(stop, c.exit_after);
            Ok(())
        }
        Cmd::Playground {
            common,
            shell,
            print_env,
        } => {
            let sim = KubeSim::start(options(&common, "demo"))?;
            sim.apply_yaml(DEMO)
                .map_err(|e| anyhow::anyhow!("seeding the playground: {e}"))?;
            let kubeconfig = sim.kubeconfig_path().display().to_string();
            let tty = std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
            // The plugin is built next to this binary (`cargo build --workspace`).
            let bin_dir = std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.to_path_buf()))
                .unwrap_or_else(|| PathBuf::from("target/debug"));
            if !bin_dir.join("kubectl-statefulset").exists() {
                eprintln!(
                    "note: kubectl-statefulset is not built in {}; run `cargo build --workspace` to try the plugin",
                    bin_dir.display()
                );
            }
            // The stand-in Prometheus, for `top --prometheus` (plain HTTP only: the plugin
            // verifies a Prometheus certificate against the system roots, not the sim's CA).
            let prometheus = sim
                .base_url()
                .starts_with("http://")
                .then(|| format!("{}/_sim/prometheus", sim.base_url()));
            if (shell || tty) && !print_env {
                let path = std::env::var_os("PATH").unwrap_or_default();
                let mut paths = vec![bin_dir, PathBuf::from("target/debug")];
                paths.extend(std::env::split_paths(&path));
                let new_path = std::env::join_paths(paths)?;
                let sh = std::env::var("SHELL").unwrap_or_else(|_| "/bin/sh".into());
                eprintln!(
                    "kube-sim playground at {} — exit the shell to stop it",
                    sim.base_url()
                );
                let mut cmd = std::process::Command::new(sh);
                cmd.env("KUBECONFIG", &kubeconfig).env("PATH", new_path);
                if let Some(p) = &prometheus {
                    cmd.env("KUBECTL_STATEFULSET_PROMETHEUS", p);
                }
                // The plugin checks images in the registry the kubelet pulls from.
                if let Some(r) = common.registry.as_deref() {
                    cmd.env("KUBECTL_STATEFULSET_REGISTRY_MIRRORS", registry_host(r));
                }
                let status = cmd.status()?;
                // process::exit runs no destructors: stop the simulator (and remove its
                // kubeconfig) first.
                drop(sim);
                std::process::exit(status.code().unwrap_or(0));
            }
            println!("export KUBECONFIG={kubeconfig}");
            println!("export PATH={}:$PATH", bin_dir.display());
            if let Some(p) = &prometheus {
                println!("export KUBECTL_STATEFULSET_PROMETHEUS={p}");
            }
            if let Some(r) = common.registry.as_deref() {
                println!(
                    "export KUBECTL_STATEFULSET_REGISTRY_MIRRORS={}",
                    registry_host(r)
                );
            }
            eprintln!(
                "kube-sim playground at {}; try `kubectl statefulset list`; Ctrl-C to stop",
                sim.base_url()
            );
            wait(stop, common.exit_after);
            Ok(())
        }
    }
}
