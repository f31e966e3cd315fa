import { expect, test, type Page } from "@playwright/test";
import { problems } from "./axe";
import { PARTICIPANTS, hydrated, newSession, signIn } from "./helpers";

/** Opens a page from a cold load, waits for the client, and checks it. */
async function check(page: Page, path: string, found: string[], ready?: () => Promise<void>) {
  await page.goto(path);
  await hydrated(page);
  if (ready) await ready();
  found.push(...(await problems(page, path)));
}

test.describe("accessibility", () => {
  test("sign-in and the portal have no serious or critical violations", async ({ page }) => {
    const found: string[] = [];
    await check(page, "/login", found);
    // The sign-in page with its error showing.
    await page.getByLabel("Email").fill("nobody@riverside.example");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("sign-in-error")).toBeVisible();
    found.push(...(await problems(page, "/login (refused)")));
    await check(page, "/no-such-page", found);

    await signIn(page, PARTICIPANTS[0].email);
    await check(page, "/portal", found);
    await check(page, "/portal/forms", found);
    expect(found).toEqual([]);
  });

  test("every staff screen has no serious or critical violations", async ({ page }) => {
    const found: string[] = [];
    await signIn(page, "provider@riverside.example");
    await check(page, "/app", found);
    for (const view of ["day", "week", "month"]) {
      for (const who of ["me", "everyone"]) {
        await check(page, `/app/calendar?view=${view}&day=2027-03-10&who=${who}`, found, async () => {
          await expect(page.getByTestId("calendar-title")).toBeVisible();
        });
      }
    }
    // The calendar's dialog and its feed settings, open.
    await page.getByTestId("new-appointment").click();
    await expect(page.getByTestId("schedule-dialog")).toBeVisible();
    found.push(...(await problems(page, "schedule dialog")));
    await page.keyboard.press("Escape");
    await page.getByTestId("feed-settings").locator("summary").click();
    found.push(...(await problems(page, "feed settings")));

    await check(page, "/app/contacts", found);
    const caseHref = await page.getByTestId("groups-list").getByRole("link").first().getAttribute("href");
    const personHref = await page.getByTestId("people-list").getByRole("link").first().getAttribute("href");
    await check(page, caseHref!, found, async () => {
      await expect(page.getByTestId("case-name")).toBeVisible();
    });
    await check(page, personHref!, found);
    await check(page, `${personHref}/chart`, found);
    await check(page, "/app/contacts/new", found);
    await check(page, "/app/people/new", found);
    await check(page, "/app/services", found);
    await check(page, "/app/note-templates", found);
    await check(page, "/app/forms", found);
    await check(page, "/app/sessions/999999999", found);

    // A session of a group: the attendance screen, the note editor and the review.
    const session = await newSession(page, "TAG", "Tuesday Anxiety Group");
    found.push(...(await problems(page, "session screen")));
    await page.getByTestId("mark-all").click();
    await expect(page.getByTestId("attendance-counts")).toContainText("4 attended");
    found.push(...(await problems(page, "session screen (marked)")));
    // Taking a payment, its form open with a field that says what the check was.
    const first = page.getByTestId("attendance-row").first();
    await first.getByTestId("take-payment").click();
    await first.getByLabel("Method").selectOption({ label: "Check" });
    found.push(...(await problems(page, "payment form")));
    await check(page, `${new URL(session).pathname}/note`, found);
    await page.getByLabel("Template").selectOption({ label: "Blank note" });
    await page.getByRole("button", { name: "Start the group note" }).click();
    await expect(page.getByTestId("group-note")).toBeVisible();
    found.push(...(await problems(page, "note editor")));
    await check(page, `${new URL(session).pathname}/note/review`, found);
    expect(found).toEqual([]);
  });

  test("a payer's account has no serious or critical violations", async ({ page }) => {
    const found: string[] = [];
    await signIn(page, "admin@riverside.example");
    await check(page, "/app/contacts", found);
    const personHref = await page.getByTestId("people-list").getByRole("link").first().getAttribute("href");
    await check(page, `${personHref}/account`, found, async () => {
      await expect(page.getByTestId("account-name")).toBeVisible();
    });
    expect(found).toEqual([]);
  });

  test("the billing page and its reports have no serious or critical violations", async ({ page }) => {
    // An invoice and its void form are checked where the invoices tests issue one.
    const found: string[] = [];
    await signIn(page, "admin@riverside.example");
    await check(page, "/app/billing", found, async () => {
      await expect(page.getByTestId("unbilled-summary")).toBeVisible();
    });
    for (const report of ["aging", "unbilled", "payments", "revenue"]) {
      await check(page, `/app/billing/reports?report=${report}`, found, async () => {
        await expect(page.getByTestId("report")).toHaveAttribute("data-report", report);
      });
    }
    expect(found).toEqual([]);
  });
});
