import { expect, test, type Page } from "@playwright/test";
import { attendedWeeks, call, hydrated, newSession, otherScreen, signIn, unique } from "./helpers";

const PROVIDER = "provider@riverside.example";
const ASSOCIATE = "associate@riverside.example";
const SUPERVISOR = "supervisor@riverside.example";

/** A new session of the Tuesday Anxiety Group with everyone marked attended; opens its
 * note screen and starts a blank note. Returns the note's address. */
async function startedNote(page: Page): Promise<string> {
  await newSession(page, "TAG", "Tuesday Anxiety Group");
  await page.getByTestId("mark-all").click();
  await expect(page.getByTestId("attendance-counts")).toContainText("4 attended");
  await expect(page.getByTestId("live-status")).toContainText("Live");
  await page.getByTestId("open-note").click();
  await expect(page).toHaveURL(/\/app\/sessions\/\d+\/note$/);
  await hydrated(page);
  await page.getByLabel("Template").selectOption({ label: "Blank note" });
  await page.getByRole("button", { name: "Start the group note" }).click();
  await expect(page.getByTestId("group-note")).toBeVisible();
  await hydrated(page);
  return page.url();
}

function groupEditor(page: Page) {
  return page.getByTestId("group-note");
}

function toolbar(page: Page) {
  return page.getByRole("toolbar", { name: "Formatting: Group note" });
}

async function saved(page: Page, testid = "group-note") {
  await expect(page.getByTestId(`${testid}-state`)).toContainText("Saved");
}

test.describe("group notes", () => {
  test("a formatted note survives a reload and locks into each attendee's chart", async ({ page }) => {
    const token = unique();
    await signIn(page, PROVIDER);
    const noteUrl = await startedNote(page);

    // A heading, bold text and a numbered list, through the toolbar.
    const editor = groupEditor(page);
    await editor.click();
    await toolbar(page).getByLabel("Text style").selectOption({ label: "Heading 1" });
    await page.keyboard.type(`Check-in ${token}`);
    await page.keyboard.press("Enter");
    await toolbar(page).getByLabel("Text style").selectOption({ label: "Normal text" });
    await toolbar(page).getByRole("button", { name: "Bold", exact: true }).click();
    await page.keyboard.type("Grounding");
    await toolbar(page).getByRole("button", { name: "Bold", exact: true }).click();
    await page.keyboard.type(" practice together.");
    await page.keyboard.press("Enter");
    await toolbar(page).getByRole("button", { name: "Numbered list" }).click();
    await page.keyboard.type("Breathe");
    await page.keyboard.press("Enter");
    await page.keyboard.type("Notice");
    await saved(page);

    await page.reload();
    await hydrated(page);
    await expect(editor.locator("h1")).toHaveText(`Check-in ${token}`);
    await expect(editor.locator("strong")).toHaveText("Grounding");
    await expect(editor.locator("ol > li")).toHaveText(["Breathe", "Notice"]);

    // Each of two attendees gets a note of their own.
    await page.getByRole("button", { name: "Add a note for Alex Rivera" }).click();
    const alex = page.getByRole("textbox", { name: "Note for Alex Rivera" });
    await alex.click();
    await page.keyboard.type(`Alex shared a win ${token}.`);
    await page.getByRole("button", { name: "Add a note for Taylor Morgan" }).click();
    const taylor = page.getByRole("textbox", { name: "Note for Taylor Morgan" });
    await taylor.click();
    await page.keyboard.type(`Taylor practised at home ${token}.`);
    for (const state of await page.locator("[data-testid$='-state']").all()) {
      await expect(state).toContainText("Saved");
    }

    // Review, then lock and watch the server's progress.
    await page.getByRole("link", { name: "Review and lock" }).first().click();
    await expect(page).toHaveURL(/\/note\/review$/);
    await hydrated(page);
    await expect(page.getByTestId("review-summary")).toContainText("4 chart notes");
    await expect(page.locator("article.chart-note")).toHaveCount(4);
    await page.getByTestId("lock-button").click();
    const bar = page.getByTestId("lock-progress");
    await expect(bar).toBeVisible();
    await expect(bar).toHaveAttribute("aria-valuemax", "4");
    await expect(bar).toHaveAttribute("aria-valuenow", "4");
    await expect(page.getByTestId("locked")).toContainText("4 chart notes created");

    // The locked note reads the same and offers only addenda.
    await page.goto(noteUrl);
    await hydrated(page);
    await expect(page.getByTestId("note-status")).toHaveText("Signed and locked");
    await expect(page.getByTestId("group-note")).toHaveCount(0);
    await expect(page.getByTestId("group-note-view").locator("h1")).toHaveText(`Check-in ${token}`);

    // A correction is a dated, signed addendum, here for one attendee's chart.
    await page.getByLabel("Addendum for", { exact: true }).selectOption({ label: "Alex Rivera" });
    await page.getByRole("textbox", { name: "Addendum" }).click();
    await page.keyboard.type(`Correction for Alex ${token}.`);
    await page.getByRole("button", { name: "Sign and add the addendum" }).click();
    await expect(page.getByTestId("addenda")).toContainText(`Correction for Alex ${token}.`);
    await expect(page.getByTestId("addenda")).toContainText("signed by Dr. Jordan Lee (for Alex Rivera)");

    // Two attendees' charts: the group note plus each one's own note, and not the other's.
    for (const [name, own, other] of [
      ["Alex Rivera", `Alex shared a win ${token}.`, "Taylor practised"],
      ["Taylor Morgan", `Taylor practised at home ${token}.`, "Alex shared"],
    ]) {
      await page.getByRole("link", { name }).first().click();
      await expect(page.getByTestId("chart-title")).toHaveText(`Chart: ${name}`);
      const entry = page.locator("article.chart-note").filter({ hasText: `Check-in ${token}` });
      await expect(entry).toHaveCount(1);
      await expect(entry.getByTestId("chart-group-note").locator("h1")).toHaveText(`Check-in ${token}`);
      await expect(entry.getByTestId("chart-group-note").locator("strong")).toHaveText("Grounding");
      await expect(entry.getByTestId("chart-group-note").locator("ol > li")).toHaveCount(2);
      await expect(entry.getByTestId("chart-own-note")).toHaveText(own);
      await expect(entry).not.toContainText(other);
      await expect(entry).toContainText("Attended (90853)");
      if (name === "Alex Rivera") {
        await expect(entry.getByTestId("addenda")).toContainText(`Correction for Alex ${token}.`);
      } else {
        await expect(entry.getByTestId("addenda")).toHaveCount(0);
      }
      await page.goBack();
      await hydrated(page);
    }
  });

  test("attendance corrected after the lock asks why and adds a dated addendum to that chart", async ({ page }) => {
    const token = unique();
    await signIn(page, PROVIDER);
    const noteUrl = await startedNote(page);
    await groupEditor(page).click();
    await page.keyboard.type(`Skills practice ${token}.`);
    await saved(page);
    await page.getByRole("link", { name: "Review and lock" }).first().click();
    await hydrated(page);
    await page.getByTestId("lock-button").click();
    await expect(page.getByTestId("locked")).toContainText("4 chart notes created");

    // On the session screen every change is now a correction with a reason.
    await page.goto(noteUrl.replace(/\/note$/, ""));
    await hydrated(page);
    await expect(page.getByTestId("note-locked")).toBeVisible();
    await expect(page.getByTestId("mark-all")).toHaveCount(0);
    const name = "Taylor Morgan";
    const row = page.getByTestId("attendance-row").filter({ hasText: name });
    await row.getByRole("button", { name: `Change attendance for ${name}` }).click();
    await row.getByLabel(`Attendance for ${name}`, { exact: true }).selectOption({ label: "Did not attend, no fee" });
    const correction = row.getByTestId("correction-form");
    await expect(correction).toContainText("The session's note is signed and locked");
    // "Keep as is" leaves the attendance as it was.
    await correction.getByRole("button", { name: "Keep as is" }).click();
    await expect(correction).toHaveCount(0);
    await expect(row.getByTestId("choice")).toHaveText("Attended (90853)");
    await row.getByRole("button", { name: `Change attendance for ${name}` }).click();
    await row.getByLabel(`Attendance for ${name}`, { exact: true }).selectOption({ label: "Did not attend, no fee" });
    await correction.getByLabel("Reason for the correction").fill(`Left before the group began ${token}`);
    await correction.getByRole("button", { name: "Save correction" }).click();
    await expect(row.getByTestId("corrected")).toContainText("Corrected to Did not attend, no fee.");
    await expect(row.getByTestId("choice")).toHaveText("Did not attend, no fee");
    await expect(row).toHaveAttribute("data-state", "absent");

    // Taylor's chart keeps the note as locked, with the correction as a dated addendum;
    // Alex's chart has none.
    const taylorId = await row.getAttribute("data-person");
    const alexId = await page.getByTestId("attendance-row").filter({ hasText: "Alex Rivera" }).getAttribute("data-person");
    await page.goto(noteUrl);
    await hydrated(page);
    await expect(page.getByTestId("addenda")).toContainText(`Left before the group began ${token}`);
    await page.goto(`/app/people/${taylorId}/chart`);
    await hydrated(page);
    await expect(page.getByTestId("chart-title")).toHaveText(`Chart: ${name}`);
    const entry = page.locator("article.chart-note").filter({ hasText: `Skills practice ${token}.` });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText("Attended (90853)");
    await expect(entry.getByTestId("addenda")).toContainText(
      `Attended (90853) \u2192 Did not attend, no fee. Reason: Left before the group began ${token}`,
    );
    await page.goto(`/app/people/${alexId}/chart`);
    await hydrated(page);
    await expect(page.getByTestId("chart-title")).toHaveText("Chart: Alex Rivera");
    const alex = page.locator("article.chart-note").filter({ hasText: `Skills practice ${token}.` });
    await expect(alex.getByTestId("addenda")).toHaveCount(0);
  });

  test("going offline mid-typing loses nothing, and a draft survives a reload", async ({ page, context }) => {
    await signIn(page, PROVIDER);
    await startedNote(page);
    const editor = groupEditor(page);
    await editor.click();
    await page.keyboard.type("Typed online.");
    await saved(page);

    await context.setOffline(true);
    await page.keyboard.type(" Typed offline.");
    await expect(page.getByTestId("group-note-state")).toContainText("Offline");
    await context.setOffline(false);
    await saved(page);
    await page.reload();
    await hydrated(page);
    await expect(editor).toHaveText("Typed online. Typed offline.");

    // Reloading before the pause that saves: the device's draft comes back and is saved.
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Kept on the device.");
    await page.reload();
    await hydrated(page);
    await expect(editor).toHaveText("Typed online. Typed offline. Kept on the device.");
    await saved(page);
    await page.reload();
    await hydrated(page);
    await expect(editor).toHaveText("Typed online. Typed offline. Kept on the device.");
  });

  test("a pasted script stays inert in another user's browser", async ({ page, browser }, info) => {
    await signIn(page, PROVIDER);
    const noteUrl = await startedNote(page);
    const editor = groupEditor(page);
    await editor.click();
    await page.keyboard.type("Before the paste. ");
    // What a hostile web page might put on the clipboard.
    await editor.evaluate((el) => {
      const data = new DataTransfer();
      data.setData(
        "text/html",
        `<b onmouseover="window.__xss='b'">Pasted bold</b><img src=x onerror="window.__xss='img'">` +
          `<script>window.__xss='script'</script><svg onload="window.__xss='svg'"><text>svg</text></svg>` +
          `<a href="javascript:window.__xss='link'">a link</a><p style="color:red">styled</p>`,
      );
      data.setData("text/plain", "Pasted bold");
      el.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
    });
    await page.keyboard.type(" <script>window.__xss='typed'</script>");
    await saved(page);

    // Another clinician of the group opens the note in their own browser.
    const other = await otherScreen(browser, info, false);
    const dialogs: string[] = [];
    other.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(other, ASSOCIATE);
    await other.goto(noteUrl);
    await hydrated(other);
    const shown = other.getByTestId("group-note");
    await expect(shown).toContainText("Pasted bold");
    await expect(shown).toContainText("<script>window.__xss='typed'</script>");
    await expect(shown.locator("strong, b")).toHaveText(["Pasted bold"]);
    await expect(shown.locator("script, img, svg, a, [onmouseover], [style], [href]")).toHaveCount(0);
    await shown.locator("strong, b").hover();
    expect(await other.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
    expect(dialogs).toEqual([]);
    await other.context().close();
  });

  test("an associate's note goes to the supervisor, comes back, and is co-signed", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, ASSOCIATE);
    const noteUrl = await startedNote(page);
    const editor = groupEditor(page);
    await editor.click();
    await page.keyboard.type(`Associate's note ${token}.`);
    await saved(page);
    await page.getByRole("button", { name: "Send for review" }).click();
    await expect(page.getByTestId("note-status")).toHaveText("With the supervisor for review");

    const supervisor = await otherScreen(browser, info, false);
    await signIn(supervisor, SUPERVISOR);
    await supervisor.goto("/app");
    await hydrated(supervisor);
    const queued = supervisor.getByTestId("review-queue").getByRole("link").first();
    await expect(queued).toBeVisible();
    await supervisor.goto(noteUrl);
    await hydrated(supervisor);
    await supervisor.getByRole("button", { name: "Return with comments" }).click();
    await expect(supervisor.getByRole("alert")).toContainText("Say what should change");
    await supervisor.getByLabel("Comments for the author").fill("Add the plan for next week.");
    await supervisor.getByRole("button", { name: "Return with comments" }).click();
    await expect(supervisor.getByTestId("note-status")).toHaveText("Returned by the supervisor");

    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("review-comments")).toContainText("Add the plan for next week.");
    await editor.click();
    await page.keyboard.press("End");
    await page.keyboard.type(" Plan: continue exposure practice.");
    await saved(page);
    await page.getByRole("button", { name: "Send for review" }).click();
    await expect(page.getByTestId("note-status")).toHaveText("With the supervisor for review");

    await supervisor.reload();
    await hydrated(supervisor);
    await supervisor.getByRole("button", { name: "Co-sign" }).click();
    await expect(supervisor.getByTestId("note-status")).toHaveText("Co-signed; ready to lock");
    await supervisor.context().close();

    await page.reload();
    await hydrated(page);
    await page.getByRole("link", { name: "Review and lock" }).first().click();
    await hydrated(page);
    await page.getByTestId("lock-button").click();
    await expect(page.getByTestId("locked")).toContainText("4 chart notes created");
    await page.getByRole("link", { name: "Jamie Chen" }).first().click();
    // The chart is its own screen, loaded when first needed: the locked note's list (which
    // shows the same chart notes) stays until it has come.
    await expect(page.getByTestId("chart-title")).toContainText("Jamie Chen");
    const entry = page.locator("article.chart-note").filter({ hasText: token });
    await expect(entry).toContainText("Co-signed by Dr. Elena Brooks");
    await expect(entry).toContainText("Signed by Chris Nguyen");
  });

  test("two clinicians editing the same note see both texts, and nothing is overwritten", async ({ page, browser }, info) => {
    const token = unique();
    await signIn(page, PROVIDER);
    const noteUrl = await startedNote(page);
    const colleague = await otherScreen(browser, info, false);
    await signIn(colleague, ASSOCIATE);
    await colleague.goto(noteUrl);
    await hydrated(colleague);

    await groupEditor(page).click();
    await page.keyboard.type(`Lee's text ${token}.`);
    await saved(page);

    // The colleague's screen still builds on the empty note.
    await groupEditor(colleague).click();
    await colleague.keyboard.type(`Nguyen's text ${token}.`);
    const conflict = colleague.getByTestId("conflict");
    await expect(conflict).toBeVisible();
    await expect(colleague.getByTestId("group-note-state")).toContainText("someone else changed");
    await expect(conflict.getByTestId("their-version")).toHaveText(`Lee's text ${token}.`);
    await expect(groupEditor(colleague)).toHaveText(`Nguyen's text ${token}.`);
    await conflict.getByRole("button", { name: "Keep my version" }).click();
    await saved(colleague, "group-note");
    await colleague.context().close();

    await page.reload();
    await hydrated(page);
    await expect(groupEditor(page)).toHaveText(`Nguyen's text ${token}.`);
  });

  test("a workshop note starts from the workshop template, with no clinical language", async ({ page }) => {
    await signIn(page, "provider2@riverside.example");
    await newSession(page, "PTA", "Parenting Through Adolescence");
    await page.getByTestId("open-note").click();
    await hydrated(page);
    await expect(page.getByLabel("Template").locator("option")).toHaveText(["Workshop session note", "Blank note"]);
    await page.getByRole("button", { name: "Start the session note" }).click();
    const editor = page.getByTestId("group-note");
    await expect(editor.locator("h2")).toHaveText([
      "Topic or module",
      "Attendance notes",
      "Group themes",
      "Resources shared",
      "Participant follow-ups",
      "Administrative notes",
    ]);
    const text = (await page.locator("main").innerText()).toLowerCase();
    for (const clinical of ["diagnos", "treatment plan", "progress note", "psychotherapy", "90853"]) {
      expect(text).not.toContain(clinical);
    }
    // Nobody's attendance is recorded yet, so the note cannot be locked, and the screen says why.
    await page.getByRole("link", { name: "Review and lock" }).first().click();
    await hydrated(page);
    await expect(page.getByTestId("lock-blocked")).toContainText("Record attendance for everyone first");
    await expect(page.getByTestId("lock-button")).toHaveCount(0);
  });

  test("an owner adds a template; clinical words are refused for workshops; providers only read", async ({ page }) => {
    const name = `Skills check-in ${unique()}`;
    await signIn(page, "owner@riverside.example");
    await page.goto("/app/note-templates");
    await hydrated(page);
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Template is for").selectOption({ label: "Workshops and skills groups" });
    await page.getByLabel("Sections, one per line").fill("Topic\nDiagnosis update");
    // Not offered for new notes, so the other tests' template menus stay as they are.
    await page.getByLabel("Offered for new notes").uncheck();
    await page.getByRole("button", { name: "Save the template" }).click();
    await expect(page.locator("[data-field=sections]")).toContainText(
      "carry no diagnosis, treatment-plan or progress-note language",
    );
    await expect(page.getByTestId("template").filter({ hasText: name })).toHaveCount(0);
    await page.getByLabel("Sections, one per line").fill("Topic\nHomework review");
    await page.getByRole("button", { name: "Save the template" }).click();
    await expect(page.getByRole("status")).toContainText("Template saved.");
    const card = page.getByTestId("template").filter({ hasText: name });
    await expect(card).toContainText("(not offered)");
    await expect(card.locator("li")).toHaveText(["Topic", "Homework review"]);

    await signIn(page, PROVIDER);
    await page.goto("/app/note-templates");
    await hydrated(page);
    await expect(page.getByTestId("template").filter({ hasText: "Workshop session note" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Save the template" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Edit" })).toHaveCount(0);
  });
});

test.describe("a long chart", () => {
  test("comes a page at a time, newest first, and the earlier notes follow on request", async ({ page }) => {
    test.setTimeout(120_000);
    const token = unique();
    await signIn(page, PROVIDER);
    // Half a year of weekly sessions for one participant, each attended and its note locked.
    const weeks = 22;
    const { person, sessions } = await attendedWeeks(page, `Chart Long ${token}`, weeks);
    for (const [i, id] of sessions.entries()) {
      await call(page, "start_note", { id, template: null });
      await call(page, "save_note", {
        id, part: "Group", base: 1,
        doc: { blocks: [{ kind: "paragraph", spans: [{ text: `Week ${i + 1} of ${token}` }] }] },
      });
      expect(await call(page, "lock_note", { id })).toBe(1);
    }

    await page.goto(`/app/people/${person.id}/chart`);
    await hydrated(page);
    const notes = page.locator("article.chart-note");
    await expect(notes).toHaveCount(20);
    await expect(notes.first()).toContainText(`Week 1 of ${token}`);
    await expect(notes.nth(19)).toContainText(`Week 20 of ${token}`);
    await page.getByTestId("chart-earlier").click();
    await expect(notes).toHaveCount(weeks);
    await expect(notes.last()).toContainText(`Week ${weeks} of ${token}`);
    await expect(page.getByTestId("chart-earlier")).toHaveCount(0);
    // Each note once, in order.
    const texts = await notes.getByTestId("chart-group-note").allTextContents();
    expect(texts).toEqual(Array.from({ length: weeks }, (_, i) => `Week ${i + 1} of ${token}`));
  });
});
