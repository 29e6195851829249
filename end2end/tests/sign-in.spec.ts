import { expect, test } from "@playwright/test";
import {
  DEMO_PASSPHRASE,
  DESKTOP,
  expectSoundPage,
  newPage,
  PHONE,
  signInAs,
  waitForHydration,
  watchForProblems,
} from "./helpers";

test("the sign-in page is sound and a wrong passphrase is said plainly", async ({ page }) => {
  const problems = watchForProblems(page);
  await page.goto("/sign-in");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Sign in · Waypoint");
  await expectSoundPage(page, problems);
  await page.getByLabel("Sign-in name").fill("alex");
  await page.getByLabel("Passphrase").fill("not the passphrase");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("alert")).toHaveText(/don't match/);
  await expectSoundPage(page, problems);
});

test("a client enrols with a code from their case manager and signs in", async ({ browser }) => {
  const staff = await newPage(browser, DESKTOP);
  await signInAs(staff, "priya", "/caseload");
  await staff.getByRole("button", { name: "Make a set-up code for Devi" }).click();
  await expect(staff.getByRole("heading", { name: "Set-up code for Devi" })).toBeVisible();
  const code = (await staff.locator(".code").innerText()).trim();
  expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  await expect(staff.getByRole("img", { name: /QR code/ })).toBeVisible();

  const phone = await newPage(browser, PHONE);
  const problems = watchForProblems(phone);
  await phone.goto("/sign-in");
  await phone.getByRole("link", { name: "I have a set-up code" }).click();
  await expect(phone).toHaveURL("/enrol");
  await expectSoundPage(phone, problems);
  // A passphrase everyone uses is refused, with the reason.
  await phone.getByLabel("Set-up code").fill(code.toLowerCase());
  await phone.getByLabel("Choose a sign-in name").fill("devi.k");
  await phone.getByLabel("Choose a passphrase").fill("password1");
  await phone.getByLabel("Type the passphrase again").fill("password1");
  await phone.getByRole("button", { name: "Set up and sign in" }).click();
  await expect(phone.getByRole("alert")).toHaveText(/too common/);
  // What the QR code opens: the set-up page with the code filled in.
  await phone.goto(`/enrol?code=${code}`);
  await expect(phone.getByLabel("Set-up code")).toHaveValue(code);
  await phone.getByLabel("Choose a sign-in name").fill("devi.k");
  await phone.getByLabel("Choose a passphrase").fill("sunflower on the balcony");
  await phone.getByLabel("Type the passphrase again").fill("sunflower on the balcony");
  await phone.getByRole("button", { name: "Set up and sign in" }).click();
  await phone.waitForURL("/");
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Hi, Devi");

  // Sign out, and back in with what Devi chose.
  await phone.getByRole("link", { name: "Account" }).click();
  await phone.getByRole("button", { name: "Sign out" }).click();
  await expect(phone.getByText("You are signed out.")).toBeVisible();
  await signInAs(phone, "devi.k", "/", "sunflower on the balcony");
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Hi, Devi");
  expect(problems).toEqual([]);
});

test("a supporter sees only what was shared, and nothing once it is revoked", async ({ browser }) => {
  const client = await newPage(browser, PHONE);
  const problems = watchForProblems(client);
  await signInAs(client, "bea");
  await client.getByRole("link", { name: "Account" }).click();
  await client.getByRole("link", { name: "People I share with" }).click();
  await waitForHydration(client);
  await expectSoundPage(client, problems);
  await client.getByLabel("Who is it?").fill("My sister");
  await client.getByLabel("Goals").check();
  await client.getByLabel("Stage of care").check();
  await client.getByRole("button", { name: "Make an invite code" }).click();
  const code = (await client.locator(".code").innerText()).trim();
  expect(code).toMatch(/^[0-9A-Z]{5}-[0-9A-Z]{5}$/);
  const link = (await client.locator(".link-text").innerText()).trim();
  expect(link).toMatch(new RegExp(`/join\\?code=${code}$`));

  const supporter = await newPage(browser, PHONE);
  const supporterProblems = watchForProblems(supporter);
  await supporter.goto(link);
  await expect(supporter.getByLabel("Invite code")).toHaveValue(code);
  await supporter.getByLabel("Your name").fill("Nadia");
  await supporter.getByLabel("Choose a sign-in name").fill("nadia");
  await supporter.getByLabel("Choose a passphrase").fill("orange lantern at dusk");
  await supporter.getByLabel("Type the passphrase again").fill("orange lantern at dusk");
  await supporter.getByRole("button", { name: "Join and sign in" }).click();
  await supporter.waitForURL("/supporting");
  // The list leads with where the program's library suggests family and friends start.
  const startHere = supporter.locator("section", { has: supporter.getByRole("heading", { name: "Start here" }) });
  await expect(startHere).toBeVisible();
  expect(await startHere.getByRole("link").count()).toBeGreaterThan(0);
  await expect(startHere.getByRole("link").first()).toHaveAttribute("href", /^\/learn\/[^/]+\/en\/a\/\d+$/);
  await supporter.getByRole("link", { name: "Bea", exact: true }).click();
  await expect(supporter.getByRole("heading", { level: 1 })).toHaveText("What Bea shares with you");
  await expect(supporter.getByRole("note")).toContainText("don't pass it on");
  await expect(supporter.getByRole("heading", { name: "Goals" })).toBeVisible();
  await expect(supporter.getByRole("heading", { name: "Upcoming appointments" })).toHaveCount(0);
  await expect(supporter.getByRole("heading", { name: "Safety plan" })).toHaveCount(0);
  // The stage was shared, with a few articles about it from the library.
  const stage = supporter.locator("section", { has: supporter.getByRole("heading", { name: "Stage of care" }) });
  await expect(stage).toBeVisible();
  await expect(stage.getByRole("heading", { name: "Read about this stage" })).toBeVisible();
  const reading = stage.getByRole("link");
  expect(await reading.count()).toBeGreaterThan(0);
  expect(await reading.count()).toBeLessThanOrEqual(4);
  await expect(reading.first()).toHaveAttribute("href", /^\/learn\/[^/]+\/en\/a\/\d+$/);
  await waitForHydration(supporter);
  await expectSoundPage(supporter, supporterProblems);
  const shared = supporter.url();

  // The client sees who sees what, and who has looked.
  await client.reload();
  await expect(client.getByText("My sister (Nadia)")).toBeVisible();
  await client.goto("/account/seen");
  await expect(client.getByText("Nadia (Supporter)").first()).toBeVisible();
  await expectSoundPage(client, problems);
  await client.goto("/supporters");
  await client.getByRole("button", { name: "Stop sharing" }).click();
  await expect(client.getByText(/Access ended/)).toBeVisible();

  await supporter.goto(shared);
  await expect(supporter.getByRole("heading", { level: 1 })).toHaveText("Page not found");
  await expect(supporter.getByText("Goals")).toHaveCount(0);
  await supporter.goto("/supporting");
  await expect(supporter.getByText("No one is sharing anything with you right now.")).toBeVisible();
  await expect(supporter.getByRole("heading", { name: "Start here" })).toBeVisible();
});

test("a client sees their devices and can sign out", async ({ page }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "carlos");
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "Signed-in devices" })).toBeVisible();
  await expect(page.getByText("This device")).toBeVisible();
  await expectSoundPage(page, problems);
  // The phone forgets its copy first, then the form goes to the server.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await page.goto("/plan");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Please sign in");
  void DEMO_PASSPHRASE;
});
