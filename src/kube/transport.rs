//! What a failed request's transport said, read from the error types in its cause chain
//! (std's `io::ErrorKind`, hyper's and hyper-util's predicates, tower's timeout, rustls's
//! error), never from the words of their messages. It decides the hint an error gets and
//! whether a request may be sent again (`retry`) or was perhaps applied (`verify_if_lost`).

use std::error::Error;
use std::io::ErrorKind;

/// The kind of transport failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The server's certificate did not verify (or another TLS failure).
    Tls,
    /// `--request-timeout` (tower's timeout) or the OS gave up waiting.
    Timeout,
    /// No connection was made: refused, no route, a name that does not resolve.
    Unreachable,
    /// The connection died under the request (reset, closed before the answer): the server
    /// may have received it.
    Lost,
    /// Anything else.
    Other,
}

/// Classifies an error by the types in its chain. The innermost precise cause wins over an
/// outer general one (a connect error whose cause is a TLS failure is `Tls`).
pub fn classify(err: &(dyn Error + 'static)) -> Failure {
    let mut found = Failure::Other;
    let mut cur = Some(err);
    while let Some(e) = cur {
        if e.is::<tower::timeout::error::Elapsed>() {
            return Failure::Timeout;
        }
        if e.is::<rustls::Error>() {
            return Failure::Tls;
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if wraps_tls(io) {
                return Failure::Tls;
            }
            match io.kind() {
                ErrorKind::TimedOut => return Failure::Timeout,
                ErrorKind::ConnectionRefused
                | ErrorKind::HostUnreachable
                | ErrorKind::NetworkUnreachable
                | ErrorKind::AddrNotAvailable => return Failure::Unreachable,
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => return Failure::Lost,
                _ => {}
            }
        }
        if let Some(h) = e.downcast_ref::<hyper::Error>() {
            if h.is_timeout() {
                return Failure::Timeout;
            }
            if h.is_incomplete_message() || h.is_canceled() || h.is_closed() {
                found = Failure::Lost;
            }
        }
        if let Some(c) = e.downcast_ref::<hyper_util::client::legacy::Error>() {
            if c.is_connect() {
                found = Failure::Unreachable;
            }
        }
        cur = e.source();
    }
    found
}

/// Whether an io::Error carries a rustls error, however deep: hyper-rustls wraps
/// tokio-rustls's io::Error in another one, and an io::Error's `source()` skips its inner
/// error, so the chain alone never shows it.
fn wraps_tls(io: &std::io::Error) -> bool {
    let mut inner = io.get_ref();
    while let Some(e) = inner {
        if e.is::<rustls::Error>() {
            return true;
        }
        inner = e.downcast_ref::<std::io::Error>().and_then(|i| i.get_ref());
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrap(Box<dyn Error + Send + Sync>);
    impl std::fmt::Display for Wrap {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("request failed")
        }
    }
    impl Error for Wrap {
        fn source(&self) -> Option<&(dyn Error + 'static)> {
            Some(self.0.as_ref())
        }
    }

    fn io(kind: ErrorKind) -> Wrap {
        Wrap(Box::new(std::io::Error::new(kind, "x")))
    }

    #[test]
    fn kinds_come_from_types_in_the_chain() {
        assert_eq!(
            classify(&io(ErrorKind::ConnectionRefused)),
            Failure::Unreachable
        );
        assert_eq!(classify(&io(ErrorKind::ConnectionReset)), Failure::Lost);
        assert_eq!(classify(&io(ErrorKind::UnexpectedEof)), Failure::Lost);
        assert_eq!(classify(&io(ErrorKind::TimedOut)), Failure::Timeout);
        assert_eq!(classify(&io(ErrorKind::Other)), Failure::Other);
        let tls = std::io::Error::new(
            ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        );
        let wrapped = std::io::Error::other(tls);
        assert_eq!(classify(&Wrap(Box::new(wrapped))), Failure::Tls);
        let elapsed = Wrap(Box::new(tower::timeout::error::Elapsed::new()));
        assert_eq!(classify(&elapsed), Failure::Timeout);
        // Words alone decide nothing.
        let words = Wrap("connection reset by peer".into());
        assert_eq!(classify(&words), Failure::Other);
    }
}
