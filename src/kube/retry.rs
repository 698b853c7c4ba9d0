//! Retries of requests that are safe to repeat. A request answered 429, 500, 502, 503 or 504,
//! or whose connection was reset before a response, is sent again after a backoff (100 ms,
//! doubling; a 429/503 `Retry-After` is honoured, capped at 5 s), at most `MAX_RETRIES` times,
//! when repeating it cannot do more than sending it once (`repeatable`): reads (GET: get, list,
//! watch, logs), server dry runs, and merge, strategic merge and apply patches — these set
//! fields to values, so a second application of one already applied changes nothing (RFC
//! 7386 §1; the strategic merge keys and directives are idempotent the same way). Other writes
//! (POST, PUT, DELETE, JSON patches) are never repeated: whether the server applied them is
//! unknown, and the command that sent them checks what exists instead. The timeout layer sits
//! outside this one, so all attempts of one request stay within `--request-timeout`.
//!
//! Modelled on client-go's `rest/request.go` (`retryFn`, `checkWait`, `IsRetryableError`),
//! which retries GETs on a connection reset and on 429/5xx with Retry-After.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Method, Request, Response, StatusCode};
use kube::client::Body;
use tokio::sync::Mutex;
use tower::{BoxError, Layer, Service, ServiceExt};

pub const MAX_RETRIES: u32 = 4;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const RETRY_AFTER_CAP: Duration = Duration::from_secs(5);

#[derive(Clone, Copy)]
pub struct RetryLayer {
    verbose: u8,
}

impl RetryLayer {
    pub fn new(verbose: u8) -> Self {
        RetryLayer { verbose }
    }
}

impl<S> Layer<S> for RetryLayer {
    type Service = RetryService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        RetryService {
            inner: Arc::new(Mutex::new(inner)),
            verbose: self.verbose,
        }
    }
}

pub struct RetryService<S> {
    inner: Arc<Mutex<S>>,
    verbose: u8,
}

impl<S> Clone for RetryService<S> {
    fn clone(&self) -> Self {
        RetryService {
            inner: self.inner.clone(),
            verbose: self.verbose,
        }
    }
}

/// Whether sending the request twice has the effect of sending it once (see the module doc).
pub fn repeatable(method: &Method, query: Option<&str>, content_type: Option<&str>) -> bool {
    if matches!(*method, Method::GET | Method::HEAD) {
        return true;
    }
    if query.is_some_and(|q| q.split('&').any(|kv| kv == "dryRun=All")) {
        return true;
    }
    *method == Method::PATCH
        && content_type.is_some_and(|t| {
            let t = t.split(';').next().unwrap_or("").trim();
            matches!(
                t,
                "application/merge-patch+json"
                    | "application/strategic-merge-patch+json"
                    | "application/apply-patch+yaml"
            )
        })
}

/// Whether a response status is worth another attempt of an idempotent request.
pub fn retryable_status(s: StatusCode) -> bool {
    matches!(s.as_u16(), 429 | 500 | 502 | 503 | 504)
}

/// The wait before attempt `attempt + 1` (0-based retries): the server's Retry-After
/// (seconds, capped) when given, else exponential backoff.
pub fn delay(attempt: u32, retry_after: Option<&str>) -> Duration {
    if let Some(secs) = retry_after.and_then(|v| v.trim().parse::<u64>().ok()) {
        return Duration::from_secs(secs).min(RETRY_AFTER_CAP);
    }
    FIRST_BACKOFF * 2u32.pow(attempt.min(6))
}

/// Transport failures where the request may not have reached the server, or the connection
/// died under it: resets and closed connections. Not refused connections (nothing listens),
/// DNS or certificate failures: those do not heal by retrying.
fn retryable_error(e: &BoxError) -> bool {
    super::transport::classify(e.as_ref()) == super::transport::Failure::Lost
}

async fn send<S, R>(inner: &Arc<Mutex<S>>, req: Request<Body>) -> Result<Response<R>, BoxError>
where
    S: Service<Request<Body>, Response = Response<R>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
{
    let fut = {
        let mut svc = inner.lock().await;
        svc.ready().await.map_err(Into::into)?;
        svc.call(req)
    };
    fut.await.map_err(Into::into)
}

impl<S, R> Service<Request<Body>> for RetryService<S>
where
    S: Service<Request<Body>, Response = Response<R>> + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    R: Send + 'static,
{
    type Response = Response<R>;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, req: Request<Body>) -> Self::Future {
        let inner = self.inner.clone();
        let verbose = self.verbose;
        Box::pin(async move {
            let content_type = req
                .headers()
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if !repeatable(req.method(), req.uri().query(), content_type) {
                return send(&inner, req).await;
            }
            let (parts, body) = req.into_parts();
            let body: Vec<u8> = body.collect_bytes().await?.to_vec();
            let rebuild = || {
                let mut r = Request::new(Body::from(body.clone()));
                *r.method_mut() = parts.method.clone();
                *r.uri_mut() = parts.uri.clone();
                *r.version_mut() = parts.version;
                *r.headers_mut() = parts.headers.clone();
                r
            };
            let target = parts
                .uri
                .path_and_query()
                .map(|p| p.as_str().replacen("?&", "?", 1))
                .unwrap_or_default();
            let mut attempt = 0u32;
            loop {
                let result = send(&inner, rebuild()).await;
                let wait = match &result {
                    Ok(resp) if retryable_status(resp.status()) && attempt < MAX_RETRIES => {
                        let ra = resp
                            .headers()
                            .get(http::header::RETRY_AFTER)
                            .and_then(|v| v.to_str().ok());
                        let d = delay(attempt, ra);
                        if verbose > 0 {
                            eprintln!(
                                "{} {} {}, retrying in {}ms",
                                parts.method,
                                target.trim_end_matches('?'),
                                resp.status().as_u16(),
                                d.as_millis()
                            );
                        }
                        d
                    }
                    Err(e) if retryable_error(e) && attempt < MAX_RETRIES => {
                        let d = delay(attempt, None);
                        if verbose > 0 {
                            eprintln!(
                                "{} {} failed ({e}), retrying in {}ms",
                                parts.method,
                                target.trim_end_matches('?'),
                                d.as_millis()
                            );
                        }
                        d
                    }
                    _ => return result,
                };
                drop(result);
                tokio::time::sleep(wait).await;
                attempt += 1;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_honoured_and_capped() {
        assert_eq!(delay(0, Some("2")), Duration::from_secs(2));
        assert_eq!(delay(0, Some("3600")), RETRY_AFTER_CAP);
        assert_eq!(delay(0, Some("soon")), FIRST_BACKOFF);
    }

    #[test]
    fn backoff_doubles() {
        assert_eq!(delay(0, None), Duration::from_millis(100));
        assert_eq!(delay(1, None), Duration::from_millis(200));
        assert_eq!(delay(3, None), Duration::from_millis(800));
    }

    #[test]
    fn only_overload_and_server_errors_are_retried() {
        for c in [429u16, 500, 502, 503, 504] {
            assert!(retryable_status(StatusCode::from_u16(c).unwrap()), "{c}");
        }
        for c in [200u16, 400, 401, 403, 404, 409, 422, 501] {
            assert!(!retryable_status(StatusCode::from_u16(c).unwrap()), "{c}");
        }
    }

    #[test]
    fn refused_and_certificate_errors_are_not_retried() {
        use std::io::{Error, ErrorKind};
        let e: BoxError = Box::new(Error::from(ErrorKind::ConnectionRefused));
        assert!(!retryable_error(&e));
        let cert = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let e: BoxError = Box::new(Error::other(Error::new(ErrorKind::InvalidData, cert)));
        assert!(!retryable_error(&e));
        let e: BoxError = Box::new(Error::from(ErrorKind::ConnectionReset));
        assert!(retryable_error(&e));
        // rustls: the peer closed the connection without close_notify
        let e: BoxError = Box::new(Error::from(ErrorKind::UnexpectedEof));
        assert!(retryable_error(&e));
        // Words decide nothing.
        let e: BoxError = "connection reset by peer".into();
        assert!(!retryable_error(&e));
    }

    #[test]
    fn only_requests_whose_repeat_changes_nothing_are_repeatable() {
        let patch = Method::PATCH;
        assert!(repeatable(&Method::GET, Some("watch=true"), None));
        for t in [
            "application/merge-patch+json",
            "application/strategic-merge-patch+json",
            "application/apply-patch+yaml; charset=utf-8",
        ] {
            assert!(repeatable(&patch, Some("fieldManager=x"), Some(t)), "{t}");
        }
        assert!(!repeatable(
            &patch,
            None,
            Some("application/json-patch+json")
        ));
        assert!(!repeatable(
            &Method::POST,
            Some("fieldManager=x"),
            Some("application/json")
        ));
        assert!(repeatable(
            &Method::POST,
            Some("dryRun=All&fieldManager=x"),
            Some("application/json")
        ));
        assert!(!repeatable(&Method::PUT, None, Some("application/json")));
        assert!(!repeatable(&Method::DELETE, Some("dryRunX=All"), None));
        assert!(repeatable(&Method::DELETE, Some("dryRun=All"), None));
    }
}
