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

  // "123 characters left" under limited texts; the count is read out only when nearly full.
  function updateCounter(counter) {
    var field = document.getElementById(counter.getAttribute("data-counter-for"));
    if (!field) return;
    var limit = parseInt(field.getAttribute("data-limit"), 10);
    var left = limit - field.value.length;
    var template = counter.getAttribute(left < 0 ? "data-over-template" : "data-template");
    counter.textContent = template.replace("{count}", String(Math.abs(left)));
    counter.classList.toggle("counter--over", left < 0);
    counter.setAttribute("aria-live", left < 50 ? "polite" : "off");
  }

  function enhanceCounters(root) {
    root.querySelectorAll("[data-counter-for]").forEach(function (counter) {
      updateCounter(counter);
      var field = document.getElementById(counter.getAttribute("data-counter-for"));
      if (field && !field.dataset.counted) {
        field.dataset.counted = "1";
        field.addEventListener("input", function () { updateCounter(counter); });
      }
    });
  }

  function enhanceCopyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (!navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.getAttribute("data-copy"));
        navigator.clipboard.writeText(field.value).then(function () {
          var status = document.querySelector("[data-copy-status]");
          if (status) status.textContent = button.getAttribute("data-copied");
        });
      });
    });
  }

  // A long select (290 municipalities) gets a search box that narrows its options.
  function enhanceSearchableSelects(root) {
    root.querySelectorAll("select[data-searchable]").forEach(function (select) {
      if (select.dataset.enhanced) return;
      select.dataset.enhanced = "1";
      var id = select.id + "-search";
      var label = document.createElement("label");
      label.className = "hint";
      label.htmlFor = id;
      label.textContent = select.getAttribute("data-searchable");
      var input = document.createElement("input");
      input.type = "search";
      input.id = id;
      input.className = "input input--search";
      input.setAttribute("autocomplete", "off");
      select.parentNode.insertBefore(label, select);
      select.parentNode.insertBefore(input, select);
      input.addEventListener("input", function () {
        var words = input.value.trim().toLowerCase();
        var matches = [];
        select.querySelectorAll("option").forEach(function (option) {
          var show = !option.value || option.textContent.toLowerCase().indexOf(words) !== -1;
          option.hidden = !show;
          if (show && option.value) matches.push(option);
        });
        if (matches.length === 1) select.value = matches[0].value;
      });
    });
  }

  function enhance(root) {
    enhanceSearchableSelects(root);
    enhanceCounters(root);
    root.querySelectorAll("[data-question-form]").forEach(function (form) {
      syncQuestionKind(form);
      var select = form.querySelector("[data-question-kind]");
      if (select && !select.dataset.enhanced) {
        select.dataset.enhanced = "1";
        select.addEventListener("change", function () { syncQuestionKind(form); });
      }
    });
  }

  // The board's results come back from the server with their sections open and their tables
  // closed, on every refresh and filter; what the reader folded or opened stays so. The disclosures
  // of the new results take the state of the ones they replace before they reach the page, and a
  // filter that shows none of them (no answers) does not make the page forget.
  var disclosuresOpen = {};

  function disclosureKey(details) {
    if (details.id) return details.id;
    var holder = details.parentElement.closest("[id]");
    var index = Array.prototype.indexOf.call(holder.querySelectorAll("details"), details);
    return holder.id + " " + index;
  }

  function keepDisclosures(event) {
    var results = document.getElementById("board-results");
    if (!results || !event.detail.tasks) return;
    results.querySelectorAll("details").forEach(function (details) {
      disclosuresOpen[disclosureKey(details)] = details.open;
    });
    event.detail.tasks.forEach(function (task) {
      if (!task.fragment) return;
      task.fragment.querySelectorAll("#board-results details").forEach(function (details) {
        var key = disclosureKey(details);
        if (key in disclosuresOpen) details.toggleAttribute("open", disclosuresOpen[key]);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    enhanceCopyButtons(document);
    var summary = document.querySelector(".error-summary");
    if (summary) summary.focus();
  });
  // htmx moves the focus to the [autofocus] of what it swaps in. The ones already on the page
  // have done their work; dropping them keeps one per page, as HTML asks (say, after saving
  // comments on two of the plan's paragraphs in turn).
  function dropSpentAutofocus() {
    document.querySelectorAll("[autofocus]").forEach(function (element) {
      element.removeAttribute("autofocus");
    });
  }

  document.addEventListener("htmx:before:swap", keepDisclosures);
  document.addEventListener("htmx:before:swap", dropSpentAutofocus);
  document.addEventListener("htmx:after:swap", function () { enhance(document); });
})();
