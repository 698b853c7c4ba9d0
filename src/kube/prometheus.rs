//! Range queries against a Prometheus server (`GET URL/api/v1/query_range`), for
//! `top --prometheus`. Reuses kube's HTTP stack (hyper + rustls, http and https) with a client
//! of its own: no kubeconfig credentials are ever sent to Prometheus.

use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use kube::{Client, Config};

use crate::manifest::prometheus::{self as logic, Metric, Series, Window};

/// A Prometheus server's HTTP API.
#[derive(Clone)]
pub struct Prometheus {
    client: Client,
    /// As given, for error messages.
    pub url: String,
}

impl Prometheus {
    /// A client for `url` (`http(s)://host[:port][/path prefix]`); no request yet.
    /// `timeout` bounds each request (None = kube's defaults).
    pub fn new(url: &str, timeout: Option<Duration>, verbose: u8) -> Result<Prometheus> {
        let shown = url.trim_end_matches('/').to_string();
        let uri: http::Uri = shown
            .parse()
            .map_err(|e| anyhow!("--prometheus {url:?} is not a URL: {e}"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
            anyhow::bail!(
                "--prometheus {url:?} must be an http:// or https:// URL (e.g. http://prometheus:9090)"
            );
        }
        if uri.query().is_some() {
            anyhow::bail!("--prometheus {url:?}: the base URL cannot have a query string");
        }
        let mut config = Config::new(uri);
        config.default_retry = false;
        if let Some(t) = timeout {
            config.connect_timeout = Some(t);
            config.read_timeout = Some(t);
        }
        let client = kube::client::ClientBuilder::try_from(config)
            .with_context(|| format!("prometheus at {shown}: cannot set up the HTTP client"))?
            .with_layer(&super::log::LogLayer::new(verbose))
            .build();
        Ok(Prometheus { client, url: shown })
    }

    /// One range query; its series, or an error naming the URL and what failed.
    pub async fn query_range(
        &self,
        query: &str,
        start: f64,
        end: f64,
        step: u64,
    ) -> Result<Vec<Series>> {
        let qs = form_urlencoded::Serializer::new(String::new())
            .append_pair("query", query)
            .append_pair("start", &fmt_time(start))
            .append_pair("end", &fmt_time(end))
            .append_pair("step", &step.to_string())
            .finish();
        let req = http::Request::get(format!("/api/v1/query_range?{qs}"))
            .header("Accept", "application/json")
            .body(kube::client::Body::from(Vec::new()))
            .map_err(|e| anyhow!(e))?;
        let fail = |what: String| anyhow!("prometheus at {}: {what}", self.url);
        let resp = self
            .client
            .send(req)
            .await
            .map_err(|e| fail(transport_reason(&e)))?;
        let status = resp.status().as_u16();
        let body = resp
            .into_body()
            .collect_bytes()
            .await
            .map_err(|e| fail(format!("reading the answer: {e}")))?;
        let data = logic::parse_response(status, &body).map_err(|e| fail(e.to_string()))?;
        logic::parse_matrix(&data).map_err(|e| fail(e.to_string()))
    }

    /// The four series of these pods over the window ending at `now`, queried concurrently.
    pub async fn pod_series(
        &self,
        namespace: &str,
        pods: &[String],
        window: &Window,
        now: f64,
    ) -> Result<Vec<(Metric, Vec<Series>)>> {
        let (start, end) = window.bounds(now);
        let futs = logic::METRICS.map(|m| {
            let q = logic::query(m, namespace, pods);
            async move {
                self.query_range(&q, start, end, window.step_secs)
                    .await
                    .map(|s| (m, s))
            }
        });
        futures::future::try_join_all(futs).await
    }
}

/// Unix seconds as Prometheus reads them (up to milliseconds).
fn fmt_time(t: f64) -> String {
    let ms = (t * 1000.0).round() as i64;
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{}.{:03}", ms.div_euclid(1000), ms.rem_euclid(1000))
    }
}

/// What went wrong on the way, in a few words: the kind from the types in the chain
/// (`transport::classify`), with the innermost cause's own words where they say more.
fn transport_reason(e: &kube::Error) -> String {
    use super::transport::{classify, Failure};
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = vec![e];
    while let Some(s) = chain.last().and_then(|c| c.source()) {
        chain.push(s);
    }
    let innermost = chain.last().map(|c| c.to_string()).unwrap_or_default();
    let refused = chain.iter().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused)
    });
    let not_http = chain.iter().any(|c| {
        c.downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_parse())
    });
    match classify(e) {
        Failure::Timeout => "the request timed out".into(),
        Failure::Tls => format!("TLS failed: {innermost}"),
        Failure::Unreachable if refused => "connection refused".into(),
        Failure::Unreachable => format!("cannot connect: {innermost}"),
        _ if not_http => "the answer is not HTTP (is it an https:// server?)".into(),
        _ => chain
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join(": "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_encoding() {
        assert_eq!(fmt_time(1700000000.0), "1700000000");
        assert_eq!(fmt_time(1700000000.25), "1700000000.250");
    }

    #[tokio::test]
    async fn rejects_non_http_urls() {
        for u in ["ftp://x", "prometheus:9090/x y", "http://h/?q=1"] {
            assert!(Prometheus::new(u, None, 0).is_err(), "{u}");
        }
        assert_eq!(
            Prometheus::new("http://p:9090/", None, 0).unwrap().url,
            "http://p:9090"
        );
    }
}
