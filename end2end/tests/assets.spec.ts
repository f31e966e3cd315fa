import { expect, test } from "@playwright/test";

// The client's files as a browser first meets them: content-hashed names, sent
// precompressed (brotli, else gzip) and kept for a year; the page itself never cached.
test.describe("client files", () => {
  test("are hashed, precompressed and immutable while pages are never stored", async ({ request }) => {
    const page = await request.get("/login");
    expect(page.headers()["cache-control"]).toBe("no-store");
    const html = await page.text();
    const assets = [...html.matchAll(/\/pkg\/[^"']+\.(?:js|wasm|css)/g)].map((m) => m[0]);
    const kinds = new Set(assets.map((a) => a.split(".").pop()));
    expect([...kinds].sort()).toEqual(["css", "js", "wasm"]);
    for (const asset of new Set(assets)) {
      // gather.<hash>.<ext>: the name changes whenever the content does.
      expect(asset, asset).toMatch(/^\/pkg\/gather\.[A-Za-z0-9_-]{8,}\.(js|wasm|css)$/);
      for (const [accept, encoding] of [
        ["br, gzip", "br"],
        ["gzip", "gzip"],
      ]) {
        const res = await request.get(asset, { headers: { "accept-encoding": accept } });
        expect(res.status(), asset).toBe(200);
        expect(res.headers()["content-encoding"], `${asset} for ${accept}`).toBe(encoding);
        expect(res.headers()["cache-control"], asset).toBe("public, max-age=31536000, immutable");
      }
    }
    // A name that is not in the build is a plain 404, not cached.
    const missing = await request.get("/pkg/gather.doesnotexist00.wasm");
    expect(missing.status()).toBe(404);
    expect(missing.headers()["cache-control"]).not.toContain("immutable");
  });
});
