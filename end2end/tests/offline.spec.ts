import { expect, Page, test } from "@playwright/test";
import { expectSoundPage, PHONE, signInAs, waitForHydration, watchForProblems } from "./helpers";

/** Waits until the service worker has installed the app shell and controls the page. */
async function waitForServiceWorker(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Waits until the phone has stored its encrypted copy. */
async function waitForCopy(page: Page) {
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("waypoint.copy.")));
}

/** How many keys the phone's key store holds (0 when it is gone). */
async function keysStored(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const open = indexedDB.open("waypoint-keys");
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("keys")) {
            db.close();
            return resolve(0);
          }
          const count = db.transaction("keys").objectStore("keys").count();
          count.onsuccess = () => {
            db.close();
            resolve(count.result);
          };
        };
      }),
  );
}

/** Every URL in every cache of the site. */
async function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      for (const request of await cache.keys()) urls.push(new URL(request.url).pathname);
    }
    return urls;
  });
}

/** Offline, a page's own calls to the server fail; that is expected, nothing else is. */
function offlineProblems(problems: string[]): string[] {
  return problems.filter((p) => !/ERR_INTERNET_DISCONNECTED/.test(p));
}

test.describe("the installable app", () => {
  test.use({ serviceWorkers: "allow" });

  test("the manifest names the app neutrally and its icons load", async ({ page, request }) => {
    await page.goto("/sign-in");
    const href = await page.locator('link[rel="manifest"]').getAttribute("href");
    const manifest = await (await request.get(href!)).json();
    expect(manifest.name).toBe("Waypoint");
    expect(manifest.display).toBe("standalone");
    expect(manifest.start_url).toBe("/");
    const sizes = manifest.icons.map((icon: { sizes: string }) => icon.sizes);
    expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(manifest.icons.some((icon: { purpose: string }) => icon.purpose === "maskable")).toBe(true);
    for (const icon of manifest.icons) {
      const answer = await request.get(icon.src);
      expect(answer.status(), icon.src).toBe(200);
    }
  });

  test("a phone that loaded the app once opens every page with no network", async ({ page, context }) => {
    // Six pages, each checked with axe.
    test.setTimeout(120_000);
    await signInAs(page, "alex");
    await page.goto("/");
    await waitForHydration(page);
    await waitForServiceWorker(page);
    await waitForCopy(page);

    // Only the shell is cached: no page with anyone's information, and nothing of Alex's.
    const urls = await cachedUrls(page);
    expect(urls).toEqual(expect.arrayContaining(["/offline", "/manifest.webmanifest"]));
    expect(urls.some((u) => u.endsWith(".wasm"))).toBe(true);
    for (const url of urls) {
      expect(url === "/offline" || url.includes("."), `${url} is a shell file`).toBe(true);
    }
    const shellText = await page.evaluate(async () => {
      const page = await caches.match("/offline");
      return page ? page.text() : "";
    });
    expect(shellText).not.toContain("Alex");
    // The stored copy is ciphertext: none of the plan's words can be read from it.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    for (const words of ["Sleep better", "Alex", "benefits", "Distress line"]) {
      expect(stored).not.toContain(words);
    }

    const problems = watchForProblems(page);
    await context.setOffline(true);
    const pages: [string, string | RegExp][] = [
      ["/", "Hi, Alex"],
      ["/plan", "My plan"],
      ["/appointments", "Appointments"],
      ["/referrals", "Referrals"],
      ["/support", /Support/],
      ["/learn", "Supporting someone"],
    ];
    for (const [path, heading] of pages) {
      await page.goto(path);
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
      await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();
      await expectSoundPage(page, offlineProblems(problems));
    }
    await page.goto("/plan");
    await expect(page.getByRole("heading", { name: "Sleep better" })).toBeVisible();

    // Signing out works offline: nothing of Alex's stays on the phone.
    await page.getByRole("button", { name: "Sign out of this phone" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sign in");
    const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("waypoint.")));
    expect(left).toEqual([]);
    expect(await keysStored(page)).toBe(0);
    expect(await cachedUrls(page)).toEqual([]);

    // Back online, the server is told at once: the session is over.
    await context.setOffline(false);
    await page.goto("/sign-in");
    await page.waitForFunction(() => localStorage.getItem("waypoint-sign-out-pending") === null);
    await page.goto("/plan");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Please sign in");
  });

  test("a phone whose session was ended elsewhere wipes its copy at its next contact", async ({ page, browser }) => {
    // Hassan signs in nowhere else in the suite, so "the other device" is this phone.
    await signInAs(page, "hassan");
    await page.goto("/");
    await waitForHydration(page);
    await waitForServiceWorker(page);
    await waitForCopy(page);

    // On another device, Hassan signs this phone out.
    const other = await (await browser.newContext(PHONE)).newPage();
    await signInAs(other, "hassan");
    await other.goto("/account");
    await other.getByRole("button", { name: "Sign this device out" }).first().click();
    await other.waitForLoadState("networkidle");

    // The phone's next contact: it is told the session is over and keeps nothing.
    await page.goto("/sign-in");
    await waitForHydration(page);
    await page.waitForFunction(() => !Object.keys(localStorage).some((k) => k.startsWith("waypoint.")));
    // Only the shell may be cached again (no one's information): never a page.
    for (const url of await cachedUrls(page)) {
      expect(url === "/offline" || url.includes("."), `${url} is a shell file`).toBe(true);
    }
    const keys = await keysStored(page);
    expect(keys).toBe(0);
  });
});
