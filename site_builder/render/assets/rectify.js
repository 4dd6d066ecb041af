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
