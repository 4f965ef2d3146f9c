// Policy simulation result charts: households by tier before/after, the movers between tiers (sankey)
// and the monthly cost before/after by region. Data comes from json_script ("run-chart-data").
(function () {
  "use strict";

  var FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif";
  var COLORS = ["#6fa3dc", "#1f5fa8"];

  function bars(holder, categories, series, unit) {
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      color: COLORS,
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 12, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: categories, axisLabel: { interval: 0 } },
      yAxis: { type: "value", name: unit, minInterval: 1 },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.data, barMaxWidth: 28 };
      })
    });
    return chart;
  }

  function flow(holder, data) {
    var chart = echarts.init(holder, null, { renderer: "canvas" });
    chart.setOption({
      textStyle: { fontFamily: FONT },
      tooltip: { trigger: "item", formatter: function (p) {
        return p.dataType === "edge" ? p.data.source + " → " + p.data.target + "：" + p.data.value + " 户" : p.name;
      } },
      series: [{
        type: "sankey",
        left: 8, right: 120, top: 16, bottom: 16,
        nodeAlign: "justify",
        emphasis: { focus: "adjacency" },
        lineStyle: { color: "gradient", opacity: 0.45 },
        data: data.nodes.map(function (n) { return { name: n }; }),
        links: data.links
      }]
    });
    return chart;
  }

  function draw() {
    var source = document.getElementById("run-chart-data");
    if (!source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var charts = [];
    var tiers = document.getElementById("run-tier-chart");
    if (tiers) {
      charts.push(bars(tiers, data.tiers, [
        { name: "调整前（户）", data: data.before },
        { name: "调整后（户）", data: data.after }
      ], "户"));
    }
    var movers = document.getElementById("run-flow-chart");
    if (movers && data.links.length) charts.push(flow(movers, data));
    var cost = document.getElementById("run-cost-chart");
    if (cost) {
      charts.push(bars(cost, data.regions, [
        { name: "调整前月度待遇（元）", data: data.cost_before },
        { name: "调整后月度待遇（元）", data: data.cost_after }
      ], "元"));
    }
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
