import { expect, type Page } from "@playwright/test";

export const PASSWORD = "gather-demo-2026";

export const STAFF = [
  { email: "owner@riverside.example", name: "Maya Ortiz", role: "Owner" },
  { email: "admin@riverside.example", name: "Sam Patel", role: "Administrator" },
  { email: "provider@riverside.example", name: "Dr. Jordan Lee", role: "Provider" },
  { email: "provider2@riverside.example", name: "Dr. Priya Raman", role: "Provider" },
  { email: "supervisor@riverside.example", name: "Dr. Elena Brooks", role: "Supervisor" },
  { email: "associate@riverside.example", name: "Chris Nguyen", role: "Associate" },
];

export const PARTICIPANTS = [
  { email: "participant@riverside.example", name: "Alex Rivera" },
  { email: "participant2@riverside.example", name: "Taylor Morgan" },
];

/** Waits until the WASM client has hydrated the page, so clicks reach Leptos handlers. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** Signs in; with the right password, waits until the account has landed. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (password === PASSWORD) {
    await expect(page).toHaveURL(/\/(app|portal)$/);
  }
}
