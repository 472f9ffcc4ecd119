// Two small charts drawn as inline SVG from the journal rows the timeline holds: requests per
// minute over the last 15 minutes (errors stacked on top, in red), and errors by code.
"use strict";

const chart = {
  minutes: 15,

  /** Requests per minute, answered and failed, for the last `minutes` minutes up to `now`. */
  perMinute(rows, now) {
    const end = Math.floor(now / 60000);
    const buckets = Array.from({ length: this.minutes }, (_, index) => ({ minute: end - this.minutes + 1 + index, ok: 0, failed: 0 }));
    for (const row of rows) {
      const index = Math.floor(Date.parse(row.dateTime) / 60000) - (end - this.minutes + 1);
      if (index < 0 || index >= this.minutes) continue;
      if (row.status >= 400) buckets[index].failed += 1; else buckets[index].ok += 1;
    }
    return buckets;
  },

  rate(rows, now) {
    const buckets = this.perMinute(rows, now);
    const width = 480, height = 140, left = 34, bottom = 20, top = 8;
    const most = Math.max(1, ...buckets.map((b) => b.ok + b.failed));
    const step = (width - left) / buckets.length;
    const scale = (height - bottom - top) / most;
    const total = buckets.reduce((sum, b) => sum + b.ok + b.failed, 0);
    const failed = buckets.reduce((sum, b) => sum + b.failed, 0);
    const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "rate-title rate-desc", class: "chart" },
      svg("title", { id: "rate-title" }, "Requests per minute"),
      svg("desc", { id: "rate-desc" }, `${total} requests in the last ${this.minutes} minutes, ${failed} of them errors; the peak is ${most} a minute.`),
      svg("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: "axis" }),
      svg("text", { x: left - 4, y: top + 8, class: "label end" }, String(most)),
      svg("text", { x: left - 4, y: height - bottom, class: "label end" }, "0"));
    buckets.forEach((bucket, index) => {
      const x = left + index * step + 1;
      const okHeight = bucket.ok * scale, failedHeight = bucket.failed * scale;
      const y = height - bottom - okHeight;
      picture.append(svg("rect", { x, y, width: step - 2, height: okHeight, class: "ok" },
        svg("title", {}, `${this.clock(bucket.minute)}: ${bucket.ok} answered, ${bucket.failed} errors`)));
      picture.append(svg("rect", { x, y: y - failedHeight, width: step - 2, height: failedHeight, class: "failed" }));
      if (index % 5 === 0 || index === buckets.length - 1) {
        picture.append(svg("text", { x: x + (step - 2) / 2, y: height - 5, class: "label middle" }, this.clock(bucket.minute)));
      }
    });
    return picture;
  },

  /** Errors by Graph error code (or status when there is no code), most frequent first. */
  errors(rows) {
    const counts = new Map();
    for (const row of rows) {
      if (row.status < 400) continue;
      const name = row.errorCode || String(row.status);
      counts.set(name, (counts.get(name) || 0) + 1);
    }
    const entries = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
    const width = 480, rowHeight = 18, labelWidth = 170;
    const height = Math.max(1, entries.length) * rowHeight + 8;
    const most = Math.max(1, ...entries.map((entry) => entry[1]));
    const picture = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": "errors-title errors-desc", class: "chart" },
      svg("title", { id: "errors-title" }, "Errors by code"),
      svg("desc", { id: "errors-desc" }, entries.length ? entries.map(([name, count]) => `${name}: ${count}`).join(", ") : "No errors."));
    if (!entries.length) picture.append(svg("text", { x: 4, y: 16, class: "label" }, "No errors in the rows shown."));
    entries.forEach(([name, count], index) => {
      const y = 4 + index * rowHeight;
      const barWidth = (width - labelWidth - 40) * count / most;
      picture.append(svg("text", { x: labelWidth - 6, y: y + 12, class: "label end" }, name));
      picture.append(svg("rect", { x: labelWidth, y, width: barWidth, height: rowHeight - 4, class: "failed" }));
      picture.append(svg("text", { x: labelWidth + barWidth + 4, y: y + 12, class: "label" }, String(count)));
    });
    return picture;
  },

  clock(minute) {
    return new Date(minute * 60000).toISOString().slice(11, 16);
  },
};
