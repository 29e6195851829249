// Registers the service worker, and says so when a new version is waiting: the person
// chooses when to reload, so nothing they are typing is lost.
(function () {
  if (!("serviceWorker" in navigator)) return;
  let chosen = false;
  const offer = (worker) => {
    const box = document.getElementById("update-ready");
    if (!box) return;
    box.hidden = false;
    box.querySelector("button").onclick = () => {
      chosen = true;
      worker.postMessage("skip-waiting");
    };
  };
  // The new version took over because the person chose "Reload" (the first install takes
  // over too, silently).
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (chosen) window.location.reload();
  });
  // After the page has loaded: the worker's first download of the app shell must not
  // compete with the page itself on a slow connection.
  const register = () => navigator.serviceWorker
    .register("/sw.js", { scope: "/" })
    .then((registration) => {
      if (registration.waiting && navigator.serviceWorker.controller) {
        offer(registration.waiting);
      }
      registration.addEventListener("updatefound", () => {
        const incoming = registration.installing;
        if (!incoming) return;
        incoming.addEventListener("statechange", () => {
          if (incoming.state === "installed" && navigator.serviceWorker.controller) {
            offer(incoming);
          }
        });
      });
    })
    .catch(() => {
      // No service worker here (a private window, an old browser): the app works online.
    });
  if (document.readyState === "complete") register();
  else window.addEventListener("load", register, { once: true });
})();
