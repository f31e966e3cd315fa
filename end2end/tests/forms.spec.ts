import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, personWithEmail, signIn, unique } from "./helpers";
import { MAILDIR, joinPortalOnPhone, messagesTo } from "./mail";

test.describe("forms and signatures", () => {
  test.skip(!MAILDIR, "needs the SMTP server scripts/test starts (portal accounts come by invitation)");

  test("the owner builds a workshop participation agreement, sends it to the workshop, and a participant signs it on a phone", async ({ page, browser }, info) => {
    const u = unique().toLowerCase();
    const found: string[] = [];
    await signIn(page, "owner@riverside.example");
    const viewer = await call(page, "viewer", null);

    // The owner builds the agreement: its text, a required question and the signature.
    const formName = `Participation agreement ${u}`;
    await page.goto("/app/forms");
    await hydrated(page);
    await page.getByRole("button", { name: "New form" }).click();
    const builder = page.getByTestId("form-builder");
    await builder.getByLabel("Name", { exact: true }).fill(formName);
    await builder.getByLabel("Set", { exact: true }).selectOption("workshop");
    const addKind = builder.locator("#add-field-kind");
    const fields = builder.getByTestId("form-field");
    await addKind.selectOption("info");
    await builder.getByRole("button", { name: "Add field" }).click();
    await fields.nth(0).getByLabel("Heading").fill("Our agreement");
    await fields.nth(0).getByLabel("Text to show").fill("I will keep what others share in the workshop private.");
    await addKind.selectOption("short_text");
    await builder.getByRole("button", { name: "Add field" }).click();
    await fields.nth(1).getByLabel("Question").fill("Emergency contact");
    await fields.nth(1).getByLabel("Required").check();
    await addKind.selectOption("signature");
    await builder.getByRole("button", { name: "Add field" }).click();
    // Saved without saying what the signer agrees to: the field is named.
    await builder.getByRole("button", { name: "Save form" }).click();
    await expect(fields.nth(2)).toContainText("Say what the signer agrees to.");
    await fields.nth(2).getByLabel("What the signer agrees to").fill("I agree to take part as described above.");
    found.push(...(await problems(page, "/app/forms (builder)")));
    await builder.getByRole("button", { name: "Save form" }).click();
    await expect(page.getByRole("status")).toContainText(`Saved “${formName}”, version 1.`);
    await expect(page.getByTestId("forms-workshop")).toContainText(formName);

    // A workshop with two participants; one of them has a portal account.
    const address = `ines-${u}@example.org`;
    const ines = await personWithEmail(page, `Ines${u} Varga`, address);
    const coMember = `Oskar${u} Lindqvist`;
    const oskar = await personWithEmail(page, coMember, `oskar-${u}@example.org`);
    const workshopName = `Mindful parenting workshop ${u}`;
    const workshop = await call(page, "create_case", {
      draft: {
        kind: "workshop", name: workshopName, initials: `W${u.slice(-4).toUpperCase()}`, capacity: null,
        provider_ids: [viewer.account_id], default_service_id: null, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    const joined = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    for (const p of [ines, oskar]) await call(page, "add_member", { case: workshop, person: p.id, joined_on: joined });
    await call(page, "invite_to_portal", { person: ines.id });
    const phone = await joinPortalOnPhone(browser, info, address, `amber field ${u} lantern`);

    // Sent from the workshop's page to every member.
    await page.goto(`/app/cases/${workshop}`);
    await hydrated(page);
    const card = page.getByTestId("case-forms");
    await card.getByLabel("Form", { exact: true }).selectOption({ label: `${formName} (Workshop)` });
    await card.getByLabel("To", { exact: true }).selectOption({ label: "Every current member" });
    await card.getByRole("button", { name: "Send form" }).click();
    await expect(card.getByRole("status")).toHaveText("Sent to 2 people.");
    const inesRow = card.getByTestId("sent-form").filter({ hasText: `Ines${u}` });
    await expect(inesRow.getByTestId("form-status")).toHaveText("Sent");
    // A reminder reaches Ines by email, naming only the practice; Oskar has no portal
    // account to remind.
    const oskarRow = card.getByTestId("sent-form").filter({ hasText: coMember });
    await expect(oskarRow.getByRole("button", { name: /^Remind/ })).toHaveCount(0);
    await inesRow.getByRole("button", { name: `Remind Ines${u} Varga` }).click();
    await expect(inesRow.getByRole("status")).toHaveText("Reminder sent to 1.");
    await expect(inesRow).toContainText("1 reminder");
    await expect.poll(() => messagesTo(address).filter((m) => /^Subject: Reminder: a form from/m.test(m)).length, { timeout: 20_000 }).toBe(1);
    expect(messagesTo(address).join("\n")).not.toContain(workshopName);
    found.push(...(await problems(page, "/app/cases (forms)")));

    // Ines opens it on her phone: nothing of the workshop's other members.
    await phone.goto("/portal/forms");
    await hydrated(phone);
    await phone.getByTestId("forms-to-do").getByRole("link", { name: formName }).click();
    const form = phone.getByTestId("fill-form");
    await expect(form).toContainText("I will keep what others share in the workshop private.");
    await expect(phone.locator("body")).not.toContainText(coMember);
    await expect(phone.locator("body")).not.toContainText(workshopName);
    found.push(...(await problems(phone, "/portal/forms/:id")));
    // A required answer left blank is refused, and said beside the question.
    await form.getByRole("button", { name: "Sign and submit" }).click();
    await expect(form).toContainText("This question needs an answer.");
    await form.getByLabel("Emergency contact (required)").fill("Sam Varga, 555-0100");
    await form.getByRole("button", { name: "Sign and submit" }).click();
    await expect(form).toContainText("Type your full name to sign.");
    await form.getByLabel("I agree to take part as described above.").check();
    await form.getByLabel("Type your full name to sign").fill(`Ines${u} Varga`);
    found.push(...(await problems(phone, "/portal/forms/:id (filled)")));
    await form.getByRole("button", { name: "Sign and submit" }).click();
    const done = phone.getByTestId("done-form");
    await expect(done.getByTestId("my-form-status")).toHaveText("Completed");
    await expect(done).toContainText("Sam Varga, 555-0100");
    await expect(done.getByTestId("signatures")).toContainText(`Ines${u} Varga`);
    const [download] = await Promise.all([
      phone.waitForEvent("download"),
      done.getByRole("link", { name: "Download PDF" }).click(),
    ]);
    const text = execFileSync("pdftotext", ["-layout", (await download.path())!, "-"]).toString();
    expect(text).toContain(formName);
    expect(text).toContain("Signature page");
    expect(text).toContain("Sam Varga, 555-0100");
    expect(text).toContain(`Ines${u} Varga`);
    expect(text).not.toContain(coMember);
    // The signed form cannot be submitted again.
    const again = await phone.request.post("/api/submit_my_form", {
      data: { id: Number(phone.url().split("/").pop()), answers: { f2: "changed" }, typed_name: "Someone", agreed: true },
    });
    expect(again.status()).toBe(409);

    // The owner's card shows it completed, with its PDF; the other member's is still sent.
    await page.reload();
    await hydrated(page);
    await expect(inesRow.getByTestId("form-status")).toHaveText("Completed");
    await expect(card.getByTestId("sent-form").filter({ hasText: coMember }).getByTestId("form-status")).toHaveText("Sent");
    const [staffDownload] = await Promise.all([
      page.waitForEvent("download"),
      inesRow.getByRole("link", { name: "PDF" }).click(),
    ]);
    const staffText = execFileSync("pdftotext", ["-layout", (await staffDownload.path())!, "-"]).toString();
    expect(staffText).toContain("I agree to take part as described above.");
    expect(found).toEqual([]);
  });
});
