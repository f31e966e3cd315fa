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
