// A "Copy" button beside a link field: <button data-copy="field-id"
// data-copied="What to say once copied" hidden>. The field stays
// selectable without JavaScript; this reveals the button and copies.
(function () {
  "use strict";

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var id = button.getAttribute("data-copy");
    var field = document.getElementById(id);
    var note = document.querySelector('[data-copied-for="' + id + '"]');
    if (!field || !navigator.clipboard) {
      return;
    }
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (note) {
          note.textContent = button.getAttribute("data-copied") || "Copied.";
        }
      }, function () {
        field.select();
      });
    });
  });
})();
