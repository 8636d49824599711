//! The setup report to hand over: one self-contained HTML file (inline CSS, no script, nothing
//! fetched, printable) in the admin's language — the seven steps, who does each, their status with
//! what was checked and when, what is left and for whom, and the activation tracker's summary.
//!
//! It renders what the app already knows (the dashboard `sia status` prints, the tracker's last
//! summary); it checks nothing itself. Every value is HTML-escaped. It holds no secret: evidence
//! carries none, and no path, token or invitee's address is read here.

use std::fmt::Write as _;
use std::path::Path;

use sia_core::{
    Attention, Dashboard, Evidence, PrerequisiteId, Role, StatusSource, StepId, StepState,
    StepStatus,
};
use sia_salesforce::{
    APPEXCHANGE_LISTING_URL, MSI_MINIMUM_VERSION, MSI_NAMESPACE, MSI_REMOTE_SITES, PackageVersion,
};

use crate::error::{AppError, AppResult};
use crate::locale::{self, UiLanguage};
use crate::mode::{ActionsAccess, Mode};
use crate::state::AppState;
use crate::tracker::ActivationLast;
use crate::words::Words;

/// What the report is made of: read once from the app, then rendered without side effects.
#[derive(Debug, Clone)]
pub struct ReportInput {
    pub dashboard: Dashboard,
    pub mode: Mode,
    pub version: String,
    pub activation: Option<ActivationLast>,
    /// RFC 3339: when the report was made.
    pub made_at: String,
}

impl ReportInput {
    pub fn read(state: &AppState) -> AppResult<Self> {
        Ok(ReportInput {
            dashboard: state.with_store(|s| s.dashboard())?,
            mode: state.mode(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            activation: crate::tracker::last(state)?,
            made_at: time::OffsetDateTime::now_utc()
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
        })
    }
}

/// Writes the report in the admin's language to `path` (the save dialog's choice).
pub fn write(state: &AppState, path: &Path) -> AppResult<()> {
    write_input(&ReportInput::read(state)?, state.language(), path)
}

/// Renders `input` in `language` and writes it to `path`.
pub fn write_input(input: &ReportInput, language: UiLanguage, path: &Path) -> AppResult<()> {
    std::fs::write(path, render(input, language)).map_err(|error| {
        tracing::warn!(kind = ?error.kind(), "the setup report could not be written");
        AppError::new(
            "report_write_failed",
            "The report could not be written. Choose another folder or name.",
        )
    })
}

/// The report as one HTML document.
pub fn render(input: &ReportInput, language: UiLanguage) -> String {
    let w = Words::for_language(language);
    let t = |key: &str| esc(&w.t(key, &[]));
    let d = &input.dashboard;
    let mut h = String::with_capacity(16 * 1024);
    let total = d.steps.len().to_string();
    let done = d.done_count.to_string();

    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n\
         <header>\n<h1>{title}</h1>\n<p class=\"muted\">{made}<br>{mode}</p>\n</header>\n",
        lang = locale::tag(language),
        title = t("report.title"),
        made = esc(&w.t(
            "report.made",
            &[
                ("date", &w.date(&input.made_at)),
                ("version", &input.version)
            ]
        )),
        mode = esc(&w.t("report.mode", &[("mode", &mode_text(w, input.mode))])),
    );

    // Where it stands, and where to go next.
    let _ = write!(
        h,
        "<section class=\"summary\">\n<p class=\"progress\">{}</p>\n\
         <div class=\"bar\" aria-hidden=\"true\"><span style=\"width:{}%\"></span></div>\n<p>{}</p>\n",
        esc(&w.t("dashboard.progress", &[("done", &done), ("total", &total)])),
        usize::from(d.done_count) * 100 / d.steps.len().max(1),
        match d.next_step {
            Some(step) => esc(&w.t(
                "dashboard.nextStep",
                &[
                    ("number", &step.number().to_string()),
                    ("title", &w.t(&format!("step.{}.title", step.key()), &[])),
                ]
            )),
            None => t("dashboard.allDone"),
        }
    );
    h.push_str("</section>\n");

    // Before step 1: what only the admin could confirm.
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<ul class=\"checks\">\n",
        t("dashboard.prerequisitesHeading")
    );
    for p in &d.prerequisites {
        let title = w.t(&format!("prerequisite.{}.title", p.id.key()), &[]);
        let state = match &p.confirmed_at {
            Some(at) if p.confirmed => w.t("prerequisite.confirmedOn", &[("date", &w.date(at))]),
            _ => w.t("report.prerequisiteOpen", &[]),
        };
        let _ = writeln!(
            h,
            "<li class=\"{}\">{}<br><span class=\"muted\">{}</span></li>",
            if p.confirmed { "yes" } else { "no" },
            esc(&title),
            esc(&state)
        );
    }
    // Prerequisites the store does not list yet are not confirmed.
    for id in PrerequisiteId::ALL {
        if !d.prerequisites.iter().any(|p| p.id == id) {
            let _ = writeln!(
                h,
                "<li class=\"no\">{}<br><span class=\"muted\">{}</span></li>",
                t(&format!("prerequisite.{}.title", id.key())),
                t("report.prerequisiteOpen")
            );
        }
    }
    h.push_str("</ul>\n</section>\n");

    left_section(&mut h, w, d);
    steps_table(&mut h, w, d);
    activation_section(&mut h, w, input.activation.as_ref());

    let _ = write!(
        h,
        "<footer>\n<p class=\"muted\">{}</p>\n</footer>\n</main>\n</body>\n</html>\n",
        t("report.noSecrets")
    );
    h
}

/// "What is left, and for whom": the steps not done, grouped by who does them, with what to do.
fn left_section(h: &mut String, w: &Words, d: &Dashboard) {
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n",
        esc(&w.t("report.leftHeading", &[]))
    );
    let left: Vec<&StepStatus> = d
        .steps
        .iter()
        .filter(|s| s.state != StepState::Done)
        .collect();
    if left.is_empty() {
        let _ = write!(
            h,
            "<p>{}</p>\n</section>\n",
            esc(&w.t("report.nothingLeft", &[]))
        );
        return;
    }
    // One group per owner, in the order the first of their steps comes.
    let mut owners: Vec<Role> = Vec::new();
    for s in &left {
        if !owners.contains(&s.role) {
            owners.push(s.role);
        }
    }
    for role in owners {
        let mine: Vec<&StepStatus> = left.iter().copied().filter(|s| s.role == role).collect();
        let numbers: Vec<u8> = mine.iter().map(|s| s.number).collect();
        let key = match role {
            Role::MarketoAdmin => "report.forMarketoAdmin",
            Role::SalesforceAdmin => "report.forSalesforceAdmin",
            Role::Either => "report.forEither",
        };
        let _ = write!(
            h,
            "<div class=\"owner {}\">\n<h3>{}</h3>\n",
            role_class(role),
            esc(&w.t(key, &[("steps", &step_list(w, &numbers))]))
        );
        for s in mine {
            let _ = write!(
                h,
                "<div class=\"todo\">\n<h4>{} <span class=\"pill {}\">{}</span></h4>\n",
                esc(&w.t(
                    "report.stepLine",
                    &[
                        ("number", &s.number.to_string()),
                        ("title", &w.t(&format!("step.{}.title", s.step.key()), &[]))
                    ]
                )),
                state_class(s.state),
                esc(&w.t(&format!("state.{}", state_key(s.state)), &[]))
            );
            if let Some(reason) = &s.reason {
                let _ = writeln!(
                    h,
                    "<p class=\"reason\">{}</p>",
                    esc(&reason_text(w, reason))
                );
            }
            todo_for(h, w, s.step);
            h.push_str("</div>\n");
        }
        h.push_str("</div>\n");
    }
    h.push_str("</section>\n");
}

/// What to do for one step: the real constants for the Salesforce admin's steps, the guide's
/// how-to lines for the others.
fn todo_for(h: &mut String, w: &Words, step: StepId) {
    match step {
        StepId::InstallPackage => {
            let _ = writeln!(
                h,
                "<p>{}<br><a href=\"{url}\">{url}</a></p>",
                esc(&w.t(
                    "report.msiInstall",
                    &[
                        ("namespace", MSI_NAMESPACE),
                        ("required", &short_version(MSI_MINIMUM_VERSION))
                    ]
                )),
                url = esc(APPEXCHANGE_LISTING_URL)
            );
        }
        StepId::ConfigureSalesforce => {
            let _ = write!(
                h,
                "<p>{}</p>\n<ul class=\"sites\">\n",
                esc(&w.t("report.remoteSites", &[]))
            );
            for site in MSI_REMOTE_SITES {
                let _ = writeln!(h, "<li><code>{}</code></li>", esc(site));
            }
            let _ = write!(h, "</ul>\n<p>{}</p>\n", esc(&w.t("report.msiConfig", &[])));
        }
        _ => {
            let _ = write!(
                h,
                "<p>{}</p>\n<ol>\n",
                esc(&w.t(&format!("step.{}.summary", step.key()), &[]))
            );
            for n in 1..=3 {
                let _ = writeln!(
                    h,
                    "<li>{}</li>",
                    esc(&w.t(&format!("step.{}.how{n}", step.key()), &[]))
                );
            }
            h.push_str("</ol>\n");
        }
    }
}

/// The seven steps: who, status, what was checked (with its source), and when.
fn steps_table(h: &mut String, w: &Words, d: &Dashboard) {
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n<table>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
        esc(&w.t("dashboard.stepsHeading", &[])),
        esc(&w.t("report.column.number", &[])),
        esc(&w.t("report.column.step", &[])),
        esc(&w.t("report.column.owner", &[])),
        esc(&w.t("report.column.status", &[])),
        esc(&w.t("report.column.evidence", &[])),
        esc(&w.t("report.column.when", &[])),
    );
    for s in &d.steps {
        let evidence = match (&s.source, &s.evidence) {
            (StatusSource::Checked, Some(e)) => format!(
                "{}<br><span class=\"muted\">{}</span>",
                esc(&evidence_text(w, e)),
                esc(&w.t(
                    "report.source",
                    &[(
                        "source",
                        &w.t(&format!("evidence.source.{}", evidence_kind(e)), &[])
                    )]
                ))
            ),
            _ => String::new(),
        };
        let when = match s.source {
            StatusSource::Checked => s
                .checked_at
                .as_deref()
                .or(s.updated_at.as_deref())
                .map(|at| w.t("report.checkedOn", &[("date", &w.date(at))])),
            StatusSource::Confirmed => s
                .updated_at
                .as_deref()
                .map(|at| w.t("report.confirmedOn", &[("date", &w.date(at))])),
            StatusSource::Unknown => s
                .updated_at
                .as_deref()
                .map(|at| w.t("report.startedOn", &[("date", &w.date(at))])),
        }
        .unwrap_or_else(|| w.t("report.notChecked", &[]));
        let mut status = format!(
            "<span class=\"pill {}\">{}</span>",
            state_class(s.state),
            esc(&w.t(&format!("state.{}", state_key(s.state)), &[]))
        );
        if let Some(reason) = &s.reason {
            let _ = write!(
                status,
                "<br><span class=\"reason\">{}</span>",
                esc(&reason_text(w, reason))
            );
        }
        if let Some(problem) = &s.check_problem {
            let _ = write!(
                status,
                "<br><span class=\"reason\">{}</span>",
                esc(&w.t(
                    "report.problem",
                    &[("problem", &problem_text(w, &problem.code))]
                ))
            );
        }
        let _ = writeln!(
            h,
            "<tr data-step=\"{key}\"><td class=\"num\">{num}</td><td>{title}</td><td>{owner}</td>\
             <td>{status}</td><td>{evidence}</td><td>{when}</td></tr>",
            key = s.step.key(),
            num = s.number,
            title = esc(&w.t(&format!("step.{}.title", s.step.key()), &[])),
            owner = esc(&w.t(&format!("role.{}", role_key(s.role)), &[])),
            when = esc(&when),
        );
    }
    h.push_str("</tbody>\n</table>\n</section>\n");
}

/// The activation tracker's last counts, with when they were read.
fn activation_section(h: &mut String, w: &Words, last: Option<&ActivationLast>) {
    let _ = write!(
        h,
        "<section>\n<h2>{}</h2>\n",
        esc(&w.t("report.activationHeading", &[]))
    );
    match last {
        Some(last) => {
            let s = &last.summary;
            let _ = write!(
                h,
                "<p class=\"progress\" data-activation=\"{a}/{t}\">{}</p>\n<p class=\"muted\">{}</p>\n",
                esc(&crate::tracker::summary_text(w, s)),
                esc(&w.t(
                    "report.activationTaken",
                    &[("date", &w.date(&last.checked_at))]
                )),
                a = s.activated,
                t = s.total,
            );
            if s.not_visible > 0 {
                let _ = writeln!(
                    h,
                    "<p class=\"reason\">{}</p>",
                    esc(&w.t(
                        "report.activationNotVisible",
                        &[("count", &s.not_visible.to_string())]
                    ))
                );
            }
            if s.blocked > 0 {
                let _ = writeln!(
                    h,
                    "<p class=\"reason\">{}</p>",
                    esc(&w.t(
                        "report.activationBlocked",
                        &[("count", &s.blocked.to_string())]
                    ))
                );
            }
        }
        None => {
            let _ = writeln!(
                h,
                "<p class=\"muted\">{}</p>",
                esc(&w.t("report.activationNone", &[]))
            );
        }
    }
    h.push_str("</section>\n");
}

/// "step 6", "steps 6 and 7", "steps 1, 3 and 4" (or 步驟 1、3 和 4).
fn step_list(w: &Words, numbers: &[u8]) -> String {
    match numbers {
        [] => String::new(),
        [one] => w.t("report.stepOne", &[("number", &one.to_string())]),
        [head @ .., last] => {
            let list: Vec<String> = head.iter().map(u8::to_string).collect();
            w.t(
                "report.stepsMany",
                &[
                    ("list", &list.join(&w.t("report.listSeparator", &[]))),
                    ("last", &last.to_string()),
                ],
            )
        }
    }
}

/// `1.8000` rather than `1.8000.0`: how the vendor writes the minimum.
fn short_version(v: PackageVersion) -> String {
    if v.patch == 0 {
        format!("{}.{}", v.major, v.minor)
    } else {
        v.to_string()
    }
}

fn mode_text(w: &Words, mode: Mode) -> String {
    let key = match (mode.demo, mode.actions) {
        (true, ActionsAccess::Guided) => "mode.demoGuided",
        (true, ActionsAccess::AdminApi) => "mode.demo",
        (false, ActionsAccess::Guided) => "mode.guided",
        (false, ActionsAccess::AdminApi) => "mode.adminApi",
    };
    w.t(key, &[])
}

/// The reason a step needs attention, as the dashboard says it (`ui/src/lib/status.ts`).
fn reason_text(w: &Words, reason: &Attention) -> String {
    match reason {
        Attention::WaitingFor { step } => w.t(
            "reason.waitingFor",
            &[
                ("number", &step.number().to_string()),
                ("title", &w.t(&format!("step.{}.title", step.key()), &[])),
            ],
        ),
        Attention::PackageOutdated {
            installed,
            required,
        } => w.t(
            "reason.packageOutdated",
            &[("installed", installed), ("required", required)],
        ),
        Attention::RemoteSitesMissing { count }
        | Attention::SyncErrors { count }
        | Attention::InvitesFailed { count } => w.t(
            &format!("reason.{}", reason.code()),
            &[("count", &count.to_string())],
        ),
        other => w.t(&format!("reason.{}", other.code()), &[]),
    }
}

/// What a check saw, as the dashboard says it (`ui/src/lib/evidence.ts`).
fn evidence_text(w: &Words, e: &Evidence) -> String {
    let n = |v: u64| w.number(v);
    match e {
        Evidence::MarketoToken {
            munchkin_id,
            api_user,
        } => match api_user {
            Some(user) => w.t(
                "evidence.marketoTokenUser",
                &[("munchkinId", munchkin_id), ("user", user)],
            ),
            None => w.t("evidence.marketoToken", &[("munchkinId", munchkin_id)]),
        },
        Evidence::SalesforceAppAuthorized {
            app_name,
            username,
            last_used,
            use_count,
        } => {
            let mut parts = vec![w.t(
                "evidence.salesforceAppAuthorized",
                &[("user", username), ("app", app_name)],
            )];
            if let Some(at) = last_used {
                parts.push(w.t("evidence.lastUsed", &[("date", &w.date(at))]));
            }
            if let Some(count) = use_count {
                parts.push(w.t("evidence.useCount", &[("count", &n(*count))]));
            }
            parts.join(&w.t("evidence.separator", &[]))
        }
        Evidence::MarketoApiCalls {
            api_user,
            last_7_days,
            today,
        } => w.t(
            "evidence.marketoApiCalls",
            &[
                ("calls", &n(*last_7_days)),
                ("today", &n(*today)),
                ("user", api_user),
            ],
        ),
        Evidence::SyncEstimate {
            api_user,
            calls_today,
            people_estimated,
            people_expected,
            expected_at_least,
            people_per_call,
        } => {
            let expected = people_expected.map(n).unwrap_or_default();
            let params = [
                ("estimated", n(*people_estimated)),
                ("expected", expected),
                ("perCall", n(*people_per_call)),
                ("calls", n(*calls_today)),
                ("user", api_user.clone()),
            ];
            let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let key = match (people_expected, expected_at_least) {
                (None, _) => "evidence.syncEstimateOpen",
                (Some(_), true) => "evidence.syncEstimateAtLeast",
                (Some(_), false) => "evidence.syncEstimate",
            };
            w.t(key, &params)
        }
        Evidence::MsiPackage {
            installed,
            required,
        } => match installed {
            Some(v) => w.t(
                "evidence.msiPackage",
                &[("installed", v), ("required", required)],
            ),
            None => w.t("evidence.msiPackageMissing", &[("required", required)]),
        },
        Evidence::RemoteSites { active, required } => w.t(
            "evidence.remoteSites",
            &[
                ("active", &active.to_string()),
                ("required", &required.to_string()),
            ],
        ),
        Evidence::ActionsApi { detail } => w.t("evidence.actionsApi", &[("detail", detail)]),
    }
}

/// The evidence's `kind`, as it is serialised (the catalogue's `evidence.source.<kind>`).
fn evidence_kind(e: &Evidence) -> &'static str {
    match e {
        Evidence::MarketoToken { .. } => "marketoToken",
        Evidence::SalesforceAppAuthorized { .. } => "salesforceAppAuthorized",
        Evidence::MarketoApiCalls { .. } => "marketoApiCalls",
        Evidence::SyncEstimate { .. } => "syncEstimate",
        Evidence::MsiPackage { .. } => "msiPackage",
        Evidence::RemoteSites { .. } => "remoteSites",
        Evidence::ActionsApi { .. } => "actionsApi",
    }
}

/// An error code in words; one this build does not know shows itself.
fn problem_text(w: &Words, code: &str) -> String {
    let key = format!("errors.{code}");
    if w.has(&key) {
        w.t(&key, &[("message", code)])
    } else {
        code.to_owned()
    }
}

fn state_key(state: StepState) -> &'static str {
    match state {
        StepState::NotStarted => "notStarted",
        StepState::InProgress => "inProgress",
        StepState::Done => "done",
        StepState::NeedsAttention => "needsAttention",
    }
}

fn state_class(state: StepState) -> &'static str {
    match state {
        StepState::NotStarted => "not-started",
        StepState::InProgress => "in-progress",
        StepState::Done => "done",
        StepState::NeedsAttention => "attention",
    }
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::MarketoAdmin => "marketoAdmin",
        Role::SalesforceAdmin => "salesforceAdmin",
        Role::Either => "either",
    }
}

fn role_class(role: Role) -> &'static str {
    match role {
        Role::MarketoAdmin => "marketo",
        Role::SalesforceAdmin => "salesforce",
        Role::Either => "either",
    }
}

/// HTML-escapes text for element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Inline, so the file needs nothing else; readable on screen and on paper.
const CSS: &str = "
:root{color-scheme:light;--ink:#1d2330;--muted:#5b6474;--line:#d7dce4;--accent:#1a5fb4;--done:#1e7a3d;--warn:#9a4d00;--bad:#b3261e}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans CJK TC','PingFang TC','Microsoft JhengHei',sans-serif;color:var(--ink);background:#f5f7fa}
main{max-width:960px;margin:0 auto;padding:32px 28px;background:#fff}
h1{font-size:1.7em;margin:0 0 .3em;line-height:1.25}
h2{font-size:1.25em;margin:1.8em 0 .6em;padding-bottom:.25em;border-bottom:2px solid var(--line)}
h3{font-size:1.08em;margin:1.2em 0 .5em}
h4{font-size:1em;margin:.2em 0 .4em}
p{margin:.35em 0}
.muted{color:var(--muted);font-size:.93em}
.progress{font-size:1.12em;font-weight:600}
.bar{height:10px;background:#e6e9ef;border-radius:5px;overflow:hidden;margin:.4em 0 .6em}
.bar span{display:block;height:100%;background:var(--done)}
.checks{list-style:none;padding:0;margin:0}
.checks li{padding:.35em 0 .35em 1.7em;position:relative}
.checks li::before{position:absolute;left:0;top:.3em;font-weight:700}
.checks li.yes::before{content:'\\2713';color:var(--done)}
.checks li.no::before{content:'\\2022';color:var(--warn)}
.owner{border:1px solid var(--line);border-left:5px solid var(--accent);border-radius:6px;padding:4px 16px 10px;margin:0 0 14px;break-inside:avoid}
.owner.salesforce{border-left-color:#0b7fab}
.owner.marketo{border-left-color:#5c3bbf}
.todo{padding:.5em 0;border-top:1px dashed var(--line)}
.todo:first-of-type{border-top:0}
.todo ol{margin:.3em 0;padding-left:1.5em}
.sites{margin:.3em 0}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;background:#f0f2f5;padding:1px 5px;border-radius:3px;word-break:break-all}
a{color:var(--accent);word-break:break-all}
.reason{color:var(--warn)}
table{width:100%;border-collapse:collapse;font-size:.93em}
th,td{text-align:left;vertical-align:top;padding:7px 8px;border-bottom:1px solid var(--line)}
th{background:#f0f2f5;font-weight:600}
td.num{font-weight:700;width:2em}
th:first-child{white-space:nowrap}
tr{break-inside:avoid}
.pill{display:inline-block;font-size:.82em;font-weight:600;padding:1px 8px;border-radius:999px;border:1px solid currentColor;white-space:nowrap}
.pill.done{color:var(--done)}
.pill.in-progress{color:var(--accent)}
.pill.attention{color:var(--bad)}
.pill.not-started{color:var(--muted)}
footer{margin-top:2em;padding-top:.8em;border-top:1px solid var(--line)}
@media print{
 body{background:#fff;font-size:11pt}
 main{max-width:none;padding:0}
 h2{break-after:avoid}
 .owner,.todo,tr{break-inside:avoid}
 a{color:var(--ink);text-decoration:none}
 .bar{border:1px solid #999}
 .bar span{print-color-adjust:exact;-webkit-print-color-adjust:exact}
}
@page{margin:16mm 14mm}
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tracker::ActivationSummary;
    use sia_core::{CheckResult, SetupStore};

    /// Every kind of evidence and reason the dashboard can hold, one per step, some hostile.
    fn input(with_activation: bool) -> ReportInput {
        let store = SetupStore::in_memory().unwrap();
        let hostile = "<b onmouseover=\"x\">Ann & 'Bo'</b>";
        let steps: [(StepId, CheckResult, Evidence); 7] = [
            (
                StepId::ActivateAccount,
                CheckResult::Done,
                Evidence::MarketoToken {
                    munchkin_id: "123-ABC-456".into(),
                    api_user: Some(hostile.into()),
                },
            ),
            (
                StepId::ConnectSalesforce,
                CheckResult::InProgress,
                Evidence::SalesforceAppAuthorized {
                    app_name: "Sales Insight Actions".into(),
                    username: hostile.into(),
                    last_used: None,
                    use_count: None,
                },
            ),
            (
                StepId::ConnectMarketo,
                CheckResult::Done,
                Evidence::MarketoApiCalls {
                    api_user: "actions@x.example".into(),
                    last_7_days: 12_345,
                    today: 7,
                },
            ),
            (
                StepId::StartSync,
                CheckResult::NeedsAttention {
                    reason: Attention::SyncErrors { count: 3 },
                },
                Evidence::SyncEstimate {
                    api_user: "actions@x.example".into(),
                    calls_today: 10,
                    people_estimated: 3_000,
                    people_expected: Some(5_000),
                    expected_at_least: true,
                    people_per_call: 300,
                },
            ),
            (
                StepId::InviteUsers,
                CheckResult::NeedsAttention {
                    reason: Attention::InvitesFailed { count: 2 },
                },
                Evidence::ActionsApi {
                    detail: hostile.into(),
                },
            ),
            (
                StepId::InstallPackage,
                CheckResult::NeedsAttention {
                    reason: Attention::PackageMissing,
                },
                Evidence::MsiPackage {
                    installed: None,
                    required: "1.8000.0".into(),
                },
            ),
            (
                StepId::ConfigureSalesforce,
                CheckResult::NeedsAttention {
                    reason: Attention::RemoteSitesMissing { count: 1 },
                },
                Evidence::RemoteSites {
                    active: 1,
                    required: 2,
                },
            ),
        ];
        for (step, result, evidence) in &steps {
            store.record_evidence(*step, result, evidence).unwrap();
        }
        store
            .record_check_problem(StepId::ConnectMarketo, "check_timed_out")
            .unwrap();
        store
            .record_check_problem(StepId::StartSync, "some_future_code")
            .unwrap();
        store
            .confirm_prerequisite(PrerequisiteId::ActionsEnabled, true)
            .unwrap();
        ReportInput {
            dashboard: store.dashboard().unwrap(),
            mode: Mode {
                demo: false,
                actions: ActionsAccess::Guided,
            },
            version: "9.9.9".into(),
            activation: with_activation.then(|| ActivationLast {
                summary: ActivationSummary {
                    activated: 14,
                    waiting: 4,
                    blocked: 2,
                    not_visible: 0,
                    total: 20,
                },
                checked_at: "2026-12-04T09:15:00Z".into(),
            }),
            made_at: "2026-12-05T01:00:00Z".into(),
        }
    }

    /// Whether `text` holds a catalogue key under `prefix` (`errors.check_timed_out`), as opposed to
    /// prose that ends a sentence with the same word ("3 errors.").
    fn shows_key(text: &str, prefix: &str) -> bool {
        text.match_indices(prefix)
            .any(|(i, _)| text[i + prefix.len()..].starts_with(|c: char| c.is_ascii_alphabetic()))
    }

    fn body(html: &str) -> &str {
        html.split("</style>")
            .nth(1)
            .expect("a body after the style")
    }

    #[test]
    fn every_evidence_reason_and_owner_reads_in_both_languages() {
        for language in [UiLanguage::En, UiLanguage::ZhTw] {
            for with_activation in [true, false] {
                let html = render(&input(with_activation), language);
                let b = body(&html);
                for raw in [
                    "report.",
                    "step.",
                    "evidence.",
                    "activation.",
                    "reason.",
                    "state.",
                    "role.",
                    "mode.",
                    "errors.",
                ] {
                    assert!(!shows_key(b, raw), "{language:?}: a {raw} key is shown raw");
                }
                assert!(
                    !b.contains('{') && !b.contains('}'),
                    "{language:?}: a placeholder is left"
                );
                assert!(html.contains(&format!("<html lang=\"{}\">", locale::tag(language))));
                assert_eq!(b.matches("<tr data-step=").count(), 7);
                // Markup from a service is text.
                assert!(!b.contains("<b onmouseover"), "{language:?}");
                assert!(b.contains(
                    "&lt;b onmouseover=&quot;x&quot;&gt;Ann &amp; &#39;Bo&#39;&lt;/b&gt;"
                ));
                // A code this build does not know shows itself, escaped.
                assert!(b.contains("some_future_code"));
            }
        }
        let en = render(&input(true), UiLanguage::En);
        assert!(en.contains("12,345"));
        assert!(en.contains("14 of 20 activated · 4 waiting · 2 blocked"));
        assert!(en.contains("2 invited people cannot activate yet"));
        assert!(en.contains("For your Marketo or Salesforce admin: step 2"));
        assert!(en.contains("For your Marketo admin: steps 4 and 5"));
        assert!(en.contains("For your Salesforce admin: steps 6 and 7"));
        assert!(en.contains("Real product (guided)"));
        assert!(
            en.contains("Not confirmed yet"),
            "one prerequisite is still open"
        );
        let none = render(&input(false), UiLanguage::En);
        assert!(none.contains("The activation check has not been run yet"));
        let zh = render(&input(true), UiLanguage::ZhTw);
        assert!(zh.contains("20 人中 14 人已啟用"));
        assert!(zh.contains("請 Marketo 管理員處理：步驟 4 和 5"));
    }

    /// An admin without Customize Application checked: the report says how many could not be
    /// seen and never counts them as waiting.
    #[test]
    fn rows_that_could_not_be_seen_are_said_apart() {
        let mut input = input(true);
        if let Some(last) = input.activation.as_mut() {
            last.summary = ActivationSummary {
                activated: 1,
                waiting: 0,
                blocked: 2,
                not_visible: 17,
                total: 20,
            };
        }
        let en = render(&input, UiLanguage::En);
        assert!(en.contains("1 of 20 activated · 17 cannot be seen · 0 waiting · 2 blocked"));
        assert!(en.contains("Customize Application"));
        let zh = render(&input, UiLanguage::ZhTw);
        let b = body(&zh);
        assert!(b.contains("17 人無法查看"), "{b}");
        assert!(!b.contains('{'));
    }

    #[test]
    fn a_finished_setup_leaves_nothing_for_anyone() {
        let store = SetupStore::in_memory().unwrap();
        for step in StepId::ALL {
            store.confirm_step(step, true).unwrap();
        }
        let mut input = input(false);
        input.dashboard = store.dashboard().unwrap();
        let html = render(&input, UiLanguage::En);
        assert!(html.contains("Nothing is left: all seven steps are done."));
        assert!(!html.contains("For your"));
    }

    #[test]
    fn step_lists_read_naturally() {
        let en = Words::for_language(UiLanguage::En);
        assert_eq!(step_list(en, &[6]), "step 6");
        assert_eq!(step_list(en, &[6, 7]), "steps 6 and 7");
        assert_eq!(step_list(en, &[1, 3, 4]), "steps 1, 3 and 4");
        let zh = Words::for_language(UiLanguage::ZhTw);
        assert_eq!(step_list(zh, &[1, 3, 4]), "步驟 1、3 和 4");
        assert_eq!(short_version(MSI_MINIMUM_VERSION), "1.8000");
    }
}
