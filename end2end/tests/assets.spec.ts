import { createHash } from "node:crypto";
import { expect, test, type Page, type Route } from "@playwright/test";
import { hydrated, signIn } from "./helpers";

// The hash cargo-leptos puts in a file's name: MD5 of the content, base64url.
const nameHash = (body: Buffer) => createHash("md5").update(body).digest("base64url");

// The client's files as a browser first meets them: hashed names, sent precompressed
// (brotli, else gzip), kept for a year when the name is the content's hash; the page itself
// never cached.
test.describe("client files", () => {
  test("are hashed, precompressed and immutable while pages are never stored", async ({ request }) => {
    const page = await request.get("/login");
    expect(page.headers()["cache-control"]).toBe("no-store");
    const html = await page.text();
    const assets = [...html.matchAll(/\/pkg\/[^"']+\.(?:js|wasm|css)/g)].map((m) => m[0]);
    const kinds = new Set(assets.map((a) => a.split(".").pop()));
    expect([...kinds].sort()).toEqual(["css", "js", "wasm"]);
    for (const asset of new Set(assets)) {
      // <name>.<hash>.<ext>: a new build never reuses an old name.
      const named = asset.match(/^\/pkg\/[A-Za-z0-9_-]+\.([A-Za-z0-9_-]{8,})\.(js|wasm|css)$/);
      expect(named, asset).not.toBeNull();
      const plain = await request.get(asset, { headers: { "accept-encoding": "identity" } });
      // cargo-leptos rewrites some files after naming them; only a name that is still the
      // content's hash may be kept without asking again.
      const immutable = nameHash(await plain.body()) === named![1];
      if (asset.endsWith(".css")) expect(immutable, `${asset} is named by its content`).toBe(true);
      for (const [accept, encoding] of [
        ["br, gzip", "br"],
        ["gzip", "gzip"],
      ]) {
        const res = await request.get(asset, { headers: { "accept-encoding": accept } });
        expect(res.status(), asset).toBe(200);
        expect(res.headers()["content-encoding"], `${asset} for ${accept}`).toBe(encoding);
        expect(res.headers()["cache-control"], asset).toBe(
          immutable ? "public, max-age=31536000, immutable" : "no-cache",
        );
      }
    }
    // A name that is not in the build is a plain 404, not cached.
    const missing = await request.get("/pkg/gather.doesnotexist00.wasm");
    expect(missing.status()).toBe(404);
    expect(missing.headers()["cache-control"]).not.toContain("immutable");
  });
});

// Each lazily loaded screen, with the heading it shows.
const LAZY = [
  ["/app/calendar", /\S/],
  ["/app/contacts", /^Contacts$/],
  ["/app/contacts/new", /^New client or case$/],
  ["/app/people/new", /^New person or organization$/],
  ["/app/services", /^Services$/],
  ["/app/note-templates", /^Note templates$/],
] as const;

/** From the staff home, with every chunk the home has not loaded handled by `chunk` (a
 * screen's chunks), follows the main navigation's link `link`. */
async function fromHomeWithChunks(page: Page, link: string, chunk: (route: Route) => Promise<void>) {
  await signIn(page, "provider@riverside.example");
  await page.goto("/app");
  await hydrated(page);
  const mainModule = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((e) => new URL(e.name).pathname)
      .filter((p) => p.endsWith(".wasm")),
  );
  await page.route((url) => url.pathname.endsWith(".wasm") && !mainModule.includes(url.pathname), chunk);
  const nav = page.getByRole("navigation", { name: "Main" });
  if (test.info().project.name === "phone" && !(await nav.isVisible())) {
    await page.getByRole("button", { name: "Menu" }).click();
  }
  await nav.getByRole("link", { name: link, exact: true }).click();
}

test.describe("screens loaded when needed", () => {
  test("a deep link to each lazily loaded screen works from a cold load and after moving there", async ({ page }) => {
    await signIn(page, "provider@riverside.example");
    // Screens of one object: found from the lists that lead to them.
    const href = async (list: string, prefix: string) => {
      await page.goto(list);
      await hydrated(page);
      const link = page.locator(`a[href^="${prefix}"]`).first();
      await expect(link).toBeVisible();
      return (await link.getAttribute("href"))!.split(/[?#]/)[0];
    };
    // A demo group with members (other tests add cases, some without members, that may
    // sort first in the list).
    const kase = await href("/app/contacts?q=Tuesday%20Anxiety", "/app/cases/");
    const person = await href(kase, "/app/people/");
    // A session, from the calendar's panel for one of its events.
    await page.goto("/app/calendar?view=month");
    await hydrated(page);
    await page.locator("[data-testid=event]:visible").first().click();
    const session = (await page.getByTestId("take-attendance").getAttribute("href"))!;
    const screens: (readonly [string, RegExp])[] = [
      ...LAZY,
      [kase, /\S/],
      [person, /\S/],
      [`${person}/chart`, /^Chart: /],
      [`${session}/note`, /\S/],
    ];
    for (const [path, heading] of screens) {
      const chunks: string[] = [];
      const watch = (r: { url(): string }) => {
        if (/\/pkg\/.*\.wasm$/.test(r.url())) chunks.push(r.url());
      };
      page.on("request", watch);
      await page.goto(path);
      await hydrated(page);
      await expect(page.locator("h1").first()).toHaveText(heading);
      page.off("request", watch);
      // The head asks for the screen's own chunk at once, rather than after the main module.
      await expect(page.locator('head link[rel=preload][as=fetch][href^="/pkg/split___"]')).toHaveCount(1);
      // The main module and this screen's own chunk (and any chunk it shares).
      expect(chunks.length, `${path}: ${chunks.join(", ")}`).toBeGreaterThan(1);
    }
    // Client-side: from the staff home to a screen never loaded in this page.
    await page.goto("/app");
    await hydrated(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    if (test.info().project.name === "phone" && !(await nav.isVisible())) {
      await page.getByRole("button", { name: "Menu" }).click();
    }
    await nav.getByRole("link", { name: "Services", exact: true }).click();
    await expect(page).toHaveURL(/\/app\/services$/);
    await expect(page.getByRole("heading", { name: "Services", exact: true })).toBeVisible();
    // The loaded screen works: its controls answer the client.
    await expect(page.getByRole("button").first()).toBeEnabled();
  });

  test("a screen that is slow to arrive says it is loading, then shows", async ({ page }) => {
    // A slow connection: each chunk this page does not have yet takes a second and a half.
    await fromHomeWithChunks(page, "Note templates", async (route) => {
      await new Promise((r) => setTimeout(r, 1500));
      await route.continue();
    });
    const status = page.getByTestId("getting-ready");
    await expect(status).toHaveText("Loading this screen…");
    await expect(page.getByRole("heading", { name: "Note templates", exact: true })).toBeVisible({ timeout: 30_000 });
    await expect(status).toHaveText("");
  });

  test("a screen whose chunk cannot be fetched says so and offers a retry that works", async ({ page }) => {
    await fromHomeWithChunks(page, "Contacts", (route) => route.abort("internetdisconnected"));
    const retry = page.getByTestId("retry-screen");
    await expect(page.getByTestId("getting-ready")).toContainText("Couldn't load this screen", { timeout: 30_000 });
    await page.unrouteAll();
    await retry.click();
    await expect(page).toHaveURL(/\/app\/contacts$/);
    await hydrated(page);
    await expect(page.getByRole("heading", { name: "Contacts", exact: true })).toBeVisible();
  });
});
