import { BrowserContext, Page, expect, test } from "@playwright/test";
import { expectSoundPage, signInAs, waitForHydration, watchForProblems } from "./helpers";

/** Chromium's virtual authenticator stands in for the phone's screen lock. */
async function addScreenLock(page: Page, context: BrowserContext) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
}

test("a client adds a passkey and signs in with it", async ({ page, context }) => {
  await addScreenLock(page, context);
  const problems = watchForProblems(page);
  await signInAs(page, "dana");
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
  // The passphrase is asked first.
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").last()).toHaveText(/type your passphrase first/);
  await page.getByLabel("Your passphrase", { exact: true }).fill("not the passphrase");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByRole("status").last()).toHaveText(/doesn't match/);
  // That refusal (a 400 from the server function) was the point, not a problem of the page.
  expect(problems.splice(0)).toEqual([
    "HTTP 400: " + new URL("/api/passkey_registration_start", page.url()).href,
    "console: Failed to load resource: the server responded with a status of 400 (Bad Request)",
  ]);
  await page.getByLabel("Your passphrase", { exact: true }).fill("riverside demo");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByText("Passkey added.")).toBeVisible();
  await page.reload();
  await expect(page.getByText(/, added 20/)).toBeVisible();
  await expectSoundPage(page, problems);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await waitForHydration(page);
  // Without a name first, the person is told what to do.
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("status").last()).toHaveText(/type your sign-in name first/);
  await page.getByLabel("Sign-in name").fill("dana");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await page.waitForURL("/");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hi, Dana");
  await expectSoundPage(page, problems);

  // Someone without a passkey is refused plainly, and told the other way in.
  await page.getByRole("link", { name: "Account" }).click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await waitForHydration(page);
  await page.getByLabel("Sign-in name").fill("eli");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("status").last()).toHaveText(/use your passphrase/);
});

// Someone else, on the owner's unlocked phone (and knowing the passphrase), adds a passkey
// of their own; the owner finds it on the account page and removes it, and it signs in no
// more.
test("a passkey someone else added is removed by the owner and no longer signs in", async ({ page, context }) => {
  await addScreenLock(page, context);
  const problems = watchForProblems(page);
  await signInAs(page, "iris");
  await page.goto("/account");
  await waitForHydration(page);
  await page.getByLabel("Your passphrase", { exact: true }).fill("riverside demo");
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await expect(page.getByText("Passkey added.")).toBeVisible();

  // The owner, later.
  await page.reload();
  await expect(page.getByText(/, added 20/)).toBeVisible();
  await expectSoundPage(page, problems);
  await page.getByRole("button", { name: "Remove this passkey" }).click();
  await page.waitForURL(/notice=passkey_removed/);
  await expect(page.getByText("That passkey is removed.")).toBeVisible();
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
  await expectSoundPage(page, problems);

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in/);
  await waitForHydration(page);
  await page.getByLabel("Sign-in name").fill("iris");
  await page.getByRole("button", { name: "Sign in with a passkey" }).click();
  await expect(page.getByRole("status").last()).toHaveText(/use your passphrase/);
});
