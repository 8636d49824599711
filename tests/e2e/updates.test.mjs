// Updates in the real window, against a local update feed. Node makes a throwaway minisign key
// pair (Ed25519, the format the updater's `minisign-verify` reads), serves `latest.json` and a
// bundle from a local HTTP server that records every request, and starts the app (a debug build:
// only those read SIA_UPDATE_FEED / SIA_UPDATE_PUBKEY) with that feed and the throwaway public
// key. It checks that nothing reaches the feed until the admin clicks, that "Check for updates"
// reads the feed only and shows the offer, that a bundle signed by another key or changed after
// signing is refused with the bad-signature message and the app on disk unchanged, that a second
// install while one runs is refused, and that a correctly signed bundle passes the signature
// check, after which this bare debug binary says it cannot replace itself. Screenshots of the
// Settings updates section, light theme, en and zh-TW.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { loadCatalogue } from "./catalogue.mjs";
import { seriousViolations } from "./axe.mjs";
import { Session, startDriver } from "./webdriver.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const app = process.env.SIA_APP_BINARY;
const screenshots = process.env.SIA_SCREENSHOT_DIR ?? path.join(here, "screenshots");
const catalogue = { en: loadCatalogue("en"), "zh-TW": loadCatalogue("zh-TW") };
mkdirSync(screenshots, { recursive: true });

// ----- minisign, as `tauri signer` writes it -----

/** A minisign key pair: Ed25519 plus an 8-byte key id that signatures name. */
function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  return { id: randomBytes(8), raw, privateKey };
}

/** The `pubkey` config value: base64 of the whole public key file. */
function publicKeyConfig(key) {
  const idHex = Buffer.from(key.id).reverse().toString("hex").toUpperCase();
  const file =
    `untrusted comment: minisign public key: ${idHex}\n` +
    Buffer.concat([Buffer.from("Ed"), key.id, key.raw]).toString("base64") +
    "\n";
  return Buffer.from(file).toString("base64");
}

/**
 * The feed's `signature` value: base64 of the whole `.sig` file. "ED" is minisign's pre-hashed
 * mode (Ed25519 over BLAKE2b-512 of the file), what the Tauri CLI writes; the global signature
 * covers the signature and the trusted comment, which binds the version as the CLI's
 * `--app-version` does (the updater compares it with the feed's version).
 */
function signatureConfig(key, data, { file, version }) {
  const digest = createHash("blake2b512").update(data).digest();
  const signature = sign(null, digest, key.privateKey);
  const trusted = `timestamp:${Math.floor(Date.now() / 1000)}\tfile:${file}\tversion:${version}`;
  const global = sign(null, Buffer.concat([signature, Buffer.from(trusted)]), key.privateKey);
  const text =
    "untrusted comment: signature from tauri secret key\n" +
    Buffer.concat([Buffer.from("ED"), key.id, signature]).toString("base64") +
    `\ntrusted comment: ${trusted}\n` +
    global.toString("base64") +
    "\n";
  return Buffer.from(text).toString("base64");
}

// ----- the update server -----

/** Serves `/latest.json` and `/bundle` from `state`, recording every request. */
async function updateServer(state) {
  const requests = [];
  const server = http.createServer(async (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === "/latest.json") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(state.feed(port)));
    } else if (req.url === "/bundle") {
      if (state.bundleDelayMs) await sleep(state.bundleDelayMs);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": state.bundle.length });
      res.end(state.bundle);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  return { port, requests, close: () => new Promise((resolve) => server.close(resolve)) };
}

const NEW_VERSION = "0.2.0";
const NOTES = "Faster invites.\nThe activation tracker reads 10,000 people in one go.";

/** A static feed, as tauri-action's `latest.json`: the bare binary looks up `linux-x86_64`. */
function feed(port, signature) {
  const platform = { signature, url: `http://127.0.0.1:${port}/bundle` };
  return {
    version: NEW_VERSION,
    notes: NOTES,
    pub_date: "2026-12-01T09:30:00Z",
    platforms: { "linux-x86_64": platform, "linux-x86_64-appimage": platform },
  };
}

// ----- the window -----

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
    { what: `h1 to read ${text}`, timeout: 20000 },
  );

/** The text of `css` once it is on screen. */
const textOf = (session, css, timeout = 20000) =>
  session.waitFor(`const e = document.querySelector(arguments[0]); return e ? e.textContent.trim() : null;`, [css], {
    what: css,
    timeout,
  });

/** The error banner of the updates section (beside its buttons): its text. */
const banner = (session, code) =>
  session.waitFor(
    `const e = document.querySelector('[data-testid=updates] [role=alert][data-error-code="' + arguments[0] + '"]');
     return e ? e.querySelector("p").textContent.trim() : null;`,
    [code],
    { what: `the ${code} banner`, timeout: 30000 },
  );

const dismissBanner = (session) =>
  session.execute(`document.querySelector("[data-testid=updates] .error-banner button").click(); return true;`);

/** Scrolls the updates section into the middle of the window and captures it. */
async function shoot(session, name) {
  await session.execute(`document.querySelector("[data-testid=updates]").scrollIntoView({ block: "center" }); return true;`);
  writeFileSync(path.join(screenshots, name), await session.screenshot());
}

const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

/** Fills `{name}` placeholders as the UI's `t` does. */
const fill = (template, params) => template.replace(/\{(\w+)\}/g, (all, name) => params[name] ?? all);

describe("updates", () => {
  let driver;
  let server;
  let dataDir;
  const trusted = keyPair();
  const stranger = keyPair();
  // An AppImage is an ELF file; this stands in for one (never run: the bare binary cannot install).
  const bundle = Buffer.concat([Buffer.from("\x7fELF"), randomBytes(200_000)]);
  const state = { feed: () => ({}), bundle, bundleDelayMs: 0 };
  const signedBy = (key, data = bundle) =>
    signatureConfig(key, data, { file: "SIA Setup_0.2.0_amd64.AppImage", version: NEW_VERSION });

  before(async () => {
    server = await updateServer(state);
    dataDir = mkdtempSync(path.join(tmpdir(), "sia-e2e-updates-"));
    driver = await startDriver({
      env: {
        SIA_DATA_DIR: dataDir,
        SIA_DEMO: "1",
        LANG: "en_US.UTF-8",
        LC_ALL: "en_US.UTF-8",
        BROWSER: "true",
        SIA_UPDATE_FEED: `http://127.0.0.1:${server.port}/latest.json`,
        SIA_UPDATE_PUBKEY: publicKeyConfig(trusted),
      },
    });
  });

  after(async () => {
    await driver?.stop();
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("offers an update only when asked, refuses a bad signature, and never installs on its own", async () => {
    const en = catalogue.en;
    const binaryBefore = sha256(app);
    const session = await Session.create(driver.url, app);
    try {
      // (a) Starting and opening Settings reaches nothing.
      await heading(session, en.dashboard.heading);
      await click(session, "[data-testid=open-settings]");
      await heading(session, en.settings.heading);
      assert.equal(await textOf(session, "[data-testid=update-version]"), "SIA Setup 0.1.0");
      await sleep(2000);
      assert.deepEqual(server.requests, [], "nothing was checked before the admin clicked");

      // The latest version already: said so, with the time of the check.
      state.feed = () => ({ ...feed(server.port, signedBy(trusted)), version: "0.1.0" });
      await click(session, "[data-testid=update-check]");
      assert.equal(await textOf(session, "[data-testid=update-latest]"), en.updates.latest);
      assert.deepEqual(server.requests, ["GET /latest.json"]);
      await shoot(session, "updates-latest-en.png");

      // (b) A newer version, signed by another key: the offer shows, only the feed was read.
      server.requests.length = 0;
      state.feed = (port) => feed(port, signedBy(stranger));
      await click(session, "[data-testid=update-check]");
      const offer = await textOf(session, "[data-testid=update-offer]");
      assert.ok(offer.includes(fill(en.updates.available, { version: NEW_VERSION })), offer);
      // The notes as the feed wrote them, their line breaks kept on screen.
      assert.deepEqual(
        await session.execute(
          `const n = document.querySelector("[data-testid=update-notes]");
           return [n.textContent, getComputedStyle(n).whiteSpace];`,
        ),
        [NOTES, "pre-line"],
      );
      assert.ok(offer.includes(fill(en.updates.notSelfInstall, { version: NEW_VERSION })), "a bare binary says so first");
      assert.deepEqual(server.requests, ["GET /latest.json"], "checking downloads nothing");
      await shoot(session, "updates-offer-en.png");

      // (c) "Download and install": downloaded, refused, nothing installed.
      await click(session, "[data-testid=update-install]");
      const refused = await banner(session, "update_bad_signature");
      assert.equal(refused, en.errors.update_bad_signature);
      assert.deepEqual(server.requests, ["GET /latest.json", "GET /bundle"]);
      assert.equal(sha256(app), binaryBefore, "the app on disk is unchanged");
      assert.equal(
        await session.execute(`return document.querySelector("[data-testid=update-installed]") === null;`),
        true,
      );
      await shoot(session, "updates-bad-signature-en.png");
      assert.deepEqual(await seriousViolations(session), [], "the offer and its error pass axe");
      await dismissBanner(session);

      // Signed by the right key, but the file was changed after signing: refused too.
      server.requests.length = 0;
      state.feed = (port) => feed(port, signedBy(trusted));
      state.bundle = Buffer.concat([bundle.subarray(0, 1000), Buffer.from("tampered"), bundle.subarray(1008)]);
      await click(session, "[data-testid=update-check]");
      await textOf(session, "[data-testid=update-offer]");
      await click(session, "[data-testid=update-install]");
      assert.equal(await banner(session, "update_bad_signature"), en.errors.update_bad_signature);
      assert.deepEqual(server.requests, ["GET /latest.json", "GET /bundle"]);
      assert.equal(sha256(app), binaryBefore);
      await dismissBanner(session);

      // (d) The right file: the signature check passes; this bare debug binary cannot replace
      // itself and says so. A second install while the first runs is refused.
      server.requests.length = 0;
      state.bundle = bundle;
      state.bundleDelayMs = 1500;
      const both = JSON.parse(
        await session.executeAsync(
          `const done = arguments[arguments.length - 1];
           const call = (c) => window.__TAURI_INTERNALS__.invoke(c).then((ok) => ({ ok }), (error) => ({ error }));
           const first = call("update_install");
           setTimeout(() => Promise.all([first, call("update_install")]).then((r) => done(JSON.stringify(r))), 300);`,
        ),
      );
      assert.equal(both[1].error?.code, "update_busy", JSON.stringify(both));
      assert.equal(both[0].error?.code, "update_not_installable", JSON.stringify(both));
      assert.equal(both[0].error?.params?.version, NEW_VERSION);
      assert.deepEqual(server.requests, ["GET /bundle"], "one download, for the one install");
      state.bundleDelayMs = 0;

      // The same through the button: the message on screen.
      await click(session, "[data-testid=update-install]");
      const notInstallable = await banner(session, "update_not_installable");
      assert.equal(notInstallable, fill(en.errors.update_not_installable, { version: NEW_VERSION }));
      assert.equal(sha256(app), binaryBefore, "a bare binary is never overwritten");
      await shoot(session, "updates-not-installable-en.png");
      await dismissBanner(session);

      // zh-TW: the offer, in Traditional Chinese.
      const zh = catalogue["zh-TW"];
      await click(session, 'button[data-lang="zh-TW"]');
      await heading(session, zh.settings.heading);
      const zhOffer = await textOf(session, "[data-testid=update-offer]");
      assert.ok(zhOffer.includes(fill(zh.updates.available, { version: NEW_VERSION })), zhOffer);
      assert.equal(await textOf(session, "[data-testid=update-check]"), zh.updates.check);
      await shoot(session, "updates-offer-zh-TW.png");
      await click(session, 'button[data-lang="en"]');
      await heading(session, en.settings.heading);

      // Nothing reached the feed or the bundle except on a click.
      assert.ok(server.requests.every((r) => r === "GET /bundle"), server.requests.join(", "));
    } finally {
      await session.close();
    }
    assert.equal(sha256(app), binaryBefore);
  });
});
