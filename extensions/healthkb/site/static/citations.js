// healthkb: reference previews for citation markers ([1]).
//
// Hovering or focusing a marker shows its reference in a tooltip. Without this
// script the marker still works: it links to the References list, and its
// aria-describedby names the entry there, so screen readers read the reference.
// WCAG 1.4.13: the preview can be hovered, stays while hovered or focused, and
// Escape dismisses it. On touch, the first tap previews and a second tap follows.
"use strict";

(function () {
  let tooltip = null;
  let current = null;
  let hideTimer = null;
  let lastPointer = "mouse";
  let armed = false; // touch: the tapped marker's preview was already showing

  function getTooltip() {
    if (!tooltip) {
      tooltip = document.createElement("div");
      tooltip.id = "kb-cite-tooltip";
      tooltip.className = "kb-cite-tooltip";
      tooltip.setAttribute("role", "tooltip");
      tooltip.hidden = true;
      tooltip.addEventListener("pointerenter", cancelHide);
      tooltip.addEventListener("pointerleave", scheduleHide);
      document.body.appendChild(tooltip);
    }
    return tooltip;
  }

  function referenceText(marker) {
    const entry = document.getElementById(marker.dataset.kbRef);
    return entry ? entry.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function place(marker, tip) {
    const rect = marker.getBoundingClientRect();
    const margin = 8;
    const width = tip.offsetWidth;
    const height = tip.offsetHeight;
    const viewport = document.documentElement.clientWidth;
    let left = rect.left + rect.width / 2 - width / 2;
    left = Math.max(margin, Math.min(left, viewport - width - margin));
    // Above the marker when there is room, else below it.
    let top = rect.top - height - margin;
    tip.classList.toggle("kb-cite-tooltip-below", top < margin);
    if (top < margin) top = rect.bottom + margin;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(marker) {
    cancelHide();
    const text = referenceText(marker);
    if (!text) return;
    if (current && current !== marker) restore(current);
    const tip = getTooltip();
    tip.textContent = text;
    tip.hidden = false;
    current = marker;
    // While visible, the tooltip is what describes the marker.
    marker.setAttribute("aria-describedby", tip.id);
    place(marker, tip);
  }

  function restore(marker) {
    marker.setAttribute("aria-describedby", marker.dataset.kbRef);
  }

  function hide() {
    cancelHide();
    if (tooltip) tooltip.hidden = true;
    if (current) restore(current);
    current = null;
  }

  function scheduleHide() {
    cancelHide();
    hideTimer = window.setTimeout(function () {
      if (current && document.activeElement === current) return;
      hide();
    }, 300);
  }

  function cancelHide() {
    if (hideTimer) window.clearTimeout(hideTimer);
    hideTimer = null;
  }

  function markerOf(target) {
    return target instanceof Element ? target.closest("a.kb-cite-ref") : null;
  }

  document.addEventListener("pointerdown", function (event) {
    lastPointer = event.pointerType || "mouse";
    const tapped = markerOf(event.target);
    armed = Boolean(tapped && tapped === current && tooltip && !tooltip.hidden);
    if (current && !markerOf(event.target) && !(tooltip && tooltip.contains(event.target))) {
      hide();
    }
  });

  document.addEventListener("pointerover", function (event) {
    const marker = markerOf(event.target);
    if (marker && event.pointerType !== "touch") show(marker);
  });

  document.addEventListener("pointerout", function (event) {
    const marker = markerOf(event.target);
    if (marker && event.pointerType !== "touch" && !marker.contains(event.relatedTarget)) {
      scheduleHide();
    }
  });

  document.addEventListener("focusin", function (event) {
    const marker = markerOf(event.target);
    if (marker) show(marker);
  });

  document.addEventListener("focusout", function (event) {
    const marker = markerOf(event.target);
    if (marker && marker === current) hide();
  });

  document.addEventListener("click", function (event) {
    const marker = markerOf(event.target);
    if (!marker || lastPointer !== "touch") return;
    // Touch: the first tap shows the preview, a second tap follows the link.
    if (!armed) {
      event.preventDefault();
      show(marker);
    }
    armed = false;
  });

  document.addEventListener("keydown", function (event) {
    lastPointer = "keyboard";
    if (event.key === "Escape" && current) {
      hide();
    }
  });

  window.addEventListener("resize", function () {
    if (current && tooltip && !tooltip.hidden) place(current, tooltip);
  });
})();
