import { expect, test } from "@playwright/test";
import { createGroup, hydrated, next, openWizard, signIn, unique } from "./helpers";

/** Words of the clinical workflows that workshop and consultation screens must not show. */
const CLINICAL = /diagnos|treatment plan|superbill|insurance claim|clinical record|mental status|therapy intake|ICD-10/i;

test.describe("cases and groups", () => {
  test("a workshop group with three participants and a sponsor shows no clinical workflow anywhere", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    await openWizard(page);

    await page.getByLabel("Workshop / skills group").check();
    await expect(page.locator("body")).not.toContainText(CLINICAL, { useInnerText: true });
    await next(page);

    await expect(page.getByRole("heading", { name: "Group participants" })).toBeVisible();
    const people = [`Wren ${tag}`, `Ash ${tag}`, `Rowan ${tag}`];
    for (const person of people) {
      await page.getByLabel("Or add someone new (legal name)").fill(person);
      await page.getByRole("button", { name: "Add new person" }).click();
      await expect(page.getByTestId("chosen-participants")).toContainText(person);
    }
    await next(page);

    await page.getByLabel("Name", { exact: true }).fill(`Mindful Parenting ${tag}`);
    await page.getByLabel("Initials").fill(`W${tag}`.slice(0, 6));
    await page.getByLabel("A sponsoring organization").check();
    await page.getByLabel("Or add a new organization").fill(`Harbor Schools ${tag}`);
    await page.getByRole("button", { name: "Add organization" }).click();
    await expect(page.getByTestId("payer-chosen")).toContainText(`Harbor Schools ${tag}`);
    await expect(page.locator("body")).not.toContainText(CLINICAL, { useInnerText: true });
    await next(page);

    const review = page.getByTestId("review");
    await expect(review).toContainText("Workshop / skills group");
    await expect(review).toContainText(`Sponsor: Harbor Schools ${tag}`);
    for (const person of people) await expect(review).toContainText(person);
    await expect(page.locator("body")).not.toContainText(CLINICAL, { useInnerText: true });
    await page.getByRole("button", { name: "Create" }).click();

    await expect(page.getByTestId("case-name")).toContainText(`Mindful Parenting ${tag}`);
    const members = page.getByTestId("current-members");
    for (const person of people) await expect(members).toContainText(person);
    await expect(page.getByTestId("case-payer")).toHaveText(`Sponsor: Harbor Schools ${tag}`);
    await expect(page.getByTestId("billing")).toContainText("Invoices and receipts");
    await expect(page.getByTestId("clinical")).toHaveCount(0);
    await expect(page.locator("body")).not.toContainText(CLINICAL, { useInnerText: true });

    // One participant pays for themself, whatever the sponsor covers for the rest.
    const first = members.locator("li", { hasText: people[0] });
    await first.getByRole("button", { name: `Payer for ${people[0]}` }).click();
    await first.getByLabel("Self-pay").check();
    await first.getByRole("button", { name: "Save payer" }).click();
    await expect(members.locator("li", { hasText: people[0] })).toContainText("Self-pay");
    await expect(page.getByTestId("case-payer")).toHaveText(`Sponsor: Harbor Schools ${tag}`);

    // The participants' own screens are free of it too.
    await members.getByRole("link", { name: people[0] }).click();
    await expect(page.getByTestId("person-name")).toHaveText(people[0]);
    await expect(page.locator("body")).not.toContainText(CLINICAL, { useInnerText: true });
  });

  test("a therapy group defaults to 90853 and has its clinical record", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    await openWizard(page);
    await page.getByLabel("Therapy group", { exact: true }).check();
    await next(page);
    await next(page);
    await page.getByLabel("Name", { exact: true }).fill(`Thursday Process Group ${tag}`);
    await page.getByLabel("Initials").fill(`T${tag}`.slice(0, 6));
    await expect(page.getByLabel("Default service")).toHaveValue(/\d+/);
    await expect(page.getByLabel("Default service").locator("option:checked")).toContainText("90853");
    await next(page);
    await expect(page.getByTestId("review")).toContainText("90853 Group psychotherapy");
    await page.getByRole("button", { name: "Create" }).click();
    await expect(page.getByTestId("default-service")).toContainText("90853 Group psychotherapy");
    await expect(page.getByTestId("clinical")).toContainText("Diagnoses");
  });

  test("a member added from the person's profile appears on the group", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    const groupName = `Men's Support ${tag}`;
    await createGroup(page, "Therapy group", groupName, `M${tag}`.slice(0, 6));

    await page.goto("/app/people/new");
    await hydrated(page);
    await page.getByLabel("Legal name").fill(`Elliot ${tag} Stone`);
    await page.getByLabel("Pronouns").fill("he/him");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("person-name")).toHaveText(`Elliot ${tag} Stone`);

    // Editing the details: a preferred name becomes the name the practice uses.
    await page.getByRole("button", { name: "Edit" }).click();
    await page.getByLabel("Preferred name").fill("Eli");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect(page.getByTestId("person-name")).toHaveText("Eli Stone");

    const memberships = page.getByTestId("group-memberships");
    await memberships.getByLabel(new RegExp(groupName)).check();
    await memberships.getByRole("button", { name: "Save group memberships" }).click();
    const cases = page.getByTestId("person-cases");
    await expect(cases.getByRole("link", { name: groupName })).toBeVisible();
    await cases.getByRole("link", { name: groupName }).click();
    await expect(page.getByTestId("current-members")).toContainText("Eli Stone");
  });

  test("a removed member is listed under past members", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    await createGroup(page, "Workshop / skills group", `Resume Lab ${tag}`, `R${tag}`.slice(0, 6));

    await page.getByLabel("Starting").fill("2026-01-06");
    await page.getByLabel("Add a group participant").fill("Avery Bro");
    await page.getByRole("option", { name: /Avery Brooks/ }).click();
    const current = page.getByTestId("current-members");
    await expect(current).toContainText("Avery Brooks");
    await expect(current).toContainText("since 2026-01-06");

    await current.getByRole("button", { name: "Remove Avery Brooks" }).click();
    await page.getByRole("button", { name: "End membership" }).click();
    await expect(page.getByTestId("past-members")).toContainText("Avery Brooks");
    await expect(page.getByTestId("past-members")).toContainText("2026-01-06 to");
    await expect(current).not.toContainText("Avery Brooks");
  });

  test("a save on the case page keeps the page and an open edit form in place", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    await createGroup(page, "Workshop / skills group", `Open Forms ${tag}`, `F${tag}`.slice(0, 6));
    // An edit begun and not yet saved...
    const details = page.getByTestId("case-details");
    await details.getByRole("button", { name: "Edit" }).click();
    await details.getByLabel("Name", { exact: true }).fill(`Open Forms ${tag} renamed`);
    // Watches every frame for the case's heading going missing (a blank page), on this one
    // document (a full reload would lose the watch).
    await page.evaluate(() => {
      const w = window as unknown as { blanked: boolean };
      w.blanked = false;
      const tick = () => {
        if (!document.querySelector("[data-testid=case-name]")) w.blanked = true;
        requestAnimationFrame(tick);
      };
      tick();
    });
    // ...while a member is added elsewhere on the page, which saves and reloads the case.
    await page.getByLabel("Starting").fill("2026-01-06");
    await page.getByLabel("Add a group participant").fill("Avery Bro");
    await page.getByRole("option", { name: /Avery Brooks/ }).click();
    await expect(page.getByTestId("current-members")).toContainText("Avery Brooks");
    // The page did not blank or reload, and the open form still holds what was typed.
    expect(await page.evaluate(() => (window as unknown as { blanked?: boolean }).blanked)).toBe(false);
    await expect(details.getByLabel("Name", { exact: true })).toHaveValue(`Open Forms ${tag} renamed`);
    await details.getByRole("button", { name: "Save" }).click();
    await expect(page.getByTestId("case-name")).toContainText(`Open Forms ${tag} renamed`);
    await expect(details.getByRole("button", { name: "Edit" })).toBeVisible();
  });

  test("a full group waitlists a new member, who is promoted when a seat frees", async ({ page }) => {
    const tag = unique();
    await signIn(page, "owner@riverside.example");
    await openWizard(page);
    await page.getByLabel("Workshop / skills group").check();
    await next(page);
    await next(page);
    await page.getByLabel("Name", { exact: true }).fill(`Small Circle ${tag}`);
    await page.getByLabel("Initials").fill(`S${tag}`.slice(0, 6));
    await page.getByLabel("Capacity (optional)").fill("1");
    await next(page);
    await page.getByRole("button", { name: "Create" }).click();
    await expect(page.getByTestId("case-name")).toContainText(`Small Circle ${tag}`);

    await page.getByLabel("Starting").fill("2026-01-06");
    await page.getByLabel("Add a group participant").fill("Quinn");
    await page.getByRole("option", { name: /Quinn Harper/ }).click();
    await expect(page.getByTestId("current-members")).toContainText("Quinn Harper");
    await page.getByLabel("Add a group participant").fill("Avery");
    await page.getByRole("option", { name: /Avery Brooks/ }).click();
    await expect(page.getByTestId("members").getByRole("status")).toHaveText("The group is full: they are on the waitlist.");
    await expect(page.getByTestId("waitlist")).toContainText("Avery Brooks");

    await page.getByTestId("waitlist").getByRole("button", { name: "Promote" }).click();
    await expect(page.getByRole("alert")).toContainText("The group is full (1 of 1)");

    await page.getByTestId("current-members").getByRole("button", { name: "Remove Quinn Harper" }).click();
    await page.getByRole("button", { name: "End membership" }).click();
    await expect(page.getByTestId("past-members")).toContainText("Quinn Harper");
    await page.getByTestId("waitlist").getByRole("button", { name: "Promote" }).click();
    await expect(page.getByTestId("current-members")).toContainText("Avery Brooks");
    await expect(page.getByTestId("waitlist")).toHaveCount(0);
  });

  test("bad input gets a clear message", async ({ page }) => {
    await signIn(page, "owner@riverside.example");
    await openWizard(page);
    await next(page);
    await expect(page.getByRole("alert")).toHaveText("Choose the kind of case.");
    await page.getByLabel("Couple", { exact: true }).check();
    await next(page);
    await next(page);
    await expect(page.getByRole("alert")).toHaveText("A couple case needs exactly 2 participants.");
    await page.getByRole("button", { name: "Back" }).click();
    await page.getByLabel("Therapy group", { exact: true }).check();
    await next(page);
    await next(page);
    await page.getByLabel("Name", { exact: true }).fill("Capacity check");
    await page.getByLabel("Capacity (optional)").fill("0");
    await next(page);
    await expect(page.getByRole("alert")).toHaveText(
      "Capacity must be a whole number of seats, or empty for no limit.",
    );

    await page.goto("/app/people/new");
    await hydrated(page);
    await page.getByLabel("Legal name").fill("Someone");
    await page.getByLabel("Email").fill("not an email");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.locator('[data-field="email"]')).toContainText("Enter an email address");
  });

  test("a provider who is not on a case gets a not-found-or-not-allowed page", async ({ page, browser, baseURL }) => {
    await signIn(page, "owner@riverside.example");
    // Searched for: the other tests' groups can push it off the first page of 25.
    await page.goto("/app/contacts?q=Tuesday");
    await hydrated(page);
    const href = await page.getByRole("link", { name: "Tuesday Anxiety Group" }).getAttribute("href");
    expect(href).toMatch(/^\/app\/cases\/\d+$/);

    const other = await browser.newContext({ baseURL, viewport: page.viewportSize() ?? undefined });
    const p2 = await other.newPage();
    await signIn(p2, "provider2@riverside.example");
    await expect(p2).toHaveURL(/\/app$/);
    const response = await p2.goto(href!);
    expect(response?.status()).toBe(404);
    await expect(p2.getByTestId("error-panel")).toContainText("Not found or not allowed");
    await expect(p2.getByRole("main")).not.toContainText("Alex Rivera");
    await other.close();
  });
});

test.describe("searching as you type", () => {
  test("asks the server once typing pauses, not once per key, and finds the match", async ({ page }) => {
    await signIn(page, "owner@riverside.example");
    await page.goto("/app/contacts");
    await hydrated(page);
    const searches: string[] = [];
    page.on("request", (r) => {
      if (r.url().endsWith("/api/contacts")) searches.push(r.postData() ?? "");
    });
    // Typed quickly, as a person types a name: nine keys, one pause.
    await page.getByLabel("Search contacts").pressSequentially("Alex Rive", { delay: 40 });
    // The list narrows to the match: someone else listed before the search is gone.
    await expect(page.getByText("Taylor Morgan")).toHaveCount(0);
    await expect(page.getByText("Alex Rivera").first()).toBeVisible();
    // The last search is for the whole text typed. Typing that fast pauses once; a loaded
    // machine may stall a key past the pause now and then, never for most of them (without
    // the pause every key would ask: nine requests).
    await expect.poll(() => searches.at(-1) ?? "").toContain("Alex Rive");
    expect(searches.length).toBeLessThan(5);
  });
});

test.describe("the contacts list, a page at a time", () => {
  test("pages people from the server, searches there, and keeps the search in the address", async ({ page }) => {
    await signIn(page, "owner@riverside.example");
    await page.goto("/app/contacts");
    await hydrated(page);
    const people = page.getByTestId("people-list").getByRole("link");
    // The demo practice has over two hundred people: the first page shows 25 of them.
    await expect(people).toHaveCount(25);
    const firstPage = await people.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    const more = page.getByRole("button", { name: "Show more people" });
    await more.click();
    await expect(people).toHaveCount(50);
    const both = await people.evaluateAll((links) => links.map((a) => a.getAttribute("href")));
    expect(both.slice(0, 25)).toEqual(firstPage);
    expect(new Set(both).size).toBe(50);

    // Searching asks the server, which narrows every section; the pages start over.
    await page.getByLabel("Search contacts").fill("Alex Rivera");
    await expect(people.first()).toHaveText("Alex Rivera");
    await expect(people).toHaveCount(1);
    await expect(more).toHaveCount(0);
    await expect(page.getByTestId("groups-list").getByRole("link")).toHaveCount(0);
    await expect(page.getByText("None match this search.").first()).toBeVisible();

    // A search in the address is answered by the server before any script runs.
    await page.goto("/app/contacts?q=Tuesday");
    await expect(page.getByLabel("Search contacts")).toHaveValue("Tuesday");
    await expect(page.getByTestId("groups-list").getByRole("link", { name: /Tuesday Anxiety Group/ })).toBeVisible();
    await expect(people).toHaveCount(0);
  });
});
