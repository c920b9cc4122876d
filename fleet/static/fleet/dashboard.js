// Charts of the fleet dashboard (Chart.js, vendored): open findings by kind, model, region, firmware.
// A long label ("Printer out of paper or cover open") is wrapped onto lines instead of being cut
// off at the canvas edge on a phone.
function wrapLabel(text, width) {
  text = String(text);
  if (/[\u4e00-\u9fff]/.test(text)) { width = Math.floor(width / 2); }  // CJK: two columns each
  if (text.length <= width) { return text; }
  var words = text.indexOf(" ") >= 0 ? text.split(" ") : text.match(new RegExp(".{1," + width + "}", "g"));
  var joiner = text.indexOf(" ") >= 0 ? " " : "";
  var lines = [], line = "";
  words.forEach(function (word) {
    if (line && (line + joiner + word).length > width) { lines.push(line); line = word; }
    else { line = line ? line + joiner + word : word; }
  });
  if (line) { lines.push(line); }
  return lines;
}

document.addEventListener("DOMContentLoaded", function () {
  if (typeof Chart === "undefined") { return; }
  var data = JSON.parse(document.getElementById("fleet-chart-data").textContent);
  var label = document.getElementById("fleet-chart-labels").dataset.findings;
  ["kind", "model", "region", "firmware"].forEach(function (key) {
    new Chart(document.getElementById("chart-" + key), {
      type: "bar",
      data: { labels: data[key].labels, datasets: [{ label: label, data: data[key].counts }] },
      options: {
        maintainAspectRatio: false, indexAxis: "y", plugins: { legend: { display: false } },
        // Every label shown (not every other one), smaller on a phone so wrapped ones fit.
        scales: { y: { ticks: {
          autoSkip: false,
          font: function (context) { return { size: context.chart.width < 500 ? 10 : 12 }; },
          callback: function (value) {
            return wrapLabel(this.getLabelForValue(value), this.chart.width < 500 ? 16 : 30);
          }
        } } }
      }
    });
  });
});
