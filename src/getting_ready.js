// Until the WASM client has taken over the page, a press on a control that only the client
// handles would do nothing. This holds the last such press, says "Getting ready…", and
// replays the press once the client is in charge (the client keeps the server's elements,
// so the same element is pressed again). Links and plain forms (those with an action, such
// as sign-in and sign-out) work without the client and are left alone.
(() => {
  const d = document;
  let held = null;
  const ready = () => d.body && d.body.dataset.hydrated === "true";
  const say = (text) => {
    const n = d.getElementById("getting-ready");
    if (n) n.textContent = text;
  };
  const hold = (e, replay) => {
    if (ready()) return;
    e.preventDefault();
    e.stopImmediatePropagation();
    held = replay;
    say("Getting ready…");
  };
  d.addEventListener(
    "click",
    (e) => {
      const c = e.target instanceof Element && e.target.closest(
        "button, [role=button], input[type=checkbox], input[type=radio], input[type=submit]",
      );
      if (!c || c.disabled) return;
      if (c.form && c.form.hasAttribute("action") && c.type === "submit") return;
      hold(e, () => c.isConnected && c.click());
    },
    true,
  );
  d.addEventListener(
    "submit",
    (e) => {
      const f = e.target;
      if (!(f instanceof HTMLFormElement) || f.hasAttribute("action")) return;
      hold(e, () => f.isConnected && f.requestSubmit());
    },
    true,
  );
  new MutationObserver((_, watch) => {
    if (!ready()) return;
    watch.disconnect();
    say("");
    const replay = held;
    held = null;
    // After the client's own first effects have run.
    if (replay) setTimeout(replay, 0);
  }).observe(d.documentElement, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
})();

// Screens other than the session screen are separate WASM chunks fetched when first shown.
// On a poor connection a chunk fetch is retried with backoff (and after the connection
// comes back); if it still fails, the page says so and offers to load the screen afresh,
// rather than leaving a screen that never appears.
(() => {
  const w = window;
  const d = document;
  const plain = w.fetch.bind(w);
  let goingTo = null;
  d.addEventListener(
    "click",
    (e) => {
      const a = e.target instanceof Element && e.target.closest("a[href]");
      if (a && a.origin === location.origin) goingTo = a.href;
    },
    true,
  );
  w.addEventListener("popstate", () => {
    goingTo = location.href;
  });
  const online = () =>
    navigator.onLine ? Promise.resolve() : new Promise((r) => w.addEventListener("online", r, { once: true }));
  const pause = (ms) => new Promise((r) => setTimeout(r, ms));
  const failed = () => {
    const n = d.getElementById("getting-ready");
    if (!n) return;
    n.textContent = "Couldn't load this screen. Check the connection, then ";
    const retry = d.createElement("a");
    retry.textContent = "retry";
    retry.href = goingTo || location.href;
    retry.rel = "external";
    retry.dataset.testid = "retry-screen";
    n.append(retry, ".");
  };
  // A screen that takes a moment to arrive says so, rather than the old one seeming stuck.
  let loading = 0;
  let slow = null;
  const say = (text) => {
    const n = d.getElementById("getting-ready");
    if (n && !n.querySelector("[data-testid=retry-screen]")) n.textContent = text;
  };
  const started = () => {
    if (loading++ === 0 && d.body && d.body.dataset.hydrated === "true") {
      slow = setTimeout(() => say("Loading this screen…"), 400);
    }
  };
  const ended = () => {
    if (--loading > 0) return;
    clearTimeout(slow);
    if (d.getElementById("getting-ready")?.textContent === "Loading this screen…") say("");
  };
  w.fetch = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (!new URL(url, location.href).pathname.startsWith("/pkg/")) return plain(input, init);
    started();
    try {
      return await fetchScreen(input, init);
    } finally {
      ended();
    }
  };
  const fetchScreen = async (input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const chunk = !new URL(url, location.href).pathname.startsWith("/pkg/gather.");
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await plain(input, init);
        // A chunk is read whole here, so a connection lost mid-download is retried too
        // (chunks are small); the main module keeps its streaming compilation.
        if (response.ok && chunk) {
          const body = await response.arrayBuffer();
          return new Response(body, { status: response.status, headers: response.headers });
        }
        if (response.ok) return response;
        if (attempt >= 4) {
          failed();
          return response;
        }
      } catch (e) {
        if (attempt >= 4) {
          failed();
          throw e;
        }
      }
      await pause(250 * 2 ** attempt);
      await online();
    }
  };
})();
