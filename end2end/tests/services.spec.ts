import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

function unique(): string {
  return `${Date.now().toString(36).slice(-3)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
}

test.describe("the service catalogue", () => {
  test("an admin adds, edits and retires a custom service", async ({ page }) => {
    const code = `CU-${unique()}`;
    await signIn(page, "admin@riverside.example");
    await page.goto("/app/services");
    await hydrated(page);
    const list = page.getByTestId("services");
    await expect(list).toContainText("90853");
    await expect(list).toContainText("Group psychotherapy");

    await page.locator("#svc-new-code").fill(code);
    await page.locator("#svc-new-name").fill("Mindfulness drop-in");
    await page.locator("#svc-new-category").selectOption("other");
    await page.locator("#svc-new-minutes").fill("45");
    await page.locator("#svc-new-fee").fill("25");
    await page.getByRole("button", { name: "Save service" }).click();
    const row = list.locator("li", { hasText: code });
    await expect(row).toContainText("$25.00");

    await row.getByRole("button", { name: "Edit" }).click();
    await row.getByLabel("Fee ($)").fill("30.50");
    await row.getByRole("button", { name: "Save service" }).click();
    await expect(list.locator("li", { hasText: code })).toContainText("$30.50");

    await list.locator("li", { hasText: code }).getByRole("button", { name: "Retire" }).click();
    await expect(list.locator("li", { hasText: code })).toHaveCount(0);

    // Bad input is named.
    await page.locator("#svc-new-code").fill("90853");
    await page.locator("#svc-new-name").fill("Duplicate");
    await page.locator("#svc-new-fee").fill("ten dollars");
    await page.getByRole("button", { name: "Save service" }).click();
    await expect(page.getByRole("alert")).toContainText("Enter an amount such as 150 or 150.00.");
  });

  test("providers can read the catalogue but not change it", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    await page.goto("/app/services");
    await hydrated(page);
    await expect(page.getByTestId("services")).toContainText("90834");
    await expect(page.getByRole("button", { name: "Save service" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Retire" })).toHaveCount(0);
  });
});
