import { expect, test, type Page } from "@playwright/test";
import { call, hydrated, isoDaysAgo, signIn, unique } from "./helpers";

function newPerson(page: Page, kind: string, name: string) {
  return call(page, "create_person", {
    input: {
      kind, legal_name: name, preferred_name: "", pronouns: "", date_of_birth: "",
      email: "", phone: "", address: "", emergency_contact: "", admin_notes: "",
    },
  });
}

/** A workshop of the signed-in provider, its default service WS-PARENT, paid by `payer`,
 * with `people` as members since a month ago. */
async function workshop(page: Page, name: string, initials: string, payer: object, people: { id: number }[]) {
  const me = (await call(page, "viewer", null)).account_id;
  const services: { id: number; code: string }[] = await call(page, "services", { include_inactive: false });
  const svc = services.find((s) => s.code === "WS-PARENT")!.id;
  const group = await call(page, "create_case", {
    draft: {
      kind: "workshop", name, initials, capacity: null,
      provider_ids: [me], default_service_id: svc, participant_ids: [], payer,
    },
  });
  for (const p of people) await call(page, "add_member", { case: group, person: p.id, joined_on: isoDaysAgo(30) });
  /** A session of the workshop yesterday, everyone attended; returns its id. */
  const attendedYesterday = async () => {
    const scheduled = await call(page, "schedule", {
      draft: {
        case_id: group, day: isoDaysAgo(1), start_time: "06:00", minutes: 60, service_id: null,
        location: "", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
      },
    });
    const session = scheduled.Done.first;
    const now = Date.now();
    await call(page, "record_attendance", {
      id: session,
      changes: people.map((p) => ({ person_id: p.id, choice: { type: "attended", service: svc }, base_version: 0, made_at: now, fill_only: false })),
      sent_at: now,
    });
    return session;
  };
  return { group, attendedYesterday };
}

test.describe("shared charges", () => {
  test("a sponsor pays 80% and each participant 20%, and each part is paid on its own at the session", async ({ page }) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const sponsor = await newPerson(page, "organization", `Sponsor ${token}`);
    const dana = await newPerson(page, "person", `Dana ${token}`);
    const { group, attendedYesterday } = await workshop(
      page, `Shared ${token}`, `S${token.slice(-4)}`, { type: "organization", contact: sponsor.id }, [dana],
    );

    // On the case page: not shared yet; a share of 100% or more is refused by the form.
    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    const billing = page.getByTestId("billing");
    await expect(billing.getByTestId("shares-rest")).toHaveText(`Not shared: Sponsor: Sponsor ${token} pays each charge in full.`);
    await billing.getByRole("button", { name: "Share charges with another payer" }).click();
    const form = billing.getByTestId("share-form");
    await expect(form.getByLabel("Self-pay")).toBeChecked();
    await form.getByLabel("Percentage of each charge").fill("100");
    await form.getByRole("button", { name: "Add share" }).click();
    await expect(form.getByRole("alert")).toContainText("A share must be less than 100%");
    await form.getByLabel("Percentage of each charge").fill("20");
    await form.getByRole("button", { name: "Add share" }).click();
    await expect(billing.getByTestId("share")).toHaveText(/^Each participant pays 20% of each charge\s*Remove$/);
    await expect(billing.getByTestId("shares-rest")).toHaveText(`Sponsor: Sponsor ${token} pays the rest.`);
    await expect(billing.getByTestId("share-form")).toHaveCount(0);

    const session = await attendedYesterday();

    // At the session: the payment form asks whose part, starting with the participant's own.
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    const row = page.getByTestId("attendance-row").filter({ hasText: `Dana ${token}` });
    await expect(row.getByTestId("charge")).toHaveText("$45.00");
    await row.getByRole("button", { name: `Take payment for Dana ${token}` }).click();
    const pay = row.getByTestId("payment-form");
    const part = pay.getByLabel("Whose part");
    await expect(part.locator("option")).toHaveCount(2);
    await expect(part.locator("option:checked")).toHaveText(`Dana ${token} — owes $9.00 of $9.00`);
    await expect(pay.getByLabel("Amount")).toHaveValue("9.00");
    // Choosing the sponsor's part fills in what the sponsor owes; back to Dana's.
    await part.selectOption({ label: `Sponsor ${token} — owes $36.00 of $36.00` });
    await expect(pay.getByLabel("Amount")).toHaveValue("36.00");
    await part.selectOption({ label: `Dana ${token} — owes $9.00 of $9.00` });
    await expect(pay.getByLabel("Amount")).toHaveValue("9.00");
    await pay.getByRole("button", { name: "Record payment" }).click();
    await expect(row.getByTestId("payment-done")).toHaveText(new RegExp(`^Receipt \\d+: \\$9\\.00 from Dana ${token}\\.$`));
    await expect(row.getByTestId("paid")).toHaveText("Paid $9.00 · owes $36.00");

    // Only the sponsor's part is left: no choice to make, and the amount is theirs.
    await row.getByRole("button", { name: `Take payment for Dana ${token}` }).click();
    await expect(pay.getByLabel("Amount")).toHaveValue("36.00");
    await expect(pay.getByLabel("Whose part")).toHaveCount(0);
    await pay.getByLabel("Method").selectOption({ label: "Check" });
    await pay.getByLabel("Check number").fill("5521");
    await pay.getByRole("button", { name: "Record payment" }).click();
    await expect(row.getByTestId("payment-done")).toHaveText(new RegExp(`^Receipt \\d+: \\$36\\.00 from Sponsor ${token}\\.$`));
    await expect(row.getByTestId("paid")).toHaveText("Paid in full ($45.00)");

    // Removing the share gives the whole charge back to the sponsor.
    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    await page.getByRole("button", { name: "Remove share: Each participant pays 20% of each charge" }).click();
    await expect(page.getByTestId("billing").getByTestId("share")).toHaveCount(0);
    await expect(page.getByTestId("billing").getByTestId("shares-rest")).toHaveText(`Not shared: Sponsor: Sponsor ${token} pays each charge in full.`);
  });

  test("one member's employer pays 75% and the member 25%, while the next member follows the case", async ({ page }) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const robin = await newPerson(page, "person", `Robin ${token}`);
    const sam = await newPerson(page, "person", `Sam ${token}`);
    const { group, attendedYesterday } = await workshop(
      page, `Employer ${token}`, `E${token.slice(-4)}`, { type: "self_pay" }, [robin, sam],
    );

    // Robin's own payer: a new organization, chosen on Robin's row.
    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    const member = page.locator("li.member").filter({ hasText: `Robin ${token}` });
    await member.getByRole("button", { name: `Payer for Robin ${token}` }).click();
    await member.getByLabel("A sponsoring organization").check();
    await member.getByLabel("Or add a new organization").fill(`Works ${token}`);
    await member.getByRole("button", { name: "Add organization" }).click();
    await expect(member.getByTestId("payer-chosen")).toContainText(`Works ${token}`);
    await member.getByRole("button", { name: "Save payer" }).click();
    await expect(member).toContainText(`Sponsor: Works ${token}`);

    // Robin's charges are shared: Robin pays 25%, the employer the rest.
    await member.getByRole("button", { name: `Payer for Robin ${token}` }).click();
    const own = member.getByTestId("shares");
    await expect(own.getByRole("heading")).toHaveText(`Shared charges for Robin ${token}`);
    await expect(own.getByTestId("shares-rest")).toHaveText(`Not shared: Sponsor: Works ${token} pays each charge in full.`);
    await own.getByRole("button", { name: `Share Robin ${token}'s charges with another payer` }).click();
    const form = own.getByTestId("share-form");
    await expect(form.getByLabel("Self-pay")).toBeChecked();
    await form.getByLabel("Percentage of each charge").fill("25");
    await form.getByRole("button", { name: "Add share" }).click();
    await expect(member).toContainText("shared with 1 other payer");
    await expect(member.getByTestId("share")).toHaveText(new RegExp(`^Robin ${token} pays 25% of each of their charges\\s*Remove$`));
    await expect(member.getByTestId("shares-rest")).toHaveText(`Sponsor: Works ${token} pays the rest.`);
    // While shared, Robin keeps a payer of their own.
    await member.getByLabel("The case's default payer").check();
    await member.getByRole("button", { name: "Save payer" }).click();
    await expect(member.getByRole("alert")).toContainText("remove those shares first");

    // A session yesterday, both attended.
    const session = await attendedYesterday();

    // Robin's $45.00 is split $11.25 / $33.75; Sam pays the whole charge.
    await page.goto(`/app/sessions/${session}`);
    await hydrated(page);
    const robinRow = page.getByTestId("attendance-row").filter({ hasText: `Robin ${token}` });
    await robinRow.getByRole("button", { name: `Take payment for Robin ${token}` }).click();
    const part = robinRow.getByTestId("payment-form").getByLabel("Whose part");
    await expect(part.locator("option")).toHaveText([
      `Robin ${token} — owes $11.25 of $11.25`,
      `Works ${token} — owes $33.75 of $33.75`,
    ]);
    const samRow = page.getByTestId("attendance-row").filter({ hasText: `Sam ${token}` });
    await samRow.getByRole("button", { name: `Take payment for Sam ${token}` }).click();
    const samPay = samRow.getByTestId("payment-form");
    await expect(samPay.getByLabel("Whose part")).toHaveCount(0);
    await expect(samPay.getByLabel("Amount")).toHaveValue("45.00");
  });
});
