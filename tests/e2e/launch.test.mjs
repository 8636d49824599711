// Leaving the real setup for the demo and coming back, from the window: the first-run screen's
// "Try it with demo services" and Settings' switch each remember the other mode in the base data
// folder and restart the app. The old process exits (the restart goes through the event loop),
// a new one starts in the other mode with its own data folder, and a later launch of the same
// binary — with no flag and no SIA_DEMO — opens in that mode, with the demo's badge.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { loadCatalogue } from "./catalogue.mjs";
import { Session, startDriver } from "./webdriver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
mkdirSync(screenshots, { recursive: true });

const save = async (session, name) =>
  writeFileSync(path.join(screenshots, name), await session.screenshot());

const click = (session, css) =>
  session.waitFor(
    `const b = document.querySelector(arguments[0]); if (!b || b.disabled) return null; b.click(); return true;`,
    [css],
    { what: css, timeout: 20000 },
  );

const badge = (session, mode) =>
  session.waitFor(
    `const b = document.querySelector("[data-testid=mode-badge]"); return b && b.dataset.mode === arguments[0] ? b.textContent : null;`,
    [mode],
    { what: `the ${mode} badge`, timeout: 20000 },
  );

/** The app processes (this binary) running on `dataDir`: the webview's helpers are other binaries. */
function appProcesses(dataDir) {
  const binary = realpathSync(app);
  const found = [];
  for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      if (realpathSync(`/proc/${pid}/exe`) !== binary) continue;
      const env = readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      if (env.includes(`SIA_DATA_DIR=${dataDir}`)) found.push(Number(pid));
    } catch {
      // gone, or not ours to read
    }
  }
  return found;
}

async function waitUntil(check, what, timeout = 20000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Clicks `css`, then waits for the app to restart itself: the old process gone, a new one up
 *  (and `ready`, what the new one does first). */
async function restartBy(session, css, dataDir, ready = () => true) {
  const [before] = appProcesses(dataDir);
  assert.ok(before, "the app is running");
  await click(session, css);
  const after = await waitUntil(() => {
    const now = appProcesses(dataDir);
    return !now.includes(before) && now.length === 1 ? now[0] : null;
  }, "the old process to exit and a new one to start");
  await waitUntil(ready, "the restarted app to start");
  return after;
}

/** The restarted process has no WebDriver session (its parent had it): stop it, as a person would
 *  close the window, before the next launch. Stopping the driver may have taken it already. */
async function stopRestarted(pid, dataDir) {
  try {
    process.kill(pid, "SIGTERM");
  } catch {
    // already gone
  }
  await waitUntil(() => appProcesses(dataDir).length === 0, "the restarted app to exit");
}

describe("switching between the demo and the real setup from the window", () => {
  let dataDir;
  const env = () => ({ SIA_DATA_DIR: dataDir, LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8", BROWSER: "true" });

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-launch-"));
    // This test decides the mode itself: a SIA_DEMO from the caller would win over the window.
    delete process.env.SIA_DEMO;
  });

  after(() => {
    for (const pid of appProcesses(dataDir)) process.kill(pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function launch(check) {
    const driver = await startDriver({ env: env() });
    try {
      const session = await Session.create(driver.url, app);
      try {
        return await check(session);
      } finally {
        // A switch leaves the restarted app running on purpose; `stopRestarted` ends it.
        await session.close({ waitForApp: false });
      }
    } finally {
      await driver.stop();
    }
  }

  it("from the first-run screen into the demo, and back from Settings", async () => {
    // 1. A first start: the real setup, offering the demo.
    let restarted = await launch(async (session) => {
      await badge(session, "real-guided");
      await session.waitFor(`return document.querySelector("[data-testid=first-run]") ? true : null;`);
      await save(session, "first-run-en.png");
      const zh = loadCatalogue("zh-TW");
      await click(session, 'button[data-lang="zh-TW"]');
      await session.waitFor(
        `return document.querySelector("[data-testid=first-run] h2")?.textContent === arguments[0] || null;`,
        [zh.firstRun.heading],
      );
      await save(session, "first-run-zh-TW.png");
      await click(session, 'button[data-lang="en"]');
      await session.waitFor(
        `return document.querySelector("[data-testid=first-run] h2")?.textContent === arguments[0] || null;`,
        [en.firstRun.heading],
      );
      // The restarted process is the demo: it opens the demo's own data folder.
      return restartBy(session, "[data-testid=first-run-demo]", dataDir, () =>
        existsSync(path.join(dataDir, "demo", "setup.db")),
      );
    });
    assert.equal(readFileSync(path.join(dataDir, "launch-mode"), "utf8").trim(), "demo");
    await stopRestarted(restarted, dataDir);

    // 2. Launched again with no flag and no SIA_DEMO: the demo, badge on screen, no first-run offer.
    restarted = await launch(async (session) => {
      assert.equal(await badge(session, "demo-adminApi"), en.mode.demo);
      assert.equal(await session.execute(`return document.querySelector("[data-testid=first-run]") === null;`), true);
      await save(session, "launch-demo-en.png");
      await click(session, "[data-testid=open-settings]");
      await click(session, "[data-testid=launch-switch-button]");
      await session.waitFor(`return document.querySelector("[data-testid=launch-confirm]") ? true : null;`);
      await save(session, "launch-settings-demo-en.png");
      return restartBy(session, "[data-testid=launch-confirm]", dataDir);
    });
    assert.equal(readFileSync(path.join(dataDir, "launch-mode"), "utf8").trim(), "real");
    await stopRestarted(restarted, dataDir);

    // 3. And the real setup again, untouched by the demo: still its first run.
    await launch(async (session) => {
      await badge(session, "real-guided");
      await session.waitFor(`return document.querySelector("[data-testid=first-run]") ? true : null;`);
    });
  });

  it("lets SIA_DEMO win over the remembered choice, and says so in Settings", async () => {
    writeFileSync(path.join(dataDir, "launch-mode"), "real\n");
    const driver = await startDriver({ env: { ...env(), SIA_DEMO: "1" } });
    try {
      const session = await Session.create(driver.url, app);
      try {
        await badge(session, "demo-adminApi");
        await click(session, "[data-testid=open-settings]");
        await session.waitFor(`return document.querySelector("[data-testid=launch-forced]") ? true : null;`);
        assert.equal(await session.execute(`return document.querySelector("[data-testid=launch-switch-button]");`), null);
      } finally {
        await session.close();
      }
    } finally {
      await driver.stop();
    }
  });
});
