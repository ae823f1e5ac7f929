// healthkb: copy-link controls and deep links into disclosures.
"use strict";

(function () {
  // One polite live region announces results such as "Link copied".
  function liveRegion() {
    let region = document.getElementById("kb-live");
    if (!region) {
      region = document.createElement("div");
      region.id = "kb-live";
      region.className = "kb-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(message) {
    const region = liveRegion();
    region.textContent = "";
    // A fresh text node makes screen readers announce a repeated message.
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  // The canonical URL of this page (conf/site.toml base_url), without fragment.
  function pageUrl() {
    const canonical = document.querySelector('link[rel="canonical"]');
    const href = canonical ? canonical.href : window.location.href;
    return href.split("#")[0];
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // Fallback for http:// previews: a temporary, off-screen textarea.
    return new Promise(function (resolve, reject) {
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      try {
        document.execCommand("copy") ? resolve() : reject(new Error("copy failed"));
      } catch (err) {
        reject(err);
      } finally {
        area.remove();
      }
    });
  }

  document.addEventListener("click", function (event) {
    const button = event.target.closest("button.kb-copy-link");
    if (!button) return;
    event.preventDefault();
    event.stopPropagation();
    const url = pageUrl() + "#" + button.dataset.kbAnchor;
    copyText(url).then(
      function () {
        button.classList.add("kb-copied");
        announce("Link copied");
        window.setTimeout(function () { button.classList.remove("kb-copied"); }, 2000);
      },
      function () {
        announce("Could not copy the link. The link is " + url);
      }
    );
  });

  // Opening a URL with #id opens the disclosure that holds the target, then scrolls to it.
  // On page load the jump is instant: furo's set-up calls window.scroll() at the current
  // position, which stops a smooth scroll wherever it is (on a busy device, a few pixels
  // in), and a reader who opens a link to a card should land on the card at once.
  function openTarget(event) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    if (!id) return;
    const target = document.getElementById(id);
    if (!target) return;
    let node = target;
    while (node) {
      if (node.tagName === "DETAILS") node.open = true;
      node = node.parentElement;
    }
    if (event && event.type === "hashchange") {
      target.scrollIntoView({ block: "start" });
      return;
    }
    try {
      target.scrollIntoView({ block: "start", behavior: "instant" });
    } catch (err) {
      target.scrollIntoView(true); // a browser without the "instant" behaviour
    }
  }

  // Print: write out where each link in the article goes (absolute, canonical URLs),
  // and open every disclosure so a printed page is a complete handout.
  function markPrintLinks() {
    const base = pageUrl();
    document.querySelectorAll("article[role=main] a[href]").forEach(function (link) {
      if (link.classList.contains("headerlink")) return;
      const href = link.getAttribute("href");
      if (!href || href.startsWith("javascript:")) return;
      if (href.startsWith("#")) return;
      link.dataset.kbPrintHref = new URL(href, base).href;
    });
  }

  const reopen = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (item) {
      item.open = true;
      reopen.push(item);
    });
  });
  window.addEventListener("afterprint", function () {
    while (reopen.length) reopen.pop().open = false;
  });

  window.addEventListener("hashchange", openTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      markPrintLinks();
      openTarget();
    });
  } else {
    markPrintLinks();
    openTarget();
  }
})();
