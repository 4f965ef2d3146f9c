// Dashboards (统计分析): one chart per topic from the table beside it, and the county map of Jilin.
// Data from json_script "dashboards-data" (no inline script, CSP); redrawn after an htmx swap of #dash-body.
(function () {
  "use strict";

  var FONT = "Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif";
  var COLORS = ["#1f5fa8", "#2e7d32", "#c62828", "#ef8a17", "#6fa3dc", "#8e6bbf", "#00838f", "#9e9e9e"];
  var charts = [];
  // tooltips drawn on the canvas (richText): an HTML tooltip would set inline styles, which the CSP refuses
  var geo = null; // the county boundaries, fetched once

  // ECharts styles the element it draws in; drawing in an inner element without an id keeps those styles off the
  // containers htmx matches by id when it swaps the figures (it would copy them as attributes, which the CSP refuses)
  function mount(holder) {
    holder.textContent = "";
    var inner = document.createElement("div");
    inner.className = "dash-canvas";
    holder.appendChild(inner);
    return echarts.init(inner, null, { renderer: "canvas" });
  }

  function topicOption(t) {
    var base = { color: COLORS, textStyle: { fontFamily: FONT }, animation: false };
    if (t.kind === "pie") {
      base.tooltip = { trigger: "item", renderMode: "richText" };
      base.legend = { bottom: 0, type: "scroll" };
      base.series = [{ type: "pie", radius: ["30%", "60%"], center: ["50%", "45%"],
        data: t.x.map(function (name, i) { return { name: name, value: t.series[0].data[i] }; })
          .filter(function (d) { return d.value > 0; }) }];
      return base;
    }
    base.tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, renderMode: "richText" };
    base.legend = { top: 0, type: "scroll" };
    base.grid = { left: 8, right: 12, top: 40, bottom: 8, containLabel: true };
    base.xAxis = { type: "category", data: t.x, axisLabel: { hideOverlap: true } };
    base.yAxis = { type: "value", minInterval: 1 };
    base.series = t.series.map(function (s) {
      return { name: s.name, type: "bar", stack: "total", data: s.data, barMaxWidth: 28 };
    });
    return base;
  }

  function drawMap(holder, data, body) {
    var select = document.getElementById("dash-map-indicator");
    var prefix = data.prefix;
    var mapName = "dash-" + prefix;
    var names = {};
    var features = geo.features.filter(function (f) { return String(f.id).indexOf(prefix) === 0; });
    features.forEach(function (f) { names[f.properties.code] = f.properties.name; });
    if (!echarts.getMap(mapName)) {
      echarts.registerMap(mapName, { type: "FeatureCollection", features: features });
    }
    var chart = mount(holder);
    charts.push(chart);
    function paint() {
      var key = select ? select.value : "people";
      var values = features.map(function (f) {
        var v = data.counties[f.properties.code];
        return { name: f.properties.code, value: v ? v[key] : 0 };
      });
      var max = values.reduce(function (m, d) { return Math.max(m, d.value); }, 0);
      var label = select ? select.options[select.selectedIndex].text : "";
      chart.setOption({
        textStyle: { fontFamily: FONT },
        tooltip: { trigger: "item", renderMode: "richText", formatter: function (p) {
          return (names[p.name] || p.name) + "\n" + label + "：" + (isNaN(p.value) ? 0 : p.value);
        } },
        visualMap: { min: 0, max: Math.max(max, 1), left: 8, bottom: 8, calculable: true,
                     inRange: { color: ["#e8f0fa", "#1f5fa8"] } },
        series: [{ type: "map", map: mapName, nameProperty: "code", roam: false, data: values,
                   label: { show: false }, emphasis: { label: { show: true, formatter: function (p) {
                     return names[p.name] || ""; } } } }]
      }, true);
    }
    paint();
    if (select) select.addEventListener("change", paint);
    chart.on("click", function (p) {
      if (!p.name) return;
      window.location.href = body.dataset.pageUrl + "?region=" + p.name + "000000&" + body.dataset.range;
    });
  }

  function draw() {
    var body = document.getElementById("dash-body");
    var source = document.getElementById("dashboards-data");
    if (!body || !source || typeof echarts === "undefined") return;
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    var data = JSON.parse(source.textContent);
    data.topics.forEach(function (t) {
      var holder = document.getElementById("chart-" + t.key);
      if (!holder) return;
      var chart = mount(holder);
      chart.setOption(topicOption(t));
      charts.push(chart);
    });
    var mapHolder = document.getElementById("dash-map");
    if (data.map && mapHolder) {
      if (geo) {
        drawMap(mapHolder, data, body);
      } else {
        fetch(body.dataset.mapUrl, { credentials: "same-origin" })
          .then(function (r) { return r.json(); })
          .then(function (json) { geo = json; drawMap(mapHolder, data, body); })
          .catch(function () { mapHolder.setAttribute("aria-label", "地图加载失败，数值见下表"); });
      }
    }
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.addEventListener("htmx:afterSettle", draw);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
