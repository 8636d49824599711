//! `sia`: the same domain code as the desktop app, without a window.
//! Each subcommand lives in its own module; this file only dispatches.

mod cmd_activation;
mod cmd_csv;
mod cmd_invite;
mod cmd_marketo;
mod cmd_report;
mod cmd_salesforce;
mod cmd_sandbox;
mod cmd_status;
mod common;
mod text;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "sia", version, about = "SIA Setup from the command line")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Inspect invite spreadsheets.
    #[command(subcommand)]
    Csv(cmd_csv::CsvCommand),
    /// Run the local stand-in services (Salesforce, Marketo, Actions) and print their URLs.
    Sandbox(cmd_sandbox::SandboxArgs),
    /// Invite the people in a spreadsheet through a SCIM 2.0 service (token from SIA_TOKEN).
    Invite(cmd_invite::InviteArgs),
    /// The seven steps, their status, evidence and age, from the same data folder as the window.
    Status(cmd_status::StatusArgs),
    /// Re-run every check a real API can answer, then print the status.
    Check(cmd_status::StatusArgs),
    /// Sign in to Salesforce and check the org, as the window does (same keychain and data folder).
    #[command(subcommand)]
    Salesforce(cmd_salesforce::SalesforceCommand),
    /// Test the saved Marketo access and read admins, the sync preview and API usage.
    #[command(subcommand)]
    Marketo(cmd_marketo::MarketoCommand),
    /// Step 5: who of the invited has activated Actions in Salesforce, and what blocks the rest.
    Activation(cmd_activation::ActivationArgs),
    /// Write the setup report (one HTML file to hand over) from the saved progress.
    Report(cmd_report::ReportArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Csv(cmd) => cmd_csv::run(cmd),
        Command::Sandbox(args) => cmd_sandbox::run(args),
        Command::Invite(args) => cmd_invite::run(args),
        Command::Status(args) => cmd_status::status(args),
        Command::Check(args) => cmd_status::check(args),
        Command::Salesforce(cmd) => cmd_salesforce::run(cmd),
        Command::Marketo(cmd) => cmd_marketo::run(cmd),
        Command::Activation(args) => cmd_activation::run(args),
        Command::Report(args) => cmd_report::run(args),
    }
}
