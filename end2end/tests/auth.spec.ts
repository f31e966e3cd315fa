import { expect, test } from "@playwright/test";
import { hydrated, PARTICIPANTS, signIn, STAFF } from "./helpers";

test.describe("signing in", () => {
  for (const staff of STAFF) {
    test(`${staff.role} ${staff.email} lands in the staff app`, async ({ page }) => {
      await signIn(page, staff.email);
      await expect(page).toHaveURL(/\/app$/);
      await expect(page.getByTestId("staff-home")).toContainText(staff.name);
      await expect(page.getByText(`You are signed in as ${staff.role}`)).toBeVisible();
    });
  }

  for (const participant of PARTICIPANTS) {
    test(`participant ${participant.email} lands in the portal`, async ({ page }) => {
      await signIn(page, participant.email);
      await expect(page).toHaveURL(/\/portal$/);
      await expect(page.getByTestId("portal-home")).toContainText(participant.name);
    });
  }

  test("a wrong password shows an error that does not say whether the account exists", async ({ page }) => {
    await signIn(page, "supervisor@riverside.example", "not the password");
    const error = page.getByTestId("sign-in-error");
    await expect(error).toContainText("That email and password do not match an account");
    await expect(page).toHaveURL(/\/login/);

    await page.getByLabel("Email").fill("nobody-here@riverside.example");
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(error).toContainText("That email and password do not match an account");
  });

  test("visiting a signed-in page while signed out leads to sign-in", async ({ page }) => {
    await page.goto("/app");
    await expect(page).toHaveURL(/\/login$/);
    await expect(page.getByRole("heading", { name: "Sign in to your practice" })).toBeVisible();
  });
});

test.describe("signing out", () => {
  test("ends the session on the server: the old cookie is refused", async ({ page, browser, baseURL }) => {
    await signIn(page, "provider2@riverside.example");
    await expect(page).toHaveURL(/\/app$/);
    const oldCookies = await page.context().cookies();
    expect(oldCookies.some((c) => c.name === "gather_session" && c.httpOnly)).toBe(true);

    if (test.info().project.name === "phone") {
      await page.getByRole("button", { name: "Menu" }).click();
    }
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);

    // Replay the old cookie from a fresh browser context.
    const replay = await browser.newContext({ baseURL });
    await replay.addCookies(oldCookies);
    const again = await replay.newPage();
    await again.goto("/app");
    await expect(again).toHaveURL(/\/login$/);
    await replay.close();
  });
});

test.describe("each side is refused the other's pages", () => {
  test("a participant cannot open a staff page", async ({ page }) => {
    await signIn(page, "participant2@riverside.example");
    await expect(page).toHaveURL(/\/portal$/);
    const response = await page.goto("/app");
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId("error-panel")).toContainText("Not allowed");
    await expect(page.getByTestId("staff-home")).toHaveCount(0);
  });

  test("a provider cannot open the portal", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    await expect(page).toHaveURL(/\/app$/);
    const response = await page.goto("/portal");
    expect(response?.status()).toBe(403);
    await expect(page.getByTestId("error-panel")).toContainText("Not allowed");
    await expect(page.getByTestId("portal-home")).toHaveCount(0);
  });
});

test.describe("the page hydrates", () => {
  test("a server function round trip updates the page without reloading it", async ({ page }) => {
    await signIn(page, "owner@riverside.example");
    await expect(page).toHaveURL(/\/app$/);
    await hydrated(page);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await page.getByRole("button", { name: "Stay signed in" }).click();
    await expect(page.getByTestId("session-extended")).toHaveText("Session extended.");
    await expect(page.getByTestId("session-ends")).toHaveText(/^\d{2}:\d{2}$/);
    // Same document: the marker set before the click survived, so nothing reloaded.
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
  });

  test("the navigation fits the screen", async ({ page }) => {
    await signIn(page, "admin@riverside.example");
    await expect(page).toHaveURL(/\/app$/);
    await hydrated(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.getByRole("button", { name: "Menu" });
    if (test.info().project.name === "phone") {
      // Folded away until asked for, so the page keeps its width for the work.
      await expect(nav).toBeHidden();
      await menu.click();
      await expect(nav).toBeVisible();
    } else {
      await expect(menu).toBeHidden();
      await expect(nav).toBeVisible();
    }
    await expect(nav.getByRole("link", { name: "Home" })).toBeVisible();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBe(0);
  });
});

test.describe("one layout per area", () => {
  test("moving between staff screens keeps the shell and asks only for each screen's data", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    await hydrated(page);
    // A mark on the shell's element: a remounted shell would be a new element without it.
    await page.locator(".shell").evaluate((el) => el.setAttribute("data-mounted-once", "yes"));
    const viewerRequests: string[] = [];
    page.on("request", (r) => {
      if (/\/api\/(staff_viewer|current_viewer)/.test(r.url())) viewerRequests.push(r.url());
    });
    const nav = page.getByRole("navigation", { name: "Main" });
    const menu = page.getByRole("button", { name: "Menu" });
    for (const [link, heading] of [
      ["Contacts", "Contacts"],
      ["Services", "Services"],
      ["Note templates", "Note templates"],
      ["Home", "Welcome, Dr. Jordan Lee"],
    ]) {
      if (test.info().project.name === "phone" && !(await nav.isVisible())) await menu.click();
      await nav.getByRole("link", { name: link, exact: true }).click();
      await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
    }
    await expect(page.locator(".shell[data-mounted-once=yes]")).toHaveCount(1);
    expect(viewerRequests).toEqual([]);
  });
});
