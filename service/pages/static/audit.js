// /app/audit: GET /v1/audit (the newest entries) and GET /v1/audit:verify (is the hash chain intact?).
// Coach/admin keys only; a rep key gets the API's 403, shown in place.
"use strict";

(() => {
  const { api, el, t, when, showError } = DW;
  if (!DW.requireKey()) return;

  const KINDS = {
    proposal: ["提议", "Proposal"], decision: ["规则决定", "Decision"], approval: ["批准", "Approval"], rejection: ["拒绝", "Rejection"],
    execution: ["执行", "Execution"], failure: ["失败", "Failure"], retry: ["重试", "Retry"], manual: ["人工操作", "Manual"],
  };
  const LIMIT = 200;

  function verification(result) {
    if (result.ok) {
      return el("div", {},
        el("span", { class: "badge ok", id: "verified" }, t("✓ 已验证：日志未被篡改", "✓ Verified: the log is intact")),
        el("p", { class: "small muted" }, t(`共 ${result.entries} 条记录；最新哈希 `, `${result.entries} entries; head hash `), el("span", { class: "mono" }, result.head || "—")));
    }
    return el("div", {},
      el("span", { class: "badge bad", id: "tampered" }, t("✗ 校验失败：日志被修改或删除", "✗ Verification failed: entries were edited or deleted")),
      el("ul", {}, result.problems.map((p) => el("li", {}, p.seq === null ? "" : `#${p.seq} `, el("strong", {}, p.problem), " — ", p.detail))));
  }

  function entries(list) {
    if (!list.length) return el("p", { class: "muted" }, t("还没有审计记录。", "No audit entries yet."));
    return el("table", {},
      el("thead", {}, el("tr", {}, ...[["序号", "#"], ["时间", "Time"], ["类型", "Kind"], ["操作人", "Actor"], ["交易", "Deal"], ["内容", "Data"], ["哈希", "Hash"]].map((h) => el("th", {}, t(...h))))),
      el("tbody", {}, list.slice().reverse().map((e) => el("tr", { dataset: { seq: e.seq, kind: e.kind } },
        el("td", { class: "mono" }, String(e.seq)),
        el("td", { class: "small" }, when(e.at)),
        el("td", {}, KINDS[e.kind] ? t(...KINDS[e.kind]) : e.kind),
        el("td", { class: "small" }, e.actor),
        el("td", { class: "mono" }, e.deal_id || "—"),
        el("td", {}, el("pre", { class: "args" }, JSON.stringify(e.data, null, 1))),
        el("td", { class: "mono small", title: e.hash }, e.hash.slice(0, 12) + "…")))));
  }

  api("/v1/audit:verify").then((result) => document.getElementById("verify").replaceChildren(verification(result)), (error) => showError(document.getElementById("verify"), error));
  api(`/v1/audit?limit=${LIMIT}`).then((list) => document.getElementById("entries").replaceChildren(entries(list)), (error) => showError(document.getElementById("entries"), error));
})();
