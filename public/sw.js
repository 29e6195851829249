// Waypoint's service worker. The server puts `VERSION` and `SHELL` (the app shell: hashed
// script, wasm and styles, icons, the offline page) in front of this file.
//
// Only the shell is cached: pages with a person's information are never kept here (they
// are sent with `Cache-Control: no-store`). Offline, a page opens the offline shell, which
// starts the app from the phone's encrypted copy.
const CACHE = `waypoint-shell-${VERSION}`;

const keepShell = () => caches.open(CACHE).then((cache) => cache.addAll(SHELL));

self.addEventListener("install", (event) => {
  event.waitUntil(keepShell());
});

// Signing out wipes the caches; the next page served online brings the shell back.
const restoreShell = () =>
  caches.match("/offline", { cacheName: CACHE }).then((kept) => kept || keepShell());

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("waypoint-") && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("message", (event) => {
  // The person chose "Reload" on the notice that a new version is ready.
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).then(
        (page) => {
          event.waitUntil(restoreShell().catch(() => {}));
          return page;
        },
        () => caches.match("/offline").then((page) => page || Response.error()),
      ),
    );
    return;
  }
  if (SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then((cached) => cached || fetch(request)),
    );
  }
});
