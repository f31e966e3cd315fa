import { expect, type Browser, type Page, type TestInfo } from "@playwright/test";
import { PHONE } from "../playwright.config";

export const PASSWORD = "gather-demo-2026";

export const STAFF = [
  { email: "owner@riverside.example", name: "Maya Ortiz", role: "Owner" },
  { email: "admin@riverside.example", name: "Sam Patel", role: "Administrator" },
  { email: "provider@riverside.example", name: "Dr. Jordan Lee", role: "Provider" },
  { email: "provider2@riverside.example", name: "Dr. Priya Raman", role: "Provider" },
  { email: "supervisor@riverside.example", name: "Dr. Elena Brooks", role: "Supervisor" },
  { email: "associate@riverside.example", name: "Chris Nguyen", role: "Associate" },
];

export const PARTICIPANTS = [
  { email: "participant@riverside.example", name: "Alex Rivera" },
  { email: "participant2@riverside.example", name: "Taylor Morgan" },
];

/** Waits until the WASM client has hydrated the page, so clicks reach Leptos handlers. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated=true]")).toHaveCount(1);
}

/** Signs in; with the right password, waits until the account has landed. */
export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (password === PASSWORD) {
    await expect(page).toHaveURL(/\/(app|portal)$/);
  }
}

/** A suffix that keeps each test's data apart from the other viewport's run. */
export function unique(): string {
  return `${Date.now().toString(36).slice(-4)}${Math.floor(Math.random() * 1296).toString(36)}`.toUpperCase();
}

export async function openWizard(page: Page) {
  await page.goto("/app/contacts");
  await hydrated(page);
  // Once in a CI run a click right after hydration did not start the client-side
  // navigation; click again rather than fail the flow being tested.
  await expect(async () => {
    if (!page.url().endsWith("/app/contacts/new")) {
      await page.getByRole("link", { name: "New client or case" }).click();
    }
    await expect(page.getByRole("heading", { name: "New client or case" })).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
}

export async function next(page: Page) {
  await page.getByRole("button", { name: "Next" }).click();
}

/** Creates a group through the wizard and returns its page's URL. */
export async function createGroup(page: Page, kind: string, name: string, initials: string) {
  await openWizard(page);
  await page.getByLabel(kind, { exact: true }).check();
  await next(page);
  await next(page);
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Initials").fill(initials);
  await next(page);
  await page.getByRole("button", { name: "Create" }).click();
  await expect(page.getByTestId("case-name")).toContainText(name);
  return page.url();
}

/** A day a year or more ahead and an hour, different for every run, so the desktop and
 * phone runs never book the same slot. */
function freeSlot(): { day: string; time: string } {
  const days = 400 + Math.floor(Math.random() * 1000);
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  const hour = 8 + Math.floor(Math.random() * 10);
  return { day: d.toISOString().slice(0, 10), time: `${String(hour).padStart(2, "0")}:${Math.random() < 0.5 ? "00" : "30"}` };
}

/** Schedules one session of a seeded group from a calendar slot and opens its session screen;
 * returns the screen's address. */
export async function newSession(page: Page, initials: string, name: string): Promise<string> {
  // A slot an earlier run already booked is covered by its event: try another day.
  let slot = freeSlot();
  for (let attempt = 0; ; attempt++) {
    await page.goto(`/app/calendar?view=day&day=${slot.day}&who=me`);
    await hydrated(page);
    const target = page.locator(`.day-column[data-day="${slot.day}"] .slot[data-time="${slot.time}"]`).first();
    try {
      await target.click({ trial: true, timeout: 3_000 });
      await target.click();
      break;
    } catch (e) {
      if (attempt >= 4) throw e;
      slot = freeSlot();
    }
  }
  const { day, time } = slot;
  const dialog = page.getByTestId("schedule-dialog");
  await dialog.getByLabel("Group, client or case").fill(initials);
  await dialog.getByTestId("case-choices").getByRole("button", { name }).click();
  await dialog.getByTestId("save-appointment").click();
  await expect(dialog).toHaveCount(0);
  // The new session, not another one on the same day. Where the agenda list is shown (a
  // phone), it lies over the week grid, so the session is clicked in the agenda.
  const agenda = page.getByTestId("agenda");
  const within = (await agenda.isVisible()) ? agenda : page;
  await within
    .locator(`[data-testid=event][data-day="${day}"][aria-label*="${time}–"]:visible`)
    .filter({ hasText: initials })
    .first()
    .click();
  await page.getByTestId("take-attendance").click();
  await expect(page).toHaveURL(/\/app\/sessions\/\d+$/);
  await hydrated(page);
  await expect(page.getByTestId("live-status")).toContainText("Live");
  return page.url();
}

/** A second browser: a phone, or the same kind of screen as the test's own. */
export async function otherScreen(browser: Browser, info: TestInfo, phone: boolean): Promise<Page> {
  const use = info.project.use;
  const context = await browser.newContext(
    phone
      ? { baseURL: use.baseURL, ...PHONE }
      : { baseURL: use.baseURL, viewport: use.viewport, isMobile: use.isMobile, hasTouch: use.hasTouch, userAgent: use.userAgent },
  );
  return context.newPage();
}

/** Calls a server function as the signed-in user, the way the client does, and returns its
 * answer: to build history faster than clicking through it, never to check a screen. */
export async function call(page: Page, endpoint: string, args: object | null): Promise<any> {
  // A function without arguments takes a form post with nothing in it.
  const res = await page.request.post(`/api/${endpoint}`, args ? { data: args } : { form: {} });
  expect(res.ok(), `${endpoint}: ${await res.text()}`).toBeTruthy();
  return res.json();
}

export function isoDaysAgo(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** A new self-pay participant in a new therapy group of the signed-in provider, with one
 * session a week for the last `weeks` weeks (newest first), each attended with 90853. */
export async function attendedWeeks(page: Page, name: string, weeks: number): Promise<{ person: { id: number }; group: number; groupName: string; initials: string; sessions: number[] }> {
  const token = unique();
  const initials = `W${token.slice(-4)}`;
  const me = (await call(page, "viewer", null)).account_id;
  const services: { id: number; code: string }[] = await call(page, "services", { include_inactive: false });
  const svc = services.find((s) => s.code === "90853")!.id;
  const person = await call(page, "create_person", {
    input: {
      kind: "person", legal_name: name, preferred_name: "", pronouns: "", date_of_birth: "",
      email: "", phone: "", address: "", emergency_contact: "", admin_notes: "",
    },
  });
  const groupName = `Weekly group ${token}`;
  const group = await call(page, "create_case", {
    draft: {
      kind: "therapy_group", name: groupName, initials, capacity: null,
      provider_ids: [me], default_service_id: svc, participant_ids: [], payer: { type: "self_pay" },
    },
  });
  await call(page, "add_member", { case: group, person: person.id, joined_on: isoDaysAgo(7 * (weeks + 8)) });
  const sessions: number[] = [];
  for (let week = 1; week <= weeks; week++) {
    const scheduled = await call(page, "schedule", {
      draft: {
        case_id: group, day: isoDaysAgo(7 * week), start_time: "06:00", minutes: 60, service_id: null,
        location: "", video_link: "", provider_ids: [me], repeat: "Never", ends: { After: 1 }, confirmed: true,
      },
    });
    const id = scheduled.Done.first;
    const now = Date.now();
    await call(page, "record_attendance", {
      id,
      changes: [{ person_id: person.id, choice: { type: "attended", service: svc }, base_version: 0, made_at: now, fill_only: false }],
      sent_at: now,
    });
    sessions.push(id);
  }
  return { person, group, groupName, initials, sessions };
}

/** Takes a payment for `name` on the session screen open in `page`, in cash or, with a
 * check number, by check; returns the participant's row, which then says what was paid. */
export async function takePayment(page: Page, name: string, amount: string, checkNumber?: string) {
  const row = page.getByTestId("attendance-row").filter({ hasText: name });
  await row.getByRole("button", { name: `Take payment for ${name}` }).click();
  const form = row.getByTestId("payment-form");
  await form.getByLabel("Amount").fill(amount);
  if (checkNumber) {
    await form.getByLabel("Method").selectOption({ label: "Check" });
    await form.getByLabel("Check number").fill(checkNumber);
  }
  await form.getByRole("button", { name: "Record payment" }).click();
  return row;
}

/** A new person with an email address, made through the server function. */
export async function personWithEmail(page: Page, legal: string, email: string): Promise<{ id: number }> {
  return call(page, "create_person", {
    input: {
      kind: "person", legal_name: legal, preferred_name: "", pronouns: "", date_of_birth: "",
      email, phone: "", address: "", emergency_contact: "", admin_notes: "",
    },
  });
}
