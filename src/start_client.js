// Starts the client at the browser's first idle moment (within two seconds), after the
// page the server sent has been painted. The files of a screen loaded separately, named in
// the head, are fetched at the same moment as the main module.
((script, wasm) => {
  const d = document;
  const preload = (href, rel, as) => {
    const link = d.createElement("link");
    link.rel = rel;
    link.href = href;
    link.crossOrigin = "anonymous";
    if (as) {
      link.as = as;
      link.type = "application/wasm";
    }
    d.head.append(link);
  };
  const start = () => {
    // The wasm downloads while the script that instantiates it does.
    preload(wasm, "preload", "fetch");
    for (const m of d.querySelectorAll('meta[name="gather-screen-loader"]')) preload(m.content, "modulepreload");
    for (const m of d.querySelectorAll('meta[name="gather-screen-files"]')) {
      for (const file of m.content.split(" ")) if (file) preload(file, "preload", "fetch");
    }
    import(script).then((client) => client.default({ module_or_path: wasm }).then(() => client.hydrate()));
  };
  if ("requestIdleCallback" in window) requestIdleCallback(start, { timeout: 2000 });
  else setTimeout(start, 0);
})
