// Helpers shared by the dashboard's scripts: elements built with textContent only (never
// innerHTML, so whatever the tenant holds renders as text), and the admin API called with the key
// from this tab's session storage as a bearer token. With the operator key (`pso_`), the tenant
// opened on the tenants page is reached through `/_admin/tenants/{id}/...`.
"use strict";

const KEY_NAME = "phone-service-admin-key";
const TENANT_NAME = "phone-service-tenant";

/** An element: h("td", {class: "x"}, "text", child, ...). Strings become text nodes. */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (value === true) element.setAttribute(name, "");
    else element.setAttribute(name, String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces `element`'s children: strings as text, nested arrays flattened, null left out. */
function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

/** An SVG element (the chart). */
function svg(tag, attributes, ...children) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attributes || {})) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** A failed admin API call: the HTTP status and Graph's error message. */
class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || "HTTP " + status);
    this.status = status;
    this.code = code;
  }
}

const api = {
  key() { return sessionStorage.getItem(KEY_NAME); },
  setKey(key) { sessionStorage.setItem(KEY_NAME, key); },
  forget() { sessionStorage.removeItem(KEY_NAME); sessionStorage.removeItem(TENANT_NAME); },
  /** Whether the key is the service's operator key (admin keys start `psa_`). */
  isOperator() { return (this.key() || "").startsWith("pso_"); },
  /** The tenant the operator opened, {id, displayName}, or null. */
  tenant() {
    try { return JSON.parse(sessionStorage.getItem(TENANT_NAME) || "null"); } catch (_) { return null; }
  },
  openTenant(tenant) {
    if (tenant) sessionStorage.setItem(TENANT_NAME, JSON.stringify({ id: tenant.id, displayName: tenant.displayName, isDefault: Boolean(tenant.default) }));
    else sessionStorage.removeItem(TENANT_NAME);
  },

  /** Calls a tenant's admin API (`/users` is `/_admin/users`, or with the operator key the opened
   * tenant's `/_admin/tenants/{id}/users`); JSON in, JSON (or null for 204) out; throws ApiError. */
  call(method, path, body) {
    const tenant = this.isOperator() ? this.tenant() : null;
    return this.service(method, tenant ? "/tenants/" + encodeURIComponent(tenant.id) + path : path, body);
  },

  /** Calls `/_admin` + `path` as it is (the operator's `/tenants` routes). */
  async service(method, path, body) {
    const headers = { "Authorization": "Bearer " + (this.key() || "") };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch("/_admin" + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", cache: "no-store", redirect: "error",
    });
    if (response.status === 204) return null;
    const text = await response.text();
    let value = null;
    try { value = text ? JSON.parse(text) : null; } catch (_) { value = null; }
    if (!response.ok) {
      const error = value && value.error ? value.error : {};
      const failure = new ApiError(response.status, error.code, error.message);
      if (response.status === 401) window.dispatchEvent(new CustomEvent("signed-out", { detail: failure }));
      throw failure;
    }
    return value;
  },
  get(path) { return this.call("GET", path); },
};

/** A query string from the non-empty values of `parameters`. */
function query(parameters) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) {
    if (value !== "" && value !== null && value !== undefined) search.set(name, value);
  }
  const text = search.toString();
  return text ? "?" + text : "";
}

/** Tells the person what happened, in the live region. */
function say(text, isError) {
  const status = document.getElementById("status");
  status.textContent = text;
  status.classList.toggle("error", Boolean(isError));
}

/** Asks for confirmation in the page's dialog; resolves true when confirmed. */
function confirmAction(text, label) {
  const dialog = document.getElementById("confirm");
  document.getElementById("confirm-text").textContent = text;
  document.getElementById("confirm-ok").textContent = label || "Confirm";
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
    dialog.returnValue = "cancel";
    dialog.showModal();
    document.getElementById("confirm-cancel").focus();
  });
}

/** A table with a caption, header cells and rows of cells (strings or nodes). */
function table(caption, headers, rows, attributes) {
  return h("table", attributes || {},
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, headers.map((name) => h("th", { scope: "col" }, name)))),
    h("tbody", {}, rows.map((cells) => cells instanceof Node ? cells : h("tr", {}, cells.map((cell) => h("td", {}, cell))))));
}
