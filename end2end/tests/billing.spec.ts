import { expect, test, type Page } from "@playwright/test";
import { hydrated, newSession, signIn } from "./helpers";

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
