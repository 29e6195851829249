// Waypoint's service worker. The server puts `VERSION`, `SHELL` (the app shell: hashed
// script, wasm and styles, icons, the offline page) and `LIBRARY_SHELL` (what the library's
// pages need: the styles and their small script) in front of this file.
//
// No page with a person's information is kept here (they are sent with `Cache-Control:
// no-store`). Offline, such a page opens the offline shell, which starts the app from the
// phone's encrypted copy. The library's pages are public and the same for every reader:
// those read are kept in the clear (`LIBRARY`), and "Save the library" keeps all of them.
const CACHE = `waypoint-shell-${VERSION}`;
const LIBRARY = "waypoint-library";

const keepShell = () => caches.open(CACHE).then((cache) => cache.addAll(SHELL));
const keepLibraryShell = () =>
  caches.open(LIBRARY).then((cache) => cache.addAll(LIBRARY_SHELL));

const isLibrary = (url) => url.pathname === "/learn" || url.pathname.startsWith("/learn/");

// The library's pages kept for offline: not `/learn` (it only leads on), nor a search's
// answers.
const isKeptLibraryPage = (url) =>
  url.pathname.startsWith("/learn/") && !url.pathname.endsWith("/search");
const keepLibraryPage = (path, page) =>
  caches.open(LIBRARY).then((cache) => cache.put(path, page));

// Someone who has only read the library does not download the app (its wasm is most of
// the shell): the worker keeps only what the library's pages need.
const onlyReading = () =>
  self.clients
    .matchAll({ includeUncontrolled: true, type: "window" })
    .then((windows) => windows.length > 0 && windows.every((w) => isLibrary(new URL(w.url))));

self.addEventListener("install", (event) => {
  event.waitUntil(
    onlyReading().then((reading) => (reading ? keepLibraryShell() : keepShell())),
  );
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
            .filter((key) => key.startsWith("waypoint-") && key !== CACHE && key !== LIBRARY)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => caches.open(LIBRARY))
      .then(async (cache) => {
        // The library's styles and script of an older version go; its pages stay, and get
        // this version's styles and script when there are any.
        const keys = await cache.keys();
        const paths = keys.map((key) => new URL(key.url).pathname);
        await Promise.all(
          keys
            .filter((key, i) => !paths[i].startsWith("/learn/") && !LIBRARY_SHELL.includes(paths[i]))
            .map((key) => cache.delete(key)),
        );
        if (paths.some((path) => path.startsWith("/learn/"))) await keepLibraryShell();
      })
      .then(() => self.clients.claim())
      // The library page that brought the worker in is kept too (it came before it).
      .then(() => self.clients.matchAll({ type: "window" }))
      .then((windows) =>
        Promise.all(
          windows
            .map((w) => new URL(w.url))
            .filter(isKeptLibraryPage)
            .map((url) =>
              fetch(url.pathname)
                .then((page) => page.ok && keepLibraryPage(url.pathname, page))
                .catch(() => {}),
            ),
        ),
      ),
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
  if (request.mode === "navigate" && isLibrary(url)) {
    event.respondWith(libraryPage(event, url));
    return;
  }
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
  if (SHELL.includes(url.pathname) || LIBRARY_SHELL.includes(url.pathname)) {
    event.respondWith(
      caches.match(request).then((cached) => cached || fetch(request)),
    );
  }
});

// A library page from the network, kept for reading offline; offline, the page kept, else
// its library's home.
const libraryPage = (event, url) =>
  fetch(event.request).then(
    (page) => {
      if (page.ok && !page.redirected && isKeptLibraryPage(url)) {
        event.waitUntil(keepLibraryPage(url.pathname, page.clone()));
      }
      return page;
    },
    () => keptLibraryPage(url),
  );

const keptLibraryPage = async (url) => {
  const cache = await caches.open(LIBRARY);
  const kept = await cache.match(url.pathname);
  if (kept) return kept;
  const [, , code, language] = url.pathname.split("/");
  const homes = (await cache.keys())
    .map((key) => new URL(key.url).pathname)
    .filter((path) => /^\/learn\/[^/]+\/[a-z]{2}$/.test(path));
  const home =
    homes.find((path) => path === `/learn/${code}/${language}`) ||
    homes.find((path) => path.startsWith(`/learn/${code}/`)) ||
    homes[0];
  if (home) return cache.match(home);
  const shell = await caches.match("/offline");
  return shell || Response.error();
};

// A notification pushed by the server (ARCHITECTURE.md, "Reaching people"). Its words were
// chosen on the server to say nothing about what the app is for; a message that cannot be
// read still shows the plainest words, since a push must show something.
const PLAIN = { title: "Waypoint", body: "You have an update", path: "/" };

self.addEventListener("push", (event) => {
  let shown = PLAIN;
  try {
    shown = { ...PLAIN, ...(event.data ? event.data.json() : {}) };
  } catch (_) {}
  // Only a path on this site may be opened from a notification.
  const path = typeof shown.path === "string" && shown.path.startsWith("/") && !shown.path.startsWith("//")
    ? shown.path
    : "/";
  event.waitUntil(
    self.registration.showNotification(shown.title, {
      body: shown.body,
      tag: shown.tag,
      icon: "/icons/icon-192.png",
      badge: "/icons/icon-192.png",
      data: { path },
    }),
  );
});

// A tap opens the page it is about: in a window of the app already open, else a new one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const path = (event.notification.data && event.notification.data.path) || "/";
  const target = new URL(path, self.location.origin).href;
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then((windows) => {
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) return open.navigate(target).then((w) => (w || open).focus());
      return self.clients.openWindow(target);
    }),
  );
});
