// /app: check the pasted key against the API once, keep it in this browser, go on to the page asked for.
"use strict";

(() => {
  const { api, el, t, setKey, clearKey, showError } = DW;
  const form = document.getElementById("login-form");
  const result = document.getElementById("login-result");
  const next = new URLSearchParams(location.search).get("next");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = document.getElementById("api-key").value.trim();
    if (!value) return;
    setKey(value, document.getElementById("remember").checked);
    try {
      await api("/v1/conversations?limit=1");
    } catch (error) {
      clearKey();
      if (error instanceof DW.ApiError && error.status === 401) {
        result.replaceChildren(el("div", { class: "notice error", role: "alert" }, t("密钥无效或已吊销。", "Unknown or revoked key."), " ", error.message));
      } else {
        showError(result, error);
      }
      return;
    }
    result.replaceChildren(el("div", { class: "notice ok" }, t("已登录。", "Signed in.")));
    // only a path on this site: never bounce a key holder to another host
    location.assign(next && next.startsWith("/app") ? next : "/app/live");
  });
})();
