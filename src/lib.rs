//! kubectl-statefulset library (under construction).
