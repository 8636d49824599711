// Step 5's activation tracker when the Salesforce user SIA Setup signed in as lacks Customize
// Application (demo mode): Salesforce then lists only that user's own app authorisations, so the
// tracker must not call the others "waiting". SIA Setup signs in to the Salesforce stand-in as a
// user of the demo org without that permission, the admin pastes who was invited, and the tracker
// says once why it cannot see, marks the others "activation cannot be seen", still shows what
// blocks someone regardless, and the dashboard's step-5 line says so — in en and zh-TW.
// Screenshots looked at.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { checkTracker, openStep, signInFromStep2, trackerGroups } from "./steps.mjs";
import { Session, startDriver } from "./webdriver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const docs = path.join(here, "..", "..", "docs", "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
// A user of the demo org (sia_sandbox's seeded org, seed 0x5EED_5A1E) on a profile without
// Customize Application (Marketing User), who has authorised the Actions app: the first invitee
// the seed activated. The tracker's read below checks all of that, so a changed seed fails plainly.
const ME = "minjun.kim@acme-demo.example";
// Others of the demo org: the org's admin (who did authorise Actions: hidden from ME all the
// same), two who have not, and an address no Salesforce user has (a blocker ME can see).
const OTHERS = ["jordan.lee@acme-demo.example", "zhiming.lin@acme-demo.example", "zoe.clark@acme-demo.example"];
const NOBODY = "nobody@nowhere.example";
mkdirSync(screenshots, { recursive: true });
mkdirSync(docs, { recursive: true });

/** The state and what-to-do cells of `email`'s row. */
const cells = (session, email) =>
  session.execute(
    `const r = [...document.querySelectorAll("[data-testid=activation-table] tbody tr")]
       .find((r) => r.cells[0].textContent.trim() === arguments[0]);
     return r ? [r.cells[2].textContent.trim(), r.cells[3].textContent.trim()] : null;`,
    [email],
  );

async function save(session, name, { toDocs = true } = {}) {
  const file = path.join(screenshots, name);
  writeFileSync(file, await session.screenshot());
  if (toDocs) copyFileSync(file, path.join(docs, name));
}

describe("the activation tracker without Customize Application, in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-unseen-"));
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

  it("says others' activation cannot be seen, once above the table and in each row, in en and zh-TW", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await session.find('li[data-step="inviteUsers"] button');

      // Step 2: SIA Setup signs in to the Salesforce stand-in as ME, in the browser.
      await openStep(session, "connectSalesforce");
      await signInFromStep2(session, ME);

      // Step 5: the admin pastes who was invited (from the vendor's UI) and checks.
      await openStep(session, "inviteUsers");
      await session.execute(
        `const el = document.querySelector("[data-testid=activation-extra]");
         el.value = arguments[0];
         el.dispatchEvent(new Event("input", { bubbles: true }));
         return true;`,
        [[ME, ...OTHERS, NOBODY].join("\n")],
      );
      const summary = await checkTracker(session);
      assert.equal(summary, "1 of 5 activated · 3 cannot be seen · 0 waiting · 1 blocked");
      assert.equal(
        (await session.find("[data-testid=activation-not-visible]").then((e) => e.text())).trim(),
        en.activation.notVisibleNotice,
      );
      assert.deepEqual(await trackerGroups(session), {
        [ME]: "activated",
        ...Object.fromEntries(OTHERS.map((e) => [e, "notVisible"])),
        [NOBODY]: "blocked",
      });
      assert.deepEqual(await cells(session, OTHERS[0]), [
        en.activation.state.notVisible,
        en.activation.todo.notVisible,
      ]);
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (tracker)");
      // The summary at the top: the notice and the rows below it in one view.
      await session.execute(
        `document.querySelector("[data-testid=activation-summary]").scrollIntoView(); return true;`,
      );
      await save(session, "activation-unseen-en.png");

      // Traditional Chinese: the same read, in the admin's language.
      await session.execute(`document.querySelector("main nav .link-button").click(); return true;`);
      await (await session.find('button[data-lang="zh-TW"]')).click();
      const zhLine = zh.activation.dashboardLineNotVisible
        .replace("{total}", "5")
        .replace("{activated}", "1")
        .replace("{notVisible}", "3")
        .split("{age}")[0];
      const line = await session.waitFor(
        `const t = document.querySelector('li[data-step="inviteUsers"] [data-testid=step-detail]')?.textContent;
         return t && t.startsWith(arguments[0]) ? t : null;`,
        [zhLine],
        { what: "step 5's line in zh-TW" },
      );
      assert.match(line, /^5 人中 1 人已啟用 · 3 人無法查看 · 檢查於/);
      await session.execute(
        `document.querySelector('li[data-step="inviteUsers"]').scrollIntoView({ block: "center" }); return true;`,
      );
      await save(session, "activation-unseen-dashboard-zh-TW.png");

      await openStep(session, "inviteUsers");
      await session.execute(
        `const el = document.querySelector("[data-testid=activation-extra]");
         el.value = arguments[0];
         el.dispatchEvent(new Event("input", { bubbles: true }));
         return true;`,
        [[ME, ...OTHERS, NOBODY].join("\n")],
      );
      const zhSummary = await checkTracker(session);
      assert.equal(zhSummary, "5 人中 1 人已啟用 · 3 人無法查看 · 0 人等待中 · 1 人受阻");
      assert.equal(
        (await session.find("[data-testid=activation-not-visible]").then((e) => e.text())).trim(),
        zh.activation.notVisibleNotice,
      );
      assert.deepEqual(await cells(session, OTHERS[1]), [
        zh.activation.state.notVisible,
        zh.activation.todo.notVisible,
      ]);
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (tracker, zh-TW)");
      // The summary at the top: the notice and the rows below it in one view.
      await session.execute(
        `document.querySelector("[data-testid=activation-summary]").scrollIntoView(); return true;`,
      );
      await save(session, "activation-unseen-zh-TW.png");
    } finally {
      await session.close();
    }
  });
});
