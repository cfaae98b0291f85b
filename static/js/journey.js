// Progressive enhancements for the respondent's pages. Every page works
// without this file; it only makes things smoother with JavaScript on.
(function () {
  "use strict";

  // "Not applicable" and "Don't know" exclude the real options of a
  // multiple-choice question (and each other). The server refuses a mix;
  // here the other boxes are simply cleared before the change autosaves.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "checkbox" || !input.checked) {
      return;
    }
    var group = input.closest("[data-exclusive]");
    if (!group) {
      return;
    }
    var special = input.hasAttribute("data-special");
    group.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other !== input && (special || other.hasAttribute("data-special"))) {
        other.checked = false;
      }
    });
  }, true);

  // Notes and free text are saved when the field loses focus; this also
  // saves them after a short pause in typing, so a closed tab loses little.
  var typingTimers = new WeakMap();
  document.addEventListener("input", function (event) {
    var field = event.target;
    if (!(field instanceof HTMLTextAreaElement) || !field.closest(".question")) {
      return;
    }
    clearTimeout(typingTimers.get(field));
    typingTimers.set(field, setTimeout(function () {
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }, 1200));
  });

  // "Save and continue" names the questions changed on this page, which
  // autosave has already stored, and the server saves only those (see
  // views._save_page). Otherwise, with the private link open in two tabs,
  // the second tab's page would put back its older view of the questions
  // answered in the first. A field differs from its default when the
  // respondent changed it after the page loaded.
  var answers = document.getElementById("answers");
  if (answers) {
    answers.addEventListener("submit", function () {
      var edited = [];
      answers.querySelectorAll(".question").forEach(function (question) {
        var fields = question.querySelectorAll("input, textarea");
        var changed = Array.prototype.some.call(fields, function (field) {
          if (field.type === "checkbox" || field.type === "radio") {
            return field.checked !== field.defaultChecked;
          }
          return field.value !== field.defaultValue;
        });
        if (changed) {
          edited.push(question.id.replace(/^question-/, ""));
        }
      });
      var list = answers.querySelector("input[name=edited]");
      if (!list) {
        list = document.createElement("input");
        list.type = "hidden";
        list.name = "edited";
        answers.appendChild(list);
      }
      list.value = edited.join(" ");
    });
  }

  // A save that never reached the server says so where the answer was given.
  function showUnsaved(event) {
    var question = event.target.closest && event.target.closest(".question");
    var status = question && question.querySelector(".question__status");
    if (status) {
      status.innerHTML = "";
      var message = document.createElement("span");
      message.className = "status status--error";
      message.textContent = "Not saved: check your connection. Your answers on this page are also saved when you press Save and continue.";
      status.appendChild(message);
    }
  }

  // A save that failed on the way (no connection) or on the server (a 5xx,
  // as while the database restarts) is sent again, twice at the most, a
  // little later each time; saving an answer twice stores it once. Refused
  // answers (400) and a submitted assessment (409) are shown, not retried.
  var RETRY_DELAYS_MS = [1000, 3000];
  var retries = new WeakMap();
  function retryOrShowUnsaved(event) {
    var question = event.target.closest && event.target.closest(".question");
    var attempt = (question && retries.get(question)) || 0;
    if (!question || attempt >= RETRY_DELAYS_MS.length) {
      retries.delete(question);
      showUnsaved(event);
      return;
    }
    retries.set(question, attempt + 1);
    setTimeout(function () {
      question.dispatchEvent(new Event("change", { bubbles: true }));
    }, RETRY_DELAYS_MS[attempt]);
  }
  document.addEventListener("htmx:sendError", retryOrShowUnsaved);
  document.addEventListener("htmx:responseError", retryOrShowUnsaved);
  document.addEventListener("htmx:afterRequest", function (event) {
    var question = event.target.closest && event.target.closest(".question");
    if (event.detail.successful && question) {
      retries.delete(question);
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var question = event.target.closest && event.target.closest(".question");
    var status = question && question.querySelector(".question__status");
    if (status) {
      status.innerHTML = '<span class="status status--saving">Saving…</span>';
    }
  });
  document.querySelectorAll(".link-box__input").forEach(function (field) {
    field.addEventListener("focus", function () { field.select(); });
  });

  // A double click on a button that creates something creates it once.
  document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.submitted) {
        event.preventDefault();
        return;
      }
      form.dataset.submitted = "true";
    });
  });
})();
