import { describe, expect, it } from "vitest";
import { guideUrl } from "./guides";
import { stepIds } from "../test/fixtures";

const base =
  "https://experienceleague.adobe.com/en/docs/marketo/using/product-docs/marketo-sales-insight/";

describe("the vendor's guide per step", () => {
  it("links each step to its Experience League page", () => {
    expect(stepIds.map((step) => guideUrl(step, "en"))).toEqual([
      `${base}actions/getting-started/sales-insight-actions-admin-setup-guide#set-up-marketo-sales-account`,
      `${base}actions/crm/salesforce-integration/connect-your-sales-insight-actions-account-to-salesforce`,
      `${base}actions/getting-started/sales-insight-actions-admin-setup-guide#connect-marketo-to-your-sales-apps-account`,
      `${base}actions/admin/actions-data-sync-faq`,
      `${base}actions/admin/invite-users-and-admins`,
      `${base}msi-for-salesforce/installation/install-marketo-sales-insight-package-in-salesforce-appexchange`,
      `${base}actions/crm/salesforce-package-configuration/sales-insight-actions-configuration-in-salesforce`,
    ]);
  });

  it("opens the Traditional Chinese page when the UI is in zh-TW", () => {
    expect(guideUrl("inviteUsers", "zh-TW")).toBe(
      "https://experienceleague.adobe.com/zh-hant/docs/marketo/using/product-docs/marketo-sales-insight/actions/admin/invite-users-and-admins",
    );
  });

  it("stays on the host the opener allows", () => {
    for (const step of stepIds)
      for (const lang of ["en", "zh-TW"] as const)
        expect(guideUrl(step, lang)).toMatch(/^https:\/\/experienceleague\.adobe\.com\//);
  });
});
