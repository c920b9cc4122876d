// Charts of the assistant dashboard (Chart.js, vendored).
document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var names = document.getElementById("chart-labels").dataset;
  new Chart(document.getElementById("chart-daily"), {
    data: {
      labels: data.daily.labels,
      datasets: [
        { type: "bar", label: names.conversations, data: data.daily.conversations, yAxisID: "y" },
        { type: "line", label: names.containment, data: data.daily.containment, yAxisID: "share" }
      ]
    },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true }, share: { position: "right", min: 0, max: 1 } } }
  });
  new Chart(document.getElementById("chart-reasons"), {
    type: "doughnut",
    data: { labels: data.reasons.labels, datasets: [{ data: data.reasons.counts }] },
    options: { maintainAspectRatio: false }
  });
  new Chart(document.getElementById("chart-intents"), {
    type: "bar",
    data: { labels: data.intents.labels, datasets: [{ label: names.messages, data: data.intents.counts }] },
    options: { maintainAspectRatio: false, indexAxis: "y", plugins: { legend: { display: false } } }
  });
});
