//! `sia csv …`: inspect an invite spreadsheet and print what the app would see.
//! Same `sia_csv::ImportSession` as the desktop app; this file only parses flags and prints.

use clap::{Args, Subcommand};
use sia_csv::{Delimiter, Directory, ImportSession, InspectReport, OpenOptions, Source, inspect};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum CsvCommand {
    /// Detect encoding, delimiter, header and mapping; validate every row; print the result.
    Inspect(InspectArgs),
    /// Print the blank invite template (UTF-8 with BOM) in a language: en or zh-TW.
    Template {
        #[arg(long, default_value = "en")]
        lang: String,
    },
}

#[derive(Args)]
pub struct InspectArgs {
    /// The file: .csv, .tsv, .txt or .xlsx.
    file: PathBuf,
    /// Locale used as a hint for legacy encodings (e.g. zh-TW, ja-JP); defaults to the OS locale.
    #[arg(long)]
    locale: Option<String>,
    /// Print one JSON object instead of the human summary.
    #[arg(long)]
    json: bool,
    /// Force an encoding (WHATWG label: big5, gbk, shift_jis, utf-16le …).
    #[arg(long)]
    encoding: Option<String>,
    /// Force the delimiter: , ; tab |
    #[arg(long)]
    delimiter: Option<String>,
    /// Force whether the first row is a header (true/false).
    #[arg(long)]
    header: Option<bool>,
    /// Workbook sheet (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// JSON file with what the instance knows: invited, active, teams, seatsLeft, salesforceUsers.
    #[arg(long)]
    directory: Option<PathBuf>,
    /// List at most this many rows with problems.
    #[arg(long)]
    max_problems: Option<usize>,
}

pub fn run(cmd: CsvCommand) -> ExitCode {
    match cmd {
        CsvCommand::Inspect(args) => inspect_cmd(&args),
        CsvCommand::Template { lang } => {
            use std::io::Write;
            match std::io::stdout().write_all(&sia_csv::template(&lang)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            }
        }
    }
}

fn fail(json: bool, code: &str, message: &str) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::json!({ "error": { "code": code, "message": message } })
        );
    }
    eprintln!("sia csv: {message} ({code})");
    ExitCode::from(2)
}

fn load_directory(path: &Path) -> Result<Directory, String> {
    let bytes = std::fs::read(path).map_err(|_| "the directory file cannot be read".to_owned())?;
    serde_json::from_slice(&bytes).map_err(|e| format!("the directory file is not valid JSON: {e}"))
}

fn inspect_cmd(a: &InspectArgs) -> ExitCode {
    let delimiter = match a.delimiter.as_deref().map(Delimiter::parse) {
        Some(None) => {
            return fail(
                a.json,
                "bad_delimiter",
                "the delimiter must be one of , ; tab |",
            );
        }
        Some(d) => d,
        None => None,
    };
    let directory = match a.directory.as_deref().map(load_directory).transpose() {
        Ok(d) => d.unwrap_or_default(),
        Err(m) => return fail(a.json, "bad_directory", &m),
    };
    let opts = OpenOptions {
        locale: a.locale.clone(),
        encoding: a.encoding.clone(),
        delimiter,
        has_header: a.header,
        sheet: a.sheet.clone(),
        directory,
        ..OpenOptions::default()
    };
    let session = match ImportSession::open(&a.file, opts) {
        Ok(s) => s,
        Err(e) => return fail(a.json, e.code(), &e.to_string()),
    };
    let report = inspect(&session, a.max_problems);
    if a.json {
        match serde_json::to_string_pretty(&report) {
            Ok(s) => println!("{s}"),
            Err(_) => return fail(true, "internal", "the report could not be written"),
        }
    } else {
        print_human(&report);
    }
    ExitCode::SUCCESS
}

fn show_source(s: &Source) -> String {
    match s {
        Source::Header(h) => format!("\"{h}\""),
        Source::Column(c) => format!("column {}", c + 1),
    }
}

fn print_human(r: &InspectReport) {
    let delim = match r.delimiter.as_deref() {
        Some("\t") => "tab".to_owned(),
        Some(d) => format!("'{d}'"),
        None => "-".to_owned(),
    };
    println!("File:       {}", r.file);
    if let Some(sheet) = &r.sheet {
        println!("Sheet:      {sheet} (of {})", r.sheets.join(", "));
    }
    println!(
        "Encoding:   {} ({}){}",
        r.encoding.as_deref().unwrap_or("-"),
        r.encoding_source.as_deref().unwrap_or("-"),
        if r.replacements > 0 {
            format!(", {} undecodable sequences replaced", r.replacements)
        } else {
            String::new()
        }
    );
    println!("Delimiter:  {delim}");
    println!("Header row: {}", if r.has_header { "yes" } else { "no" });
    println!(
        "Mapping:{}",
        if r.mapping_skippable {
            " (all exact: mapping step can be skipped)"
        } else {
            ""
        }
    );
    for (field, src) in &r.mapping {
        println!("  {field:<11} <- {}", show_source(src));
    }
    for (field, src) in &r.suggestions {
        println!(
            "  {field:<11} ?  {} (suggestion, not applied)",
            show_source(src)
        );
    }
    println!(
        "Rows: {}  valid: {}  invalid: {}  duplicates: {}  blank: {}  footer: {}  cleaned: {}",
        r.rows, r.valid, r.invalid, r.duplicates, r.blank, r.footer, r.cleaned
    );
    let shown = 50;
    for row in r.problems.iter().filter(|p| !p.valid).take(shown) {
        let list: Vec<String> = row
            .problems
            .iter()
            .map(|p| {
                let params: Vec<String> =
                    p.params.iter().map(|(k, v)| format!("{k}={v}")).collect();
                if params.is_empty() {
                    p.code.as_str().to_owned()
                } else {
                    format!("{}({})", p.code.as_str(), params.join(", "))
                }
            })
            .collect();
        println!("  line {:>6}: {}", row.line, list.join("; "));
    }
    if r.invalid as usize > shown {
        println!(
            "  … and {} more invalid rows (use --json for all)",
            r.invalid as usize - shown
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh scratch folder (cli takes no dev-dependencies, so no tempfile crate here).
    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("sia-cli-csv-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn args(file: PathBuf, json: bool) -> InspectArgs {
        InspectArgs {
            file,
            locale: Some("zh-TW".into()),
            json,
            encoding: None,
            delimiter: None,
            header: None,
            sheet: None,
            directory: None,
            max_problems: Some(5),
        }
    }

    #[test]
    fn inspect_succeeds_on_a_file_and_fails_plainly_on_unreadable_input() {
        let dir = scratch("inspect");
        let ok = dir.join("ok.csv");
        std::fs::write(&ok, "Email\njane@example.com\nbad\n").unwrap();
        assert_eq!(inspect_cmd(&args(ok.clone(), true)), ExitCode::SUCCESS);
        assert_eq!(inspect_cmd(&args(ok, false)), ExitCode::SUCCESS);
        let empty = dir.join("empty.csv");
        std::fs::write(&empty, "").unwrap();
        assert_eq!(inspect_cmd(&args(empty, true)), ExitCode::from(2));
        assert_eq!(
            inspect_cmd(&args(dir.join("gone.csv"), false)),
            ExitCode::from(2)
        );
        let mut bad_delim = args(dir.join("x.csv"), false);
        bad_delim.delimiter = Some("#".into());
        assert_eq!(inspect_cmd(&bad_delim), ExitCode::from(2));
    }

    #[test]
    fn directory_file_is_read() {
        let d = scratch("directory").join("dir.json");
        std::fs::write(&d, r#"{"invited":["a@x.com"],"seatsLeft":3}"#).unwrap();
        let parsed = load_directory(&d).unwrap();
        assert_eq!(parsed.seats_left, Some(3));
        std::fs::write(&d, "nope").unwrap();
        assert!(load_directory(&d).is_err());
    }
}
