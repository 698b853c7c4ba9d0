//! The image-check options of the commands that change a pod template (the checks are in
//! `kube::images`).

use clap::Args;

/// The image-check options of the commands that change a pod template.
#[derive(Debug, Clone, Default, Args)]
pub struct ImageCheckArgs {
    /// Do not look the images up in their registries before sending
    #[arg(
        long,
        env = "KUBECTL_STATEFULSET_SKIP_IMAGE_CHECK",
        help_heading = "Images"
    )]
    pub skip_image_check: bool,

    /// A registry spoken to over plain HTTP (repeatable; loopback ones always are)
    #[arg(
        long,
        value_name = "HOST[:PORT]",
        env = "KUBECTL_STATEFULSET_INSECURE_REGISTRIES",
        value_delimiter = ',',
        help_heading = "Images"
    )]
    pub insecure_registry: Vec<String>,

    /// Look images up in this registry instead: `HOST[:PORT]` for every registry, or
    /// `REGISTRY=HOST[:PORT]` for one (e.g. docker.io=mirror:5000) (repeatable)
    #[arg(
        long,
        value_name = "[REGISTRY=]HOST[:PORT]",
        env = "KUBECTL_STATEFULSET_REGISTRY_MIRRORS",
        value_delimiter = ',',
        help_heading = "Images"
    )]
    pub registry_mirror: Vec<String>,
}
