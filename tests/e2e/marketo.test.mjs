// Steps 1, 3 and 4 in the real window against the demo stand-ins: Marketo API access, inviting
// Marketo admins (activation), the demo invitee accepting, connecting Actions to Marketo from the
// Integration Information with an owner, the sync preview, the confirmation and the start of the
// sync; then the app is SIGKILLed while step 4 shows the sync running, started again on the same
// data folder, and step 4 shows the same sync carrying on to its end with each person once (the
// demo's Actions lives in the app's process, as Actions' own sync would carry on in its cloud);
// then a restart, where step 4 still shows the finished sync. Screenshots in en and zh-TW.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, appGone, invoke, startDriver } from "./webdriver.mjs";
import { killApp } from "./kill.mjs";
import { openStep } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
mkdirSync(screenshots, { recursive: true });

const save = async (session, name) =>
  writeFileSync(path.join(screenshots, name), await session.screenshot());

const clickByText = (session, text, what = `a button reading "${text}"`) =>
  session.waitFor(
    `const b = [...document.querySelectorAll("button")].find((b) => b.textContent.trim().startsWith(arguments[0]) && !b.disabled);
     if (!b) return null; b.click(); return true;`,
    [text],
    { what, timeout: 20000 },
  );

const textOf = (session, testid, what) =>
  session.waitFor(`return document.querySelector("[data-testid=${testid}]")?.textContent || null;`, [], {
    what,
    timeout: 20000,
  });

const env = (dataDir) => ({ SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" });

describe("steps 1, 3 and 4 in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-marketo-"));
    driver = await startDriver({ env: env(dataDir) });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("activates, connects Marketo with an owner, and the sync outlives a SIGKILL", async (t) => {
    let atKill;
    const session = await Session.create(driver.url, app);
    try {
      // Step 1: Marketo API access (the demo's API user), then invite two admins.
      await openStep(session, "activateAccount");
      await clickByText(session, en.marketo.useDemo);
      await textOf(session, "marketo-connected", "Marketo access saved");
      await session.waitFor(`return document.querySelectorAll("fieldset input[type=checkbox]:not(:disabled)").length >= 2 || null;`, [], {
        what: "the list of Marketo admins",
        timeout: 20000,
      });
      await session.execute(
        `[...document.querySelectorAll("fieldset input[type=checkbox]:not(:disabled)")].slice(0, 2).forEach((c) => c.click()); return true;`,
      );
      await clickByText(session, en.activate.send.split(" (")[0]);
      const results = await textOf(session, "activation-results", "the invitation results");
      assert.equal((results.match(/invitation sent/g) ?? []).length, 2, results);
      const original = await textOf(session, "original-user", "the original user");
      assert.match(original, /@/);
      assert.match(await textOf(session, "instance-status", "instance status"), new RegExp(en.activate.active));
      assert.match(await textOf(session, "integration-card", "the Integration Information card"), /\S/);
      // The demo invitee opens the first invitation.
      await session.execute(`document.querySelector("[data-testid=demo-outbox]").open = true; return true;`);
      await clickByText(session, en.activate.demoAccept);
      assert.deepEqual(await seriousViolations(session), [], "axe: step 1");
      await session.execute(`document.querySelector("[data-testid=activate-panel]").scrollIntoView(); return true;`);
      await save(session, "step1-activated-en.png");

      // Step 3: fill from the Integration Information, test and save, connect with the owner.
      await openStep(session, "connectMarketo");
      await session.waitFor(`return document.querySelector("#actions-owner")?.value || null;`, [], {
        what: "an owner to choose",
        timeout: 20000,
      });
      await clickByText(session, en.marketo.change);
      await clickByText(session, en.marketo.fillFromIntegration);
      await textOf(session, "marketo-secret-held", "the held secret");
      await save(session, "step3-filled-en.png");
      await clickByText(session, en.marketo.testAndSave);
      const owner = await textOf(session, "marketo-owner", "the connection's owner");
      assert.ok(owner.includes(original.split(": ")[1].trim()), `${owner} / ${original}`);
      assert.deepEqual(await seriousViolations(session), [], "axe: step 3");
      await save(session, "step3-connected-en.png");

      // Step 4: preview, confirm naming the original user, start, and watch it finish.
      await openStep(session, "startSync");
      await clickByText(session, en.sync.previewButton);
      await session.waitFor(`return document.querySelectorAll("[data-testid=sync-fields] tbody tr").length === 13 || null;`, [], {
        what: "the 13 fields",
        timeout: 30000,
      });
      const confirm = await textOf(session, "sync-confirm", "the confirmation");
      assert.ok(confirm.includes(original.split(": ")[1].trim()), confirm);
      await session.execute(`document.querySelector("[data-testid=sync-confirm] input[type=checkbox]").click(); return true;`);
      await save(session, "step4-preview-en.png");
      await clickByText(session, en.syncRun.start);
      // Killed while the progress screen shows the sync part done.
      for (const deadline = Date.now() + 60000; ; ) {
        const progress = await invoke(session, "sync_progress");
        const { state, peopleSynced } = progress.status;
        assert.equal(state, "running", `the sync ended before it could be killed half-way (${peopleSynced} people)`);
        if (peopleSynced > 0) {
          atKill = progress;
          break;
        }
        assert.ok(Date.now() < deadline, "the sync stored nobody within a minute");
        await new Promise((r) => setTimeout(r, 100));
      }
      await session.waitFor(
        `return document.querySelector("[data-testid=sync-state]")?.textContent.includes(arguments[0]) || null;`,
        [en.syncRun.state_running],
        { what: "the running sync on screen" },
      );
      await save(session, "step4-running-en.png");
      await killApp(dataDir);
      t.diagnostic(`killed with ${atKill.status.peopleSynced} of ${atKill.expected ?? "?"} people synced`);
    } finally {
      await session.close().catch(() => {});
    }
    await driver.stop();
    await appGone();

    driver = await startDriver({ env: env(dataDir) });
    const again = await Session.create(driver.url, app);
    try {
      await openStep(again, "startSync");
      await again.waitFor(
        `return document.querySelector("[data-testid=sync-state]")?.textContent.includes(arguments[0]) || null;`,
        [en.syncRun.state_completed],
        { what: "the same sync, carried on to its end", timeout: 120000 },
      );
      const done = await invoke(again, "sync_progress");
      assert.deepEqual(done.status.errors, [], "the kill cost the sync nothing");
      assert.ok(done.status.peopleSynced >= atKill.status.peopleSynced, "nobody stored before the kill was lost");
      if (done.expected) assert.equal(done.status.peopleSynced, done.expected, "each person with an owner once");
      assert.equal(done.status.startedAt, atKill.status.startedAt, "the same sync, not a second one");
      assert.deepEqual(await seriousViolations(again), [], "axe: step 4");
      await save(again, "step4-synced-en.png");
    } finally {
      await again.close();
    }
  });

  it("shows the finished sync after a restart, in zh-TW too", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await (await session.find('button[data-lang="zh-TW"]')).click();
      await openStep(session, "startSync");
      const facts = await textOf(session, "sync-facts", "the sync's facts after a restart");
      assert.match(facts, /\d/);
      await session.waitFor(
        `return document.querySelector("[data-testid=sync-state]")?.textContent.includes(arguments[0]) || null;`,
        [zh.syncRun.state_completed],
        { what: "the finished sync in zh-TW" },
      );
      await save(session, "step4-synced-zh-TW.png");
      await openStep(session, "activateAccount");
      await textOf(session, "original-user", "the original user in zh-TW");
      await save(session, "step1-activated-zh-TW.png");
      await openStep(session, "connectMarketo");
      await textOf(session, "marketo-owner", "the owner in zh-TW");
      assert.deepEqual(await seriousViolations(session), [], "axe: step 3 in zh-TW");
      await save(session, "step3-connected-zh-TW.png");
    } finally {
      await session.close();
    }
  });
});
