import { expect, type Browser, type Page, type TestInfo } from "@playwright/test";
import { hydrated, otherScreen } from "./helpers";
import * as fs from "node:fs";
import * as path from "node:path";

// scripts/test runs a real SMTP server on loopback (aiosmtpd) that writes every message it
// receives into this Maildir; Gather sends to it exactly as it would to a practice's server.
export const MAILDIR = process.env.GATHER_E2E_MAILDIR ?? "";

/** Undoes quoted-printable, which a long line (a link) may be sent in. */
export function decode(raw: string): string {
  return raw
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
}

/** Every message the SMTP server has received for `to`, as text. */
export function messagesTo(to: string): string[] {
  const found: string[] = [];
  for (const sub of ["new", "cur"]) {
    const dir = path.join(MAILDIR, sub);
    if (!fs.existsSync(dir)) continue;
    for (const name of fs.readdirSync(dir)) {
      const text = decode(fs.readFileSync(path.join(dir, name), "utf8"));
      const header = text.split(/\r?\n\r?\n/)[0];
      if (new RegExp(`^To: .*${to.replace(/[.+]/g, "\\$&")}`, "mi").test(header)) found.push(text);
    }
  }
  return found;
}

/** Waits for an email to `to` with a link to `route` that this test has not read yet, and
 * returns it and the link. */
export async function linkInEmail(to: string, route: string, timeout = 30_000): Promise<{ link: string; email: string }> {
  let email = "";
  await expect
    .poll(() => {
      email = messagesTo(to).find((m) => m.includes(`/${route}?token=`) && !seen.has(m)) ?? "";
      return email !== "";
    }, { timeout, message: `a new email to ${to} with a ${route} link` })
    .toBe(true);
  seen.add(email);
  const match = email.match(new RegExp(`https?://[^\\s]+/${route}\\?token=[A-Za-z0-9_-]+`));
  expect(match, email).not.toBeNull();
  return { link: match![0], email };
}
const seen = new Set<string>();

/** Follows the portal invitation emailed to `address` on a new 390 px phone, sets
 * `password` and lands signed in on the portal: how a participant joins. */
export async function joinPortalOnPhone(browser: Browser, info: TestInfo, address: string, password: string): Promise<Page> {
  const { link } = await linkInEmail(address, "invitation");
  const phone = await otherScreen(browser, info, true);
  await phone.goto(link);
  await hydrated(phone);
  await phone.getByLabel("New password", { exact: true }).fill(password);
  await phone.getByLabel("Type it again", { exact: true }).fill(password);
  await phone.getByRole("button", { name: "Set password and sign in" }).click();
  await expect(phone).toHaveURL(/\/portal$/);
  await hydrated(phone);
  return phone;
}
