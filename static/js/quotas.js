// Allocation grid: keep the running sums and the difference from the target up to date
// while the planner types (the server computes the same on load and after saving).
(function () {
  function number(input) {
    var n = parseInt(input.value, 10);
    return isNaN(n) ? 0 : n;
  }
  function update(form) {
    var total = 0;
    form.querySelectorAll("input.total").forEach(function (i) { total += number(i); });
    var allocated = form.querySelector("[data-testid=allocated]");
    if (allocated) {
      total += parseInt(allocated.dataset.hidden, 10) || 0;  // rows outside the reader's organizations
      allocated.textContent = total;
    }
    var columns = {};
    form.querySelectorAll("input.sub").forEach(function (i) {
      var c = i.dataset.category;
      columns[c] = (columns[c] || 0) + number(i);
    });
    var headers = Array.from(new Set(Array.from(form.querySelectorAll("input.sub")).map(function (i) { return i.dataset.category; })));
    headers.forEach(function (c, index) {
      var cell = form.querySelector("[data-sum='" + index + "']");
      // The category's sub-quotas in rows outside the reader's organizations, as for the total.
      if (cell) cell.textContent = (columns[c] || 0) + (parseInt(cell.dataset.hidden, 10) || 0);
    });
    var target = parseInt(form.dataset.target, 10);
    var diff = form.querySelector("[data-testid=difference]");
    if (!isNaN(target) && diff) {
      var d = total - target;
      diff.innerHTML = '<span class="badge ' + (d === 0 ? "ok" : "warn") + '">' + (d > 0 ? "+" : "") + d + "</span>";
      var balance = form.querySelector("[data-testid=balance]");
      if (balance) balance.textContent = d > 0 ? balance.dataset.over : d < 0 ? balance.dataset.under : balance.dataset.even;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("allocation-form");
    if (!form) return;
    form.addEventListener("input", function () { update(form); });
  });
})();

// Rule editor: show only the fields of the chosen kind, and the organization or the
// selector (form, sector, level) depending on "for every matching organization". The
// server ignores the hidden fields on save (quotas/forms.py), so nothing typed there counts.
(function () {
  function update(form) {
    var kind = form.querySelector("[name=kind]");
    var each = form.querySelector("[name=applies_to_each]");
    var chosen = kind ? kind.value : "";
    form.querySelectorAll("[data-kinds]").forEach(function (field) {
      var kinds = field.dataset.kinds.split(" ");
      var show = kinds.indexOf(chosen) !== -1;
      if (show && field.dataset.scope) {
        var isEach = !!(each && each.checked && !each.closest("[data-kinds]").hidden);
        show = field.dataset.scope === "each" ? isEach : !isEach;
      }
      field.hidden = !show;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("rule-form");
    if (!form) return;
    update(form);
    form.addEventListener("change", function () { update(form); });
  });
})();
