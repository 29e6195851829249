import { expect, test } from "@playwright/test";
import { expectSoundPage, signInAs, waitForHydration, watchForProblems } from "./helpers";

test("a case manager signs in and sees only their caseload", async ({ page }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "amara", "/caseload");
  await waitForHydration(page);
  await expect(page).toHaveTitle("Caseload · Waypoint");
  const table = page.getByRole("table", { name: "Your clients" });
  await expect(table.getByRole("rowheader", { name: "Alex" })).toBeVisible();
  // Bea's primary case manager is Daniel, and Amara is not on her team.
  await expect(table.getByRole("rowheader", { name: "Bea" })).toHaveCount(0);
  await expectSoundPage(page, problems);
  // A client's page is not a case manager's: it does not exist for them.
  await page.goto("/plan");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});

test("an admin manages staff and reads no client record", async ({ page }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "sam.admin", "/admin");
  await waitForHydration(page);
  await expect(page.getByRole("table", { name: "Staff" })).toContainText("Amara Okafor");
  await expectSoundPage(page, problems);
  await page.getByLabel("Name", { exact: true }).fill("Robin Lake");
  await page.getByLabel("Sign-in name").first().fill("robin.lake");
  await page.getByLabel("First passphrase").fill("window seat in the rain");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("status")).toContainText("The account is ready");
  await expect(page.getByRole("table", { name: "Staff" })).toContainText("robin.lake");
  await page.goto("/caseload");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});
