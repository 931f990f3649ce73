// The script of the browser preview (server/lsp/src/preview.rs): takes each
// rendering from the page's event stream, scrolls to the paper under the
// editor's cursor, and reports clicks. Relies on the HTML contract of the
// renderer: every paper is an element with id="paperN" and data-line="L",
// L the 0-based line of its heading.
(() => {
  const base = location.pathname.endsWith("/") ? location.pathname : location.pathname + "/";
  let current = null;
  let line = 0;
  const ours = document.getElementById("digest-preview-style");
  let pageStyles = [...document.head.querySelectorAll("style")].filter((s) => s !== ours);
  const paperAt = (at) => {
    let found = null;
    for (const el of document.querySelectorAll("[data-line]")) {
      const l = Number(el.getAttribute("data-line"));
      if (Number.isInteger(l) && l <= at && (!found || l >= Number(found.getAttribute("data-line")))) found = el;
    }
    return found;
  };
  const scrollTo = (at) => {
    line = at;
    const el = paperAt(at);
    if (current && current !== el) current.classList.remove("digest-current");
    current = el;
    if (!el) { window.scrollTo(0, 0); return; }
    el.classList.add("digest-current");
    el.scrollIntoView({ block: "start" });
  };
  const notice = (text) => {
    let p = document.getElementById("digest-notice");
    if (!text) { if (p) p.remove(); return; }
    if (!p) {
      p = document.createElement("p");
      p.id = "digest-notice";
      document.body.appendChild(p);
    }
    p.textContent = text;
  };
  const apply = (html, version) => {
    const page = new DOMParser().parseFromString(html, "text/html");
    for (const s of pageStyles) s.remove();
    pageStyles = [...page.head.querySelectorAll("style")].map((s) => {
      const style = document.createElement("style");
      style.textContent = s.textContent;
      document.head.insertBefore(style, ours);
      return style;
    });
    for (const s of page.body.querySelectorAll("script")) s.remove();
    const lang = page.documentElement.getAttribute("lang");
    if (lang !== null) document.documentElement.setAttribute("lang", lang);
    const title = page.querySelector("title");
    if (title) document.title = title.textContent;
    document.body.replaceChildren(...[...page.body.childNodes].map((n) => document.importNode(n, true)));
    document.body.dataset.version = String(version);
    current = null;
    scrollTo(line);
  };
  const post = (what, body) =>
    fetch(base + what, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then((r) => {
        if (r.status === 501) notice("This editor cannot be asked to show a paper (it lacks window/showDocument).");
        else if (!r.ok) notice(`The editor was not reached (${r.status}).`);
      })
      .catch(() => notice("The language server is not running."));
  const events = new EventSource(base + "events");
  events.addEventListener("open", () => notice(""));
  events.addEventListener("error", () => notice("The language server is not running: this page shows the last rendering."));
  events.addEventListener("page", (event) => {
    const m = JSON.parse(event.data);
    if (typeof m.html === "string") apply(m.html, m.version);
  });
  events.addEventListener("scroll", (event) => {
    const m = JSON.parse(event.data);
    if (Number.isInteger(m.line)) scrollTo(m.line);
  });
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    const link = target.closest("a[href]");
    if (link) {
      const href = link.getAttribute("href") || "";
      if (href.startsWith("#")) return;
      event.preventDefault();
      // Web links open beside the preview; a link to another digest's
      // export opens that digest in the editor.
      if (/^https?:/i.test(href)) window.open(href, "_blank", "noopener,noreferrer");
      else post("follow", { href });
      return;
    }
    const paper = target.closest("[data-line]");
    if (!paper) return;
    const at = Number(paper.getAttribute("data-line"));
    if (Number.isInteger(at)) post("reveal", { line: at });
  });
})();
