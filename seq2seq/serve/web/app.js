// The page of "nmt serve": translate as you type with POST /v1/translate
// and draw the attention of each sentence. Every text from the server is
// put in the page with textContent, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);
const source = $("source"), direction = $("direction"), statusLine = $("status");
let timer = 0, seq = 0;

function setStatus(text, error) {
  statusLine.textContent = text;
  statusLine.classList.toggle("error", !!error);
}

async function loadLanguages() {
  const resp = await fetch("languages");
  const langs = await resp.json();
  const names = Object.fromEntries(langs.map((l) => [l.code, l.name]));
  for (const l of langs) {
    for (const t of l.targets) {
      const opt = document.createElement("option");
      opt.value = l.code + "-" + t;
      opt.textContent = names[l.code] + " → " + (names[t] || t);
      direction.append(opt);
    }
  }
  const saved = localStorage.getItem("nmt-direction");
  if (saved && [...direction.options].some((o) => o.value === saved)) direction.value = saved;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(translate, 250);
}

async function translate() {
  const lines = source.value.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const mine = ++seq;
  if (lines.length === 0) {
    render({ sentences: [] });
    setStatus("");
    return;
  }
  const [src, tgt] = direction.value.split("-");
  setStatus("translating…");
  try {
    const resp = await fetch("v1/translate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ source: src, target: tgt, sentences: lines, n_best: 3 }),
    });
    const body = await resp.json();
    if (mine !== seq) return; // a newer request was sent
    if (!resp.ok) {
      setStatus(body.error || resp.statusText, true);
      return;
    }
    render(body);
    setStatus("");
  } catch (err) {
    if (mine === seq) setStatus("cannot reach the server: " + err.message, true);
  }
}

function render(body) {
  $("translation").textContent = body.sentences.map((s) => s.translation).join("\n");
  const nbest = $("nbest");
  nbest.replaceChildren();
  if (body.sentences.length === 1) {
    for (const h of body.sentences[0].n_best.slice(1)) {
      const li = document.createElement("li");
      const score = document.createElement("span");
      li.textContent = h.translation;
      score.textContent = h.score.toFixed(2);
      li.append(score);
      nbest.append(li);
    }
  }
  const list = $("sentences");
  list.replaceChildren();
  body.sentences.forEach((s, i) => {
    if (s.alignment) list.append(sentenceView(s, i));
  });
  requestAnimationFrame(() => list.querySelectorAll(".sentence").forEach(drawLines));
}

// heat maps a weight in [0, 1] to a colour from white to dark orange.
function heat(w) {
  const t = Math.sqrt(Math.max(0, Math.min(1, w)));
  const mix = (a, b) => Math.round(a + (b - a) * t);
  return `rgb(${mix(255, 124)}, ${mix(255, 45)}, ${mix(255, 18)})`;
}

function sentenceView(s, index) {
  const a = s.alignment;
  const view = $("sentence-template").content.firstElementChild.cloneNode(true);
  view.id = "s" + index;
  view.links = parseLinks(s.links);
  const info = view.querySelector(".info");
  const srcWords = view.querySelector(".words.src"), tgtWords = view.querySelector(".words.tgt");
  a.source_tokens.forEach((w, c) => srcWords.append(word(w, "c", c)));
  a.target_tokens.forEach((w, r) => tgtWords.append(word(w, "r", r)));
  const head = document.createElement("tr");
  head.append(document.createElement("th"));
  a.source_tokens.forEach((w, c) => {
    const th = document.createElement("th");
    th.scope = "col";
    th.dataset.c = c;
    th.textContent = w;
    head.append(th);
  });
  view.querySelector("thead").append(head);
  const tbody = view.querySelector("tbody");
  a.weights.forEach((row, r) => {
    const tr = document.createElement("tr");
    const th = document.createElement("th");
    th.scope = "row";
    th.dataset.r = r;
    th.textContent = a.target_tokens[r];
    tr.append(th);
    row.forEach((w, c) => {
      const td = document.createElement("td");
      td.dataset.r = r;
      td.dataset.c = c;
      td.dataset.w = w.toFixed(3);
      td.style.background = heat(w);
      td.tabIndex = -1;
      td.title = `${a.target_tokens[r]} ← ${a.source_tokens[c]}: ${w.toFixed(3)}`;
      tr.append(td);
    });
    tbody.append(tr);
  });
  const show = (ev) => {
    const el = ev.target.closest("[data-r], [data-c]");
    if (!el || !view.contains(el)) return;
    highlight(view, el.dataset.r, el.dataset.c);
    const r = el.dataset.r, c = el.dataset.c;
    if (r !== undefined && c !== undefined) {
      info.textContent = `${a.source_tokens[c]} → ${a.target_tokens[r]}: ${a.weights[r][c].toFixed(3)}`;
    } else if (r !== undefined) {
      info.textContent = a.target_tokens[r] + " ↔ " + linked(view.links, "t", +r).map((x) => a.source_tokens[x]).join(" ");
    } else {
      info.textContent = a.source_tokens[c] + " ↔ " + linked(view.links, "s", +c).map((x) => a.target_tokens[x]).join(" ");
    }
  };
  view.addEventListener("mouseover", show);
  view.addEventListener("focusin", show);
  view.addEventListener("mouseleave", () => highlight(view));
  return view;
}

function word(text, kind, i) {
  const span = document.createElement("span");
  span.textContent = text;
  span.dataset[kind] = i;
  span.tabIndex = 0;
  return span;
}

// parseLinks reads Pharaoh "s-t" pairs.
function parseLinks(text) {
  return (text || "").split(" ").filter((x) => x).map((p) => p.split("-").map(Number));
}

function linked(links, side, i) {
  return links.filter(([s, t]) => (side === "s" ? s : t) === i).map(([s, t]) => (side === "s" ? t : s));
}

// highlight marks the row r and column c (either may be undefined) and
// the links and words they touch.
function highlight(view, r, c) {
  view.querySelectorAll(".hl").forEach((el) => el.classList.remove("hl"));
  if (r === undefined && c === undefined) return;
  const mark = (sel) => view.querySelectorAll(sel).forEach((el) => el.classList.add("hl"));
  if (r !== undefined && c !== undefined) mark(`td[data-r="${r}"][data-c="${c}"]`);
  if (r !== undefined) {
    mark(`[data-r="${r}"]:not(td)`);
    for (const s of linked(view.links, "t", +r)) mark(`[data-c="${s}"]:not(td), line[data-s="${s}"][data-t="${r}"]`);
  }
  if (c !== undefined) {
    mark(`[data-c="${c}"]:not(td)`);
    for (const t of linked(view.links, "s", +c)) mark(`[data-r="${t}"]:not(td), line[data-s="${c}"][data-t="${t}"]`);
  }
}

// drawLines joins the aligned words with lines.
function drawLines(view) {
  const svg = view.querySelector(".lines");
  const box = svg.getBoundingClientRect();
  svg.replaceChildren();
  for (const [s, t] of view.links) {
    const a = view.querySelector(`.src [data-c="${s}"]`), b = view.querySelector(`.tgt [data-r="${t}"]`);
    if (!a || !b) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
    line.setAttribute("x1", ra.left + ra.width / 2 - box.left);
    line.setAttribute("y1", ra.bottom - box.top);
    line.setAttribute("x2", rb.left + rb.width / 2 - box.left);
    line.setAttribute("y2", rb.top - box.top);
    line.dataset.s = s;
    line.dataset.t = t;
    svg.append(line);
  }
}

function swap() {
  const [src, tgt] = direction.value.split("-");
  const back = tgt + "-" + src;
  if ([...direction.options].some((o) => o.value === back)) {
    direction.value = back;
    const out = $("translation").textContent;
    if (out) source.value = out;
    changed();
  }
}

function changed() {
  localStorage.setItem("nmt-direction", direction.value);
  schedule();
}

source.addEventListener("input", schedule);
direction.addEventListener("change", changed);
$("swap").addEventListener("click", swap);
document.addEventListener("keydown", (ev) => {
  if (ev.altKey && ev.key.toLowerCase() === "s") {
    ev.preventDefault();
    swap();
  }
});
window.addEventListener("resize", () => document.querySelectorAll(".sentence").forEach(drawLines));
loadLanguages().then(() => source.value && schedule(), (err) => setStatus("cannot load the languages: " + err.message, true));
