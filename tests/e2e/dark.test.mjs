// Dark mode in the real window: chosen in Settings, applied at once and again after a restart, no serious or critical axe violation on the dashboard, a step and Settings, in
// English and Traditional Chinese. Screenshots of each.
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
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const catalogue = { en: loadCatalogue("en"), "zh-TW": loadCatalogue("zh-TW") };
mkdirSync(screenshots, { recursive: true });

const save = async (session, name) =>
  writeFileSync(path.join(screenshots, name), await session.screenshot());

const click = (session, css) =>
  session.waitFor(
    `const b = document.querySelector(arguments[0]); if (!b || b.disabled) return null; b.click(); return true;`,
    [css],
    { what: css, timeout: 20000 },
  );

const heading = (session, text) =>
  session.waitFor(
    `const h = document.querySelector("h1"); return h && h.textContent.trim() === arguments[0] ? true : null;`,
    [text],
    { what: `h1 to read ${text}`, timeout: 15000 },
  );

/** The page's own background and text colours, as the webview paints them. */
const colours = (session) =>
  session.execute(`
    const root = getComputedStyle(document.documentElement);
    return { theme: document.documentElement.dataset.theme ?? null, bg: root.backgroundColor, text: root.color };`);

async function noSerious(session, where) {
  assert.deepEqual(await seriousViolations(session), [], `no serious or critical violations (${where})`);
}

describe("dark mode", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-dark-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8", BROWSER: "true" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("is chosen in Settings and passes axe on the dashboard, a step and Settings, en and zh-TW", async () => {
    const session = await Session.create(driver.url, app);
    try {
      const en = catalogue.en;
      await heading(session, en.dashboard.heading);
      assert.equal((await colours(session)).bg, "rgb(244, 245, 247)", "light until chosen (Xvfb has no dark OS)");

      await click(session, "[data-testid=open-settings]");
      await heading(session, en.settings.heading);
      await click(session, 'input[name="theme"][value="dark"]');
      const dark = await colours(session);
      assert.deepEqual(dark, { theme: "dark", bg: "rgb(18, 20, 23)", text: "rgb(232, 234, 237)" });

      for (const lang of ["en", "zh-TW"]) {
        const c = catalogue[lang];
        if (lang === "zh-TW") {
          await click(session, 'button[data-lang="zh-TW"]');
          await heading(session, c.settings.heading);
        }
        await noSerious(session, `Settings, ${lang}`);
        await save(session, `dark-settings-${lang}.png`);

        await openStep(session, "connectMarketo");
        await heading(session, c.step.connectMarketo.title);
        await noSerious(session, `step 3, ${lang}`);
        await save(session, `dark-step3-${lang}.png`);

        await openStep(session, "configureSalesforce");
        await heading(session, c.step.configureSalesforce.title);
        await noSerious(session, `step 7, ${lang}`);

        await click(session, "main nav .link-button");
        await heading(session, c.dashboard.heading);
        await noSerious(session, `dashboard, ${lang}`);
        await save(session, `dark-dashboard-${lang}.png`);
        await click(session, "[data-testid=open-settings]");
        await heading(session, c.settings.heading);
      }
    } finally {
      await session.close();
    }
  });

  it("stays dark after a restart, the webview holding its own copy for the first paint", async () => {
    const session = await Session.create(driver.url, app);
    try {
      const first = await session.waitFor(
        `return document.documentElement.dataset.theme ? { theme: document.documentElement.dataset.theme, copy: localStorage.getItem("sia-setup.theme") } : null;`,
      );
      assert.deepEqual(first, { theme: "dark", copy: "dark" });
      await heading(session, catalogue["zh-TW"].dashboard.heading);
      assert.equal((await colours(session)).bg, "rgb(18, 20, 23)");
    } finally {
      await session.close();
    }
  });
});
