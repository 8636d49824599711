// Step 2 in the real window against the demo's Salesforce stand-in: the app
// listens on loopback, a headless "browser" (fetch) signs in and allows, the
// window shows who is connected; then step 6 checks the package in that org.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Session, startDriver } from "./webdriver.mjs";
import { openStep, signInAndAllow } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
mkdirSync(screenshots, { recursive: true });

describe("signing in to Salesforce in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-sf-"));
    driver = await startDriver({
      env: {
        SIA_DATA_DIR: dataDir,
        SIA_DEMO: "1",
        LANG: "en_US.UTF-8",
        LC_ALL: "en_US.UTF-8",
        // No browser may open in CI: the test is the browser.
        BROWSER: "true",
      },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("connects through the loopback listener, stores the token, and checks step 6", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await openStep(session, "connectSalesforce");
      const connect = await session.find('[data-testid="salesforce-connect"] button[type="submit"]');
      await connect.click();
      const link = await session.find("#sf-authorize-url");
      const authorizeUrl = await session.waitFor(
        `return document.querySelector("#sf-authorize-url")?.value || null;`,
        [],
        { what: "the sign-in link" },
      );
      assert.ok(link);
      assert.match(authorizeUrl, /code_challenge_method=S256/);
      assert.doesNotMatch(authorizeUrl, /client_secret/);

      const result = await signInAndAllow(authorizeUrl);
      assert.equal(result.status, 200);
      assert.match(result.url, /^http:\/\/(127\.0\.0\.1|localhost):\d+\//, "landed on the app's result page");
      assert.doesNotMatch(result.url, /code=/, "the code left the address bar (303)");
      assert.match(result.body, /Connected|已連線/);

      const connected = await session.waitFor(
        `return document.querySelector('[data-testid="salesforce-connected"]')?.textContent || null;`,
        [],
        { what: "the window to show the connection", timeout: 20000 },
      );
      assert.match(connected, /Signed in as/);
      writeFileSync(path.join(screenshots, "step-connectSalesforce-en.png"), await session.screenshot());

      // Step 2 is now checked done on the dashboard; step 6 reads the package from the org.
      await (await session.find(".link-button")).click();
      await session.waitFor(
        `return document.querySelector('li[data-step="connectSalesforce"] [data-state]')?.dataset.state === "done";`,
        [],
        { what: "step 2 to be done" },
      );
      await openStep(session, "installPackage");
      // Opening the step checks it in the background; the admin's own check follows that one.
      await session.waitFor(
        `return document.querySelector("[data-testid=evidence]")?.dataset.kind === "msiPackage" || null;`,
        [],
        { what: "step 6's own check as it opens", timeout: 40000 },
      );
      await (await session.find('[data-testid="salesforce-checks"] .button-primary')).click();
      const pkg = await session.waitFor(
        `return document.querySelector("[data-package]")?.dataset.package || null;`,
        [],
        { what: "the package check", timeout: 40000 },
      );
      assert.ok(["installed", "missing", "outdated"].includes(pkg), pkg);
      writeFileSync(path.join(screenshots, "step-installPackage-en.png"), await session.screenshot());
    } finally {
      await session.close();
    }
  });

  it("keeps the connection after a restart: the token is in the keychain, not in a file", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await (await session.find('[data-testid="open-settings"]')).click();
      const row = await session.waitFor(
        `return document.querySelector('tr[data-credential="salesforce"]')?.textContent || null;`,
        [],
        { what: "the stored Salesforce connection" },
      );
      assert.match(row, /Keychain/);
      writeFileSync(path.join(screenshots, "settings-en.png"), await session.screenshot());
      await (await session.find('button[data-lang="zh-TW"]')).click();
      const zh = await session.waitFor(
        `const r = document.querySelector('tr[data-credential="salesforce"]')?.textContent; return r && r.includes("鑰匙圈") ? r : null;`,
        [],
        { what: "the stored connection in zh-TW" },
      );
      assert.match(zh, /示範/);
      writeFileSync(path.join(screenshots, "settings-zh-TW.png"), await session.screenshot());
    } finally {
      await session.close();
    }
  });
});
