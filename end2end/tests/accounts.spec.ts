import { expect, test, type Page } from "@playwright/test";
import { problems } from "./axe";
import { call, hydrated, otherScreen, signIn, unique } from "./helpers";
import { MAILDIR, linkInEmail } from "./mail";

/** Types a new password twice and submits the form it is in (accepting or resetting). */
async function choosePassword(page: Page, password: string, confirm = password, button = "Set password and sign in") {
  await page.getByLabel("New password", { exact: true }).fill(password);
  await page.getByLabel("Type it again", { exact: true }).fill(confirm);
  await page.getByRole("button", { name: button }).click();
}

async function signOut(page: Page) {
  const menu = page.getByRole("button", { name: "Menu" });
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test.describe("accounts and email", () => {
  test.skip(!MAILDIR, "needs the SMTP server scripts/test starts");

  test("the owner invites a provider, who sets a password from the email and signs in; forgot password works", async ({ page }) => {
    const u = unique().toLowerCase();
    const address = `new-${u}@riverside.example`;
    const name = `Robin Newcomer ${u}`;
    const found: string[] = [];

    await signIn(page, "owner@riverside.example");
    await page.goto("/app/team");
    await hydrated(page);
    await expect(page.getByTestId("team")).toContainText("Maya Ortiz");
    found.push(...(await problems(page, "/app/team")));

    // A bad address is refused beside the field; nothing is sent.
    await page.getByLabel("Email", { exact: true }).fill("robin at example");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.locator('[data-field="email"]')).toBeVisible();

    await page.getByLabel("Email", { exact: true }).fill(address.toUpperCase());
    await page.getByLabel("Role", { exact: true }).selectOption("provider");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation-sent")).toContainText(address);
    await expect(page.locator(`[data-testid=invitation][data-email="${address}"]`)).toContainText("Provider");

    const { link, email } = await linkInEmail(address, "invitation");
    expect(email).toContain("Maya Ortiz has invited you to join Riverside");
    expect(email).toMatch(/^From: .*@/m);

    // The outbox shows it sent.
    await page.goto("/app/outbox");
    await hydrated(page);
    await expect(page.getByTestId("outbox-row").filter({ hasText: address }).first()).toHaveAttribute("data-status", "sent");
    found.push(...(await problems(page, "/app/outbox")));
    await signOut(page);

    // The invited person follows the link.
    await page.goto(link);
    await hydrated(page);
    await expect(page.getByRole("heading", { name: `Welcome, ${name}` })).toBeVisible();
    await expect(page.getByTestId("joining")).toContainText("as provider");
    found.push(...(await problems(page, "/invitation")));
    await choosePassword(page, "short");
    await expect(page.locator('[data-field="password"]')).toContainText("at least 12 characters");
    const password = `amber heron ${u} lake`;
    await choosePassword(page, password);
    await expect(page).toHaveURL(/\/app$/);
    await expect(page.getByTestId("signed-in-as")).toContainText(name);
    await signOut(page);

    // The link worked once.
    await page.goto(link);
    await expect(page.getByTestId("link-error")).toContainText("already been used");

    // Forgot password: the same answer for an unknown address, a link for a real one.
    await page.goto("/login");
    await hydrated(page);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
    await hydrated(page);
    found.push(...(await problems(page, "/forgot-password")));
    await page.getByLabel("Email", { exact: true }).fill(address);
    await page.getByRole("button", { name: "Email me a link" }).click();
    await expect(page.getByTestId("reset-requested")).toContainText("If an account uses that address");
    const reset = await linkInEmail(address, "reset-password");
    expect(reset.email).toContain("Reset your Gather password");

    await page.goto(reset.link);
    await hydrated(page);
    found.push(...(await problems(page, "/reset-password")));
    const newer = `copper meadow ${u} rain`;
    await choosePassword(page, newer, newer + "x", "Save the new password");
    await expect(page.locator('[data-field="password"]')).toContainText("don't match");
    await choosePassword(page, newer, newer, "Save the new password");
    await expect(page.getByTestId("password-changed")).toBeVisible();

    await signIn(page, address, password);
    await expect(page.getByTestId("sign-in-error")).toBeVisible();
    await signIn(page, address, newer);
    await expect(page).toHaveURL(/\/app$/);
    expect(found).toEqual([]);
  });

  test("the owner resends and withdraws an invitation; old links say why they do not work", async ({ page }) => {
    const u = unique().toLowerCase();
    const address = `later-${u}@riverside.example`;
    await signIn(page, "admin@riverside.example");
    await page.goto("/app/team");
    await hydrated(page);
    await page.getByLabel("Email", { exact: true }).fill(address);
    await page.getByLabel("Name", { exact: true }).fill(`Lee Later ${u}`);
    await page.getByLabel("Role", { exact: true }).selectOption("associate");
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.locator('[data-field="supervisor"]')).toBeVisible();
    await page.getByLabel("Supervisor", { exact: true }).selectOption({ label: "Dr. Elena Brooks" });
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation-sent")).toContainText(address);
    const first = await linkInEmail(address, "invitation");

    const row = page.locator(`[data-testid=invitation][data-email="${address}"]`);
    await row.getByRole("button", { name: "Send again" }).click();
    const second = await linkInEmail(address, "invitation");
    expect(second.link).not.toEqual(first.link);
    await row.getByRole("button", { name: "Withdraw" }).click();
    await expect(row).toHaveCount(0);

    const other = await page.context().newPage();
    await other.goto(first.link);
    await expect(other.getByTestId("link-error")).toContainText("not valid");
    await other.goto(second.link);
    await expect(other.getByTestId("link-error")).toContainText("withdrawn");
  });

  test("a participant is invited to the portal from their page and lands in the portal", async ({ page }) => {
    const u = unique().toLowerCase();
    const address = `client-${u}@example.org`;
    const name = `Jordan Client ${u}`;
    await signIn(page, "owner@riverside.example");
    const person = await call(page, "create_person", {
      input: {
        kind: "person", legal_name: name, preferred_name: "", pronouns: "", date_of_birth: "",
        email: address, phone: "", address: "", emergency_contact: "", admin_notes: "",
      },
    });
    await page.goto(`/app/people/${person.id}`);
    await hydrated(page);
    const card = page.getByTestId("portal-access");
    await expect(card).toContainText("Not invited");
    await card.getByRole("button", { name: `Invite ${address} to the portal` }).click();
    await expect(card.locator(`[data-testid=invitation][data-email="${address}"]`)).toContainText("Participant");
    expect(await problems(page, "/app/people/:id (invited)")).toEqual([]);

    const { link, email } = await linkInEmail(address, "invitation");
    expect(email).toContain("Riverside Counseling Collective has invited you to its client portal");
    // Nothing about why the practice knows them.
    expect(email).not.toMatch(/group|session|Maya Ortiz/i);
    await signOut(page);

    await page.goto(link);
    await hydrated(page);
    await expect(page.getByTestId("joining")).toContainText("client portal");
    const password = `quiet river ${u} stone`;
    await choosePassword(page, password);
    await expect(page).toHaveURL(/\/portal$/);
    await expect(page.getByTestId("portal-home")).toContainText(name);

    await signIn(page, "owner@riverside.example");
    await page.goto(`/app/people/${person.id}`);
    await expect(page.getByTestId("portal-status")).toContainText(`Has portal access as ${address}`);
    await hydrated(page);
    await page.getByRole("button", { name: "Turn off portal access" }).click();
    await expect(page.getByTestId("portal-status")).toContainText(`Portal access is off for ${address}`);
    await signOut(page);
    await signIn(page, address, password);
    await expect(page.getByTestId("sign-in-error")).toBeVisible();
  });

  test("the owner changes a colleague's role and deactivates them; their session ends at once", async ({ page, browser }, info) => {
    const u = unique().toLowerCase();
    const address = `colleague-${u}@riverside.example`;
    await signIn(page, "owner@riverside.example");
    await page.goto("/app/team");
    await hydrated(page);
    await page.getByLabel("Email", { exact: true }).fill(address);
    await page.getByLabel("Name", { exact: true }).fill(`Casey Colleague ${u}`);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation-sent")).toContainText(address);
    const { link } = await linkInEmail(address, "invitation");

    const colleague = await otherScreen(browser, info, info.project.name === "phone");
    await colleague.goto(link);
    await hydrated(colleague);
    await choosePassword(colleague, `maple signal ${u} drift`);
    await expect(colleague).toHaveURL(/\/app$/);

    await page.reload();
    await hydrated(page);
    const row = page.locator(`[data-testid=member][data-email="${address}"]`);
    await expect(row.getByTestId("member-role")).toHaveText("Provider");
    await row.getByRole("button", { name: `Change the role of Casey Colleague ${u}` }).click();
    await row.getByLabel("Role", { exact: true }).selectOption("supervisor");
    await row.getByRole("button", { name: "Save role" }).click();
    await expect(row.getByTestId("member-role")).toHaveText("Supervisor");

    await row.getByRole("button", { name: "Deactivate" }).click();
    await expect(row.getByTestId("member-role")).toContainText("deactivated");
    await colleague.goto("/app");
    await expect(colleague).toHaveURL(/\/login$/);
    await colleague.context().close();
  });
});
