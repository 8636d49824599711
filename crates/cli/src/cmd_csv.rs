//! `sia csv …`: inspect an invite spreadsheet and print what the app would see.

use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CsvCommand {}

pub fn run(cmd: CsvCommand) -> ExitCode {
    match cmd {}
}
