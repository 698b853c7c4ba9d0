//! The HTTP(S) front: routing, content negotiation, Status errors, watch and log streaming,
//! the request log, injected latency and faults.
