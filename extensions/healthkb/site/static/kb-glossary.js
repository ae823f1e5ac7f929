// healthkb: the definition of a linked medical word, next to the word.
//
// Each first mention of a glossary word is a link to its glossary entry (it works without
// JavaScript). The page carries the definitions it links to as hidden role="tooltip"
// elements (#kb-def-<term id>); this script points each link's aria-describedby at its
// definition and shows it on mouse hover, keyboard focus and tap. Escape, blur, moving the
// mouse away and a tap elsewhere close it; it is placed inside the viewport.
"use strict";

(function () {
  const MARGIN = 8;
  let current = null; // the link whose definition is open
  let leaveTimer = null;

  function definitionOf(link) {
    const id = link.getAttribute("data-kb-def");
    return id ? document.getElementById(id) : null;
  }

  function place(link, tip) {
    const rect = link.getBoundingClientRect();
    const width = document.documentElement.clientWidth;
    const height = window.innerHeight;
    tip.style.left = "0px";
    tip.style.top = "0px";
    const box = tip.getBoundingClientRect();
    let left = rect.left;
    if (left + box.width > width - MARGIN) left = width - MARGIN - box.width;
    if (left < MARGIN) left = MARGIN;
    let top = rect.bottom + 6;
    if (top + box.height > height - MARGIN && rect.top - 6 - box.height >= MARGIN) {
      top = rect.top - 6 - box.height;
    }
    tip.style.left = `${Math.round(left + window.scrollX)}px`;
    tip.style.top = `${Math.round(top + window.scrollY)}px`;
  }

  function close() {
    window.clearTimeout(leaveTimer);
    if (!current) return;
    const tip = definitionOf(current);
    current.removeAttribute("data-kb-open");
    current = null;
    if (tip) {
      tip.hidden = true;
      tip.classList.remove("kb-term-def--open");
    }
  }

  function open(link) {
    window.clearTimeout(leaveTimer);
    if (current === link) return;
    close();
    const tip = definitionOf(link);
    if (!tip) return;
    current = link;
    link.setAttribute("data-kb-open", "");
    tip.hidden = false;
    place(link, tip);
    tip.classList.add("kb-term-def--open");
  }

  function closeSoon() {
    // Time to move the mouse from the word onto the definition (which stays open there).
    window.clearTimeout(leaveTimer);
    leaveTimer = window.setTimeout(close, 200);
  }

  function setUp(link, tip) {
    link.setAttribute("data-kb-def", tip.id);
    link.setAttribute("aria-describedby", tip.id);
    let tapStartedOpen = false;
    link.addEventListener("pointerenter", function (event) {
      if (event.pointerType === "mouse") open(link);
    });
    link.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse" && current === link) closeSoon();
    });
    link.addEventListener("focus", function () { open(link); });
    link.addEventListener("blur", function () { if (current === link) close(); });
    link.addEventListener("pointerdown", function (event) {
      if (event.pointerType !== "mouse") tapStartedOpen = current === link;
    });
    link.addEventListener("click", function (event) {
      // A tap shows or hides the definition; a mouse click or Enter follows the link.
      if (event.pointerType === "touch" || event.pointerType === "pen") {
        event.preventDefault();
        if (tapStartedOpen) close(); else open(link);
      }
    });
  }

  function init() {
    const links = document.querySelectorAll("a.reference > span.kb-term");
    const moved = new Set();
    links.forEach(function (span) {
      const link = span.parentElement;
      const fragment = (link.getAttribute("href") || "").split("#")[1];
      const tip = fragment ? document.getElementById(`kb-def-${fragment}`) : null;
      if (!tip) return;
      if (!moved.has(tip)) {
        // Out of the article's flow, so it can sit anywhere in the viewport.
        document.body.appendChild(tip);
        tip.addEventListener("pointerenter", function () { window.clearTimeout(leaveTimer); });
        tip.addEventListener("pointerleave", function (event) {
          if (event.pointerType === "mouse") closeSoon();
        });
        moved.add(tip);
      }
      setUp(link, tip);
    });
    if (!moved.size) return;
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && current) close();
    });
    document.addEventListener("pointerdown", function (event) {
      if (!current) return;
      const tip = definitionOf(current);
      if (current.contains(event.target) || (tip && tip.contains(event.target))) return;
      close();
    });
    window.addEventListener("resize", function () {
      if (current) place(current, definitionOf(current));
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
