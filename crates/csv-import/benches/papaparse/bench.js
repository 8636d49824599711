// PapaParse peer for scripts/bench-csv.sh: decode, parse, map the email column, clean, check
// syntax, dedupe — the same work the Rust pipeline does on the same file, timed the same way.
"use strict";
const fs = require("fs");
const Papa = require("papaparse");

const [file, encoding = "utf-8", runsArg = "5"] = process.argv.slice(2);
const runs = Number(runsArg);

// WHATWG-style address with a required dot in the domain, labels not starting/ending with '-'.
const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const EMAIL = new RegExp(`^[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_\`{|}~-]+)*@${LABEL}(?:\\.${LABEL})+$`);
const INVISIBLE = /[\u00A0\u200B-\u200D\u2060\uFEFF\u202F\u2007\u00AD]/g;

function clean(v) {
  let s = v;
  if (/[^\x00-\x7F]/.test(s)) s = s.replace(INVISIBLE, "").normalize("NFKC");
  s = s.trim();
  if (s.slice(0, 7).toLowerCase() === "mailto:") s = s.slice(7).trim();
  const at = s.lastIndexOf("@");
  if (at >= 0) s = s.slice(0, at + 1) + s.slice(at + 1).toLowerCase();
  return s;
}

function once() {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const text = new TextDecoder(encoding).decode(fs.readFileSync(file));
  const parsed = Papa.parse(text, { skipEmptyLines: true });
  const rows = parsed.data;
  const header = rows[0].map((h) => h.trim().toLowerCase());
  const emailCol = header.findIndex((h) => h === "email" || h === "e-mail" || h === "email address");
  const roleCol = header.indexOf("role");
  const seen = new Set();
  let valid = 0, invalid = 0, duplicates = 0;
  for (let i = 1; i < rows.length; i++) {
    const email = clean(rows[i][emailCol] || "");
    const role = roleCol >= 0 ? (rows[i][roleCol] || "").trim().toLowerCase() : "";
    let ok = email.length > 0 && email.length <= 254 && EMAIL.test(email);
    if (ok) {
      const key = email.toLowerCase();
      if (seen.has(key)) {
        duplicates++;
        ok = false;
      } else seen.add(key);
    }
    if (role !== "" && role !== "user" && role !== "admin") ok = false;
    if (ok) valid++;
    else invalid++;
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { ms, cpu: (c.user + c.system) / 1000, rows: rows.length - 1, valid, invalid, duplicates };
}

const times = [];
const cpus = [];
let last;
for (let r = 0; r < runs; r++) {
  last = once();
  times.push(last.ms);
  cpus.push(last.cpu);
}
const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const median = med(times);
const peak = process.resourceUsage().maxRSS / 1024;
console.log(
  `papaparse ${file.split("/").pop().padEnd(16)} median ${median.toFixed(1).padStart(7)} ms  cpu ${med(cpus).toFixed(0)} ms  runs [${times.map((t) => Math.round(t)).join(", ")}]  peak_rss ${peak.toFixed(0)} MB  rows ${last.rows} valid ${last.valid} invalid ${last.invalid} duplicates ${last.duplicates}`,
);
