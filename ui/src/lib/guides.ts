// The vendor's guide for each step: its Experience League page, in the UI language when Adobe
// publishes one (Traditional Chinese as `zh-hant`, everything else in English).
import type { StepId } from "./bindings/StepId";
import type { UiLanguage as Language } from "./bindings/UiLanguage";

const BASE = "https://experienceleague.adobe.com";
const ROOT = "docs/marketo/using/product-docs/marketo-sales-insight";

const PAGES: Record<StepId, string> = {
  activateAccount:
    "actions/getting-started/sales-insight-actions-admin-setup-guide#set-up-marketo-sales-account",
  connectSalesforce:
    "actions/crm/salesforce-integration/connect-your-sales-insight-actions-account-to-salesforce",
  connectMarketo:
    "actions/getting-started/sales-insight-actions-admin-setup-guide#connect-marketo-to-your-sales-apps-account",
  startSync: "actions/admin/actions-data-sync-faq",
  inviteUsers: "actions/admin/invite-users-and-admins",
  installPackage:
    "msi-for-salesforce/installation/install-marketo-sales-insight-package-in-salesforce-appexchange",
  configureSalesforce:
    "actions/crm/salesforce-package-configuration/sales-insight-actions-configuration-in-salesforce",
};

/** The Experience League page that explains `step`, in `language`. */
export function guideUrl(step: StepId, language: Language): string {
  const locale = language === "zh-TW" ? "zh-hant" : "en";
  return `${BASE}/${locale}/${ROOT}/${PAGES[step]}`;
}
