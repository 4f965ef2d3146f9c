// Home page bar chart: households and persons by category and area type (data from json_script).
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("category-chart");
    var source = document.getElementById("category-chart-data");
    if (!holder || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var colors = ["#1f5fa8", "#6fa3dc", "#c2410c", "#f0a06a"];
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      color: colors,
      textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 12, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.categories, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: s.stack, data: s.data, barMaxWidth: 28 };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
