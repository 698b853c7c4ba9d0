fn main() {
    std::process::exit(kubectl_statefulset::run_main(std::env::args_os().collect()));
}
