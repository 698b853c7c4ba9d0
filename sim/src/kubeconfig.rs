//! Writing the kubeconfig that points kubectl and the plugin at the simulator.
