import { expect, test, type Page } from "@playwright/test";
import { attendedWeeks, hydrated, newSession, otherScreen, signIn, unique } from "./helpers";

function row(page: Page, name: string) {
  return page.getByTestId("attendance-row").filter({ has: page.getByTestId("participant-name").getByText(name, { exact: true }) });
}

test.describe("payments at the session", () => {
  test("a therapy-group participant pays part, then the rest, and gets two receipts", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const url = await newSession(page, "TAG", "Tuesday Anxiety Group");
    const alex = row(page, "Alex Rivera");
    // Nothing to pay before there is a charge.
    await expect(alex.getByTestId("take-payment")).toHaveCount(0);
    await alex.getByLabel("Attendance for Alex Rivera", { exact: true }).selectOption({ index: 1 });
    await expect(alex.getByTestId("charge")).toHaveText("$60.00");

    // The form starts with what is owed; bad input is refused by field, and nothing is paid.
    await alex.getByRole("button", { name: "Take payment for Alex Rivera" }).click();
    const form = alex.getByTestId("payment-form");
    await expect(form.getByLabel("Amount")).toHaveValue("60.00");
    await form.getByLabel("Amount").fill("sixty");
    await form.getByRole("button", { name: "Record payment" }).click();
    await expect(form.getByRole("alert")).toHaveText("Enter an amount such as 150 or 150.00.");
    await form.getByLabel("Amount").fill("25");
    await form.getByLabel("Method").selectOption({ label: "Check" });
    await form.getByRole("button", { name: "Record payment" }).click();
    await expect(form.getByRole("alert")).toHaveText("Enter the check number.");
    await expect(alex.getByTestId("paid")).toHaveCount(0);

    // Part now, by cash.
    await form.getByLabel("Method").selectOption({ label: "Cash" });
    await form.getByRole("button", { name: "Record payment" }).click();
    const first = alex.getByTestId("payment-done");
    await expect(first).toHaveText(/^Receipt \d+: \$25\.00 from .+\.$/);
    const firstReceipt = Number((await first.textContent())!.match(/Receipt (\d+)/)![1]);
    await expect(alex.getByTestId("paid")).toHaveText("Paid $25.00 · owes $35.00");

    // The rest by check, later in the session.
    await alex.getByRole("button", { name: "Take payment for Alex Rivera" }).click();
    await expect(form.getByLabel("Amount")).toHaveValue("35.00");
    await form.getByLabel("Method").selectOption({ label: "Check" });
    await form.getByLabel("Check number").fill("1042");
    await form.getByRole("button", { name: "Record payment" }).click();
    await expect(alex.getByTestId("payment-done")).toHaveText(/^Receipt \d+: \$35\.00 from .+\.$/);
    const secondReceipt = Number((await alex.getByTestId("payment-done").textContent())!.match(/Receipt (\d+)/)![1]);
    expect(secondReceipt).toBeGreaterThan(firstReceipt);
    await expect(alex.getByTestId("paid")).toHaveText("Paid in full ($60.00)");
    await expect(alex.getByTestId("take-payment")).toHaveCount(0);

    // What was paid is kept: the screen read again shows it.
    await page.goto(url);
    await hydrated(page);
    await expect(row(page, "Alex Rivera").getByTestId("paid")).toHaveText("Paid in full ($60.00)");
    await expect(row(page, "Alex Rivera").getByTestId("take-payment")).toHaveCount(0);
  });
});

test.describe("a payer's account", () => {
  test("an administrator takes payments applied to the oldest charges first, the rest kept as credit", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const { person } = await attendedWeeks(page, `Account Holder ${token}`, 2);
    // Providers take payments at sessions; the account is for those who run billing.
    await page.goto(`/app/people/${person.id}/account`);
    await expect(page.getByTestId("error-panel")).toBeVisible();
    await page.goto(`/app/people/${person.id}`);
    await hydrated(page);
    await expect(page.getByTestId("open-account")).toHaveCount(0);

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/people/${person.id}`);
    await hydrated(admin);
    await admin.getByTestId("open-account").click();
    await expect(admin.getByTestId("account-name")).toHaveText(`Account Holder ${token}`);
    await hydrated(admin);
    await expect(admin.getByTestId("balance")).toHaveText("$120.00");
    const open = admin.getByTestId("open-charges").locator("li");
    await expect(open).toHaveCount(2);
    // Oldest first: the later session's charge is the second, and the one left after $90.
    const later = (await open.nth(1).locator(".name").textContent())!;
    const form = admin.getByTestId("account-payment");
    await expect(form.getByLabel("Amount")).toHaveValue("120.00");

    await form.getByLabel("Amount").fill("90");
    await form.getByRole("button", { name: "Record payment" }).click();
    await expect(admin.getByTestId("account-paid")).toHaveText(/^Receipt \d+: \$90\.00 applied to 2 charges\.$/);
    await expect(admin.getByTestId("balance")).toHaveText("$30.00");
    await expect(open).toHaveCount(1);
    await expect(open.first()).toContainText("(paid $30.00; owes $30.00)");
    await expect(open.first().locator(".name")).toHaveText(later);

    await form.getByLabel("Amount").fill("50");
    await form.getByLabel("Method").selectOption({ label: "Bank transfer" });
    await form.getByLabel("Transfer reference (optional)").fill("TR-77");
    await form.getByRole("button", { name: "Record payment" }).click();
    await expect(admin.getByTestId("account-paid")).toHaveText(/^Receipt \d+: \$30\.00 applied to 1 charge\. \$20\.00 kept as credit\.$/);
    await expect(admin.getByTestId("balance")).toHaveText("$0.00");
    await expect(admin.getByTestId("credit")).toHaveText("Credit on account: $20.00");
    await expect(admin.getByTestId("no-open-charges")).toBeVisible();
    const payments = admin.getByTestId("payments").locator("li");
    await expect(payments).toHaveCount(2);
    await expect(payments.first()).toContainText("Bank transfer TR-77");
    await expect(payments.first()).toContainText("$50.00 ($20.00 on account)");

    // Kept: the page read again says the same.
    await admin.reload();
    await hydrated(admin);
    await expect(admin.getByTestId("balance")).toHaveText("$0.00");
    await expect(admin.getByTestId("credit")).toHaveText("Credit on account: $20.00");
    await admin.context().close();
  });
});
