// Sorting and filtering of the site's tables. Local script, no network; without it the
// tables are complete and in the order the builder chose.

// Click (or Enter on) a header of a .rl-sortable table to sort it.
function rlSort(th) {
  var table = th.closest("table");
  var body = table.tBodies[0];
  var index = Array.prototype.indexOf.call(th.parentNode.children, th);
  var ascending = th.getAttribute("data-order") !== "asc";
  Array.prototype.forEach.call(th.parentNode.children, function (h) {
    h.removeAttribute("data-order");
    h.removeAttribute("aria-sort");
  });
  th.setAttribute("data-order", ascending ? "asc" : "desc");
  th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  var key = function (row) {
    var cell = row.children[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort") || cell.textContent.trim();
    var number = parseFloat(value);
    return isNaN(number) || !/^-?[\d.]+/.test(value) ? value : number;
  };
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
}
document.addEventListener("click", function (event) {
  var th = event.target.closest ? event.target.closest(".rl-sortable thead th") : null;
  if (th) rlSort(th);
});
document.addEventListener("keydown", function (event) {
  var th = event.target.closest ? event.target.closest(".rl-sortable thead th") : null;
  if (th && (event.key === "Enter" || event.key === " ")) { event.preventDefault(); rlSort(th); }
});

// Filter the rows of the tables a .rl-filters box names (data-target: an id, or a
// selector) by its <select data-filter> elements, matching the rows' data-* values.
function rlTables(box) {
  var target = box.getAttribute("data-target");
  var byId = document.getElementById(target);
  return byId ? [byId] : Array.prototype.slice.call(document.querySelectorAll(target));
}
function rlFilter(box) {
  var selects = box.querySelectorAll("select[data-filter]");
  var shown = 0, total = 0;
  rlTables(box).forEach(function (table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var keep = Array.prototype.every.call(selects, function (select) {
        return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
      });
      row.hidden = !keep;
      total += 1;
      shown += keep ? 1 : 0;
    });
  });
  var count = box.querySelector(".rl-filter-count");
  if (count) count.textContent = shown === total ? "" : "显示 " + shown + " / " + total + " 条";
}
document.addEventListener("change", function (event) {
  var box = event.target.closest ? event.target.closest(".rl-filters") : null;
  if (box) rlFilter(box);
});

// Show the filter boxes, preset from the address (?round=r1&unit=r1/wcjd), and make the
// sortable headers reachable by keyboard.
function rlSetUp() {
  var params = new URLSearchParams(window.location.search);
  Array.prototype.forEach.call(document.querySelectorAll(".rl-filters-box"), function (details) {
    details.hidden = false;
    if (window.innerWidth >= 960) details.open = true;
  });
  Array.prototype.forEach.call(document.querySelectorAll(".rl-filters"), function (box) {
    var preset = false;
    Array.prototype.forEach.call(box.querySelectorAll("select[data-filter]"), function (select) {
      var wanted = params.get(select.getAttribute("data-filter"));
      if (wanted && Array.prototype.some.call(select.options, function (o) { return o.value === wanted; })) {
        select.value = wanted;
        preset = true;
      }
    });
    if (preset) {
      rlFilter(box);
      var details = box.closest("details");
      if (details) details.open = true;
    }
  });
  Array.prototype.forEach.call(document.querySelectorAll(".rl-sortable thead th"), function (th) {
    th.tabIndex = 0;
  });
}
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", rlSetUp);
else rlSetUp();
