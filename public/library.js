// The library's buttons: save every page for reading offline, share, print. Library pages
// are the same for every reader (nothing about the reader is in them), so the phone keeps
// them in the clear; the service worker answers with them when there is no network.
(function () {
  const CACHE = "waypoint-library";
  const status = document.querySelector("[data-library-status]");
  const say = (text) => {
    if (status) status.textContent = text;
  };

  const save = document.querySelector("[data-library-save]");
  const section = save && save.closest("section");
  if (save && section && "caches" in window && "serviceWorker" in navigator) {
    section.hidden = false;
    save.addEventListener("click", async () => {
      const pages = save.dataset.librarySave.split(" ").filter(Boolean);
      save.disabled = true;
      say(save.dataset.saving);
      try {
        const cache = await caches.open(CACHE);
        let bytes = 0;
        for (const page of pages) {
          // Without cookies: what is kept is what anyone would get.
          const response = await fetch(page, { credentials: "omit" });
          if (!response.ok) throw new Error(page);
          await cache.put(page, response);
          const timing = performance.getEntriesByName(new URL(page, location.href).href).pop();
          if (timing) bytes += timing.transferSize || 0;
        }
        const kb = Math.ceil(bytes / 1000);
        say(save.dataset.saved + (kb > 0 ? ` (${kb} KB)` : ""));
      } catch (error) {
        say(save.dataset.failed);
      } finally {
        save.disabled = false;
      }
    });
  }

  const share = document.querySelector("[data-library-share]");
  const link = document.querySelector(".share-link input");
  if (share) {
    share.hidden = false;
    share.addEventListener("click", async () => {
      const url = link ? link.value : location.href;
      if (navigator.share) {
        // Only the address: the phone's share sheet shows what is sent.
        navigator.share({ url }).catch(() => {});
        return;
      }
      try {
        await navigator.clipboard.writeText(url);
        say(share.dataset.copied);
      } catch (error) {
        if (link) link.select();
      }
    });
  }

  const print = document.querySelector("[data-library-print]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }

  // As the app's bundles say when they have started (the browser tests wait for it).
  document.documentElement.dataset.app = "started";
})();
