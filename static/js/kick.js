// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Show only the settings that apply to the chosen kind of question.
  function syncQuestionKind(form) {
    var select = form.querySelector("[data-question-kind]");
    if (!select) return;
    form.querySelectorAll("[data-kinds]").forEach(function (block) {
      var kinds = block.getAttribute("data-kinds").split(" ");
      block.hidden = kinds.indexOf(select.value) === -1;
    });
  }

  function enhance(root) {
    root.querySelectorAll("[data-question-form]").forEach(function (form) {
      syncQuestionKind(form);
      var select = form.querySelector("[data-question-kind]");
      if (select && !select.dataset.enhanced) {
        select.dataset.enhanced = "1";
        select.addEventListener("change", function () { syncQuestionKind(form); });
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
  document.addEventListener("htmx:after:swap", function () { enhance(document); });
})();
