// Need pushes chart: pushed / answered / overdue by department and by county (data from json_script
// "needs-chart-data"; no inline script, CSP). The tables beside the charts hold the same figures.
(function () {
  "use strict";
  var SERIES = ["推送", "已答复", "逾期未答复"];
  function bars(el, names, rows) {
    if (!el || !names.length) { if (el) el.style.display = "none"; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: names, axisLabel: { interval: 0, rotate: names.length > 4 ? 30 : 0 } },
      yAxis: { type: "value", name: "条" },
      series: SERIES.map(function (name, i) {
        return { name: name, type: "bar", data: rows.map(function (r) { return r[i]; }), barMaxWidth: 28 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw() {
    var source = document.getElementById("needs-chart-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    bars(document.getElementById("needs-chart-dept"), data.departments, data.by_department);
    bars(document.getElementById("needs-chart-region"), data.regions, data.by_region);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
