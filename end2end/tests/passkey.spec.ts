import { expect, test } from "@playwright/test";
import { expectSoundPage, signInAs, waitForHydration, watchForProblems } from "./helpers";

// Chromium's virtual authenticator stands in for the phone's screen lock.
test("a client adds a passkey and signs in with it", async ({ page, context }) => {
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
  const problems = watchForProblems(page);
  await signInAs(page, "dana");
  await page.goto("/account");
  await waitForHydration(page);
  await expect(page.getByText("You have no passkeys yet.")).toBeVisible();
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
