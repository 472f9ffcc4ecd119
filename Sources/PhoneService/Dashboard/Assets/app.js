// The dashboard's shell: sign-in (the key kept in this tab's session storage), the page named by
// the URL's fragment (#/journal?user=...), and sign-out. Nothing is shown without a key. The
// operator key starts on the tenants page; the other pages then show the tenant opened there.
"use strict";

const app = {
  cleanup: null,

  async render() {
    if (this.cleanup) { this.cleanup(); this.cleanup = null; }
    const signedIn = Boolean(api.key());
    document.getElementById("sign-in").hidden = signedIn;
    document.getElementById("nav").hidden = !signedIn;
    const view = document.getElementById("view");
    view.hidden = !signedIn;
    if (!signedIn) {
      view.replaceChildren();
      document.getElementById("key").focus();
      return;
    }
    const operator = api.isOperator();
    const tenant = operator ? api.tenant() : null;
    const [path, search] = (location.hash.slice(1) || (operator && !tenant ? "/tenants" : "/overview")).split("?");
    const parameters = new URLSearchParams(search || "");
    let parts = path.split("/").filter(Boolean);
    // The operator reaches a tenant's pages once one is open; until then, the tenants.
    if (operator && !tenant) parts = ["tenants"];
    this.showNavigation(operator, tenant, parts[0]);
    try {
      switch (parts[0]) {
        case "tenants":
          if (operator) { await tenants.render(view); break; }
          fill(view, h("h1", {}, "Tenants"), h("p", { class: "error", role: "alert" }, "Only the operator key lists the tenants; this key is one tenant's admin key."));
          break;
        case "users":
          if (parts[1]) await views.user(view, decodeURIComponent(parts[1])); else await views.users(view);
          break;
        case "journal": this.cleanup = await timeline.render(view, parameters); break;
        case "controls": await views.controls(view); break;
        case "snapshots": await views.snapshots(view); break;
        default: await views.overview(view);
      }
      document.title = (view.querySelector("h1") || {}).textContent + " · phone-service";
    } catch (error) {
      fill(view, h("h1", {}, "Could not load this page"), h("p", { class: "error", role: "alert" }, error.message));
    }
  },

  /** The navigation: the tenants link for the operator, a tenant's pages once one is open (with
   * its name), the current page marked. */
  showNavigation(operator, tenant, page) {
    document.getElementById("nav-tenants").hidden = !operator;
    for (const item of document.querySelectorAll("#nav .tenant-page")) item.hidden = operator && !tenant;
    const current = document.getElementById("current-tenant");
    current.hidden = !tenant;
    if (tenant) fill(current, "Tenant: ", h("strong", {}, tenants.name(tenant)));
    for (const link of document.querySelectorAll("#nav a")) {
      if (link.getAttribute("href") === "#/" + page) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
  },

  signOut() {
    api.forget();
    say("");
    this.render();
  },

  start() {
    document.getElementById("sign-in-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = document.getElementById("key");
      const error = document.getElementById("sign-in-error");
      api.forget();
      api.setKey(input.value.trim());
      try {
        // An operator key opens the tenants list, an admin key its tenant's routes.
        if (api.isOperator()) await api.service("GET", "/tenants"); else await api.get("/throttling");
        input.value = "";
        error.textContent = "";
        if (api.isOperator() && location.hash !== "#/tenants") location.hash = "#/tenants"; else this.render();
      } catch (failure) {
        api.forget();
        error.textContent = failure.status === 401 ? "That key is neither an admin key of this service's tenants nor its operator key." : failure.message;
      }
    });
    document.getElementById("sign-out").addEventListener("click", () => this.signOut());
    window.addEventListener("signed-out", () => { if (api.key()) { api.forget(); this.render(); } });
    window.addEventListener("hashchange", () => this.render());
    this.render();
  },
};

document.addEventListener("DOMContentLoaded", () => app.start());
