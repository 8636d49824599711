// Step 5's spreadsheet import in the real window, in zh-TW: a Big5 export with a
// title line and totals goes in through the same open command Browse uses (the
// drop handler calls the same open routine; WebDriver cannot synthesise a
// native file drop), then mapping → preview → confirmation, with axe-core.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver } from "./webdriver.mjs";
import { clickByText, openStep } from "./steps.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../..");
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const zh = loadCatalogue("zh-TW");
const file = path.join(root, "crates/csv-import/tests/corpus/big5_zh_tw.csv");
mkdirSync(screenshots, { recursive: true });

describe("importing a spreadsheet in the real window", () => {
  let driver;
  let dataDir;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-import-"));
    driver = await startDriver({
      env: { SIA_DATA_DIR: dataDir, SIA_DEMO: "1", LANG: "zh_TW.UTF-8", LC_ALL: "zh_TW.UTF-8" },
    });
  });

  after(async () => {
    await driver?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("walks a Big5 export from open to confirmation", async () => {
    const session = await Session.create(driver.url, app);
    try {
      await openStep(session, "inviteUsers");
      // The same command the Browse button sends with the chosen path.
      await session.setTimeouts(30000);
      const opened = await session.executeAsync(
        `const done = arguments[arguments.length - 1];
         window.__TAURI_INTERNALS__.invoke("import_open", { path: arguments[0] })
           .then((s) => done(JSON.stringify(s)), (e) => done(JSON.stringify({ error: e })));`,
        [file],
      );
      const summary = JSON.parse(opened);
      assert.equal(summary.error, undefined, JSON.stringify(summary.error));
      assert.equal(summary.encoding?.name, "Big5", JSON.stringify(summary.encoding));

      await clickByText(session, zh.import.open);
      // Mapping first unless every header matched exactly.
      const stage = await session.waitFor(
        `return document.querySelector("[data-testid=import-counts]") ? "preview-or-mapping" : null;`,
        [],
        { what: "the import screen with counts" },
      );
      assert.ok(stage);
      const confirmMapping = await session.execute(
        `return [...document.querySelectorAll("button")].some((b) => b.textContent.trim() === arguments[0]);`,
        [zh.import.mapping.confirm],
      );
      if (confirmMapping) await clickByText(session, zh.import.mapping.confirm);
      await session.waitFor(`return document.querySelector("[data-testid=page-range]")?.textContent || null;`, [], {
        what: "the preview grid",
      });
      const counts = await (await session.find("[data-testid=import-counts]")).text();
      assert.match(counts, /\d/);
      assert.deepEqual(await seriousViolations(session), [], "no serious or critical violations (preview)");
      writeFileSync(path.join(screenshots, "import-preview-zh-TW.png"), await session.screenshot());

      await clickByText(session, zh.import.preview.continue);
      const confirmation = await session.waitFor(
        `return document.querySelector("[data-testid=confirmation]")?.textContent || null;`,
        [],
        { what: "the confirmation" },
      );
      assert.match(confirmation, /\d/);
      writeFileSync(path.join(screenshots, "import-confirm-zh-TW.png"), await session.screenshot());
    } finally {
      await session.close();
    }
  });
});
