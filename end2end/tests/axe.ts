import AxeBuilder from "@axe-core/playwright";
import type { Page } from "@playwright/test";

/** The rules checked: WCAG 2.2 A and AA, and axe's best practices. */
export const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

/** Every serious or critical violation on the page as it stands, one line per rule and
 * the elements it names, so a failure says exactly what to fix. */
export async function problems(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${where}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

