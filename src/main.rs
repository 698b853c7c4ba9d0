//! The `kubectl-statefulset` binary: everything is in the library's `run_main`.

fn main() {
    std::process::exit(kubectl_statefulset::run_main(std::env::args_os().collect()));
}
