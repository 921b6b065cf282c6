// Draw every chart on the page: <div class="app-chart" data-figure-id="ID"> + a json_script with that ID.
(function () {
  "use strict";
  if (!window.Plotly) return;
  // A legend under the plot (layout.meta.legend_below, set by placements/charts.py legend_below): wrap each
  // name to the chart's width and grow the figure by the legend's height, so at phone width every entry
  // is shown whole and neither the plot nor the axis title covers it.
  function wrap(text, max) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > max) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    if (line) lines.push(line);
    return lines.length ? lines : [""];
  }

  function fitLegend(figure, width) {
    var meta = figure.layout.meta || {};
    if (!meta.legend_below) return figure;
    var layout = JSON.parse(JSON.stringify(figure.layout));
    var data = figure.data.map(function (trace) { return Object.assign({}, trace); });
    var narrow = width < 600;
    var chars = Math.max(18, Math.floor((width - 40) / 7.4));
    var lines = 0, entries = 0;
    data.forEach(function (trace) {
      if (trace.showlegend === false || !trace.name) return;
      var wrapped = wrap(trace.name, chars);
      trace.name = wrapped.join("<br>");
      lines += wrapped.length;
      entries += 1;
    });
    if (layout.legend && layout.legend.title && layout.legend.title.text) {
      var title = wrap(layout.legend.title.text, chars);
      layout.legend.title.text = title.join("<br>");
      lines += title.length;
    }
    var plotHeight = narrow ? Math.round(meta.plot_height * 0.85) : meta.plot_height;
    // Category labels turn at phone width and need more room above the legend.
    var xSpace = meta.x_space + (narrow ? 30 : 0);
    var legendHeight = lines * 19 + entries * 4 + 16;
    layout.margin = Object.assign({}, layout.margin, { b: xSpace + legendHeight });
    layout.height = (layout.margin.t || 0) + plotHeight + xSpace + legendHeight;
    layout.legend = Object.assign({}, layout.legend, { y: -xSpace / plotHeight });
    if (narrow && layout.xaxis && layout.xaxis.type === "category" && (layout.xaxis.categoryarray || []).length > 3) {
      layout.xaxis.tickangle = -90;  // upright labels, none cut off at the edge
    }
    return { data: data, layout: layout };
  }

  var nodes = document.querySelectorAll(".app-chart[data-figure-id]");
  Array.prototype.forEach.call(nodes, function (node) {
    var source = document.getElementById(node.getAttribute("data-figure-id"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    // No mode bar: its buttons would be controls inside role="img"; the table view and CSV carry the data.
    var config = { responsive: true, displayModeBar: false };
    var width = node.clientWidth;
    var fitted = fitLegend(figure, width);
    window.Plotly.newPlot(node, fitted.data, fitted.layout, config);
    var timer = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        if (Math.abs(node.clientWidth - width) < 60) return;
        width = node.clientWidth;
        fitted = fitLegend(figure, width);
        window.Plotly.react(node, fitted.data, fitted.layout, config);
      }, 250);
    });
  });
})();
