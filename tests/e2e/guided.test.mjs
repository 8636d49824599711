// Real-product mode in the real window: no Actions admin API, every Actions step guided and
// checked where a real API sees it. Against the demo's stand-ins switched to "guided like the real
// product" (the demo plays the vendor UI's clicks), then with no demo at all (live): every screen
// leads somewhere and none shows an error. Screenshots in en and zh-TW.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver } from "./webdriver.mjs";
import { openStep, signInAndAllow } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
const zh = loadCatalogue("zh-TW");
mkdirSync(screenshots, { recursive: true });

const save = async (session, name) =>
  writeFileSync(path.join(screenshots, name), await session.screenshot());

const click = (session, css, what = css) =>
  session.waitFor(
    `const b = document.querySelector(arguments[0]); if (!b || b.disabled) return null; b.click(); return true;`,
    [css],
    { what, timeout: 20000 },
  );

/** The evidence line of the open step: its kind once it is `kind`. */
const evidenceOf = (session, kind, what) =>
  session.waitFor(
    `const e = document.querySelector("[data-testid=guided-evidence]");
     return e && e.dataset.kind === arguments[0] ? e.textContent : null;`,
    [kind],
    { what, timeout: 30000 },
  );

const noErrorBanner = async (session, where) =>
  assert.equal(
    await session.execute(`return [...document.querySelectorAll(".error-banner")].map((e) => e.dataset.errorCode).join(",")`),
    "",
    `no error banner on ${where}`,
  );

describe("real-product mode against the stand-ins (the guided demo)", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-guided-"));
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

  it("walks steps 1-4 and 6 guided, each with the evidence a real API gave", async () => {
    const session = await Session.create(driver.url, app);
    try {
      // Settings: run the demo the way the real product works.
      await click(session, "[data-testid=open-settings]");
      await click(session, 'input[name="demo-access"][value="guided"]');
      await session.waitFor(
        `return document.querySelector("[data-testid=mode-badge]")?.dataset.mode === "demo-guided" || null;`,
        [],
        { what: "the guided demo's badge" },
      );
      assert.equal(await (await session.find("[data-testid=mode-badge]")).text(), en.mode.demoGuided);

      // Step 1: the Integration Information's credentials get a Marketo token: activated.
      await openStep(session, "activateAccount");
      await noErrorBanner(session, "step 1");
      await click(session, "[data-testid=marketo-use-demo]");
      const token = await evidenceOf(session, "marketoToken", "step 1's evidence");
      assert.match(token, /Marketo/);
      await noErrorBanner(session, "step 1 after saving");
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (step 1)");
      await save(session, "guided-step1-en.png");

      // Step 2: SIA Setup signs in (which proves nothing yet), then Salesforce's OauthToken shows
      // that the admin's user authorised the Actions app.
      await openStep(session, "connectSalesforce");
      await noErrorBanner(session, "step 2");
      await click(session, '[data-testid="salesforce-connect"] button[type="submit"]');
      const authorizeUrl = await session.waitFor(
        `return document.querySelector("#sf-authorize-url")?.value || null;`,
        [],
        { what: "the sign-in link" },
      );
      assert.equal((await signInAndAllow(authorizeUrl)).status, 200);
      await session.waitFor(`return document.querySelector('[data-testid="salesforce-connected"]') ? true : null;`, [], {
        what: "the sign-in to finish",
        timeout: 20000,
      });
      await click(session, "[data-testid=actions-app-read]");
      const authorised = await evidenceOf(session, "salesforceAppAuthorized", "step 2's evidence");
      assert.match(authorised, /Sales Insight Actions/);
      await save(session, "guided-step2-en.png");

      // Steps 3 and 4: the admin connects Marketo in Actions and starts the sync (the demo plays
      // those clicks); Marketo's usage statistics then show the Actions user's calls.
      await openStep(session, "startSync");
      await noErrorBanner(session, "step 4");
      await click(session, "[data-testid=demo-play] button");
      await session.waitFor(
        `return document.querySelector("[data-testid=demo-play] [role=status]")?.textContent || null;`,
        [],
        { what: "the demo to start the sync", timeout: 30000 },
      );
      await openStep(session, "connectMarketo");
      await noErrorBanner(session, "step 3");
      let calls = null;
      for (let i = 0; i < 20 && !calls; i++) {
        await click(session, "[data-testid=marketo-usage-read]");
        calls = await session
          .waitFor(
            `const e = document.querySelector("[data-testid=guided-evidence]");
             return e && e.dataset.kind === "marketoApiCalls" && document.querySelector(".status-card [data-state]")?.dataset.state === "done" ? e.textContent : null;`,
            [],
            { what: "Actions' calls", timeout: 3000 },
          )
          .catch(() => null);
      }
      assert.ok(calls, "step 3 is checked by the Actions user's calls");
      assert.match(calls, /sales-insight-actions@/);
      await save(session, "guided-step3-en.png");

      await openStep(session, "startSync");
      await click(session, "[data-testid=sync-estimate-read]");
      const estimate = await evidenceOf(session, "syncEstimate", "step 4's estimate");
      assert.match(estimate, /Estimate/);
      await save(session, "guided-step4-en.png");

      // Step 6 keeps its Tooling check, now against MSI 1.8000.
      await openStep(session, "installPackage");
      await click(session, '[data-testid="salesforce-checks"] .button-primary');
      await session.waitFor(`return document.querySelector("[data-package]")?.dataset.package || null;`, [], {
        what: "the package check",
        timeout: 20000,
      });

      // The same screens in Traditional Chinese.
      await (await session.find('button[data-lang="zh-TW"]')).click();
      for (const [step, name] of [
        ["activateAccount", "guided-step1-zh-TW.png"],
        ["connectSalesforce", "guided-step2-zh-TW.png"],
        ["connectMarketo", "guided-step3-zh-TW.png"],
        ["startSync", "guided-step4-zh-TW.png"],
      ]) {
        await openStep(session, step);
        await session.waitFor(`return document.querySelector("#view-heading")?.textContent === arguments[0] || null;`, [
          zh.step[step].title,
        ]);
        await noErrorBanner(session, `${step} in zh-TW`);
        await save(session, name);
      }
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (zh-TW)");
      await click(session, "main nav .link-button");
      await session.waitFor(`return document.querySelector("[data-testid=mode-badge]")?.textContent === arguments[0] || null;`, [
        zh.mode.demoGuided,
      ]);
      await save(session, "guided-dashboard-zh-TW.png");
    } finally {
      await session.close();
    }
  });
});

describe("real-product mode with no demo (live)", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-live-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens every step on what to do in the vendor's UI, with no error and no Settings URL", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.waitFor(
        `return document.querySelector("[data-testid=mode-badge]")?.dataset.mode === "real-guided" || null;`,
        [],
        { what: "the real product's badge" },
      );
      assert.equal(await (await session.find("[data-testid=mode-badge]")).text(), en.mode.guided);
      await save(session, "live-dashboard-en.png");
      for (const step of ["activateAccount", "connectSalesforce", "connectMarketo", "startSync", "inviteUsers"]) {
        await openStep(session, step);
        // Give the step's own check (when it opens) the time to answer.
        await new Promise((r) => setTimeout(r, 700));
        await noErrorBanner(session, `${step} (live)`);
        const text = await session.execute(`return document.querySelector("main").textContent`);
        assert.doesNotMatch(text, /docs\/[\w-]+\.md/, `no repository path on ${step}`);
        assert.doesNotMatch(text, new RegExp(en.errors.actions_not_connected.slice(0, 40)), `no Settings URL on ${step}`);
        if (step !== "inviteUsers") assert.ok(await session.find("[data-testid=guided-do]"), `what to do on ${step}`);
      }
      await openStep(session, "activateAccount");
      await save(session, "live-step1-en.png");
      await openStep(session, "connectMarketo");
      await save(session, "live-step3-en.png");
      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(`return document.querySelector("#view-heading")?.textContent === arguments[0] || null;`, [
        zh.step.connectMarketo.title,
      ]);
      await noErrorBanner(session, "step 3 (live, zh-TW)");
      await save(session, "live-step3-zh-TW.png");
      await openStep(session, "activateAccount");
      await save(session, "live-step1-zh-TW.png");

      // The real product in the dark theme, as many admins run their desktop.
      await click(session, "[data-testid=open-settings]");
      await click(session, 'input[name="theme"][value="dark"]');
      await session.waitFor(`return document.documentElement.dataset.theme === "dark" || null;`, [], {
        what: "the dark theme",
      });
      await openStep(session, "connectMarketo");
      await noErrorBanner(session, "step 3 (live, dark, zh-TW)");
      assert.deepEqual(await seriousViolations(session), [], "axe: step 3 (live, dark, zh-TW)");
      await save(session, "live-dark-step3-zh-TW.png");
      await (await session.find('button[data-lang="en"]')).click();
      await openStep(session, "connectSalesforce");
      await noErrorBanner(session, "step 2 (live, dark, en)");
      assert.deepEqual(await seriousViolations(session), [], "axe: step 2 (live, dark, en)");
      await save(session, "live-dark-step2-en.png");
    } finally {
      await session.close();
    }
  });
});
