import { execFileSync } from "node:child_process";
import { expect, test, type Page } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, isoDaysAgo, otherScreen, signIn, unique } from "./helpers";

function newPerson(page: Page, kind: string, name: string) {
  return call(page, "create_person", {
    input: {
      kind, legal_name: name, preferred_name: "", pronouns: "", date_of_birth: "",
      email: "", phone: "", address: "", emergency_contact: "", admin_notes: "",
    },
  });
}

/** A new case of the signed-in provider with `names` as members and one session `daysAgo`
 * days ago, each member's attendance recorded as `choice` (a function of the service's id). */
async function pastSession(
  page: Page,
  kind: string,
  code: string,
  names: string[],
  payer: object,
  choice: (svc: number) => object,
  daysAgo: number,
): Promise<{ people: { id: number }[]; session: number }> {
  const token = unique();
  const me = (await call(page, "viewer", null)).account_id;
  const services: { id: number; code: string }[] = await call(page, "services", { include_inactive: false });
  const svc = services.find((s) => s.code === code)!.id;
  const people = [];
  for (const name of names) people.push(await newPerson(page, "person", name));
  const group = await call(page, "create_case", {
    draft: {
      kind, name: `Invoiced ${token}`, initials: `I${token.slice(-4)}`, capacity: null,
      provider_ids: [me], default_service_id: svc, participant_ids: [], payer,
    },
  });
  for (const p of people) await call(page, "add_member", { case: group, person: p.id, joined_on: isoDaysAgo(daysAgo + 30) });
  const scheduled = await call(page, "schedule", {
    draft: {
      case_id: group, day: isoDaysAgo(daysAgo), start_time: "06:00", minutes: 60, service_id: null,
      location: "", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
    },
  });
  const session = scheduled.Done.first;
  const now = Date.now();
  await call(page, "record_attendance", {
    id: session,
    changes: people.map((p) => ({ person_id: p.id, choice: choice(svc), base_version: 0, made_at: now, fill_only: false })),
    sent_at: now,
  });
  return { people, session };
}

test.describe("invoices", () => {
  test("a sponsor is invoiced once for a workshop of three, from the billing page's batch run", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const sponsor = await newPerson(page, "organization", `Sponsor ${token}`);
    // Older than any other test's sessions, so this batch run bills none of theirs while
    // they wait to invoice them; the phone's twin a little later than the desktop's, whose
    // own run (through its day) then leaves the twin alone.
    const daysAgo = info.project.name === "phone" ? 400 : 410;
    await pastSession(
      page, "workshop", "WS-PARENT",
      [`Ada ${token}`, `Ben ${token}`, `Cy ${token}`],
      { type: "organization", contact: sponsor.id },
      (svc) => ({ type: "attended", service: svc }),
      daysAgo,
    );
    // Providers do not see billing.
    await page.goto("/app/billing");
    await expect(page.getByTestId("error-panel")).toBeVisible();

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto("/app");
    await hydrated(admin);
    if (info.project.name === "phone") await admin.getByRole("button", { name: "Menu" }).click();
    await admin.getByRole("link", { name: "Billing" }).click();
    await expect(admin.getByRole("heading", { name: "Invoices", exact: true })).toBeVisible();
    await hydrated(admin);
    await expect(admin.getByTestId("unbilled-summary")).toContainText("unbilled");

    // A day that has not come yet is refused by the field.
    const run = admin.getByTestId("invoice-run");
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await run.getByLabel("Sessions through").fill(tomorrow);
    await run.getByRole("button", { name: "Invoice everything unbilled" }).click();
    await expect(run.getByRole("alert")).toHaveText("Invoices cover sessions that have happened: choose today or earlier.");

    // Through the workshop's day (other tests' later sessions are theirs to invoice).
    await run.getByLabel("Sessions through").fill(isoDaysAgo(daysAgo));
    await run.getByRole("button", { name: "Invoice everything unbilled" }).click();
    await expect(admin.getByTestId("invoice-run-done")).toContainText("issued");
    const listed = admin.getByTestId("documents").getByTestId("document").filter({ hasText: `Sponsor ${token}` });
    await expect(listed).toHaveCount(1);

    // The invoice: three lines, one for each participant the sponsor pays for.
    await listed.getByRole("link").click();
    await expect(admin.getByTestId("document-title")).toHaveText(/^Invoice \d+$/);
    await expect(admin.getByTestId("document-payer")).toHaveText(`Sponsor ${token}`);
    const lines = admin.getByTestId("line");
    await expect(lines).toHaveCount(3);
    for (const who of ["Ada", "Ben", "Cy"]) await expect(lines.filter({ hasText: `${who} ${token}` })).toHaveCount(1);
    await expect(lines.first()).toContainText("WS-PARENT Parenting skills workshop session");
    await expect(admin.getByTestId("document-total")).toHaveText("$135.00");

    // Its PDF, downloaded from the page and read by an independent reader (poppler), says
    // the same: the payer, each participant and the total.
    const [download] = await Promise.all([
      admin.waitForEvent("download"),
      admin.getByTestId("document-pdf").click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^invoice-\d+\.pdf$/);
    const text = execFileSync("pdftotext", ["-layout", (await download.path())!, "-"]).toString();
    expect(text).toContain(`Sponsor ${token}`);
    for (const who of ["Ada", "Ben", "Cy"]) expect(text).toContain(`${who} ${token}`);
    expect(text).toContain("WS-PARENT Parenting skills workshop session");
    expect(text).toMatch(/Total \$135\.00/);

    // A second run bills the sponsor nothing more.
    await admin.goto("/app/billing");
    await hydrated(admin);
    await admin.getByTestId("invoice-run").getByLabel("Sessions through").fill(isoDaysAgo(daysAgo));
    await admin.getByTestId("invoice-run").getByRole("button", { name: "Invoice everything unbilled" }).click();
    await expect(admin.getByTestId("invoice-run-done")).toBeVisible();
    await admin.goto(`/app/people/${sponsor.id}/account`);
    await hydrated(admin);
    await expect(admin.getByTestId("documents").getByTestId("document")).toHaveCount(1);
    await expect(admin.getByTestId("unbilled")).toHaveCount(0);
    await admin.context().close();
  });

  test("a no-show fee is invoiced; a correction after invoicing is a credit note; a void keeps the number", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const name = `Nolan ${token}`;
    const { people, session } = await pastSession(
      page, "therapy_group", "90853", [name], { type: "self_pay" }, () => ({ type: "no_show" }), 1,
    );
    const person = people[0];

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    await expect(admin.getByTestId("unbilled")).toHaveText("Not yet invoiced: $40.00");
    await expect(admin.getByTestId("open-charges")).toContainText("Unbilled");
    await expect(admin.getByTestId("no-documents")).toBeVisible();
    const run = admin.getByTestId("invoice-run");
    await run.getByRole("button", { name: "Invoice unbilled" }).click();
    await expect(run.getByTestId("invoice-run-done")).toHaveText(new RegExp(`^Invoice \\d+ issued to ${name}: 1 line, \\$40\\.00\\.$`));
    await expect(admin.getByTestId("unbilled")).toHaveCount(0);
    const invoice = admin.getByTestId("documents").getByTestId("document");
    await expect(invoice).toHaveCount(1);
    const title = (await invoice.locator("a").textContent())!;
    await invoice.locator("a").click();
    await expect(admin.getByTestId("document-title")).toHaveText(title);
    await expect(admin.getByTestId("line")).toHaveCount(1);
    await expect(admin.getByTestId("line")).toContainText("No-show fee");
    await expect(admin.getByTestId("line")).toContainText(name);
    const invoiceUrl = admin.url();
    expect(await problems(admin, "invoice")).toEqual([]);

    // The clinician corrects the attendance on the session screen: a late cancel after all.
    // The charge is invoiced, so the change is a correction and asks why before saving.
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    const row = page.getByTestId("attendance-row").filter({ hasText: name });
    await row.getByRole("button", { name: `Change attendance for ${name}` }).click();
    await row.getByLabel(`Attendance for ${name}`, { exact: true }).selectOption({ label: "Late cancel ($25.00)" });
    const correction = row.getByTestId("correction-form");
    await expect(correction).toContainText("This charge is on an issued invoice");
    await expect(correction.getByTestId("correction-to")).toHaveText("Correct to: Late cancel ($25.00)");
    await expect(row.getByTestId("charge")).toHaveText("$40.00");
    await correction.getByRole("button", { name: "Save correction" }).click();
    await expect(correction.getByRole("alert")).toHaveText("Say why this attendance is corrected; the reason is kept with it.");
    expect(await problems(page, "correction form")).toEqual([]);
    await correction.getByLabel("Reason for the correction").fill("Called the day before to cancel");
    await correction.getByRole("button", { name: "Save correction" }).click();
    await expect(row.getByTestId("corrected")).toHaveText("Corrected to Late cancel. The reason is kept in the history.");
    await expect(correction).toHaveCount(0);
    await expect(row.getByTestId("charge")).toHaveText("$25.00");
    await expect(row.getByTestId("pending")).toHaveCount(0);
    await row.locator("summary", { hasText: "History" }).click();
    await expect(row.getByTestId("history").locator("li")).toHaveCount(2);
    await expect(row.getByTestId("correction-reason")).toHaveText("Correction: Called the day before to cancel");

    // The invoice is as it was issued; a credit note against it credits the difference.
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    const note = admin.getByTestId("documents").locator('[data-kind="credit_note"]');
    await expect(note).toHaveCount(1);
    await expect(note).toContainText("-$15.00");
    await note.locator("a").click();
    await expect(admin.getByTestId("document-title")).toHaveText(/^Credit note \d+$/);
    await expect(admin.getByTestId("credits")).toHaveText(title);
    await admin.getByTestId("credits").click();
    await expect(admin.getByTestId("document-title")).toHaveText(title);
    await expect(admin.getByTestId("document-total")).toHaveText("$40.00");
    await expect(admin.getByTestId("credit-notes").getByTestId("document")).toHaveCount(1);

    // Voiding needs a reason, keeps the number, and the charge is unbilled again.
    await admin.goto(invoiceUrl);
    await hydrated(admin);
    await admin.getByTestId("void-open").click();
    const form = admin.getByTestId("void-form");
    await form.getByRole("button", { name: `Void ${title}` }).click();
    await expect(form.getByRole("alert")).toHaveText("Say why this invoice is voided; the reason is kept with it.");
    expect(await problems(admin, "void form")).toEqual([]);
    await form.getByLabel("Reason").fill("Sent before the correction");
    await form.getByRole("button", { name: `Void ${title}` }).click();
    await expect(admin.getByTestId("void-notice")).toContainText("Void. Sent before the correction");
    await expect(admin.getByTestId("document-title")).toHaveText(title);
    await expect(admin.getByTestId("void-open")).toHaveCount(0);
    await admin.goto(`/app/people/${person.id}/account`);
    await hydrated(admin);
    await expect(admin.getByTestId("unbilled")).toHaveText("Not yet invoiced: $25.00");
    await expect(admin.getByTestId("documents").getByTestId("void")).toHaveCount(2);
    await admin.context().close();
  });

  test("an admin invoices one session from its screen; its rows then change only by a correction", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const names = [`Iris ${token}`, `Jon ${token}`];
    const { session } = await pastSession(
      page, "therapy_group", "90853", names, { type: "self_pay" },
      (svc) => ({ type: "attended", service: svc }), 2,
    );
    // Providers do not invoice.
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    await expect(page.getByTestId("attendance-row")).toHaveCount(2);
    await expect(page.getByTestId("invoice-session")).toHaveCount(0);

    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/sessions/${session}`);
    await hydrated(admin);
    await admin.getByTestId("invoice-session").click();
    const done = admin.getByTestId("invoice-session-done");
    await expect(done).toContainText("2 invoices issued: 2 lines, $120.00.");
    for (const name of names) await expect(done.getByRole("link", { name: new RegExp(`^Invoice \\d+ to ${name}$`) })).toBeVisible();
    expect(await problems(admin, "session invoiced")).toEqual([]);

    // Invoiced: a change to Iris's attendance is now a correction.
    const row = admin.getByTestId("attendance-row").filter({ hasText: names[0] });
    await row.getByRole("button", { name: `Change attendance for ${names[0]}` }).click();
    await row.getByLabel(`Attendance for ${names[0]}`, { exact: true }).selectOption({ label: "Attended, no fee" });
    await expect(row.getByTestId("correction-form")).toContainText("This charge is on an issued invoice");
    await row.getByRole("button", { name: "Keep as is" }).click();
    await expect(row.getByTestId("choice")).toHaveText("Attended (90853)");

    // Again: nothing left; the invoice reads as issued.
    await admin.getByTestId("invoice-session").click();
    await expect(done).toHaveText("Nothing of this session is waiting to be invoiced.");
    await admin.reload();
    await hydrated(admin);
    await admin.getByTestId("invoice-session").click();
    await expect(admin.getByTestId("invoice-session-done")).toHaveText("Nothing of this session is waiting to be invoiced.");
    await admin.context().close();
  });

  test("a change queued offline that meets a freshly issued invoice is not stored: it asks for a reason", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const name = `Kim ${token}`;
    const { session } = await pastSession(
      page, "therapy_group", "90853", [name], { type: "self_pay" },
      (svc) => ({ type: "attended", service: svc }), 3,
    );
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    const row = page.getByTestId("attendance-row").filter({ hasText: name });
    await expect(row.getByTestId("choice")).toHaveText("Attended (90853)");

    // The provider's screen loses its connection and a change waits on the device.
    await page.context().setOffline(true);
    await row.getByRole("button", { name: `Change attendance for ${name}` }).click();
    await row.getByLabel(`Attendance for ${name}`, { exact: true }).selectOption({ label: "Attended, no fee" });
    await expect(row.getByTestId("pending")).toBeVisible();

    // Meanwhile the administrator invoices the session.
    const admin = await otherScreen(browser, info, info.project.name === "phone");
    await signIn(admin, "admin@riverside.example");
    await admin.goto(`/app/sessions/${session}`);
    await hydrated(admin);
    await admin.getByTestId("invoice-session").click();
    await expect(admin.getByTestId("invoice-session-done")).toContainText("Invoice issued: 1 line");

    // Back online, the waiting change meets the invoice: nothing is stored, the row asks why.
    await page.context().setOffline(false);
    const correction = row.getByTestId("correction-form");
    await expect(correction).toContainText("This charge is on an issued invoice");
    await expect(row.getByTestId("pending")).toHaveCount(0);
    await expect(row.getByTestId("choice")).toHaveText("Attended (90853)");
    await row.getByRole("button", { name: "Save correction" }).click();
    await expect(correction.locator('[data-field="reason"]')).toBeVisible();
    await row.getByTestId("correction-reason-input").fill("Fee waived: the group ended early");
    await row.getByRole("button", { name: "Save correction" }).click();
    await expect(row.getByTestId("choice")).toHaveText("Attended, no fee");
    await admin.context().close();
  });
});
