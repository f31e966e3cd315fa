import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, isoDaysAgo, otherScreen, personWithEmail, signIn, unique } from "./helpers";
import { MAILDIR, joinPortalOnPhone } from "./mail";

/** The practice-local day and "HH:MM" of `at` in `timeZone`. */
function localSlot(at: Date, timeZone: string): { day: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(at).map((p) => [p.type, p.value]),
  );
  return { day: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

async function schedule(page: Page, group: number, me: number, at: Date, timeZone: string): Promise<number> {
  const slot = localSlot(at, timeZone);
  const scheduled = await call(page, "schedule", {
    draft: {
      case_id: group, day: slot.day, start_time: slot.time, minutes: 60, service_id: null,
      location: "Room 4, 2nd floor", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
    },
  });
  return scheduled.Done.first;
}

test.describe("participant portal", () => {
  test.skip(!MAILDIR, "needs the SMTP server scripts/test starts (portal accounts come by invitation)");

  test("a participant confirms on their phone and the open attendance screen shows it; a late cancellation is asked, shown with its fee and accepted by staff", async ({ page, browser }, info) => {
    const u = unique().toLowerCase();
    const found: string[] = [];
    await signIn(page, "provider@riverside.example");
    const viewer = await call(page, "viewer", null);
    const me = viewer.account_id;
    const owner = await otherScreen(browser, info, false);
    await signIn(owner, "owner@riverside.example");
    const { time_zone: timeZone } = await call(owner, "reminder_settings", {});
    const address = `ines-${u}@example.org`;
    const ines = await personWithEmail(page, `Ines${u} Varga`, address);
    const coMember = `Oskar${u} Lindqvist`;
    const oskar = await personWithEmail(page, coMember, `oskar-${u}@example.org`);
    const groupName = `Binge eating group ${u}`;
    const group = await call(page, "create_case", {
      draft: {
        kind: "therapy_group", name: groupName, initials: `P${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [me], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    const joined = localSlot(new Date(Date.now() - 30 * 86_400_000), timeZone).day;
    for (const p of [ines, oskar]) await call(page, "add_member", { case: group, person: p.id, joined_on: joined });
    // Tomorrow's session is inside the practice's 24-hour window; the one in five days is not.
    const round = (ms: number) => new Date(Math.ceil(ms / 300_000) * 300_000);
    const soon = await schedule(page, group, me, round(Date.now() + 20 * 3_600_000), timeZone);
    const later = await schedule(page, group, me, round(Date.now() + 5 * 86_400_000), timeZone);

    // Ines is invited to the portal and sets her password on her phone.
    await call(owner, "invite_to_portal", { person: ines.id });
    const phone = await joinPortalOnPhone(browser, info, address, `amber field ${u} lantern`);

    const mine = phone.getByTestId("my-sessions");
    const sessions = mine.getByTestId("portal-session");
    await expect(sessions).toHaveCount(2);
    // A neutral label by default: neither the group's name nor anyone in it.
    await expect(sessions.first().getByTestId("session-label")).toHaveText("Group session");
    await expect(sessions.first()).toContainText("Room 4, 2nd floor");
    await expect(phone.locator("body")).not.toContainText(groupName);
    await expect(phone.locator("body")).not.toContainText(coMember);
    found.push(...(await problems(phone, "/portal")));

    // The clinician has the later session's attendance screen open.
    await page.goto(`/app/sessions/${later}`);
    await hydrated(page);
    await expect(page.getByTestId("live-status")).toContainText("Live");
    const row = page.getByTestId("attendance-row").filter({ hasText: `Ines${u}` });
    await expect(row.getByTestId("confirmation")).toHaveValue("not_confirmed");
    const second = sessions.nth(1);
    await second.getByRole("button", { name: "Confirm" }).click();
    await expect(second.getByTestId("confirmation")).toHaveText("You confirmed");
    await expect(row.getByTestId("confirmation")).toHaveValue("confirmed");

    // Tomorrow's session: cancelling now is late, and the fee is said before asking.
    const first = sessions.first();
    await first.getByRole("button", { name: "Can't come…" }).click();
    const form = first.getByTestId("cancel-form");
    await expect(form.getByTestId("late-fee")).toContainText("late-cancel fee of $");
    await form.getByLabel("A note for the practice (optional)").fill("Fever since last night.");
    found.push(...(await problems(phone, "/portal (cancelling)")));
    await form.getByRole("button", { name: "Ask to cancel" }).click();
    await expect(first.getByTestId("confirmation")).toHaveText("You asked to cancel: waiting for the practice");

    // Staff see the request on their home screen and accept it: attendance records it.
    await page.goto("/app");
    await hydrated(page);
    const request = page.getByTestId("portal-request").filter({ hasText: `Ines${u}` });
    await expect(request).toContainText("Cancel their place");
    await expect(request).toContainText("Fever since last night.");
    await expect(request).toContainText("late-cancel fee");
    found.push(...(await problems(page, "/app (requests)")));
    await request.getByRole("button", { name: "Accept" }).click();
    await expect(request).toHaveCount(0);
    const sheet = await call(page, "attendance", { id: soon });
    const ours = sheet.rows.find((r: any) => r.state.person_id === ines.id);
    expect(ours.state.label).toBe("Late cancel");
    await phone.reload();
    await hydrated(phone);
    await expect(sessions.first().getByTestId("confirmation")).toHaveText("Cancelled at your request");

    // Past sessions: none yet.
    await mine.getByRole("button", { name: "Past" }).click();
    await expect(mine.getByTestId("no-sessions")).toHaveText("No past sessions yet.");

    // Her own calendar feed: her sessions, the neutral label, nobody else.
    const feedCard = phone.getByTestId("my-feed");
    await feedCard.getByRole("button", { name: "Turn on" }).click();
    const url = await feedCard.getByTestId("my-feed-url").inputValue();
    expect(url).toContain("/calendar/me/");
    const ics = await (await phone.request.get(url.slice(url.indexOf("/calendar/me/")))).text();
    expect(ics).toContain("SUMMARY:Group session");
    expect(ics).not.toContain(coMember);
    expect(ics).not.toContain(groupName);
    found.push(...(await problems(phone, "/portal (feed on)")));
    // Turned off, the address opens nothing.
    await feedCard.getByRole("button", { name: "Turn off" }).click();
    await expect(feedCard.getByRole("button", { name: "Turn on" })).toBeVisible();
    expect((await phone.request.get(url.slice(url.indexOf("/calendar/me/")))).status()).toBe(404);
    expect(found).toEqual([]);
  });

  test("the owner sets how late a cancellation may come, beside the missed-session fees", async ({ page }) => {
    await signIn(page, "owner@riverside.example");
    await page.goto("/app/services");
    await hydrated(page);
    const card = page.getByTestId("missed-fees");
    const hours = card.getByLabel("Late-cancel window (hours before the session)");
    await expect(hours).toHaveValue(/^\d+$/);
    await hours.fill("a day");
    await card.getByRole("button", { name: "Save window" }).click();
    await expect(card.locator("[data-field=late_cancel_hours]")).toContainText("whole hours");
    await hours.fill("200");
    await card.getByRole("button", { name: "Save window" }).click();
    await expect(card.locator("[data-field=late_cancel_hours]")).toContainText("between 0 and 168");
    // 24 hours, the default, which the other portal tests count on.
    await hours.fill("24");
    await card.getByRole("button", { name: "Save window" }).click();
    await expect(card.getByText("Saved.").last()).toBeVisible();
    expect(await problems(page, "/app/services (late-cancel window)")).toEqual([]);
  });

  test("the practice chooses what participants see a group called", async ({ page }) => {
    const u = unique();
    await signIn(page, "provider@riverside.example");
    const me = (await call(page, "viewer", null)).account_id;
    const group = await call(page, "create_case", {
      draft: {
        kind: "workshop", name: `Assertiveness workshop ${u}`, initials: `L${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [me], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    const card = page.getByTestId("portal-label");
    await expect(card.getByTestId("portal-shown")).toHaveText("Workshop session");
    // The field takes at most 60 characters (the server refuses more with its own error).
    await card.getByLabel("Neutral label", { exact: true }).fill("x".repeat(61));
    await expect(card.getByLabel("Neutral label", { exact: true })).toHaveValue("x".repeat(60));
    await card.getByLabel("Neutral label", { exact: true }).fill("Saturday morning");
    await card.getByRole("button", { name: "Save portal label" }).click();
    await expect(card.getByTestId("portal-shown")).toHaveText("Saturday morning");
    await card.getByLabel("The case's name").check();
    await card.getByRole("button", { name: "Save portal label" }).click();
    await expect(card.getByTestId("portal-shown")).toHaveText(`Assertiveness workshop ${u}`);
    expect(await problems(page, "/app/cases/:id (portal label)")).toEqual([]);
  });

  test("a parent sees their child's invoice and receipt and downloads them as PDFs, and nothing of the child's care; the child sees no bills", async ({ page, browser }, info) => {
    const u = unique().toLowerCase();
    const found: string[] = [];
    await signIn(page, "provider@riverside.example");
    const me = (await call(page, "viewer", null)).account_id;
    const services: { id: number; code: string }[] = await call(page, "services", { include_inactive: false });
    const svc = services.find((s) => s.code === "90853")!.id;
    const childName = `Kit${u} Juniper`;
    const childEmail = `kit-${u}@example.org`;
    const parentEmail = `pat-${u}@example.org`;
    const child = await personWithEmail(page, childName, childEmail);
    const parent = await call(page, "create_person", {
      input: {
        kind: "billing_contact", legal_name: `Pat${u} Juniper`, preferred_name: "", pronouns: "", date_of_birth: "",
        email: parentEmail, phone: "", address: "", emergency_contact: "", admin_notes: "",
      },
    });
    const groupName = `Teen skills ${u}`;
    const group = await call(page, "create_case", {
      draft: {
        kind: "therapy_group", name: groupName, initials: `K${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [me], default_service_id: svc, participant_ids: [], payer: { type: "contact", contact: parent.id },
      },
    });
    await call(page, "add_member", { case: group, person: child.id, joined_on: isoDaysAgo(30) });
    const scheduled = await call(page, "schedule", {
      draft: {
        case_id: group, day: isoDaysAgo(3), start_time: "06:00", minutes: 60, service_id: null,
        location: "", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
      },
    });
    const now = Date.now();
    await call(page, "record_attendance", {
      id: scheduled.Done.first,
      changes: [{ person_id: child.id, choice: { type: "attended", service: svc }, base_version: 0, made_at: now, fill_only: false }],
      sent_at: now,
    });

    // The administrator invoices the parent, takes a payment and invites both to the portal.
    const admin = await otherScreen(browser, info, false);
    await signIn(admin, "admin@riverside.example");
    const { time_zone: timeZone } = await call(admin, "reminder_settings", {});
    const today = localSlot(new Date(), timeZone).day;
    const run = await call(admin, "invoice_unbilled", { payer: parent.id, through: today });
    expect(run.invoices.length).toBe(1);
    const invoiceTitle = run.invoices[0].title;
    const paid = await call(admin, "take_account_payment", {
      payer: parent.id, payment: { amount: "20", method: "cash", reference: "" }, chosen: [],
    });
    for (const p of [parent, child]) await call(admin, "invite_to_portal", { person: p.id });

    const join = (address: string, password: string) => joinPortalOnPhone(browser, info, address, password);

    const pat = await join(parentEmail, `copper kettle ${u} meadow`);
    // The parent is in no group: no sessions, and nothing of the child's care anywhere.
    await expect(pat.getByTestId("no-sessions")).toHaveText("You have no upcoming sessions.");
    await pat.getByRole("link", { name: "Bills" }).click();
    await expect(pat).toHaveURL(/\/portal\/bills$/);
    await hydrated(pat);
    await expect(pat.getByTestId("my-invoice")).toHaveCount(1);
    await expect(pat.getByTestId("my-invoice")).toContainText(invoiceTitle);
    await expect(pat.getByTestId("my-receipt")).toContainText(`Receipt ${paid.receipt_number}`);
    await expect(pat.getByTestId("my-balance")).toContainText("You owe");
    await expect(pat.locator("body")).not.toContainText(groupName);
    found.push(...(await problems(pat, "/portal/bills")));

    // Both documents download as PDFs, read by an independent reader (poppler).
    const [receiptDownload] = await Promise.all([
      pat.waitForEvent("download"),
      pat.getByRole("link", { name: `Download Receipt ${paid.receipt_number} (PDF)` }).click(),
    ]);
    const receiptText = execFileSync("pdftotext", ["-layout", (await receiptDownload.path())!, "-"]).toString();
    expect(receiptText).toContain(`Receipt ${paid.receipt_number}`);
    expect(receiptText).toContain(childName);
    expect(receiptText).toMatch(/\$20\.00/);
    const [invoiceDownload] = await Promise.all([
      pat.waitForEvent("download"),
      pat.getByRole("link", { name: `Download ${invoiceTitle} (PDF)` }).click(),
    ]);
    const invoiceText = execFileSync("pdftotext", ["-layout", (await invoiceDownload.path())!, "-"]).toString();
    expect(invoiceText).toContain(invoiceTitle);
    expect(invoiceText).toContain(childName);
    expect(invoiceText).not.toContain(groupName);
    // The child's chart and case are not the parent's to open.
    const casePage = await pat.request.get(`/app/cases/${group}`);
    expect(await casePage.text()).not.toContain(groupName);
    const caseCall = await pat.request.post("/api/case_details", { data: { id: group } });
    expect(caseCall.status()).toBe(403);
    const chartCall = await pat.request.post("/api/chart", { data: { person: child.id } });
    expect(chartCall.status()).toBe(403);

    // The child pays nothing, so has no bills, and cannot open the parent's documents.
    const kit = await join(childEmail, `silver birch ${u} harbor`);
    await kit.goto("/portal/bills");
    await hydrated(kit);
    await expect(kit.getByTestId("no-bills")).toBeVisible();
    await expect(kit.getByTestId("my-invoice")).toHaveCount(0);
    const theirs = await kit.request.get(`/documents/mine/receipts/${paid.payment}.pdf`);
    expect(theirs.status()).toBe(404);
    found.push(...(await problems(kit, "/portal/bills (none)")));
    expect(found).toEqual([]);
  });
});
