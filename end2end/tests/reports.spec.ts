import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { attendedWeeks, hydrated, isoDaysAgo, otherScreen, signIn, takePayment, unique } from "./helpers";

// Other tests bill and pay beside this one in the same practice, so each check looks for
// this test's own group and payer, never at practice-wide totals.
test.describe("billing reports", () => {
  test("a session is unbilled until invoiced, then owed, and the reports say so in tables, charts and CSV", async ({ page, browser }, info) => {
    const name = `Rhea ${unique()}`;
    await signIn(page, "provider@riverside.example");
    const { person, sessions, groupName } = await attendedWeeks(page, name, 1);

    // $20 of the $60 at the session.
    await page.goto(`/app/sessions/${sessions[0]}`);
    await hydrated(page);
    const row = await takePayment(page, name, "20");
    await expect(row.getByTestId("payment-done")).toContainText("$20.00");

    // Reports are not a provider's: the page and its CSV are refused.
    await page.goto("/app/billing/reports?report=unbilled");
    await expect(page.getByTestId("error-panel")).toBeVisible();
    expect((await page.request.get("/documents/reports/unbilled.csv")).status()).toBe(403);

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto("/app/billing");
    await hydrated(admin);
    await admin.getByTestId("reports-link").click();
    await expect(admin.getByRole("heading", { name: "Reports", exact: true })).toBeVisible();
    // Outstanding balances as of today open first.
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "aging");
    await expect(admin.getByTestId("report-tab-aging")).toHaveAttribute("aria-current", "page");
    await expect(admin.getByTestId("report-chart")).toContainText("Over 90 days");
    expect(await problems(admin, `aging report (${info.project.name})`)).toEqual([]);

    // Unbilled: the session, its whole $60 (a payment is not an invoice).
    await admin.getByTestId("report-tab-unbilled").click();
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "unbilled");
    const unbilledRow = admin.getByTestId("report-row").filter({ hasText: groupName });
    await expect(unbilledRow).toContainText("$60.00");
    await expect(unbilledRow.getByRole("link", { name: groupName })).toHaveAttribute("href", `/app/sessions/${sessions[0]}`);
    expect(await problems(admin, `unbilled report (${info.project.name})`)).toEqual([]);

    // Revenue for the session's day, by group, then by provider: charged, paid, open.
    await admin.getByTestId("report-tab-revenue").click();
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "revenue");
    await hydrated(admin);
    const day = isoDaysAgo(7);
    let period = admin.getByTestId("report-form");
    await period.getByLabel("From", { exact: true }).fill(day);
    await period.getByLabel("To", { exact: true }).fill(day);
    await period.getByRole("button", { name: "Show report" }).click();
    await expect(admin).toHaveURL(new RegExp(`from=${day}&to=${day}`));
    const revenueRow = admin.getByTestId("report-row").filter({ hasText: groupName });
    await expect(revenueRow.locator('[data-label="Charged"]')).toHaveText("$60.00");
    await expect(revenueRow.locator('[data-label="Paid"]')).toHaveText("$20.00");
    await expect(revenueRow.locator('[data-label="Open"]')).toHaveText("$40.00");
    await expect(admin.getByTestId("report-chart")).toBeVisible();
    expect(await problems(admin, `revenue report (${info.project.name})`)).toEqual([]);
    period = admin.getByTestId("report-form");
    await period.getByLabel("By").selectOption({ label: "Provider" });
    await period.getByRole("button", { name: "Show report" }).click();
    await expect(admin).toHaveURL(/by=provider/);
    await expect(admin.getByRole("columnheader", { name: "Provider" })).toBeVisible();

    // A period the wrong way round is refused at its field.
    period = admin.getByTestId("report-form");
    await period.getByLabel("From", { exact: true }).fill(day);
    await period.getByLabel("To", { exact: true }).fill(isoDaysAgo(30));
    await period.getByRole("button", { name: "Show report" }).click();
    await expect(admin.getByTestId("report-form").getByRole("alert")).toHaveText("The first day comes before the last day.");
    await expect(admin.getByTestId("report")).toHaveCount(0);
    await expect(admin.getByTestId("report-csv")).toHaveCount(0);

    // Invoiced: no longer unbilled, and owed (current: due in 30 days).
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    await admin.getByTestId("invoice-run").getByRole("button", { name: "Invoice unbilled" }).click();
    await expect(admin.getByTestId("invoice-run-done")).toContainText("$60.00");
    await admin.goto("/app/billing/reports?report=unbilled");
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "unbilled");
    await expect(admin.getByTestId("report-row").filter({ hasText: groupName })).toHaveCount(0);
    await admin.getByTestId("report-tab-aging").click();
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "aging");
    const owed = admin.getByTestId("report-row").filter({ hasText: name });
    await expect(owed.locator('[data-label="Current"]')).toHaveText("$40.00");
    await expect(owed.locator('[data-label="Balance"]')).toHaveText("$40.00");
    await expect(owed.getByRole("link", { name })).toHaveAttribute("href", `/app/people/${person.id}/account`);

    // The same report as CSV, read as a spreadsheet would.
    await hydrated(admin);
    const [csv] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("report-csv").click()]);
    expect(csv.suggestedFilename()).toMatch(/^aging-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = readFileSync((await csv.path())!, "utf8");
    expect(text.split("\n")[0]).toBe("Payer,Current,1–30 days,31–60 days,61–90 days,Over 90 days,Credit,Balance");
    expect(text).toContain(`${name},40.00,0.00,0.00,0.00,0.00,0.00,40.00`);

    // Payments by method: a row and a bar for every method.
    await admin.getByTestId("report-tab-payments").click();
    await expect(admin.getByTestId("report")).toHaveAttribute("data-report", "payments");
    await expect(admin.getByTestId("report-row")).toHaveCount(5);
    await expect(admin.getByTestId("report-chart").locator("li")).toHaveCount(5);
    await expect(admin.getByTestId("report-row").filter({ hasText: "Cash" })).toBeVisible();
    expect(await problems(admin, `payments report (${info.project.name})`)).toEqual([]);
    await admin.context().close();
  });
});
