// A "select all" checkbox: <input type="checkbox" data-select-all="NAME"> ticks or clears every
// checkbox named NAME in the same form (no inline script: the page's CSP forbids it).
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!box.matches || !box.matches("input[data-select-all]")) return;
  var scope = box.form || document;
  scope.querySelectorAll('input[type="checkbox"][name="' + box.dataset.selectAll + '"]')
    .forEach(function (item) { item.checked = box.checked; });
});
document.addEventListener("change", function (event) {
  var item = event.target;
  if (!item.matches || !item.matches('input[type="checkbox"][name]')) return;
  var scope = item.form || document;
  scope.querySelectorAll('input[data-select-all="' + item.name + '"]').forEach(function (all) {
    var items = scope.querySelectorAll('input[type="checkbox"][name="' + item.name + '"]');
    all.checked = Array.prototype.every.call(items, function (i) { return i.checked; });
  });
});
