/*
 * The /stats page: the statistics table over GET /api/stats, filtered, sorted (by the server, over
 * the whole filtered result) and paged. The filters, the sort and the page live in the page's query
 * string, so a view can be shared and reloaded. Plain JavaScript, no build step, no CDN; text from
 * the articles is only ever set with textContent.
 */
(function () {
  "use strict";

  var PAGE = 50;
  var FILTERS = ["place", "measure", "year", "status"];
  var SORTS = ["place", "measure", "value", "year", "date"];
  var QUALIFIERS = { "new": "thành lập mới", "dissolved": "giải thể", "negative": "chưa/không" };

  var form = document.getElementById("filters");
  var table = document.getElementById("table");
  var tbody = document.getElementById("rows");
  var range = document.getElementById("range");
  var pageinfo = document.getElementById("pageinfo");
  var errorBox = document.getElementById("error");
  var csv = document.getElementById("csv");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var headers = Array.prototype.slice.call(document.querySelectorAll("th[data-sort]"));

  var state = readState(location.search);
  var total = 0;
  var loading = 0; // the number of the latest request: an older answer arriving late is dropped
  var typing = null;

  /** The page's state (filters, sort, offset) from a query string; unknown values are dropped. */
  function readState(search) {
    var query = new URLSearchParams(search);
    var out = { sort: "", offset: 0 };
    FILTERS.forEach(function (name) { out[name] = (query.get(name) || "").trim(); });
    var sort = query.get("sort") || "";
    if (SORTS.indexOf(sort.replace(/^-/, "")) >= 0) out.sort = sort;
    var offset = parseInt(query.get("offset") || "0", 10);
    out.offset = offset > 0 ? offset - (offset % PAGE) : 0;
    return out;
  }

  /** The query string of a state: only what is set, in a stable order. */
  function queryOf(s, withOffset) {
    var query = new URLSearchParams();
    FILTERS.forEach(function (name) { if (s[name]) query.set(name, s[name]); });
    if (s.sort) query.set("sort", s.sort);
    if (withOffset && s.offset) query.set("offset", String(s.offset));
    return query;
  }

  function fillForm() {
    FILTERS.forEach(function (name) { form.elements[name].value = state[name]; });
  }

  function readForm() {
    FILTERS.forEach(function (name) { state[name] = String(form.elements[name].value || "").trim(); });
    state.offset = 0;
  }

  /** Put the state in the address bar (a new history entry unless ``replace``). */
  function remember(replace) {
    var search = queryOf(state, true).toString();
    var url = location.pathname + (search ? "?" + search : "");
    if (url === location.pathname + location.search) return;
    history[replace ? "replaceState" : "pushState"](null, "", url);
  }

  function load() {
    var ticket = ++loading;
    var query = queryOf(state, false);
    var download = new URLSearchParams(query);
    download.set("format", "csv");
    download.set("limit", "5000");
    csv.href = "api/stats?" + download.toString();
    query.set("limit", String(PAGE));
    query.set("offset", String(state.offset));
    showSort();
    table.setAttribute("aria-busy", "true");
    range.textContent = "Đang tải…";
    fetch("api/stats?" + query.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) throw new Error(typeof body.detail === "string" ? body.detail : "Lỗi " + response.status);
          return body;
        });
      })
      .then(function (body) {
        if (ticket !== loading) return;
        errorBox.textContent = "";
        if (body.rows.length === 0 && state.offset > 0) {
          state.offset = Math.max(0, (Math.ceil(body.total / PAGE) - 1) * PAGE); // past the end: the last page
          remember(true);
          load();
          return;
        }
        render(body);
      })
      .catch(function (error) {
        if (ticket !== loading) return;
        errorBox.textContent = error instanceof TypeError
          ? "Không kết nối được máy chủ. Vui lòng thử lại."
          : "Không tải được bảng: " + error.message;
        range.textContent = "";
        table.setAttribute("aria-busy", "false");
      });
  }

  function render(body) {
    total = body.total;
    var first = body.rows.length ? body.offset + 1 : 0;
    var last = body.offset + body.rows.length;
    range.textContent = total
      ? "Dòng " + first.toLocaleString("vi-VN") + "–" + last.toLocaleString("vi-VN") + " trong " + total.toLocaleString("vi-VN")
      : "Không có số liệu nào";
    var pages = Math.max(1, Math.ceil(total / PAGE));
    pageinfo.textContent = "Trang " + (Math.floor(body.offset / PAGE) + 1) + "/" + pages;
    prev.disabled = body.offset <= 0;
    next.disabled = last >= total;

    var rows = document.createDocumentFragment();
    body.rows.forEach(function (row) { rows.appendChild(renderRow(row)); });
    if (!body.rows.length) {
      var tr = document.createElement("tr");
      var td = cell(tr, "empty", "Không có số liệu nào khớp bộ lọc.");
      td.colSpan = 6;
      rows.appendChild(tr);
    }
    tbody.replaceChildren(rows);
    table.setAttribute("aria-busy", "false");
  }

  function cell(tr, className, text) {
    var td = document.createElement("td");
    if (className) td.className = className;
    if (text) td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function span(parent, className, text) {
    if (parent.childNodes.length) parent.appendChild(document.createTextNode(" "));
    var el = document.createElement("span");
    el.className = className;
    el.textContent = text;
    parent.appendChild(el);
    return el;
  }

  function renderRow(row) {
    var tr = document.createElement("tr");
    tr.dataset.place = row.place || "";
    cell(tr, "place", row.place_label || row.place || "không rõ địa phương");

    var measure = cell(tr, "measure", capitalise(row.measure_label || row.measure));
    var tags = document.createElement("div");
    if (row.status === "target") span(tags, "tag target", "mục tiêu");
    (row.qualifiers || "").split(",").forEach(function (q) {
      q = q.trim();
      if (q) span(tags, "tag", QUALIFIERS[q] || q);
    });
    if (row.scope === "part") span(tags, "tag", "một phần");
    if (tags.childNodes.length) measure.appendChild(tags);

    var value = cell(tr, "value", valueText(row));
    value.dataset.value = String(row.value);

    var period = cell(tr, "period", row.period || "—");
    if (row.year) span(period, "small", "năm " + row.year);

    var source = cell(tr, "source");
    var url = safeUrl(row.url);
    var title = row.title || row.source;
    if (url) {
      var a = document.createElement("a");
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      a.textContent = title;
      source.appendChild(a);
    } else {
      source.appendChild(document.createTextNode(title));
    }
    span(source, "small", (row.date ? "ngày " + displayDate(row.date) : "không rõ ngày") + " · " + row.source);

    var quote = cell(tr, "quote");
    if (row.quote) {
      var details = document.createElement("details");
      var summary = document.createElement("summary");
      summary.textContent = "Xem câu trích dẫn";
      var blockquote = document.createElement("blockquote");
      quoteWithValue(blockquote, row.quote, row.value_text);
      details.appendChild(summary);
      details.appendChild(blockquote);
      quote.appendChild(details);
    }
    return tr;
  }

  /** The value as written, with its unit when the text does not already say it ("44 HTX"). */
  function valueText(row) {
    var unit = row.unit || "";
    if (!unit || unit === "%" || /^(VND|USD)/.test(unit)) return row.value_text;
    return row.value_text + " " + unit;
  }

  /** Fill ``parent`` with the quote, the value marked where the quote states it once (a number
   * that is part of a longer one, "17" in "2017", does not count); otherwise the plain quote. */
  function quoteWithValue(parent, quote, value) {
    var at = -1;
    if (value) {
      var escaped = value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      var found = [];
      var pattern = new RegExp("(?<![\\d\\p{L}])(?<!\\d[.,])" + escaped + "(?![.,]?\\d)", "gu");
      var match;
      while ((match = pattern.exec(quote)) !== null) found.push(match.index);
      if (found.length === 1) at = found[0];
    }
    if (at < 0) {
      parent.textContent = quote;
      return;
    }
    var mark = document.createElement("mark");
    mark.textContent = quote.slice(at, at + value.length);
    parent.appendChild(document.createTextNode(quote.slice(0, at)));
    parent.appendChild(mark);
    parent.appendChild(document.createTextNode(quote.slice(at + value.length)));
  }

  /** An http(s) address of an article, or null: nothing else becomes a link. */
  function safeUrl(url) {
    if (!url) return null;
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (e) {
      return null;
    }
  }

  function displayDate(iso) {
    var parts = iso.slice(0, 10).split("-");
    return parts.length === 3 ? parts[2] + "/" + parts[1] + "/" + parts[0] : iso;
  }

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : "";
  }

  /** Mark the sorted column: aria-sort on its header and an arrow. */
  function showSort() {
    var key = state.sort.replace(/^-/, "");
    var descending = state.sort.charAt(0) === "-";
    headers.forEach(function (th) {
      var arrow = th.querySelector(".arrow");
      if (th.dataset.sort === key) {
        th.setAttribute("aria-sort", descending ? "descending" : "ascending");
        arrow.textContent = descending ? "▼" : "▲";
      } else {
        th.removeAttribute("aria-sort");
        arrow.textContent = "↕";
      }
    });
  }

  // A header sorts the whole filtered result: ascending first, then descending, then article order.
  headers.forEach(function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.dataset.sort;
      state.sort = state.sort === key ? "-" + key : state.sort === "-" + key ? "" : key;
      state.offset = 0;
      remember(false);
      load();
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    readForm();
    remember(false);
    load();
  });

  // Selects apply at once; typed filters after a pause.
  form.addEventListener("change", function (event) {
    if (event.target.tagName !== "SELECT") return;
    readForm();
    remember(false);
    load();
  });
  form.addEventListener("input", function (event) {
    if (event.target.tagName !== "INPUT") return;
    clearTimeout(typing);
    typing = setTimeout(function () {
      readForm();
      remember(true);
      load();
    }, 400);
  });

  prev.addEventListener("click", function () {
    state.offset = Math.max(0, state.offset - PAGE);
    remember(false);
    load();
  });
  next.addEventListener("click", function () {
    if (state.offset + PAGE >= total) return;
    state.offset += PAGE;
    remember(false);
    load();
  });

  window.addEventListener("popstate", function () {
    state = readState(location.search);
    fillForm();
    load();
  });

  fillForm();
  load();
})();
