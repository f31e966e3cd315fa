import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, otherScreen, signIn, unique, personWithEmail } from "./helpers";
import { MAILDIR, linkInEmail, messagesTo } from "./mail";

/** The practice-local day and "HH:MM" of `at` in `timeZone`. */
function localSlot(at: Date, timeZone: string): { day: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

test.describe("session reminders", () => {
  test.skip(!MAILDIR, "needs the SMTP server scripts/test starts");

  test("a reminder says only what it may, and its link confirms on an open attendance screen", async ({ page, browser }, info) => {
    const found: string[] = [];
    // The owner sets reminders to go at any hour, so the test does not depend on the clock.
    const owner = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(owner, "owner@riverside.example");
    await owner.goto("/app/reminders");
    await hydrated(owner);
    await expect(owner.getByRole("heading", { name: "Reminders", exact: true })).toBeVisible();
    // A bad lead time is refused beside its field.
    await owner.getByLabel("First reminder, hours before the session").fill("soon");
    await owner.getByRole("button", { name: "Save reminder settings" }).click();
    await expect(owner.locator("[data-field=first_lead]")).toContainText("not a number of hours");
    await owner.getByLabel("First reminder, hours before the session").fill("48");
    await owner.getByLabel("Second reminder, hours before (blank for none)").fill("2");
    await owner.getByLabel("From", { exact: true }).selectOption("00:00");
    await owner.getByLabel("Until", { exact: true }).selectOption("24:00");
    await owner.getByRole("button", { name: "Save reminder settings" }).click();
    await expect(owner.getByTestId("settings-saved")).toHaveText("Saved.");
    found.push(...(await problems(owner, "/app/reminders")));
    const { time_zone: timeZone } = await call(owner, "reminder_settings", {});

    // A provider's group of two, meeting in 90 minutes: too late for the 48- and 2-hour
    // reminders, so one goes now.
    await signIn(page, "provider@riverside.example");
    const u = unique();
    const me = (await call(page, "viewer", null)).account_id;
    const practiceName = (await call(page, "viewer", null)).practice_name;
    const first = `Remy${u.toLowerCase()}`;
    const other = `Quinn${u.toLowerCase()}`;
    const mine = `remy-${u.toLowerCase()}@riverside.example`;
    const theirs = `quinn-${u.toLowerCase()}@riverside.example`;
    const remy = await personWithEmail(page, `${first} Castellano`, mine);
    const quinn = await personWithEmail(page, `${other} Whitfield`, theirs);
    const groupName = `Grief circle ${u}`;
    const group = await call(page, "create_case", {
      draft: {
        kind: "therapy_group", name: groupName, initials: `R${u.slice(-4)}`, capacity: null,
        provider_ids: [me], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    const joined = localSlot(new Date(Date.now() - 30 * 86_400_000), timeZone).day;
    for (const p of [remy, quinn]) await call(page, "add_member", { case: group, person: p.id, joined_on: joined });
    const startAt = new Date(Math.ceil((Date.now() + 90 * 60_000) / 300_000) * 300_000);
    const slot = localSlot(startAt, timeZone);
    const scheduled = await call(page, "schedule", {
      draft: {
        case_id: group, day: slot.day, start_time: slot.time, minutes: 60, service_id: null,
        location: "", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
      },
    });
    const session = scheduled.Done.first;

    // The session screen is open while the reminder goes out.
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    await expect(page.getByTestId("live-status")).toContainText("Live");
    const row = page.getByTestId("attendance-row").filter({ hasText: first });
    await expect(row.getByTestId("confirmation")).toHaveValue("not_confirmed");

    const { link, email } = await linkInEmail(mine, "reminder", 90_000);
    const [header, ...rest] = email.split(/\r?\n\r?\n/);
    const body = rest.join("\n\n");
    const to = header.split(/\r?\n/).filter((l) => /^(To|Cc|Bcc):/i.test(l));
    expect(to).toEqual([`To: ${mine}`]);
    expect(body).toContain(`Hello ${first},`);
    expect(body).toContain(practiceName);
    expect(body).toContain(`at ${slot.time}`);
    for (const secret of [groupName, "Grief", "Castellano", other, theirs, "Whitfield"]) {
      expect(email, `the reminder must not carry "${secret}"`).not.toContain(secret);
    }
    // Quinn's own reminder names nobody else either.
    await expect.poll(() => messagesTo(theirs).length, { timeout: 60_000 }).toBeGreaterThan(0);
    for (const m of messagesTo(theirs)) {
      for (const secret of [first, mine, "Castellano", groupName]) expect(m).not.toContain(secret);
    }

    // Remy opens the link, signed in nowhere, on a phone.
    const remyPhone = await otherScreen(browser, info, true);
    await remyPhone.goto(link);
    await hydrated(remyPhone);
    await expect(remyPhone.getByRole("heading", { name: `Hello ${first}` })).toBeVisible();
    await expect(remyPhone.getByTestId("reminder-session")).not.toContainText("Grief");
    await expect(remyPhone.getByTestId("answer-status")).toHaveText("Will you come?");
    found.push(...(await problems(remyPhone, "/reminder")));
    await remyPhone.getByRole("button", { name: "I'll be there" }).click();
    await expect(remyPhone.getByTestId("answer-status")).toContainText("knows you'll be there");

    // The open attendance screen shows it without a reload.
    await expect(row.getByTestId("confirmation")).toHaveValue("confirmed");

    // Quinn declines through his own link; then stops reminders. Both are on record.
    const quinnLink = (await linkInEmail(theirs, "reminder", 60_000)).link;
    const quinnPhone = await otherScreen(browser, info, true);
    await quinnPhone.goto(quinnLink);
    await hydrated(quinnPhone);
    await quinnPhone.getByRole("button", { name: "I can't come" }).click();
    await expect(quinnPhone.getByTestId("answer-status")).toContainText("knows you can't come");
    await expect(page.getByTestId("attendance-row").filter({ hasText: other }).getByTestId("confirmation")).toHaveValue("declined");
    await quinnPhone.getByRole("button", { name: "Stop email reminders" }).click();
    await expect(quinnPhone.getByTestId("reminders-stopped")).toBeVisible();
    await quinnPhone.context().close();

    // The settings screen lists the group, not named in reminders until ticked.
    await owner.reload();
    await hydrated(owner);
    const naming = owner.getByLabel(`Name \u201c${groupName}\u201d in its reminders`);
    await expect(naming).not.toBeChecked();
    await naming.check();
    await expect
      .poll(async () => (await call(owner, "reminder_settings", {})).groups.find((g: { name: string }) => g.name === groupName)?.named)
      .toBe(true);
    await owner.reload();
    await hydrated(owner);
    await expect(owner.getByLabel(`Name \u201c${groupName}\u201d in its reminders`)).toBeChecked();

    // Remy's page shows the reminder went; turning reminders off is kept.
    await page.goto(`/app/people/${remy.id}`);
    await hydrated(page);
    const card = page.getByTestId("person-reminders");
    await expect(card.getByTestId("reminder-list")).toContainText("Sent");
    await card.getByLabel("Email reminders of sessions").uncheck();
    await card.getByRole("button", { name: "Save reminder choice" }).click();
    await expect(card.getByTestId("reminders-status")).toHaveText("Reminders are off for this person.");
    // A time zone that does not exist is refused beside the field.
    await card.getByLabel(/Their time zone/).fill("Mars/Olympus");
    await card.getByRole("button", { name: "Save reminder choice" }).click();
    await expect(card.locator("[data-field=time_zone]")).toContainText("is not a time zone");
    found.push(...(await problems(page, "/app/people/:id")));

    expect(found).toEqual([]);
    await owner.context().close();
    await remyPhone.context().close();
  });
});
