import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium: Playwright's own browser download is not reachable here.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
  ],
};

export default defineConfig({
  testDir: "./tests",
  // Several tests are two people on two devices (sign-ins hash passphrases with Argon2id).
  timeout: 60_000,
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3100",
    launchOptions: chromium,
    trace: "off",
    // Only offline.spec.ts lets the service worker in (it installs the whole debug wasm
    // again, which would slow every other test down).
    serviceWorkers: "block",
  },
  projects: [
    {
      // Client and family pages: a small Android phone.
      name: "phone",
      testMatch: /(client|sign-in|passkey|offline|library|notifications)\.spec\.ts/,
      use: {
        ...devices["Pixel 5"],
        viewport: { width: 360, height: 740 },
        deviceScaleFactor: 2,
        launchOptions: chromium,
      },
    },
    {
      // Staff pages: a desktop browser.
      name: "desktop",
      testMatch: /(staff|course)\.spec\.ts/,
      use: {
        ...devices["Desktop Chrome"],
        viewport: { width: 1280, height: 800 },
        launchOptions: chromium,
      },
    },
  ],
});
