// Charts of the fleet dashboard (Chart.js, vendored): open findings by kind, model, region, firmware.
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("fleet-chart-data").textContent);
  var label = document.getElementById("fleet-chart-labels").dataset.findings;
  ["kind", "model", "region", "firmware"].forEach(function (key) {
    new Chart(document.getElementById("chart-" + key), {
      type: "bar",
      data: { labels: data[key].labels, datasets: [{ label: label, data: data[key].counts }] },
      options: { maintainAspectRatio: false, indexAxis: "y", plugins: { legend: { display: false } } }
    });
  });
});
