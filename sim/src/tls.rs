//! A generated CA and serving certificate for `--tls`.
