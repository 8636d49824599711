//! `sia invite FILE --to URL`: send the invitations in a spreadsheet through the invite engine.

use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct InviteArgs {}

pub fn run(_args: InviteArgs) -> ExitCode {
    eprintln!("sia invite is not built yet");
    ExitCode::FAILURE
}
