// Click a header of a .rl-sortable table to sort it. Local script; no network.
document.addEventListener("click", function (event) {
  var th = event.target.closest ? event.target.closest(".rl-sortable th") : null;
  if (!th) return;
  var table = th.closest("table");
  var body = table.tBodies[0];
  var index = Array.prototype.indexOf.call(th.parentNode.children, th);
  var ascending = th.getAttribute("data-order") !== "asc";
  Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("data-order"); });
  th.setAttribute("data-order", ascending ? "asc" : "desc");
  var key = function (row) {
    var cell = row.children[index];
    var value = cell.getAttribute("data-sort") || cell.textContent.trim();
    var number = parseFloat(value);
    return isNaN(number) ? value : number;
  };
  var rows = Array.prototype.slice.call(body.rows);
  rows.sort(function (a, b) {
    var x = key(a), y = key(b);
    var order = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
    return ascending ? order : -order;
  });
  rows.forEach(function (row) { body.appendChild(row); });
});

// Filter rows of a table by the <select> elements of a .rl-filters box (data-* match).
document.addEventListener("change", function (event) {
  var box = event.target.closest ? event.target.closest(".rl-filters") : null;
  if (!box) return;
  var table = document.getElementById(box.getAttribute("data-target"));
  if (!table) return;
  var selects = box.querySelectorAll("select[data-filter]");
  Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
    var shown = Array.prototype.every.call(selects, function (select) {
      return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
    });
    row.hidden = !shown;
  });
});
