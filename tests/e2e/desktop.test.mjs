// What a desktop app is expected to do, in the real window: one instance (a second launch hands
// its file to the first window and exits), the window's size and position kept across a restart,
// and "Export diagnostics…" writing one zip with no secret and no full path in it.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver } from "./webdriver.mjs";
import { openStep } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");

assert.ok(app, "set SIA_APP_BINARY to the built app (scripts/test.sh does)");
mkdirSync(screenshots, { recursive: true });

async function save(session, name) {
  writeFileSync(path.join(screenshots, name), await session.screenshot());
}

const headingIs = (text) => [
  `const h = document.querySelector("h1"); return h && h.textContent.trim() === arguments[0] ? h.textContent : null;`,
  [text],
  { what: `h1 to read ${text}` },
];

/** Calls an app command as the page's own wrappers do; `{ error }` when it is refused. */
async function invoke(session, cmd, args = {}) {
  await session.setTimeouts(30000);
  const answer = await session.executeAsync(
    `const done = arguments[arguments.length - 1];
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
       .then((v) => done(JSON.stringify({ ok: v ?? null })), (e) => done(JSON.stringify({ error: e })));`,
    [cmd, args],
  );
  return JSON.parse(answer);
}

/** Runs the binary as a person would launch it again; resolves with its exit code and time. */
function launchAgain(args, env) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(app, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`the second launch was still running after 15 s:\n${output}`));
    }, 15000);
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, output });
    });
  });
}

describe("a desktop app", () => {
  let driver;
  let dataDir;
  let env;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-desktop-"));
    env = { SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" };
    driver = await startDriver({ env });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("runs once: a second launch with a CSV exits and the first window shows it in the import", async () => {
    const csv = path.join(dataDir, "handed-over.csv");
    writeFileSync(csv, "Email,First name,Last name\nmei.lin@example.com,Mei,Lin\nraj@example.com,Raj,Patel\n");
    const session = await Session.create(driver.url, app);
    try {
      await session.waitFor(...headingIs(en.dashboard.heading));
      const second = await launchAgain([csv], { ...process.env, ...env });
      assert.equal(second.code, 0, `the second launch exits with 0:\n${second.output}`);
      assert.ok(second.ms < 10000, `it exits within seconds (${second.ms} ms)`);
      // The first window still answers, and shows the handed-over file in the import.
      await session.waitFor(...headingIs(en.import.title), { timeout: 20000 });
      await session.waitFor(
        `return document.body.textContent.includes("handed-over.csv") ? true : null;`,
        [],
        { what: "the import to show the handed-over file", timeout: 20000 },
      );
      const summary = await invoke(session, "import_summary");
      assert.equal(summary.ok.fileName, "handed-over.csv");
      assert.equal(summary.ok.counts.rows, 2);
      await save(session, "single-instance-import-en.png");
    } finally {
      await session.close();
    }
  });

  it("keeps the window's size and position across a restart", async () => {
    const wanted = { x: 60, y: 40, width: 1000, height: 720 };
    let before;
    const first = await Session.create(driver.url, app);
    try {
      await first.waitFor(...headingIs(en.dashboard.heading));
      await first.setRect(wanted);
      // Let the resize land; the window manager (or its absence under Xvfb) has the last word.
      await sleep(500);
      before = await first.rect();
      assert.ok(Math.abs(before.width - wanted.width) <= 4, `resized: ${JSON.stringify(before)}`);
      assert.ok(Math.abs(before.height - wanted.height) <= 4, `resized: ${JSON.stringify(before)}`);
      // Written shortly after the resize settles (and again on a clean quit): wait for it, as a
      // busy machine may take a moment, then close the window as the admin would.
      const stateFile = path.join(dataDir, "window-state.json");
      const deadline = Date.now() + 15000;
      const savedWidth = () => {
        try {
          return JSON.parse(readFileSync(stateFile, "utf8")).main?.width;
        } catch {
          return undefined;
        }
      };
      while (Math.abs((savedWidth() ?? 0) - before.width) > 4) {
        assert.ok(Date.now() < deadline, `the resize was saved: ${existsSync(stateFile) ? readFileSync(stateFile, "utf8") : "no file"}`);
        await sleep(100);
      }
      await first.closeWindow();
    } finally {
      await first.close();
    }

    const again = await Session.create(driver.url, app);
    try {
      await again.waitFor(...headingIs(en.dashboard.heading));
      await sleep(500);
      const after = await again.rect();
      // A few pixels either way: decorations are drawn (or not) differently under Xvfb.
      for (const key of ["x", "y", "width", "height"]) {
        assert.ok(
          Math.abs(after[key] - before[key]) <= 12,
          `${key} kept: before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
        );
      }
    } finally {
      await again.close();
    }
  });

  it("exports diagnostics as one zip with no secret and no full path, from Settings in both languages", async () => {
    const canaryToken = "CanaryE2eActionsToken9d2f41c7";
    const canarySecret = "CanaryE2eMarketoSecret5be03a86";
    const session = await Session.create(driver.url, app);
    try {
      await session.waitFor(...headingIs(en.dashboard.heading));
      const info = (await invoke(session, "app_info")).ok;
      // Plant the canaries: secrets the app is handed (and refuses), so they passed through Rust.
      await invoke(session, "actions_connect", {
        url: info.demoServices.actionsUrl,
        token: canaryToken,
        storage: "sessionOnly",
      });
      await invoke(session, "marketo_test_and_save", {
        form: {
          munchkinOrEndpoint: info.demoServices.marketoUrl,
          clientId: "canary-client-id",
          clientSecret: canarySecret,
        },
        storage: "sessionOnly",
      });
      const refused = await invoke(session, "import_page", { offset: 0, limit: 5, filter: "all" });
      assert.equal(refused.error?.code, "csv_no_session");

      // Settings with the new section, in English and at 900 px.
      await (await session.find("[data-testid=open-settings]")).click();
      await session.waitFor(...headingIs(en.settings.heading));
      const button = await session.find("[data-testid=export-diagnostics]");
      assert.equal(await button.text(), en.support.export);
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations");
      await session.execute(`document.querySelector("[data-testid=export-diagnostics]").scrollIntoView()`);
      await save(session, "settings-support-en.png");

      const zip = path.join(dataDir, "out", "diagnostics.zip");
      mkdirSync(path.dirname(zip), { recursive: true });
      const exported = await invoke(session, "export_diagnostics", { path: zip });
      assert.equal(exported.error, undefined, JSON.stringify(exported.error));
      assert.ok(exported.ok.logFiles >= 1, "this run's log file is in it");

      const listing = execFileSync("unzip", ["-l", zip], { encoding: "utf8" });
      for (const entry of ["about.json", "status.json", "recent-errors.json"]) {
        assert.match(listing, new RegExp(`sia-diagnostics/${entry.replace(".", "\\.")}`));
      }
      assert.match(listing, /sia-diagnostics\/logs\/sia-setup\.\d{4}-\d{2}-\d{2}\.log/);
      const content = execFileSync("unzip", ["-p", zip], { encoding: "utf8", maxBuffer: 64 << 20 });
      const about = JSON.parse(execFileSync("unzip", ["-p", zip, "sia-diagnostics/about.json"], { encoding: "utf8" }));
      assert.equal(about.mode, "demo");
      assert.equal(about.version, info.version);
      const status = JSON.parse(execFileSync("unzip", ["-p", zip, "sia-diagnostics/status.json"], { encoding: "utf8" }));
      assert.equal(status.steps.length, 7);
      const errors = JSON.parse(
        execFileSync("unzip", ["-p", zip, "sia-diagnostics/recent-errors.json"], { encoding: "utf8" }),
      );
      assert.ok(errors.some((e) => e.code === "csv_no_session"), JSON.stringify(errors));
      assert.ok(content.includes("dashboard painted"), "the log has this run's lines");
      for (const leak of [canaryToken, canarySecret, dataDir, homedir(), "mei.lin@"]) {
        assert.ok(!content.includes(leak), `${leak} is in the zip`);
      }

      // The same screen in zh-TW, and at the minimum width of 900 px.
      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(...headingIs(zh.settings.heading));
      assert.equal(await (await session.find("[data-testid=export-diagnostics]")).text(), zh.support.export);
      await session.execute(`document.querySelector("[data-testid=export-diagnostics]").scrollIntoView()`);
      await save(session, "settings-support-zh-TW.png");
      await session.setRect({ width: 900, height: 760 });
      await session.waitFor(`return window.innerWidth <= 900 ? window.innerWidth : null;`, [], {
        what: "the window to be 900 px wide",
      });
      const overflow = await session.execute(
        `return document.documentElement.scrollWidth - document.documentElement.clientWidth;`,
      );
      assert.equal(overflow, 0, "nothing wider than the window at 900 px (Settings)");
      await save(session, "settings-900-zh-TW.png");
      await (await session.find('button[data-lang="en"]')).click();
      await (await session.find(".link-button")).click();
      await session.waitFor(...headingIs(en.dashboard.heading));
      assert.equal(
        await session.execute(`return document.documentElement.scrollWidth - document.documentElement.clientWidth;`),
        0,
        "nothing wider than the window at 900 px (dashboard)",
      );
      await save(session, "dashboard-900-en.png");
      await openStep(session, "inviteUsers");
      await session.waitFor(...headingIs(en.step.inviteUsers.title));
      await save(session, "step-inviteUsers-900-en.png");
      // The import's preview, the widest screen, at 900 px.
      const csv = path.join(dataDir, "wide.csv");
      writeFileSync(
        csv,
        "Email,First name,Last name,Team,Role,Workspace\n" +
          Array.from({ length: 12 }, (_, i) => `person${i}@example.com,First${i},Last${i},Everyone,user,Main\n`).join(""),
      );
      assert.equal((await invoke(session, "import_open", { path: csv })).error, undefined);
      await session.execute(
        `[...document.querySelectorAll("button")].find((b) => b.textContent.trim() === arguments[0])?.click();`,
        [en.import.open],
      );
      await session.waitFor(...headingIs(en.import.title));
      await session.waitFor(`return document.body.textContent.includes("wide.csv") ? true : null;`, [], {
        what: "the import to show wide.csv",
      });
      assert.equal(
        await session.execute(`return document.documentElement.scrollWidth - document.documentElement.clientWidth;`),
        0,
        "nothing wider than the window at 900 px (import)",
      );
      await save(session, "import-900-en.png");
    } finally {
      await session.close();
    }
  });
});
