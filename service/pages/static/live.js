// /app/live: the rep's assist panel over WebSocket /v1/live (protocol in service/api/routes/live.py).
// Typed turns or microphone PCM16 go up; transcript, objection, suggestion and hint events come back.
"use strict";

(() => {
  const { api, el, t, objection, role, clock, showError } = DW;
  if (!DW.requireKey()) return;

  const $ = (id) => document.getElementById(id);
  const transcript = $("transcript");
  const objections = $("objections");
  const suggestions = $("suggestions");
  const hints = $("hints");
  const status = $("live-status");
  const micButton = $("mic");
  const FRAME_MS = 100; // PCM frames of 100 ms: small enough for prompt partials, few enough messages

  let socket = null;
  let startedAt = 0; // performance.now() at `ready`: turn timestamps are seconds since then
  let objectionCounts = {};
  let currentSegment = null; // the customer turn whose suggestions are on top; earlier ones fold away
  let partials = {}; // speaker -> the row showing their partial transcript
  let countdownTimer = null;
  let mic = null; // {stream, context, node, source}

  // --- connection -------------------------------------------------------------------------------

  function setConnection(state) {
    const texts = {
      connecting: ["连接中…", "Connecting…"], open: ["已连接", "Connected"], closed: ["已断开", "Disconnected"],
      ended: ["会话已结束", "Session ended"],
    };
    $("conn-dot").className = "status-dot" + (state === "open" ? " on" : "");
    $("conn-text").replaceChildren(t(...texts[state]));
    const open = state === "open";
    $("send").disabled = !open;
    micButton.disabled = !open;
    $("end-session").classList.toggle("hidden", !open);
    $("new-session").classList.toggle("hidden", open || state === "connecting");
  }

  function connect() {
    resetPanel();
    setConnection("connecting");
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(`${scheme}//${location.host}/v1/live?key=${encodeURIComponent(DW.key())}`);
    socket.addEventListener("message", (message) => handle(JSON.parse(message.data)));
    socket.addEventListener("close", (event) => {
      stopMic(false);
      if (event.code === 1008) {
        status.replaceChildren(el("div", { class: "notice error", role: "alert" }, t("密钥无效，请重新登录。", "The key was refused; sign in again."), " ", event.reason));
      }
      setConnection($("session-id").dataset.ended ? "ended" : "closed");
    });
  }

  function resetPanel() {
    transcript.replaceChildren();
    objections.replaceChildren();
    suggestions.replaceChildren();
    hints.replaceChildren();
    status.replaceChildren();
    objectionCounts = {};
    currentSegment = null;
    $("earlier-list").replaceChildren();
    $("earlier").classList.add("hidden");
    partials = {};
    stopCountdown();
    $("stall").classList.add("hidden");
    delete $("session-id").dataset.ended;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(typeof message === "string" || message instanceof ArrayBuffer ? message : JSON.stringify(message));
  }

  // --- server events ----------------------------------------------------------------------------

  function handle(event) {
    switch (event.type) {
      case "ready":
        startedAt = performance.now();
        $("session-id").textContent = event.session_id.slice(0, 8);
        setConnection("open");
        break;
      case "transcript":
        showTranscript(event);
        break;
      case "objection":
        showObjection(event);
        break;
      case "suggestion":
        showSuggestion(event);
        break;
      case "hint":
        showHint(event);
        break;
      case "audio_ready":
        status.replaceChildren(el("div", { class: "notice ok" }, t("麦克风已开启，正在识别…", "Microphone on, transcribing…")));
        break;
      case "error":
        status.replaceChildren(el("div", { class: "notice error", role: "alert" }, event.detail));
        break;
      case "stored":
        $("session-id").dataset.ended = "1";
        status.replaceChildren(
          event.conversation_id
            ? el("div", { class: "notice ok" }, t("会话已保存：", "Session stored: "), el("a", { href: `/app/conversations/${event.conversation_id}`, id: "stored-link" }, t("查看对话", "open the conversation")))
            : el("div", { class: "notice" }, t("会话结束，没有内容需要保存。", "Session ended; nothing was said, nothing stored.")),
        );
        break;
    }
  }

  function showTranscript(event) {
    const row = partials[event.speaker] || el("div", { class: "turn" });
    row.className = `turn ${event.speaker}${event.final ? "" : " partial"}`;
    row.replaceChildren(
      el("span", { class: "time" }, clock(event.start)),
      el("span", { class: "role" }, role(event.speaker)),
      el("span", { class: "text" }, event.text),
    );
    if (event.final) {
      row.dataset.segment = event.segment;
      delete partials[event.speaker];
    } else {
      partials[event.speaker] = row;
    }
    if (!row.isConnected) transcript.append(row);
    transcript.scrollTop = transcript.scrollHeight;
  }

  function showObjection(event) {
    const row = transcript.querySelector(`.turn[data-segment="${event.segment}"] .text`);
    if (row) row.append(" ", ...event.labels.map(objection));
    for (const label of event.labels) objectionCounts[label] = (objectionCounts[label] || 0) + 1;
    objections.replaceChildren(
      ...Object.entries(objectionCounts).map(([label, n]) => {
        const chip = objection(label);
        chip.append(el("span", { class: "count" }, `×${n}`));
        return chip;
      }),
    );
  }

  function showSuggestion(event) {
    const card = el("div", { class: "suggestion", dataset: { id: event.id } });
    const used = el("button", { type: "button", class: "good used-button" }, t("采用", "Used"));
    const ignored = el("button", { type: "button", class: "ignore-button" }, t("忽略", "Ignore"));
    const feedback = async (kind) => {
      used.disabled = ignored.disabled = true;
      try {
        await api(`/v1/suggestions/${event.id}/feedback`, { method: "POST", body: { event: kind } });
        card.classList.add(kind);
        card.querySelector(".actions").replaceChildren(kind === "used" ? t("✓ 已采用", "✓ Used") : t("已忽略", "Ignored"));
      } catch (error) {
        used.disabled = ignored.disabled = false;
        showError(card.querySelector(".feedback-error"), error);
      }
    };
    used.addEventListener("click", () => feedback("used"));
    ignored.addEventListener("click", () => feedback("ignored"));
    card.append(
      el("div", { class: "text" }, event.text),
      el("div", { class: "meta" }, event.objection_type ? objection(event.objection_type) : null, event.reason,
        event.citations.length ? el("span", { title: event.citations.join("\n") }, " · ", t(`引用 ${event.citations.length} 条话术`, `${event.citations.length} script(s) cited`)) : null),
      el("div", { class: "actions", style: "display:flex;gap:.4rem" }, used, ignored),
      el("div", { class: "feedback-error" }),
    );
    if (event.segment !== currentSegment) {
      $("earlier-list").prepend(...suggestions.querySelectorAll(".suggestion"));
      $("earlier").classList.toggle("hidden", !$("earlier-list").children.length);
      suggestions.replaceChildren();
      currentSegment = event.segment;
    }
    suggestions.append(card); // the server sends them best first
  }

  function showHint(event) {
    if (event.key === "stall_countdown" && event.remaining_s !== null && event.remaining_s !== undefined) {
      startCountdown(event.remaining_s);
    } else if (event.key === "stall_answered") {
      stopCountdown("answered");
    } else if (event.key === "stall_unanswered") {
      stopCountdown("expired");
    }
    hints.prepend(el("div", { class: `hint ${event.severity}`, dataset: { key: event.key } }, el("span", { class: "time" }, clock(event.at_s), " "), t(event.zh, event.en)));
  }

  // The 90 s stall window, counted down in the browser from the server's remaining_s.
  function startCountdown(seconds) {
    stopCountdown();
    const deadline = performance.now() + seconds * 1000;
    const box = $("countdown");
    $("stall").classList.remove("hidden");
    box.className = "countdown";
    const tick = () => {
      const left = Math.max(0, (deadline - performance.now()) / 1000);
      box.textContent = `${Math.ceil(left)} s`;
      if (left <= 0) stopCountdown("expired");
    };
    tick();
    countdownTimer = setInterval(tick, 250);
  }

  function stopCountdown(outcome) {
    clearInterval(countdownTimer);
    countdownTimer = null;
    const box = $("countdown");
    if (outcome === "answered") {
      box.className = "countdown answered";
      box.replaceChildren(t("✓ 已提出试用路径", "✓ Trial path offered"));
    } else if (outcome === "expired") {
      box.className = "countdown expired";
      box.replaceChildren(t("已超过 90 秒", "90 s passed"));
    }
  }

  // --- typed turns ------------------------------------------------------------------------------

  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    const box = $("turn-text");
    const text = box.value.trim();
    if (!text) return;
    send({ type: "turn", speaker: $("speaker").value, text, ts: (performance.now() - startedAt) / 1000 });
    box.value = "";
    box.focus();
  });
  $("turn-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("end-session").addEventListener("click", () => {
    stopMic(true);
    send({ type: "end" });
  });
  $("new-session").addEventListener("click", connect);

  // --- microphone: getUserMedia -> AudioWorklet (ScriptProcessor where unsupported) -> PCM16 frames ---

  function toPcm16(floats) {
    const out = new Int16Array(floats.length);
    for (let i = 0; i < floats.length; i++) {
      const s = Math.max(-1, Math.min(1, floats[i]));
      out[i] = s < 0 ? s * 0x8000 : s * 0x7fff;
    }
    return out.buffer;
  }

  async function startMic() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      status.replaceChildren(el("div", { class: "notice error" }, t("此浏览器无法使用麦克风（需要 HTTPS 或本机地址）。", "This browser cannot use the microphone here (needs HTTPS or localhost).")));
      return;
    }
    micButton.disabled = true;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true } });
      let context;
      try {
        context = new AudioContext({ sampleRate: 16000 }); // the browser resamples the mic to what the server wants
      } catch (_) {
        context = new AudioContext(); // the server resamples any rate 8-48 kHz
      }
      const source = context.createMediaStreamSource(stream);
      const frame = Math.round((context.sampleRate * FRAME_MS) / 1000);
      send({ type: "audio_start", sample_rate: context.sampleRate, channels: 1, speaker: $("speaker").value });
      let node;
      if (context.audioWorklet) {
        await context.audioWorklet.addModule(`${document.body.dataset.static}/pcm-worklet.js`);
        node = new AudioWorkletNode(context, "pcm16-frames", { processorOptions: { frame } });
        node.port.onmessage = (message) => send(message.data);
        source.connect(node);
      } else {
        node = context.createScriptProcessor(4096, 1, 1);
        node.onaudioprocess = (event) => send(toPcm16(event.inputBuffer.getChannelData(0)));
        source.connect(node);
        node.connect(context.destination); // a ScriptProcessor only runs while connected to the output
      }
      mic = { stream, context, node, source };
      micButton.replaceChildren(el("span", { class: "status-dot rec" }), t("关闭麦克风", "Stop microphone"));
    } catch (error) {
      status.replaceChildren(el("div", { class: "notice error", role: "alert" }, t("无法开启麦克风：", "Could not start the microphone: "), error.message || String(error)));
    } finally {
      micButton.disabled = !(socket && socket.readyState === WebSocket.OPEN);
    }
  }

  function stopMic(tellServer) {
    if (!mic) return;
    mic.source.disconnect();
    mic.node.disconnect();
    mic.stream.getTracks().forEach((track) => track.stop());
    mic.context.close();
    mic = null;
    if (tellServer) send({ type: "audio_end" });
    micButton.replaceChildren(t("开启麦克风", "Start microphone"));
  }

  micButton.addEventListener("click", () => (mic ? stopMic(true) : startMic()));
  window.addEventListener("pagehide", () => socket && socket.close()); // the server stores the session on drop

  connect();
})();
