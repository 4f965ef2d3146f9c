// Supervision page charts (data from json_script "supervision-data"; no inline script, CSP).
(function () {
  "use strict";

  var FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif";
  var LEVEL_COLORS = { red: "#c62828", orange: "#ef8a17", yellow: "#e9c400" };

  function draw() {
    var source = document.getElementById("supervision-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var cause = document.getElementById("sv-cause-chart");
    if (cause && data.causes.length) {
      var c1 = echarts.init(cause, null, { renderer: "canvas" });
      c1.setOption({
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        legend: { top: 0 },
        grid: { left: 8, right: 12, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.causes, axisLabel: { interval: 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: data.levels.map(function (s) {
          return { name: s.name, type: "bar", stack: "level", data: s.data, barMaxWidth: 32,
                   itemStyle: { color: LEVEL_COLORS[s.key] } };
        })
      });
      charts.push(c1);
    }
    var status = document.getElementById("sv-status-chart");
    if (status) {
      var c2 = echarts.init(status, null, { renderer: "canvas" });
      c2.setOption({
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "item" },
        legend: { bottom: 0, type: "scroll" },
        series: [
          { name: "办理状态", type: "pie", radius: ["30%", "55%"], center: ["27%", "45%"],
            data: data.status.filter(function (d) { return d.value > 0; }) },
          { name: "处置方式", type: "pie", radius: ["30%", "55%"], center: ["73%", "45%"],
            data: data.dispositions.filter(function (d) { return d.value > 0; }) }
        ]
      });
      charts.push(c2);
    }
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
