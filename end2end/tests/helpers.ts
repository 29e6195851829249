import { Browser, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { appendFileSync } from "node:fs";

/** Every demo account's passphrase (server/src/demo.rs). */
export const DEMO_PASSPHRASE = "riverside demo";

/** A second person's browser in the same test: a phone (client, family) or a desktop (staff).
 * The service worker is off, as in playwright.config.ts: only offline.spec.ts tests it (its
 * install downloads the whole debug wasm again, which would slow every test). */
export const PHONE = {
  viewport: { width: 360, height: 740 },
  isMobile: true,
  hasTouch: true,
  serviceWorkers: "block" as const,
};
export const DESKTOP = { viewport: { width: 1280, height: 800 }, serviceWorkers: "block" as const };

export async function newPage(browser: Browser, kind: typeof PHONE | typeof DESKTOP): Promise<Page> {
  const context = await browser.newContext(kind);
  return context.newPage();
}

/** Signs in through the sign-in page, as a person would; `home` is where they land. */
export async function signInAs(page: Page, signInName: string, home = "/", passphrase = DEMO_PASSPHRASE) {
  await page.goto("/sign-in");
  await page.getByLabel("Sign-in name").fill(signInName);
  await page.getByLabel("Passphrase").fill(passphrase);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(home);
  // Let the page settle, so that the test's next navigation aborts nothing under way.
  await page.waitForLoadState("networkidle");
}

/** Collects what must never happen on a page: console errors and failed requests. */
export function watchForProblems(page: Page): string[] {
  const problems: string[] = [];
  // Also written to a file that run.sh prints last, where a CI log's tail shows it.
  const log = process.env.PROBLEMS_LOG;
  const report = (problem: string) => {
    if (log) appendFileSync(log, `${page.url()}: ${problem}\n`);
    problems.push(problem);
  };
  // Pages the test asked for that answer an error status on purpose (a 404 page).
  const errorDocuments = new Set<string>();
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const expected =
      message.text().startsWith("Failed to load resource") &&
      errorDocuments.has(message.location().url);
    if (!expected) report(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => report(`page error: ${error.message}`));
  page.on("requestfailed", (request) => {
    // A download the page no longer needs because the person moved on (a form sent before
    // the wasm finished arriving) is cancelled, not failed.
    if (request.failure()?.errorText === "net::ERR_ABORTED") return;
    report(`failed: ${request.url()} ${request.failure()?.errorText}`);
  });
  page.on("response", (response) => {
    // The page under test may answer 404 on purpose; its assets may not.
    if (response.status() < 400) return;
    if (response.request().resourceType() === "document") errorDocuments.add(response.url());
    else report(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/** Waits until the wasm has loaded and hydrated the page. */
export async function waitForHydration(page: Page) {
  // The app starts once the page has loaded and the browser is idle, and says so.
  await page.waitForSelector('html[data-app="started"]', { state: "attached" });
  await page.waitForLoadState("networkidle");
}

/** The checks every page must pass: no sideways scrolling, no axe violations. */
export async function expectSoundPage(page: Page, problems: string[]) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow, "no horizontal scrolling").toBeLessThanOrEqual(0);
  const axe = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  expect(axe.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
  expect(problems).toEqual([]);
}
