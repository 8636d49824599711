// What several real-window tests do the same way: open a step from the dashboard, and sign in
// to the Salesforce stand-in as a person would in the browser.
import assert from "node:assert/strict";
import { clickUntil } from "./webdriver.mjs";

/**
 * Goes back to the dashboard if needed, then opens `step` from its card and waits for the step's
 * own screen. As a person would, it clicks again when the dashboard's redraw (its background
 * checks landing) moved the card from under the pointer and the click opened nothing, or another
 * step.
 */
export async function openStep(session, step, { attempts = 3 } = {}) {
  const isOpen = `return document.querySelector("h1[data-step-view]")?.dataset.stepView === arguments[0] || null;`;
  for (let attempt = 1; ; attempt++) {
    await session.waitFor(
      `const back = document.querySelector("main nav .link-button");
       if (back) { back.click(); return null; }
       return document.querySelector('li[data-step="' + arguments[0] + '"] button') ? true : null;`,
      [step],
      { what: `the card of ${step}` },
    );
    await (await session.find(`li[data-step="${step}"] button`)).click();
    const open = await session.waitFor(isOpen, [step], { what: `step ${step}'s screen`, timeout: 5000 }).catch(() => null);
    if (open) return;
    assert.ok(attempt < attempts, `step ${step}'s screen did not open after ${attempts} clicks`);
  }
}

/** On step 5's screen: opens the invite form (see `clickUntil`). */
export function openInviteForm(session) {
  return clickUntil(
    session,
    "[data-testid=open-invite]",
    `return document.getElementById("invite-list") ? true : null;`,
    { what: "the invite form" },
  );
}

// The demo stand-in's public, local-only token (sia_sandbox::DEMO_ACTIONS_TOKEN), not a credential.
const DEMO_TOKEN = "sia-sandbox-actions-demo-token";

/** Clicks the enabled button whose text is exactly `text`, once there is one. */
export const clickByText = (session, text) =>
  session.waitFor(
    `const b = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === arguments[0] && !b.disabled);
     if (!b) return null; b.click(); return true;`,
    [text],
    { what: `a button reading "${text}"` },
  );

/** A request to the demo's Actions admin API, as the test's own hand (not the app's). */
export function demoActionsRequest(url, method, route, body) {
  return fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${DEMO_TOKEN}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
}

/** As `demoActionsRequest`, failing the test on an error answer; returns the JSON. */
export async function demoActions(url, method, route, body) {
  const response = await demoActionsRequest(url, method, route, body);
  assert.ok(response.ok, `${method} ${route}: ${response.status}`);
  return response.json();
}

/**
 * On step 2's screen: signs SIA Setup in to the Salesforce stand-in as a person would (the
 * window's Sign in, then the browser's part as `as`, or the user the login form offers).
 */
export async function signInFromStep2(session, as = null) {
  await (await session.find('[data-testid="salesforce-connect"] button[type="submit"]')).click();
  const authorizeUrl = await session.waitFor(
    `return document.querySelector("#sf-authorize-url")?.value || null;`,
    [],
    { what: "the sign-in link" },
  );
  assert.equal((await signInAndAllow(authorizeUrl, as)).status, 200);
  await session.waitFor(
    `return document.querySelector('[data-testid="salesforce-connected"]') ? true : null;`,
    [],
    { what: "the sign-in to finish", timeout: 20000 },
  );
}

/** On step 5's screen: clicks "Check in Salesforce" and waits for a summary other than `previous`. */
export async function checkTracker(session, previous = null) {
  await (await session.find("[data-testid=activation-check]")).click();
  return session.waitFor(
    `const s = document.querySelector("[data-testid=activation-summary]")?.textContent;
     return s && s !== arguments[0] ? s : null;`,
    [previous],
    { what: "the tracker's summary", timeout: 30000 },
  );
}

/** `{email: group}` of the tracker's table. */
export const trackerGroups = (session) =>
  session.execute(
    `return Object.fromEntries([...document.querySelectorAll("[data-testid=activation-table] tbody tr")]
       .map((r) => [r.cells[0].textContent.trim(), r.dataset.group]));`,
  );

/**
 * What a person does in the browser: read the login form, type a password, click Allow. As the
 * user the form offers, or as `as` (another user of the demo org typed in its place).
 */
export async function signInAndAllow(authorizeUrl, as = null) {
  const page = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(m[1], m[2].replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
  }
  const username = page.match(/name="username" value="([^"]*)"/)?.[1];
  assert.ok(username, "the login page offers a user");
  form.set("username", as ?? username);
  form.set("password", "demo-password");
  form.set("decision", "allow");
  const action = new URL("/services/oauth2/authorize", authorizeUrl);
  // Follows the redirect to the app's loopback callback, then its 303 to the result page.
  const result = await fetch(action, { method: "POST", body: form, redirect: "follow" });
  return { status: result.status, url: result.url, body: await result.text() };
}
