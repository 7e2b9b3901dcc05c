/* Charts of the monitoring pages: Apache ECharts (static/vendor/echarts), SVG renderer.
 * No inline script (Content-Security-Policy): each chart is a <div data-chart="ID"> whose
 * numbers are in a json_script element with that id — the same shown numbers as the table
 * beside it (a hidden small count is a gap here and "<5" or "x" in the table). */
(function () {
  "use strict";
  var COLOURS = {
    in_hardship: "#a8410f", struggling: "#f29a5f", getting_by: "#9cc99a", doing_well: "#2f7d32",
    completed: "#2f7d32", overdue: "#a8410f", other: "#8a8f98"
  };
  var charts = [];

  function option(data, narrow) {
    return {
      animation: false,
      textStyle: { fontFamily: "Sarabun, sans-serif", fontSize: 13 },
      legend: { top: 0, left: 0, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 16, top: narrow ? 48 : 32, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: data.categories,
        axisLabel: { width: narrow ? 96 : 180, overflow: "truncate" }
      },
      series: data.series.map(function (s) {
        return {
          type: "bar", stack: "all", name: s.name, data: s.data, barMaxWidth: 22,
          itemStyle: { color: COLOURS[s.key] || "#666" }
        };
      })
    };
  }

  function draw(root) {
    if (!window.echarts) { return; }
    (root || document).querySelectorAll("[data-chart]").forEach(function (box) {
      if (box.getAttribute("data-drawn")) { return; }
      var source = document.getElementById(box.getAttribute("data-chart"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var narrow = box.clientWidth < 600;
      box.style.height = (data.categories.length * 30 + (narrow ? 72 : 56)) + "px";
      var chart = window.echarts.init(box, null, { renderer: "svg" });
      chart.setOption(option(data, narrow));
      box.setAttribute("data-drawn", "1");
      charts.push(chart);
    });
  }

  function resizeAll() {
    charts = charts.filter(function (c) { return !c.isDisposed() && document.body.contains(c.getDom()); });
    charts.forEach(function (c) { c.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (event) { draw(event.target); });
  window.addEventListener("resize", resizeAll);
  window.addEventListener("beforeprint", resizeAll);
})();
