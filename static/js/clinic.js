// Progressive enhancements for the clinic workspace. Every page works
// without this file; htmx does the swapping, this only keeps links short,
// focus in place and screen readers informed.
(function () {
  "use strict";

  // Empty filters add nothing to a shared link: leave them out of the
  // request, and so out of the address htmx pushes into the history.
  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.verb !== "get" || !elt.closest || !elt.closest("#submission-filters")) {
      return;
    }
    var data = event.detail.formData;
    Array.from(new Set(data.keys())).forEach(function (name) {
      if (data.getAll(name).every(function (value) { return value === ""; })) {
        data.delete(name);
      }
    });
  });

  // A swap replaces the link that was clicked; remember which one it was
  // so that focus can come back to its replacement.
  var focusAfterSwap = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    focusAfterSwap = null;
    if (elt.matches && elt.matches("#submissions a.sort-link")) {
      focusAfterSwap = "#submissions th:nth-child(" + (elt.closest("th").cellIndex + 1) + ") a.sort-link";
    } else if (elt.matches && elt.matches("#submissions .pagination a")) {
      focusAfterSwap = "#submissions .submissions__count";
    }
  });

  document.addEventListener("htmx:afterSettle", function () {
    var region = document.getElementById("submissions");
    var status = document.getElementById("filter-status");
    if (region && status) {
      status.textContent = region.getAttribute("data-count") || "";
    }
    var target = focusAfterSwap && document.querySelector(focusAfterSwap);
    focusAfterSwap = null;
    if (!target) {
      target = document.querySelector("[data-focus-after-swap]");
    }
    if (target) {
      target.focus();
      target.removeAttribute("data-focus-after-swap");
    }
  });
})();
