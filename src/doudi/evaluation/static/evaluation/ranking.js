// Evaluation ranking: one bar per region's score (data from json_script "evaluation-chart-data"; no inline
// script, CSP). The table beside the chart holds the same figures.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("evaluation-chart-data");
    var el = document.getElementById("evaluation-chart");
    if (!source || !el || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.names.length) { el.style.display = "none"; return; }
    el.style.height = Math.max(340, data.names.length * 22 + 60) + "px";
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif" },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 16, bottom: 28, containLabel: true },
      xAxis: { type: "value", name: "得分", nameLocation: "middle", nameGap: 24, min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: data.names, axisLabel: { interval: 0 } },
      series: [{ name: "得分", type: "bar", data: data.scores, barMaxWidth: 18, label: { show: true, position: "right" } }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
