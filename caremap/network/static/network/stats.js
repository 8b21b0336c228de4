// Draw each statistics table as a Chart.js bar chart; the data arrive in a JSON block because
// the Content Security Policy forbids inline script.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var datasets = JSON.parse(source.textContent);
  var palette = ["#1f5f86", "#e08a00", "#a61b1b", "#2f7d4a", "#6b4c9a", "#4a5a66"];

  function numericColumns(dataset) {
    var first = dataset.rows[0] || [];
    var columns = [];
    for (var i = 0; i < first.length; i++) {
      if (typeof first[i] === "number") { columns.push(i); }
    }
    return columns;
  }

  datasets.forEach(function (dataset) {
    var canvas = document.getElementById("chart-" + dataset.name);
    if (!canvas) { return; }
    var numeric = numericColumns(dataset);
    // A label column is the last text column before the numbers (street names, not districts).
    var labelIndex = numeric.length ? numeric[0] - 1 : 0;
    var series = dataset.chart === "grouped" ? numeric.slice(1) : numeric.slice(0, 1);
    if (dataset.chart === "grouped" && series.length === 0) { series = numeric; }
    var chart = new Chart(canvas, {
      type: "bar",
      data: {
        labels: dataset.rows.map(function (row) { return row[labelIndex]; }),
        datasets: series.map(function (column, n) {
          return {
            label: dataset.columns[column],
            data: dataset.rows.map(function (row) { return row[column]; }),
            backgroundColor: palette[n % palette.length]
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: series.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
    canvas.setAttribute("data-rendered", "true");
    canvas.chart = chart;
  });
}());
