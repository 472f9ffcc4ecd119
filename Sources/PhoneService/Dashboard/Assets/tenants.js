// The operator's tenants page: every tenant with its size and activity, create one, delete one
// (after a confirmation), open one (the other pages then call its `/_admin/tenants/{id}/...`).
"use strict";

const tenants = {
  /** Tenants whose users, phones and journal are counted on the page; each count opens the
   * tenant (the list itself opens none), so a service with many shows the rest on demand. */
  counted: 20,

  name(tenant) {
    return tenant.displayName || (tenant.isDefault || tenant.default ? "Default tenant" : tenant.id);
  },

  when(stamp) { return stamp ? stamp.replace("T", " ").replace(/(\.\d+)?Z$/, " UTC") : "—"; },

  size(bytes) {
    if (bytes === undefined || bytes === null) return "—";
    return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  },

  async render(view) {
    const list = (await api.service("GET", "/tenants")).value;
    const open = api.tenant();
    const rows = list.map((tenant, index) => this.row(tenant, open, index < this.counted));
    fill(view, h("h1", {}, "Tenants"), this.form(),
      h("div", { class: "wide" }, table(`${list.length} tenants`, ["Name", "Id", "Created", "Kept", "File size", "Users",
        "Phones", "Requests, last hour", "Last request", "Last write", ""], rows.map((row) => row.element), { id: "tenants" })),
      list.length > this.counted ? h("p", { class: "hint" }, `Users, phones and requests are counted for the first ${this.counted} tenants; "Count" counts another's.`) : null,
      h("p", { class: "hint" }, "A tenant not kept is removed at a service start once nothing has written to it for the service's --tenant-expiry (its expiry, given here, moves with each write)."));
    await Promise.all(rows.filter((row) => row.count).map((row) => row.count()));
  },

  /** The create form: a display name, an id (a new GUID when empty) and whether to keep it. */
  form() {
    const form = h("form", { id: "tenant-form" },
      h("fieldset", {}, h("legend", {}, "Create a tenant"),
        h("p", {}, h("label", { for: "tenant-name" }, "Display name"), h("input", { id: "tenant-name", name: "displayName" })),
        h("p", {}, h("label", { for: "tenant-id" }, "Id (empty: a new GUID)"),
          h("input", { id: "tenant-id", name: "id", pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", spellcheck: "false" })),
        h("p", {}, h("input", { type: "checkbox", id: "tenant-keep", name: "keep" }),
          h("label", { for: "tenant-keep", class: "inline" }, " Keep it (never expires)")),
        h("button", { type: "submit" }, "Create tenant")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { displayName: form.elements.displayName.value, keep: form.elements.keep.checked };
      if (form.elements.id.value) body.id = form.elements.id.value.trim();
      try {
        const created = await api.service("POST", "/tenants", body);
        say(`Tenant ${this.name(created)} created (${created.id}); its admin key is ${created.adminKey}.`);
        app.render();
      } catch (error) { say(error.message, true); }
    });
    return form;
  },

  /** A tenant's row, and `count` to fill its users, phones and requests (or a button that does). */
  row(tenant, open, countNow) {
    const cell = (name) => h("td", { "data-field": name }, "…");
    const cells = { users: cell("users"), phones: cell("phones"), recent: cell("recent"), last: cell("last") };
    const base = "/tenants/" + encodeURIComponent(tenant.id);
    const count = async () => {
      const hourAgo = new Date(Date.now() - 3600 * 1000).toISOString().replace(/\.\d+Z$/, "Z");
      try {
        const [users, phones, recent, newest] = await Promise.all([api.service("GET", base + "/users"),
          api.service("GET", base + "/phones"), api.service("GET", base + "/journal" + query({ since: hourAgo, top: 1000 })),
          api.service("GET", base + "/journal?top=1")]);
        fill(cells.users, String(users.value.length));
        fill(cells.phones, String(phones.value.length));
        fill(cells.recent, recent.value.length + (recent["@odata.nextLink"] ? "+" : ""));
        fill(cells.last, newest.value.length ? this.when(newest.value[0].dateTime) : "none");
      } catch (error) {
        for (const element of Object.values(cells)) fill(element, "—");
        fill(cells.users, h("span", { class: "error" }, error.message));
      }
    };
    if (!countNow) {
      for (const element of Object.values(cells)) fill(element, "—");
      fill(cells.users, h("button", { type: "button", onclick: count }, "Count"));
    }
    const isOpen = open && open.id === tenant.id;
    const actions = h("td", {},
      h("button", { type: "button", "aria-label": `Open ${this.name(tenant)}`, onclick: () => {
        api.openTenant(tenant);
        location.hash = "#/overview";
      } }, isOpen ? "Open (current)" : "Open"),
      tenant.default ? null : h("button", { type: "button", class: "danger", "aria-label": `Delete ${this.name(tenant)}`, onclick: () => this.remove(tenant) }, "Delete"));
    const element = h("tr", { "data-tenant": tenant.id, class: isOpen ? "current" : null },
      h("th", { scope: "row" }, this.name(tenant)), h("td", {}, h("code", {}, tenant.id)),
      h("td", {}, tenant.default ? "with the service" : this.when(tenant.createdAt)),
      h("td", {}, tenant.keep ? "kept" : "expires " + this.when(tenant.expiresAt)),
      h("td", {}, this.size(tenant.fileBytes)), cells.users, cells.phones, cells.recent, cells.last,
      h("td", {}, this.when(tenant.lastWriteAt)), actions);
    return { element, count: countNow ? count : null };
  },

  async remove(tenant) {
    const name = this.name(tenant);
    if (!await confirmAction(`Delete the tenant ${name} (${tenant.id})? Its users, phones, journal and snapshots are removed for good, and its admin key and tokens stop working.`, "Delete")) return;
    try {
      await api.service("DELETE", "/tenants/" + encodeURIComponent(tenant.id));
      const open = api.tenant();
      if (open && open.id === tenant.id) api.openTenant(null);
      say(`Tenant ${name} deleted.`);
      app.render();
    } catch (error) { say(error.message, true); }
  },
};
