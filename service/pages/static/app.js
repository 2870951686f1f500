// Shared by every page: the API key kept in this browser, /v1 calls with it, bilingual text, small DOM helpers.
// The pages are static shells; everything they show comes from the API under the pasted key.
"use strict";

const DW = (() => {
  const KEY = "dealwise.key";
  const LANG = "dealwise.lang";

  // Objection taxonomy names (the API sends the English keys).
  const OBJECTIONS = {
    price: ["价格", "Price"], timing: ["时机", "Timing"], stall: ["拖延", "Stall"], competitor: ["竞品", "Competitor"],
    authority: ["决策权", "Authority"], need: ["需求", "Need"], trust: ["信任", "Trust"],
  };
  const ROLES = { rep: ["销售", "Rep"], customer: ["客户", "Customer"], other: ["其他", "Other"] };
  const STATUSES = {
    pending_approval: ["待审批", "Pending approval"], executing: ["执行中", "Executing"], executed: ["已执行", "Executed"],
    rejected: ["已拒绝", "Rejected"], failed: ["失败", "Failed"], blocked: ["已拦截", "Blocked"],
  };

  /** The key from this tab (sessionStorage) or this device (localStorage, when "remember" was ticked). */
  function key() {
    return sessionStorage.getItem(KEY) || localStorage.getItem(KEY);
  }

  function setKey(value, remember) {
    clearKey();
    (remember ? localStorage : sessionStorage).setItem(KEY, value);
  }

  function clearKey() {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  }

  /** Pages other than the login page need a key: without one, go and get one, then come back. */
  function requireKey() {
    if (key()) return true;
    location.replace("/app?next=" + encodeURIComponent(location.pathname + location.search));
    return false;
  }

  class ApiError extends Error {
    constructor(status, detail) {
      super(detail);
      this.status = status;
    }
  }

  function detailText(detail) {
    if (typeof detail === "string") return detail;
    if (Array.isArray(detail)) return detail.map((d) => `${(d.loc || []).join(".")}: ${d.msg}`).join("; ");
    return JSON.stringify(detail);
  }

  /** Call the /v1 API with the key; JSON in and out (text for HTML). Throws ApiError with the API's own message. */
  async function api(path, { method = "GET", body, as = "json" } = {}) {
    const headers = { Authorization: "Bearer " + key() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      let detail = response.statusText;
      try {
        detail = detailText((await response.json()).detail);
      } catch (_) {
        // not JSON: keep the status text
      }
      throw new ApiError(response.status, detail);
    }
    return as === "text" ? response.text() : response.json();
  }

  /** Build an element: el("div", {class: "x", onclick: f}, child, "text", ...). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Bilingual text: both spans are in the page, the language toggle shows one (CSS on html[data-lang]). */
  function t(zh, en) {
    const span = el("span", { class: "i18n" }, el("span", { class: "zh", lang: "zh" }, zh), el("span", { class: "en", lang: "en" }, en));
    return span;
  }

  const pair = (table, value) => (table[value] ? t(...table[value]) : document.createTextNode(value ?? "—"));
  const objection = (label) => el("span", { class: `chip ${label}`, dataset: { label } }, pair(OBJECTIONS, label));
  const role = (value) => pair(ROLES, value);
  const statusText = (value) => el("span", { class: `status ${value}`, dataset: { status: value } }, pair(STATUSES, value));

  /** An API failure shown where the data would have been; 401 sends the user back to paste a key. */
  function showError(container, error, messages = {}) {
    if (error instanceof ApiError && error.status === 401) {
      clearKey();
      requireKey();
      return;
    }
    const custom = error instanceof ApiError ? messages[error.status] : undefined;
    const box = el("div", { class: "notice error", role: "alert" });
    if (custom) box.append(t(...custom), el("div", { class: "small" }, error.message));
    else if (error instanceof ApiError && error.status === 403) box.append(t("此操作需要教练或管理员密钥。", "This needs a coach or admin key."), el("div", { class: "small" }, error.message));
    else box.append(t("出错了：", "Something went wrong: "), error.message || String(error));
    container.replaceChildren(box);
  }

  const clock = (seconds) => {
    const s = Math.max(0, Math.round(seconds || 0));
    return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
  };
  const when = (iso) => (iso ? new Date(iso).toLocaleString(document.documentElement.dataset.lang === "en" ? "en-GB" : "zh-CN") : "—");
  const percent = (x) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);

  function setLanguage(lang) {
    document.documentElement.dataset.lang = lang;
    document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
    localStorage.setItem(LANG, lang);
  }

  function init() {
    const toggle = document.getElementById("lang-toggle");
    if (toggle) toggle.addEventListener("click", () => setLanguage(document.documentElement.dataset.lang === "zh" ? "en" : "zh"));
    const signout = document.getElementById("signout");
    if (signout) {
      signout.addEventListener("click", () => {
        clearKey();
        location.assign("/app");
      });
    }
    const who = document.getElementById("who");
    if (who && key()) who.textContent = key().slice(0, 10) + "…";
  }

  setLanguage(localStorage.getItem(LANG) || "zh"); // before the body renders: no flash of the other language
  document.addEventListener("DOMContentLoaded", init);
  return { api, ApiError, el, t, key, setKey, clearKey, requireKey, showError, objection, role, statusText, clock, when, percent, OBJECTIONS };
})();
