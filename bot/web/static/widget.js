/*
 * htxbot chat widget: one line on any page embeds it.
 *   <script src="https://HOST/widget.js" data-api="https://HOST" defer></script>
 * Options (data-*): title, greeting, accent (any CSS colour), position (right|left), offset (pixels to
 * lift the launcher, e.g. above a cookie banner), language (vi|en), open ("true": open on load on a
 * wide screen, without taking the focus).
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
      offline: "Không kết nối được máy chủ. Hãy kiểm tra mạng rồi bấm Thử lại.",
      busy: "Bạn hỏi hơi nhanh, vui lòng đợi {s} giây rồi thử lại.",
      failed: "Đã có lỗi khi trả lời. Vui lòng thử lại.",
      invalid: "Máy chủ không nhận câu hỏi này: câu hỏi cần có chữ và dài tối đa 1000 ký tự. Hãy viết lại.",
      unavailable: "Dữ liệu đang được cập nhật hoặc tạm thời không dùng được. Vui lòng thử lại sau ít phút.",
      stop: "Dừng", stopped: "Đã dừng trả lời.", whatWrong: "Câu trả lời chưa tốt ở điểm nào? (không bắt buộc)",
      sendComment: "Gửi góp ý", rated: "Đã đánh giá", ready: "Bạn có thể hỏi lại ngay.",
      suggestions: ["Huyện Chợ Đồn có bao nhiêu HTX?", "Đến hết tháng 6/2017 Lạng Sơn có bao nhiêu tổ hợp tác?",
                    "Năm 2020 tỉnh Hòa Bình thành lập mới bao nhiêu hợp tác xã?"],
      log: "Cuộc trò chuyện", you: "Bạn", bot: "Trợ lý",
      chart: "Biểu đồ", chartTable: "Bảng số liệu của biểu đồ", place: "Nơi", when: "Thời điểm", value: "Số liệu",
      source: "Nguồn", openQuote: "mở câu trích dẫn", tryThese: "Bạn có thể hỏi",
      more: "Xem thêm {n} nguồn", fewer: "Thu gọn danh sách nguồn", copy: "Chép câu trả lời và nguồn",
      copied: "Đã chép câu trả lời và nguồn", copyFailed: "Không chép được; hãy chọn câu trả lời rồi chép."
    },
    en: {
      title: "Cooperative statistics", greeting: "Hello! Ask about cooperative statistics. Every answer cites its source.",
      open: "Open the chat", close: "Close", placeholder: "Type a question…", send: "Send",
      newChat: "New conversation", sources: "Sources", noDate: "date unknown", noPlace: "place unknown",
      quote: "Show the quoted sentence", link: "Open the article", up: "Helpful answer", down: "Not helpful",
      thanks: "Thank you for the feedback!", retry: "Retry", thinking: "Searching the articles…",
      offline: "Cannot reach the server. Check the connection, then press Retry.",
      busy: "Too many questions at once; please wait {s} seconds and try again.",
      failed: "Something went wrong while answering. Please try again.",
      invalid: "The server did not take this question: it needs words and at most 1000 characters. Please rewrite it.",
      unavailable: "The articles are being updated or are unavailable for a moment. Please try again in a few minutes.",
      stop: "Stop", stopped: "Answer stopped.", whatWrong: "What was wrong with the answer? (optional)",
      sendComment: "Send feedback", rated: "Rated", ready: "You can ask again now.",
      suggestions: ["How many cooperatives are there in Cho Don district?",
                    "How many cooperative groups did Lang Son have by the end of June 2017?",
                    "How many new cooperatives were founded in Hoa Binh province in 2020?"],
      log: "Conversation", you: "You", bot: "Assistant",
      chart: "Chart", chartTable: "The chart's figures", place: "Place", when: "Period", value: "Figure",
      source: "Source", openQuote: "open the quote", tryThese: "You could ask",
      more: "Show {n} more sources", fewer: "Show fewer sources", copy: "Copy the answer and its sources",
      copied: "Answer and sources copied", copyFailed: "Could not copy; select the answer and copy it."
    }
  };

  var CSS = [
    ":host{all:initial;}",
    /* The page can style the <htx-chat> element itself (inherited colour and size), never what is
       inside the shadow root: every inherited property is set again on the wrapper. --focus is the
       focus ring, at least 3:1 against the panel and the bubbles in both schemes. */
    ".wrap{--accent:#0b6e4f;--on-accent:#fff;--link:var(--accent);--offset:0px;--bg:#fff;--fg:#1d1d1f;--muted:#5f6368;--line:#dadce0;--bubble:#f1f3f4;",
    "--focus:#0b57d0;--flash:#fff1b8;",
    "--safe-top:env(safe-area-inset-top,0px);--safe-right:env(safe-area-inset-right,0px);--safe-bottom:env(safe-area-inset-bottom,0px);--safe-left:env(safe-area-inset-left,0px);",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);text-align:left;",
    "letter-spacing:normal;word-spacing:normal;text-transform:none;text-indent:0;visibility:visible;direction:ltr}",
    "@media (prefers-color-scheme:dark){.wrap{--bg:#1f2124;--fg:#e8eaed;--muted:#9aa0a6;--line:#3c4043;--bubble:#2d3034;--focus:#8ab4f8;--flash:#3b3300;}}",
    "*{box-sizing:border-box;font:inherit;color:inherit;}",
    "svg{width:22px;height:22px;fill:currentColor;vertical-align:middle}.actions svg{width:16px;height:16px}",
    ".launcher{position:fixed;bottom:calc(20px + var(--offset) + var(--safe-bottom));width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);",
    "color:var(--on-accent);cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.25);z-index:2147483000;display:grid;place-items:center}",
    ".launcher svg{width:28px;height:28px}",
    ".right .launcher,.right .panel{right:calc(20px + var(--safe-right))}.left .launcher,.left .panel{left:calc(20px + var(--safe-left))}",
    ".panel{position:fixed;bottom:calc(88px + var(--offset) + var(--safe-bottom));width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px - var(--offset));",
    "display:flex;flex-direction:column;background:var(--bg);border:1px solid var(--line);border-radius:14px;",
    "box-shadow:0 10px 30px rgba(0,0,0,.25);overflow:hidden;z-index:2147483001;transition:opacity .15s,transform .15s;}",
    ".panel[hidden]{display:none}",
    "header{display:flex;align-items:center;gap:4px;padding:8px 8px 8px 12px;background:var(--accent);color:var(--on-accent);}",
    /* The title keeps to one line (the dialog's name holds all of it, and its element's title shows it). */
    "header h2{flex:1;min-width:0;margin:0 4px 0 0;font-size:15px;font-weight:600;color:var(--on-accent);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}",
    "header button{font-size:13px;white-space:nowrap}header .close{padding:2px 4px;line-height:0}header .close svg{width:18px;height:18px}",
    "header button{background:transparent;border:1px solid currentColor;color:var(--on-accent);border-radius:8px;padding:4px 6px;cursor:pointer}",
    ".log{position:relative;flex:1;overflow-y:auto;overscroll-behavior:contain;padding:12px;display:flex;flex-direction:column;gap:10px}",
    ".msg{max-width:88%;padding:8px 11px;border-radius:12px;white-space:pre-wrap;word-wrap:break-word}",
    ".msg,.msg *{-webkit-user-select:text;user-select:text}",
    ".user{align-self:flex-end;background:var(--accent);color:var(--on-accent)}.user.failed{opacity:.7}",
    ".pending .text::after{content:'';display:inline-block;width:1.2em;text-align:left;animation:dots 1.2s steps(4,end) infinite}",
    "@keyframes dots{0%{content:''}25%{content:'.'}50%{content:'..'}75%{content:'...'}}",
    ".comment{display:flex;flex-direction:column;gap:6px;margin-top:6px}.comment textarea{height:60px;flex:none}",
    ".bot{align-self:flex-start;background:var(--bubble)}",
    /* The answer's own text: paragraphs, lists and tables built as nodes (see renderRich). */
    ".bot .text{white-space:normal}.text p{margin:0}.text p+p,.text ul,.text .table{margin:6px 0 0}.text>:first-child{margin-top:0}",
    ".text ul{padding-left:20px}.text li+li{margin-top:3px}.text strong{font-weight:700}",
    ".text .table{overflow-x:auto;max-width:100%}.text table{border-collapse:collapse;font-size:13px}",
    ".text th,.text td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}.text th{font-weight:600}",
    "button.cite{display:inline;border:0;background:none;padding:0 1px;margin:0;color:var(--link);cursor:pointer;font-size:.9em;",
    "text-decoration:underline;text-underline-offset:2px}.nowrap{white-space:nowrap}",
    ".note{align-self:center;color:var(--muted);font-size:13px;text-align:center}",
    ".error{align-self:stretch;border:1px solid #d93025;background:transparent;color:inherit}",
    ".sources{margin-top:8px;border-top:1px solid var(--line);padding-top:6px;font-size:13px;white-space:normal}",
    ".sources ol{margin:4px 0 0;padding-left:20px}.sources li{margin-bottom:6px;border-radius:4px;transition:background-color .4s,box-shadow .4s}",
    ".sources li.flash{background:var(--flash);box-shadow:0 0 0 4px var(--flash);transition:none}.sources li:focus{outline:none}",
    ".sources li:focus-visible{outline:3px solid var(--focus);outline-offset:4px}",
    ".meta{color:var(--muted)}",
    "details summary{cursor:pointer;color:var(--link);font-size:13px}",
    "blockquote{margin:4px 0;padding:4px 8px;border-left:3px solid var(--accent);color:var(--fg)}",
    ".sources a{color:var(--link)}",
    "button.more{border:0;background:none;padding:2px 0;color:var(--link);cursor:pointer;text-decoration:underline;font-size:13px}",
    ".actions{display:flex;flex-wrap:wrap;gap:6px;margin-top:6px;align-items:center;white-space:normal}.rate{display:flex;gap:6px;align-items:center}",
    ".rate.commenting{order:9;flex:1 1 100%}.rate .comment{flex:1}",
    ".stamp{margin-left:auto;font-size:12px}",
    ".chart{margin:8px 0 0;white-space:normal}.chart svg{display:block;width:100%;height:auto;fill:none}",
    ".chart figcaption{font-size:13px;font-weight:600;margin-bottom:4px}",
    ".chart [role=button]{cursor:pointer;-webkit-tap-highlight-color:transparent}",
    ".bars{display:flex;flex-direction:column;gap:2px}.bars .item{padding:3px 2px;border-radius:6px;min-height:44px}",
    ".bars .item:hover{background:var(--bg)}.bars .head{display:flex;justify-content:space-between;gap:8px;font-size:12px}",
    ".bars .label{flex:0 0 auto;max-width:60%}.bars .period{min-width:0;color:var(--muted);font-size:11px;text-align:right}",
    ".bars .track{display:flex;align-items:center;gap:6px;margin-top:2px;font-size:12px}",
    ".bars .bar{display:block;height:14px;border-radius:2px;background:var(--accent);flex:none}",
    ".trend .marks{position:relative;height:16px;font-size:11px}.trend .marks span{position:absolute;white-space:nowrap;transform:translateX(-50%)}",
    ".trend .marks .start{transform:none}.trend .marks .end{transform:translateX(-100%)}.trend .periods span{color:var(--muted)}",
    ".chart .line{stroke:var(--accent);stroke-width:2;fill:none}",
    ".chart .dot{fill:var(--accent);stroke:var(--bg);stroke-width:2}.chart .axis{stroke:var(--line)}",
    ".chart .hit{fill:transparent}.chart g[role=button]:hover .dot{opacity:.8}",
    ".chart [role=button]:focus{outline:none}.chart g[role=button]:focus-visible .hit{stroke:var(--focus);stroke-width:3}",
    ".bars .item:focus-visible{outline:3px solid var(--focus);outline-offset:1px}",
    "@media (prefers-color-scheme:dark){.bars .bar,.chart .dot{background:#81c995;fill:#81c995}.chart .line{stroke:#81c995}}",
    ".rate>button,.chips button,.retry,.copy{border:1px solid var(--line);background:var(--bg);border-radius:16px;padding:3px 10px;cursor:pointer}",
    ".chips{display:flex;flex-wrap:wrap;gap:6px}.chips button{text-align:left}.msg .chips{margin-top:8px;white-space:normal}",
    "form{display:flex;gap:8px;padding:10px;border-top:1px solid var(--line)}",
    /* 16px: a smaller font in a text field makes iOS zoom the page when it takes the focus. */
    "textarea{flex:1;resize:none;height:44px;max-height:120px;padding:9px 10px;border:1px solid var(--line);border-radius:10px;background:var(--bg);font-size:16px;line-height:1.45}",
    "form button{border:0;border-radius:10px;background:var(--accent);color:var(--on-accent);padding:0 14px;cursor:pointer}",
    "form button[disabled]{opacity:.6;cursor:progress}",
    "button:focus-visible,textarea:focus-visible,summary:focus-visible,a:focus-visible{outline:3px solid var(--focus);outline-offset:2px}",
    "header button:focus-visible{outline-color:var(--on-accent)}",
    /* The launcher sits on the host page, whose colour is unknown: a ring in two tones reads on any. */
    ".launcher:focus-visible{outline:3px solid #0b57d0;outline-offset:2px;box-shadow:0 0 0 2px #fff,0 4px 14px rgba(0,0,0,.25)}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    /* A phone: the panel fills the screen, clear of the notch and the home bar. */
    "@media (max-width:600px){.panel{inset:0;width:100vw;max-width:100vw;height:100%;max-height:100%;bottom:0;border-radius:0;border:0}",
    ".right .panel,.left .panel{left:0;right:0}",
    "header{padding:calc(8px + var(--safe-top)) calc(8px + var(--safe-right)) 8px calc(12px + var(--safe-left))}",
    ".log{padding-left:calc(12px + var(--safe-left));padding-right:calc(12px + var(--safe-right))}",
    "form{padding:10px calc(10px + var(--safe-right)) calc(10px + var(--safe-bottom)) calc(10px + var(--safe-left))}}",
    /* Touch: every control at least 44 x 44 px (the citation markers inside the text are exempt, as inline links). */
    "@media (max-width:600px),(pointer:coarse){header button,form button,.rate>button,.chips button,.retry,.copy,button.more{min-height:44px;min-width:44px}",
    ".chips button,.rate>button,.copy,.retry{border-radius:22px;padding:6px 12px}button.more{padding:0 4px}",
    "details summary{padding:12px 0;line-height:20px}.sources a{display:inline-block;padding:12px 0;line-height:20px}}",
    /* Links on the dark bubble: last, so that they win over the light rules above. */
    "@media (prefers-color-scheme:dark){details summary,.sources a,button.cite,button.more{color:#8ab4f8}}",
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
    down: "M22 3h-4v12h4V3zM2 14a2 2 0 0 0 2 2h6.3l-1 4.6v.3c0 .4.2.8.4 1.1l1.1 1 6.6-6.6c.4-.4.6-.9.6-1.4V5a2 2 0 0 0-2-2H7c-.8 0-1.5.5-1.8 1.2l-3 7.1c-.1.2-.2.5-.2.7v2z",
    copy: "M16 1H4a2 2 0 0 0-2 2v14h2V3h12V1zm3 4H8a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h11a2 2 0 0 0 2-2V7a2 2 0 0 0-2-2zm0 16H8V7h11v14z",
    done: "M9 16.2 4.8 12l-1.4 1.4L9 19 21 7l-1.4-1.4z",
    close: "M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4l5.6 5.6L5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z"
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

  var SOURCES_SHOWN = 3;  // more sources than this are folded behind a button
  var sourceLists = 0;  // numbers the sources lists, whose ids the buttons that fold them name

  var SVG_NS = "http://www.w3.org/2000/svg";

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(SVG_NS, tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text != null) node.textContent = text;
    return node;
  }

  /* The accent the page asked for (any CSS colour: #hex, a name, rgb(), hsl()), with the text
     colour that reads on it (white, or near-black on a light accent) and a link colour that reads on
     white. Null when the value is no colour. */
  function accentColours(value) {
    if (!value || !(window.CSS && window.CSS.supports("color", value))) return null;
    var ctx = document.createElement("canvas").getContext("2d");
    if (!ctx) return { accent: value, on: "#fff", link: value };
    ctx.fillStyle = "#000"; ctx.fillStyle = value;
    var c = ctx.fillStyle, rgb;  // "#rrggbb", or "rgba(r, g, b, a)" when translucent
    if (c[0] === "#") rgb = [1, 3, 5].map(function (i) { return parseInt(c.slice(i, i + 2), 16); });
    else rgb = c.replace(/[^\d.,]/g, "").split(",").slice(0, 3).map(Number);
    var lum = rgb.map(function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    var L = 0.2126 * lum[0] + 0.7152 * lum[1] + 0.0722 * lum[2];
    var light = 1.05 / (L + 0.05) < 4.5;  // white on it would be under WCAG's 4.5:1
    return { accent: value, on: light ? "#1d1d1f" : "#fff", link: light ? "#1d1d1f" : value };
  }

  /* The answer's text in a small and safe part of Markdown: **bold**, lists of lines that start
     with "- " (or "• ", "* "), pipe tables (a header row, a |---| row, then rows), paragraphs split
     by blank lines, and line breaks within them. blocks() reads it into plain data; renderRich()
     builds nodes from that, plainText() the text a paste shows. */
  var BULLET = /^\s*[-•*]\s+/;
  var TABLE_RULE = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
  var BOLD = /\*\*(\S(?:.*?\S)?)\*\*/g;

  function cells(line) {
    return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map(function (c) { return c.trim(); });
  }

  /* The blocks of a text: {kind: "p", lines}, {kind: "ul", items} or {kind: "table", head, rows},
     each with ``gap``: whether a blank line came before it. */
  function blocks(text) {
    var lines = String(text || "").replace(/\r\n?/g, "\n").split("\n");
    var out = [], para = null, gap = false, i = 0;
    while (i < lines.length) {
      var line = lines[i];
      if (BULLET.test(line)) {
        var items = [];
        for (; i < lines.length && BULLET.test(lines[i]); i++) items.push(lines[i].replace(BULLET, ""));
        out.push({ kind: "ul", items: items, gap: gap });
        para = null; gap = false;
        continue;
      }
      if (/^\s*\|/.test(line) && TABLE_RULE.test(lines[i + 1] || "") && lines[i + 1].indexOf("-") >= 0) {
        var rows = [];
        for (i += 2; i < lines.length && /^\s*\|/.test(lines[i]); i++) rows.push(cells(lines[i]));
        out.push({ kind: "table", head: cells(line), rows: rows, gap: gap });
        para = null; gap = false;
        continue;
      }
      i++;
      if (!line.trim()) { para = null; gap = out.length > 0; continue; }
      if (para) { para.lines.push(line); continue; }
      para = { kind: "p", lines: [line], gap: gap };
      out.push(para);
      gap = false;
    }
    return out;
  }

  /* A line's inline text as nodes: "**bold**" as <strong>, and "[n]" as what ``cite(n)`` returns (a
     button that shows source n), or as text when it returns null (no such source, or the sources
     have not arrived yet). Every piece of text is set as a text node, never as HTML. */
  function inline(parent, text, cite) {
    var re = /\*\*(\S(?:.*?\S)?)\*\*|\[(\d{1,3})\]/g, last = 0, m;
    while ((m = re.exec(text))) {
      if (m.index > last) parent.appendChild(document.createTextNode(text.slice(last, m.index)));
      if (m[1] != null) {
        var strong = el("strong");
        inline(strong, m[1], cite);
        parent.appendChild(strong);
      } else {
        var marker = cite && cite(Number(m[2]));
        var stop = marker ? /^[.,;:!?)]*/.exec(text.slice(re.lastIndex))[0] : "";
        if (stop) {  // a button is a box: keep the full stop after it from starting the next line alone
          var keep = el("span", { "class": "nowrap" });
          keep.appendChild(marker); keep.appendChild(document.createTextNode(stop));
          marker = keep;
          re.lastIndex += stop.length;
        }
        parent.appendChild(marker || document.createTextNode(m[0]));
      }
      last = re.lastIndex;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function renderRich(target, text, cite) {
    target.textContent = "";
    blocks(text).forEach(function (block) {
      if (block.kind === "ul") {
        var list = el("ul");
        block.items.forEach(function (line) { var li = el("li"); inline(li, line, cite); list.appendChild(li); });
        target.appendChild(list);
      } else if (block.kind === "table") {
        var box = el("div", { "class": "table" }), table = el("table"), thead = el("thead"), head = el("tr");
        var body = el("tbody");
        block.head.forEach(function (c) { var th = el("th", { scope: "col" }); inline(th, c, cite); head.appendChild(th); });
        thead.appendChild(head);
        block.rows.forEach(function (cellsOfRow) {
          var row = el("tr");
          cellsOfRow.forEach(function (c) { var td = el("td"); inline(td, c, cite); row.appendChild(td); });
          body.appendChild(row);
        });
        table.appendChild(thead); table.appendChild(body); box.appendChild(table); target.appendChild(box);
      } else {
        var para = el("p");
        block.lines.forEach(function (line, n) { if (n) para.appendChild(el("br")); inline(para, line, cite); });
        target.appendChild(para);
      }
    });
  }

  /* The text of ``text`` as a paste shows it: no bold marks, list items as "• ", a table's rows as
     its cells joined by " | " (without the |---| row) with a blank line around the table; blank
     lines elsewhere as written; the [n] markers kept, for the sources listed after them. */
  function plainText(text) {
    var out = "", previous = null;
    blocks(text).forEach(function (block) {
      var lines;
      if (block.kind === "ul") lines = block.items.map(function (line) { return "• " + line.trim(); });
      else if (block.kind === "table") lines = [block.head].concat(block.rows).map(function (row) { return row.join(" | "); });
      else lines = block.lines.map(function (line) { return line.trim(); });
      if (previous) out += block.gap || block.kind === "table" || previous === "table" ? "\n\n" : "\n";
      previous = block.kind;
      out += lines.join("\n").replace(BOLD, "$1");
    });
    return out;
  }

  /* A source as the clipboard gives it: title, date, place and paper (the link comes after). */
  function sourceText(c, t) {
    return c.title + " — " + formatDate(c.date, t) + " · " + (c.place || t.noPlace) + (c.paper ? " · " + c.paper : "");
  }

  /* The answer for the clipboard: plain text (see plainText), then its sources with their dates,
     places, papers and links. */
  function plainAnswer(item, t) {
    var out = plainText(item.text);
    var sources = (item.citations || []).map(function (c, i) {
      var url = c.url && safeUrl(c.url);
      return "[" + (i + 1) + "] " + sourceText(c, t) + (url ? " — " + url : "");
    });
    return sources.length ? out + "\n\n" + t.sources + ":\n" + sources.join("\n") : out;
  }

  /* The same answer as HTML for the clipboard (a mail or a document keeps the bold, the list and the
     table): built as nodes like the bubble, then serialised, so the text in it is always escaped. */
  function htmlAnswer(item, t) {
    var box = el("div");
    renderRich(box, item.text, null);
    var citations = item.citations || [];
    if (citations.length) {
      box.appendChild(el("p", null, t.sources + ":"));
      var list = el("ol");
      citations.forEach(function (c) {
        var li = el("li", null, sourceText(c, t));
        var url = c.url && safeUrl(c.url);
        if (url) { li.appendChild(document.createTextNode(" — ")); li.appendChild(el("a", { href: url }, url)); }
        list.appendChild(li);
      });
      box.appendChild(list);
    }
    return box.innerHTML;
  }

  function clip(text, n) { text = text || ""; return text.length > n ? text.slice(0, n - 1) + "…" : text; }

  /* A chart of the answer's figures: bars for places (a comparison or ranking), a line for one place
     over time (a trend). Bars start at zero; every bar or point shows its value as the quote writes
     it and its period, and opens its quote when clicked. Words and numbers are HTML, the line and its
     dots SVG (text inside an SVG is what colour checkers cannot read). A table with the same figures
     follows for screen readers. */
  function drawChart(chart, t, openQuote) {
    var series = (chart && chart.series) || [];
    if (series.length < 2) return null;
    var figure = el("figure", { "class": "chart " + (chart.kind === "line" ? "trend" : "ranking") });
    var heading = (chart.measure || t.chart) + (chart.unit ? " (" + chart.unit + ")" : "");
    figure.appendChild(el("figcaption", null, heading));
    var max = Math.max.apply(null, series.map(function (p) { return p.value; })) || 1;
    /* `name` is what the point is called aloud; by default its full title. A bar's name is instead
       the words it shows, in the order shown, so that a voice command naming them reaches it and
       its text is part of its name (WCAG 2.5.3); the title keeps the words unshortened. */
    function point(node, p, name) {
      var title = p.label + ": " + p.value_text + (p.period ? " — " + p.period : "") + " [" + p.citation + "]";
      node.setAttribute("role", "button"); node.setAttribute("tabindex", "0");
      node.setAttribute("aria-label", (name || title) + ", " + t.openQuote);
      node.setAttribute("data-citation", String(p.citation));
      if (node.namespaceURI === SVG_NS) node.appendChild(svgEl("title", null, title));
      else node.setAttribute("title", title);
      node.addEventListener("click", function () { openQuote(p.citation); });
      node.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); openQuote(p.citation); }
      });
    }
    if (chart.kind === "line") {
      var W = 320, H = 130, left = 24, right = W - 24, top = 14, bottom = H - 14;
      var svg = svgEl("svg", { viewBox: "0 0 " + W + " " + H, role: "group", "aria-label": heading });
      svg.appendChild(svgEl("line", { "class": "axis", x1: left - 8, y1: bottom, x2: right + 8, y2: bottom }));
      var step = (right - left) / (series.length - 1);
      var xy = series.map(function (p, i) { return [left + i * step, bottom - (p.value / max) * (bottom - top)]; });
      svg.appendChild(svgEl("polyline", { "class": "line", points: xy.map(function (c) { return c.join(","); }).join(" ") }));
      /* The values above the plot and the periods below it, each at its point's place across. */
      var values = el("div", { "class": "marks values", "aria-hidden": "true" });
      var periods = el("div", { "class": "marks periods", "aria-hidden": "true" });
      series.forEach(function (p, i) {
        var x = xy[i][0], y = xy[i][1];
        var g = svgEl("g", { "class": "point" });
        g.appendChild(svgEl("rect", { "class": "hit", x: x - 22, y: 0, width: 44, height: H }));
        g.appendChild(svgEl("circle", { "class": "dot", cx: x, cy: y, r: 5 }));
        point(g, p);
        svg.appendChild(g);
        var at = (x / W * 100) + "%", align = i === 0 ? "start" : (i === series.length - 1 ? "end" : "middle");
        [[values, p.value_text, 18], [periods, p.label, 22]].forEach(function (m) {
          var mark = el("span", { "class": align }, clip(m[1], m[2]));
          mark.style.left = at;  // through the CSSOM, which a page's Content-Security-Policy allows
          m[0].appendChild(mark);
        });
      });
      figure.appendChild(values); figure.appendChild(svg); figure.appendChild(periods);
    } else {
      var bars = el("div", { "class": "bars", role: "group", "aria-label": heading });
      series.forEach(function (p) {
        var item = el("div", { "class": "item" });
        var head = el("div", { "class": "head" });
        var shown = [clip(p.label, 40), clip(p.period || "", 40), clip(p.value_text, 24)];
        /* The spaces keep the shown words apart when the text is read as one string (as checkers
           compare it with the name); between flex items and blocks they take no room. */
        head.appendChild(el("span", { "class": "label" }, shown[0]));
        head.appendChild(document.createTextNode(" "));
        head.appendChild(el("span", { "class": "period" }, shown[1]));
        var track = el("div", { "class": "track" });
        var bar = el("span", { "class": "bar" });
        bar.style.width = Math.max(0.6, (p.value / max) * 62.5) + "%";
        track.appendChild(bar);
        track.appendChild(document.createTextNode(" "));
        track.appendChild(el("span", { "class": "value" }, shown[2]));
        item.appendChild(head); item.appendChild(document.createTextNode(" ")); item.appendChild(track);
        point(item, p, shown.filter(Boolean).join(" ") + " [" + p.citation + "]");
        bars.appendChild(item);
      });
      figure.appendChild(bars);
    }
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
        offset: Math.max(0, Math.min(400, parseInt(this.getAttribute("offset") || "0", 10) || 0)),
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
      /* lang: the widget's own words are read out in its language whatever the page's; the
         articles' titles and quotes are Vietnamese in either. */
      var wrap = el("div", { "class": "wrap " + opt.position, lang: opt.language });
      var colours = accentColours(opt.accent);
      if (colours) {
        wrap.style.setProperty("--accent", colours.accent);
        wrap.style.setProperty("--on-accent", colours.on);
        wrap.style.setProperty("--link", colours.link);
      }
      if (opt.offset) wrap.style.setProperty("--offset", opt.offset + "px");
      this.launcher = el("button", { "class": "launcher", type: "button", "aria-label": t.open, "aria-expanded": "false",
                                     "aria-controls": "htx-panel" });
      this.launcher.appendChild(icon("chat"));
      var panel = this.panel = el("section", { "class": "panel", id: "htx-panel", role: "dialog",
                                               "aria-label": opt.title || t.title, hidden: "" });
      var header = el("header");
      header.appendChild(el("h2", { title: opt.title || t.title }, opt.title || t.title));
      this.newButton = el("button", { type: "button", "class": "new" }, t.newChat);
      this.closeButton = el("button", { type: "button", "class": "close", "aria-label": t.close, title: t.close });
      this.closeButton.appendChild(icon("close"));
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
      panel.addEventListener("keydown", function (e) {
        if (e.key === "Escape") self.toggle(false);
        else if (e.key === "Tab" && self.modal) self.trapTab(e);
      });
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        if (self.busy) { if (self.controller) self.controller.abort(); } else { self.ask(self.input.value); }
      });
      /* Enter sends; while an answer is pending it does nothing, so a draft being typed stays. */
      this.input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); if (!self.busy) self.ask(self.input.value); }
      });
      /* On a phone the open panel covers the screen: it is then modal (the focus stays inside, the
         page behind does not scroll); the window can cross the width while it is open. */
      this.phone = matchMedia("(max-width: 600px)");
      var fit = function () { self.fitScreen(); };
      if (this.phone.addEventListener) this.phone.addEventListener("change", fit); else this.phone.addListener(fit);
      this.restore();
      /* Opened on load only where it does not cover the page, and without the focus (which would
         scroll the host page to it and raise a phone's keyboard). */
      if (opt.open && !this.phone.matches) this.toggle(true, false);
    }

    disconnectedCallback() { this.lockPage(false); }

    save() {
      try { sessionStorage.setItem(this.storeKey, JSON.stringify({ history: this.history, sessionId: this.sessionId,
                                                                   shown: this.shown || [] })); } catch (e) {}
    }

    /* Show the conversation of this tab again after a reload: the greeting, then each question and
       answer with its sources and rating; the log opens at the last answer (see toggle). */
    restore() {
      var saved = {};
      try { saved = JSON.parse(sessionStorage.getItem(this.storeKey) || "{}"); } catch (e) {}
      this.shown = Array.isArray(saved.shown) ? saved.shown : [];
      this.log.textContent = "";
      this.welcome(!this.shown.length);
      var self = this;
      this.shown.forEach(function (item) {
        if (item.role === "user") self.addUser(item.text);
        else self.renderAnswer(self.addBot(""), item);
      });
      this.pendingReveal = true;
    }

    welcome(withChips) {
      var t = this.t;
      this.log.appendChild(el("div", { "class": "msg bot greeting" }, this.options.greeting || t.greeting));
      if (withChips) this.log.appendChild(this.chips(t.suggestions, t.placeholder, "chips welcome"));
    }

    /* Buttons that ask a question each: the greeting's examples, a refusal's suggestions. */
    chips(questions, label, cls) {
      var self = this;
      var chips = el("div", { "class": cls, role: "group", "aria-label": label });
      questions.forEach(function (q) {
        var b = el("button", { type: "button" }, q);
        b.addEventListener("click", function () { self.ask(q); });
        chips.appendChild(b);
      });
      return chips;
    }

    toggle(force, focus) {
      var open = force === undefined ? this.panel.hidden : force;
      this.panel.hidden = !open;
      this.launcher.setAttribute("aria-expanded", String(open));
      this.fitScreen();
      if (open && this.pendingReveal) {  // laid out only now: open at the start of the last answer
        this.pendingReveal = false;
        var last = this.log.querySelector(".msg.bot:last-of-type");
        if (last) this.reveal(last);
      }
      if (focus === false) return;
      if (open) { this.input.focus({ preventScroll: true }); } else { this.launcher.focus({ preventScroll: true }); }
    }

    /* Full screen (a phone): the dialog is modal and the page behind it is held still; else neither. */
    fitScreen() {
      this.modal = !this.panel.hidden && this.phone.matches;
      if (this.modal) this.panel.setAttribute("aria-modal", "true"); else this.panel.removeAttribute("aria-modal");
      this.lockPage(this.modal);
    }

    /* Hold the host page still under the full-screen panel, and give it back as it was. Hidden
       overflow alone does not stop a touch scroll on iOS before 16, so the body is pinned too
       (position: fixed, moved up by the page's scroll offset so that nothing seems to move; the
       offset is scrolled back to on release), and a touch that would scroll nothing inside the panel
       is cancelled (see guardTouch: iOS before 16 has no overscroll-behavior either). Inline and
       important, so that the page's own !important rules yield; its own inline values come back. */
    lockPage(lock) {
      var root = document.documentElement, body = document.body;
      if (lock && !this.pageStyle && body) {
        var x = window.pageXOffset || 0, y = window.pageYOffset || 0;
        var rules = [[root, "overflow-x", "hidden"], [root, "overflow-y", "hidden"], [root, "scroll-behavior", "auto"],
                     [body, "overflow-x", "hidden"], [body, "overflow-y", "hidden"], [body, "position", "fixed"],
                     [body, "top", -y + "px"], [body, "left", -x + "px"], [body, "right", x + "px"]];
        this.pageStyle = {
          x: x, y: y,
          saved: rules.map(function (r) {
            var saved = [r[0], r[1], r[0].style.getPropertyValue(r[1]), r[0].style.getPropertyPriority(r[1])];
            r[0].style.setProperty(r[1], r[2], "important");
            return saved;
          })
        };
        this.guardTouch(true);
      } else if (!lock && this.pageStyle) {
        var page = this.pageStyle;
        this.pageStyle = null;
        this.guardTouch(false);
        var put = function (s) { if (s[2]) s[0].style.setProperty(s[1], s[2], s[3]); else s[0].style.removeProperty(s[1]); };
        var smooth = page.saved.filter(function (s) { return s[1] === "scroll-behavior"; });
        page.saved.filter(function (s) { return s[1] !== "scroll-behavior"; }).forEach(put);
        window.scrollTo(page.x, page.y);  // at once: the page's own smooth scrolling is still off
        smooth.forEach(put);
      }
    }

    /* While the page is held: cancel a touch move that would scroll nothing inside the panel (or
       would only pull the log past its end, which an old iOS passes on to the page). */
    guardTouch(on) {
      var self = this, options = { passive: false, capture: true };
      if (on && !this.touchGuard) {
        var last = null;
        this.touchStart = function (e) { var p = e.touches[0]; last = p ? [p.clientX, p.clientY] : null; };
        this.touchGuard = function (e) {
          var p = e.touches[0];
          if (!p || e.touches.length > 1 || !e.cancelable) return;  // a pinch zooms, as the user wants
          var dx = last ? p.clientX - last[0] : 0, dy = last ? p.clientY - last[1] : 0;
          last = [p.clientX, p.clientY];
          if ((dx || dy) && !self.scrollsInside(e.composedPath(), dx, dy)) e.preventDefault();
        };
        document.addEventListener("touchstart", this.touchStart, options);
        document.addEventListener("touchmove", this.touchGuard, options);
      } else if (!on && this.touchGuard) {
        document.removeEventListener("touchstart", this.touchStart, options);
        document.removeEventListener("touchmove", this.touchGuard, options);
        this.touchGuard = this.touchStart = null;
      }
    }

    /* Whether a finger moving by (dx, dy) on the elements of ``path`` scrolls something inside the
       panel: the first of them that scrolls that way (the log, a wide table, a text box), unless it
       is already at its end. */
    scrollsInside(path, dx, dy) {
      var across = Math.abs(dx) > Math.abs(dy);
      for (var i = 0; i < path.length && path[i] !== this.panel; i++) {
        var n = path[i];
        if (n.nodeType !== 1) continue;
        var style = getComputedStyle(n);
        if (!across && /auto|scroll/.test(style.overflowY) && n.scrollHeight > n.clientHeight) {
          return dy > 0 ? n.scrollTop > 0 : n.scrollTop + n.clientHeight < n.scrollHeight - 1;
        }
        if (across && /auto|scroll/.test(style.overflowX) && n.scrollWidth > n.clientWidth) {
          return dx > 0 ? n.scrollLeft > 0 : n.scrollLeft + n.clientWidth < n.scrollWidth - 1;
        }
      }
      return false;
    }

    /* Tab and Shift+Tab go round the controls of the modal panel instead of leaving it. */
    trapTab(e) {
      var items = Array.prototype.filter.call(
        this.panel.querySelectorAll("button, textarea, a[href], summary, [tabindex]"),
        function (n) { return !n.disabled && n.getAttribute("tabindex") !== "-1" && n.getClientRects().length > 0; });
      if (!items.length) return;
      var active = this.shadowRoot.activeElement, at = items.indexOf(active);
      if (e.shiftKey && at <= 0) { e.preventDefault(); items[items.length - 1].focus(); }
      else if (!e.shiftKey && (at < 0 || at === items.length - 1)) { e.preventDefault(); items[0].focus(); }
    }

    /* A new conversation: a pending answer is stopped and belongs to no conversation. */
    reset() {
      if (this.controller) this.controller.abort();
      this.history = []; this.shown = [];
      this.sessionId = crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
      this.save(); this.restore(); this.pendingReveal = false; this.input.focus();
    }

    addUser(text) {
      var node = el("div", { "class": "msg user" }, text);
      node.setAttribute("role", "group");
      node.setAttribute("aria-label", this.t.you + ": " + text);
      this.log.appendChild(node);
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

    /* Scroll to the end of the log, unless that would hide the start of ``node`` (a long answer is
       read from its first line): then its first line goes to the top of the log. */
    reveal(node) {
      var log = this.log;
      log.scrollTop = log.scrollHeight;
      var above = node.getBoundingClientRect().top - log.getBoundingClientRect().top;
      if (above < 8) log.scrollTop += above - 8;
    }

    /* Scroll the log, and nothing else (scrollIntoView would shift the panel and the page too), just
       enough for ``node`` to be seen whole, or its start when it is taller than the log. */
    bringIntoView(node) {
      var log = this.log, box = log.getBoundingClientRect(), r = node.getBoundingClientRect();
      if (r.top < box.top + 8) log.scrollTop -= box.top + 8 - r.top;
      else if (r.bottom > box.bottom - 8) log.scrollTop += Math.min(r.bottom - box.bottom + 8, r.top - box.top - 8);
    }

    clearErrors() {
      if (this.countdown) { clearInterval(this.countdown); this.countdown = null; }
      this.log.querySelectorAll(".msg.error").forEach(function (box) { box.remove(); });
    }

    /* A question that got no answer: its bubble stays (marked), with the reason and a retry button
       (after a 429, disabled while the seconds the server asked for count down). */
    showError(message, question, userNode, wait) {
      var t = this.t, self = this;
      this.clearErrors();
      if (userNode) userNode.classList.add("failed");
      var box = el("div", { "class": "msg error", role: "alert" });
      var text = el("span", null, message.replace("{s}", String(wait || 0)));
      var retry = el("button", { type: "button", "class": "retry" }, t.retry);
      retry.addEventListener("click", function () {
        self.clearErrors();
        if (userNode) userNode.remove();
        self.ask(question);
      });
      box.appendChild(text); box.appendChild(document.createTextNode(" ")); box.appendChild(retry);
      if (wait > 0) {
        retry.disabled = true;
        var left = wait;
        this.countdown = setInterval(function () {
          left -= 1;
          text.textContent = left > 0 ? message.replace("{s}", String(left)) : t.ready;
          if (left <= 0) { clearInterval(self.countdown); self.countdown = null; retry.disabled = false; }
        }, 1000);
      }
      this.log.appendChild(box);
      this.scroll();
    }

    setBusy(busy) {
      this.busy = busy;
      this.sendButton.textContent = busy ? this.t.stop : this.t.send;
      this.sendButton.classList.toggle("stop", busy);
      this.log.setAttribute("aria-busy", String(busy));
    }

    /* What the user is told for a failed request, in the widget's language (the server's own
       messages are English): by status; a 429's wait is the server's Retry-After. */
    failure(status) {
      var t = this.t;
      if (status === 429) return t.busy;
      if (status === 400 || status === 413 || status === 422) return t.invalid;
      if (status === 503) return t.unavailable;
      return t.failed;
    }

    /* Ask a question. The box is emptied at once (the question is in its bubble), so what is typed
       while the answer is pending is a new draft that nothing overwrites; the send button stops a
       pending answer; a new conversation started meanwhile drops it. */
    async ask(raw) {
      var question = (raw || "").trim();
      if (!question || this.busy) return;
      var t = this.t, self = this;
      this.clearErrors();
      var chips = this.log.querySelector(".chips.welcome");
      if (chips) chips.remove();
      if (this.input.value.trim() === question) this.input.value = "";
      var conversation = this.sessionId;
      var userNode = this.addUser(question);
      var node = this.addBot(t.thinking);
      node.classList.add("pending");
      var body = node.querySelector(".text");
      var text = "", result = null, failure = null, wait = 0, stopped = false;
      var controller = this.controller = new AbortController();
      this.setBusy(true);
      try {
        var response = await fetch(this.options.api + "/api/ask/stream", {
          method: "POST", headers: { "Content-Type": "application/json", "Accept": "text/event-stream" },
          body: JSON.stringify({ question: question, history: this.history.slice(-12), session_id: this.sessionId }),
          signal: controller.signal
        });
        if (!response.ok) {
          failure = this.failure(response.status);
          wait = parseInt(response.headers.get("Retry-After") || "", 10) || (response.status === 429 ? 60 : 0);
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
              if (event === "delta" || event === "replace") {
                text = event === "delta" ? text + payload.text : payload.text;
                node.classList.remove("pending");
                renderRich(body, text, null);  // the [n] become buttons once the sources arrive
                self.reveal(node);
              }
              else if (event === "citations") { result = payload; }
              else if (event === "error") { failure = self.failure(payload.status); }
            });
          }
        }
      } catch (e) {
        stopped = controller.signal.aborted;
        failure = stopped ? t.stopped : t.offline;
      }
      if (this.controller === controller) { this.controller = null; this.setBusy(false); }
      if (this.sessionId !== conversation) return;  // a new conversation began meanwhile
      if (failure || !result) {
        node.remove();
        if (!this.input.value.trim()) this.input.value = question;  // a draft typed meanwhile is kept
        this.showError(failure || t.failed, question, userNode, wait);
        this.input.focus({ preventScroll: true });
        return;
      }
      var item = { role: "assistant", text: text, question: question, found: result.found,
                   citations: result.citations || [], chart: result.chart || null,
                   suggestions: result.suggestions || [], time: Date.now() };
      this.renderAnswer(node, item);
      this.reveal(node);
      this.history.push({ role: "user", content: question }, { role: "assistant", content: text });
      this.shown.push({ role: "user", text: question }, item);
      this.save();
      this.input.focus({ preventScroll: true });
    }

    renderAnswer(node, item) {
      var t = this.t, self = this;
      var citations = item.citations || [], sourceItems = [], quotes = [], expand = null;
      /* Show source n: unfold the list if it is past the first three, bring it into view and light it up. */
      function showSource(n) {
        var li = sourceItems[n - 1];
        if (!li) return null;
        if (li.hidden && expand) expand(true);
        self.bringIntoView(li);
        li.classList.remove("flash");
        void li.offsetWidth;  // restart the highlight when the same source is asked for again
        li.classList.add("flash");
        clearTimeout(li.flashTimer);
        li.flashTimer = setTimeout(function () { li.classList.remove("flash"); }, 1600);
        return li;
      }
      renderRich(node.querySelector(".text"), item.text, function (n) {
        var c = citations[n - 1];
        if (!c) return null;
        var b = el("button", { type: "button", "class": "cite", "data-citation": String(n), title: c.title,
                               "aria-label": "[" + n + "] " + t.source + ": " + c.title }, "[" + n + "]");
        b.addEventListener("click", function () {
          var li = showSource(n);
          if (li) li.focus({ preventScroll: true });
        });
        return b;
      });
      var chart = drawChart(item.chart, t, function (n) {
        var details = quotes[n - 1];
        if (!details) return;
        showSource(n);
        details.open = true;
        self.bringIntoView(details);
        details.querySelector("summary").focus();
      });
      if (chart) node.appendChild(chart);
      if (citations.length) {
        var box = el("div", { "class": "sources" });
        box.appendChild(el("strong", null, t.sources));
        var listId = "htx-sources-" + (++sourceLists);
        var list = el("ol", { id: listId });
        citations.forEach(function (c) {
          var li = el("li", { tabindex: "-1" });
          li.appendChild(el("div", { "class": "title", lang: "vi" }, c.title));
          li.appendChild(el("div", { "class": "meta" }, formatDate(c.date, t) + " · " + (c.place || t.noPlace) +
                                                         (c.paper ? " · " + c.paper : "")));
          var details = el("details");
          details.appendChild(el("summary", null, t.quote));
          details.appendChild(el("blockquote", { lang: "vi" }, c.quote));
          li.appendChild(details);
          quotes.push(details);
          var url = c.url && safeUrl(c.url);
          if (url) {
            var a = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, t.link);
            li.appendChild(a);
          }
          list.appendChild(li);
          sourceItems.push(li);
        });
        box.appendChild(list);
        if (sourceItems.length > SOURCES_SHOWN) {  // the first three, and a button for the rest
          var extra = String(sourceItems.length - SOURCES_SHOWN);
          var more = el("button", { type: "button", "class": "more", "aria-controls": listId });
          expand = function (open) {
            sourceItems.slice(SOURCES_SHOWN).forEach(function (li) { li.hidden = !open; });
            more.setAttribute("aria-expanded", String(open));
            more.textContent = open ? t.fewer : t.more.replace("{n}", extra);
          };
          more.addEventListener("click", function () { expand(more.getAttribute("aria-expanded") !== "true"); });
          expand(false);
          box.appendChild(more);
        }
        node.appendChild(box);
      }
      if (!item.found && item.suggestions && item.suggestions.length) {
        node.appendChild(this.chips(item.suggestions, t.tryThese, "chips suggested"));
      }
      var actions = el("div", { "class": "actions" });
      var rate = el("div", { "class": "rate", role: "group", "aria-label": t.up + " / " + t.down });
      if (item.rating) {
        rate.appendChild(el("span", { "class": "meta" }, t.rated + " " + (item.rating === "up" ? "👍" : "👎")));
      } else {
        [["up", t.up], ["down", t.down]].forEach(function (r) {
          var b = el("button", { type: "button", "aria-label": r[1], title: r[1], "data-rating": r[0] });
          b.appendChild(icon(r[0]));
          b.addEventListener("click", function () { self.rate(rate, item, r[0]); });
          rate.appendChild(b);
        });
      }
      actions.appendChild(rate);
      var copy = el("button", { type: "button", "class": "copy", "aria-label": t.copy, title: t.copy });
      copy.appendChild(icon("copy"));
      var said = el("span", { "class": "sr", role: "status" });
      copy.addEventListener("click", function () { self.copyAnswer(copy, said, item); });
      actions.appendChild(copy);
      if (item.time) {
        var at = new Date(item.time);
        var hm = ("0" + at.getHours()).slice(-2) + ":" + ("0" + at.getMinutes()).slice(-2);
        actions.appendChild(el("time", { "class": "meta stamp", datetime: at.toISOString() }, hm));
      }
      actions.appendChild(said);
      node.appendChild(actions);
    }

    /* Copy the answer and its sources as plain text (see plainAnswer) and, where the browser takes
       it, as HTML too (see htmlAnswer): through the Clipboard API, else through a hidden text box and
       execCommand (older browsers, pages that deny the API). The button shows a tick for a moment and
       a status line says what happened. */
    async copyAnswer(button, said, item) {
      var t = this.t, text = plainAnswer(item, t), copied = false, clipboard = navigator.clipboard;
      if (clipboard && clipboard.write && window.ClipboardItem) {
        try {
          await clipboard.write([new ClipboardItem({
            "text/plain": new Blob([text], { type: "text/plain" }),
            "text/html": new Blob([htmlAnswer(item, t)], { type: "text/html" })
          })]);
          copied = true;
        } catch (e) { copied = false; }
      }
      if (!copied && clipboard && clipboard.writeText) {
        try { await clipboard.writeText(text); copied = true; } catch (e) { copied = false; }
      }
      if (!copied) copied = this.copyByHand(text, button);
      said.textContent = copied ? t.copied : t.copyFailed;
      button.textContent = "";
      button.appendChild(icon(copied ? "done" : "copy"));
      clearTimeout(button.resetTimer);
      button.resetTimer = setTimeout(function () {
        button.textContent = "";
        button.appendChild(icon("copy"));
        said.textContent = "";
      }, 2500);
    }

    copyByHand(text, button) {
      var area = el("textarea", { "class": "sr clipboard", readonly: "", tabindex: "-1", "aria-hidden": "true" });
      area.value = text;
      this.panel.appendChild(area);
      area.focus({ preventScroll: true });
      area.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      area.remove();
      button.focus({ preventScroll: true });
      return copied;
    }

    /* 👍 is sent at once; 👎 asks what was wrong (optional) and sends the rating with the comment.
       The rating is remembered with the answer, so a reload shows it instead of the buttons. */
    rate(group, item, rating) {
      var t = this.t, self = this;
      group.textContent = "";
      if (rating === "up") { this.sendRating(group, item, rating, null); return; }
      group.classList.add("commenting");
      var form = el("form", { "class": "comment" });
      var box = el("textarea", { maxlength: "2000", "aria-label": t.whatWrong, placeholder: t.whatWrong });
      var send = el("button", { type: "submit" }, t.sendComment);
      form.appendChild(box); form.appendChild(send);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        form.remove();
        self.sendRating(group, item, rating, box.value.trim() || null);
      });
      group.appendChild(form);
      box.focus();
    }

    async sendRating(group, item, rating, comment) {
      group.classList.remove("commenting");
      item.rating = rating;
      this.save();
      group.textContent = "";
      group.appendChild(el("span", { role: "status" }, this.t.thanks));
      try {
        await fetch(this.options.api + "/api/feedback", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ session_id: this.sessionId, question: item.question, answer: item.text,
                                 rating: rating, comment: comment })
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
    if (data.offset) node.setAttribute("offset", data.offset);
    if (data.language) node.setAttribute("language", data.language);
    if (data.open) node.setAttribute("open", data.open);
    document.body.appendChild(node);
    /* A body with a transform, filter or containment holds "position: fixed" children to itself, so
       the widget would scroll away with the page: then it lives beside the body instead. */
    var body = getComputedStyle(document.body);
    if (body.transform !== "none" || body.filter !== "none" || body.perspective !== "none" ||
        /paint|layout|strict|content/.test(body.contain || "") || /transform|filter/.test(body.willChange || "")) {
      document.documentElement.appendChild(node);
    }
  }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
