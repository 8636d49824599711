//! Benchmark driver for scripts/bench-csv.sh: generates data sets and times the real pipeline.
//! `gen DIR ROWS`, `gen-big FILE MB`, `run FILE LOCALE RUNS`, `preview FILE RUNS`, `edit FILE RUNS`.

use sia_csv::{ImportSession, OpenOptions, RowFilter, TargetField};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

const FIRST: [&str; 16] = [
    "Wei", "Jane", "Mei", "John", "Hiroshi", "Anna", "大文", "小美", "志明", "淑芬", "Carlos",
    "Sofia", "Li", "Ming", "Yuki", "Tom",
];
const LAST: [&str; 16] = [
    "Chen", "Doe", "Lin", "Smith", "Tanaka", "Miller", "陳", "林", "黃", "張", "Garcia", "Rossi",
    "Wang", "Liu", "Sato", "Brown",
];
const TEAMS: [&str; 4] = ["Sales", "Marketing", "Everyone", "Support"];

/// Deterministic row `i`: ~1% duplicates (case changed), ~0.5% bad emails, ~0.5% padded cells.
fn row(i: u64, out: &mut String) {
    use std::fmt::Write as _;
    let f = FIRST[(i % 16) as usize];
    let l = LAST[((i / 16) % 16) as usize];
    let t = TEAMS[((i / 7) % 4) as usize];
    let role = if i.is_multiple_of(50) {
        "Admin"
    } else {
        "User"
    };
    match i % 200 {
        7 | 107 => {
            let _ = write!(out, "USER{}.DUP@EXAMPLE-CORP.COM", i - 5);
        }
        13 => {
            let _ = write!(out, "user{i}.at.example-corp.com");
        }
        29 => {
            let _ = write!(out, " user{i}.x@example-corp.com ");
        }
        _ => {
            let _ = write!(
                out,
                "user{i}.{}@example-corp.com",
                if i % 200 == 2 || i % 200 == 102 {
                    "dup"
                } else {
                    "x"
                }
            );
        }
    }
    let _ = writeln!(out, ",{f},{l},{t},{role},Default");
}

fn gen_file(path: &Path, rows: u64, big5: bool) -> std::io::Result<()> {
    let mut f = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut chunk = String::from("Email,First Name,Last Name,Team(s),Role,Marketo Workspace\n");
    for i in 0..rows {
        row(i, &mut chunk);
        if chunk.len() > 1 << 20 || i + 1 == rows {
            if big5 {
                let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&chunk);
                assert!(!unmappable, "names must be Big5-encodable");
                f.write_all(&bytes)?;
            } else {
                f.write_all(chunk.as_bytes())?;
            }
            chunk.clear();
        }
    }
    f.flush()
}

fn vm_hwm_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// User + system CPU time of this process so far, in ms: on a shared, loaded machine this is the
/// cost of the work itself, where wall time also counts waiting for a core.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) * 10.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn opts(locale: &str) -> OpenOptions {
    // SIA_BENCH_THREADS=1 measures the single-core path for comparison.
    let threads = std::env::var("SIA_BENCH_THREADS")
        .ok()
        .and_then(|t| t.parse().ok());
    OpenOptions {
        locale: Some(locale.to_owned()),
        threads,
        ..OpenOptions::default()
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    match arg(1).as_str() {
        "gen" => {
            let dir = Path::new(&args[2]);
            let rows: u64 = arg(3).parse().unwrap_or(1_000_000);
            std::fs::create_dir_all(dir).expect("create dir");
            gen_file(&dir.join("people-utf8.csv"), rows, false).expect("write utf8");
            gen_file(&dir.join("people-big5.csv"), rows, true).expect("write big5");
        }
        "gen-big" => {
            let mb: u64 = arg(3).parse().unwrap_or(1024);
            let rows = mb * 1024 * 1024 / 60;
            gen_file(Path::new(&args[2]), rows, false).expect("write big");
        }
        "run" => {
            let path = Path::new(&args[2]);
            let locale = arg(3);
            let runs: usize = arg(4).parse().unwrap_or(5);
            let mut times = Vec::new();
            let mut cpu = Vec::new();
            let mut last = None;
            for _ in 0..runs {
                let c = cpu_ms();
                let t = Instant::now();
                let s = ImportSession::open(path, opts(&locale)).expect("open");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                last = Some(s.summary());
                drop(s);
                cpu.push(cpu_ms() - c);
            }
            let s = last.expect("at least one run");
            let c = s.counts;
            println!(
                "rust  {:<16} median {:>7.1} ms  cpu {:.0} ms  runs {:?}  peak_rss {:.0} MB  encoding {} rows {} valid {} invalid {} duplicates {}",
                path.file_name().and_then(|n| n.to_str()).unwrap_or(""),
                median(times.clone()),
                median(cpu),
                times.iter().map(|t| t.round() as u64).collect::<Vec<_>>(),
                vm_hwm_mb(),
                s.encoding.map(|e| e.name).unwrap_or_default(),
                c.rows,
                c.valid,
                c.invalid,
                c.duplicates
            );
        }
        "preview" => {
            let path = Path::new(&args[2]);
            let runs: usize = arg(3).parse().unwrap_or(5);
            let mut times = Vec::new();
            let mut rows = 0;
            for _ in 0..runs {
                let t = Instant::now();
                let s = ImportSession::open_preview(path, opts("en-US")).expect("preview");
                let page = s.page(0, 100, RowFilter::All);
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                rows = page.rows.len();
            }
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            println!(
                "preview of {} MB: median {:.2} ms over {runs} runs ({rows} rows shown)",
                size >> 20,
                median(times)
            );
        }
        "edit" => {
            let path = Path::new(&args[2]);
            let runs: usize = arg(3).parse().unwrap_or(9);
            let mut s = ImportSession::open(path, opts("en-US")).expect("open");
            let n = s.len();
            let mut times = Vec::new();
            for k in 0..runs as u32 {
                let row = n / 2 + k;
                // Alternate between a fresh email and a duplicate of row 0's, so the duplicate groups move.
                let value = if k % 2 == 0 {
                    format!("edited{k}@example-corp.com")
                } else {
                    "user0.x@example-corp.com".to_owned()
                };
                let t = Instant::now();
                let out = s.edit_cell(row, TargetField::Email, value).expect("edit");
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                std::hint::black_box(out);
            }
            println!(
                "edit_cell in a {n}-row session: median {:.2} ms, max {:.2} ms over {runs} edits",
                median(times.clone()),
                times.iter().cloned().fold(0.0, f64::max)
            );
        }
        _ => {
            eprintln!(
                "usage: bench gen DIR ROWS | gen-big FILE MB | run FILE LOCALE RUNS | preview FILE RUNS | edit FILE RUNS"
            );
            std::process::exit(2);
        }
    }
}
