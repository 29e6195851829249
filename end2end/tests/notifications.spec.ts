import { CDPSession, expect, Page, test } from "@playwright/test";
import { expectSoundPage, signInAs, waitForHydration, watchForProblems } from "./helpers";

// Chromium here cannot reach a real push service (no internet), so `PushManager.subscribe`
// alone is stood in for: it answers with a subscription as a browser would, with a real
// P-256 key made by WebCrypto and an address at Chrome's push service (the server only
// keeps subscriptions to push services it knows). Everything else is the browser's own:
// the permission (granted through Playwright), the service worker, and showing a pushed
// message, delivered through the DevTools protocol (`ServiceWorker.deliverPushMessage`).
async function standInForPushService(page: Page) {
  await page.addInitScript(() => {
    const base64url = (bytes: ArrayBuffer) =>
      btoa(String.fromCharCode(...new Uint8Array(bytes)))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
    let current: object | null = null;
    PushManager.prototype.getSubscription = async () => current as PushSubscription | null;
    PushManager.prototype.subscribe = async function () {
      const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
      const p256dh = base64url(await crypto.subtle.exportKey("raw", pair.publicKey));
      const auth = base64url(crypto.getRandomValues(new Uint8Array(16)).buffer);
      const endpoint = `https://fcm.googleapis.com/fcm/send/e2e-${Date.now()}`;
      const subscription = {
        endpoint,
        toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
        unsubscribe: async () => {
          current = null;
          return true;
        },
      };
      current = subscription;
      return subscription as unknown as PushSubscription;
    };
  });
}

/** The service worker's registration id, for the DevTools protocol. */
async function registrationId(cdp: CDPSession): Promise<string> {
  return new Promise((resolve) => {
    cdp.on("ServiceWorker.workerRegistrationUpdated", ({ registrations }) => {
      const live = registrations.find((r: { isDeleted: boolean }) => !r.isDeleted);
      if (live) resolve(live.registrationId);
    });
    cdp.send("ServiceWorker.enable");
  });
}

test.describe("notifications on a phone", () => {
  test.use({ serviceWorkers: "allow" });

  test("a client turns notifications on and off, and chooses reminders and quiet hours", async ({ page, context }) => {
    await context.grantPermissions(["notifications"]);
    await standInForPushService(page);
    await signInAs(page, "alex");
    const problems = watchForProblems(page);
    await page.goto("/account");
    await page.getByRole("link", { name: "Notifications and reminders" }).click();
    await page.waitForURL("/account/notifications");
    await waitForHydration(page);
    await expect(page).toHaveTitle("Notifications · Waypoint");
    await expect(page.getByText("Notifications are off for this phone.")).toBeVisible();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await expectSoundPage(page, problems);

    await page.getByRole("button", { name: "Turn on notifications" }).click();
    await expect(page.getByText("Notifications are on for this phone.")).toBeVisible();
    await waitForHydration(page);
    await expectSoundPage(page, problems);

    // Reminders, a daily time, quiet hours and a little more detail, kept as chosen.
    await page.getByLabel("Two hours before").uncheck();
    await page.getByLabel("Remind me every day at").fill("08:30");
    await page.getByLabel("From", { exact: true }).fill("22:00");
    await page.getByLabel("Until", { exact: true }).fill("07:00");
    await page.getByLabel(/A little more/).check();
    await page.getByRole("button", { name: "Save my choices" }).click();
    await expect(page.getByText("Your choices are saved.")).toBeVisible();
    await expect(page.getByLabel("The evening before, at 7 pm")).toBeChecked();
    await expect(page.getByLabel("Two hours before")).not.toBeChecked();
    await expect(page.getByLabel("Remind me every day at")).toHaveValue("08:30");
    await expect(page.getByLabel("Until", { exact: true })).toHaveValue("07:00");
    await expect(page.getByLabel(/A little more/)).toBeChecked();

    // One end of quiet hours only: told what to do, nothing changed.
    await page.getByLabel("Until", { exact: true }).fill("");
    await page.getByRole("button", { name: "Save my choices" }).click();
    await expect(page.getByText("Please choose both times for quiet hours, or neither.")).toBeVisible();
    await expect(page.getByLabel("Until", { exact: true })).toHaveValue("07:00");

    await page.getByRole("button", { name: "Turn off on this phone" }).click();
    await expect(page.getByText("Notifications are off on this phone.")).toBeVisible();
    await expect(page.getByText("Notifications are off for this phone.")).toBeVisible();
    await waitForHydration(page);
    await expectSoundPage(page, problems);
  });

  test("the service worker shows a pushed message as sent, and the plainest words for one it cannot read", async ({ page, context }) => {
    await context.grantPermissions(["notifications"]);
    await signInAs(page, "alex");
    await page.goto("/account/notifications");
    await waitForHydration(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // What the worker asks the browser to show, as it asks: Chromium's own list of shown
    // notifications (`getNotifications`) here, headless and without a notification server,
    // now and then lacks one the worker showed.
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));
    await worker.evaluate(() => {
      const registration = (self as unknown as ServiceWorkerGlobalScope).registration;
      const show = registration.showNotification.bind(registration);
      const shown: string[] = [];
      (self as unknown as { shown: string[] }).shown = shown;
      registration.showNotification = (title: string, options?: NotificationOptions) => {
        shown.push(`${title}: ${options?.body} (${options?.data?.path}, tag ${options?.tag ?? "none"})`);
        return show(title, options);
      };
    });
    const shown = () => worker.evaluate(() => (self as unknown as { shown: string[] }).shown);
    const cdp = await context.newCDPSession(page);
    const id = await registrationId(cdp);
    const origin = new URL(page.url()).origin;
    const data = JSON.stringify({ title: "Waypoint", body: "Reminder for 10 am", path: "/appointments", tag: "t1" });
    await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: id, data });
    await expect.poll(shown).toEqual(["Waypoint: Reminder for 10 am (/appointments, tag t1)"]);
    // A message that cannot be read still shows only the plainest words.
    await cdp.send("ServiceWorker.deliverPushMessage", { origin, registrationId: id, data: "not json" });
    await expect
      .poll(shown)
      .toEqual(["Waypoint: Reminder for 10 am (/appointments, tag t1)", "Waypoint: You have an update (/, tag none)"]);
  });
});
