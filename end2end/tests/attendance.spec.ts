import { expect, test, type Page } from "@playwright/test";
import { hydrated, newSession, otherScreen, signIn } from "./helpers";

async function open(page: Page, url: string) {
  await page.goto(url);
  await hydrated(page);
  await expect(page.getByTestId("live-status")).toContainText("Live");
}

function row(page: Page, name: string) {
  return page.getByTestId("attendance-row").filter({ has: page.getByTestId("participant-name").getByText(name, { exact: true }) });
}

async function choose(page: Page, name: string, option: string) {
  await row(page, name).getByLabel(`Attendance for ${name}`, { exact: true }).selectOption({ label: option });
}

test.describe("attendance", () => {
  test("two clinicians on one session: live changes, confirmations, mark all attended, a late cancel with the practice fee", async ({ page, browser }, info) => {
    await signIn(page, "provider@riverside.example");
    const url = await newSession(page, "TAG", "Tuesday Anxiety Group");
    // The co-leader, on a screen of their own.
    const other = await otherScreen(browser, info, false);
    await signIn(other, "associate@riverside.example");
    await open(other, url);

    // Before attendance: the roster with each one's confirmation.
    for (const p of [page, other]) {
      await expect(p.getByTestId("attendance-row")).toHaveCount(4);
      await expect(row(p, "Alex Rivera").getByTestId("confirmation")).toHaveValue("not_confirmed");
    }
    await row(page, "Alex Rivera").getByTestId("confirmation").selectOption("confirmed");
    await expect(row(other, "Alex Rivera").getByTestId("confirmation")).toHaveValue("confirmed");

    // A late cancel carries the practice's late-cancel fee, on both screens.
    await choose(page, "Taylor Morgan", "Late cancel ($25.00)");
    for (const p of [page, other]) {
      const taylor = row(p, "Taylor Morgan");
      await expect(taylor).toHaveAttribute("data-state", "absent");
      await expect(taylor.getByTestId("choice")).toHaveText("Late cancel");
      await expect(taylor.getByTestId("charge")).toHaveText("$25.00");
      await expect(taylor.getByTestId("pending")).toHaveCount(0);
    }

    // Mark all attended, on the other screen: everyone without a choice, and no one else.
    await other.getByTestId("mark-all").click();
    for (const p of [page, other]) {
      for (const name of ["Alex Rivera", "Jamie Chen", "Drew Patel"]) {
        await expect(row(p, name)).toHaveAttribute("data-state", "attended");
        await expect(row(p, name).getByTestId("choice")).toHaveText("Attended (90853)");
        await expect(row(p, name).getByTestId("charge")).toHaveText("$60.00");
      }
      await expect(row(p, "Taylor Morgan").getByTestId("choice")).toHaveText("Late cancel");
      await expect(p.getByTestId("attendance-counts")).toContainText("3 attended · 1 did not attend · 0 not set · charges $205.00");
    }

    // The pencil: a set choice is changed, here from attended to a no-fee absence.
    await row(page, "Jamie Chen").getByRole("button", { name: "Change attendance for Jamie Chen" }).click();
    await choose(page, "Jamie Chen", "Did not attend, no fee");
    await expect(row(other, "Jamie Chen").getByTestId("choice")).toHaveText("Did not attend, no fee");
    await expect(row(other, "Jamie Chen").getByTestId("charge")).toHaveText("$0.00");

    // Each participant's history: who, from, to.
    await row(other, "Jamie Chen").getByText("History").click();
    const history = row(other, "Jamie Chen").getByTestId("history");
    await expect(history.locator("li")).toHaveCount(2);
    await expect(history.locator("li").first()).toContainText("Chris Nguyen: Not set → Attended (90853)");
    await expect(history.locator("li").nth(1)).toContainText("Dr. Jordan Lee: Attended (90853) → Did not attend, no fee");

    // Clear: back to no choice, on both screens.
    await row(other, "Drew Patel").getByRole("button", { name: "Change attendance for Drew Patel" }).click();
    await row(other, "Drew Patel").getByRole("button", { name: "Clear attendance for Drew Patel" }).click();
    for (const p of [page, other]) {
      await expect(row(p, "Drew Patel")).toHaveAttribute("data-state", "unset");
      await expect(p.getByTestId("attendance-counts")).toContainText("1 attended · 2 did not attend · 1 not set · charges $85.00");
    }

    // A reload shows what was stored.
    await other.reload();
    await hydrated(other);
    await expect(row(other, "Taylor Morgan").getByTestId("charge")).toHaveText("$25.00");
    await other.context().close();
  });

  test("a phone that goes offline keeps its taps, shows them pending, and sends them when it is back", async ({ page, browser }, info) => {
    await signIn(page, "provider@riverside.example");
    const url = await newSession(page, "TAG", "Tuesday Anxiety Group");
    // The co-leader's phone.
    const phone = await otherScreen(browser, info, true);
    await signIn(phone, "associate@riverside.example");
    await open(phone, url);

    await phone.context().setOffline(true);
    await expect(phone.getByTestId("live-status")).toContainText("Offline");
    await choose(phone, "Alex Rivera", "No-show ($40.00)");
    await choose(phone, "Jamie Chen", "Late cancel ($25.00)");
    await choose(phone, "Drew Patel", "Attended, no fee");
    for (const name of ["Alex Rivera", "Jamie Chen", "Drew Patel"]) {
      await expect(row(phone, name).getByTestId("pending")).toBeVisible();
    }
    await expect(phone.getByTestId("live-status")).toContainText("3 change(s) wait on this device");
    // Meanwhile the desktop, online, changes Alex after the phone did: that newer change wins.
    await expect(row(page, "Jamie Chen").getByTestId("choice")).toHaveText("Not set");
    await choose(page, "Alex Rivera", "Attended, no fee");
    await expect(row(page, "Alex Rivera").getByTestId("pending")).toHaveCount(0);

    await phone.context().setOffline(false);
    await expect(phone.getByTestId("live-status")).toContainText("Live");
    for (const p of [page, phone]) {
      await expect(row(p, "Jamie Chen").getByTestId("choice")).toHaveText("Late cancel");
      await expect(row(p, "Drew Patel").getByTestId("choice")).toHaveText("Attended, no fee");
      await expect(row(p, "Alex Rivera").getByTestId("choice")).toHaveText("Attended, no fee");
      await expect(p.getByTestId("pending")).toHaveCount(0);
    }
    // The phone is told its change to Alex lost to a newer one, and nothing is lost: the
    // history keeps it.
    await expect(row(phone, "Alex Rivera").getByTestId("conflict")).toContainText("Dr. Jordan Lee changed this to Attended, no fee");
    await row(page, "Alex Rivera").getByText("History").click();
    await expect(row(page, "Alex Rivera").getByTestId("history").locator("li.superseded")).toContainText("No-show");
    await phone.context().close();
  });

  test("a 200-participant workshop session loads and marks everyone on a phone-sized screen", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    await newSession(page, "CRW", "Community Resilience Workshop");
    await expect(page.getByTestId("attendance-row")).toHaveCount(200);
    await page.getByTestId("mark-all").click();
    await expect(page.getByTestId("attendance-counts")).toContainText("200 attended · 0 did not attend · 0 not set");
    await expect(page.getByTestId("pending")).toHaveCount(0);
    // A workshop offers no psychotherapy codes.
    const select = row(page, "Uma Jensen");
    await select.getByRole("button", { name: "Change attendance for Uma Jensen" }).click();
    await expect(select.getByLabel("Attendance for Uma Jensen", { exact: true }).locator("option", { hasText: "90853" })).toHaveCount(0);
    await choose(page, "Uma Jensen", "No-show ($40.00)");
    await expect(page.getByTestId("attendance-counts")).toContainText("199 attended · 1 did not attend");
    await page.reload();
    await hydrated(page);
    await expect(row(page, "Uma Jensen").getByTestId("choice")).toHaveText("No-show");
    await expect(page.getByTestId("attendance-counts")).toContainText("199 attended · 1 did not attend");
  });

  test("refusals: a session that does not exist, a participant account, bad fees", async ({ page, browser }, info) => {
    await signIn(page, "provider@riverside.example");
    await page.goto("/app/sessions/999999999");
    await expect(page.getByTestId("error-panel")).toContainText("Not found");
    await page.goto("/app/services");
    await hydrated(page);
    // Providers see the fees but can't change them.
    await expect(page.getByTestId("missed-fees")).toContainText("No-show $40.00 · Late cancel $25.00");
    await expect(page.getByLabel("No-show fee ($)")).toHaveCount(0);

    const owner = await otherScreen(browser, info, false);
    await signIn(owner, "owner@riverside.example");
    await owner.goto("/app/services");
    await hydrated(owner);
    const fees = owner.getByTestId("missed-fees");
    await expect(fees.getByLabel("No-show fee ($)")).toHaveValue("40.00");
    await fees.getByLabel("No-show fee ($)").fill("lots");
    await fees.getByRole("button", { name: "Save fees" }).click();
    await expect(fees.locator("[data-field=no_show_fee]")).toContainText("Enter an amount");
    await fees.getByLabel("No-show fee ($)").fill("40");
    await fees.getByRole("button", { name: "Save fees" }).click();
    await expect(fees.getByRole("status")).toHaveText("Saved.");

    await owner.context().close();

    const participant = await otherScreen(browser, info, false);
    await signIn(participant, "participant@riverside.example");
    await participant.goto("/app/sessions/1");
    await expect(participant.getByTestId("error-panel")).toBeVisible();
    expect((await participant.request.get("/live/sessions/1")).status()).toBe(403);
    await participant.context().close();
  });
});
