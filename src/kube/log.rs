//! `-v`: one line per request on stderr, `GET /apis/apps/v1/... 200 12ms`. Only the method,
//! the path and query, the status and the time — never headers, so never a token.
//! Every answer's `Warning` headers are printed as kubectl prints them: `Warning: TEXT`, each
//! text once per run.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

use http::{Request, Response};
use tower::{Layer, Service};

#[derive(Clone, Copy)]
pub struct LogLayer {
    verbose: u8,
}

impl LogLayer {
    pub fn new(verbose: u8) -> Self {
        LogLayer { verbose }
    }
}

impl<S> Layer<S> for LogLayer {
    type Service = LogService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        LogService {
            inner,
            verbose: self.verbose,
        }
    }
}

#[derive(Clone)]
pub struct LogService<S> {
    inner: S,
    verbose: u8,
}

impl<S, B, R> Service<Request<B>> for LogService<S>
where
    S: Service<Request<B>, Response = Response<R>>,
    S::Future: Send + 'static,
    S::Error: std::fmt::Display,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let verbose = self.verbose;
        // kube writes `?&a=b` and a bare trailing `?`; show them as kubectl would.
        let target = req
            .uri()
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
            .replacen("?&", "?", 1);
        let line = format!("{} {}", req.method(), target.trim_end_matches('?'));
        let start = Instant::now();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let result = fut.await;
            if let Ok(resp) = &result {
                print_warnings(resp.headers());
            }
            if verbose > 0 {
                let ms = start.elapsed().as_millis();
                match &result {
                    Ok(resp) => eprintln!("{line} {} {ms}ms", resp.status().as_u16()),
                    Err(e) => eprintln!("{line} failed after {ms}ms: {e}"),
                }
            }
            result
        })
    }
}

/// kubectl's default warning handler (client-go rest/warnings.go with kubectl's deduplicating
/// writer): `Warning: TEXT` on stderr, each text once.
fn print_warnings(headers: &http::HeaderMap) {
    static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    for value in headers.get_all("warning") {
        let Some(text) = value.to_str().ok().and_then(parse_warning) else {
            continue;
        };
        let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        if !seen.contains(&text) {
            eprintln!("Warning: {text}");
            seen.push(text);
        }
    }
}

/// The text of a `299 - "text"` warning (RFC 7234 5.5; client-go's ParseWarningHeader): code 299
/// only, the quoted text unescaped.
fn parse_warning(header: &str) -> Option<String> {
    let rest = header.strip_prefix("299 ")?;
    let (_agent, quoted) = rest.split_once(' ')?;
    let inner = quoted.trim().strip_prefix('"')?;
    let mut text = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => text.push(chars.next()?),
            '"' => return Some(text),
            c => text.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    #[test]
    fn warning_headers() {
        assert_eq!(
            super::parse_warning(r#"299 - "unknown field \"spec.foo\"""#).as_deref(),
            Some(r#"unknown field "spec.foo""#)
        );
        assert_eq!(super::parse_warning("199 - \"x\""), None);
        assert_eq!(super::parse_warning("299 - unquoted"), None);
    }
}
