//! `sia sandbox`: start the local stand-ins and print the URLs they serve.

use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct SandboxArgs {}

pub fn run(_args: SandboxArgs) -> ExitCode {
    ExitCode::FAILURE
}
