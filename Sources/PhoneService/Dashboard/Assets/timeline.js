// The request journal as a live timeline: the newest rows that match the filters, then every second
// the rows stored since the largest id shown (`afterId`), added at the top without a reload. A row
// opens its details. The charts are drawn from the rows held (at most `limit`).
"use strict";

const timeline = {
  limit: 1000,
  interval: 1000,

  async render(view, parameters) {
    const state = { rows: [], cursor: 0, timer: null, stopped: false, selected: null };
    const filters = ["user", "app", "method", "status", "since"];
    const form = h("form", { id: "journal-filters", class: "filters" },
      h("p", {}, h("label", { for: "filter-user" }, "User"), h("input", { id: "filter-user", name: "user", placeholder: "principal name or id" })),
      h("p", {}, h("label", { for: "filter-app" }, "App id"), h("input", { id: "filter-app", name: "app" })),
      h("p", {}, h("label", { for: "filter-method" }, "Method"), h("input", { id: "filter-method", name: "method", size: 7 })),
      h("p", {}, h("label", { for: "filter-status" }, "Status"), h("input", { id: "filter-status", name: "status", type: "number", min: 100, max: 599 })),
      h("p", {}, h("label", { for: "filter-since" }, "Since (UTC)"), h("input", { id: "filter-since", name: "since", type: "datetime-local", step: 1 })),
      h("p", {}, h("button", { type: "submit" }, "Filter")));
    for (const name of filters) if (parameters.get(name)) form.elements[name].value = parameters.get(name);
    const body = h("tbody", {});
    const rowsTable = h("table", { id: "journal", class: "journal" },
      h("caption", {}, "Requests, newest first"),
      h("thead", {}, h("tr", {}, ["Time (UTC)", "Method", "Path", "Status", "Error", "ms"].map((name) => h("th", { scope: "col" }, name)))),
      body);
    const charts = h("div", { class: "columns charts" });
    const details = h("section", { id: "journal-details", class: "details", "aria-live": "polite", hidden: true });
    const live = h("p", { class: "live", id: "journal-live" }, "Live");
    fill(view, h("h1", {}, "Request journal"), form, charts, live, h("div", { class: "journal-layout" }, h("div", { class: "scroll" }, rowsTable), details));

    const filterValues = () => {
      const values = {};
      for (const name of filters) values[name] = form.elements[name].value.trim();
      if (values.method) values.method = values.method.toUpperCase();
      if (values.since) values.since = new Date(values.since + "Z").toISOString();
      return values;
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const values = {};
      for (const name of filters) values[name] = form.elements[name].value.trim();
      location.hash = "#/journal" + query(values);
    });

    const show = (row) => {
      state.selected = row.id;
      for (const line of body.children) line.classList.toggle("selected", line.dataset.id === String(row.id));
      // What went wrong first, then where and when, then the ids.
      const fields = [
        ["Status", row.status], ["Error code", row.errorCode], ["Why refused", row.explanation],
        ["Path", row.path], ["Arrived", row.dateTime], ["Arrival number", row.sequence], ["Row", row.id], ["Request id", row.requestId],
        ["Client request id", row.clientRequestId], ["Caller (user)", row.callerUserId], ["Caller (app)", row.callerAppId],
        ["Target user", row.targetUserId], ["Phone method", row.phoneMethodId],
        ["Duration", (row.durationMicroseconds / 1000).toFixed(3) + " ms"], ["Early retry", row.earlyRetry ? "yes: before Retry-After elapsed" : "no"],
        ["Batch", row.batchId],
      ];
      fill(details, h("h2", {}, `${row.method} ${row.status}`),
        h("dl", {}, fields.filter(([, value]) => value !== null && value !== undefined && value !== "").map(([name, value]) =>
          [h("dt", {}, name), h("dd", {}, typeof value === "object" ? JSON.stringify(value) : String(value))])),
        h("button", { type: "button", onclick: () => { details.hidden = true; state.selected = null; } }, "Close"));
      details.hidden = false;
    };

    const line = (row) => h("tr", { "data-id": row.id, tabindex: 0, class: row.status >= 400 ? "failed" : "",
      onclick: () => show(row), onkeydown: (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(row); } } },
      h("td", {}, row.dateTime.slice(11, 23)), h("td", {}, row.method), h("td", { class: "path" }, row.path),
      h("td", {}, String(row.status)), h("td", {}, row.errorCode || ""), h("td", { class: "number" }, (row.durationMicroseconds / 1000).toFixed(1)));

    const draw = () => fill(charts, 
      h("figure", {}, chart.rate(state.rows, Date.now()), h("figcaption", {}, "Requests per minute (errors in red)")),
      h("figure", {}, chart.errors(state.rows), h("figcaption", {}, "Errors by code")));

    const add = (rows) => {
      // Rows come newest first, by arrival number; those stored later can have arrived earlier
      // (reads are buffered), so the merged list is sorted again.
      const known = new Set(state.rows.map((row) => row.id));
      const fresh = rows.filter((row) => !known.has(row.id));
      if (!fresh.length) return;
      state.rows = fresh.concat(state.rows).sort((a, b) => b.sequence - a.sequence || b.id - a.id).slice(0, this.limit);
      state.cursor = Math.max(state.cursor, ...fresh.map((row) => row.id));
      body.replaceChildren(...state.rows.map(line));
      if (state.selected !== null) for (const tr of body.children) tr.classList.toggle("selected", tr.dataset.id === String(state.selected));
      draw();
    };

    const poll = async () => {
      if (state.stopped) return;
      try {
        const page = await api.get("/journal" + query(Object.assign(filterValues(), { afterId: state.cursor, top: this.limit })));
        if (page.value.length) add(page.value);
        else if (state.cursor > 0) {
          // A reset or a restore can bring the ids back below the cursor: start again when no row
          // has the cursor's id or a larger one. (The newest row by arrival can have a smaller id
          // than the cursor: a write stored before a read that arrived earlier.)
          const stored = await api.get("/journal" + query({ afterId: state.cursor - 1, top: 1 }));
          if (!stored.value.length) { state.rows = []; state.cursor = 0; body.replaceChildren(); draw(); }
        }
        live.textContent = "Live: updated " + new Date().toISOString().slice(11, 19) + " UTC";
        live.classList.remove("error");
      } catch (error) {
        live.textContent = "Not updating: " + error.message;
        live.classList.add("error");
      }
      if (!state.stopped) state.timer = setTimeout(poll, this.interval);
    };

    draw();
    await poll();
    return () => { state.stopped = true; clearTimeout(state.timer); };
  },
};
