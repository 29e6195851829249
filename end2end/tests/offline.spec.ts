import { expect, Page, test } from "@playwright/test";
import { DEMO_PASSPHRASE, DESKTOP, expectSoundPage, newPage, PHONE, signInAs, waitForHydration, watchForProblems } from "./helpers";

/** Waits until the service worker has installed the app shell and controls the page. */
async function waitForServiceWorker(page: Page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
}

/** Waits until the phone has stored its encrypted copy. */
async function waitForCopy(page: Page) {
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("waypoint.copy.")));
}

/** Signs in as `name` (unless signed in already) and opens `path` once, online: the app is
 * running, its service worker in charge, and the phone holds its copy. */
async function loadOnce(page: Page, name?: string, path = "/") {
  if (name) await signInAs(page, name);
  await page.goto(path);
  await waitForHydration(page);
  await waitForServiceWorker(page);
  await waitForCopy(page);
}

/** What the app keeps in this tab's session storage (the open key of a copy). */
async function openKeys(page: Page): Promise<string[]> {
  return page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith("waypoint.")));
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

/** Offline, a page's own calls to the server fail; that is expected, and so is the icon the
 * browser asks for after a wipe has taken the cached shell (the console's line for it names
 * no address; any other request that fails is still reported by address). Nothing else is. */
function offlineProblems(problems: string[]): string[] {
  const expected = /ERR_INTERNET_DISCONNECTED|favicon\.svg net::ERR_FAILED|^console: Failed to load resource: net::ERR_FAILED$/;
  return problems.filter((p) => !expected.test(p));
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
    // Seven pages, each checked with axe.
    test.setTimeout(120_000);
    await loadOnce(page, "alex", "/");

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
      ["/messages", "Messages"],
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
    expect(await openKeys(page)).toEqual([]);
    expect(await cachedUrls(page)).toEqual([]);

    // Back online, the server is told at once: the session is over. The phone does it on
    // its own when the network comes back (and shows the server's page), so the test waits
    // for that rather than navigating across it.
    await context.setOffline(false);
    const pending = () =>
      page
        .evaluate(() => localStorage.getItem("waypoint-sign-out-pending"))
        .catch(() => "still navigating");
    await expect.poll(pending, { timeout: 15_000 }).toBeNull();
    await page.goto("/plan");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Please sign in");
  });

  test("a supporter's phone opens what was shared with them with no network", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Tara signs in nowhere else in the suite; she shares her stage and goals.
    const client = await newPage(browser, PHONE);
    await signInAs(client, "tara");
    await client.goto("/supporters");
    await waitForHydration(client);
    await client.getByLabel("Who is it?").fill("My friend");
    await client.getByLabel("Goals").check();
    await client.getByLabel("Stage of care").check();
    await client.getByRole("button", { name: "Make an invite code" }).click();
    const link = (await client.locator(".link-text").innerText()).trim();

    await page.goto(link);
    await page.getByLabel("Your name").fill("Omar");
    await page.getByLabel("Choose a sign-in name").fill("omar.friend");
    await page.getByLabel("Choose a passphrase").fill("copper kettle on the stove");
    await page.getByLabel("Type the passphrase again").fill("copper kettle on the stove");
    await page.getByRole("button", { name: "Join and sign in" }).click();
    await page.waitForURL("/supporting");
    await waitForHydration(page);
    await waitForServiceWorker(page);
    await waitForCopy(page);
    await page.getByRole("link", { name: "Tara", exact: true }).click();
    await page.waitForURL(/\/supporting\/[^/]+$/);
    await waitForHydration(page);
    const shared = new URL(page.url()).pathname;
    // The copy is ciphertext like a client's.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain("Tara");

    const problems = watchForProblems(page);
    await context.setOffline(true);
    await page.goto("/supporting");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Shared with you");
    await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Start here" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Tara", exact: true })).toHaveAttribute("href", shared);
    await expectSoundPage(page, offlineProblems(problems));

    await page.goto(shared);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("What Tara shares with you");
    await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Goals" })).toBeVisible();
    const stage = page.locator("section", { has: page.getByRole("heading", { name: "Stage of care" }) });
    await expect(stage.getByRole("heading", { name: "Read about this stage" })).toBeVisible();
    expect(await stage.getByRole("link").count()).toBeGreaterThan(0);
    await expectSoundPage(page, offlineProblems(problems));
  });

  test("check-ins made offline reach the case manager once, when the phone is back online", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Eli signs in nowhere else in the suite; Daniel is Eli's case manager.
    await loadOnce(page, "eli", "/plan");

    const problems = watchForProblems(page);
    await context.setOffline(true);
    await page.goto("/plan");
    await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();
    const tick = page.getByRole("button", { name: /^I did this/ }).first();
    const step = ((await tick.getAttribute("aria-label")) ?? "").replace("I did this: ", "");
    // A double tap keeps one check-in, not two.
    await tick.dblclick();
    const offlineLine = page.getByRole("status").filter({ hasText: "You're offline" });
    await expect(offlineLine).toContainText("1 thing you sent is kept on this phone");
    // The step shows as done at once.
    await expect(page.getByRole("button", { name: `I did this: ${step}` })).toHaveCount(0);
    await expectSoundPage(page, offlineProblems(problems));

    await page.goto("/appointments");
    await page.locator("section", { has: page.getByRole("heading", { name: "Coming up" }) }).getByRole("link").first().click();
    await page.getByRole("button", { name: "I'll be there" }).click();
    await expect(page.getByText(/You said you will be there/)).toBeVisible();
    await expect(offlineLine).toContainText("2 things you sent are kept on this phone");
    await expectSoundPage(page, offlineProblems(problems));

    // Kept through a reload, and unreadable in storage like the rest of the copy.
    await page.reload();
    await expect(offlineLine).toContainText("2 things you sent are kept on this phone");
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(step);
    expect(stored).not.toContain("will_come");

    // Back online: the phone sends them and the page shows the server's answer again.
    await context.setOffline(false);
    await expect(offlineLine).toHaveCount(0);
    await expect(page.getByText(/You said you will be there/)).toBeVisible();
    // More contacts send nothing twice.
    await page.goto("/plan");
    await waitForHydration(page);
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole("button", { name: `I did this: ${step}` })).toHaveCount(0);

    const staff = await newPage(browser, DESKTOP);
    await signInAs(staff, "daniel", "/caseload");
    await staff.getByRole("link", { name: "Eli", exact: true }).click();
    const checkIns = staff.locator("section", { has: staff.getByRole("heading", { name: "Check-ins from the client" }) });
    await expect(checkIns.getByRole("listitem").filter({ hasText: `Did a step: ${step}` })).toHaveCount(1);
    await expect(checkIns.getByRole("listitem").filter({ hasText: "Will come" })).toHaveCount(1);
  });

  test("a shared phone: the second person gets nothing of the first's, whose check-in arrives once when they are back", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Jamal and Kim sign in nowhere else in the suite; Amara is Jamal's case manager.
    await loadOnce(page, "jamal", "/plan");
    const problems = watchForProblems(page);
    await context.setOffline(true);
    await page.goto("/plan");
    const tick = page.getByRole("button", { name: /^I did this/ }).first();
    const step = ((await tick.getAttribute("aria-label")) ?? "").replace("I did this: ", "");
    await tick.click();
    const offlineLine = page.getByRole("status").filter({ hasText: "You're offline" });
    await expect(offlineLine).toContainText("1 thing you sent is kept on this phone");
    await expectSoundPage(page, offlineProblems(problems));

    // Back online, but before the phone could send it (its syncs are held back), Kim signs
    // in on this phone.
    await page.route("**/api/v1/sync", (route) => route.abort());
    await context.setOffline(false);
    await page.goto("/sign-in");
    await page.getByLabel("Sign-in name").fill("kim");
    await page.getByLabel("Passphrase").fill(DEMO_PASSPHRASE);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("/");
    await page.unroute("**/api/v1/sync");
    const kims = watchForProblems(page);
    await page.reload();
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Kim");
    // Kim is told, and may remove it; she does not, and it stays for Jamal.
    const notice = page.getByRole("status").filter({ hasText: "Someone else has also used Waypoint on this phone" });
    await expect(notice).toBeVisible();
    await expect(notice.getByRole("button", { name: "Remove their information from this phone" })).toBeVisible();
    await expectSoundPage(page, kims);
    await expect(page.getByText(step)).toHaveCount(0);

    // Nothing of Jamal's went in under Kim's session.
    const staff = await newPage(browser, DESKTOP);
    await signInAs(staff, "amara", "/caseload");
    await staff.getByRole("link", { name: "Jamal", exact: true }).click();
    const checkIns = staff.locator("section", { has: staff.getByRole("heading", { name: "Check-ins from the client" }) });
    await expect(checkIns).toBeVisible();
    await expect(checkIns.getByRole("listitem").filter({ hasText: `Did a step: ${step}` })).toHaveCount(0);

    // Kim signs out (her copy goes; Jamal's stays), and Jamal signs in again: his check-in
    // is sent, once.
    await page.goto("/account");
    await waitForHydration(page);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await waitForHydration(page);
    await page.waitForFunction(
      () => Object.keys(localStorage).filter((k) => k.startsWith("waypoint.copy.")).length === 1,
    );
    await signInAs(page, "jamal");
    await expect
      .poll(async () => {
        await page.goto("/plan");
        return page.getByRole("button", { name: `I did this: ${step}` }).count();
      })
      .toBe(0);
    await expect(page.getByRole("status").filter({ hasText: "Someone else has also used" })).toHaveCount(0);
    await staff.reload();
    await expect(checkIns.getByRole("listitem").filter({ hasText: `Did a step: ${step}` })).toHaveCount(1);
  });

  test("a passphrase typed on a sign-in that never went through is never kept for whoever signs in next", async ({ page, baseURL }) => {
    // Luis and Maya sign in nowhere else in the suite.
    await page.goto("/sign-in");
    await waitForHydration(page);
    await page.route("**/sign-in", (route) => (route.request().method() === "POST" ? route.abort() : route.continue()));
    await page.getByLabel("Sign-in name").fill("luis");
    await page.getByLabel("Passphrase").fill("words that never reached the server");
    const lost = page.waitForEvent("requestfailed");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await lost;
    await page.unroute("**/sign-in");
    // Maya signs in on this phone without typing a passphrase here (as with a passkey).
    const signedIn = await page.request.post("/sign-in", {
      form: { sign_in_name: "maya", passphrase: DEMO_PASSPHRASE },
      headers: { origin: baseURL ?? "" },
      maxRedirects: 0,
    });
    expect(signedIn.status()).toBe(303);
    await loadOnce(page, undefined, "/");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Maya");
    await page.waitForFunction(() => localStorage.getItem("waypoint.passphrase-typed") === null);
    const wraps = await page.evaluate(() =>
      Object.entries(localStorage)
        .filter(([k]) => k.startsWith("waypoint.copy-key."))
        .map(([, v]) => v),
    );
    expect(wraps).toHaveLength(1);
    expect(wraps[0]).toContain('"pass":null');
  });

  test("offline, after 15 idle minutes the phone asks for the passphrase, and five wrong ones wipe it", async ({ page, context }) => {
    test.setTimeout(120_000);
    // Fatima signs in nowhere else in the suite. The app's script is running when she types
    // her passphrase (without it, the phone cannot check a passphrase offline).
    await page.goto("/sign-in");
    await waitForHydration(page);
    await page.getByLabel("Sign-in name").fill("fatima");
    await page.getByLabel("Passphrase").fill(DEMO_PASSPHRASE);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL("/");
    await loadOnce(page);
    // Signing in left the copy's key wrapped under the passphrase for offline, not the
    // passphrase.
    await page.waitForFunction(() =>
      Object.entries(localStorage).some(([k, v]) => k.startsWith("waypoint.copy-key.") && v.includes('"pass":{')),
    );
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
    expect(stored).not.toContain(DEMO_PASSPHRASE);

    const problems = watchForProblems(page);
    await context.setOffline(true);
    const goIdle = () =>
      page.evaluate(() => localStorage.setItem("waypoint.active", String(Date.now() - 16 * 60 * 1000)));
    await goIdle();
    await page.goto("/plan");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
    await expect(page.getByRole("heading", { name: "My plan" })).toHaveCount(0);
    await page.getByRole("link", { name: "Enter passphrase" }).click();
    const passphrase = page.getByLabel("Passphrase");
    await passphrase.fill("not the right words");
    await page.getByRole("button", { name: "Go on" }).click();
    await expect(page.getByRole("alert")).toContainText("That passphrase doesn't match");
    await expect(page.getByRole("alert")).toContainText("After 4 more wrong tries");
    await expect(passphrase).toHaveValue("");
    await expectSoundPage(page, offlineProblems(problems));
    await passphrase.fill(DEMO_PASSPHRASE);
    await page.getByRole("button", { name: "Go on" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Fatima");
    await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();

    // The copy opens only with the passphrase: another tab, with the idle clock set to now
    // by hand, still gets "Welcome back", not the plan.
    const other = await context.newPage();
    await other.evaluate(() => localStorage.setItem("waypoint.active", String(Date.now()))).catch(() => {});
    await other.goto("/plan");
    await other.evaluate(() => localStorage.setItem("waypoint.active", String(Date.now())));
    await other.reload();
    await expect(other.getByRole("heading", { level: 1 })).toHaveText("Welcome back");
    await expect(other.getByRole("heading", { name: "My plan" })).toHaveCount(0);
    await other.close();

    // Five wrong passphrases in a row: the phone keeps nothing of Fatima's.
    await goIdle();
    await page.goto("/unlock");
    for (const left of [4, 3, 2, 1]) {
      await passphrase.fill(`a wrong guess ${left}`);
      await page.getByRole("button", { name: "Go on" }).click();
      await expect(page.getByRole("alert")).toContainText(left === 1 ? "One more wrong try" : `After ${left} more`);
    }
    await passphrase.fill("the last wrong guess");
    await page.getByRole("button", { name: "Go on" }).click();
    await expect(page.getByRole("alert")).toContainText("Too many wrong passphrases");
    const left = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("waypoint.")));
    expect(left).toEqual([]);
    expect(await openKeys(page)).toEqual([]);
    expect(await cachedUrls(page)).toEqual([]);
    await expectSoundPage(page, offlineProblems(problems));
  });

  test("a new version is offered, and taken only when the person chooses", async ({ page }) => {
    await page.goto("/sign-in");
    await waitForHydration(page);
    await waitForServiceWorker(page);
    const notice = page.getByRole("status").filter({ hasText: "A new version of Waypoint is ready" });
    await expect(notice).toBeHidden();

    // A different service worker arrives, as after a new build (another address for it is
    // enough: the browser installs it beside the one in charge and waits).
    await page.evaluate(async () => {
      await navigator.serviceWorker.register("/sw.js?the-next-build", { scope: "/" });
    });
    await expect(notice).toBeVisible();
    // Nothing reloads by itself: what the person typed stays.
    await page.getByLabel("Sign-in name").fill("still here");
    await page.waitForTimeout(500);
    await expect(page.getByLabel("Sign-in name")).toHaveValue("still here");
    await expectSoundPage(page, []);

    await Promise.all([page.waitForEvent("load"), notice.getByRole("button", { name: "Reload" }).click()]);
    await expect(page.getByLabel("Sign-in name")).toHaveValue("");
    // The new version is the one in charge now.
    await page.waitForFunction(() => navigator.serviceWorker.controller?.scriptURL.endsWith("?the-next-build"));
  });

  test("a phone whose session was ended elsewhere wipes its copy at its next contact", async ({ page, browser }) => {
    // Hassan signs in nowhere else in the suite, so "the other device" is this phone.
    await loadOnce(page, "hassan", "/");

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
    expect(await openKeys(page)).toEqual([]);
  });

  test("a safety plan written on the phone opens from Today offline, and the case manager sees it", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Umar signs in nowhere else in the suite and has no plan yet; Priya is his case manager.
    const problems = watchForProblems(page);
    await signInAs(page, "umar");
    await page.getByRole("link", { name: "My safety plan" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My safety plan");
    await expect(page.getByRole("heading", { name: "If someone overdoses" })).toBeVisible();
    await expectSoundPage(page, problems);
    await page.getByRole("link", { name: "Change my plan" }).click();
    await page.getByLabel("What helps me cope").fill("Walk the dog. Text my cousin.");
    await page.getByLabel("Person 1: name").fill("My cousin");
    await page.getByLabel("Person 1: phone").fill("416-555-0101");
    await expectSoundPage(page, problems);
    await page.getByRole("button", { name: "Save my plan" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Your safety plan is saved" })).toBeVisible();
    const call = page.getByRole("link", { name: "Call My cousin (416-555-0101)" });
    await expect(call).toHaveAttribute("href", "tel:4165550101");
    expect((await call.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    await expectSoundPage(page, problems);

    // Offline, one tap from Today, from the phone's copy (tried again until the copy that
    // holds the plan is stored: the phone stores it just after the page loads).
    await expect(async () => {
      await context.setOffline(false);
      await loadOnce(page, undefined, "/");
      await context.setOffline(true);
      await page.goto("/");
      await page.getByRole("link", { name: "My safety plan" }).click();
      await expect(page.getByText("Walk the dog. Text my cousin.")).toBeVisible({ timeout: 2_000 });
    }).toPass({ timeout: 45_000 });
    await expect(page.getByRole("status").filter({ hasText: "You're offline" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Call My cousin (416-555-0101)" })).toBeVisible();
    await expectSoundPage(page, offlineProblems(problems));
    await context.setOffline(false);

    const staff = await newPage(browser, DESKTOP);
    const staffProblems = watchForProblems(staff);
    await signInAs(staff, "priya", "/caseload");
    await staff.getByRole("link", { name: "Umar", exact: true }).click();
    await waitForHydration(staff);
    await staff.getByRole("navigation", { name: "Parts of the record" }).getByRole("link", { name: "Safety plan", exact: true }).click();
    await expect(staff).toHaveURL(/\/caseload\/[\w-]+\/safety-plan$/);
    await expect(staff.locator("p.note-text").filter({ hasText: "Walk the dog. Text my cousin." })).toBeVisible();
    await expect(staff.getByText(/Version 1, saved .* \(the client\)/)).toBeVisible();
    // The case manager adds a part with Umar; the client's words stay as they were.
    const change = staff.locator("details").filter({ has: staff.getByText("Change the plan", { exact: true }) });
    await change.getByText("Change the plan", { exact: true }).click();
    await expect(change.getByLabel("What helps me cope")).toHaveValue("Walk the dog. Text my cousin.");
    await change.getByLabel("Places that help").fill("The community centre gym.");
    await expectSoundPage(staff, staffProblems);
    await change.getByRole("button", { name: "Save the plan" }).click();
    await expect(staff.getByText(/Version 2, saved .* by Priya Natarajan$/)).toBeVisible();
    await expect(staff.locator("p.note-text").filter({ hasText: "The community centre gym." })).toBeVisible();
    await expectSoundPage(staff, staffProblems);
  });

  test("an idea for the plan sent offline reaches the case manager once, who takes it into the draft", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Olivia signs in nowhere else in the suite; Priya is her case manager.
    await loadOnce(page, "olivia", "/plan");
    const problems = watchForProblems(page);
    await context.setOffline(true);
    await page.goto("/plan");
    const offlineLine = page.getByRole("status").filter({ hasText: "You're offline" });
    await expect(offlineLine).toBeVisible();
    const ideas = page.locator("section", { has: page.getByRole("heading", { name: "Your ideas" }) });
    await ideas.getByText("Suggest a goal", { exact: true }).click();
    await ideas.getByLabel("Your idea for a goal, in your words").fill("Cook a real dinner twice a week");
    await ideas.getByRole("button", { name: "Send to my case manager" }).dblclick();
    await expect(offlineLine).toContainText("1 thing you sent is kept on this phone");
    await expectSoundPage(page, offlineProblems(problems));

    // Back online: sent once.
    await context.setOffline(false);
    await expect(offlineLine).toHaveCount(0);
    await page.goto("/plan");
    await expect(ideas.getByText("A goal: Cook a real dinner twice a week")).toHaveCount(1);
    await expect(ideas).toContainText("Your case manager will look at this");
    await expectSoundPage(page, offlineProblems(problems));

    const staff = await newPage(browser, DESKTOP);
    const staffProblems = watchForProblems(staff);
    await signInAs(staff, "priya", "/caseload");
    await expect(staff.getByRole("row").filter({ hasText: "Olivia" })).toContainText("Suggestion from the client");
    await staff.getByRole("link", { name: "Olivia", exact: true }).click();
    await waitForHydration(staff);
    await staff.getByRole("navigation", { name: "Parts of the record" }).getByRole("link", { name: "Plan", exact: true }).click();
    const suggestions = staff.locator("section", { has: staff.getByRole("heading", { name: "Suggestions from the client (1 new)" }) });
    const card = suggestions.locator("article").filter({ hasText: "Cook a real dinner twice a week" });
    await expect(card).toHaveCount(1);
    await expectSoundPage(staff, staffProblems);
    await card.getByRole("button", { name: "Add to the draft, in their words" }).click();
    const goals = staff.locator("section", { has: staff.getByRole("heading", { name: "Goals", exact: true }) });
    await expect(goals.getByText("Cook a real dinner twice a week").first()).toBeVisible();
    await expect(staff.getByRole("heading", { name: "Suggestions from the client (0 new)" })).toBeVisible();
    await expectSoundPage(staff, staffProblems);

    await page.goto("/plan");
    await expect(ideas).toContainText("Added to your plan");
  });

  test("a message written offline reaches the care team once, and their answer shows on the phone", async ({ page, context, browser }) => {
    test.setTimeout(120_000);
    // Maya signs in nowhere else in the suite; Amara is her case manager.
    await loadOnce(page, "maya", "/messages");
    const problems = watchForProblems(page);
    await expect(page.getByText(/^Messages are not for emergencies\./)).toBeVisible();
    await expect(page.getByRole("link", { name: /^Call / })).toBeVisible();
    await context.setOffline(true);
    await page.goto("/messages");
    const offlineLine = page.getByRole("status").filter({ hasText: "You're offline" });
    await expect(offlineLine).toBeVisible();
    await page.getByLabel("Write to your care team").fill("Can I pick up early on Friday?");
    // A double tap keeps one message, not two.
    await page.getByRole("button", { name: "Send", exact: true }).dblclick();
    await expect(offlineLine).toContainText("1 thing you sent is kept on this phone");
    await expect(page.getByText(/^Waiting to send\./)).toHaveCount(1);
    await expectSoundPage(page, offlineProblems(problems));

    // Back online: sent once.
    await context.setOffline(false);
    await expect(offlineLine).toHaveCount(0);
    await page.goto("/messages");
    const mine = page.locator(".message").filter({ hasText: "Can I pick up early on Friday?" });
    await expect(mine).toHaveCount(1);
    await expect(mine).toContainText("Sent");

    const staff = await newPage(browser, DESKTOP);
    const staffProblems = watchForProblems(staff);
    await signInAs(staff, "amara", "/caseload");
    await expect(staff.getByRole("row").filter({ hasText: "Maya" })).toContainText("New message");
    await staff.getByRole("link", { name: "Maya", exact: true }).click();
    await waitForHydration(staff);
    await staff.getByRole("navigation", { name: "Parts of the record" }).getByRole("link", { name: "Messages", exact: true }).click();
    await expect(staff.getByRole("heading", { name: "Messages (1 waiting)" })).toBeVisible();
    await expect(staff.locator("article.message").filter({ hasText: "Can I pick up early on Friday?" })).toHaveCount(1);
    await expectSoundPage(staff, staffProblems);
    await staff.getByLabel("Your answer to the client").fill("Yes, any time after 9 am.");
    await staff.getByRole("button", { name: "Send the answer" }).click();
    await expect(staff.getByRole("heading", { name: "Messages (0 waiting)" })).toBeVisible();
    await expect(staff.getByText("Handled by Amara Okafor")).toBeVisible();
    await expectSoundPage(staff, staffProblems);

    // Maya sees the answer, and that her message was read.
    await page.goto("/messages");
    await expect(page.locator(".message.from-team")).toContainText("Yes, any time after 9 am.");
    await expect(mine).toContainText("Read by your care team");
    await expectSoundPage(page, offlineProblems(problems));
  });
});
