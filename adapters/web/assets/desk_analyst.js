// The KPI dashboard's charts: each element with data-chart (JSON: title, x, series of
// {name, data}) becomes an ECharts line chart drawn as SVG. No inline script (CSP); the
// tables beside the charts hold the same numbers without JavaScript.
(function () {
  "use strict";
  function draw(el) {
    var spec = JSON.parse(el.getAttribute("data-chart"));
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 32, bottom: 32 },
      xAxis: { type: "category", data: spec.x },
      yAxis: { type: "value" },
      series: spec.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false, showSymbol: true };
      })
    });
    el.setAttribute("data-drawn", "true");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function start() {
    if (typeof echarts === "undefined") { return; }
    document.querySelectorAll("[data-chart]").forEach(draw);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
