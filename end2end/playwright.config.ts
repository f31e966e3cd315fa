import { defineConfig, devices } from "@playwright/test";

// The server is started by scripts/test (a fresh release build on a throwaway database and
// a free port) and named here by GATHER_E2E_URL.
const baseURL = process.env.GATHER_E2E_URL ?? "http://127.0.0.1:3000";

// Debian's Chromium; this machine cannot download Playwright's own browser build.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

/** The 390 px phone every phone test uses; tests that open a second phone take it from here. */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36",
};

export default defineConfig({
  testDir: "./tests",
  // Each test is a whole flow (often two browsers signing in, scheduling, then working); on
  // a loaded two-core CI machine the longest took just over 30 s, so a stuck step, not a
  // slow machine, is what must fail a test.
  timeout: 120_000,
  expect: { timeout: 15_000 },
  fullyParallel: true,
  workers: 2,
  // Under CI a test that fails is run once more and, if it then passes, reported as flaky
  // (the list shows it), so one hiccup of a loaded shared machine does not block a landing.
  retries: process.env.CI ? 1 : 0,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions,
  },
  projects: [
    {
      name: "desktop",
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, launchOptions },
    },
    {
      name: "phone",
      use: { ...PHONE, launchOptions },
    },
  ],
});
