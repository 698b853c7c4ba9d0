//! Contract-level tests: validation messages, strategies, scale, graceful delete.
use super::*;
