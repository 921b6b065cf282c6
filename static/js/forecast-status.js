// Poll a queued or running forecast's status and reload the page when it has finished.
(function () {
  "use strict";
  var boxes = document.querySelectorAll(".app-forecast-status[data-status-url]");
  Array.prototype.forEach.call(boxes, function (box) {
    var url = box.getAttribute("data-status-url");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (run) {
          if (run.finished) {
            window.location.reload();
          } else {
            window.setTimeout(poll, 1500);
          }
        })
        .catch(function () { window.setTimeout(poll, 4000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
