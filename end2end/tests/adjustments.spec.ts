import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { attendedWeeks, hydrated, otherScreen, signIn, unique } from "./helpers";

test.describe("adjustments and refunds", () => {
  test("an administrator takes a sliding-scale amount off a charge and refunds an overpayment", async ({ page, browser }, info) => {
    const name = `Rowan ${unique()}`;
    await signIn(page, "provider@riverside.example");
    const { person, sessions } = await attendedWeeks(page, name, 2);

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    await admin.getByTestId("invoice-run").getByRole("button", { name: "Invoice unbilled" }).click();
    await expect(admin.getByTestId("invoice-run-done")).toContainText("2 lines, $120.00");
    await expect(admin.getByTestId("balance")).toHaveText("$120.00");

    // More than is owed is refused by the server, with the amount it would take.
    const charge = admin.getByTestId("open-charge").first();
    await charge.getByTestId("adjust").click();
    const form = charge.getByTestId("adjust-form");
    await form.getByLabel("Amount to take off").fill("70");
    await form.getByRole("button", { name: "Take off" }).click();
    await expect(form.getByRole("alert")).toHaveText("At most $60.00 is still owed on this charge.");
    await form.getByLabel("Reason").selectOption({ label: "Other" });
    await form.getByLabel("Amount to take off").fill("15");
    await form.getByRole("button", { name: "Take off" }).click();
    await expect(form.getByRole("alert")).toHaveText("Say what the adjustment is for.");
    expect(await problems(admin, "adjustment (refused)")).toEqual([]);
    await form.getByLabel("Reason").selectOption({ label: "Sliding scale" });
    await form.getByLabel("Note (optional)").fill("Income under the practice's threshold");
    await form.getByRole("button", { name: "Take off" }).click();
    await expect(admin.getByTestId("account-changed")).toHaveText("$15.00 taken off (Sliding scale).");
    await expect(admin.getByTestId("balance")).toHaveText("$105.00");
    await expect(admin.getByTestId("open-charge").first()).toContainText("adjusted $15.00; owes $45.00");

    // The session screen shows it beside the charge.
    await page.goto(`/app/sessions/${sessions[1]}`);
    await hydrated(page);
    const row = page.getByTestId("attendance-row").filter({ hasText: name });
    await expect(row.getByTestId("paid")).toHaveText("adjusted $15.00 · owes $45.00");

    // $125 pays everything; $20 is credit, refunded by check.
    const pay = admin.getByTestId("account-payment");
    await pay.getByLabel("Amount").fill("125");
    await pay.getByRole("button", { name: "Record payment" }).click();
    await expect(admin.getByTestId("account-paid")).toContainText("$20.00 kept as credit.");
    await expect(admin.getByTestId("credit")).toHaveText("Credit on account: $20.00");
    const payment = admin.getByTestId("payments").getByRole("listitem").first();
    await payment.getByTestId("refund").click();
    const refund = payment.getByTestId("refund-form");
    await expect(refund.getByLabel("Amount")).toHaveValue("20.00");
    await refund.getByLabel("Amount").fill("25");
    await refund.getByLabel("Reason").fill("Paid more than was owed");
    await refund.getByRole("button", { name: "Record refund" }).click();
    await expect(refund.getByRole("alert")).toHaveText("At most $20.00 of this payment can be refunded; the rest pays for sessions.");
    await refund.getByLabel("Amount").fill("20");
    await refund.getByLabel("Method").selectOption({ label: "Check" });
    await refund.getByRole("button", { name: "Record refund" }).click();
    await expect(refund.getByRole("alert")).toHaveText("Enter the check number.");
    expect(await problems(admin, `refund (refused, ${info.project.name})`)).toEqual([]);
    await refund.getByLabel("Check number").fill("3001");
    await refund.getByRole("button", { name: "Record refund" }).click();
    await expect(admin.getByTestId("account-changed")).toHaveText(/^\$20\.00 refunded from receipt \d+ \(Check 3001\)\.$/);
    await expect(admin.getByTestId("credit")).toHaveCount(0);
    await expect(admin.getByTestId("balance")).toHaveText("$0.00");
    await expect(admin.getByTestId("payments").getByRole("listitem").first()).toContainText("($20.00 refunded)");
    await expect(admin.getByTestId("refund")).toHaveCount(0);

    // The receipt says so, and the statement runs it all to nothing owed.
    await admin.getByTestId("payments").getByRole("link").first().click();
    await expect(admin.getByTestId("receipt-refund")).toContainText("by Check 3001: Paid more than was owed");
    await expect(admin.getByTestId("receipt-refund")).toContainText("$20.00");
    await admin.goto(`/app/people/${person.id}/statement`);
    await hydrated(admin);
    await expect(admin.locator('[data-testid="statement-line"][data-kind="adjustment"]')).toContainText("Sliding scale");
    await expect(admin.locator('[data-testid="statement-line"][data-kind="adjustment"]')).toContainText("-$15.00");
    await expect(admin.locator('[data-testid="statement-line"][data-kind="refund"]')).toContainText("$20.00");
    await expect(admin.getByTestId("statement-closing")).toHaveText("$0.00");
    expect(await problems(admin, "statement with adjustments")).toEqual([]);
    await admin.context().close();
  });

  test("a payment on account goes to the charge chosen by hand", async ({ page }) => {
    const name = `Sasha ${unique()}`;
    await signIn(page, "provider@riverside.example");
    const { person } = await attendedWeeks(page, name, 2);
    await signIn(page, "admin@riverside.example");
    await page.goto(`/app/people/${person.id}/account`);
    await hydrated(page);
    await expect(page.getByTestId("balance")).toHaveText("$120.00");
    const pay = page.getByTestId("account-payment");
    await pay.getByLabel("Amount", { exact: true }).fill("60");
    await pay.getByTestId("choose-charges").check();
    const hand = pay.getByTestId("hand-allocation");
    const fields = hand.getByRole("textbox");
    await expect(fields).toHaveCount(2);
    const olderDay = (await hand.locator("label").nth(0).textContent())!.split(" · ")[0];
    // More than the newer session owes is refused, naming the amounts.
    await fields.nth(1).fill("70");
    await pay.getByRole("button", { name: "Record payment" }).click();
    await expect(pay.getByRole("alert")).toHaveText("$70.00 is more than the $60.00 still owed on that charge.");
    expect(await problems(page, "payment chosen by hand (refused)")).toEqual([]);
    await fields.nth(1).fill("60");
    await pay.getByRole("button", { name: "Record payment" }).click();
    await expect(page.getByTestId("account-paid")).toContainText("$60.00 applied to 1 charge.");
    // The older session is still the one owed.
    const open = page.getByTestId("open-charge");
    await expect(open).toHaveCount(1);
    await expect(page.getByTestId("balance")).toHaveText("$60.00");
    await expect(open.first().locator(".name")).toHaveText(olderDay);
    await expect(page.getByTestId("hand-allocation")).toHaveCount(0);
  });
});
