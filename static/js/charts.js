// Draw every chart on the page: <div class="app-chart" data-figure-id="ID"> + a json_script with that ID.
(function () {
  "use strict";
  if (!window.Plotly) return;
  var nodes = document.querySelectorAll(".app-chart[data-figure-id]");
  Array.prototype.forEach.call(nodes, function (node) {
    var source = document.getElementById(node.getAttribute("data-figure-id"));
    if (!source) return;
    var figure = JSON.parse(source.textContent);
    // No mode bar: its buttons would be controls inside role="img"; the table view and CSV carry the data.
    var config = { responsive: true, displayModeBar: false };
    window.Plotly.newPlot(node, figure.data, figure.layout, config);
  });
})();
