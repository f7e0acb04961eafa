// The page's own script: draws the charts with uPlot from the JSON block `report-data`. Plain ES2017 in a string (it
// runs in the reader's browser, not in Node); labels reach the canvas and uPlot's legend as text, never as markup.
export const CHART_SCRIPT = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  if (typeof uPlot !== 'function') {
    // uPlot could not start here (an old browser, a locale Intl refuses): the tables hold the same numbers.
    Array.prototype.forEach.call(document.querySelectorAll('.chart'), function (el) {
      el.textContent = 'The chart could not be drawn in this browser; the table below has the same numbers.';
    });
    return;
  }
  function width(el) { return Math.max(360, Math.min(1150, el.clientWidth || 900)); }
  function dur(ms) {
    if (ms == null) return '';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
    if (ms < 3600000) return (ms / 60000).toFixed(1) + ' min';
    return (ms / 3600000).toFixed(1) + ' h';
  }
  function count(v) { return v == null ? '' : String(v); }
  function fromZero(u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; }

  var days = document.getElementById('chart-days');
  if (days && data.perDay.series.length) {
    var xs = data.perDay.days.map(function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; });
    new uPlot({
      width: width(days), height: 260, legend: { live: false },
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      scales: { x: { time: true }, y: { range: fromZero } },
      axes: [{}, { label: 'runs', values: function (u, splits) { return splits.map(function (v) { return v % 1 ? '' : String(v); }); } }],
      series: [{ label: 'day' }].concat(data.perDay.series.map(function (s) {
        return { label: s.label, stroke: s.color, width: 2, points: { show: true, size: 6, fill: s.color }, value: function (u, v) { return count(v); } };
      }))
    }, [xs].concat(data.perDay.series.map(function (s) { return s.values; })), days);
  }

  /** Bars over named categories (controls): one series per entry of series, drawn in order (wide first). */
  function bars(el, labels, series, axisLabel, fmt) {
    var xs = labels.map(function (_, i) { return i; });
    new uPlot({
      width: width(el), height: 300, legend: { live: false },
      scales: { x: { time: false, range: function () { return [-0.5, labels.length - 0.5]; } }, y: { range: fromZero } },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (i) { return labels[i] || ''; }); }, rotate: -15, size: 80, grid: { show: false } },
        { label: axisLabel, size: 70, values: function (u, splits) { return splits.map(fmt); } }
      ],
      series: [{ label: 'control', value: function (u, i) { return i == null ? '' : (labels[i] || ''); } }].concat(series.map(function (s) {
        return { label: s.label, stroke: s.color, fill: s.color, paths: uPlot.paths.bars({ size: [s.size, 90] }), points: { show: false }, value: function (u, v) { return v == null ? '' : fmt(v); } };
      }))
    }, [xs].concat(series.map(function (s) { return s.values; })), el);
  }

  var ttf = document.getElementById('chart-ttf');
  if (ttf && data.timeToFix.labels.length) {
    bars(ttf, data.timeToFix.labels, [
      { label: 'p95', color: '#90caf9', size: 0.7, values: data.timeToFix.p95 },
      { label: 'median', color: '#1565c0', size: 0.35, values: data.timeToFix.median }
    ], 'time to fix', dur);
  }
  var scan = document.getElementById('chart-scan');
  if (scan && data.scan && data.scan.labels.length) {
    bars(scan, data.scan.labels, [{ label: 'findings', color: '#ef6c00', size: 0.6, values: data.scan.totals }], 'findings', count);
  }
})();`;
