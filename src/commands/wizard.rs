//! The `create -i` wizard: the console's steps, filling a `CreateArgs` that goes through the same
//! builder as the flags (so the equivalent command line can be printed).

use anyhow::{bail, Result};

use crate::cli::CreateArgs;
use crate::manifest::Plan;

pub fn run(_args: &mut CreateArgs, _namespace: &str) -> Result<Plan> {
    bail!("the interactive wizard is not available yet; give the flags (see --help)")
}
