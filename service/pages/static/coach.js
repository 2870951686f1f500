// /app/coach: the team dashboard. Per-rep cards from GET /v1/conversations (and the features of the most
// recent ones), the won-vs-lost statistics from GET /v1/reports/dna?format=json, the script heatmap from
// GET /v1/kb/heatmap?format=html, and the full DNA report opened in a new tab.
"use strict";

(() => {
  const { api, el, t, objection, percent, when, showError } = DW;
  if (!DW.requireKey()) return;

  const $ = (id) => document.getElementById(id);
  const MAX_LISTED = 1000; // conversations read for the cards
  const MAX_DETAILED = 60; // most recent conversations whose features feed the cards' averages
  const NO_REP = "—";

  async function listConversations() {
    const items = [];
    for (let offset = 0; offset !== null && items.length < MAX_LISTED; ) {
      const page = await api(`/v1/conversations?limit=200&offset=${offset}`);
      items.push(...page.items);
      offset = page.next_offset;
    }
    return items;
  }

  /** Features of the most recent conversations, a few requests at a time. */
  async function recentFeatures(items) {
    const chosen = items.slice(0, MAX_DETAILED);
    const out = [];
    for (let i = 0; i < chosen.length; i += 4) {
      const batch = await Promise.all(chosen.slice(i, i + 4).map((c) => api(`/v1/conversations/${c.id}`).catch(() => null)));
      out.push(...batch.filter(Boolean));
    }
    return out;
  }

  function mean(values) {
    const usable = values.filter((v) => v !== null && v !== undefined);
    return usable.length ? usable.reduce((a, b) => a + Number(b), 0) / usable.length : null;
  }

  function byRep(items, details, dna) {
    const reps = {};
    for (const c of items) {
      const r = (reps[c.rep || NO_REP] ||= { rep: c.rep || NO_REP, n: 0, won: 0, lost: 0, objections: {}, talk: [], nextStep: [] });
      r.n += 1;
      if (c.outcome === "won") r.won += 1;
      if (c.outcome === "lost") r.lost += 1;
      for (const o of c.objection_types) r.objections[o] = (r.objections[o] || 0) + 1;
    }
    for (const d of details) {
      const r = reps[(d.conversation.metadata && d.conversation.metadata.rep) || NO_REP];
      if (!r || !d.features) continue;
      r.talk.push(d.features.talk_ratio);
      r.nextStep.push(d.features.next_step_set === null ? null : Number(Boolean(d.features.next_step_set)));
    }
    const cards = Object.fromEntries(((dna && dna.reps) || []).map((card) => [card.rep, card]));
    return Object.values(reps).sort((a, b) => b.n - a.n).map((r) => ({ ...r, dna: cards[r.rep] }));
  }

  function repCard(r) {
    const decided = r.won + r.lost;
    const rate = decided ? r.won / decided : null;
    const top = Object.entries(r.objections).sort((a, b) => b[1] - a[1]).slice(0, 3);
    const line = (name, value) => el("div", { style: "display:flex;justify-content:space-between" }, el("span", { class: "muted small" }, name), el("span", {}, value));
    const card = el("section", { class: "card rep-card", dataset: { rep: r.rep } },
      el("h2", {}, r.rep === NO_REP ? t("未指定销售", "No rep recorded") : r.rep),
      line(t("对话", "Conversations"), String(r.n)),
      line(t("赢 / 输", "Won / lost"), `${r.won} / ${r.lost}`),
      line(t("赢率", "Win rate"), percent(rate)),
      el("div", { class: "bar", title: percent(rate) }, el("span", { style: `width:${Math.round((rate || 0) * 100)}%` })),
      line(t("平均发言占比", "Mean talk ratio"), percent(mean(r.talk))),
      line(t("约定下一步", "Next step agreed"), percent(mean(r.nextStep))),
    );
    if (r.dna && r.dna.similarity !== null && r.dna.similarity !== undefined) {
      card.append(line(t("与赢单画像相似度", "Similarity to winners"), `${Math.round(r.dna.similarity)} / 100`));
      if (r.dna.low_n) card.append(el("div", { class: "muted small" }, t("样本少，仅供参考", "Few conversations: read with care")));
      if (r.dna.gaps.length) {
        card.append(el("div", { class: "small", style: "margin-top:.4rem" }, t("主要差距：", "Main gaps: "),
          el("ul", { style: "margin:.2rem 0;padding-left:1.2rem" }, r.dna.gaps.slice(0, 2).map((g) => el("li", {}, t(g.zh, g.en))))));
      }
    }
    if (top.length) card.append(el("div", { style: "margin-top:.4rem" }, top.map(([label]) => objection(label))));
    if (r.rep !== NO_REP) {
      card.append(el("div", { style: "margin-top:.6rem" }, el("button", { type: "button", onclick: (event) => openReport(r.rep, event.target.closest(".rep-card")) }, t("个人DNA报告", "Rep DNA report"))));
    }
    return card;
  }

  function headlines(dna, error) {
    const box = $("headlines");
    if (error) {
      showError(box, error, { 422: ["已标注赢单/输单的对话还不够，暂时无法比较。", "Not enough won and lost conversations to compare yet."] });
      return;
    }
    box.replaceChildren(
      el("p", { class: "muted small" }, t(`基于 ${dna.n_won} 个赢单、${dna.n_lost} 个输单；${dna.n_significant} 个特征差异显著。`,
        `From ${dna.n_won} won and ${dna.n_lost} lost conversations; ${dna.n_significant} features differ significantly.`)),
      dna.headlines.length ? el("ul", {}, dna.headlines.map((h) => el("li", {}, t(h.zh, h.en)))) : el("p", { class: "muted" }, t("没有显著差异。", "No significant difference.")),
    );
  }

  /** The report is HTML behind the key: fetch it, then show it in a tab opened at the click (not a popup later). */
  async function openReport(rep, where) {
    const tab = window.open("", "_blank");
    const status = where ? where.querySelector(".report-error") || where.appendChild(el("div", { class: "report-error" })) : $("report-status");
    status.replaceChildren(el("p", { class: "muted small" }, t("正在生成报告…", "Building the report…")));
    try {
      const html = await api(`/v1/reports/dna${rep ? `?rep=${encodeURIComponent(rep)}` : ""}`, { as: "text" });
      const url = URL.createObjectURL(new Blob([html], { type: "text/html" }));
      if (tab) tab.location.href = url;
      else location.assign(url);
      status.replaceChildren();
    } catch (error) {
      if (tab) tab.close();
      showError(status, error, { 422: ["已标注赢单/输单的对话还不够，暂时无法生成报告。", "Not enough won and lost conversations for a report yet."] });
    }
  }

  function recent(items) {
    if (!items.length) return el("p", { class: "muted" }, t("还没有对话。", "No conversations yet."));
    return el("table", {},
      el("thead", {}, el("tr", {}, el("th", {}, t("时间", "Stored")), el("th", {}, t("销售", "Rep")), el("th", {}, t("结果", "Outcome")), el("th", {}, t("异议", "Objections")), el("th", {}))),
      el("tbody", {}, items.slice(0, 20).map((c) => el("tr", {},
        el("td", {}, when(c.created_at)), el("td", {}, c.rep || "—"),
        el("td", { class: c.outcome || "" }, c.outcome === "won" ? t("赢单", "Won") : c.outcome === "lost" ? t("输单", "Lost") : "—"),
        el("td", {}, c.objection_types.map(objection)),
        el("td", {}, el("a", { href: `/app/conversations/${c.id}` }, t("查看", "Open")))))));
  }

  async function heatmap() {
    const box = $("heatmap");
    try {
      const html = await api("/v1/kb/heatmap?format=html", { as: "text" });
      // sandboxed without scripts (the heatmap is a static table); same-origin only so its height can be read
      const frame = el("iframe", { class: "embed", sandbox: "allow-same-origin", srcdoc: html, title: "heatmap" });
      frame.addEventListener("load", () => {
        frame.style.height = `${frame.contentDocument.documentElement.scrollHeight + 4}px`;
      });
      box.replaceChildren(frame);
    } catch (error) {
      showError(box, error);
    }
  }

  async function load() {
    heatmap();
    let items;
    try {
      items = await listConversations();
    } catch (error) {
      showError($("reps"), error);
      return;
    }
    const won = items.filter((c) => c.outcome === "won").length;
    const lost = items.filter((c) => c.outcome === "lost").length;
    $("total").textContent = String(items.length);
    $("total-won").textContent = String(won);
    $("total-lost").textContent = String(lost);
    $("win-rate").textContent = percent(won + lost ? won / (won + lost) : null);
    $("recent").replaceChildren(recent(items));
    const [details, dna] = await Promise.all([
      recentFeatures(items),
      api("/v1/reports/dna?format=json").then((value) => ({ value }), (error) => ({ error })),
    ]);
    headlines(dna.value, dna.error);
    const reps = byRep(items, details, dna.value);
    $("reps").replaceChildren(...(reps.length ? reps.map(repCard) : [el("p", { class: "muted" }, t("还没有对话。", "No conversations yet."))]));
  }

  $("open-report").addEventListener("click", () => openReport(null, null));
  load();
})();
