// The real app in a real window: the dashboard in both languages, the language
// switch, progress kept between runs, and no serious accessibility violation.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver } from "./webdriver.mjs";
import { openStep } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const catalogue = { en: loadCatalogue("en"), "zh-TW": loadCatalogue("zh-TW") };
const stepIds = Object.keys(catalogue.en.step);

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

async function stepCards(session) {
  return session.execute(`
    return [...document.querySelectorAll("li[data-step]")].map((li) => ({
      step: li.dataset.step,
      title: li.querySelector(".step-title").textContent.replace(/\\s+/g, " ").trim(),
      role: li.querySelector(".step-role").textContent.trim(),
      state: li.querySelector("[data-state]").dataset.state,
    }));`);
}

function assertSevenSteps(cards, lang) {
  assert.equal(cards.length, 7, "seven steps");
  assert.deepEqual(cards.map((c) => c.step), stepIds);
  cards.forEach((card, i) => {
    const title = catalogue[lang].step[card.step].title;
    assert.ok(card.title.endsWith(title), `step ${i + 1} reads "${title}" in ${lang}, got "${card.title}"`);
    assert.ok(Object.values(catalogue[lang].role).includes(card.role), `role of step ${i + 1} in ${lang}`);
  });
}

describe("the app in a real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens on the dashboard in English, switches to zh-TW, and passes axe in both", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.waitFor(...headingIs(catalogue.en.dashboard.heading));
      assert.equal(await session.execute(`return document.documentElement.lang`), "en");
      assertSevenSteps(await stepCards(session), "en");
      const badge = await session.find("[data-testid=mode-badge]");
      assert.equal(await badge.text(), catalogue.en.mode.demo);
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (en)");
      await save(session, "dashboard-en.png");

      await (await session.find('button[data-lang="zh-TW"]')).click();
      await session.waitFor(...headingIs(catalogue["zh-TW"].dashboard.heading));
      assert.equal(await session.execute(`return document.documentElement.lang`), "zh-TW");
      assertSevenSteps(await stepCards(session), "zh-TW");
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (zh-TW)");
      await save(session, "dashboard-zh-TW.png");

      // Into step 6 and back, by keyboard-reachable buttons; the confirmation is kept.
      await openStep(session, "installPackage");
      await session.waitFor(...headingIs(catalogue["zh-TW"].step.installPackage.title));
      await save(session, "step-installPackage-zh-TW.png");
      await (await session.find(".status-card .button-primary")).click();
      await session.waitFor(
        `return document.querySelector(".status-card [data-state]")?.dataset.state === "done";`,
        [],
        { what: "step 6 to show done" },
      );
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (step view)");
      await (await session.find(".link-button")).click();
      await session.waitFor(...headingIs(catalogue["zh-TW"].dashboard.heading));
    } finally {
      await session.close();
    }
  });

  it("keeps the language and the progress after a restart", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await session.waitFor(...headingIs(catalogue["zh-TW"].dashboard.heading));
      const cards = await stepCards(session);
      assert.equal(cards.find((c) => c.step === "installPackage").state, "done");
      assert.equal(cards.find((c) => c.step === "activateAccount").state, "notStarted");
      await (await session.find('button[data-lang="en"]')).click();
      await session.waitFor(...headingIs(catalogue.en.dashboard.heading));
      await save(session, "dashboard-en-progress.png");
    } finally {
      await session.close();
    }
  });
});

describe("the OS locale", () => {
  it("picks Traditional Chinese on a zh_TW system when the admin has not chosen", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-"));
    const driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, LANG: "zh_TW.UTF-8", LC_ALL: "zh_TW.UTF-8" },
    });
    try {
      const session = await Session.create(driver.url, app);
      try {
        await session.waitFor(...headingIs(catalogue["zh-TW"].dashboard.heading));
        assertSevenSteps(await stepCards(session), "zh-TW");
        const demo = await session.findAll("[data-testid=demo-badge]");
        assert.equal(demo.length, 0, "no demo label outside demo mode");
      } finally {
        await session.close();
      }
    } finally {
      await driver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
