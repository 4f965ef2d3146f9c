// Payments summaries chart: paid amounts by month and tier (data from json_script "payments-chart";
// no inline script, CSP). The table beside it holds the same figures.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("payments-chart");
    var el = document.getElementById("pay-chart");
    if (!source || !el || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.months.length) { el.style.display = "none"; return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", name: "元" },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "tier", data: s.data, barMaxWidth: 32 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
