import { expect, test, type Page } from "@playwright/test";
import { DESKTOP, expectSoundPage, newPage, PHONE, signInAs, waitForHydration, watchForProblems } from "./helpers";

/** Opens a section of a client's record from its links, and waits for its address. */
async function openSection(page: Page, name: string, path: string) {
  await waitForHydration(page);
  await page.getByRole("navigation", { name: "Parts of the record" }).getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/caseload/[0-9a-f-]+${path}$`));
}

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
  // Search and filters narrow the list; the address keeps them.
  await page.getByLabel("Needs attention").selectOption({ label: "Review overdue" });
  await page.getByLabel("Name", { exact: true }).fill("ale");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/name=ale/);
  await expect(page.getByText(/of \d+ clients match/)).toBeVisible();
  await page.getByLabel("Needs attention").selectOption({ label: "Anything or nothing" });
  await page.getByRole("button", { name: "Search" }).click();
  await expect(table.getByRole("rowheader")).toHaveCount(1);
  await expect(table.getByRole("rowheader", { name: "Alex" })).toBeVisible();
  // On a tablet, too.
  await page.setViewportSize({ width: 768, height: 1024 });
  await expectSoundPage(page, problems);
  // A client's page is not a case manager's: it does not exist for them.
  await page.goto("/plan");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});

test("an admin manages staff and reads no client record", async ({ page, browser }) => {
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

  // Robin forgets the passphrase: a one-time reset code, shown once, and Robin chooses a new
  // one with it, keeping the sign-in name.
  await page.getByLabel("Sign-in name to reset").fill("robin.lake");
  await page.getByRole("button", { name: "Make a reset code" }).click();
  const made = page.locator("section").filter({ has: page.getByRole("heading", { name: "Reset code for Robin Lake" }) });
  await expect(made).toBeVisible();
  const code = ((await made.locator(".code").textContent()) ?? "").trim();
  await expectSoundPage(page, problems);
  const robin = await newPage(browser, DESKTOP);
  const robinsProblems = watchForProblems(robin);
  await robin.goto("/reset");
  await waitForHydration(robin);
  await robin.getByLabel("Reset code").fill(code);
  await robin.getByLabel("Your sign-in name").fill("robin.lake");
  await robin.getByLabel("Choose a new passphrase").fill("a kettle by the window");
  await robin.getByLabel("Type the passphrase again").fill("a kettle by the window");
  await expectSoundPage(robin, robinsProblems);
  await robin.getByRole("button", { name: "Save and sign in" }).click();
  await robin.waitForURL("/caseload");
  await expect(robin.getByRole("heading", { level: 1 })).toHaveText("Caseload");

  // The directory: add a service, then retire it; it is kept, marked retired.
  await page.getByRole("link", { name: "Directory of services and resources" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Directory");
  await waitForHydration(page);
  await expectSoundPage(page, problems);
  const add = page.locator("details").filter({ has: page.getByText("Add a service", { exact: true }) });
  await add.getByText("Add a service", { exact: true }).click();
  await add.getByLabel("Name").fill("Eastside Food Bank");
  await add.getByLabel("What it does").fill("Free groceries every Thursday.");
  await add.getByLabel("Phone (optional)").fill("call us");
  await add.getByRole("button", { name: "Add service" }).click();
  await expect(add.getByText("Please enter a phone number, like 988")).toBeVisible();
  await add.getByLabel("Phone (optional)").fill("555-0190");
  await add.getByRole("button", { name: "Add service" }).click();
  const entry = page.locator("article").filter({ has: page.getByRole("heading", { name: "Eastside Food Bank" }) });
  await expect(entry).toHaveCount(1);
  await entry.getByRole("button", { name: "Retire Eastside Food Bank" }).click();
  await expect(entry).toContainText("offered no more");
  await page.goto("/caseload");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});

test("a case manager adds a goal and sends an update, and the client sees it on their phone", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "amara", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Pat", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pat");
  await openSection(page, "Plan", "/plan");
  await expect(page.getByRole("heading", { name: "Plan update" })).toBeVisible();
  await expectSoundPage(page, problems);

  const addGoal = page.locator("details").filter({ has: page.getByText("Add a goal", { exact: true }) });
  await addGoal.getByText("Add a goal", { exact: true }).click();
  // The server checks too: a goal of only spaces is refused at its field, and nothing is saved.
  await addGoal.getByLabel("The goal, in the client's own words").fill("   ");
  await addGoal.getByRole("button", { name: "Add goal" }).click();
  await expect(addGoal.getByText("Please write something here.")).toBeVisible();
  await addGoal.getByLabel("The goal, in the client's own words").fill("Walk to the park twice a week");
  await addGoal.getByLabel("Part of life").selectOption({ label: "Coping and wellbeing" });
  await addGoal.getByRole("button", { name: "Add goal" }).click();

  const draft = page.locator("section.draft");
  await expect(draft).toContainText("Not sent yet: 1 change");
  await expect(draft).toContainText("New goal: Walk to the park twice a week");
  await draft.getByLabel(/What changed/).fill("We added walking to the park, as you asked.");
  await draft.getByRole("button", { name: "Send to the client" }).click();
  await expect(draft).toContainText("No changes waiting to be sent.");
  await expect(draft).toContainText(/The client has update 3/);
  await expectSoundPage(page, problems);

  const phone = await newPage(browser, PHONE);
  const clientProblems = watchForProblems(phone);
  await signInAs(phone, "pat");
  await phone.goto("/plan");
  await waitForHydration(phone);
  await expect(phone.getByText("We added walking to the park, as you asked.")).toBeVisible();
  await expect(phone.getByRole("listitem").filter({ hasText: "New goal: Walk to the park twice a week" })).toBeVisible();
  await expect(phone.getByRole("heading", { name: /Walk to the park twice a week/ })).toContainText("New");
  await expectSoundPage(phone, clientProblems);

  // Revisions are kept and any two can be compared.
  await page.getByLabel("Compare update").selectOption("2");
  await page.getByLabel("with update").selectOption("3");
  await page.getByRole("button", { name: "Compare" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Update 2 compared with update 3");
  await expect(page.getByRole("table", { name: "Goals that differ" })).toContainText("New goal: Walk to the park twice a week");
  await expectSoundPage(page, problems);
});

test("two case managers edit one goal: the second is told and sees both versions", async ({ browser }) => {
  const first = await newPage(browser, DESKTOP);
  const second = await newPage(browser, DESKTOP);
  const problems = watchForProblems(second);
  // Kim's care team: Daniel (primary) and Priya.
  for (const [page, name] of [[first, "daniel"], [second, "priya"]] as const) {
    await signInAs(page, name, "/caseload");
    await waitForHydration(page);
    await page.getByRole("link", { name: "Kim", exact: true }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Kim");
    await openSection(page, "Plan", "/plan");
    await page.locator("article.goal-editor").first().getByText("Edit goal").click();
  }
  const words = (page: typeof first) =>
    page.locator("article.goal-editor").first().getByLabel("The goal, in the client's own words");
  await words(first).fill("Daniel's wording of the goal");
  await first.locator("article.goal-editor").first().getByRole("button", { name: "Save goal" }).click();
  await expect(first.locator("article.goal-editor").first().getByRole("heading", { level: 3 })).toHaveText(
    "Daniel's wording of the goal",
  );

  await words(second).fill("Priya's wording of the goal");
  const editor = second.locator("article.goal-editor").first();
  await editor.getByRole("button", { name: "Save goal" }).click();
  const conflict = editor.locator(".conflict");
  await expect(conflict).toContainText("Someone else saved this while you were editing it");
  await expect(conflict).toContainText("Daniel's wording of the goal");
  await expect(conflict).toContainText("Priya's wording of the goal");
  // What Priya typed is still in the form; nothing was overwritten.
  await expect(words(second)).toHaveValue("Priya's wording of the goal");
  await expectSoundPage(second, problems);
  // Saving again, knowingly, replaces Daniel's version.
  await editor.getByRole("button", { name: "Save goal" }).click();
  await expect(second.locator("article.goal-editor").first().getByRole("heading", { level: 3 })).toHaveText(
    "Priya's wording of the goal",
  );
});

test("a client confirms an appointment and ticks off a step, and the case manager sees both", async ({ page, browser }) => {
  const phone = await newPage(browser, PHONE);
  const clientProblems = watchForProblems(phone);
  await signInAs(phone, "grace");
  await phone.goto("/appointments");
  await phone.locator("section", { has: phone.getByRole("heading", { name: "Coming up" }) }).getByRole("link").first().click();
  await waitForHydration(phone);
  await phone.getByRole("button", { name: "I'll be there" }).click();
  await expect(phone.getByRole("status")).toContainText("Your case manager knows you will be there");
  await expect(phone.getByText(/You said you will be there/)).toBeVisible();
  await expectSoundPage(phone, clientProblems);
  await phone.goto("/plan");
  const tick = phone.getByRole("button", { name: /^I did this/ }).first();
  const step = ((await tick.getAttribute("aria-label")) ?? "").replace("I did this: ", "");
  await tick.click();
  await expect(phone.getByRole("status")).toContainText("Well done");
  await expectSoundPage(phone, clientProblems);

  const problems = watchForProblems(page);
  await signInAs(page, "amara", "/caseload");
  const row = page.getByRole("row", { name: /Grace/ });
  await expect(row).toContainText("New check-in");
  await page.getByRole("link", { name: "Grace", exact: true }).click();
  const checkIns = page.locator("section", { has: page.getByRole("heading", { name: "Check-ins from the client" }) });
  await expect(checkIns).toContainText("Will come");
  await expect(checkIns).toContainText(`Did a step: ${step}`);
  await waitForHydration(page);
  await expectSoundPage(page, problems);
  await checkIns.getByRole("button", { name: "Mark as seen" }).click();
  await expect(checkIns.getByRole("button", { name: "Mark as seen" })).toHaveCount(0);
  await page.getByRole("link", { name: "Caseload" }).click();
  await expect(page.getByRole("row", { name: /Grace/ })).not.toContainText("New check-in");
});

test("a case manager books a weekly appointment and cancels one, and the client sees both at once", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "daniel", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Quinn", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Quinn");
  await openSection(page, "Appointments", "/appointments");
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const book = page.locator("details").filter({ has: page.getByText("Book an appointment", { exact: true }) });
  await book.getByText("Book an appointment", { exact: true }).click();
  await book.getByLabel("What kind").selectOption({ label: "Group session" });
  await book.getByLabel("Date").fill(day(8));
  await book.getByLabel("Time").fill("10:30");
  await book.getByLabel("Where").fill("Garden room, Riverside Clinic");
  // A repeat that ends before it starts is refused at its field.
  await book.getByLabel("Repeat weekly until (optional)").fill(day(1));
  await book.getByRole("button", { name: "Book" }).click();
  await expect(book.getByText("The last date must be on or after the first appointment.")).toBeVisible();
  await book.getByLabel("Repeat weekly until (optional)").fill(day(22));
  await book.getByRole("button", { name: "Book" }).click();
  const booked = page.locator("article.appointment-editor").filter({ hasText: "Garden room" });
  await expect(booked).toHaveCount(3);
  await expectSoundPage(page, problems);
  await booked.first().getByRole("button", { name: /^Cancel/ }).click();
  await expect(page.locator("article.appointment-editor").filter({ hasText: "Garden room" }).first()).toContainText(
    "Cancelled",
  );

  const phone = await newPage(browser, PHONE);
  const clientProblems = watchForProblems(phone);
  await signInAs(phone, "quinn");
  await phone.goto("/appointments");
  const cards = phone.getByRole("link").filter({ hasText: "Garden room" });
  await expect(cards).toHaveCount(3);
  await expect(cards.first()).toContainText("Cancelled");
  await expect(cards.nth(1)).toContainText("Group session");
  await expectSoundPage(phone, clientProblems);
});

test("a case manager records a change of stage and refers to a service, and the client sees both", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "priya", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Rosa", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Rosa");

  const stage = page.locator("details").filter({ has: page.getByText("Record a change of stage", { exact: true }) });
  await stage.getByText("Record a change of stage", { exact: true }).click();
  // The stages held now are ticked; recording them again is refused, said at the field.
  await stage.getByRole("button", { name: "Record the change" }).click();
  await expect(stage.getByText("That is the stage the person is already in.")).toBeVisible();
  await stage.getByLabel("Keeping it going").check();
  await stage.getByLabel("Note (optional)").fill("Moving on to aftercare, as planned together.");
  await stage.getByRole("button", { name: "Record the change" }).click();
  const now = page.locator("section", { has: page.getByRole("heading", { name: "Stage of care", exact: true }) });
  await expect(now).toContainText("Keeping it going");
  await openSection(page, "History", "/history");
  const timeline = page.locator("section", { has: page.getByRole("heading", { name: "Stage of care over time" }) });
  await expect(timeline.locator(".timeline li").first()).toContainText("Started Keeping it going");
  await expect(timeline).toContainText("Moving on to aftercare, as planned together.");

  await openSection(page, "Referrals and resources", "/referrals");

  const refer = page.locator("details").filter({ has: page.getByText("Refer to a service", { exact: true }) });
  await refer.getByText("Refer to a service", { exact: true }).click();
  await refer.getByLabel("Service").selectOption({ index: 1 });
  const service = (await refer.getByLabel("Service").locator("option:checked").innerText()).trim();
  await refer.getByLabel(/Next step/).fill("Bring your health card to the first visit.");
  await refer.getByRole("button", { name: "Refer" }).click();
  const referrals = page.locator("section", { has: page.getByRole("heading", { name: "Referrals", exact: true }) });
  const added = referrals.locator("article").filter({ hasText: "Bring your health card" });
  await expect(added).toHaveCount(1);
  // Sent today, followed up in two weeks unless the case manager says otherwise.
  await expect(added).toContainText("Follow up by");
  await expectSoundPage(page, problems);

  // What the service is told, only under the consent the client signed.
  const tell = added.locator("details").filter({ has: page.getByText("Record what the service was told", { exact: true }) });
  await tell.getByText("Record what the service was told", { exact: true }).click();
  await expect(tell.getByLabel("With whom")).toHaveValue(service);
  await tell.getByLabel("What the client agreed may be shared").fill("Name, phone and the goal this is for");
  await tell.getByLabel("What for").fill("To book a first visit");
  const ends = new Date(Date.now() + 90 * 86_400_000).toISOString().slice(0, 10);
  await tell.getByLabel(/Consent ends on/).fill(ends);
  await tell.getByLabel("What the service was told", { exact: true }).fill("Asked for a first visit in the mornings.");
  await tell.getByLabel(/The client signed the consent form/).check();
  await expectSoundPage(page, problems);
  await tell.getByRole("button", { name: "Save what was told" }).click();
  const told = referrals.locator("article").filter({ hasText: "Bring your health card" });
  await expect(told).toContainText("To book a first visit");
  await expect(told).toContainText("Asked for a first visit in the mornings.");
  await expect(told.getByRole("button", { name: "Client took this back" })).toBeVisible();
  await expectSoundPage(page, problems);

  const phone = await newPage(browser, PHONE);
  const clientProblems = watchForProblems(phone);
  await signInAs(phone, "rosa");
  await expect(phone.getByText("Keeping it going").first()).toBeVisible();
  await phone.goto("/referrals");
  await expect(phone.getByText(service).first()).toBeVisible();
  await expect(phone.getByText("Bring your health card to the first visit.")).toBeVisible();
  // The client sees what they agreed to, not the note of what was said.
  await expect(phone.getByText(/you agreed we could tell .*: Name, phone and the goal this is for/)).toBeVisible();
  await expect(phone.getByText("Asked for a first visit in the mornings.")).toHaveCount(0);
  await expectSoundPage(phone, clientProblems);
});

test("staff pages come with the staff bundle, and links to the client bundle's pages work both ways", async ({ page }) => {
  const problems = watchForProblems(page);
  const loaded: string[] = [];
  page.on("request", (request) => loaded.push(new URL(request.url()).pathname));
  await signInAs(page, "amara", "/caseload");
  await waitForHydration(page);
  expect(loaded.filter((path) => /^\/pkg\/waypoint-staff\.[\w-]+\.wasm$/.test(path))).toHaveLength(1);

  // To a page of the client bundle: it is loaded whole, with that bundle.
  loaded.length = 0;
  await page.getByRole("link", { name: "Your account and devices" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Account");
  await waitForHydration(page);
  expect(loaded.some((path) => /^\/pkg\/waypoint\.[\w-]+\.wasm$/.test(path))).toBe(true);
  expect(loaded.filter((path) => path.includes("waypoint-staff"))).toEqual([]);

  // And back to the caseload, with the staff bundle again.
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Caseload");
  await waitForHydration(page);
  await expect(page.getByRole("table", { name: "Your clients" })).toBeVisible();
  await expectSoundPage(page, problems);
});

test("a case manager takes on a new client, once, and sets up their phone", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "priya", "/caseload");
  await page.getByRole("link", { name: "Add a new client" }).click();
  await expect(page).toHaveURL("/caseload/new");
  await expect(page).toHaveTitle("New client · Waypoint");
  await waitForHydration(page);
  await expectSoundPage(page, problems);
  const fill = async () => {
    await page.getByLabel("Full name").fill("Nadia Brooks");
    await page.getByLabel("The name they want to be called").fill("Nadia");
    await page.getByLabel("Pronouns (optional)").fill("she/her");
    await page.getByLabel("Date of birth").fill("1988-03-09");
    await page.getByLabel("Phone (optional)").fill("416-555-0142");
    await page.getByLabel("May we leave a message at this phone?").selectOption({ label: "Yes, messages may be left" });
    await page.getByLabel("Pharmacy where they pick up their dose (optional)").fill("Eastgate Drug Store");
    await page.getByLabel("Second case manager (optional)").selectOption({ label: "Amara Okafor" });
  };
  await fill();
  // A phone number that is not one: said at its field, and nothing typed is lost.
  await page.getByLabel("Phone (optional)").fill("call the shelter");
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByText("Please enter a phone number")).toBeVisible();
  await expect(page.getByLabel("Full name")).toHaveValue("Nadia Brooks");
  await expectSoundPage(page, problems);
  await page.getByLabel("Phone (optional)").fill("416-555-0142");
  await page.getByRole("button", { name: "Add client" }).click();
  await page.waitForURL(/\/caseload\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Nadia");
  await expect(page.getByText("Pronouns: she/her")).toBeVisible();
  await expect(page).toHaveTitle("Client record · Waypoint");
  const profile = page.locator("dl.profile");
  await expect(profile).toContainText("Nadia Brooks");
  await expect(profile).toContainText("Priya Natarajan (primary), Amara Okafor");
  await expect(profile).toContainText("Not set up yet");
  const record = page.url();
  await expectSoundPage(page, problems);

  // The same person again: not added twice; their record is offered.
  await page.goto("/caseload/new");
  await waitForHydration(page);
  await fill();
  await page.getByLabel("Full name").fill("nadia  BROOKS");
  await page.getByRole("button", { name: "Add client" }).click();
  await expect(page.getByRole("alert")).toContainText("already in your caseload");
  await page.getByRole("link", { name: "Open their record" }).click();
  await expect(page).toHaveURL(record);

  // Their phone: the set-up code from the record, and Today for Nadia.
  await waitForHydration(page);
  await page.getByRole("button", { name: "Make a set-up code" }).click();
  await expect(page.getByRole("heading", { name: "Set-up code for Nadia" })).toBeVisible();
  await expect(page).toHaveURL(record);
  const code = (await page.locator(".code").innerText()).trim();
  await expectSoundPage(page, problems);
  const phone = await newPage(browser, PHONE);
  const phoneProblems = watchForProblems(phone);
  await phone.goto(`/enrol?code=${code}`);
  await phone.getByLabel("Choose a sign-in name").fill("nadia.b");
  await phone.getByLabel("Choose a passphrase").fill("blue heron on the lake");
  await phone.getByLabel("Type the passphrase again").fill("blue heron on the lake");
  await phone.getByRole("button", { name: "Set up and sign in" }).click();
  await phone.waitForURL("/");
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("Hi, Nadia");
  await expectSoundPage(phone, phoneProblems);
  await page.reload();
  await expect(page.locator("dl.profile")).toContainText("Set up.");
});

test("a client's record comes in sections, each at its own address, in staff words", async ({ page }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "amara", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Alex", exact: true }).click();
  await expect(page).toHaveURL(/\/caseload\/[0-9a-f-]+$/);
  const overview = page.url();
  // The overview leads with what needs attention, then who they are and what is next.
  await expect(page.locator("main h2").first()).toHaveText("Needs attention");
  await expect(page.getByRole("heading", { name: "Next appointments" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Goals" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Overview" })).toHaveAttribute("aria-current", "page");
  await expectSoundPage(page, problems);

  await openSection(page, "Plan", "/plan");
  await expect(page.getByRole("heading", { name: "Goals" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Next appointments" })).toHaveCount(0);
  await expect(page).toHaveTitle("Client record · Waypoint");
  await expectSoundPage(page, problems);

  // A review: who took part, what was looked at, and the next date as agreed.
  const review = page.locator("details").filter({ has: page.getByText("Record a review", { exact: true }) });
  await review.getByText("Record a review", { exact: true }).click();
  await review.getByLabel("The client").uncheck();
  await review.getByLabel("Case manager").uncheck();
  await review.getByLabel("What you looked at together").fill("The housing goal and the new job steps.");
  await review.getByRole("button", { name: "Record the review" }).click();
  await expect(review.getByText("Please tick who took part.")).toBeVisible();
  await expectSoundPage(page, problems);
  await review.getByLabel("The client").check();
  const next = new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10);
  await review.getByLabel("Next review, as agreed").fill(next);
  await review.getByRole("button", { name: "Record the review" }).click();
  const reviews = page.locator("section", { has: page.getByRole("heading", { name: "Reviews" }) });
  await expect(reviews.locator("ol.reviews article").first()).toContainText("The housing goal and the new job steps.");
  await expect(reviews.getByText(/^Next review: /).first()).not.toContainText("overdue");
  await expectSoundPage(page, problems);

  // Past appointments are folded away, and say what happened in staff words.
  await openSection(page, "Appointments", "/appointments");
  const past = page.locator("details.past");
  await expect(past).not.toHaveAttribute("open");
  await past.locator("summary").click();
  await expect(past.locator("article").filter({ hasText: "Attended" }).first()).toBeVisible();
  await expect(page.getByText("You went")).toHaveCount(0);
  await expectSoundPage(page, problems);

  await openSection(page, "Referrals and resources", "/referrals");
  await expect(page.getByRole("heading", { name: "Resources chosen for the client" })).toBeVisible();
  await expectSoundPage(page, problems);

  // Case notes: staff only, checked at the field, kept newest first.
  await openSection(page, "Case notes", "/notes");
  const add = page.locator("details").filter({ has: page.getByText("Add a note", { exact: true }) });
  if ((await add.getAttribute("open")) === null) await add.getByText("Add a note", { exact: true }).click();
  await add.getByLabel("What kind of contact").selectOption({ label: "Phone call" });
  await add.getByLabel("What happened").fill("   ");
  await add.getByRole("button", { name: "Add note" }).click();
  await expect(add.getByText("Please write something here.")).toBeVisible();
  await expectSoundPage(page, problems);
  await add.getByLabel("What happened").fill("Called about the bus pass; will bring the form Friday.");
  await add.getByRole("button", { name: "Add note" }).click();
  await expect(page.locator(".case-notes li").first()).toContainText("Phone call");
  await expect(page.locator(".case-notes li").first()).toContainText("Called about the bus pass");
  await expectSoundPage(page, problems);

  await openSection(page, "History", "/history");
  await expect(page.getByRole("heading", { name: "Stage of care over time" })).toBeVisible();
  await expectSoundPage(page, problems);

  // Each address opens its section when loaded on its own, too.
  await page.goto(`${overview}/history`);
  await expect(page.getByRole("heading", { name: "Check-ins from the client" })).toBeVisible();
  await page.goto(`${overview}/nothing-here`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
});

test("a case manager hands a client over, the admin sets the office's hours, and the client sees their team", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "daniel", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Noah", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Noah");
  await waitForHydration(page);
  const handover = page.locator("details").filter({ has: page.getByText("Hand this client over to a colleague") });
  await handover.getByText("Hand this client over to a colleague").click();
  await handover.getByLabel("Who takes over").selectOption({ label: "Priya Natarajan" });
  await handover.getByLabel("What they should know").fill("   ");
  await handover.getByRole("button", { name: "Hand over" }).click();
  await expect(handover.getByText("Please write something here.")).toBeVisible();
  await expectSoundPage(page, problems);
  await handover.getByLabel("What they should know").fill("Noah prefers texts. The rent form is due Friday.");
  await handover.getByRole("button", { name: "Hand over" }).click();
  await page.waitForURL("/caseload");
  await expect(page.getByRole("table", { name: "Your clients" }).getByRole("rowheader", { name: "Noah" })).toHaveCount(0);
  const handed = page.locator("section", { has: page.getByRole("heading", { name: "Handed over in the last 30 days" }) });
  await expect(handed).toContainText("Noah: handed over to Priya Natarajan");
  await expect(handed).toContainText("The rent form is due Friday.");
  await expectSoundPage(page, problems);

  const priya = await newPage(browser, DESKTOP);
  const priyasProblems = watchForProblems(priya);
  await signInAs(priya, "priya", "/caseload");
  await priya.getByRole("link", { name: "Noah", exact: true }).click();
  await expect(priya.getByRole("heading", { name: "Handed over by Daniel Reyes" })).toBeVisible();
  await expect(priya.locator("dl.profile")).toContainText("Priya Natarajan (primary)");
  await waitForHydration(priya);
  await expectSoundPage(priya, priyasProblems);

  const admin = await newPage(browser, DESKTOP);
  const adminsProblems = watchForProblems(admin);
  await signInAs(admin, "sam.admin", "/admin");
  await admin.getByRole("link", { name: "Care teams, office hours and phone lines" }).click();
  await expect(admin.getByRole("heading", { level: 1 })).toHaveText("Care teams");
  await waitForHydration(admin);
  await admin.getByLabel("Office hours, in plain words (optional)").fill("Weekdays 9 to 5, and Thursday evenings");
  await admin.getByLabel("Office phone (optional)").fill("ring us");
  await admin.getByRole("button", { name: "Save the office details" }).click();
  await expect(admin.getByText("Please enter a phone number, like 988")).toBeVisible();
  await admin.getByLabel("Office phone (optional)").fill("416-555-0100");
  await admin.getByRole("button", { name: "Save the office details" }).click();
  await expect(admin.getByText("Please enter a phone number, like 988")).toHaveCount(0);
  await expectSoundPage(admin, adminsProblems);

  const phone = await newPage(browser, PHONE);
  const phoneProblems = watchForProblems(phone);
  await signInAs(phone, "noah");
  const team = phone.locator("section", { has: phone.getByRole("heading", { name: "Your care team" }) });
  await expect(team).toContainText("Priya Natarajan (your main contact)");
  await expect(team).toContainText("Weekdays 9 to 5, and Thursday evenings");
  await expect(team.getByRole("link", { name: /Call 416-555-0103/ })).toBeVisible();
  await expectSoundPage(phone, phoneProblems);
});

test("a case manager assesses a client by life area, compares, starts a goal, and the client sees the needs only", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "amara", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Sean", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Sean");
  await openSection(page, "Assessment", "/assessment");
  const fillAll = async (need: string) => {
    for (const select of await page.locator("select[name$='[need]']").all()) await select.selectOption(need);
  };
  // A new assessment, started from the demo's last one: every area needs a level.
  const unfold = async () => {
    const form = page.locator("details").filter({ has: page.getByText("Start a new assessment from this one") });
    if ((await form.getAttribute("open")) === null) await form.locator("summary").click();
  };
  // Saves, and waits until the section has loaded again with what was saved.
  const saveAndReload = async () => {
    const saved = page.waitForResponse((r) => r.url().endsWith("/api/record-assessment"));
    const reloaded = page.waitForResponse((r) => r.url().endsWith("/api/client-record"));
    await page.getByRole("button", { name: "Save the assessment" }).click();
    await saved;
    await reloaded;
  };
  await unfold();
  await fillAll("some");
  // The browser asks for every level; the server still turns away what it cannot keep.
  await page.locator("#area-housing-strengths").fill("Keeps every \u0007appointment");
  await page.getByRole("button", { name: "Save the assessment" }).click();
  await expect(page.getByText("This has characters that can't be saved. Please retype it.")).toBeVisible();
  await expectSoundPage(page, problems);
  await page.locator("#area-housing-strengths").fill("Keeps every appointment");
  await page.getByLabel("Need: Housing").selectOption("high");
  // Dated two days back (before the program's today in any time zone), so that the next
  // one, today, is the latest.
  await page.getByLabel("Day of the assessment").fill(new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10));
  await page.locator("#area-housing-own_words").fill("I need somewhere I can stay more than a month.");
  await page.locator("#area-housing-staff_notes").fill("Landlord dispute, see notes.");
  await saveAndReload();
  await expect(page.getByRole("heading", { name: /^Assessment of / })).toBeVisible();
  // A second one, started from the first: only housing changes.
  await unfold();
  await expect(page.getByLabel("Need: Housing")).toHaveValue("high");
  await page.getByLabel("Need: Housing").selectOption("some");
  await saveAndReload();
  const compared = page.getByRole("table", { name: "Compared with the assessment before" });
  await expect(compared.getByRole("row", { name: /Housing/ })).toContainText("High need");
  await expect(compared.getByRole("row", { name: /Housing/ })).toContainText("Some need");
  await expectSoundPage(page, problems);
  // An area of need starts a goal in that area.
  await page.getByRole("link", { name: "Start a goal for Housing" }).click();
  await expect(page).toHaveURL(/\/plan\?area=housing$/);
  await expect(page.locator("#new-goal-domain")).toHaveValue("housing");

  const phone = await newPage(browser, PHONE);
  const phoneProblems = watchForProblems(phone);
  await signInAs(phone, "sean");
  await phone.goto("/plan");
  const needs = phone.locator("section", { has: phone.getByRole("heading", { name: "How things are going" }) });
  await expect(needs).toContainText("Housing");
  await expect(needs).toContainText("Some help would be good");
  await expect(phone.getByText("Landlord dispute")).toHaveCount(0);
  await expectSoundPage(phone, phoneProblems);
});

test("a case closes with an aftercare plan the client reads on the phone, and reopens as a new episode", async ({ page, browser }) => {
  // Wes is in no other test; Daniel is his case manager.
  const problems = watchForProblems(page);
  await signInAs(page, "daniel", "/caseload");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Wes", exact: true }).click();
  await expect(page.getByRole("heading", { name: /^Case open since/ })).toBeVisible();
  const close = page.locator("details").filter({ has: page.getByText("Close the case", { exact: true }) });
  await close.locator("summary").click();
  await close.getByLabel("Why the case closes").selectOption({ label: "Moved to another service" });
  await close.getByLabel("Aftercare: supports that stay in place").fill("The peer group on Tuesdays, and the same pharmacy.");
  await close.getByLabel("Aftercare: who to call").fill("The front desk, 416-555-0100, any weekday.");
  await close.getByLabel("Aftercare: how to come back").fill("Call the front desk. There is no waiting list to come back.");
  await expectSoundPage(page, problems);
  await close.getByRole("button", { name: "Close the case" }).click();
  await expect(page.getByRole("heading", { name: /^Case closed .*: Moved to another service$/ })).toBeVisible();
  await expectSoundPage(page, problems);

  // Open cases by default; the closed one behind the filter.
  await page.goto("/caseload");
  await waitForHydration(page);
  const table = page.getByRole("table", { name: "Your clients" });
  await expect(table.getByRole("rowheader", { name: "Wes" })).toHaveCount(0);
  await page.getByLabel("Cases").selectOption({ label: "Closed" });
  await page.getByRole("button", { name: "Search" }).click();
  await expect(table.getByRole("row").filter({ hasText: "Wes" })).toContainText("Closed");
  await expectSoundPage(page, problems);

  const phone = await newPage(browser, PHONE);
  const clientProblems = watchForProblems(phone);
  await signInAs(phone, "wes");
  await expect(phone.getByRole("heading", { name: /^Your time with the program ended/ })).toBeVisible();
  await expect(phone.getByText("Call the front desk. There is no waiting list to come back.")).toBeVisible();
  await expect(phone.getByRole("link", { name: "My safety plan" })).toBeVisible();
  await expectSoundPage(phone, clientProblems);

  await table.getByRole("link", { name: "Wes", exact: true }).click();
  await page.getByRole("button", { name: "Reopen the case (a new episode)" }).click();
  await expect(page.getByRole("heading", { name: /^Case open since .*\(episode 2\)$/ })).toBeVisible();
  await expect(page.getByRole("link", { name: "New assessment needed" })).toBeVisible();
  await openSection(page, "History", "/history");
  await expect(page.getByText(/Episode 1: opened .*, closed .* \(Moved to another service\)/)).toBeVisible();
  await expectSoundPage(page, problems);
});

test("an admin edits, previews and publishes a library article that a phone then shows", async ({ page, browser }) => {
  const problems = watchForProblems(page);
  await signInAs(page, "sam.admin", "/admin");
  await waitForHydration(page);
  await page.getByRole("link", { name: "Library for families and friends" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Library");
  await expect(page.getByRole("cell", { name: "Not yet" }).first()).toBeVisible();
  await expectSoundPage(page, problems);

  await page.getByRole("link", { name: "The first weeks on methadone" }).click();
  await expect(page).toHaveURL(/\/admin\/library\/2$/);
  await waitForHydration(page);
  await expect(page.getByRole("heading", { name: "English: Published" })).toBeVisible();
  await expectSoundPage(page, problems);
  const english = page.getByRole("region", { name: "English: Published" });
  await english.getByLabel("Title").fill("The first weeks, step by step");
  // A script and a `javascript:` link: kept as words, never run.
  await english.getByLabel(/^Text/).fill(
    "## Day one\n\nThe first dose is small. <script>alert('x')</script>\n\n[Tap](javascript:alert('y'))",
  );
  page.on("dialog", () => problems.push("a dialog opened"));
  await english.getByRole("button", { name: "Save draft" }).click();
  const draft = page.getByRole("region", { name: "English: Published, with a newer draft" });
  await expect(draft).toBeVisible();
  await draft.getByText("Preview of version 2").click();
  await expect(draft.locator(".article-body h2")).toHaveText("Day one");
  await expect(draft.locator(".article-body script")).toHaveCount(0);
  await expect(draft.getByText(/Reading level: grade/)).toBeVisible();

  // Not yet published: a phone still reads the old words.
  const phone = await newPage(browser, PHONE);
  await phone.goto("/learn");
  const article = phone.url().replace(/\/(en|fr)$/, "/en/a/2");
  await phone.goto(article);
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("The first weeks on methadone");

  await draft.getByRole("button", { name: "Publish version 2" }).click();
  // Exact: "English: Published, with a newer draft" would match at once, before the
  // page has reloaded, and a click then would land on the page being replaced.
  await expect(page.getByRole("heading", { name: "English: Published", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Mark as checked by me today" }).click();
  await expect(page.getByText(/Checked by Sam/)).toBeVisible();

  await phone.reload();
  await expect(phone.getByRole("heading", { level: 1 })).toHaveText("The first weeks, step by step");
  await expect(phone.getByRole("heading", { name: "Day one" })).toBeVisible();
  await expect(phone.getByText(/Checked by Sam/)).toBeVisible();
  await expect(phone.locator(".article-body a")).toHaveCount(1);
  expect(await phone.locator(".article-body a").getAttribute("href")).toBeNull();
  expect(problems).toEqual([]);

  // The library's pages on a desktop, in both languages.
  await page.goto("/learn");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Learn and find support");
  await expectSoundPage(page, problems);
  await page.getByRole("link", { name: "Français" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "fr");
  await expectSoundPage(page, problems);
  await page.goto(article.replace("/en/a/2", "/fr/a/2"));
  await expectSoundPage(page, problems);
});
