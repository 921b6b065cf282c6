// Poll an import job's status and move the progress bar; reload the page when the job has finished.
(function () {
  "use strict";
  var box = document.querySelector(".app-import-progress");
  if (!box) return;
  var bar = document.getElementById("import-progress");
  var stage = document.getElementById("import-stage");
  var percent = document.getElementById("import-percent");
  var url = box.getAttribute("data-status-url");
  var tag = document.querySelector("#job-status .govuk-tag");

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        percent.textContent = job.progress;
        if (job.stage) stage.textContent = job.stage;
        // The outcome tag follows the job too: never "Waiting to start" beside a moving bar.
        if (tag && job.status_display) tag.textContent = job.status_display;
        if (job.finished) {
          window.location.assign(job.url);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
