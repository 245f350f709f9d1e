"use strict";
// The registry's search and browse page: everything comes from /api/v1 and is inserted as text.
const PAGE = 20;
const $ = (id) => document.getElementById(id);

function show(view) {
  $("results-view").hidden = view !== "results";
  $("pack-view").hidden = view !== "pack";
}

function fail(message) {
  const e = $("error");
  e.textContent = message;
  e.hidden = false;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  const body = await r.json().catch(() => null);
  if (!r.ok) {
    throw new Error(body && body.error ? body.error.message : "HTTP " + r.status);
  }
  return body;
}

function parseHash() {
  const h = location.hash.slice(1) || "/";
  const i = h.indexOf("?");
  return i < 0
    ? { path: h, params: new URLSearchParams() }
    : { path: h.slice(0, i), params: new URLSearchParams(h.slice(i + 1)) };
}

async function route() {
  $("error").hidden = true;
  const { path, params } = parseHash();
  try {
    if (path.startsWith("/pack/")) {
      await showPack(decodeURIComponent(path.slice("/pack/".length)));
    } else {
      await showSearch(params.get("q") || "", parseInt(params.get("page") || "1", 10) || 1);
    }
  } catch (e) {
    fail(e.message);
  }
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

async function showSearch(q, page) {
  $("q").value = q;
  const offset = (page - 1) * PAGE;
  const data = await getJson(
    "/api/v1/search?q=" + encodeURIComponent(q) + "&limit=" + PAGE + "&offset=" + offset);
  const list = $("results");
  list.replaceChildren();
  for (const hit of data.hits) {
    const li = el("li", "hit");
    li.dataset.id = hit.entry.id;
    const a = el("a", "pack-link", hit.entry.id);
    a.href = "#/pack/" + encodeURIComponent(hit.entry.id);
    li.append(a, el("span", "vers", " " + hit.entry.vers), el("p", "description", hit.entry.description),
      el("p", "keywords", hit.entry.keywords.join(", ")));
    list.append(li);
  }
  const pages = Math.max(1, Math.ceil(data.total / PAGE));
  $("summary").textContent = data.total === 1 ? "1 pack" : data.total + " packs";
  $("page").textContent = "page " + page + " of " + pages;
  $("prev").disabled = page <= 1;
  $("next").disabled = page >= pages;
  $("prev").onclick = () => go(q, page - 1);
  $("next").onclick = () => go(q, page + 1);
  show("results");
}

function go(q, page) {
  const hash = "#/?q=" + encodeURIComponent(q) + "&page=" + page;
  if (location.hash === hash) {
    route();
  } else {
    location.hash = hash;
  }
}

function formatSize(n) {
  return n < 1024 ? n + " B" : (n / 1024).toFixed(1) + " KiB";
}

async function showPack(id) {
  const p = await getJson("/api/v1/packs/" + encodeURIComponent(id));
  $("pack-title").textContent = p.id;
  $("pack-description").textContent = p.description;
  $("pack-meta").textContent = [
    p.latest ? "latest " + p.latest : "every version is yanked",
    p.license,
    p.keywords.join(", "),
  ].filter(Boolean).join(" · ");
  const body = $("versions").tBodies[0];
  body.replaceChildren();
  for (const v of p.versions) {
    const tr = el("tr", v.yanked ? "version yanked" : "version");
    tr.dataset.version = v.vers;
    const cells = [
      v.vers,
      new Date(v.published_at * 1000).toISOString().slice(0, 10),
      formatSize(v.size),
      v.cksum.slice(0, 19) + "…",
      v.yanked ? "yanked" : "",
    ];
    for (const c of cells) tr.append(el("td", "", c));
    const a = el("a", "download", "download");
    a.href = v.download;
    const td = el("td");
    td.append(a);
    tr.append(td);
    body.append(tr);
  }
  $("install").textContent = p.latest ? "ggen marketplace install " + p.id + "@" + p.latest : "";
  show("pack");
}

$("search-form").addEventListener("submit", (e) => {
  e.preventDefault();
  go($("q").value.trim(), 1);
});
window.addEventListener("hashchange", route);
route();
