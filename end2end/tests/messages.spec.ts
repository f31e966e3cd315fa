import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, isoDaysAgo, otherScreen, signIn, unique, personWithEmail } from "./helpers";
import { MAILDIR, messagesTo } from "./mail";

test.describe("secure messages", () => {
  test.skip(!MAILDIR, "needs the SMTP server scripts/test starts");

  test("message the group: twelve members, twelve emails, each to one person and naming nobody", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const u = unique().toLowerCase();
    const me = (await call(page, "viewer", null)).account_id;
    const members: { name: string; email: string }[] = [];
    const groupName = `Bereavement circle ${u}`;
    const group = await call(page, "create_case", {
      draft: {
        kind: "therapy_group", name: groupName, initials: `M${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [me], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    for (let i = 0; i < 12; i++) {
      const m = { name: `Member${i}x${u} Lastname${i}x${u}`, email: `member${i}-${u}@riverside.example` };
      const person = await personWithEmail(page, m.name, m.email);
      await call(page, "add_member", { case: group, person: person.id, joined_on: isoDaysAgo(14) });
      members.push(m);
    }

    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    const card = page.getByTestId("group-message");
    // Nothing is sent without a subject.
    await card.getByLabel("Message", { exact: true }).fill("We meet in room 4 next week.");
    await card.getByRole("button", { name: "Send to each member" }).click();
    await expect(card.locator("[data-field=subject]")).toContainText("subject");
    await card.getByLabel("Subject", { exact: true }).fill(`Room change ${u}`);
    await card.getByRole("button", { name: "Send to each member" }).click();
    await expect(card.getByTestId("group-message-sent")).toHaveText("Sent to 12 members, each in their own thread.");

    for (const m of members) {
      await expect.poll(() => messagesTo(m.email).length, { timeout: 60_000, message: `an email to ${m.email}` }).toBe(1);
      const email = messagesTo(m.email)[0];
      const header = email.split(/\r?\n\r?\n/)[0];
      const recipients = header.split(/\r?\n/).filter((l) => /^(To|Cc|Bcc):/i.test(l));
      expect(recipients).toEqual([`To: ${m.email}`]);
      for (const other of members.filter((o) => o !== m)) {
        expect(email).not.toContain(other.email);
        expect(email).not.toContain(other.name.split(" ")[0]);
        expect(email).not.toContain(other.name.split(" ")[1]);
      }
      expect(email).not.toContain(groupName);
      expect(email).not.toContain("room 4");
      expect(email).toContain("/login");
    }

    // Twelve separate threads, found from the group's page.
    await card.getByRole("link", { name: "See this group's threads" }).click();
    await expect(page.getByTestId("thread")).toHaveCount(12);
    expect(await problems(page, "/app/messages")).toEqual([]);
  });

  test("a participant writes from the portal; each side sees the other's reply while the thread is open", async ({ page, browser }, info) => {
    const u = unique();
    const subject = `Running late ${u}`;
    await signIn(page, "participant@riverside.example");
    await page.getByRole("link", { name: "Open messages" }).click();
    await expect(page).toHaveURL(/\/portal\/messages$/);
    await hydrated(page);
    await page.getByLabel("Subject", { exact: true }).fill(subject);
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page.locator("[data-field=body]")).toContainText("Write a message");
    await page.getByLabel("Message", { exact: true }).fill("I will be ten minutes late.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(page).toHaveURL(/\/portal\/messages\/\d+$/);
    await hydrated(page);
    await expect(page.getByTestId("messages")).toContainText("I will be ten minutes late.");
    expect(await problems(page, "/portal/messages/:id")).toEqual([]);

    const staff = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(staff, "owner@riverside.example");
    await staff.goto("/app/messages");
    await hydrated(staff);
    const row = staff.getByTestId("thread").filter({ hasText: subject });
    await expect(row.getByTestId("unread")).toHaveText("1 new");
    await row.getByRole("link", { name: subject }).click();
    await expect(staff).toHaveURL(/\/app\/messages\/\d+$/);
    await hydrated(staff);
    await expect(staff.getByTestId("messages")).toContainText("Alex Rivera");
    await expect(staff.getByTestId("messages")).toContainText("I will be ten minutes late.");

    // The practice replies: the participant's open thread shows it without a reload.
    await staff.getByLabel("Reply", { exact: true }).fill("Thanks for letting us know.");
    await staff.getByRole("button", { name: "Send" }).click();
    await expect(staff.getByTestId("messages")).toContainText("Thanks for letting us know.");
    await expect(page.getByTestId("messages")).toContainText("Thanks for letting us know.", { timeout: 20_000 });

    // And the other way round.
    await page.getByLabel("Reply", { exact: true }).fill("See you soon.");
    await page.getByRole("button", { name: "Send" }).click();
    await expect(staff.getByTestId("messages")).toContainText("See you soon.", { timeout: 20_000 });
    expect(await problems(staff, "/app/messages/:id")).toEqual([]);
    await staff.context().close();
  });

  test("staff write to one person from their page; a person without portal access is pointed out", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    const u = unique().toLowerCase();
    const me = (await call(page, "viewer", null)).account_id;
    const person = await personWithEmail(page, `Solo${u} Person`, `solo-${u}@riverside.example`);
    const group = await call(page, "create_case", {
      draft: {
        kind: "therapy_group", name: `Solo group ${u}`, initials: `S${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [me], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    await call(page, "add_member", { case: group, person: person.id, joined_on: isoDaysAgo(7) });
    await page.goto(`/app/people/${person.id}`);
    await hydrated(page);
    const card = page.getByTestId("person-messages");
    await expect(card.getByTestId("no-threads")).toBeVisible();
    await card.getByLabel("Subject", { exact: true }).fill(`Forms ${u}`);
    await card.getByRole("button", { name: "Send message" }).click();
    await expect(card.locator("[data-field=body]")).toContainText("Write a message");
    await card.getByLabel("Message", { exact: true }).fill("Please bring your forms.");
    await card.getByRole("button", { name: "Send message" }).click();
    await expect(page).toHaveURL(/\/app\/messages\/\d+$/);
    await expect(page.getByTestId("thread-subject")).toHaveText(`Forms ${u}`);
    await expect(page.getByTestId("no-portal")).toContainText("has no portal access yet");
    await expect(page.getByTestId("messages")).toContainText("Please bring your forms.");
    await expect.poll(() => messagesTo(`solo-${u}@riverside.example`).length, { timeout: 60_000 }).toBe(1);
    expect(messagesTo(`solo-${u}@riverside.example`)[0]).not.toContain("forms");

    // The inbox lists it; "only unread" hides it (the practice wrote last).
    await page.goto("/app/messages");
    await hydrated(page);
    await expect(page.getByTestId("thread").filter({ hasText: `Forms ${u}` })).toHaveCount(1);
    await page.getByLabel("Only threads with unread messages").check();
    await expect(page.getByTestId("thread").filter({ hasText: `Forms ${u}` })).toHaveCount(0);
  });
});
