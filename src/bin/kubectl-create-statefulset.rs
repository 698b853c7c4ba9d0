//! `kubectl create statefulset NAME --image …` (and `kubectl create sts …` through a
//! `kubectl-create-sts` link to this binary): the same program with `create` prepended.
fn main() {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    std::process::exit(kubectl_statefulset::run_create_plugin(args));
}
