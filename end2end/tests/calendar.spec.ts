import { expect, test, type Page } from "@playwright/test";
import { attendedWeeks, createGroup, hydrated, isoDaysAgo, signIn, unique } from "./helpers";

/** A Tuesday on the first week of a month a year or more ahead, different for every run, so
 * runs in parallel (desktop and phone) never book the same hour. */
// A random month 1 to 4 years ahead: even offsets for desktop, odd for the phone, so the
// two projects' runs (sharing one server) never schedule into each other's slots.
function firstTuesday(phone: boolean): Date {
  const months = 12 + 2 * Math.floor(Math.random() * 18) + (phone ? 1 : 0);
  const d = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + months, 1));
  while (d.getUTCDay() !== 2) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

function iso(d: Date, plusDays = 0): string {
  const c = new Date(d);
  c.setUTCDate(c.getUTCDate() + plusDays);
  return c.toISOString().slice(0, 10);
}

function isPhone(page: Page): boolean {
  return (page.viewportSize()?.width ?? 1280) < 700;
}

async function openCalendar(page: Page, view: string, day: string, who = "me") {
  await page.goto(`/app/calendar?view=${view}&day=${day}&who=${who}`);
  await hydrated(page);
  await expect(page.getByTestId("calendar-title")).toBeVisible();
}

/** Events that can be seen (the phone shows the agenda list instead of the week grid). */
function shownEvents(page: Page, text: string) {
  return page.locator("[data-testid=event]:visible").filter({ hasText: text });
}

async function chooseCase(page: Page, search: string, name: string) {
  const dialog = page.getByTestId("schedule-dialog");
  await dialog.getByLabel("Group, client or case").fill(search);
  await dialog.getByTestId("case-choices").getByRole("button", { name }).click();
  await expect(dialog.getByTestId("chosen-case")).toContainText(name);
}

test.describe("calendar", () => {
  test("a weekly group series from a slot: week and month views, moving one session, ending the series", async ({ page }) => {
    const tag = unique();
    const initials = `S${tag}`.slice(0, 6);
    const group = `Sunrise Skills ${tag}`;
    await signIn(page, "provider@riverside.example");
    await createGroup(page, "Therapy group", group, initials);
    const first = firstTuesday(isPhone(page));
    const day = iso(first);

    // Phones schedule from the day view's time grid; desktops from the week grid.
    await openCalendar(page, isPhone(page) ? "day" : "week", day);
    await page.locator(`.day-column[data-day="${day}"] .slot[data-time="18:00"]`).first().click();
    const dialog = page.getByTestId("schedule-dialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel("Date")).toHaveValue(day);
    await expect(dialog.getByLabel("Start")).toHaveValue("18:00");
    await chooseCase(page, initials, group);
    await dialog.getByLabel("Length (minutes)").fill("90");
    await dialog.getByLabel("Repeats").selectOption("weekly");
    await dialog.getByLabel("Number of sessions").fill("4");
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog).toHaveCount(0);

    // The week shows it, with the roster count.
    await openCalendar(page, "week", day);
    await expect(shownEvents(page, initials)).toHaveCount(1);
    await expect(shownEvents(page, initials)).toContainText("18:00–19:30");
    await expect(shownEvents(page, initials)).toContainText("expected");
    // The month shows all four.
    await openCalendar(page, "month", day);
    await expect(page.getByTestId("month-grid").getByTestId("event").filter({ hasText: initials })).toHaveCount(4);

    // Move the second session to 17:00 on its own.
    const second = iso(first, 7);
    await openCalendar(page, "day", second);
    await shownEvents(page, initials).click();
    const panel = page.getByTestId("appointment-panel");
    await expect(panel.getByTestId("series-description")).toContainText("Weekly on Tuesdays, 4 sessions");
    await panel.getByText("Move or change").click();
    await panel.getByTestId("change-section").getByLabel("This session").check();
    await panel.getByLabel("Start").fill("17:00");
    await panel.getByTestId("save-change").click();
    await expect(panel.getByTestId("appointment-when")).toContainText("17:00–18:30");
    await expect(shownEvents(page, initials)).toContainText("17:00–18:30");

    // End the series after the second session: the third and fourth go.
    await panel.getByText("End the series").click();
    await panel.getByLabel("Last session on or before").fill(second);
    await panel.getByTestId("end-series").click();
    await expect(panel.getByTestId("series-description")).toContainText("until");
    await openCalendar(page, "month", day);
    await expect(page.getByTestId("month-grid").getByTestId("event").filter({ hasText: initials })).toHaveCount(2);
    // The moved one stays moved.
    await openCalendar(page, "week", second);
    await expect(shownEvents(page, initials)).toContainText("17:00–18:30");

    // Cancel the first session: a reason is required, and the session stays on record.
    await openCalendar(page, "day", day);
    await shownEvents(page, initials).click();
    const opening = page.getByTestId("appointment-panel");
    await opening.getByText("Cancel", { exact: true }).click();
    await opening.getByTestId("confirm-cancel").click();
    await expect(opening.getByRole("alert")).toContainText("Say why the session is cancelled");
    await opening.getByLabel("Reason (kept on record)").fill("Facilitator ill");
    await opening.getByTestId("confirm-cancel").click();
    await expect(opening.getByTestId("cancel-reason")).toContainText("Facilitator ill");
    await expect(shownEvents(page, initials)).toContainText("Cancelled");
  });

  test("scheduling a group on another provider's calendar warns, shares on confirmation, and shows it to them", async ({ page, browser }) => {
    const tag = unique();
    const initials = `E${tag}`.slice(0, 6);
    const group = `Evening Circle ${tag}`;
    await signIn(page, "provider@riverside.example");
    await createGroup(page, "Therapy group", group, initials);
    const day = iso(firstTuesday(isPhone(page)), 1);

    // Dr. Raman's calendar beside mine.
    await openCalendar(page, "day", day);
    await page.getByTestId("provider-picker").click();
    await page.getByLabel("Dr. Priya Raman").check();
    await expect(page.locator(".col-head", { hasText: "Dr. Priya Raman" })).toBeVisible();
    await page.getByTestId("provider-picker").click();
    await page.getByRole("button", { name: "New appointment, Dr. Priya Raman, 10:00" }).click();
    const dialog = page.getByTestId("schedule-dialog");
    await chooseCase(page, group, group);
    await expect(dialog.getByLabel("Dr. Priya Raman")).toBeChecked();
    await expect(dialog.getByLabel("Dr. Jordan Lee")).not.toBeChecked();
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog.getByTestId("warnings")).toContainText("This group doesn't usually see this provider");
    await dialog.getByTestId("confirm-schedule").click();
    await expect(dialog).toHaveCount(0);
    await expect(shownEvents(page, initials)).toHaveCount(1);

    // Dr. Raman now sees the group on her own calendar, by name.
    const other = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
    const p2 = await other.newPage();
    await signIn(p2, "provider2@riverside.example");
    await openCalendar(p2, "day", day);
    await expect(shownEvents(p2, initials)).toContainText(group);
    await shownEvents(p2, initials).click();
    await expect(p2.getByTestId("appointment-panel")).toContainText("Dr. Priya Raman");
    await other.close();
  });

  test("bad input gets a clear message and nothing is scheduled", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const day = iso(firstTuesday(isPhone(page)), 3);
    await openCalendar(page, "day", day);
    await page.getByTestId("new-appointment").click();
    const dialog = page.getByTestId("schedule-dialog");
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog.getByTestId("schedule-error")).toContainText("Choose a group, client or case first.");
    await chooseCase(page, "Alex", "Alex Rivera");
    await dialog.getByLabel("Video link (optional)").fill("javascript:alert(1)");
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog.getByRole("alert").first()).toContainText("web address starting with https://");
    await dialog.getByLabel("Video link (optional)").fill("");
    await dialog.getByLabel("Repeats").selectOption("custom");
    await dialog.getByLabel("Rule").fill("FREQ=HOURLY");
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog.getByRole("alert").first()).toContainText("FREQ=HOURLY is not supported");
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(shownEvents(page, "Alex Rivera")).toHaveCount(0);
  });

  test("keyboard moves through weeks and switches views; the feed can be turned on and off", async ({ page }) => {
    // Each viewport uses its own account: a feed has one address per provider.
    await signIn(page, isPhone(page) ? "supervisor@riverside.example" : "provider@riverside.example");
    await openCalendar(page, "week", "2027-03-10");
    await expect(page.getByTestId("calendar-title")).toHaveText("8 Mar – 14 Mar 2027");
    if (!isPhone(page)) {
      await page.keyboard.press("ArrowRight");
      await expect(page.getByTestId("calendar-title")).toHaveText("15 Mar – 21 Mar 2027");
      await page.keyboard.press("m");
      await expect(page.getByTestId("calendar-title")).toHaveText("March 2027");
      await page.keyboard.press("d");
      await expect(page.getByTestId("calendar-title")).toHaveText("Wednesday 17 March 2027");
    } else {
      await page.getByTestId("next").click();
      await expect(page.getByTestId("calendar-title")).toHaveText("15 Mar – 21 Mar 2027");
    }
    await page.getByTestId("today").click();
    await expect(page).toHaveURL(/view=/);

    const feed = page.getByTestId("feed-settings");
    await feed.locator("summary").click();
    await feed.getByTestId("feed-on").click();
    const url = await feed.getByTestId("feed-url").inputValue();
    expect(url).toMatch(/\/calendar\/[A-Za-z0-9_-]{40,}\.ics$/);
    const ics = await page.request.get(url);
    expect(ics.status()).toBe(200);
    expect(ics.headers()["content-type"]).toContain("text/calendar");
    expect(await ics.text()).toContain("BEGIN:VCALENDAR");
    await feed.getByTestId("feed-off").click();
    await expect(feed.getByTestId("feed-state")).toHaveText("Off.");
    expect((await page.request.get(url)).status()).toBe(404);
  });
  test("dialogs hold focus and give it back to what opened them", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const day = iso(firstTuesday(isPhone(page)), 4);
    await openCalendar(page, "day", day);
    const time = `0${7 + Math.floor(Math.random() * 2)}:${Math.random() < 0.5 ? "00" : "30"}`;
    const slot = page.locator(`.day-column[data-day="${day}"] .slot[data-time="${time}"]`).first();
    // A keyboard user opens the dialog from a slot.
    await slot.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByTestId("schedule-dialog");
    await expect(dialog.getByLabel("Group, client or case")).toBeFocused();
    const inDialog = () => dialog.evaluate((d) => d.contains(document.activeElement));
    // Tabbing, forwards past the last control or back past the first, stays in the dialog.
    await page.keyboard.press("Shift+Tab");
    expect(await inDialog()).toBe(true);
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press("Tab");
      expect(await inDialog()).toBe(true);
    }
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(slot).toBeFocused();

    // Scheduled, the session opens in the side panel; closing it returns to the session.
    await slot.click();
    await chooseCase(page, "TAG", "Tuesday Anxiety Group");
    await dialog.getByTestId("save-appointment").click();
    await expect(dialog).toHaveCount(0);
    const agenda = page.getByTestId("agenda");
    const within = (await agenda.isVisible()) ? agenda : page;
    const event = within.locator(`[data-testid=event][data-day="${day}"][aria-label*="${time}–"]:visible`).first();
    await event.click();
    const panel = page.getByTestId("appointment-panel");
    const close = panel.getByRole("button", { name: "Close" });
    await expect(close).toBeFocused();
    await close.click();
    await expect(panel).toHaveCount(0);
    await expect(event).toBeFocused();
  });

  test("a press made before the page is ready is kept and done once it is", async ({ page }) => {
    // Its own account per viewport: a feed has one address per provider.
    await signIn(page, isPhone(page) ? "associate@riverside.example" : "provider2@riverside.example");
    // The client is held back, so the page is only the server's HTML when pressed.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route(/\.wasm$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/app/calendar");
    const feed = page.getByTestId("feed-settings");
    await feed.locator("summary").click();
    await feed.getByTestId("feed-on").click();
    await expect(page.getByTestId("getting-ready")).toHaveText("Getting ready…");
    release();
    await hydrated(page);
    await expect(feed.getByTestId("feed-state")).toContainText("On since");
    await expect(page.getByTestId("getting-ready")).toHaveText("");
    await feed.getByTestId("feed-off").click();
    await expect(feed.getByTestId("feed-state")).toHaveText("Off.");
  });

  test("a session with attendance recorded is not cancelled; its record stays as held", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const { initials } = await attendedWeeks(page, `Casey ${unique()}`, 1);
    await openCalendar(page, "day", isoDaysAgo(7));
    await shownEvents(page, initials).click();
    const panel = page.getByTestId("appointment-panel");
    await panel.getByText("Cancel", { exact: true }).click();
    await panel.getByLabel("Reason (kept on record)").fill("Facilitator ill");
    await panel.getByTestId("confirm-cancel").click();
    await expect(panel.getByRole("alert")).toContainText("This session is documented");
    await expect(panel.getByTestId("cancel-reason")).toHaveCount(0);
    await expect(shownEvents(page, initials)).not.toContainText("Cancelled");
  });
});
