// depaudit's report page: the waterfall (plain SVG) and the tables, drawn
// from the data embedded once in #report-data (column arrays indexing the
// string table s). No network, no library.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var S = D.s, R = D.r, P = D.p;
  var n = R.id.length;
  function str(i) { return i < 0 || i === undefined ? "" : S[i]; }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function bytes(b) {
    if (b < 1024) return b + " B";
    var u = "KMGTP", i = -1;
    do { b /= 1024; i++; } while (b >= 1024 && i < 4);
    return b.toFixed(1) + " " + u[i] + "iB";
  }
  function msText(ms) {
    if (ms < 1000) return (Math.round(ms * 10) / 10) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  var FAILED = 1, INCOMPLETE = 2, TUNNEL = 4;

  // ---- waterfall ----
  var svg = document.getElementById("waterfall");
  var scroll = document.getElementById("wf-scroll");
  var axis = document.getElementById("wf-axis");
  var tip = document.getElementById("tip");
  var span = Math.max(D.span, 1);
  var rowH = Math.max(3, Math.min(14, Math.floor(560 / Math.max(n, 1))));
  var height = Math.max(n * rowH, rowH);
  var view = { x0: 0, x1: span };
  var bars = new Array(n);
  var NS = "http://www.w3.org/2000/svg";
  svg.setAttribute("height", height);
  var frag = document.createDocumentFragment();
  for (var i = 0; i < n; i++) {
    var r = document.createElementNS(NS, "rect");
    var kind = str(R.k[i]), eco = R.e[i];
    var cls = "bar";
    if (R.f[i] & FAILED) cls += " fail";
    else if (R.f[i] & INCOMPLETE) cls += " inc";
    r.setAttribute("class", cls);
    r.setAttribute("x", R.t[i]);
    r.setAttribute("y", i * rowH + (rowH > 4 ? 1 : 0));
    r.setAttribute("height", rowH > 4 ? rowH - 2 : rowH);
    r.setAttribute("width", R.d[i]);
    r.setAttribute("fill", eco >= 0 && D.colours[eco] ? D.colours[eco] : "#9a9a9a");
    if (kind !== "artifact") r.setAttribute("fill-opacity", kind === "unclassified" ? "0.75" : "0.45");
    r.setAttribute("data-i", i);
    bars[i] = r;
    frag.appendChild(r);
  }
  svg.appendChild(frag);
  svg.setAttribute("data-bars", n);

  var pending = false;
  function redraw() {
    pending = false;
    var w = Math.max(view.x1 - view.x0, 0.001);
    svg.setAttribute("viewBox", view.x0 + " 0 " + w + " " + height);
    // Keep every bar at least 2 px wide at any zoom.
    var px = scroll.clientWidth || 1000;
    var minW = 2 * w / px;
    for (var i = 0; i < n; i++) bars[i].setAttribute("width", Math.max(R.d[i], minW));
    // Axis: about 8 ticks at a round step.
    var raw = w / 8, p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
    [1, 2, 5, 10].some(function (m) { step = m * p; return m * p >= raw; });
    var html = "";
    for (var t = Math.ceil(view.x0 / step) * step; t <= view.x1; t += step) {
      var left = (t - view.x0) / w * 100;
      html += '<span style="left:' + left.toFixed(3) + "%" + (left < 3 ? ";transform:none" : left > 97 ? ";transform:translateX(-100%)" : "") +
        '">' + msText(t) + "</span>";
    }
    axis.innerHTML = html;
  }
  function schedule() { if (!pending) { pending = true; requestAnimationFrame(redraw); } }
  function zoom(f, at) {
    var w = view.x1 - view.x0, nw = Math.min(span, Math.max(w * f, 0.05));
    var c = at === undefined ? view.x0 + w / 2 : at;
    var x0 = c - (c - view.x0) * nw / w;
    x0 = Math.max(0, Math.min(x0, span - nw));
    view.x0 = x0; view.x1 = x0 + nw;
    schedule();
  }
  function timeAt(clientX) {
    var b = svg.getBoundingClientRect();
    return view.x0 + (clientX - b.left) / Math.max(b.width, 1) * (view.x1 - view.x0);
  }
  // The wheel zooms around the pointer; when the chart scrolls vertically
  // (many requests), it zooms with Ctrl or Alt held and scrolls without.
  scroll.addEventListener("wheel", function (e) {
    var scrolls = scroll.scrollHeight > scroll.clientHeight;
    if (scrolls && !e.ctrlKey && !e.altKey && !e.metaKey) return;
    e.preventDefault();
    zoom(e.deltaY > 0 ? 1.25 : 0.8, timeAt(e.clientX));
  }, { passive: false });
  var drag = null;
  scroll.addEventListener("mousedown", function (e) {
    drag = { x: e.clientX, x0: view.x0, x1: view.x1 };
    scroll.classList.add("dragging");
  });
  window.addEventListener("mouseup", function () { drag = null; scroll.classList.remove("dragging"); });
  window.addEventListener("mousemove", function (e) {
    if (!drag) return;
    var b = svg.getBoundingClientRect();
    var dt = (e.clientX - drag.x) / Math.max(b.width, 1) * (drag.x1 - drag.x0);
    var w = drag.x1 - drag.x0, x0 = Math.max(0, Math.min(drag.x0 - dt, span - w));
    view.x0 = x0; view.x1 = x0 + w;
    schedule();
  });
  scroll.addEventListener("dblclick", function () { view.x0 = 0; view.x1 = span; schedule(); });
  document.getElementById("wf-in").onclick = function () { zoom(0.5); };
  document.getElementById("wf-out").onclick = function () { zoom(2); };
  document.getElementById("wf-reset").onclick = function () { view.x0 = 0; view.x1 = span; schedule(); };

  function verification(i) {
    var p = R.p[i];
    return p < 0 ? "" : str(P.vs[p]);
  }
  var hovered = null;
  svg.addEventListener("mousemove", function (e) {
    var t = e.target;
    if (!t.hasAttribute || !t.hasAttribute("data-i")) { tip.hidden = true; return; }
    var i = +t.getAttribute("data-i");
    if (hovered !== t) {
      if (hovered) hovered.classList.remove("hover");
      hovered = t; t.classList.add("hover");
      var v = verification(i), eco = str(R.e[i]);
      var h = "<b>" + esc(str(R.m[i])) + "</b> " + esc(str(R.u[i])) +
        "<br>status " + (R.st[i] || "none") + " · " + bytes(R.b[i]) + " · " + msText(R.d[i]) + " from " + msText(R.t[i]) +
        "<br>" + esc((eco ? eco + " " : "") + str(R.k[i]));
      if (v) h += " · verification: <b>" + esc(v) + "</b>";
      if (R.p[i] >= 0) h += "<br>" + esc(str(P.pu[R.p[i]]));
      if (R.f[i] & INCOMPLETE) h += "<br>incomplete body";
      if (R.x[i] >= 0) h += "<br>error: " + esc(str(R.x[i]));
      tip.innerHTML = h;
    }
    tip.hidden = false;
    var x = Math.min(e.clientX + 14, window.innerWidth - tip.offsetWidth - 8);
    var y = e.clientY + 14 + tip.offsetHeight > window.innerHeight ? e.clientY - tip.offsetHeight - 8 : e.clientY + 14;
    tip.style.left = x + "px"; tip.style.top = y + "px";
  });
  svg.addEventListener("mouseleave", function () { tip.hidden = true; if (hovered) hovered.classList.remove("hover"); hovered = null; });

  var wfFilter = document.getElementById("wf-filter"), wfCount = document.getElementById("wf-count");
  function rowText(i) {
    return (str(R.m[i]) + " " + str(R.u[i]) + " " + R.st[i] + " " + str(R.e[i]) + " " + str(R.k[i]) + " " +
      verification(i) + " " + str(R.x[i])).toLowerCase();
  }
  function filterBars() {
    var q = wfFilter.value.trim().toLowerCase(), shown = 0;
    for (var i = 0; i < n; i++) {
      var ok = !q || rowText(i).indexOf(q) >= 0;
      bars[i].style.display = ok ? "" : "none";
      if (ok) shown++;
    }
    wfCount.textContent = q ? shown + " of " + n + " requests" : n + " requests";
  }
  wfFilter.addEventListener("input", filterBars);
  filterBars();

  var legend = "";
  Object.keys(D.colours).sort(function (a, b) { return str(+a) < str(+b) ? -1 : 1; }).forEach(function (k) {
    legend += '<span><span class="swatch" style="background:' + esc(D.colours[k]) + '"></span>' + esc(str(+k)) + "</span>";
  });
  legend += '<span><span class="swatch" style="background:#9a9a9a"></span>no known registry</span>' +
    '<span><span class="swatch fail"></span>failed</span><span><span class="swatch inc"></span>incomplete</span>';
  document.getElementById("wf-legend").innerHTML = legend;
  redraw();
  window.addEventListener("resize", schedule);

  // ---- tables ----
  var LIMIT = 1000;
  // table(id, title, columns, rows): columns [{label, type: "num"|"bytes"|"text"|"url"}], rows arrays of
  // values; row.cls an optional class.
  function table(id, title, cols, rows) {
    var wrap = document.createElement("div");
    wrap.id = "table-" + id; wrap.hidden = true;
    var sortCol = -1, sortDir = 1;
    var head = cols.map(function (c, j) { return '<th data-col="' + j + '">' + esc(c.label) + "</th>"; }).join("");
    wrap.innerHTML = '<div class="toolbar"><input type="search" placeholder="Filter ' + esc(title.toLowerCase()) +
      '…" aria-label="Filter ' + esc(title.toLowerCase()) + '"><span class="count muted"></span></div>' +
      '<div class="table-wrap"><table class="data" id="' + id + '"><thead><tr>' + head +
      '</tr></thead><tbody></tbody></table><div class="more"></div></div>';
    var input = wrap.querySelector("input"), tbody = wrap.querySelector("tbody");
    var count = wrap.querySelector(".count"), more = wrap.querySelector(".more");
    var texts = rows.map(function (r) { return r.join(" ").toLowerCase(); });
    function cell(c, v) {
      if (c.type === "num") return '<td class="num">' + esc(v) + "</td>";
      if (c.type === "bytes") return '<td class="num" data-v="' + v + '">' + bytes(v) + "</td>";
      if (c.type === "url") return '<td class="url">' + esc(v) + "</td>";
      if (c.type === "ms") return '<td class="num">' + msText(v) + "</td>";
      return "<td>" + esc(v) + "</td>";
    }
    function render() {
      var q = input.value.trim().toLowerCase();
      var idx = [];
      for (var i = 0; i < rows.length; i++) if (!q || texts[i].indexOf(q) >= 0) idx.push(i);
      if (sortCol >= 0) {
        var numeric = cols[sortCol].type !== "text" && cols[sortCol].type !== "url";
        idx.sort(function (a, b) {
          var x = rows[a][sortCol], y = rows[b][sortCol];
          var c = numeric ? (+x) - (+y) : String(x).localeCompare(String(y));
          return c * sortDir || a - b;
        });
      }
      var html = "";
      for (var k = 0; k < idx.length && k < LIMIT; k++) {
        var r = rows[idx[k]];
        html += "<tr" + (r.cls ? ' class="' + r.cls + '"' : "") + ">" +
          cols.map(function (c, j) { return cell(c, r[j]); }).join("") + "</tr>";
      }
      tbody.innerHTML = html;
      count.textContent = (q ? idx.length + " of " : "") + rows.length + " rows";
      more.textContent = idx.length > LIMIT ? "Showing the first " + LIMIT + " of " + idx.length + " rows: filter to see the others." : "";
      wrap.setAttribute("data-shown", Math.min(idx.length, LIMIT));
    }
    wrap.querySelector("thead").addEventListener("click", function (e) {
      var th = e.target.closest("th");
      if (!th) return;
      var j = +th.getAttribute("data-col");
      sortDir = sortCol === j ? -sortDir : (cols[j].type === "text" || cols[j].type === "url" ? 1 : -1);
      sortCol = j;
      wrap.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", sortDir > 0 ? "ascending" : "descending");
      render();
    });
    input.addEventListener("input", render);
    render();
    return { id: id, title: title + " (" + rows.length + ")", el: wrap };
  }

  var tables = [];
  var pkgRows = [];
  for (var j = 0; j < P.pu.length; j++) {
    var row = [str(P.e[j]), str(P.n[j]), str(P.v[j]), str(P.vs[j]), str(P.src[j]), P.b[j], str(P.h[j]), P.vi[j], str(P.pu[j])];
    if (str(P.vs[j]) === "mismatch" || P.vi[j] > 0) row.cls = "bad";
    pkgRows.push(row);
  }
  tables.push(table("packages", "Packages", [
    { label: "Ecosystem" }, { label: "Name" }, { label: "Version" }, { label: "Verification" },
    { label: "Source / reason" }, { label: "Bytes", type: "bytes" }, { label: "Host" },
    { label: "Violations", type: "num" }, { label: "Package URL", type: "url" }], pkgRows));

  var hosts = {}, hostList = [];
  for (var i2 = 0; i2 < n; i2++) {
    var hk = str(R.h[i2]), h = hosts[hk];
    if (!h) { h = hosts[hk] = [hk, 0, 0, 0, 0, 0]; hostList.push(h); }
    h[1]++; h[2] += R.b[i2];
    if (R.p[i2] >= 0) h[3]++;
    if (R.e[i2] < 0 || str(R.e[i2]) === "generic") { if (!(R.f[i2] & TUNNEL)) h[4]++; }
    if (R.f[i2] & FAILED) h[5]++;
  }
  hostList.forEach(function (h) { if (h[5] > 0) h.cls = "bad"; });
  tables.push(table("hosts", "Hosts", [{ label: "Host" }, { label: "Requests", type: "num" }, { label: "Bytes", type: "bytes" },
    { label: "Package downloads", type: "num" }, { label: "Unclassified calls", type: "num" }, { label: "Failed", type: "num" }], hostList));

  var reqRows = [], failRows = [];
  for (var i3 = 0; i3 < n; i3++) {
    var rr = [R.id[i3], R.t[i3], R.d[i3], str(R.m[i3]), R.st[i3], R.b[i3], str(R.e[i3]), str(R.k[i3]), verification(i3), str(R.u[i3])];
    var fr = null;
    if (R.f[i3] & (FAILED | INCOMPLETE)) {
      rr.cls = "bad";
      fr = [R.id[i3], R.t[i3], str(R.m[i3]), R.st[i3], R.f[i3] & INCOMPLETE ? "incomplete" : "", str(R.x[i3]), str(R.u[i3])];
      failRows.push(fr);
    }
    reqRows.push(rr);
  }
  tables.push(table("requests", "Requests", [{ label: "#", type: "num" }, { label: "Start", type: "ms" },
    { label: "Duration", type: "ms" }, { label: "Method" }, { label: "Status", type: "num" }, { label: "Bytes", type: "bytes" },
    { label: "Ecosystem" }, { label: "Kind" }, { label: "Verification" }, { label: "URL", type: "url" }], reqRows));
  tables.push(table("failures", "Failures", [{ label: "#", type: "num" }, { label: "Start", type: "ms" }, { label: "Method" },
    { label: "Status", type: "num" }, { label: "Body" }, { label: "Error" }, { label: "URL", type: "url" }], failRows));

  var violRows = D.v ? D.v.map(function (v) {
    var r = [v[0] ? "deny" : "warn", str(v[1])];
    if (v[0]) r.cls = "bad";
    return r;
  }) : [];
  tables.push(table("violations", "Violations", [{ label: "Level" }, { label: "Violation" }], violRows));
  if (D.d && D.d.length) {
    var diffRows = D.d.map(function (d) {
      var r = [str(d[0]), str(d[1]), str(d[2]), str(d[3])];
      if (r[0] === "hash changed" || r[0] === "host changed") r.cls = "bad";
      return r;
    });
    tables.push(table("diff", "Diff", [{ label: "Change" }, { label: "Package" }, { label: "Old" }, { label: "New" }], diffRows));
  }

  var host = document.getElementById("table-host"), tabs = document.getElementById("tabs");
  tables.forEach(function (t, k) {
    host.appendChild(t.el);
    var b = document.createElement("button");
    b.type = "button"; b.textContent = t.title; b.setAttribute("data-table", t.id);
    b.onclick = function () {
      tables.forEach(function (u) { u.el.hidden = u !== t; });
      tabs.querySelectorAll("button").forEach(function (x) { x.setAttribute("aria-selected", x === b ? "true" : "false"); });
    };
    tabs.appendChild(b);
    if (k === 0) b.onclick();
  });
  document.body.setAttribute("data-ready", "true");
})();
