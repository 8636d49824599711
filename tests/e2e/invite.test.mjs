// Step 5's individual invites in the real window, in demo mode: the demo instance is activated
// (step 1, done over the stand-in's HTTP API as the admin would have done it), then two people
// are typed into the form, checked, confirmed and invited; the results screen shows both as
// invited and the stand-in's outbox has exactly one invitation each. Screenshots in en and zh-TW.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver, invoke } from "./webdriver.mjs";
import { clickByText, demoActions, openInviteForm, openStep } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
mkdirSync(screenshots, { recursive: true });

describe("inviting people through the form in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-invite-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("invites two people and shows the results in en and zh-TW", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.setTimeouts(30000);
      await session.find('li[data-step="inviteUsers"] button');
      const info = await invoke(session, "app_info");
      const url = info.demoServices?.actionsUrl;
      assert.ok(url, "the demo serves the Actions API");
      // Step 1 (activation) is not this screen's job: the admin did it already.
      await demoActions(url, "POST", "/api/v1/instance/activation", {
        admins: [{ email: "admin@example.com" }],
      });

      await openStep(session, "inviteUsers");
      await openInviteForm(session);
      await session.execute(
        `const el = document.getElementById("invite-list");
         el.value = arguments[0];
         el.dispatchEvent(new Event("input", { bubbles: true }));
         return true;`,
        ["Mei Lin <mei.lin@example.com>; raj@example.com\nnot-an-address"],
      );
      writeFileSync(path.join(screenshots, "invite-form-en.png"), await session.screenshot());
      await clickByText(session, en.invite.form.check);
      const will = await session.waitFor(
        `return document.querySelector("[data-testid=invite-will]")?.textContent || null;`,
        [],
        { what: "the confirmation" },
      );
      assert.match(will, /mei\.lin@example\.com/);
      assert.match(will, /raj@example\.com/);
      const willNot = await (await session.find("[data-testid=invite-will-not]")).text();
      assert.match(willNot, /not-an-address/);
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (confirmation)");
      writeFileSync(path.join(screenshots, "invite-confirm-en.png"), await session.screenshot());

      await clickByText(session, en.invite.confirm.send.replace("{count}", "2"));
      await session.waitFor(
        `return document.querySelector("[data-testid=invite-results] tbody tr") ? true : null;`,
        [],
        { what: "the results screen", timeout: 30000 },
      );
      const states = await session.execute(
        `return [...document.querySelectorAll("[data-testid=invite-results] tbody tr")].map((r) => r.dataset.state + ":" + r.cells[0].textContent);`,
      );
      assert.deepEqual(states.sort(), ["invited:mei.lin@example.com", "invited:raj@example.com"]);
      const summary = await (await session.find("[data-testid=invite-results-summary]")).text();
      assert.match(summary, /^2 invited/);
      assert.deepEqual(await seriousViolations(session), [], "no serious violations (results)");
      writeFileSync(path.join(screenshots, "invite-results-en.png"), await session.screenshot());

      const outbox = await demoActions(url, "GET", "/api/v1/demo/outbox");
      const list = Array.isArray(outbox) ? outbox : (outbox.invitations ?? outbox.outbox ?? []);
      const recipients = list.map((i) => i.recipient.toLowerCase()).filter((r) => r !== "admin@example.com");
      assert.deepEqual(recipients.sort(), ["mei.lin@example.com", "raj@example.com"]);

      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(
        `return document.getElementById("invite-results-heading")?.textContent === arguments[0] || null;`,
        [zh.invite.results.heading],
        { what: "the results in zh-TW" },
      );
      const zhStates = await session.execute(
        `return [...document.querySelectorAll("[data-testid=invite-results] tbody tr")].map((r) => r.cells[2].textContent);`,
      );
      assert.deepEqual(zhStates, [zh.invite.state.invited, zh.invite.state.invited]);
      writeFileSync(path.join(screenshots, "invite-results-zh-TW.png"), await session.screenshot());
      await clickByText(session, zh.invite.results.again);
      await session.find("#invite-list");
      writeFileSync(path.join(screenshots, "invite-form-zh-TW.png"), await session.screenshot());
    } finally {
      await session.close();
    }
  });
});
