// Killed mid-job, nothing lost: in demo mode an invite job is started in the real window, the app
// process is SIGKILLed while part of it is sent and part is not (or while a bulk is in flight), the app is started again on the
// same data folder, offers the unfinished job, resumes it on the admin's word (the Resume button),
// and the Actions stand-in's outbox then has each address exactly once.
//
// Holding the job mid-way without changing the app: the stand-in limits each bearer token to 600
// requests a minute (sia_actions_service::RateLimit) and the app sends as fast as the service
// answers, in bulks of 50. The test spends the demo token's minute down to two requests (bulk
// discovery and one bulk), so the first bulk is accepted and the second is answered 429 with a
// Retry-After of about a minute: the job sits with some people invited and some waiting, and the
// kill lands there, not by luck of timing. The stand-ins keep their state in the data folder
// (sandbox.sqlite, saved on every change), so the outbox outlives the killed process.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { loadCatalogue } from "./catalogue.mjs";
import { Session, appGone, startDriver, invoke } from "./webdriver.mjs";
import { clickByText, demoActions, demoActionsRequest, openInviteForm, openStep } from "./steps.mjs";
import { killApp } from "./kill.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
// The stand-in's requests per token per window (sia_actions_service::RateLimit::default()).
const RATE_LIMIT = 600;
// The demo instance has 100 seats (the vendor's documented limit) and the admin takes one.
const PEOPLE = 99;
mkdirSync(screenshots, { recursive: true });

const env = (dataDir) => ({ SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" });

async function outboxRecipients(url) {
  const outbox = await demoActions(url, "GET", "/api/v1/demo/outbox");
  const list = Array.isArray(outbox) ? outbox : (outbox.invitations ?? outbox.outbox ?? []);
  return list.map((i) => i.recipient.toLowerCase()).filter((r) => r !== "admin@example.com");
}

/**
 * Leaves the demo token exactly `left` requests in a fresh rate window: spends the current window,
 * waits for it to end (the stand-in's own clock), then spends the new one down to `left`.
 */
async function spendRateWindow(url, left) {
  const ping = async () => (await demoActionsRequest(url, "GET", "/api/v1/demo/outbox")).status;
  let status;
  for (let i = 0; i <= RATE_LIMIT && (status = await ping()) !== 429; i++);
  assert.equal(status, 429, "the stand-in limits the token's requests");
  const deadline = Date.now() + 70000;
  // The first request answered again opens the new window and counts as its first.
  while ((status = await ping()) === 429) {
    assert.ok(Date.now() < deadline, "the stand-in's rate window ends within a minute");
    await sleep(200);
  }
  assert.equal(status, 200);
  for (let spent = 1; spent < RATE_LIMIT - left; spent++) assert.equal(await ping(), 200);
}

/**
 * Starts a job of PEOPLE in the form, lets `hold` stop it mid-way (it clicks Send and returns the
 * progress once the job is held, and a function undoing the hold), SIGKILLs the app, starts it
 * again on the same data folder, resumes on the admin's word and checks nobody is lost or doubled.
 * `sentAtKill` checks how much the job had sent when it was killed; `firstRunEnv` is added to the
 * first run's environment (the second run never has it).
 */
async function killedInviteJob(t, ctx, { shot, hold, sentAtKill, firstRunEnv = {} }) {
  const { dataDir } = ctx;
  {
    const people = Array.from({ length: PEOPLE }, (_, i) => `person${String(i + 1).padStart(3, "0")}@example.com`);
    let url;
    let jobId;

    // First run: start the job, hold it half sent, kill the app.
    let driver = (ctx.driver = await startDriver({ env: { ...env(dataDir), ...firstRunEnv } }));
    let session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await session.find('li[data-step="inviteUsers"] button');
      const info = await invoke(session, "app_info");
      url = info.demoServices?.actionsUrl;
      assert.ok(url, "the demo serves the Actions API");
      assert.equal(info.mode.actions, "adminApi", "the demo invites over the admin API");
      await demoActions(url, "POST", "/api/v1/instance/activation", { admins: [{ email: "admin@example.com" }] });

      await openStep(session, "inviteUsers");
      await openInviteForm(session);
      await session.execute(
        `const el = document.getElementById("invite-list");
         el.value = arguments[0];
         el.dispatchEvent(new Event("input", { bubbles: true }));
         return true;`,
        [people.join("\n")],
      );
      await clickByText(session, en.invite.form.check);
      const will = await session.waitFor(
        `return document.querySelector("[data-testid=invite-will]")?.textContent || null;`,
        [],
        { what: "the confirmation", timeout: 30000 },
      );
      for (const p of people) assert.ok(will.includes(p), `${p} will be invited`);

      const send = () => clickByText(session, en.invite.confirm.send.replace("{count}", String(PEOPLE)));
      const { progress, release } = await hold({ session, url, dataDir, send });
      try {
        assert.equal(progress.total, PEOPLE);
        assert.ok(!progress.finished, `killed mid-job: ${JSON.stringify(progress)}`);
        sentAtKill(progress);
        jobId = progress.jobId;
        t.diagnostic(
          `killed with ${progress.invited} of ${progress.total} invited, ${progress.remaining} left, ${progress.inFlight} in flight`,
        );
        writeFileSync(path.join(screenshots, `killed-${shot}-mid-job-en.png`), await session.screenshot());
        await killApp(dataDir);
      } finally {
        await release();
      }
    } finally {
      await session.close().catch(() => {});
    }
    await driver.stop();
    await appGone();

    // Second run, same data folder: the job is offered, resumed on the admin's word, and finishes.
    driver = ctx.driver = await startDriver({ env: env(dataDir) });
    session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await session.find('li[data-step="inviteUsers"] button');
      const overview = await invoke(session, "invite_overview");
      assert.equal(overview.running, null, "nothing resumes by itself");
      assert.deepEqual(
        overview.unfinished.map((e) => e.job.jobId),
        [jobId],
        "the killed job is offered as unfinished",
      );
      const entry = overview.unfinished[0];
      assert.equal(entry.summary.total, PEOPLE);
      assert.ok(entry.summary.unfinished > 0, JSON.stringify(entry.summary));
      assert.equal(entry.summary.failed, 0);
      t.diagnostic(`offered after the restart: ${entry.summary.unfinished} of ${entry.summary.total} unfinished`);

      await openStep(session, "inviteUsers");
      await session.find("[data-testid=invite-unfinished-note]");
      await openInviteForm(session);
      const offer = await (await session.find("[data-testid=invite-unfinished]")).text();
      assert.match(offer, new RegExp(en.invite.unfinished.heading.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
      writeFileSync(path.join(screenshots, `killed-${shot}-resume-offer-en.png`), await session.screenshot());

      await clickByText(session, en.invite.unfinished.resume);
      await session.waitFor(
        `return document.querySelector("[data-testid=invite-results] tbody tr") ? true : null;`,
        [],
        { what: "the results screen after resuming", timeout: 60000 },
      );
      writeFileSync(path.join(screenshots, `killed-${shot}-resumed-results-en.png`), await session.screenshot());

      const results = await invoke(session, "invite_results", { jobId });
      assert.equal(results.rows.length, PEOPLE);
      assert.equal(results.summary.failed, 0);
      assert.equal(results.summary.unfinished, 0);
      const byState = {};
      for (const row of results.rows) byState[row.state.kind] = (byState[row.state.kind] ?? 0) + 1;
      assert.deepEqual(byState, { invited: PEOPLE }, "every row settled as invited by this job");
      assert.deepEqual(results.rows.map((r) => r.invitee.email.toLowerCase()).sort(), people);
      assert.deepEqual((await invoke(session, "invite_overview")).unfinished, []);

      // The outbox (kept on disk by the stand-in across the kill): each address exactly once.
      assert.deepEqual((await outboxRecipients(url)).sort(), people);
      const users = await demoActions(url, "GET", "/scim/v2/Users?count=1000");
      const emails = (users.Resources ?? []).map((u) => (u.emails?.[0]?.value ?? u.userName).toLowerCase());
      assert.deepEqual(emails.filter((e) => e !== "admin@example.com").sort(), people, "one user each");
    } finally {
      await session.close();
    }
  }
}

/** Holds the job by the stand-in's rate limit: one bulk goes through, the other waits on a 429. */
async function holdByRateLimit({ session, url, send }) {
  await spendRateWindow(url, 2);
  await send();
  const progress = await waitForProgress(session, (p) => p.invited > 0, "part of the job sent");
  return { progress, release: async () => {} };
}

async function waitForProgress(session, ready, what) {
  const deadline = Date.now() + 30000;
  let progress;
  for (;;) {
    progress = (await invoke(session, "invite_overview")).running;
    if (progress && ready(progress)) return progress;
    assert.ok(Date.now() < deadline, `${what} within 30 s (last: ${JSON.stringify(progress)})`);
    await sleep(50);
  }
}

describe("the app killed between two bulks of an invite job (half invited)", () => {
  const ctx = {};

  before(() => {
    ctx.dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-killed-"));
  });

  after(async () => {
    await ctx.driver?.stop();
    if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true });
  });

  it("resumes on the admin's word and invites each person exactly once", (t) =>
    killedInviteJob(t, ctx, {
      shot: "between-bulks",
      hold: holdByRateLimit,
      sentAtKill: (p) => assert.ok(p.invited > 0 && p.invited < PEOPLE, JSON.stringify(p)),
    }));
});

// A kill with a bulk of invitations sent and not answered: the debug build's demo holds each SCIM
// Bulk request (SIA_DEMO_SLOW_BULK_MS) before serving it, and the kill lands while the first is
// held. The journal has those rows as in flight; after the restart the engine cannot know whether
// they arrived, looks each one up before sending it again, and nobody is invited twice.
describe("the app killed with a bulk of invitations in flight", () => {
  const ctx = {};

  before(() => {
    ctx.dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-killed-flight-"));
  });

  after(async () => {
    await ctx.driver?.stop();
    if (ctx.dataDir) rmSync(ctx.dataDir, { recursive: true, force: true });
  });

  it("looks the unanswered rows up after the restart and invites each person exactly once", (t) =>
    killedInviteJob(t, ctx, {
      shot: "in-flight",
      firstRunEnv: { SIA_DEMO_SLOW_BULK_MS: "60000" },
      hold: async ({ session, send }) => {
        await send();
        const progress = await waitForProgress(session, (p) => p.inFlight > 0, "a bulk in flight");
        return { progress, release: async () => {} };
      },
      sentAtKill: (p) => assert.ok(p.inFlight > 0 && p.invited === 0, JSON.stringify(p)),
    }));
});

// A kill while an import has inline edits not yet confirmed. The app saves the import's fixes in
// its data folder after every change (decision §18): after the restart, step 5 says that the
// import was not confirmed and what was kept, and the Reopen button puts the file back with the
// fix, on the admin's word; the admin's file on disk is never written.
describe("the app killed during an import with unsaved inline edits", () => {
  let driver;
  let dataDir;

  before(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-killed-import-"));
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("keeps the fixes and puts them back on the admin's word", async (t) => {
    const file = path.join(dataDir, "people.csv");
    const csv = "email,first_name,last_name\nmei.lin@example.com,Mei,Lin\nraj@exam ple.com,Raj,Kumar\n";
    writeFileSync(file, csv);

    driver = await startDriver({ env: env(dataDir) });
    let session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await openStep(session, "inviteUsers");
      const opened = await invoke(session, "import_open", { path: file });
      assert.equal(opened.counts.rows, 2);
      assert.equal(opened.counts.invalid, 1, "the typo in Raj's address is caught");
      const page = await invoke(session, "import_page", { offset: 0, limit: 10, filter: "errorsOnly" });
      assert.equal(page.rows.length, 1);
      const edited = await invoke(session, "import_edit_cell", {
        row: page.rows[0].index,
        field: "email",
        value: "raj@example.com",
      });
      assert.equal(edited.row.valid, true, "the inline edit fixes the row");
      assert.equal(edited.counts.invalid, 0);
      assert.equal((await invoke(session, "import_summary")).counts.invalid, 0, "the edit is in the open import");

      await killApp(dataDir);
    } finally {
      await session.close().catch(() => {});
    }
    await driver.stop();
    await appGone();

    driver = await startDriver({ env: env(dataDir) });
    session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await openStep(session, "inviteUsers");
      assert.equal(await invoke(session, "import_summary"), null, "nothing is reopened without the admin's word");
      const card = await (await session.find("[data-testid=kept-fixes]")).text();
      assert.match(card, /people\.csv/);
      assert.ok(card.includes(en.import.draft.keptOne.split("{name}")[0]), card);
      await session.execute(`document.querySelector("[data-testid=kept-fixes]").scrollIntoView({ block: "center" }); return true;`);
      writeFileSync(path.join(screenshots, "killed-import-kept-fixes-en.png"), await session.screenshot());
      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(
        `return document.querySelector("[data-testid=kept-fixes] h2")?.textContent === arguments[0] || null;`,
        [zh.import.draft.heading],
        { what: "the kept fixes in zh-TW" },
      );
      writeFileSync(path.join(screenshots, "killed-import-kept-fixes-zh-TW.png"), await session.screenshot());
      await (await session.find('button[data-lang="en"]')).click();
      assert.equal(readFileSync(file, "utf8"), csv, "the admin's file is untouched");

      await clickByText(session, en.import.draft.reopen.replace("{name}", "people.csv"));
      const counts = await session.waitFor(
        `return document.querySelector("[data-testid=import-counts]")?.textContent || null;`,
        [],
        { what: "the import, reopened" },
      );
      t.diagnostic(`after the restart: ${counts.trim()}`);
      const summary = await invoke(session, "import_summary");
      assert.equal(summary.counts.invalid, 0, "the fix made before the kill is back");
      assert.equal(summary.counts.valid, 2);
      assert.equal(readFileSync(file, "utf8"), csv, "the admin's file is still untouched");
    } finally {
      await session.close();
    }
  });
});
