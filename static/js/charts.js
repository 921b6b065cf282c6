// "Show as table" becomes "Hide table" while a chart's table view (a GOV.UK details) is open; the summary's
// aria-expanded is kept in step. Any visually hidden words after the label (the chart's name) stay.
(function () {
  "use strict";
  var SHOW = "Show as table", HIDE = "Hide table";
  Array.prototype.forEach.call(document.querySelectorAll("details.govuk-details"), function (details) {
    var summary = details.querySelector("summary");
    var label = summary && summary.querySelector(".govuk-details__summary-text");
    var text = label && label.firstChild;
    if (!text || text.nodeType !== 3 || text.nodeValue.trim() !== SHOW) return;
    function sync() {
      text.nodeValue = details.open ? HIDE : SHOW;
      summary.setAttribute("aria-expanded", details.open ? "true" : "false");
    }
    details.addEventListener("toggle", sync);
    sync();
  });
})();

// Draw every chart on the page: <div class="app-chart" data-figure-id="ID"> + a json_script with that ID.
(function () {
  "use strict";
  if (!window.Plotly) return;
  // A legend under the plot (layout.meta.legend_below, set by placements/charts.py legend_below): wrap each
  // name to the chart's width and grow the figure by the legend's height, so at phone width every entry
  // is shown whole and neither the plot nor the axis title covers it.
  var canvas = document.createElement("canvas").getContext("2d");
  function textWidth(text, size) {
    canvas.font = size + "px Arial, sans-serif";
    return canvas.measureText(text).width;
  }

  function wrap(text, maxWidth, size) {
    var lines = [], line = "";
    String(text).split(" ").forEach(function (word) {
      var longer = line ? line + " " + word : word;
      if (line && textWidth(longer, size) > maxWidth) { lines.push(line); line = word; }
      else { line = longer; }
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
    var size = (layout.legend && layout.legend.font && layout.legend.font.size) || 13;
    // The room for a name: the plot's width less the legend's symbol (about 40px); a legend wider than
    // the plot pushes the plot's margins until nothing is left of it.
    var margin = layout.margin || {};
    var room = Math.max(120, width - (margin.l || 60) - 10 - (margin.r || 20) - 45);
    var lines = 0, entries = 0;
    data.forEach(function (trace) {
      if (trace.showlegend === false || !trace.name) return;
      var wrapped = wrap(trace.name, room, size);
      trace.name = wrapped.join("<br>");
      lines += wrapped.length;
      entries += 1;
    });
    if (layout.legend && layout.legend.title && layout.legend.title.text) {
      var title = wrap(layout.legend.title.text, room + 35, size);
      layout.legend.title.text = title.join("<br>");
      lines += title.length;
    }
    var plotHeight = narrow ? Math.round(meta.plot_height * 0.85) : meta.plot_height;
    // Category labels turn upright when they do not fit side by side, and then need their length in
    // height between the plot and the legend (plus the axis title's line, when there is one).
    var xSpace = meta.x_space;
    var axis = layout.xaxis || {};
    if (axis.type === "category") {
      var labels = axis.categoryarray || [];
      if (!labels.length) {
        data.forEach(function (trace) { (trace.x || []).forEach(function (x) { if (labels.indexOf(x) < 0) labels.push(x); }); });
      }
      var longest = 0, total = 0;
      labels.forEach(function (label) { var w = textWidth(String(label), 12); total += w + 12; longest = Math.max(longest, w); });
      var plotWidth = width - (margin.l || 60) - 10 - (margin.r || 20);
      if (total > plotWidth) {
        axis.tickangle = -90;
        xSpace = Math.max(xSpace, Math.ceil(longest) + 16 + (meta.x_space - 45));
      }
    }
    var legendHeight = lines * 19 + entries * 4 + 16;
    layout.margin = Object.assign({}, layout.margin, { b: xSpace + legendHeight });
    layout.height = (layout.margin.t || 0) + plotHeight + xSpace + legendHeight;
    // maxheight in pixels: by default a vertical legend may be no taller than the plot and scrolls.
    layout.legend = Object.assign({}, layout.legend, { y: -xSpace / plotHeight, maxheight: legendHeight + 200 });
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
