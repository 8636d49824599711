// Step 5's activation tracker: which group a row falls in, and its state and next move in words.
import type { ActivationRow } from "./bindings/ActivationRow";
import type { ActivationSummary } from "./bindings/ActivationSummary";
import { formatDate, t } from "./i18n.svelte";

export type ActivationFilter = "all" | "activated" | "waiting" | "notVisible" | "blocked";
export const FILTERS: ActivationFilter[] = ["all", "activated", "waiting", "blocked"];

/** The filters for `summary`: "cannot be seen" only when some rows are (an admin without
 *  Customize Application), so everyone else sees the four they always saw. */
export function filtersFor(summary: ActivationSummary): ActivationFilter[] {
  return summary.notVisible > 0
    ? ["all", "activated", "waiting", "notVisible", "blocked"]
    : FILTERS;
}

/** Activated, waiting, cannot be seen (no Customize Application), or blocked (anything
 *  Salesforce shows that stops them). */
export function group(row: ActivationRow): Exclude<ActivationFilter, "all"> {
  const kind = row.state.kind;
  return kind === "activated" || kind === "waiting" || kind === "notVisible" ? kind : "blocked";
}

/** "1 of 3 activated · 2 waiting · 0 blocked", naming the rows that cannot be seen only when
 *  there are some (as `sia_app::tracker::summary_text` does for the report). */
export function summaryText(summary: ActivationSummary): string {
  return t(summary.notVisible > 0 ? "activation.summaryNotVisible" : "activation.summary", {
    ...summary,
  });
}

export function shown(rows: ActivationRow[], filter: ActivationFilter): ActivationRow[] {
  return filter === "all" ? rows : rows.filter((r) => group(r) === filter);
}

/** The invitation's date, or "pasted" for an address the admin pasted. */
export function invitedText(row: ActivationRow): string {
  return row.invitedAt ? formatDate(row.invitedAt) : t("activation.pasted");
}

export function stateText(row: ActivationRow): string {
  const s = row.state;
  switch (s.kind) {
    case "activated": {
      const at = s.at ?? s.lastUsed;
      return at
        ? t("activation.state.activatedOn", { date: formatDate(at) })
        : t("activation.state.activated");
    }
    case "otherOrgKind":
      return t("activation.state.otherOrgKind", {
        expected: t(`activation.org.${s.expected}`),
        actual: t(`activation.org.${s.actual}`),
      });
    default:
      return t(`activation.state.${s.kind}`);
  }
}

const DAY = 24 * 60 * 60 * 1000;

/** What the admin does about `row`, as of `checkedAt` (the tracker's read). */
export function todoText(row: ActivationRow, checkedAt: string): string {
  const s = row.state;
  switch (s.kind) {
    case "noSalesforceUser":
      return s.closest
        ? t("activation.todo.didYouMean", { closest: s.closest })
        : t("activation.todo.noSalesforceUser");
    case "otherOrgKind":
      return t("activation.todo.otherOrgKind", { expected: t(`activation.org.${s.expected}`) });
    case "waiting": {
      const days = daysBetween(row.invitedAt, checkedAt);
      if (days === null) return t("activation.todo.waitingPasted");
      if (days === 0) return t("activation.todo.waitingToday");
      if (days === 1) return t("activation.todo.waitingOneDay");
      return t("activation.todo.waitingDays", { days });
    }
    default:
      return t(`activation.todo.${s.kind}`);
  }
}

function daysBetween(from: string | null, to: string): number | null {
  if (!from) return null;
  const start = Date.parse(from);
  const end = Number.isNaN(Date.parse(to)) ? Date.now() : Date.parse(to);
  if (Number.isNaN(start)) return null;
  return Math.max(0, Math.floor((end - start) / DAY));
}
