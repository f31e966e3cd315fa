import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { problems } from "./axe";
import { attendedWeeks, call, hydrated, isoDaysAgo, signIn, unique } from "./helpers";

test.describe("superbills", () => {
  test("a therapy-group client's superbill shows 90853 and their diagnosis, and its PDF the totals", async ({ page }, info) => {
    const name = `Sasha ${unique()}`;
    await signIn(page, "provider@riverside.example");
    // Two weekly group sessions attended, 7 and 14 days ago, $60.00 each.
    const { group } = await attendedWeeks(page, name, 2);
    await page.goto(`/app/cases/${group}`);
    await hydrated(page);
    const card = page.getByTestId("superbills");
    await expect(card.getByText("No superbills yet.")).toBeVisible();
    const form = card.getByTestId("superbill-form");
    await expect(form.getByLabel("Client", { exact: true })).toHaveValue(/\d+/);
    await expect(form.getByLabel("Telehealth, client at home (10)")).toBeChecked();
    await form.getByLabel("From").fill(isoDaysAgo(20));
    await form.getByLabel("To").fill(isoDaysAgo(1));

    // No diagnosis yet: refused, saying so beside the client.
    await form.getByRole("button", { name: "Create superbill" }).click();
    await expect(form.getByRole("alert")).toContainText(`${name} has no diagnosis in this case`);

    // The diagnosis, recorded on the case's clinical card; the form keeps what was typed.
    const clinical = page.getByTestId("clinical");
    await clinical.getByLabel("ICD-10 code").fill("F43.23");
    await clinical.getByLabel("Description").fill("Adjustment disorder with mixed anxiety and depressed mood");
    await clinical.getByLabel("Noted on").fill(isoDaysAgo(30));
    await clinical.getByRole("button", { name: "Add diagnosis" }).click();
    await expect(clinical).toContainText("F43.23");
    await expect(form.getByLabel("From")).toHaveValue(isoDaysAgo(20));
    await form.getByRole("button", { name: "Create superbill" }).click();

    await expect(page).toHaveURL(/\/app\/superbills\/\d+$/);
    await expect(page.getByTestId("superbill-title")).toHaveText(/^Superbill \d+$/);
    const title = (await page.getByTestId("superbill-title").textContent())!;
    await expect(page.getByTestId("superbill-client")).toHaveText(name);
    await expect(page.getByTestId("superbill-birth-date")).toHaveText("Not recorded");
    await expect(page.getByTestId("superbill-providers")).toContainText("Dr. Jordan Lee");
    await expect(page.getByTestId("superbill-diagnosis")).toHaveCount(1);
    await expect(page.getByTestId("superbill-diagnosis")).toHaveText(/^A\s+F43\.23 Adjustment disorder/);
    await expect(page.getByTestId("superbill-line")).toHaveCount(2);
    await expect(page.getByTestId("superbill-code")).toHaveText(["90853", "90853"]);
    await expect(page.getByTestId("superbill-place")).toHaveText(["11", "11"]);
    await expect(page.getByTestId("superbill-flag")).toHaveCount(0);
    await expect(page.getByTestId("superbill-total-fee")).toHaveText("$120.00");
    await expect(page.getByTestId("superbill-total-paid")).toHaveText("$0.00");
    await expect(page.getByTestId("superbill-balance")).toHaveText("$120.00");
    await expect(page.getByTestId("issuer")).toContainText("Riverside Counseling Collective");
    expect(await problems(page, `superbill (${info.project.name})`)).toEqual([]);

    // Its PDF, downloaded from the page and read by an independent reader (poppler).
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("superbill-pdf").click()]);
    expect(download.suggestedFilename()).toMatch(/^superbill-\d+\.pdf$/);
    const text = execFileSync("pdftotext", ["-layout", (await download.path())!, "-"]).toString();
    for (const said of [title, name, "Riverside Counseling Collective", "Dr. Jordan Lee", "F43.23", "90853", "Group psychotherapy"]) {
      expect(text).toContain(said);
    }
    expect(text.match(/90853/g)?.length).toBe(2);
    expect(text).toMatch(/Total fees\s+\$120\.00/);
    expect(text).toMatch(/Total paid\s+\$0\.00/);
    expect(text).toMatch(/Balance\s+\$120\.00/);

    // Back on the case, it is listed.
    await page.getByRole("link", { name: "Case" }).click();
    await expect(page.getByTestId("superbill-item")).toHaveCount(1);
    await expect(page.getByTestId("superbill-item")).toContainText(title);
    await expect(page.getByTestId("superbill-item")).toContainText(name);
  });

  test("a workshop offers no superbill, and the server refuses one", async ({ page }) => {
    const token = unique();
    await signIn(page, "provider@riverside.example");
    const me = (await call(page, "viewer", null)).account_id;
    const services: { id: number; code: string }[] = await call(page, "services", { include_inactive: false });
    const svc = services.find((s) => s.code === "WS-PARENT")!.id;
    const dana = await call(page, "create_person", {
      input: {
        kind: "person", legal_name: `Dana ${token}`, preferred_name: "", pronouns: "", date_of_birth: "",
        email: "", phone: "", address: "", emergency_contact: "", admin_notes: "",
      },
    });
    const workshop = await call(page, "create_case", {
      draft: {
        kind: "workshop", name: `Workshop ${token}`, initials: `K${token.slice(-4)}`, capacity: null,
        provider_ids: [me], default_service_id: svc, participant_ids: [], payer: { type: "self_pay" },
      },
    });
    await call(page, "add_member", { case: workshop, person: dana.id, joined_on: isoDaysAgo(30) });
    await page.goto(`/app/cases/${workshop}`);
    await hydrated(page);
    await expect(page.getByTestId("billing")).toBeVisible();
    await expect(page.getByTestId("superbills")).toHaveCount(0);
    await expect(page.getByText(/superbill/i)).toHaveCount(0);
    await expect(page.getByTestId("clinical")).toHaveCount(0);

    const res = await page.request.post("/api/create_superbill", {
      data: { draft: { case: workshop, person: dana.id, from: isoDaysAgo(20), to: isoDaysAgo(1), telehealth: "telehealth_home" } },
    });
    expect(res.status()).toBe(404);
  });
});
