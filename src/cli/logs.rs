//! Arguments of the observing commands: `logs`, `events`, `top`.

use clap::Args;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Only this pod: its ordinal (`2`) or its name (`web-2`)
    #[arg(long, value_name = "ORDINAL|NAME")]
    pub pod: Option<String>,

    /// The container (default: the only one, else the first)
    #[arg(
        short = 'c',
        long,
        value_name = "CONTAINER",
        conflicts_with = "all_containers"
    )]
    pub container: Option<String>,

    /// Every container of each pod
    #[arg(long)]
    pub all_containers: bool,

    /// Keep streaming; pods that appear are picked up, pods that go away end with a note
    #[arg(short = 'f', long)]
    pub follow: bool,

    /// Only lines newer than this, e.g. 30s, 5m, 1h
    #[arg(long, value_name = "DURATION", conflicts_with = "since_time", value_parser = since_arg)]
    pub since: Option<String>,

    /// Only lines after this RFC 3339 time
    #[arg(long, value_name = "TIME", value_parser = since_time_arg)]
    pub since_time: Option<String>,

    /// The last N lines of each stream (-1 = all)
    #[arg(long, value_name = "N", default_value_t = -1, allow_negative_numbers = true)]
    pub tail: i64,

    /// Print each line's timestamp
    #[arg(long)]
    pub timestamps: bool,

    /// The previous (terminated) instance of the container
    #[arg(short = 'p', long)]
    pub previous: bool,

    /// Without the `[pod/container]` prefix
    #[arg(long)]
    pub no_prefix: bool,

    /// Most concurrent streams when following
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub max_log_requests: usize,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Also the events of its pods and PersistentVolumeClaims
    #[arg(long)]
    pub pods: bool,

    /// Keep streaming new events
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Print no header line (table; custom-columns)
    #[arg(long)]
    pub no_headers: bool,

    /// Sort by this field of the Events (a JSONPath such as .lastTimestamp or .count) instead
    /// of by time
    #[arg(long, value_name = "JSONPATH")]
    pub sort_by: Option<String>,
}

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  kubectl statefulset top web
  kubectl statefulset monitor web --watch --interval 10s
  kubectl statefulset top web --prometheus http://prometheus.monitoring:9090 --range 1d
  export KUBECTL_STATEFULSET_PROMETHEUS=http://prometheus.monitoring:9090
  kubectl statefulset top web --range 7d -o json

With a Prometheus URL (--prometheus, or the KUBECTL_STATEFULSET_PROMETHEUS environment variable)
each refresh lists the pods and makes four range queries (CPU, memory working set, network in,
network out, per pod) over --range, and draws them as sparklines.")]
pub struct TopArgs {
    /// The StatefulSet (picked interactively on a terminal when omitted)
    pub name: Option<String>,

    /// Refresh until interrupted, with sparklines of the history
    #[arg(short = 'w', long)]
    pub watch: bool,

    /// Time between refreshes with --watch
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = super::duration_arg)]
    pub interval: String,

    /// How many pods the ranking shows
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub top: usize,

    /// Prometheus base URL: draw history ranges (CPU, memory working set, network in/out per
    /// pod) from its HTTP API instead of metrics.k8s.io
    #[arg(long, value_name = "URL", env = "KUBECTL_STATEFULSET_PROMETHEUS")]
    pub prometheus: Option<String>,

    /// History range with a Prometheus URL, from 10m to 7d; presets as the console's: 10m, 20m,
    /// 30m, 1h, 2h, 3h, 5h, 12h, 1d, 2d, 3d, 7d [default: 1h]
    #[arg(long, value_name = "DURATION")]
    pub range: Option<String>,

    /// Resolution of the range (default: the console's step for it, about 30 points)
    #[arg(long, value_name = "DURATION")]
    pub step: Option<String>,
}

/// `--since`: checked by clap (exit 2 when invalid), kept as written.
fn since_arg(s: &str) -> Result<String, String> {
    crate::manifest::observe::since_seconds(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// `--since-time`: an RFC 3339 time, checked by clap.
fn since_time_arg(s: &str) -> Result<String, String> {
    crate::manifest::observe::since_time(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}
