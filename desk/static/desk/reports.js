// The service report's three bar charts, from the numbers the page carries in #chart-data
// (json_script): a static file, because the Content-Security-Policy allows no inline script.
(function () {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const d = JSON.parse(source.textContent);
  const bar = (id, labels, sets) => new Chart(document.getElementById(id), {type: "bar", data: {labels, datasets: sets}, options: {responsive: true, animation: false}});
  bar("backlog-chart", d.backlog_labels, [{label: d.labels.open, data: d.backlog_total, backgroundColor: "#1e88e5"}, {label: d.labels.breached, data: d.backlog_breached, backgroundColor: "#c62828"}]);
  bar("category-chart", d.categories, [{label: d.labels.first, data: d.category_first, backgroundColor: "#43a047"}, {label: d.labels.resolution, data: d.category_resolution, backgroundColor: "#fb8c00"}]);
  bar("channel-chart", d.channels, [{label: d.labels.first, data: d.channel_first, backgroundColor: "#43a047"}, {label: d.labels.resolution, data: d.channel_resolution, backgroundColor: "#fb8c00"}]);
})();
