// The real-product setup without a mouse: step 7 (guided in Salesforce, confirmed by the admin)
// done end to end with keys only — Alt+7 to open it, Tab to move, Space to tick, typing the key,
// Enter to confirm, Esc back — against no demo at all. Nothing here clicks an element; the page
// is only read, to know where the focus is and what the screen says.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { KEY, Session, startDriver } from "./webdriver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const en = loadCatalogue("en");
mkdirSync(screenshots, { recursive: true });

const save = async (session, name) =>
  writeFileSync(path.join(screenshots, name), await session.screenshot());

const heading = (session, text) =>
  session.waitFor(
    `const h = document.querySelector("h1"); return h && h.textContent.trim() === arguments[0] ? true : null;`,
    [text],
    { what: `h1 to read ${text}`, timeout: 15000 },
  );

/** Presses Tab until the focused element matches `css` (at most `max` times). */
async function tabTo(session, css, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await session.execute(`return document.activeElement?.matches(arguments[0]) ?? false;`, [css])) return;
    await session.keys(KEY.Tab);
  }
  throw new Error(`Tab never reached ${css}`);
}

describe("the keyboard alone", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-keys-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, SIA_DEMO: "0", LANG: "en_US.UTF-8", LC_ALL: "en_US.UTF-8", BROWSER: "true" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("does step 7 of the real product from Alt+7 to Esc, and the dashboard shows it done", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await heading(session, en.dashboard.heading);
      assert.equal(
        await session.execute(`return document.querySelector("[data-testid=mode-badge]").dataset.mode;`),
        "real-guided",
        "the real product, no demo",
      );

      // Alt+7 opens step 7 and puts the focus on its heading (read out by a screen reader).
      await session.keys([KEY.Alt, "7"]);
      await heading(session, en.step.configureSalesforce.title);
      await session.waitFor(`return document.activeElement?.id === "view-heading" || null;`, [], {
        what: "the focus on the step's heading",
      });

      // The checklist: Space ticks "Enable MSI Actions", the key is typed and checked, Space ticks
      // "entered".
      await tabTo(session, "[data-testid=msi-config] input[type=checkbox]");
      await session.keys(KEY.Space);
      await tabTo(session, "#msi-api-key");
      await session.keys("Kb7Q2mZx9Lp4");
      await session.waitFor(
        `return document.querySelector("[data-testid=api-key-result]")?.textContent.includes(arguments[0]) || null;`,
        [en.msiConfig.keyFine],
        { what: "the key to be checked fine" },
      );
      await tabTo(session, "[data-testid=msi-config] label.checkbox:last-of-type input");
      await session.keys(KEY.Space);
      await session.waitFor(
        `return document.querySelector("[data-testid=msi-config] [role=status]")?.textContent.trim() === arguments[0] || null;`,
        [en.msiConfig.allTicked],
        { what: "both settings ticked" },
      );

      // Enter on "I have done this step".
      await tabTo(session, ".status-card .button-primary");
      await session.keys(KEY.Enter);
      await session.waitFor(
        `return document.querySelector(".status-card [data-state]")?.dataset.state === "done" || null;`,
        [],
        { what: "step 7 to show done" },
      );
      await save(session, "keyboard-step7-en.png");

      // Esc from the step (not from a field) goes back to the dashboard, focus on its heading.
      await tabTo(session, ".status-card button");
      await session.keys(KEY.Escape);
      await heading(session, en.dashboard.heading);
      const card = await session.execute(
        `const li = document.querySelector('li[data-step="configureSalesforce"]');
         return { state: li.querySelector("[data-state]").dataset.state, kbd: li.querySelector("kbd").textContent };`,
      );
      assert.deepEqual(card, { state: "done", kbd: "Alt+7" });
      assert.equal(await session.execute(`return document.activeElement?.id;`), "view-heading");
      await save(session, "keyboard-dashboard-en.png");
    } finally {
      await session.close();
    }
  });
});
