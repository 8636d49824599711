//! `sia marketo …`: steps 1, 3 and 4 on the Marketo side, through the same application calls as
//! the window (`sia_app::api::marketo`), with the credentials the window saved in the keychain.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use sia_app::guided::MarketoUsageCheck;
use sia_app::{AppError, AppState, api};
use sia_marketo::{
    MarketoAdminUser, MarketoConnectionTest, MarketoFieldStatus, MarketoSyncPreview, PeopleCount,
};
use sia_vault::StorageMode;

use crate::common::{self, say};
use crate::text::{Text, text};

#[derive(Subcommand)]
pub enum MarketoCommand {
    /// Ask Marketo's identity endpoint for a token with the saved credentials.
    Test(OutputArgs),
    /// The Marketo users with an admin role (step 1's invitees).
    Admins(OutputArgs),
    /// Step 4's preview: the 13 synced fields and how many people have a Salesforce owner.
    Preview(OutputArgs),
    /// The API-only users and the chosen one's calls over the last 7 days (steps 3 and 4).
    Usage(UsageArgs),
    /// Demo only: save the Marketo stand-in's credentials, as the window's demo button does.
    UseDemo(OutputArgs),
}

#[derive(Args)]
pub struct OutputArgs {
    /// Print JSON instead of the human summary.
    #[arg(long)]
    json: bool,
    /// The built-in stand-ins and the demo's data folder.
    #[arg(long)]
    demo: bool,
}

#[derive(Args)]
pub struct UsageArgs {
    #[command(flatten)]
    output: OutputArgs,
    /// Choose which API-only user is Actions' (its Marketo user id), then show its calls.
    #[arg(long, value_name = "USER_ID")]
    choose: Option<String>,
}

pub fn run(command: MarketoCommand) -> ExitCode {
    let t = text();
    match command {
        MarketoCommand::Test(args) => {
            let state = common::start(args.demo);
            let result = marketo_call(&state, async {
                let client = sia_app::marketo::client(&state)?;
                Ok(client.test_credentials().await?)
            });
            common::finish(result, args.json, |o, test| print_test(o, t, test))
        }
        MarketoCommand::Admins(args) => {
            let state = common::start(args.demo);
            let result = marketo_call(&state, api::marketo::marketo_admins(&state));
            common::finish(result, args.json, |o, admins| print_admins(o, t, admins))
        }
        MarketoCommand::Preview(args) => {
            let state = common::start(args.demo);
            let result = marketo_call(&state, api::marketo::marketo_sync_preview(&state));
            common::finish(result, args.json, |o, preview| print_preview(o, t, preview))
        }
        MarketoCommand::Usage(args) => {
            let state = common::start(args.output.demo);
            let result = marketo_call(&state, async {
                match args.choose {
                    Some(user) => api::marketo::marketo_choose_actions_user(&state, user).await,
                    None => api::marketo::marketo_usage(&state).await,
                }
            });
            common::finish(result, args.output.json, |o, usage| {
                print_usage(o, t, usage)
            })
        }
        MarketoCommand::UseDemo(args) => {
            let state = common::start(args.demo);
            let result = marketo_call(
                &state,
                api::marketo::marketo_use_demo(&state, StorageMode::Keychain),
            );
            common::finish(result, args.json, |o, saved| {
                say!(o, "{}", t.demo_saved);
                say!(o, "  {}: {}", t.endpoint, saved.test.endpoint);
                say!(o, "  {}: {}", t.api_user, saved.test.api_user);
            })
        }
    }
}

/// Runs a Marketo call, then records this run's own Marketo calls in the data folder, as the
/// window does at quit (the usage evidence subtracts them).
fn marketo_call<T>(
    state: &AppState,
    work: impl Future<Output = Result<T, AppError>>,
) -> Result<T, AppError> {
    let result = common::block_on(work);
    sia_app::marketo::flush_own_calls(state);
    result
}

fn print_test(o: &mut String, t: &Text, test: &MarketoConnectionTest) {
    say!(o, "{}", t.marketo_ok);
    if let Some(munchkin) = &test.munchkin_id {
        say!(o, "  Munchkin ID: {munchkin}");
    }
    say!(o, "  {}: {}", t.endpoint, test.endpoint);
    say!(o, "  {}: {}", t.api_user, test.api_user);
    say!(
        o,
        "  {}: {}",
        t.token_expires,
        test.token_expires_in_seconds
    );
}

fn print_admins(o: &mut String, t: &Text, admins: &[MarketoAdminUser]) {
    say!(o, "{} ({}):", t.admins, admins.len());
    for admin in admins {
        let name = format!("{} {}", admin.first_name, admin.last_name);
        let locked = if admin.locked {
            format!("  [{}]", t.locked)
        } else {
            String::new()
        };
        say!(
            o,
            "  {:<40} {:<28} {}{locked}",
            admin.email,
            name.trim(),
            admin.roles.join(", ")
        );
    }
}

fn count(t: &Text, people: &PeopleCount) -> String {
    if people.lower_bound {
        format!("{} {}", t.at_least, people.value)
    } else {
        people.value.to_string()
    }
}

fn print_preview(o: &mut String, t: &Text, preview: &MarketoSyncPreview) {
    say!(o, "{}:", t.fields);
    for field in &preview.fields {
        let status = match field.status {
            MarketoFieldStatus::Present => t.field_present,
            MarketoFieldStatus::Missing => t.field_missing,
            MarketoFieldStatus::ReadOnly => t.field_read_only,
        };
        say!(
            o,
            "  {:<32} {:<32} {status}",
            field.label,
            field.marketo_field
        );
    }
    say!(
        o,
        "{}: {} — {} {}, {} {}",
        t.people,
        count(t, &preview.people),
        count(t, &preview.people_with_owner),
        t.with_owner,
        count(t, &preview.people_without_owner),
        t.without_owner
    );
}

fn print_usage(o: &mut String, t: &Text, usage: &MarketoUsageCheck) {
    say!(o, "{}:", t.api_only_users);
    for user in &usage.api_users {
        let mut marks = Vec::new();
        if usage.chosen.as_deref() == Some(user.user_id.as_str()) {
            marks.push(t.chosen);
        }
        if usage.suggested.as_deref() == Some(user.user_id.as_str()) {
            marks.push(t.suggested);
        }
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!("  [{}]", marks.join(", "))
        };
        say!(o, "  {:<40} {}{marks}", user.user_id, user.name);
    }
    if usage.chosen.is_none() {
        say!(o, "{}", t.none_chosen);
        return;
    }
    for day in &usage.days {
        say!(o, "  {}  {}", day.date, day.calls);
    }
    say!(o, "{}: {}", t.calls_today, usage.calls_today);
    say!(o, "{}: {}", t.calls_7_days, usage.calls_last_7_days);
}
