// Step 5's activation tracker in the real window, in demo mode: the instance is active (step 1,
// done over the stand-in's HTTP API), SIA Setup is signed in to the Salesforce stand-in (step 2),
// three people of the demo org are invited through the form, one of them accepts in the demo
// mailbox (step 1's outbox), and the tracker shows one activated and two waiting — in en and in
// zh-TW. Then the dashboard's step-5 card says so too. Screenshots looked at.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { checkTracker, clickByText, demoActions, openInviteForm, openStep, signInFromStep2, trackerGroups } from "./steps.mjs";
import { Session, startDriver, invoke } from "./webdriver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const docs = path.join(here, "..", "..", "docs", "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
// Three users of the demo org (sia_sandbox's seeded org, seed 0x5EED_5A1E) who can activate but
// have not: active, API Enabled on their profile, no grant to the Actions app yet. The tracker's
// first read below checks that they are waiting, so a changed seed fails there, plainly.
const INVITEES = ["zhiming.lin@acme-demo.example", "fang.yang@acme-demo.example", "zoe.clark@acme-demo.example"];
mkdirSync(screenshots, { recursive: true });
mkdirSync(docs, { recursive: true });

async function save(session, name) {
  const file = path.join(screenshots, name);
  writeFileSync(file, await session.screenshot());
  copyFileSync(file, path.join(docs, name));
}

describe("the activation tracker in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-activation-"));
    driver = await startDriver({
      env: {
        SIA_DATA_DIR: dataDir,
        SIA_DEMO: "1",
        LANG: "en_US.UTF-8",
        LC_ALL: "en_US.UTF-8",
        BROWSER: "true",
      },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("shows one activated and two waiting after one invitee accepts, in en and zh-TW", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await session.find('li[data-step="inviteUsers"] button');
      // Before any tracker ran, step 5's card says nothing about activation.
      assert.equal(
        await session.execute(
          `return document.querySelector('li[data-step="inviteUsers"] [data-testid=step-detail]') === null;`,
        ),
        true,
      );
      const info = await invoke(session, "app_info");
      const url = info.demoServices?.actionsUrl;
      assert.ok(url, "the demo serves the Actions API");
      // Step 1 is not this test's subject: the admin did it already.
      await demoActions(url, "POST", "/api/v1/instance/activation", {
        admins: [{ email: "admin@example.com" }],
      });

      // Step 2: SIA Setup signs in to the Salesforce stand-in, as in the browser.
      await openStep(session, "connectSalesforce");
      await signInFromStep2(session);

      // Step 5: three people through the form.
      await openStep(session, "inviteUsers");
      await openInviteForm(session);
      await session.execute(
        `const el = document.getElementById("invite-list");
         el.value = arguments[0];
         el.dispatchEvent(new Event("input", { bubbles: true }));
         return true;`,
        [INVITEES.join("\n")],
      );
      await clickByText(session, en.invite.form.check);
      await session.find("[data-testid=invite-will]");
      await clickByText(session, en.invite.confirm.send.replace("{count}", "3"));
      await session.waitFor(
        `return document.querySelectorAll("[data-testid=invite-results] tbody tr").length === 3 || null;`,
        [],
        { what: "the three invited", timeout: 30000 },
      );

      // The tracker before anyone accepts: three waiting, nothing blocks them.
      await openStep(session, "inviteUsers");
      const first = await checkTracker(session);
      assert.equal(first, "0 of 3 activated · 3 waiting · 0 blocked");
      assert.deepEqual(
        await trackerGroups(session),
        Object.fromEntries(INVITEES.map((e) => [e, "waiting"])),
      );

      // One accepts in the demo mailbox (step 1's outbox, in place of their inbox).
      await openStep(session, "activateAccount");
      await session.find("[data-testid=demo-outbox]");
      await session.execute(`document.querySelector("[data-testid=demo-outbox]").open = true; return true;`);
      await session.waitFor(
        `const li = [...document.querySelectorAll("[data-testid=demo-outbox] li")]
           .find((li) => li.textContent.includes(arguments[0]));
         const b = li?.querySelector("button");
         if (!b) return null; b.click(); return true;`,
        [INVITEES[0]],
        { what: `the accept button of ${INVITEES[0]}` },
      );
      await session.waitFor(
        `const li = [...document.querySelectorAll("[data-testid=demo-outbox] li")]
           .find((li) => li.textContent.includes(arguments[0]));
         return li && !li.querySelector("button") ? true : null;`,
        [INVITEES[0]],
        { what: "the invitation accepted" },
      );

      // The tracker: one activated, two waiting.
      await openStep(session, "inviteUsers");
      const summary = await checkTracker(session);
      assert.equal(summary, "1 of 3 activated · 2 waiting · 0 blocked");
      assert.deepEqual(await trackerGroups(session), {
        [INVITEES[0]]: "activated",
        [INVITEES[1]]: "waiting",
        [INVITEES[2]]: "waiting",
      });
      const activatedState = await session.execute(
        `return document.querySelector('[data-testid=activation-table] tbody tr[data-group="activated"]').cells[2].textContent;`,
      );
      assert.match(activatedState, /^Activated /);
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (tracker)");
      await session.execute(
        `document.querySelector("[data-testid=activation-tracker]").scrollIntoView(); return true;`,
      );
      await save(session, "activation-en.png");

      // The setup report from the real app (the command the dashboard's button calls after its
      // save dialog), kept beside the screenshots to be looked at in a browser.
      const reportEn = path.join(screenshots, "report-en.html");
      await invoke(session, "export_setup_report", { path: reportEn });
      const htmlEn = readFileSync(reportEn, "utf8");
      assert.match(htmlEn, /^<!DOCTYPE html>\n<html lang="en">/);
      assert.match(htmlEn, /1 of 3 activated · 2 waiting · 0 blocked/);
      assert.match(htmlEn, /For your Salesforce admin: steps 6 and 7/);

      // The dashboard's step-5 card says so.
      await session.execute(`document.querySelector("main nav .link-button").click(); return true;`);
      const line = await session.waitFor(
        `return document.querySelector('li[data-step="inviteUsers"] [data-testid=step-detail]')?.textContent || null;`,
        [],
        { what: "step 5's activation line" },
      );
      assert.match(line, /^1 of 3 activated · checked /);
      await session.execute(
        `document.querySelector('li[data-step="inviteUsers"]').scrollIntoView({ block: "center" }); return true;`,
      );
      writeFileSync(path.join(screenshots, "activation-dashboard-en.png"), await session.screenshot());

      // Traditional Chinese: the same read, in the admin's language.
      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(
        `return document.querySelector('li[data-step="inviteUsers"] [data-testid=step-detail]')?.textContent.startsWith(arguments[0]) || null;`,
        ["3 人中 1 人已啟用"],
        { what: "step 5's line in zh-TW" },
      );
      await session.execute(
        `document.querySelector('li[data-step="inviteUsers"]').scrollIntoView({ block: "center" }); return true;`,
      );
      writeFileSync(path.join(screenshots, "activation-dashboard-zh-TW.png"), await session.screenshot());
      await openStep(session, "inviteUsers");
      const zhSummary = await checkTracker(session);
      assert.equal(
        zhSummary,
        zh.activation.summary
          .replace("{activated}", "1")
          .replace("{total}", "3")
          .replace("{waiting}", "2")
          .replace("{blocked}", "0"),
      );
      const zhStates = await session.execute(
        `return [...document.querySelectorAll("[data-testid=activation-table] tbody tr")].map((r) => r.dataset.group + ":" + r.cells[2].textContent);`,
      );
      assert.equal(zhStates.filter((s) => s.startsWith("waiting:")).length, 2);
      assert.ok(
        zhStates.every((s) => !s.startsWith("waiting:") || s === `waiting:${zh.activation.state.waiting}`),
        zhStates.join(", "),
      );
      assert.ok(zhStates.some((s) => s.startsWith("activated:已於 ")), zhStates.join(", "));
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (tracker, zh-TW)");
      await session.execute(
        `document.querySelector("[data-testid=activation-tracker]").scrollIntoView(); return true;`,
      );
      await save(session, "activation-zh-TW.png");
      const reportZh = path.join(screenshots, "report-zh-TW.html");
      await invoke(session, "export_setup_report", { path: reportZh });
      const htmlZh = readFileSync(reportZh, "utf8");
      assert.match(htmlZh, /^<!DOCTYPE html>\n<html lang="zh-TW">/);
      assert.match(htmlZh, /3 人中 1 人已啟用/);
    } finally {
      await session.close();
    }
  });
});
