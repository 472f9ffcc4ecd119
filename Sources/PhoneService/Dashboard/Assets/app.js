// The dashboard's shell: sign-in (the key kept in this tab's session storage), the page named by
// the URL's fragment (#/journal?user=...), and sign-out. Nothing is shown without a key.
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
    const [path, search] = (location.hash.slice(1) || "/overview").split("?");
    const parameters = new URLSearchParams(search || "");
    const parts = path.split("/").filter(Boolean);
    for (const link of document.querySelectorAll("#nav a")) {
      if (link.getAttribute("href") === "#/" + parts[0]) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    try {
      switch (parts[0]) {
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
      api.setKey(input.value.trim());
      try {
        await api.get("/throttling");
        input.value = "";
        error.textContent = "";
        this.render();
      } catch (failure) {
        api.forget();
        error.textContent = failure.status === 401 ? "That key is not this tenant's admin key." : failure.message;
      }
    });
    document.getElementById("sign-out").addEventListener("click", () => this.signOut());
    window.addEventListener("signed-out", () => { if (api.key()) { api.forget(); this.render(); } });
    window.addEventListener("hashchange", () => this.render());
    this.render();
  },
};

document.addEventListener("DOMContentLoaded", () => app.start());
