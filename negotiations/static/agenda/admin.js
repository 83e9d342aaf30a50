// Names for the admin's fields that have no <label> of their own, for screen readers and
// accessibility checks: the autocomplete widgets (select2) and their search boxes take the
// name of the <select> they stand for; select2's "remove all" cross, which it puts straight
// into a list, is wrapped in a list item. Runs on load, and again on any change of the page
// (select2 redraws its widgets, inline rows are added).
(function () {
  "use strict";

  function nameOf(select) {
    if (select.getAttribute("aria-label")) return select.getAttribute("aria-label");
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:?\s]+$/, "").trim() : "";
  }

  function fix() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) return;
      var name = nameOf(select);
      if (!name) return;
      container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(
        function (element) {
          if (element.getAttribute("aria-label") !== name) element.setAttribute("aria-label", name);
        }
      );
      container.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(
        function (cross) {
          var item = document.createElement("li");
          item.className = "select2-selection__clear-item";
          cross.replaceWith(item);
          item.appendChild(cross);
        }
      );
    });
  }

  var pending = false;
  function schedule() {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      fix();
    });
  }

  function start() {
    fix();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "complete") {
    start();
  } else {
    window.addEventListener("load", start);
  }
})();
