/*
 * htxbot chat widget: one line on any page embeds it.
 *   <script src="https://HOST/widget.js" data-api="https://HOST" defer></script>
 * Options (data-*): title, greeting, accent, position (right|left), language (vi|en), open ("true").
 * Plain JavaScript, no build step, no CDN. A Web Component with a shadow root, so the host page's
 * CSS cannot reach it and its CSS cannot reach the page. Untrusted text (questions, answers,
 * quotes) is only ever set with textContent.
 */
(function () {
  "use strict";
  if (customElements.get("htx-chat")) return;

  var script = document.currentScript;
  var TEXT = {
    vi: {
      title: "Hỏi đáp số liệu HTX",
      greeting: "Xin chào! Hãy hỏi về số liệu hợp tác xã, tổ hợp tác, kinh tế tập thể. Mỗi câu trả lời đều kèm nguồn.",
      open: "Mở hộp hỏi đáp", close: "Đóng", placeholder: "Nhập câu hỏi…", send: "Gửi",
      newChat: "Cuộc trò chuyện mới", sources: "Nguồn", noDate: "không rõ ngày", noPlace: "không rõ địa phương",
      quote: "Xem câu trích dẫn", link: "Mở bài viết", up: "Câu trả lời hữu ích", down: "Câu trả lời chưa tốt",
      thanks: "Cảm ơn bạn đã góp ý!", retry: "Thử lại", thinking: "Đang tìm trong các bài viết…",
      offline: "Không kết nối được máy chủ. Câu hỏi của bạn vẫn còn trong ô nhập — hãy thử lại.",
      busy: "Bạn hỏi hơi nhanh, vui lòng đợi {s} giây rồi thử lại.",
      failed: "Đã có lỗi khi trả lời. Vui lòng thử lại.",
      suggestions: ["Huyện Chợ Đồn có bao nhiêu HTX?", "Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?",
                    "Năm 2020 tỉnh Hòa Bình thành lập mới bao nhiêu hợp tác xã?"],
      log: "Cuộc trò chuyện", you: "Bạn", bot: "Trợ lý",
      chart: "Biểu đồ", chartTable: "Bảng số liệu của biểu đồ", place: "Nơi", when: "Thời điểm", value: "Số liệu",
      source: "Nguồn", openQuote: "mở câu trích dẫn"
    },
    en: {
      title: "Cooperative statistics", greeting: "Hello! Ask about cooperative statistics. Every answer cites its source.",
      open: "Open the chat", close: "Close", placeholder: "Type a question…", send: "Send",
      newChat: "New conversation", sources: "Sources", noDate: "date unknown", noPlace: "place unknown",
      quote: "Show the quoted sentence", link: "Open the article", up: "Helpful answer", down: "Not helpful",
      thanks: "Thank you for the feedback!", retry: "Retry", thinking: "Searching the articles…",
      offline: "Cannot reach the server. Your question is still in the box — please try again.",
      busy: "Too many questions at once; please wait {s} seconds and try again.",
      failed: "Something went wrong while answering. Please try again.",
      suggestions: ["How many cooperatives are there in Cho Don district?", "Huyện Chợ Đồn có bao nhiêu HTX?",
                    "Năm 2020 tỉnh Hòa Bình thành lập mới bao nhiêu hợp tác xã?"],
      log: "Conversation", you: "You", bot: "Assistant",
      chart: "Chart", chartTable: "The chart's figures", place: "Place", when: "Period", value: "Figure",
      source: "Source", openQuote: "open the quote"
    }
  };

  var CSS = [
    ":host{all:initial;}",
    /* The page can style the <htx-chat> element itself (inherited colour and size), never what is
       inside the shadow root: every inherited property is set again on the wrapper. */
    ".wrap{--accent:#0b6e4f;--bg:#fff;--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--bubble:#f1f3f4;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);text-align:left;",
    "letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;visibility:visible;direction:ltr}",
    "@media (prefers-color-scheme:dark){.wrap{--bg:#1f2124;--fg:#e8eaed;--muted:#9aa0a6;--line:#3c4043;--bubble:#2d3034;}}",
    "*{box-sizing:border-box;font:inherit;color:inherit;}",
    "svg{width:22px;height:22px;fill:currentColor;vertical-align:middle}.rate svg{width:16px;height:16px}",
    ".launcher{position:fixed;bottom:20px;width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);",
    "color:#fff;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:grid;place-items:center}",
    ".launcher svg{width:28px;height:28px}",
    ".right .launcher,.right .panel{right:20px}.left .launcher,.left .panel{left:20px}",
    ".panel{position:fixed;bottom:88px;width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px);",
    "display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--line);border-radius:14px;",
    "box-shadow:0 10px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483001;transition:opacity .15s,transform .15s;}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 12px;background:var(--accent);color:#fff;}",
    "header h2{flex:1;margin:0;font-size:16px;font-weight:600;color:#fff}",
    "header button{font-size:13px;white-space:nowrap}",
    "header button{background:transparent;border:1px solid rgba(255,255,255,.6);color:#fff;border-radius:8px;padding:4px 8px;cursor:pointer}",
    ".log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:88%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".user{align-self:flex-end;background:var(--accent);color:#fff}",
    ".bot{align-self:flex-start;background:var(--bubble)}",
    ".note{align-self:center;color:var(--muted);font-size:13px;text-align:center}",
    ".error{align-self:stretch;border:1px solid #d93025;background:transparent;color:inherit}",
    ".sources{margin-top:8px;border-top:1px solid var(--line);padding-top:6px;font-size:13px}",
    ".sources ol{margin:4px 0 0;padding-left:20px}.sources li{margin-bottom:6px}",
    ".meta{color:var(--muted)}",
    "details summary{cursor:pointer;color:var(--accent);font-size:13px}",
    "@media (prefers-color-scheme:dark){details summary,.sources a{color:#8ab4f8}}",
    "blockquote{margin:4px 0;padding:4px 8px;border-left:3px solid var(--accent);color:var(--fg)}",
    ".sources a{color:var(--accent)}",
    ".rate{display:flex;gap:6px;margin-top:6px}",
    ".chart{margin:8px 0 0;white-space:normal}.chart svg{display:block;width:100%;height:auto;fill:none}",
    ".chart figcaption{font-size:13px;font-weight:600;margin-bottom:2px}",
    ".chart .bar{fill:var(--accent)}.chart .line{stroke:var(--accent);stroke-width:2;fill:none}",
    ".chart .dot{fill:var(--accent);stroke:var(--bg);stroke-width:2}.chart .axis{stroke:var(--line)}",
    ".chart text{fill:var(--fg);font-size:11px}.chart .small{fill:var(--muted);font-size:9.5px}",
    ".chart g{-webkit-tap-highlight-color:transparent}.chart .hit{fill:transparent;cursor:pointer}.chart g[role=button]:hover .bar,.chart g[role=button]:hover .dot{opacity:.8}",
    ".chart g[role=button]:focus{outline:none}.chart g[role=button]:focus-visible .hit{stroke:#f9ab00;stroke-width:2}",
    "@media (prefers-color-scheme:dark){.chart .bar,.chart .dot{fill:#81c995}.chart .line{stroke:#81c995}}",
    ".rate button,.chips button,.retry{border:1px solid var(--line);background:var(--bg);border-radius:16px;padding:3px 10px;cursor:pointer}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px}.chips button{text-align:left}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--line)}",
    "textarea{flex:1;resize:none;height:42px;max-height:120px;padding:9px 10px;border:1px solid var(--line);border-radius:10px;background:var(--bg)}",
    "form button{border:0;border-radius:10px;background:var(--accent);color:#fff;padding:0 14px;cursor:pointer}",
    "form button[disabled]{opacity:.6;cursor:progress}",
    "button:focus-visible,textarea:focus-visible,summary:focus-visible,a:focus-visible{outline:3px solid #f9ab00;outline-offset:2px}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    "@media (max-width:600px){.panel{inset:0;width:100vw;max-width:100vw;height:100%;max-height:100%;bottom:0;border-radius:0}",
    ".right .panel,.left .panel{left:0;right:0}}",
    "@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important;scroll-behavior:auto!important}}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z",
    up: "M2 21h4V9H2v12zm20-11a2 2 0 0 0-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10a2 2 0 0 0 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z",
    down: "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z"
  };

  function icon(name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function formatDate(iso, t) {
    if (!iso) return t.noDate;
    var p = iso.slice(0, 10).split("-");
    return p[2] + "/" + p[1] + "/" + p[0];
  }

  function safeUrl(url) {
    try { var u = new URL(url); return (u.protocol === "http:" || u.protocol === "https:") ? u.href : null; }
    catch (e) { return null; }
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  function clip(text, n) { text = text || ""; return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  /* A chart of the answer's figures, drawn as inline SVG: bars for places (a comparison or ranking),
     a line for one place over time (a trend). Bars start at zero; every bar or point shows its value
     as the quote writes it and its period, and opens its quote when clicked. A table with the same
     figures follows for screen readers. */
  function drawChart(chart, t, openQuote) {
    var series = (chart && chart.series) || [];
    if (series.length < 2) return null;
    var figure = el("figure", { "class": "chart" });
    var heading = (chart.measure || t.chart) + (chart.unit ? " (" + chart.unit + ")" : "");
    figure.appendChild(el("figcaption", null, heading));
    var max = Math.max.apply(null, series.map(function (p) { return p.value; })) || 1;
    var W = 320, svg, H;
    function point(g, p) {
      var title = p.label + ": " + p.value_text + (p.period ? " — " + p.period : "") + " [" + p.citation + "]";
      g.setAttribute("role", "button"); g.setAttribute("tabindex", "0");
      g.setAttribute("aria-label", title + ", " + t.openQuote);
      g.setAttribute("data-citation", String(p.citation));
      g.appendChild(svgEl("title", null, title));
      g.addEventListener("click", function () { openQuote(p.citation); });
      g.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openQuote(p.citation); }
      });
    }
    if (chart.kind === "line") {
      H = 190;
      svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": heading });
      var left = 24, right = W - 24, top = 28, bottom = H - 46;
      svg.appendChild(svgEl("line", { "class": "axis", x1: left - 8, y1: bottom, x2: right + 8, y2: bottom }));
      var step = series.length > 1 ? (right - left) / (series.length - 1) : 0;
      var xy = series.map(function (p, i) { return [left + i * step, bottom - (p.value / max) * (bottom - top)]; });
      svg.appendChild(svgEl("polyline", { "class": "line", points: xy.map(function (c) { return c.join(","); }).join(" ") }));
      series.forEach(function (p, i) {
        var g = svgEl("g", { "class": "point" });
        var x = xy[i][0], y = xy[i][1];
        var anchor = i === 0 ? "start" : (i === series.length - 1 ? "end" : "middle");
        g.appendChild(svgEl("rect", { "class": "hit", x: x - 22, y: top - 22, width: 44, height: H - top }));
        g.appendChild(svgEl("circle", { "class": "dot", cx: x, cy: y, r: 5 }));
        g.appendChild(svgEl("text", { x: x, y: y - 10, "text-anchor": anchor }, clip(p.value_text, 18)));
        g.appendChild(svgEl("text", { "class": "small", x: x, y: bottom + 16, "text-anchor": anchor }, clip(p.label, 22)));
        point(g, p);
        svg.appendChild(g);
      });
    } else {
      var row = 40, barMax = 200;
      H = series.length * row + 4;
      svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": heading });
      series.forEach(function (p, i) {
        var y = i * row;
        var g = svgEl("g", { "class": "item" });
        var width = Math.max(2, (p.value / max) * barMax);
        g.appendChild(svgEl("rect", { "class": "hit", x: 0, y: y, width: W, height: row - 2 }));
        g.appendChild(svgEl("text", { x: 0, y: y + 12 }, clip(p.label, 26)));
        var period = svgEl("text", { "class": "small", x: W, y: y + 12, "text-anchor": "end" }, clip(p.period || "", 24));
        g.appendChild(svgEl("rect", { "class": "bar", x: 0, y: y + 17, width: width, height: 14, rx: 2 }));
        g.appendChild(svgEl("text", { x: width + 6, y: y + 28 }, clip(p.value_text, 24)));
        g.appendChild(period);
        point(g, p);
        svg.appendChild(g);
      });
    }
    figure.appendChild(svg);
    var table = el("table", { "class": "sr" });
    table.appendChild(el("caption", null, t.chartTable + ": " + heading));
    var head = el("tr");
    [t.place, t.value, t.when, t.source].forEach(function (h) { head.appendChild(el("th", { scope: "col" }, h)); });
    table.appendChild(head);
    series.forEach(function (p) {
      var tr = el("tr");
      [p.label, p.value_text, p.period || "", "[" + p.citation + "]"].forEach(function (v) { tr.appendChild(el("td", null, v)); });
      table.appendChild(tr);
    });
    figure.appendChild(table);
    return figure;
  }

  class HtxChat extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      var opt = this.options = {
        api: (this.getAttribute("api") || "").replace(/\/$/, ""),
        title: this.getAttribute("title-text"), greeting: this.getAttribute("greeting"),
        accent: this.getAttribute("accent"), position: this.getAttribute("position") === "left" ? "left" : "right",
        language: this.getAttribute("language") === "en" ? "en" : "vi", open: this.getAttribute("open") === "true"
      };
      var t = this.t = TEXT[opt.language];
      var key = "htxbot:" + (opt.api || location.origin);
      this.storeKey = key;
      var saved = {};
      try { saved = JSON.parse(sessionStorage.getItem(key) || "{}"); } catch (e) { saved = {}; }
      this.history = Array.isArray(saved.history) ? saved.history : [];
      this.sessionId = saved.sessionId || (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random());

      var root = this.attachShadow({ mode: "open" });
      var style = el("style", null, CSS);
      root.appendChild(style);
      var wrap = el("div", { "class": "wrap " + opt.position });
      if (opt.accent && /^#[0-9a-fA-F]{3,8}$|^[a-zA-Z]+$/.test(opt.accent)) wrap.style.setProperty("--accent", opt.accent);
      this.launcher = el("button", { "class": "launcher", type: "button", "aria-label": t.open, "aria-expanded": "false",
                                     "aria-controls": "htx-panel" });
      this.launcher.appendChild(icon("chat"));
      var panel = this.panel = el("section", { "class": "panel", id: "htx-panel", role: "dialog",
                                               "aria-label": opt.title || t.title, hidden: "" });
      var header = el("header");
      header.appendChild(el("h2", null, opt.title || t.title));
      this.newButton = el("button", { type: "button", "class": "new" }, t.newChat);
      this.closeButton = el("button", { type: "button", "aria-label": t.close }, "✕");
      header.appendChild(this.newButton);
      header.appendChild(this.closeButton);
      this.log = el("div", { "class": "log", role: "log", "aria-live": "polite", "aria-label": t.log });
      var form = this.form = el("form");
      var label = el("label", { "for": "htx-input", "class": "sr" }, t.placeholder);
      this.input = el("textarea", { id: "htx-input", placeholder: t.placeholder, rows: "1", maxlength: "1000",
                                    "aria-label": t.placeholder });
      this.sendButton = el("button", { type: "submit" }, t.send);
      form.appendChild(label); form.appendChild(this.input); form.appendChild(this.sendButton);
      panel.appendChild(header); panel.appendChild(this.log); panel.appendChild(form);
      wrap.appendChild(this.launcher); wrap.appendChild(panel);
      root.appendChild(wrap);

      var self = this;
      this.launcher.addEventListener("click", function () { self.toggle(); });
      this.closeButton.addEventListener("click", function () { self.toggle(false); });
      this.newButton.addEventListener("click", function () { self.reset(); });
      panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { self.toggle(false); } });
      form.addEventListener("submit", function (e) { e.preventDefault(); self.ask(self.input.value); });
      this.input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); self.ask(self.input.value); }
      });
      this.restore();
      if (opt.open) this.toggle(true);
    }

    save() {
      try { sessionStorage.setItem(this.storeKey, JSON.stringify({ history: this.history, sessionId: this.sessionId,
                                                                   shown: this.shown || [] })); } catch (e) {}
    }

    restore() {
      var saved = {};
      try { saved = JSON.parse(sessionStorage.getItem(this.storeKey) || "{}"); } catch (e) {}
      this.shown = Array.isArray(saved.shown) ? saved.shown : [];
      this.log.textContent = "";
      if (!this.shown.length) { this.welcome(); return; }
      var self = this;
      this.shown.forEach(function (item) {
        if (item.role === "user") self.addUser(item.text, true);
        else self.renderAnswer(self.addBot(""), item, true);
      });
    }

    welcome() {
      var t = this.t, self = this;
      this.log.appendChild(el("div", { "class": "msg bot" }, this.options.greeting || t.greeting));
      var chips = el("div", { "class": "chips", role: "group", "aria-label": t.placeholder });
      t.suggestions.forEach(function (q) {
        var b = el("button", { type: "button" }, q);
        b.addEventListener("click", function () { self.ask(q); });
        chips.appendChild(b);
      });
      this.log.appendChild(chips);
    }

    toggle(force) {
      var open = force === undefined ? this.panel.hidden : force;
      this.panel.hidden = !open;
      this.launcher.setAttribute("aria-expanded", String(open));
      if (open) { this.input.focus(); } else { this.launcher.focus(); }
    }

    reset() {
      this.history = []; this.shown = [];
      this.sessionId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
      this.save(); this.restore(); this.input.focus();
    }

    addUser(text, restoring) {
      var node = el("div", { "class": "msg user" }, text);
      node.setAttribute("aria-label", this.t.you + ": " + text);
      this.log.appendChild(node);
      if (!restoring) { this.shown.push({ role: "user", text: text }); }
      this.scroll();
      return node;
    }

    addBot(text) {
      var node = el("div", { "class": "msg bot" });
      var body = el("div", { "class": "text" }, text);
      node.appendChild(body);
      this.log.appendChild(node);
      this.scroll();
      return node;
    }

    scroll() { this.log.scrollTop = this.log.scrollHeight; }

    showError(message, question) {
      var t = this.t, self = this;
      var box = el("div", { "class": "msg error", role: "alert" }, message + " ");
      var retry = el("button", { type: "button", "class": "retry" }, t.retry);
      retry.addEventListener("click", function () { box.remove(); self.ask(question); });
      box.appendChild(retry);
      this.log.appendChild(box);
      this.scroll();
    }

    async ask(raw) {
      var question = (raw || "").trim();
      if (!question || this.busy) return;
      var t = this.t, self = this;
      this.busy = true; this.sendButton.disabled = true;
      var chips = this.log.querySelector(".chips");
      if (chips) chips.remove();
      var userNode = this.addUser(question);
      var node = this.addBot(t.thinking);
      var body = node.querySelector(".text");
      var text = "", result = null, failure = null;
      try {
        var response = await fetch(this.options.api + "/api/ask/stream", {
          method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
          body: JSON.stringify({ question: question, history: this.history.slice(-12), session_id: this.sessionId })
        });
        if (response.status === 429) {
          failure = t.busy.replace("{s}", response.headers.get("Retry-After") || "60");
        } else if (!response.ok) {
          var detail = null;
          try { detail = (await response.json()).detail; } catch (e) {}
          failure = typeof detail === "string" ? detail : t.failed;
        } else {
          var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
          while (true) {
            var chunk = await reader.read();
            if (chunk.done) break;
            buffer += decoder.decode(chunk.value, { stream: true }).replace(/\r\n/g, "\n");
            var parts = buffer.split("\n\n");
            buffer = parts.pop();
            parts.forEach(function (block) {
              var event = "message", data = "";
              block.split("\n").forEach(function (line) {
                if (line.indexOf("event:") === 0) event = line.slice(6).trim();
                else if (line.indexOf("data:") === 0) data += line.slice(5).replace(/^ /, "");
              });
              if (!data) return;
              var payload = JSON.parse(data);
              if (event === "delta") { text += payload.text; body.textContent = text; self.scroll(); }
              else if (event === "replace") { text = payload.text; body.textContent = text; }
              else if (event === "citations") { result = payload; }
              else if (event === "error") { failure = payload.message || t.failed; }
            });
          }
        }
      } catch (e) {
        failure = t.offline;
      }
      this.busy = false; this.sendButton.disabled = false;
      if (failure || !result) {
        node.remove(); userNode.remove(); this.shown.pop();
        this.input.value = question;  // nothing typed is lost
        this.showError(failure || t.failed, question);
        this.input.focus();
        return;
      }
      this.input.value = "";
      var item = { role: "assistant", text: text, question: question, found: result.found,
                   citations: result.citations || [], chart: result.chart || null };
      this.renderAnswer(node, item, false);
      this.history.push({ role: "user", content: question }, { role: "assistant", content: text });
      this.shown.push(item);
      this.save();
      this.input.focus();
    }

    renderAnswer(node, item, restoring) {
      var t = this.t, self = this;
      node.querySelector(".text").textContent = item.text;
      var quotes = [];
      var chart = drawChart(item.chart, t, function (n) {
        var details = quotes[n - 1];
        if (!details) return;
        details.open = true;
        details.scrollIntoView({ block: "nearest" });
        details.querySelector("summary").focus();
      });
      if (chart) node.appendChild(chart);
      if (item.citations && item.citations.length) {
        var box = el("div", { "class": "sources" });
        box.appendChild(el("strong", null, t.sources));
        var list = el("ol");
        item.citations.forEach(function (c) {
          var li = el("li");
          li.appendChild(el("div", { "class": "title" }, c.title));
          li.appendChild(el("div", { "class": "meta" }, formatDate(c.date, t) + " · " + (c.place || t.noPlace) +
                                                         (c.paper ? " · " + c.paper : "")));
          var details = el("details");
          details.appendChild(el("summary", null, t.quote));
          details.appendChild(el("blockquote", null, c.quote));
          li.appendChild(details);
          quotes.push(details);
          var url = c.url && safeUrl(c.url);
          if (url) {
            var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, t.link);
            li.appendChild(a);
          }
          list.appendChild(li);
        });
        box.appendChild(list);
        node.appendChild(box);
      }
      if (!restoring) {
        var rate = el("div", { "class": "rate", role: "group", "aria-label": t.up + " / " + t.down });
        [["up", t.up], ["down", t.down]].forEach(function (r) {
          var b = el("button", { type: "button", "aria-label": r[1], title: r[1], "data-rating": r[0] });
          b.appendChild(icon(r[0]));
          b.addEventListener("click", function () { self.rate(rate, item, r[0]); });
          rate.appendChild(b);
        });
        node.appendChild(rate);
      }
      this.scroll();
    }

    async rate(group, item, rating) {
      var t = this.t;
      group.textContent = "";
      group.appendChild(el("span", { role: "status" }, t.thanks));
      try {
        await fetch(this.options.api + "/api/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ session_id: this.sessionId, question: item.question, answer: item.text, rating: rating })
        });
      } catch (e) { /* feedback is best effort */ }
    }
  }

  customElements.define("htx-chat", HtxChat);

  function mount() {
    var data = (script && script.dataset) || {};
    var node = document.createElement("htx-chat");
    var api = data.api || (script && script.src ? new URL(script.src).origin : location.origin);
    node.setAttribute("api", api);
    if (data.title) node.setAttribute("title-text", data.title);
    if (data.greeting) node.setAttribute("greeting", data.greeting);
    if (data.accent) node.setAttribute("accent", data.accent);
    if (data.position) node.setAttribute("position", data.position);
    if (data.language) node.setAttribute("language", data.language);
    if (data.open) node.setAttribute("open", data.open);
    document.body.appendChild(node);
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
