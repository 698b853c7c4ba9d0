//! `create`'s arguments: the flags that build a StatefulSet, `-f FILE`, and the wizard switch.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DryRun {
    /// Build the objects locally; send nothing
    Client,
    /// Send the objects with dryRun=All; the server validates but stores nothing
    Server,
    /// No dry run
    None,
}

/// The flags that build the objects, so that mean nothing with `-f` (the manifest says it all):
/// given together they are a usage error rather than silently ignored. `--service-name`,
/// `--save`, `--dry-run`, `--wait` and `--timeout` apply to a manifest too.
const FILE_CONFLICTS: [&str; 44] = [
    "name",
    "image",
    "replicas",
    "container_name",
    "port",
    "env",
    "requests",
    "limits",
    "requests_cpu",
    "requests_memory",
    "limits_cpu",
    "limits_memory",
    "pull_policy",
    "command",
    "args",
    "liveness",
    "readiness",
    "startup",
    "liveness_opts",
    "readiness_opts",
    "startup_opts",
    "volume",
    "sync_host_timezone",
    "node_selector",
    "deployment_mode",
    "label",
    "annotation",
    "alias",
    "description",
    "update_strategy",
    "partition",
    "pod_management_policy",
    "image_pull_secret",
    "run_as_user",
    "run_as_group",
    "run_as_non_root",
    "privileged",
    "read_only_root_fs",
    "init_container",
    "sidecar",
    "native",
    "mount",
    "container",
    "interactive",
];

/// Create a StatefulSet and its headless Service.
#[derive(Debug, Clone, Default, Args)]
#[command(after_help = "\
Examples:
  kubectl statefulset create web --image nginx:1.27 --replicas 3 --port 80
  kubectl statefulset create db --image postgres:16 --port 5432 \\
      --env POSTGRES_PASSWORD=secret:pg:password --volume data:10Gi:/var/lib/postgresql/data
  kubectl statefulset create db --image postgres:16 --port 5432 \\
      --mount configmap:pg-conf/postgresql.conf:/etc/postgresql/postgresql.conf \\
      --sidecar 'metrics=prometheuscommunity/postgres-exporter' --native \\
      -c metrics --port metrics:9187 --requests cpu=50m,memory=64Mi
  kubectl statefulset create -f web.yaml
  kubectl statefulset create -i")]
pub struct CreateArgs {
    /// Name of the StatefulSet (a DNS-1123 label)
    pub name: Option<String>,

    /// Container image (required unless -f or -i)
    #[arg(long, value_name = "IMAGE", help_heading = "Container")]
    pub image: Option<String>,

    /// Number of replicas [default: 1]
    #[arg(long, short = 'r', value_name = "N", help_heading = "Pods", allow_hyphen_values = true, value_parser = clap::value_parser!(i32).range(0..))]
    pub replicas: Option<i32>,

    /// Container name [default: derived from the image]
    #[arg(long, value_name = "NAME", help_heading = "Container")]
    pub container_name: Option<String>,

    /// Container port `[name:]port[/TCP|UDP|SCTP]` (repeatable); the Service gets one port each
    #[arg(long, short = 'p', value_name = "PORT", help_heading = "Container")]
    pub port: Vec<String>,

    /// Environment variable `K=V`, `K=secret:NAME:KEY` or `K=configmap:NAME:KEY` (repeatable)
    #[arg(long, short = 'e', value_name = "K=V", help_heading = "Container")]
    pub env: Vec<String>,

    /// Resource requests, e.g. cpu=100m,memory=128Mi
    #[arg(long, value_name = "cpu=Q,memory=Q", help_heading = "Resources")]
    pub requests: Option<String>,

    /// Resource limits, e.g. cpu=1,memory=512Mi
    #[arg(long, value_name = "cpu=Q,memory=Q", help_heading = "Resources")]
    pub limits: Option<String>,

    /// CPU request, e.g. 250m
    #[arg(long, value_name = "QUANTITY", help_heading = "Resources")]
    pub requests_cpu: Option<String>,

    /// Memory request, e.g. 256Mi
    #[arg(long, value_name = "QUANTITY", help_heading = "Resources")]
    pub requests_memory: Option<String>,

    /// CPU limit, e.g. 1
    #[arg(long, value_name = "QUANTITY", help_heading = "Resources")]
    pub limits_cpu: Option<String>,

    /// Memory limit, e.g. 1Gi
    #[arg(long, value_name = "QUANTITY", help_heading = "Resources")]
    pub limits_memory: Option<String>,

    /// Image pull policy: Always, IfNotPresent or Never [default: IfNotPresent]
    #[arg(long, value_name = "POLICY", help_heading = "Container")]
    pub pull_policy: Option<String>,

    /// Start command, a shell-like string (e.g. "sh -c 'sleep 3600'")
    #[arg(
        long,
        value_name = "COMMAND",
        help_heading = "Container",
        allow_hyphen_values = true
    )]
    pub command: Option<String>,

    /// Arguments, a shell-like string
    #[arg(
        long,
        value_name = "ARGS",
        help_heading = "Container",
        allow_hyphen_values = true
    )]
    pub args: Option<String>,

    /// Liveness probe: `http:[https://]PORT[/PATH]`, `tcp:PORT` or `exec:COMMAND`
    #[arg(long, value_name = "PROBE", help_heading = "Health checks")]
    pub liveness: Option<String>,

    /// Readiness probe (same syntax as --liveness)
    #[arg(long, value_name = "PROBE", help_heading = "Health checks")]
    pub readiness: Option<String>,

    /// Startup probe (same syntax as --liveness)
    #[arg(long, value_name = "PROBE", help_heading = "Health checks")]
    pub startup: Option<String>,

    /// Liveness probe timing: delay=0,timeout=1,period=10,success=1,failure=3
    #[arg(long, value_name = "K=N,..", help_heading = "Health checks")]
    pub liveness_opts: Option<String>,

    /// Readiness probe timing (same syntax as --liveness-opts)
    #[arg(long, value_name = "K=N,..", help_heading = "Health checks")]
    pub readiness_opts: Option<String>,

    /// Startup probe timing (same syntax as --liveness-opts)
    #[arg(long, value_name = "K=N,..", help_heading = "Health checks")]
    pub startup_opts: Option<String>,

    /// Volume claim template `name:size:mountPath[:storageClass][:accessMode]` (repeatable)
    #[arg(long, value_name = "SPEC", help_heading = "Volumes")]
    pub volume: Vec<String>,

    /// Mount the host's /etc/localtime read-only (console: Sync Host Timezone)
    #[arg(long, help_heading = "Volumes")]
    pub sync_host_timezone: bool,

    /// Node selector `key=value` (repeatable)
    #[arg(long, value_name = "K=V", help_heading = "Scheduling")]
    pub node_selector: Vec<String>,

    /// Deployment mode: default, spread (decentralized) or pack (centralized)
    #[arg(long, value_name = "MODE", help_heading = "Scheduling")]
    pub deployment_mode: Option<String>,

    /// Label `key=value` for the StatefulSet, its selector and pods (repeatable) [default: app=NAME]
    #[arg(long, short = 'l', value_name = "K=V", help_heading = "Metadata")]
    pub label: Vec<String>,

    /// Annotation `key=value` on the StatefulSet (repeatable)
    #[arg(long, value_name = "K=V", help_heading = "Metadata")]
    pub annotation: Vec<String>,

    /// Alias shown by the console (annotation kubesphere.io/alias-name)
    #[arg(long, value_name = "TEXT", help_heading = "Metadata")]
    pub alias: Option<String>,

    /// Description (annotation kubesphere.io/description)
    #[arg(long, value_name = "TEXT", help_heading = "Metadata")]
    pub description: Option<String>,

    /// Update strategy: RollingUpdate or OnDelete [default: RollingUpdate]
    #[arg(long, value_name = "STRATEGY", help_heading = "Pods")]
    pub update_strategy: Option<String>,

    /// Rolling update partition: pods with an ordinal below it keep the old revision
    #[arg(long, value_name = "N", help_heading = "Pods", allow_hyphen_values = true, value_parser = clap::value_parser!(i32).range(0..))]
    pub partition: Option<i32>,

    /// Pod management policy: OrderedReady or Parallel [default: OrderedReady]
    #[arg(long, value_name = "POLICY", help_heading = "Pods")]
    pub pod_management_policy: Option<String>,

    /// Image pull secret (repeatable)
    #[arg(long, value_name = "SECRET", help_heading = "Pods")]
    pub image_pull_secret: Vec<String>,

    /// Name of the headless Service [default: NAME when free, else NAME-headless]
    #[arg(long, value_name = "NAME", help_heading = "Service")]
    pub service_name: Option<String>,

    /// Container runs as this user id
    #[arg(long, value_name = "UID", help_heading = "Security")]
    pub run_as_user: Option<i64>,

    /// Container runs as this group id
    #[arg(long, value_name = "GID", help_heading = "Security")]
    pub run_as_group: Option<i64>,

    /// Refuse to start containers running as root
    #[arg(long, help_heading = "Security")]
    pub run_as_non_root: bool,

    /// Run the container privileged
    #[arg(long, help_heading = "Security")]
    pub privileged: bool,

    /// Mount the container's root filesystem read-only
    #[arg(long, help_heading = "Security")]
    pub read_only_root_fs: bool,

    /// Init container `NAME=IMAGE[ COMMAND...]`, e.g. 'init=busybox:1.36 sh -c "sleep 1"' (repeatable)
    #[arg(long, value_name = "NAME=IMAGE [CMD]", help_heading = "Container")]
    pub init_container: Vec<String>,

    /// Sidecar container `NAME=IMAGE[ COMMAND...]`, e.g. 'metrics=prom/node-exporter' (repeatable)
    #[arg(long, value_name = "NAME=IMAGE [CMD]", help_heading = "Container")]
    pub sidecar: Vec<String>,

    /// The --sidecar containers are native sidecars (init containers with restartPolicy
    /// Always, started before the main container; Kubernetes 1.29+); after `-c NAME`: only that one
    #[arg(long, help_heading = "Container")]
    pub native: bool,

    /// The container flags that follow (--image, --port, --env, --requests/--limits*,
    /// --pull-policy, --command, --args, probes, --mount, --native) apply to container NAME (the
    /// main one, a --sidecar or an --init-container), up to the next -c (repeatable)
    #[arg(short = 'c', long, value_name = "NAME", help_heading = "Container")]
    pub container: Vec<String>,

    /// The per-container settings given after each `-c NAME` (filled before clap parses).
    #[arg(skip)]
    pub scopes: Vec<(String, super::ContainerScope)>,

    /// Mount a volume `[CONTAINER@]KIND:SOURCE:PATH[:ro]` (repeatable); KIND: configmap, secret
    /// (SOURCE = NAME for every key as a file, NAME/KEY for one key at PATH), pvc (an existing
    /// claim), emptydir, emptydir-memory (SOURCE = the volume name), hostpath (SOURCE = host path)
    #[arg(long, value_name = "SPEC", help_heading = "Volumes")]
    pub mount: Vec<String>,

    /// Create from a manifest (YAML or JSON; `-` for stdin): a StatefulSet, optionally with its Service
    #[arg(short = 'f', long, value_name = "FILE", help_heading = "Input", conflicts_with_all = FILE_CONFLICTS)]
    pub filename: Option<PathBuf>,

    /// Run the interactive wizard (terminal only)
    #[arg(short = 'i', long, help_heading = "Input")]
    pub interactive: bool,

    /// Write the final manifest to this file (wizard, or with any input)
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub save: Option<PathBuf>,

    /// Only build (client) or only validate on the server (server); nothing is stored
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, default_missing_value = "client")]
    pub dry_run: Option<DryRun>,

    /// How the server treats unknown fields: strict (refuse), warn or ignore [default: strict]
    #[arg(long, value_enum, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "strict", help_heading = "Input")]
    pub validate: Option<super::Validate>,

    /// Create even when the preflight finds that the pods would not run (a missing Secret,
    /// ConfigMap, key or StorageClass, no node that matches or has room, a claim of another set)
    #[arg(long)]
    pub skip_preflight: bool,

    /// Wait until all replicas are ready
    #[arg(long)]
    pub wait: bool,

    /// How long --wait waits, e.g. 5m, 30s
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = super::duration_arg)]
    pub timeout: String,

    #[command(flatten)]
    pub images: super::ImageCheckArgs,

    /// Replace each image's tag by the digest its registry resolves it to
    #[arg(long, help_heading = "Images", conflicts_with = "skip_image_check")]
    pub pin_digest: bool,
}
