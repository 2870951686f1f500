// /app/conversations/{id}: one stored conversation from GET /v1/conversations/{id}: transcript with roles and
// times, objection tags, coaching hints and the behavior features (names from the registry, in the page).
"use strict";

(() => {
  const { api, el, t, objection, role, clock, when, showError } = DW;
  if (!DW.requireKey()) return;

  const root = document.getElementById("conversation");
  const meta = JSON.parse(document.getElementById("feature-meta").textContent);
  const OUTCOMES = { won: ["赢单", "Won"], lost: ["输单", "Lost"] };
  const CHANNELS = { call: ["电话", "Call"], chat: ["聊天", "Chat"], meeting: ["会议", "Meeting"] };
  const label = (table, value) => (table[value] ? t(...table[value]) : value || "—");

  function formatValue(value, unit) {
    if (value === null || value === undefined) return "—";
    if (typeof value === "boolean") return value ? t("是", "yes") : t("否", "no");
    if (typeof value !== "number") return String(value);
    if (unit === "ratio") return DW.percent(value);
    const shown = String(Number(value.toFixed(2)));
    return unit && unit !== "count" ? `${shown} ${unit}` : shown;
  }

  function summary(data) {
    const c = data.conversation;
    const duration = c.segments.length ? c.segments[c.segments.length - 1].end - c.segments[0].start : 0;
    const field = (name, value) => el("div", {}, el("div", { class: "muted small" }, name), el("div", { class: "stat", style: "font-size:1.1rem" }, value));
    return el("section", { class: "card" },
      el("div", { class: "grid cards" },
        field(t("渠道", "Channel"), label(CHANNELS, c.channel)),
        field(t("语言", "Language"), c.language),
        field(t("结果", "Outcome"), el("span", { class: c.outcome || "" }, label(OUTCOMES, c.outcome))),
        field(t("销售", "Rep"), (c.metadata && c.metadata.rep) || "—"),
        field(t("时长", "Duration"), clock(duration)),
        field(t("保存时间", "Stored"), when(data.created_at)),
      ),
      el("div", { style: "margin-top:.8rem" }, el("span", { class: "muted small" }, t("异议类型：", "Objection types: ")),
        data.objection_types.length ? data.objection_types.map(objection) : t("无", "none")),
    );
  }

  function hintList(data) {
    return el("section", { class: "card" }, el("h2", {}, t("教练提示", "Coaching hints")),
      data.hints.length
        ? data.hints.map((h) => el("div", { class: `hint ${h.severity}`, dataset: { key: h.key } }, t(h.zh, h.en)))
        : el("p", { class: "muted" }, t("没有提示。", "No hints.")));
  }

  function transcript(data) {
    const c = data.conversation;
    const roles = Object.fromEntries(c.participants.map((p) => [p.speaker, p]));
    const tags = {};
    for (const o of data.objections) tags[o.segment] = o.labels;
    const rows = c.segments.map((s, index) => {
      const who = roles[s.speaker] || { role: "other" };
      return el("div", { class: `turn ${who.role}`, dataset: { segment: index } },
        el("span", { class: "time", title: `${s.start.toFixed(1)}–${s.end.toFixed(1)} s` }, clock(s.start)),
        el("span", { class: "role" }, role(who.role), who.name ? el("div", { class: "muted small" }, who.name) : null),
        el("span", { class: "text" }, s.text, " ", (tags[index] || []).map(objection)));
    });
    return el("section", { class: "card" }, el("h2", {}, t("对话记录", "Transcript"), el("span", { class: "muted small" }, ` · ${c.segments.length}`)),
      el("div", { class: "transcript", id: "segments", style: "max-height:none" }, rows));
  }

  function features(data) {
    const section = el("section", { class: "card" }, el("h2", {}, t("行为特征", "Behavior features")));
    if (!data.features) {
      section.append(el("p", { class: "muted" }, t("这段对话未分析（缺少销售或客户发言）。", "Not analysed (no rep or no customer speech).")));
      return section;
    }
    for (const [group, names] of meta.groups) {
      const keys = Object.keys(data.features).filter((k) => (meta.features[k] || {}).group === group);
      if (!keys.length) continue;
      section.append(el("details", { open: group === "talk" }, el("summary", {}, t(names.zh, names.en), el("span", { class: "muted small" }, ` (${keys.length})`)),
        el("table", {}, el("tbody", {}, keys.map((k) => {
          const f = meta.features[k];
          return el("tr", { dataset: { feature: k } }, el("td", { class: "mono" }, k), el("td", {}, formatValue(data.features[k], f.unit)), el("td", { class: "small muted" }, t(f.zh, f.en)));
        })))));
    }
    return section;
  }

  api(`/v1/conversations/${encodeURIComponent(root.dataset.id)}`)
    .then((data) => {
      root.replaceChildren(summary(data), el("div", { class: "grid two" }, transcript(data), el("div", {}, hintList(data), features(data))));
    })
    .catch((error) =>
      showError(root, error, { 404: ["未找到这段对话：编号不存在，或不属于您的团队。", "Conversation not found: the id does not exist or belongs to another team."] }),
    );
})();
