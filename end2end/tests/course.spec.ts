import { expect, Page, test } from "@playwright/test";
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { DESKTOP, expectSoundPage, newPage, PHONE, signInAs, waitForHydration, watchForProblems } from "./helpers";

// A whole course of care on a new installation with no demo data: the program and its staff
// from the command line, then everything in the browser. This test starts its own server
// (an empty SQLite database, on its own port) and stops it.
const PORT = 3102;
const BASE = `http://localhost:${PORT}`;
const PASSPHRASE = "lantern over the still harbour";
const root = resolve(__dirname, "..", "..");
let server: ChildProcess | undefined;
let data = "";

function env(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: `sqlite:${join(data, "course.db")}`,
    WAYPOINT_ADDR: `127.0.0.1:${PORT}`,
    WAYPOINT_PUBLIC_URL: BASE,
    LEPTOS_SITE_ROOT: resolve(root, process.env.LEPTOS_SITE_ROOT ?? "target/site"),
    RUST_LOG: "warn",
  };
}

/** Runs the command line of the server binary the suite runs (`WAYPOINT_BIN`). */
function waypoint(args: string[], input = "") {
  const bin = process.env.WAYPOINT_BIN;
  if (!bin) throw new Error("set WAYPOINT_BIN to the waypoint binary");
  const done = spawnSync(bin, args, { cwd: root, env: env(), input, encoding: "utf8" });
  expect(done.status, `${args.join(" ")}: ${done.stderr}`).toBe(0);
}

test.beforeAll(async () => {
  data = mkdtempSync(join(tmpdir(), "waypoint-course-"));
  waypoint(["organisation", "create", "--name", "Lakeside Program", "--time-zone", "America/Toronto"]);
  waypoint(["user", "create", "--role", "admin", "--name", "Ada Admin", "--sign-in-name", "ada.admin"], PASSPHRASE);
  waypoint(["user", "create", "--role", "case_manager", "--name", "Casey One", "--sign-in-name", "casey"], PASSPHRASE);
  waypoint(["user", "create", "--role", "case_manager", "--name", "Robin Two", "--sign-in-name", "robin"], PASSPHRASE);
  server = spawn(process.env.WAYPOINT_BIN!, ["serve"], { cwd: root, env: env(), stdio: "ignore" });
  await expect
    .poll(async () => (await fetch(`${BASE}/healthz`).catch(() => undefined))?.status, { timeout: 15_000 })
    .toBe(200);
});

test.afterAll(async () => {
  server?.kill();
  if (data) rmSync(data, { recursive: true, force: true });
});

test.use({ baseURL: BASE });

/** The phone has its service worker and its copy, so pages open offline. */
async function readyOffline(page: Page) {
  await page.goto("/");
  await waitForHydration(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.waitForFunction(() => Object.keys(localStorage).some((k) => k.startsWith("waypoint.copy.")));
}

test("a new clinic takes a client through a whole course of care, and the client follows it on the phone", async ({ browser }) => {
  test.setTimeout(300_000);
  const sign = (page: Page, name: string, home: string) => signInAs(page, name, home, PASSPHRASE);

  // The admin: the office's phone and hours, for the client's care team card.
  const admin = await newPage(browser, DESKTOP);
  const adminProblems = watchForProblems(admin);
  await sign(admin, "ada.admin", "/admin");
  await admin.getByRole("link", { name: "Care teams, office hours and phone lines" }).click();
  await waitForHydration(admin);
  await admin.getByLabel("Office hours, in plain words (optional)").fill("Weekdays 9 to 5");
  await admin.getByLabel("Office phone (optional)").fill("416-555-0100");
  await admin.getByRole("button", { name: "Save the office details" }).click();
  await expect(admin.getByLabel("Office phone (optional)")).toHaveValue("416-555-0100");
  await expectSoundPage(admin, adminProblems);

  // Intake, and the set-up code for the client's phone.
  const casey = await newPage(browser, DESKTOP);
  const caseyProblems = watchForProblems(casey);
  await sign(casey, "casey", "/caseload");
  await expect(casey.getByText("0 clients", { exact: true })).toBeVisible();
  await casey.getByRole("link", { name: "Add a new client" }).click();
  await waitForHydration(casey);
  await casey.getByLabel("Full name").fill("Joanna Rivers");
  await casey.getByLabel("The name they want to be called").fill("Jo");
  await casey.getByLabel("Date of birth").fill("1990-06-01");
  await casey.getByRole("button", { name: "Add client" }).click();
  await casey.waitForURL(/\/caseload\/[0-9a-f-]{36}$/);
  const record = casey.url();
  await waitForHydration(casey);
  await casey.getByRole("button", { name: "Make a set-up code" }).click();
  const code = (await casey.locator(".code").innerText()).trim();

  const phone = await (await browser.newContext({ ...PHONE, serviceWorkers: "allow" })).newPage();
  const phoneProblems = watchForProblems(phone);
  await phone.goto(`/enrol?code=${code}`);
  await phone.getByLabel("Choose a sign-in name").fill("jo.rivers");
  await phone.getByLabel("Choose a passphrase").fill("blue heron on the lake");
  await phone.getByLabel("Type the passphrase again").fill("blue heron on the lake");
  await phone.getByRole("button", { name: "Set up and sign in" }).click();
  await phone.waitForURL("/");
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Hi, Jo");
  const team = phone.locator("section", { has: phone.getByRole("heading", { name: "Your care team" }) });
  await expect(team).toContainText("Casey One (your main contact)");
  await expect(team).toContainText("Weekdays 9 to 5");

  // Assessment, a plan agreed and sent, a review with the next date.
  await casey.goto(`${record}/assessment`);
  await waitForHydration(casey);
  // With no assessment yet, the form is open.
  await expect(casey.locator("details").filter({ has: casey.getByText("Start an assessment") })).toHaveAttribute("open");
  for (const select of await casey.locator("select[name$='[need]']").all()) await select.selectOption("some");
  await casey.getByLabel("Need: Housing").selectOption("high");
  await casey.getByRole("button", { name: "Save the assessment" }).click();
  await expect(casey.getByRole("heading", { name: /^Assessment of / })).toBeVisible();
  await casey.getByRole("link", { name: "Start a goal for Housing" }).click();
  await waitForHydration(casey);
  const addGoal = casey.locator("details").filter({ has: casey.getByText("Add a goal", { exact: true }) });
  await addGoal.getByLabel("The goal, in the client's own words").fill("Find a steady place to live");
  await addGoal.getByRole("button", { name: "Add goal" }).click();
  const draft = casey.locator("section.draft");
  await expect(draft).toContainText("New goal: Find a steady place to live");
  await draft.getByLabel(/What changed/).fill("Your first plan, as we agreed today.");
  await draft.getByRole("button", { name: "Send to the client" }).click();
  await expect(draft).toContainText("No changes waiting to be sent.");
  const review = casey.locator("details").filter({ has: casey.getByText("Record a review", { exact: true }) });
  await review.locator("summary").click();
  await review.getByLabel("What you looked at together").fill("The housing goal and how the first weeks went.");
  await review.getByRole("button", { name: "Record the review" }).click();
  await expect(casey.getByRole("heading", { name: /^Review of / })).toBeVisible();
  await expectSoundPage(casey, caseyProblems);

  // The client: the plan with its review date, an idea of their own, a safety plan.
  await phone.goto("/plan");
  await expect(phone.getByText("Your first plan, as we agreed today.")).toBeVisible();
  await expect(phone.getByText(/^Next review: /)).toBeVisible();
  const goal = phone.locator("article.goal").filter({ hasText: "Find a steady place to live" });
  await goal.getByText("Suggest a step", { exact: true }).click();
  await goal.getByLabel("Your idea for a step").fill("Ask my cousin about the flat upstairs");
  await goal.getByRole("button", { name: "Send to my case manager" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your case manager will see your idea" })).toBeVisible();
  await phone.goto("/safety/edit");
  await phone.getByLabel("What helps me cope").fill("Call my cousin. Walk by the lake.");
  await phone.getByRole("button", { name: "Save my plan" }).click();
  await expect(phone.getByRole("status").filter({ hasText: "Your safety plan is saved" })).toBeVisible();
  await expectSoundPage(phone, phoneProblems);

  // The idea goes into the draft in the client's words; then a handover to a colleague.
  await casey.goto(`${record}/plan`);
  await waitForHydration(casey);
  const idea = casey.locator("article").filter({ hasText: "Ask my cousin about the flat upstairs" });
  await idea.getByRole("button", { name: "Add to the draft, in their words" }).click();
  await expect(draft).toContainText("Not sent yet");
  await casey.goto(record);
  await waitForHydration(casey);
  const handover = casey.locator("details").filter({ has: casey.getByText("Hand this client over to a colleague") });
  await handover.locator("summary").click();
  await handover.getByLabel("Who takes over").selectOption({ label: "Robin Two" });
  await handover.getByLabel("What they should know").fill("Jo is looking for housing; mornings are best.");
  await handover.getByRole("button", { name: "Hand over" }).click();
  await casey.waitForURL("/caseload");

  // The colleague closes the case with an aftercare plan.
  const robin = await newPage(browser, DESKTOP);
  const robinProblems = watchForProblems(robin);
  await sign(robin, "robin", "/caseload");
  await robin.getByRole("link", { name: "Jo", exact: true }).click();
  await expect(robin.getByRole("heading", { name: "Handed over by Casey One" })).toBeVisible();
  await waitForHydration(robin);
  const close = robin.locator("details").filter({ has: robin.getByText("Close the case", { exact: true }) });
  await close.locator("summary").click();
  await close.getByLabel("Why the case closes").selectOption({ label: "Moved to another service" });
  await close.getByLabel("Aftercare: supports that stay in place").fill("The same pharmacy, and the Tuesday peer group.");
  await close.getByLabel("Aftercare: who to call").fill("The front desk, 416-555-0100.");
  await close.getByLabel("Aftercare: how to come back").fill("Call the front desk; there is no waiting list.");
  await close.getByRole("button", { name: "Close the case" }).click();
  await expect(robin.getByRole("heading", { name: /^Case closed / })).toBeVisible();
  await expectSoundPage(robin, robinProblems);

  // The client: the aftercare plan and their new main contact on Today, what became of
  // their idea, and the safety plan, also with no network.
  await readyOffline(phone);
  await expect(phone.getByRole("heading", { name: /^Your time with the program ended/ })).toBeVisible();
  await expect(team).toContainText("Robin Two (your main contact)");
  await phone.goto("/plan");
  await expect(phone.getByText("A step for \"Find a steady place to live\": Ask my cousin about the flat upstairs")).toBeVisible();
  await expect(phone.locator("section", { has: phone.getByRole("heading", { name: "Your ideas" }) })).toContainText("Added to your plan");
  await expect(async () => {
    await phone.context().setOffline(false);
    await readyOffline(phone);
    await phone.context().setOffline(true);
    await phone.goto("/");
    await phone.getByRole("link", { name: "My safety plan" }).click();
    await expect(phone.getByText("Call my cousin. Walk by the lake.")).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 60_000 });
  await phone.context().setOffline(false);

  // Reopened: a new episode, and the caseload asks for a new assessment.
  await robin.getByRole("button", { name: "Reopen the case (a new episode)" }).click();
  await expect(robin.getByRole("heading", { name: /\(episode 2\)$/ })).toBeVisible();
  await expect(robin.getByRole("link", { name: "New assessment needed" })).toBeVisible();
  await expectSoundPage(robin, robinProblems);
});
