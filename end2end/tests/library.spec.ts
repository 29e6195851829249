import { expect, Page, test } from "@playwright/test";
import { expectSoundPage, waitForHydration, watchForProblems } from "./helpers";

/** Waits until the service worker controls the page. */
async function waitForServiceWorker(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** The library's pages the phone keeps, by address. */
async function keptPages(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const cache = await caches.open("waypoint-library");
    return (await cache.keys()).map((request) => new URL(request.url).pathname);
  });
}

test.describe("the family's library", () => {
  test.use({ serviceWorkers: "allow" });

  test("anyone reads it in English and French with no sign-in, and searches it", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/learn");
    await expect(page).toHaveURL(/\/learn\/[0-9a-f]{8}\/en$/);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learn and find support");
    await expect(page).toHaveTitle("Library · Waypoint");
    await expect(page.locator("html")).toHaveAttribute("lang", "en");
    // A reader of the library downloads no wasm.
    const wasm = await page.evaluate(() =>
      performance.getEntriesByType("resource").filter((e) => e.name.endsWith(".wasm")).length,
    );
    expect(wasm).toBe(0);
    await expectSoundPage(page, problems);

    await page.getByRole("link", { name: "What methadone treatment is and how it works" }).first().click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("What methadone treatment is and how it works");
    await expect(page).toHaveTitle("Library · Waypoint");
    await expect(page.getByText(/\d+ min read/)).toBeVisible();
    await expect(page.getByText("Your clinic has not checked it yet.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Sources" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Next in this topic" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Share" })).toBeVisible();
    await expectSoundPage(page, problems);

    // The same page in French; the choice is remembered.
    await page.getByRole("link", { name: "Français" }).click();
    await expect(page).toHaveURL(/\/fr\/a\/1$/);
    await expect(page.locator("html")).toHaveAttribute("lang", "fr");
    await expect(page).toHaveTitle("Bibliothèque · Waypoint");
    await expect(page.getByText(/\d+ min de lecture/)).toBeVisible();
    await expectSoundPage(page, problems);
    await page.goto("/learn");
    await expect(page).toHaveURL(/\/fr$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("S'informer et trouver du soutien");
    await expectSoundPage(page, problems);

    // Search in French, with no accents and a plural.
    await page.getByLabel("Chercher dans la bibliothèque").fill("SURDOSES naloxone");
    await page.getByRole("button", { name: "Chercher" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("Résultats pour");
    await expect(page.getByRole("link", { name: "Surdose : les signes et quoi faire" })).toBeVisible();
    await expectSoundPage(page, problems);
    await page.getByLabel("Chercher dans la bibliothèque").fill("securite enfants");
    await page.getByRole("button", { name: "Chercher" }).click();
    await expect(page.locator(".article-card").first()).toBeVisible();

    // A topic, and back to English.
    await page.getByRole("link", { name: "Tous les sujets" }).click();
    await page.getByRole("link", { name: /Soutenir un proche/ }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Soutenir un proche");
    await expectSoundPage(page, problems);
    await page.getByRole("link", { name: "English" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Supporting someone");
    await expectSoundPage(page, problems);
  });

  test("a phone reads an article offline after one visit, and every article once saved", async ({ page, context }) => {
    const problems = watchForProblems(page);
    await page.goto("/learn");
    await waitForHydration(page);
    await waitForServiceWorker(page);
    // One visit to an article.
    await page.getByRole("link", { name: "Overdose: the signs and what to do" }).first().click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overdose: the signs and what to do");
    const article = new URL(page.url()).pathname;
    await expect.poll(() => keptPages(page)).toContain(article);

    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Overdose: the signs and what to do");
    await expect(page.getByText("naloxone").first()).toBeVisible();
    await context.setOffline(false);

    // Saved whole: every article opens with no network.
    await page.goto(article.replace(/\/a\/\d+$/, ""));
    await waitForHydration(page);
    const save = page.getByRole("button", { name: "Save the library on this phone" });
    await expect(page.getByText(/It uses about \d+ KB\./)).toBeVisible();
    await save.click();
    await expect(page.getByRole("status").filter({ hasText: "Saved." })).toBeVisible();
    const pages = (await save.getAttribute("data-library-save"))!.split(" ");
    const articles = pages.filter((p) => /\/a\/\d+$/.test(p));
    expect(articles.length).toBeGreaterThanOrEqual(16);
    const kept = await keptPages(page);
    for (const p of pages) expect(kept).toContain(p);

    await context.setOffline(true);
    const home = await page.getByRole("heading", { level: 1 }).textContent();
    for (const path of articles) {
      await page.goto(path);
      const heading = page.getByRole("heading", { level: 1 });
      await expect(heading).not.toHaveText(home!);
      await expect(page.locator(".article-body h2").first()).toBeVisible();
    }
    await context.setOffline(false);
    const offline = /ERR_INTERNET_DISCONNECTED/;
    expect(problems.filter((p) => !offline.test(p))).toEqual([]);
  });
});
