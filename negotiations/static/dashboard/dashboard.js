// Dashboard enhancements. The page works without this file: every cell also has a title.
// 1. Hovering or focusing an agenda cell shows its details (label as reported, quotes,
//    annotations, disputes) in a floating panel, fetched from the server the first time
//    (/dashboard/<negotiation>/cell/): a 60-round matrix's details would weigh megabytes.
//    A round's date, place, level or status shows where the value came from the same way
//    (/dashboard/<negotiation>/value/). Escape hides it.
// 2. On a narrow screen, the matrix and the timeline scroll sideways to the selected round.
// 3. Printing opens the collapsed sections (tables, quotes) so that they are printed too.
(function () {
  "use strict";

  function init() {
    var popover = document.getElementById("cell-popover");
    if (popover) {
      var current = null;

      var place = function (cell) {
        var box = cell.getBoundingClientRect();
        var width = popover.offsetWidth;
        var height = popover.offsetHeight;
        var left = Math.min(Math.max(8, box.left + box.width / 2 - width / 2),
          window.innerWidth - width - 8);
        var top = box.bottom + 8;
        if (top + height > window.innerHeight - 8) top = Math.max(8, box.top - height - 8);
        popover.style.left = left + "px";
        popover.style.top = top + "px";
      };

      var details = {};
      var frame = document.querySelector(".matrix-scroll");
      var base = frame ? frame.getAttribute("data-cell-url") : "";

      var detailUrl = function (cell) {
        var row = cell.parentElement.getAttribute("data-area");
        var round = cell.getAttribute("data-round");
        if (!base || !row) return "";
        return base + (base.indexOf("?") < 0 ? "?" : "&") + "round=" +
          encodeURIComponent(round) + "&area=" + encodeURIComponent(row);
      };

      // A round's date, place, level or status: where the value came from.
      var valueHolder = document.querySelector("[data-value-url]");
      var valueBase = valueHolder ? valueHolder.getAttribute("data-value-url") : "";
      var valueUrl = function (mark) {
        if (!valueBase) return "";
        return valueBase + (valueBase.indexOf("?") < 0 ? "?" : "&") + "round=" +
          encodeURIComponent(mark.getAttribute("data-round")) + "&facet=" +
          encodeURIComponent(mark.getAttribute("data-facet"));
      };

      var fill = function (cell, html) {
        if (current !== cell) return;
        popover.innerHTML = html;
        place(cell);
      };

      var show = function (cell, url) {
        if (!url) return;
        current = cell;
        popover.innerHTML = "";
        var summary = document.createElement("p");
        summary.textContent = cell.dataset.title || cell.getAttribute("title") || "";
        popover.appendChild(summary);
        popover.hidden = false;
        cell.setAttribute("aria-describedby", "cell-popover");
        place(cell);
        if (details[url]) {
          fill(cell, details[url]);
          return;
        }
        fetch(url, { headers: { Accept: "text/html" } })
          .then(function (response) { return response.ok ? response.text() : ""; })
          .then(function (html) {
            if (!html) return;
            details[url] = html;
            fill(cell, html);
          })
          .catch(function () { /* the summary stays */ });
      };

      var follow = function () {
        if (current) place(current);
      };

      var hide = function () {
        if (current) current.removeAttribute("aria-describedby");
        current = null;
        popover.hidden = true;
      };

      var hover = function (cell, url) {
        // The floating panel replaces the native tooltip, which would cover it.
        cell.dataset.title = cell.getAttribute("title") || "";
        cell.addEventListener("mouseenter", function () {
          cell.removeAttribute("title");
          show(cell, url(cell));
        });
        cell.addEventListener("mouseleave", function () {
          if (cell.dataset.title) cell.setAttribute("title", cell.dataset.title);
          if (document.activeElement !== cell) hide();
        });
        cell.addEventListener("focus", function () { show(cell, url(cell)); });
        cell.addEventListener("blur", hide);
      };
      document.querySelectorAll(".matrix .cell").forEach(function (cell) { hover(cell, detailUrl); });
      document.querySelectorAll(".value-source").forEach(function (mark) { hover(mark, valueUrl); });
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape") hide();
      });
      window.addEventListener("scroll", follow, { passive: true });
      window.addEventListener("resize", follow);
      document.querySelectorAll(".matrix-scroll").forEach(function (scroller) {
        scroller.addEventListener("scroll", follow, { passive: true });
      });
    }

    // Centre the target in the part of the scroller not covered by a sticky first column.
    var reveal = function (scroller, target, sticky) {
      if (!scroller || !target || scroller.scrollWidth <= scroller.clientWidth) return;
      var outer = scroller.getBoundingClientRect();
      var inner = target.getBoundingClientRect();
      var left = outer.left + (sticky ? sticky.getBoundingClientRect().width : 0);
      if (inner.left >= left && inner.right <= outer.right) return;
      scroller.scrollLeft += inner.left - left - (outer.right - left - inner.width) / 2;
    };
    reveal(document.querySelector(".matrix-scroll"), document.querySelector(".matrix th.is-selected"),
      document.querySelector(".matrix__corner"));
    reveal(document.querySelector(".timeline__scroll"), document.querySelector(".round-mark__halo"));

    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("main details").forEach(function (details) {
        details.open = true;
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
