// Prints, per page, what a cold first load sends over the wire (every script, wasm and
// stylesheet byte, as encoded) and Lighthouse's mobile performance and accessibility scores
// (median of three runs). A benchmark, not a test: scripts/bench runs it against the release
// server on a throwaway demo database. Usage: node bench/pages.mjs BASE_URL [runs=3]
import { chromium } from "@playwright/test";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 3);
const PASSWORD = "gather-demo-2026";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
if (!base) {
  console.error("usage: node bench/pages.mjs BASE_URL [runs]");
  process.exit(2);
}

const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS.slice(1) });

/** A signed-in browser context and its session cookie. */
async function signedIn(email) {
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto("/login");
  await page.locator("body[data-hydrated=true]").waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/(app|portal)$/);
  const cookies = await context.cookies();
  return { context, page, cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") };
}

/** The first session of the provider's week, and its group note started. */
async function sessionPaths(page) {
  await page.goto("/app/calendar?view=week&who=me");
  await page.locator("body[data-hydrated=true]").waitFor();
  const agenda = page.getByTestId("agenda");
  const within = (await agenda.isVisible()) ? agenda : page;
  await within.locator("[data-testid=event]:visible").first().click();
  await page.getByTestId("take-attendance").click();
  await page.waitForURL(/\/app\/sessions\/\d+$/);
  const session = new URL(page.url()).pathname;
  await page.locator("body[data-hydrated=true]").waitFor();
  await page.getByTestId("mark-all").click();
  await page.goto(`${session}/note`);
  await page.locator("body[data-hydrated=true]").waitFor();
  const start = page.getByRole("button", { name: "Start the group note" });
  if (await start.isVisible()) {
    await page.getByLabel("Template").selectOption({ label: "Blank note" });
    await start.click();
    await page.getByTestId("group-note").waitFor();
  }
  return { session, note: `${session}/note` };
}

/** Bytes of scripts, wasm and stylesheets a cold load of `path` receives, as encoded. */
async function firstLoad(cookie, path) {
  const context = await browser.newContext({ baseURL: base, extraHTTPHeaders: cookie ? { Cookie: cookie } : {} });
  const page = await context.newPage();
  const sizes = [];
  page.on("requestfinished", (request) => {
    const url = request.url();
    if (/\.(js|wasm|css)(\?|$)/.test(url)) sizes.push(request.sizes().then((s) => s.responseBodySize));
  });
  await page.goto(path);
  await page.locator("body[data-hydrated=true]").waitFor();
  await page.waitForLoadState("networkidle");
  const total = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
  await context.close();
  return total;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Lighthouse's mobile defaults (a mid-range phone on a slow 4G connection, simulated). */
async function scores(cookie, path) {
  const perf = [];
  const a11y = [];
  for (let i = 0; i < runs; i++) {
    const chrome = await chromeLauncher.launch({ chromePath: CHROMIUM, chromeFlags: FLAGS });
    try {
      const result = await lighthouse(`${base}${path}`, {
        port: chrome.port,
        output: "json",
        logLevel: "error",
        onlyCategories: ["performance", "accessibility"],
        extraHeaders: cookie ? { Cookie: cookie } : undefined,
      });
      perf.push(result.lhr.categories.performance.score);
      a11y.push(result.lhr.categories.accessibility.score);
    } finally {
      await chrome.kill();
    }
  }
  return { performance: median(perf), accessibility: median(a11y) };
}

const provider = await signedIn("provider@riverside.example");
const participant = await signedIn("participant@riverside.example");
const { session, note } = await sessionPaths(provider.page);
const pages = [
  { name: "sign-in", path: "/login", cookie: null, lighthouse: true },
  { name: "staff home", path: "/app", cookie: provider.cookie },
  { name: "calendar (week)", path: "/app/calendar", cookie: provider.cookie, lighthouse: true },
  { name: "calendar (month)", path: "/app/calendar?view=month", cookie: provider.cookie },
  { name: "session", path: session, cookie: provider.cookie, lighthouse: true },
  { name: "note editor", path: note, cookie: provider.cookie, lighthouse: true },
  { name: "contacts", path: "/app/contacts", cookie: provider.cookie },
  { name: "services", path: "/app/services", cookie: provider.cookie },
  { name: "portal", path: "/portal", cookie: participant.cookie, lighthouse: true },
];

console.log(`  ${"page".padEnd(18)} ${"first load".padStart(12)}  ${"performance".padStart(11)}  ${"accessibility".padStart(13)}`);
for (const p of pages) {
  const bytes = await firstLoad(p.cookie, p.path);
  const s = p.lighthouse ? await scores(p.cookie, p.path) : null;
  const kb = `${(bytes / 1024).toFixed(0)} KiB`;
  console.log(
    `  ${p.name.padEnd(18)} ${kb.padStart(12)}  ${(s ? s.performance.toFixed(2) : "-").padStart(11)}  ${(s ? s.accessibility.toFixed(2) : "-").padStart(13)}`,
  );
}
await browser.close();
