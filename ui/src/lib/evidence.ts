// Words for what a check saw (an Evidence from a real API), where it came from and how old it is,
// in the admin's language. Shared by EvidenceLine and the guided step panels.
import type { Evidence } from "./bindings/Evidence";
import type { Mode } from "./bindings/Mode";
import { formatDate, has, i18n, t } from "./i18n.svelte";

const numberFormat = (n: number) => new Intl.NumberFormat(i18n.lang).format(n);

/** "just now", "5 minutes ago", "3 hours ago", "2 days ago" (or "5 分鐘前"). */
export function ageText(iso: string, now: number = Date.now()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return t("evidence.justNow");
  const relative = new Intl.RelativeTimeFormat(i18n.lang, { numeric: "auto" });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return relative.format(-minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return relative.format(-hours, "hour");
  return relative.format(-Math.floor(hours / 24), "day");
}

/** What the check saw, as a sentence. */
export function evidenceText(evidence: Evidence): string {
  switch (evidence.kind) {
    case "marketoToken":
      return evidence.apiUser
        ? t("evidence.marketoTokenUser", {
            munchkinId: evidence.munchkinId,
            user: evidence.apiUser,
          })
        : t("evidence.marketoToken", { munchkinId: evidence.munchkinId });
    case "salesforceAppAuthorized": {
      const parts = [
        t("evidence.salesforceAppAuthorized", {
          user: evidence.username,
          app: evidence.appName,
        }),
      ];
      if (evidence.lastUsed)
        parts.push(t("evidence.lastUsed", { date: formatDate(evidence.lastUsed) }));
      if (evidence.useCount !== null)
        parts.push(t("evidence.useCount", { count: numberFormat(evidence.useCount) }));
      return parts.join(t("evidence.separator"));
    }
    case "marketoApiCalls":
      return t("evidence.marketoApiCalls", {
        calls: numberFormat(evidence.last7Days),
        today: numberFormat(evidence.today),
        user: evidence.apiUser,
      });
    case "syncEstimate": {
      const params = {
        estimated: numberFormat(evidence.peopleEstimated),
        expected: evidence.peopleExpected === null ? "" : numberFormat(evidence.peopleExpected),
        perCall: numberFormat(evidence.peoplePerCall),
        calls: numberFormat(evidence.callsToday),
        user: evidence.apiUser,
      };
      if (evidence.peopleExpected === null) return t("evidence.syncEstimateOpen", params);
      return t(
        evidence.expectedAtLeast ? "evidence.syncEstimateAtLeast" : "evidence.syncEstimate",
        params,
      );
    }
    case "msiPackage":
      return evidence.installed
        ? t("evidence.msiPackage", { installed: evidence.installed, required: evidence.required })
        : t("evidence.msiPackageMissing", { required: evidence.required });
    case "remoteSites":
      return t("evidence.remoteSites", { active: evidence.active, required: evidence.required });
    case "actionsApi":
      return t("evidence.actionsApi", { detail: evidence.detail });
  }
}

/** Which real API said so. */
export function evidenceSource(evidence: Evidence): string {
  return t(`evidence.source.${evidence.kind}`);
}

/** An error code (a check's problem) in words; an unknown code shows itself. */
export function problemText(code: string): string {
  return has(`errors.${code}`) ? t(`errors.${code}`, { message: code }) : code;
}

/** The header badge: demo or real, guided or with the Actions admin API. */
export function modeText(mode: Mode): string {
  if (mode.demo) return t(mode.actions === "guided" ? "mode.demoGuided" : "mode.demo");
  return t(mode.actions === "guided" ? "mode.guided" : "mode.adminApi");
}
