// The dashboard's pages other than the journal: the tenant at a glance, users and their phones,
// fault rules and throttling, snapshots and reset. Each renders into `view` from admin API calls.
"use strict";

const views = {
  /** Counts of `items` by `key(item)`, as table rows sorted by name. */
  countRows(items, key) {
    const counts = new Map();
    for (const item of items) counts.set(key(item), (counts.get(key(item)) || 0) + 1);
    return [...counts.entries()].sort().map(([name, count]) => [name, String(count)]);
  },

  async overview(view) {
    const [users, phones, policy, apps, snapshots, faults] = await Promise.all([
      api.get("/users"), api.get("/phones"), api.get("/policies/sms"), api.get("/applications"),
      api.get("/snapshots"), api.get("/faults"),
    ]);
    const targets = (list) => list.length ? list.map((t) => `${t.targetType} ${t.id}`).join(", ") : "none";
    fill(view, 
      h("h1", {}, "The tenant at a glance"),
      h("ul", { class: "figures" },
        h("li", {}, h("a", { href: "#/users" }, h("strong", { id: "user-count" }, String(users.value.length)), " users")),
        h("li", {}, h("strong", { id: "phone-count" }, String(phones.value.length)), " phones"),
        h("li", {}, h("strong", {}, String(apps.value.length)), " applications"),
        h("li", {}, h("a", { href: "#/controls" }, h("strong", {}, String(faults.value.length)), " fault rules")),
        h("li", {}, h("a", { href: "#/snapshots" }, h("strong", {}, String(snapshots.value.length)), " snapshots"))),
      h("div", { class: "columns" },
        table("Phones by type", ["Type", "Phones"], this.countRows(phones.value, (p) => p.phoneType), { id: "phones-by-type" }),
        table("Phones by SMS sign-in state", ["State", "Phones"], this.countRows(phones.value, (p) => p.smsSignInState), { id: "phones-by-state" })),
      h("h2", {}, "SMS policy"),
      h("dl", { id: "sms-policy" },
        h("dt", {}, "State"), h("dd", {}, policy.state),
        h("dt", {}, "Includes"), h("dd", {}, targets(policy.includeTargets || [])),
        h("dt", {}, "Excludes"), h("dd", {}, targets(policy.excludeTargets || []))),
      table("Applications", ["Name", "App id", "Application permissions", "Delegated permissions"],
        apps.value.map((app) => [app.displayName, h("code", {}, app.appId), app.applicationPermissions.join(", "), app.delegatedPermissions.join(", ")]),
        { id: "applications" }),
      apps.value.length ? null : h("p", {}, "No app registrations."));
  },

  async users(view) {
    const [users, phones] = await Promise.all([api.get("/users"), api.get("/phones")]);
    const byUser = new Map();
    for (const phone of phones.value) byUser.set(phone.userId, (byUser.get(phone.userId) || []).concat([phone]));
    const search = h("input", { id: "user-search", type: "search", "aria-label": "Find a user", placeholder: "Find a user by name or principal name" });
    const rows = users.value.map((user) => {
      const own = byUser.get(user.id) || [];
      const row = h("tr", { "data-search": (user.userPrincipalName + " " + user.displayName).toLowerCase() },
        h("td", {}, h("a", { href: "#/users/" + encodeURIComponent(user.userPrincipalName) }, user.displayName || user.userPrincipalName)),
        h("td", {}, user.userPrincipalName),
        h("td", {}, user.roles.join(", ")),
        h("td", {}, own.map((p) => `${p.phoneType} (${p.smsSignInState})`).join(", ") || "none"));
      return row;
    });
    search.addEventListener("input", () => {
      const text = search.value.trim().toLowerCase();
      for (const row of rows) row.hidden = text !== "" && !row.dataset.search.includes(text);
    });
    fill(view, h("h1", {}, "Users"), search,
      table(`${users.value.length} users`, ["Name", "User principal name", "Roles", "Phones"], rows, { id: "users" }));
    search.focus();
  },

  async user(view, key) {
    const [user, phones] = await Promise.all([api.get("/users/" + encodeURIComponent(key)), api.get("/phones" + query({ user: key }))]);
    fill(view, 
      h("p", {}, h("a", { href: "#/users" }, "← Users")),
      h("h1", {}, user.displayName || user.userPrincipalName),
      h("dl", {}, h("dt", {}, "User principal name"), h("dd", {}, user.userPrincipalName),
        h("dt", {}, "Object id"), h("dd", {}, h("code", {}, user.id)),
        h("dt", {}, "Roles"), h("dd", {}, user.roles.join(", ") || "none")),
      table("Phones", ["Type", "Number", "SMS sign-in state", "Why"], phones.value.map((phone) =>
        h("tr", { "data-type": phone.phoneType },
          h("td", {}, phone.phoneType), h("td", {}, phone.phoneNumber),
          h("td", {}, h("span", { class: "state " + (phone.smsSignInState === "ready" ? "good" : "other") }, phone.smsSignInState)),
          h("td", {}, phone.smsSignInState === "ready" ? "" : phone.reason))), { id: "phones" }),
      phones.value.length ? null : h("p", {}, "No phones."),
      h("p", {}, h("a", { href: "#/journal?user=" + encodeURIComponent(user.userPrincipalName) }, "This user's requests in the journal")));
  },

  async controls(view) {
    const [faults, throttling] = await Promise.all([api.get("/faults"), api.get("/throttling")]);
    const field = (name, label, attributes) => h("p", {}, h("label", { for: "fault-" + name }, label),
      h("input", Object.assign({ id: "fault-" + name, name }, attributes || {})));
    const form = h("form", { id: "fault-form" },
      h("fieldset", {}, h("legend", {}, "Add a fault rule"),
        field("method", "Method", { placeholder: "any", list: "methods" }),
        h("datalist", { id: "methods" }, ["GET", "POST", "PATCH", "PUT", "DELETE"].map((m) => h("option", { value: m }))),
        field("path", "Path (* matches anything)", { placeholder: "/v1.0/users/*/authentication/phoneMethods" }),
        field("user", "User", { placeholder: "any" }),
        field("status", "Status", { type: "number", min: 400, max: 599, value: 503 }),
        field("retryAfter", "Retry-After (seconds)", { type: "number", min: 0 }),
        field("delayMs", "Delay (ms)", { type: "number", min: 0, max: 60000 }),
        field("count", "Times (empty: until removed)", { type: "number", min: 1, value: 1 }),
        h("button", { type: "submit" }, "Add rule")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      for (const name of ["method", "path", "user"]) if (form.elements[name].value) body[name] = form.elements[name].value;
      for (const name of ["status", "retryAfter", "delayMs", "count"]) if (form.elements[name].value) body[name] = Number(form.elements[name].value);
      try {
        const rule = await api.call("POST", "/faults", body);
        say(`Fault rule ${rule.id} added.`);
        app.render();
      } catch (error) { say(error.message, true); }
    });
    const remove = (rule) => h("button", { type: "button", class: "danger", onclick: async () => {
      if (!await confirmAction(`Remove the fault rule ${rule.id}?`, "Remove")) return;
      try { await api.call("DELETE", "/faults/" + encodeURIComponent(rule.id)); say("Fault rule removed."); app.render(); } catch (error) { say(error.message, true); }
    } }, "Remove");
    const describe = (rule) => [rule.method || "any", rule.path || "any path", rule.userId || "any user",
      [rule.status, rule.code].filter(Boolean).join(" ") || "—", rule.delayMs ? rule.delayMs + " ms" : "—",
      rule.remaining === undefined ? "until removed" : String(rule.remaining), remove(rule)];
    const throttle = h("form", { id: "throttle-form" },
      h("fieldset", {}, h("legend", {}, "Throttling"),
        h("p", {}, h("input", { type: "checkbox", id: "throttle-enabled", name: "enabled", checked: throttling.enabled }),
          h("label", { for: "throttle-enabled", class: "inline" }, " Throttle requests")),
        ["appRequestsPerSecond", "appBurst", "tenantRequestsPerSecond", "tenantBurst"].map((name) =>
          h("p", {}, h("label", { for: "throttle-" + name }, name),
            h("input", { id: "throttle-" + name, name, type: "number", min: 1, value: throttling[name] }))),
        h("button", { type: "submit" }, "Save throttling")));
    throttle.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = { enabled: throttle.elements.enabled.checked };
      for (const name of ["appRequestsPerSecond", "appBurst", "tenantRequestsPerSecond", "tenantBurst"]) {
        if (throttle.elements[name].value) body[name] = Number(throttle.elements[name].value);
      }
      try { await api.call("PUT", "/throttling", body); say("Throttling saved."); app.render(); } catch (error) { say(error.message, true); }
    });
    fill(view, h("h1", {}, "Faults and throttling"),
      table(`${faults.value.length} fault rules, applied in order`, ["Method", "Path", "User", "Answer", "Delay", "Left", ""],
        faults.value.map(describe), { id: "faults" }),
      h("div", { class: "columns" }, form, throttle));
  },

  async snapshots(view) {
    const list = await api.get("/snapshots");
    const act = (label, question, method, path, done) => h("button", { type: "button", class: label === "Restore" ? "" : "danger", onclick: async () => {
      if (!await confirmAction(question, label)) return;
      try { await api.call(method, path); say(done); app.render(); } catch (error) { say(error.message, true); }
    } }, label);
    const take = h("form", { id: "snapshot-form" }, h("label", { for: "snapshot-name" }, "Name"),
      h("input", { id: "snapshot-name", name: "name", required: true, pattern: "[A-Za-z0-9._-]+" }),
      h("button", { type: "submit" }, "Take snapshot"));
    take.addEventListener("submit", async (event) => {
      event.preventDefault();
      const name = take.elements.name.value;
      try { await api.call("POST", "/snapshots", { name }); say(`Snapshot ${name} taken.`); app.render(); } catch (error) { say(error.message, true); }
    });
    const reset = h("button", { type: "button", class: "danger", id: "reset", onclick: async () => {
      if (!await confirmAction("Reset the tenant? Users, groups, phones, applications and the journal are deleted, and every token stops working.", "Reset")) return;
      try { await api.call("POST", "/reset", {}); say("The tenant was reset."); app.render(); } catch (error) { say(error.message, true); }
    } }, "Reset the tenant…");
    fill(view, h("h1", {}, "Snapshots and reset"), take,
      table(`${list.value.length} snapshots`, ["Name", "Taken", "Size", "", ""], list.value.map((snapshot) => [
        snapshot.name, snapshot.createdDateTime, `${Math.round(snapshot.size / 1024)} KiB`,
        act("Restore", `Restore the snapshot ${snapshot.name}? The tenant's current state is replaced.`, "POST",
          "/snapshots/" + encodeURIComponent(snapshot.name) + "/restore", `Snapshot ${snapshot.name} restored.`),
        act("Delete", `Delete the snapshot ${snapshot.name}?`, "DELETE", "/snapshots/" + encodeURIComponent(snapshot.name), `Snapshot ${snapshot.name} deleted.`),
      ]), { id: "snapshots" }),
      h("h2", {}, "Reset"),
      h("p", {}, "Puts the tenant back as new: users, groups, phones, applications, the SMS policy and the journal go, and a new signing key makes every token issued so far stop working. The tenant id and the admin key stay. (The admin API's ", h("code", {}, "keep"), " option keeps some of these.)"),
      reset);
  },
};
