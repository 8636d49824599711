// What several real-window tests do the same way: open a step from the dashboard, and sign in
// to the Salesforce stand-in as a person would in the browser.
import assert from "node:assert/strict";

/** Goes back to the dashboard if needed, then opens `step` from its card. */
export async function openStep(session, step) {
  await session.waitFor(
    `const back = document.querySelector("main nav .link-button");
     if (back) { back.click(); return null; }
     const b = document.querySelector('li[data-step="' + arguments[0] + '"] button');
     if (!b) return null; b.click(); return true;`,
    [step],
    { what: `the card of ${step}` },
  );
  await session.waitFor(`return document.querySelector("#view-heading")?.textContent || null;`);
}

/** What a person does in the browser: read the login form, type a password, click Allow. */
export async function signInAndAllow(authorizeUrl) {
  const page = await (await fetch(authorizeUrl)).text();
  const form = new URLSearchParams();
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    form.set(m[1], m[2].replaceAll("&amp;", "&").replaceAll("&quot;", '"'));
  }
  const username = page.match(/name="username" value="([^"]*)"/)?.[1];
  assert.ok(username, "the login page offers a user");
  form.set("username", username);
  form.set("password", "demo-password");
  form.set("decision", "allow");
  const action = new URL("/services/oauth2/authorize", authorizeUrl);
  // Follows the redirect to the app's loopback callback, then its 303 to the result page.
  const result = await fetch(action, { method: "POST", body: form, redirect: "follow" });
  return { status: result.status, url: result.url, body: await result.text() };
}
