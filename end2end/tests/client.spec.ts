import { expect, test } from "@playwright/test";
import { expectSoundPage, signInAs, waitForHydration, watchForProblems } from "./helpers";

// Alex is the first demo client; these texts come from the demo data (server/src/demo.rs).
test.describe("a client's pages on a phone", () => {
  test.beforeEach(async ({ page }) => {
    await signInAs(page, "alex");
  });

  test("Today shows the next appointment, goals, stage and a crisis line", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/");
    await waitForHydration(page);
    await expect(page).toHaveTitle("Today · Waypoint");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Alex");
    await expect(page.getByRole("heading", { name: "Next appointment" })).toBeVisible();
    await expect(page.getByText("Get my dose right so I feel steady all day")).toBeVisible();
    await expect(page.getByText("Starting and keeping up treatment")).toBeVisible();
    const call = page.getByRole("link", { name: "Call Distress line" });
    await expect(call).toHaveAttribute("href", "tel:18005550199");
    const box = await call.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await expectSoundPage(page, problems);
  });

  test("My plan groups goals and shows the latest update", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/plan");
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My plan");
    await expect(page.getByText(/After our meeting: you started on "Sort out my benefits"/)).toBeVisible();
    await expect(page.getByRole("heading", { name: "Goals for now" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Goals for later" })).toBeVisible();
    for (const goal of ["Sleep better", "Sort out my benefits", "Be ready for my court date", "Clear my old fines"]) {
      await expect(page.getByRole("heading", { name: goal })).toBeVisible();
    }
    await expect(page.getByText("New", { exact: true })).toHaveCount(1);
    await expect(page.getByText("Changed", { exact: true })).toHaveCount(1);
    await expect(page.getByRole("listitem").filter({ hasText: "Changed: Sort out my benefits" })).toBeVisible();
    await expectSoundPage(page, problems);
  });

  test("Appointments lists what is coming and each has details", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/appointments");
    await waitForHydration(page);
    await expect(page.getByRole("heading", { name: "Coming up" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Earlier" })).toBeVisible();
    await expect(page.getByText("Pharmacy pick-up").first()).toBeVisible();
    await expectSoundPage(page, problems);

    const first = page.locator("a.appointment-card").first();
    const kind = await first.locator(".card-title").innerText();
    await first.click();
    await expect(page).toHaveURL(/\/appointments\/[0-9a-f-]{36}$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(kind);
    await expect(page.getByText("Where", { exact: true })).toBeVisible();
    await expectSoundPage(page, problems);
  });

  test("Referrals say where each stands and what to do next", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/referrals");
    await waitForHydration(page);
    await expect(page.getByRole("heading", { name: "Northside Housing Help" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Riverside Dental Outreach" })).toBeVisible();
    await expect(page.getByText("Referral sent", { exact: true })).toBeVisible();
    await expect(page.getByText("What you do next:").first()).toBeVisible();
    await expectSoundPage(page, problems);
  });

  test("Support lists peer-support and family resources with how to reach them", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/support");
    await waitForHydration(page);
    await expect(page.getByRole("heading", { name: "Help right now" })).toBeVisible();
    // Peer support has its own section, each group saying when and where it meets.
    const peer = page.locator("section", { has: page.getByRole("heading", { name: "Peer support", exact: true }) });
    await expect(peer).toBeVisible();
    await expect(peer.getByRole("heading", { name: "Tuesday peer circle" })).toBeVisible();
    await expect(peer.getByText("When and where: Tuesdays 2 pm, 77 Elm Avenue, room B.")).toBeVisible();
    await expect(page.getByRole("heading", { name: "For family and friends" })).toBeVisible();
    await expect(page.getByRole("heading", { name: "Family evening" })).toBeVisible();
    await expect(page.getByText("Picked for you")).toHaveCount(2);
    await expectSoundPage(page, problems);
  });

  test("the tab bar moves between pages once hydrated", async ({ page }) => {
    const problems = watchForProblems(page);
    await page.goto("/");
    await waitForHydration(page);
    const nav = page.getByRole("navigation", { name: "Main" });
    await nav.getByRole("link", { name: "Plan" }).click();
    await expect(page).toHaveURL(/\/plan$/);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("My plan");
    await expect(nav.getByRole("link", { name: "Plan" })).toHaveAttribute("aria-current", "page");
    await nav.getByRole("link", { name: "Support" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Support");
    expect(problems).toEqual([]);
  });

  test("an unknown page is a friendly 404", async ({ page }) => {
    const problems = watchForProblems(page);
    const response = await page.goto("/appointments/not-an-id");
    expect(response!.status()).toBe(404);
    await waitForHydration(page);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expectSoundPage(page, problems);
  });
});

test("a client's phone never downloads the staff pages", async ({ page }) => {
  const loaded: string[] = [];
  page.on("request", (request) => loaded.push(new URL(request.url()).pathname));
  await signInAs(page, "alex");
  for (const path of ["/", "/plan", "/appointments", "/support", "/account"]) {
    await page.goto(path);
    await waitForHydration(page);
  }
  expect(loaded.some((path) => /^\/pkg\/waypoint\.[\w-]+\.wasm$/.test(path))).toBe(true);
  expect(loaded.filter((path) => path.includes("waypoint-staff"))).toEqual([]);
});

test("hashed assets are cached for good, pages are compressed", async ({ page, request }) => {
  await signInAs(page, "alex");
  const css = await page.locator('link[rel="stylesheet"]').getAttribute("href");
  expect(css).toMatch(/^\/pkg\/waypoint\.[\w-]+\.css$/);
  const asset = await request.get(css!);
  expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  const home = await page.request.get("/", { headers: { "accept-encoding": "br" } });
  expect(home.headers()["content-encoding"]).toBe("br");
});

test.describe("before the wasm arrives", () => {
  test.use({ javaScriptEnabled: false });

  test("pages are whole and readable from the server alone", async ({ page }) => {
    await signInAs(page, "alex");
    await page.goto("/plan");
    await expect(page.getByRole("heading", { name: "Sleep better" })).toBeVisible();
    await page.goto("/appointments");
    await expect(page.getByText("Pharmacy pick-up").first()).toBeVisible();
  });
});
