import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { attendedWeeks, hydrated, isoDaysAgo, otherScreen, signIn, takePayment, unique } from "./helpers";

test.describe("billing settings, receipts and statements", () => {
  test("billing settings refuse a mistyped NPI and keep what was saved", async ({ page }, info) => {
    await signIn(page, "admin@riverside.example");
    await page.goto("/app/billing");
    await hydrated(page);
    await page.getByRole("link", { name: "Billing settings" }).click();
    await expect(page.getByRole("heading", { name: "Billing settings", exact: true })).toBeVisible();
    const form = page.getByTestId("billing-settings");
    // The demo practice's details, as its documents print them.
    await expect(form.getByLabel("Legal name")).toHaveValue("Riverside Counseling Collective, PLLC");
    await expect(form.getByLabel("Tax id (EIN)")).toHaveValue("36-4829105");
    await expect(form.getByLabel("Payment terms (days from issue to due)")).toHaveValue("30");

    // One digit wrong: the check digit says so, and nothing is saved.
    await form.getByLabel("Practice NPI").fill("1748392011");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("alert")).toHaveText("That NPI's last digit does not match the rest: check it for a typo.");
    await expect(page.getByTestId("settings-saved")).toHaveCount(0);
    await form.getByLabel("Payment terms (days from issue to due)").fill("a month");
    await form.getByLabel("Practice NPI").fill("1748392010");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(form.getByRole("alert")).toHaveText("Enter the payment terms as a whole number of days, like 30.");
    expect(await problems(page, "billing settings (refused)")).toEqual([]);
    await form.getByLabel("Payment terms (days from issue to due)").fill("30");
    await form.getByRole("button", { name: "Save settings" }).click();
    await expect(page.getByTestId("settings-saved")).toBeVisible();
    await expect(form.getByRole("alert")).toHaveCount(0);

    // A clinician's own NPI.
    const lee = page.getByTestId("clinician").filter({ hasText: "Dr. Jordan Lee" });
    await lee.getByLabel("NPI of Dr. Jordan Lee", { exact: true }).fill("134829305");
    await lee.getByRole("button", { name: "Save NPI of Dr. Jordan Lee" }).click();
    await expect(lee.getByRole("alert")).toHaveText("An NPI is ten digits.");
    await lee.getByLabel("NPI of Dr. Jordan Lee", { exact: true }).fill("1348293055");
    await lee.getByRole("button", { name: "Save NPI of Dr. Jordan Lee" }).click();
    await expect(lee.getByRole("status")).toHaveText("Saved");
    expect(await problems(page, `billing settings (${info.project.name})`)).toEqual([]);

    // Kept: the page read again shows it.
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("billing-settings").getByLabel("Practice NPI")).toHaveValue("1748392010");
    await expect(page.getByTestId("clinician").filter({ hasText: "Dr. Jordan Lee" }).getByLabel("NPI of Dr. Jordan Lee", { exact: true })).toHaveValue("1348293055");
  });

  test("a payment at the session has a receipt; the payer's statement runs the balance", async ({ page, browser }, info) => {
    const name = `Stella ${unique()}`;
    await signIn(page, "provider@riverside.example");
    const { person, sessions } = await attendedWeeks(page, name, 1);

    // Part of the $60 at the session, then its receipt.
    await page.goto(`/app/sessions/${sessions[0]}`);
    await hydrated(page);
    const row = await takePayment(page, name, "20", "2231");
    await expect(row.getByTestId("payment-done")).toHaveText(new RegExp(`^Receipt \\d+: \\$20\\.00 from ${name}\\.$`));
    const receiptTitle = (await row.getByTestId("receipt-link").textContent())!;
    await row.getByTestId("receipt-link").click();
    await expect(page.getByTestId("receipt-title")).toHaveText(receiptTitle);
    await expect(page.getByTestId("receipt-payer")).toHaveText(name);
    await expect(page.getByTestId("receipt-method")).toHaveText("Check 2231");
    await expect(page.getByTestId("receipt-amount")).toHaveText("$20.00");
    await expect(page.getByTestId("receipt-line")).toHaveCount(1);
    await expect(page.getByTestId("receipt-line")).toContainText(name);
    await expect(page.getByTestId("receipt-line")).toContainText("$20.00");
    await expect(page.getByTestId("receipt-total")).toHaveText("$20.00");
    await expect(page.getByTestId("issuer")).toContainText("Riverside Counseling Collective, PLLC");
    await expect(page.getByTestId("issuer")).toContainText("Tax id 36-4829105");
    expect(await problems(page, "receipt")).toEqual([]);
    const receiptUrl = page.url();

    // Its PDF, downloaded from the page and read by an independent reader (poppler).
    const pdfHref = (await page.getByTestId("receipt-pdf").getAttribute("href"))!;
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("receipt-pdf").click()]);
    expect(download.suggestedFilename()).toMatch(/^receipt-\d+\.pdf$/);
    const text = execFileSync("pdftotext", ["-layout", (await download.path())!, "-"]).toString();
    for (const said of [receiptTitle, name, "Check 2231", "Riverside Counseling Collective, PLLC"]) expect(text).toContain(said);
    expect(text).toMatch(/Total received \$20\.00/);

    // Another provider, who did not take it, is not shown it.
    const other = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(other, "provider2@riverside.example");
    await other.goto(receiptUrl);
    await expect(other.getByTestId("error-panel")).toBeVisible();
    expect([403, 404]).toContain((await other.request.get(pdfHref)).status());
    await other.context().close();

    // The administrator invoices the rest and opens the payer's statement.
    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    await admin.getByTestId("invoice-run").getByRole("button", { name: "Invoice unbilled" }).click();
    await expect(admin.getByTestId("invoice-run-done")).toContainText("1 line, $60.00");
    await admin.getByTestId("payments").getByRole("link", { name: receiptTitle }).click();
    await expect(admin.getByTestId("receipt-title")).toHaveText(receiptTitle);
    await admin.goBack();
    await hydrated(admin);
    await admin.getByRole("link", { name: "Statement" }).click();
    await expect(admin.getByTestId("statement-payer")).toHaveText(name);
    await hydrated(admin);
    const lines = admin.getByTestId("statement-line");
    await expect(lines).toHaveCount(2);
    await expect(lines.nth(0)).toHaveAttribute("data-kind", "invoice");
    await expect(lines.nth(0)).toContainText("$60.00");
    await expect(lines.nth(1)).toHaveAttribute("data-kind", "payment");
    await expect(lines.nth(1)).toContainText("Check 2231");
    await expect(lines.nth(1)).toContainText("-$20.00");
    await expect(admin.getByTestId("statement-opening")).toHaveText("$0.00");
    await expect(admin.getByTestId("statement-closing")).toHaveText("$40.00");
    await expect(admin.getByTestId("statement-summary")).toContainText("Balance due");
    expect(await problems(admin, "statement")).toEqual([]);

    // A period the wrong way round is refused by its field; today alone shows the same.
    const period = admin.getByTestId("statement-period");
    const today = await period.getByLabel("To", { exact: true }).inputValue();
    await period.getByLabel("From", { exact: true }).fill(today);
    await period.getByLabel("To", { exact: true }).fill(isoDaysAgo(40));
    await period.getByRole("button", { name: "Show statement" }).click();
    await expect(period.getByRole("alert")).toHaveText("The first day comes before the last day.");
    await expect(admin.getByTestId("statement-line")).toHaveCount(0);
    const fresh = admin.getByTestId("statement-period");
    await fresh.getByLabel("To", { exact: true }).fill(today);
    await fresh.getByRole("button", { name: "Show statement" }).click();
    await expect(admin).toHaveURL(new RegExp(`from=${today}&to=${today}`));
    await expect(admin.getByTestId("statement-closing")).toHaveText("$40.00");

    // The same statement as PDF, for the period on screen, read by poppler.
    const [statementPdf] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("statement-pdf").click()]);
    expect(statementPdf.suggestedFilename()).toBe(`statement-${person.id}-${today}-${today}.pdf`);
    const statementText = execFileSync("pdftotext", ["-layout", (await statementPdf.path())!, "-"]).toString();
    expect(statementText).toContain(name);
    expect(statementText).toMatch(/Balance due \$40\.00/);
    await admin.context().close();
  });
});
