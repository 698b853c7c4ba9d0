fn main() {
    println!("kubectl-statefulset: under construction");
}
