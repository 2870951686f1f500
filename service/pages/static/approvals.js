// /app/approvals: GET /v1/actions?status=...; approve or reject held actions (POST /v1/actions/{id}:approve|:reject,
// coach/admin keys; the API refuses a rep key with 403, shown on the row).
"use strict";

(() => {
  const { api, el, t, statusText, when, showError } = DW;
  if (!DW.requireKey()) return;

  const TOOLS = {
    generate_contract: ["生成合同", "Generate contract"], reserve_inventory: ["预留库存", "Reserve inventory"],
    request_legal_review: ["法务审核", "Legal review"], create_delivery_plan: ["交付计划", "Delivery plan"],
    schedule_followup: ["安排跟进", "Schedule follow-up"], update_crm_opportunity: ["更新CRM商机", "Update CRM opportunity"],
    notify_manager: ["通知经理", "Notify manager"], block_quote: ["冻结报价", "Block quote"],
  };
  const box = document.getElementById("actions");
  const filter = document.getElementById("status-filter");

  function decision(action) {
    if (action.status !== "pending_approval") {
      return action.decided_by ? el("span", { class: "small muted" }, action.decided_by, el("br"), when(action.decided_at)) : "";
    }
    const reason = el("input", { type: "text", placeholder: "理由（可选）· reason (optional)", class: "reason", style: "width:10rem" });
    const approve = el("button", { type: "button", class: "good approve" }, t("批准", "Approve"));
    const reject = el("button", { type: "button", class: "bad reject" }, t("拒绝", "Reject"));
    const wrap = el("div", { style: "display:flex;gap:.4rem;flex-wrap:wrap" }, reason, approve, reject);
    const decide = async (verb) => {
      approve.disabled = reject.disabled = true;
      const row = wrap.closest("tr");
      try {
        const updated = await api(`/v1/actions/${action.id}:${verb}`, { method: "POST", body: { reason: reason.value } });
        row.replaceWith(actionRow(updated));
      } catch (error) {
        approve.disabled = reject.disabled = false;
        showError(row.querySelector(".row-error"), error);
      }
    };
    approve.addEventListener("click", () => decide("approve"));
    reject.addEventListener("click", () => decide("reject"));
    return wrap;
  }

  function actionRow(action) {
    const tool = TOOLS[action.tool] ? t(...TOOLS[action.tool]) : action.tool;
    return el("tr", { dataset: { id: action.id } },
      el("td", {}, el("div", {}, tool), el("div", { class: "mono muted" }, action.tool)),
      el("td", { class: "mono" }, action.deal_id),
      el("td", {}, el("pre", { class: "args" }, JSON.stringify(action.args, null, 1))),
      el("td", { class: "small" }, action.rule_id || t("人工", "manual")),
      el("td", { class: "small" }, when(action.created_at)),
      el("td", { class: "action-status" }, statusText(action.status)),
      el("td", {}, decision(action), el("div", { class: "row-error" })));
  }

  async function load() {
    const query = filter.value ? `?status=${encodeURIComponent(filter.value)}` : "";
    try {
      const actions = await api(`/v1/actions${query}`);
      if (!actions.length) {
        box.replaceChildren(el("p", { class: "muted", id: "no-actions" }, t("没有符合条件的操作。", "No actions in this state.")));
        return;
      }
      box.replaceChildren(el("table", {},
        el("thead", {}, el("tr", {}, ...[["操作", "Action"], ["交易", "Deal"], ["参数", "Arguments"], ["规则", "Rule"], ["创建", "Created"], ["状态", "Status"], ["决定", "Decision"]].map((h) => el("th", {}, t(...h))))),
        el("tbody", {}, actions.slice().reverse().map(actionRow))));
    } catch (error) {
      showError(box, error);
    }
  }

  filter.addEventListener("change", load);
  document.getElementById("refresh").addEventListener("click", load);
  load();
})();
