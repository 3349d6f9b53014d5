// booklet studio: the form's values to the server, the proof and the errors back.
"use strict";

const body = document.body;
const token = body.dataset.token;
const slug = body.dataset.slug;

function post(path, data, raw) {
  return fetch(path, {
    method: "POST",
    headers: { "X-Studio-Token": token, "Content-Type": raw ? "application/octet-stream" : "application/json" },
    body: raw ? data : JSON.stringify(data),
  }).then(async (response) => {
    let reply;
    try { reply = await response.json(); } catch (e) { reply = { status: "error", message: await response.text() }; }
    reply.httpStatus = response.status;
    return reply;
  });
}

function slugify(text) {
  return text.toLowerCase().replace(/æ/g, "ae").replace(/ø/g, "oe").replace(/å/g, "aa")
    .normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60);
}

// --- the start page ---------------------------------------------------------------------------

const newForm = document.getElementById("new");
if (newForm) {
  const name = document.getElementById("new-name");
  const slugInput = document.getElementById("new-slug");
  let typed = false;
  slugInput.addEventListener("input", () => { typed = true; });
  name.addEventListener("input", () => { if (!typed) slugInput.value = slugify(name.value); });
  newForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const reply = await post("/new", { slug: slugInput.value, name: name.value });
    const error = document.getElementById("new-error");
    if (reply.url) { window.location = reply.url; return; }
    error.textContent = reply.message || "Udgaven kunne ikke oprettes.";
    error.hidden = false;
  });
}

// --- the form's values ------------------------------------------------------------------------

function fieldsOf(record) {
  return [...record.querySelectorAll(".field")].filter((f) => f.parentElement.closest(".record") === record);
}

function valueOf(field) {
  const kind = field.dataset.kind;
  if (kind === "text") return field.querySelector("input").value;
  if (kind === "paragraphs") return field.querySelector("textarea").value;
  if (kind === "choice") { const c = field.querySelector("input:checked"); return c ? c.value : ""; }
  if (kind === "file") return field.querySelector("select").value;
  if (kind === "image") return field.dataset.value || "";
  if (kind === "group") {
    const enable = field.querySelector(":scope > label > .enable");
    if (enable && !enable.checked) return null;
    return recordValues(field.querySelector(":scope > .record"));
  }
  if (kind === "repeat") return [...field.querySelectorAll(":scope > .items > .item")].map(recordValues);
  if (kind === "wishes") {
    const enable = field.querySelector(".enable");
    if (!enable.checked) return null;
    return [...field.querySelectorAll(".wish-list > li")].filter((li) => li.querySelector("input").checked)
      .map((li) => (/^\d+$/.test(li.dataset.key) ? Number(li.dataset.key) : li.dataset.key));
  }
  if (kind === "cmyk") {
    const out = {};
    for (const row of field.querySelectorAll(".colour")) {
      const values = [...row.querySelectorAll("input")].map((i) => i.value.trim());
      if (values.some((v) => v !== "")) out[row.dataset.key] = values.map((v, i) => v === "" ? row.querySelectorAll("input")[i].placeholder : v);
    }
    return out;
  }
  if (kind === "srgb") {
    const out = {};
    for (const row of field.querySelectorAll(".colour")) {
      const v = row.querySelector("input").value.trim();
      if (v) out[row.dataset.key] = v;
    }
    return out;
  }
  return null;
}

function recordValues(record) {
  const out = {};
  for (const field of fieldsOf(record)) {
    const value = valueOf(field);
    if (value !== null) out[field.dataset.name] = value;
  }
  return out;
}

// every field by its path in edition.yaml (a repeat's items by their index)
function paths(record, prefix, out) {
  for (const field of fieldsOf(record)) {
    const path = prefix + field.dataset.name;
    out[path] = field;
    if (field.dataset.kind === "group") paths(field.querySelector(":scope > .record"), path + ".", out);
    if (field.dataset.kind === "repeat") {
      field.querySelectorAll(":scope > .items > .item").forEach((item, i) => paths(item, `${path}.${i}.`, out));
    }
  }
  return out;
}

// --- errors at their fields -------------------------------------------------------------------

function errorNode(field, key) {
  if (key) {
    const row = field.querySelector(`.colour[data-key="${CSS.escape(key)}"]`);
    if (row) return row.querySelector(".error");
  }
  return field.querySelector(":scope > .error");
}

function showErrors(errors, general) {
  const root = document.getElementById("root");
  const byPath = paths(root, "", {});
  document.querySelectorAll(".error").forEach((e) => { e.hidden = true; e.textContent = ""; });
  document.querySelectorAll("[aria-invalid]").forEach((e) => e.removeAttribute("aria-invalid"));
  const summary = document.getElementById("summary");
  const items = [];
  for (const [path, messages] of Object.entries(errors || {})) {
    let field = byPath[path], key = null;
    if (!field) {  // a colour: its map's field, and the colour's name
      const cut = path.lastIndexOf(".");
      field = byPath[path.slice(0, cut)];
      key = path.slice(cut + 1);
    }
    if (!field) { general = [...(general || []), `${path}: ${messages.join(" ")}`]; continue; }
    const node = errorNode(field, key);
    node.textContent = messages.join(" ");
    node.hidden = false;
    const control = key ? field.querySelector(`.colour[data-key="${CSS.escape(key)}"] input`) : field.querySelector("input, textarea, select");
    if (control) control.setAttribute("aria-invalid", "true");
    const label = (field.querySelector(":scope > label, :scope > legend, :scope > summary") || {}).textContent || path;
    items.push({ text: `${label.trim()}: ${messages.join(" ")}`, target: control });
  }
  for (const message of general || []) items.push({ text: message, target: null });
  summary.replaceChildren();
  if (!items.length) { summary.hidden = true; return; }
  const heading = document.createElement("h3");
  heading.textContent = items.length === 1 ? "1 fejl: udgaven gemmes ikke, før den er rettet" : `${items.length} fejl: udgaven gemmes ikke, før de er rettet`;
  const list = document.createElement("ul");
  for (const item of items) {
    const li = document.createElement("li");
    if (item.target && item.target.id) {
      const a = document.createElement("a");
      a.href = "#" + item.target.id;
      a.textContent = item.text;
      li.append(a);
    } else li.textContent = item.text;
    list.append(li);
  }
  summary.append(heading, list);
  summary.hidden = false;
}

// --- colours ----------------------------------------------------------------------------------

function showColours(colours) {
  for (const [name, info] of Object.entries(colours || {})) {
    document.querySelectorAll(`.colours .colour[data-key="${CSS.escape(name)}"]`).forEach((row) => {
      row.querySelector(".swatch").style.background = info.screen;
      row.querySelector(".screen").textContent = info.screen;
      row.querySelector(".warning").textContent = info.warnings.join(" ");
    });
  }
}

// --- the proof ----------------------------------------------------------------------------------

let latest = 0;  // the newest request sent: an older answer never replaces a newer one
let shownSpreads = [];
let proofState = null;

function pageImage(hash, size, number) {
  const img = document.createElement("img");
  img.src = `/image/${hash}/${size}`;
  img.alt = number === 1 ? "Forsiden" : `Side ${number}`;
  return img;
}

function showSpread(index, focus) {
  if (!proofState) return;
  const pair = proofState.spreads[index];
  const figure = document.createElement("figure");
  figure.className = "spread";
  for (const page of pair) {
    if (page === null) { const blank = document.createElement("span"); blank.className = "nopage"; figure.append(blank); }
    else figure.append(pageImage(proofState.pages[page], "full", page + 1));
  }
  const caption = document.createElement("figcaption");
  caption.textContent = pair.filter((p) => p !== null).map((p) => p === 0 ? "forsiden" : `side ${p + 1}`).join(" og ");
  caption.textContent = caption.textContent.charAt(0).toUpperCase() + caption.textContent.slice(1);
  figure.append(caption);
  return figure;
}

function renderProof(reply) {
  proofState = reply;
  // the spreads the change touched; nothing touched: the ones shown before
  const keep = shownSpreads.filter((i) => i < reply.spreads.length);
  shownSpreads = reply.touched.length ? reply.touched.slice(0, 2) : (keep.length ? keep : [0]);
  const spreadsBox = document.getElementById("spreads");
  spreadsBox.replaceChildren(...shownSpreads.map((i) => showSpread(i)));
  const strip = document.getElementById("strip");
  strip.replaceChildren();
  reply.spreads.forEach((pair, index) => {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "thumb" + (reply.touched.includes(index) ? " touched" : "");
    const names = pair.filter((p) => p !== null).map((p) => p + 1);
    button.setAttribute("aria-label", `Vis ${names.length > 1 ? "siderne " + names.join(" og ") : "side " + names[0]}${reply.touched.includes(index) ? " (ændret)" : ""}`);
    for (const page of pair) {
      if (page === null) { const s = document.createElement("span"); s.className = "nopage"; button.append(s); }
      else { const img = pageImage(reply.pages[page], "thumb", page + 1); img.alt = ""; button.append(img); }
    }
    button.addEventListener("click", () => { shownSpreads = [index]; spreadsBox.replaceChildren(showSpread(index)); });
    li.append(button);
    strip.append(li);
  });
  const notes = document.getElementById("notes");
  notes.hidden = !(reply.notes || []).length;
  notes.querySelector("[lang=en]").textContent = (reply.notes || []).join("; ") + ".";
}

let lastSent = null;
async function requestProof() {
  const values = recordValues(document.getElementById("root"));
  const sent = JSON.stringify(values);
  if (sent === lastSent) return;  // as the last request: its answer stands
  lastSent = sent;
  const generation = ++latest;
  const status = document.getElementById("proof-status");
  status.textContent = "Korrekturen bygges …";
  const reply = await post(`/e/${slug}/proof`, { values });
  if (generation !== latest) return;  // a newer request is on its way
  showColours(reply.colours);
  if (reply.status === "ok") {
    showErrors({}, []);
    renderProof(reply);
    const n = reply.touched.length;
    status.textContent = `Korrekturen er opdateret: ${reply.pages.length} sider, ${n === 1 ? "1 opslag" : n + " opslag"} ændret.`;
    body.dataset.proof = reply.pages.join(",");
  } else if (reply.status === "invalid") {
    showErrors(reply.errors, reply.general);
    status.textContent = "Udgaven har fejl (se ved felterne). Korrekturen viser den sidste gyldige udgave.";
    if (!proofState && reply.pages && reply.pages.length) renderProof({ ...reply, touched: [], spreads: [] });
  } else if (reply.status !== "superseded") {
    status.textContent = reply.message || "Korrekturen kunne ikke bygges.";
  }
}

let timer = null;
function changed() {
  document.getElementById("save-status").textContent = "Ændringer er ikke gemt.";
  clearTimeout(timer);
  timer = setTimeout(requestProof, 500);
}

// --- the form's controls ------------------------------------------------------------------------

const editionForm = document.getElementById("edition");
if (editionForm) {
  editionForm.addEventListener("input", changed);
  editionForm.addEventListener("change", (event) => {
    if (event.target.classList.contains("enable")) {
      const record = event.target.closest(".field").querySelector(".record");
      record.hidden = !event.target.checked;
    }
    if (event.target.type === "file") return;
    changed();
  });
  editionForm.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const field = button.closest(".field");
    if (button.classList.contains("add")) {
      const list = field.querySelector(":scope > .items");
      const item = field.querySelector(":scope > template").content.firstElementChild.cloneNode(true);
      const n = Date.now().toString(36);
      item.querySelectorAll("[id]").forEach((e) => { e.id = e.id.replace("-N-", `-${n}-`); });
      item.querySelectorAll("[for]").forEach((e) => { e.htmlFor = e.htmlFor.replace("-N-", `-${n}-`); });
      item.querySelectorAll("[aria-describedby]").forEach((e) => e.setAttribute("aria-describedby", e.getAttribute("aria-describedby").replaceAll("-N-", `-${n}-`)));
      list.append(item);
      item.querySelector("input, textarea").focus();
      changed();
    } else if (button.classList.contains("remove")) {
      const item = button.closest(".item");
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      (next ? next.querySelector("input") : field.querySelector(".add")).focus();
      changed();
    } else if (button.classList.contains("up") || button.classList.contains("down")) {
      const li = button.closest("li");
      if (button.classList.contains("up") && li.previousElementSibling) li.parentElement.insertBefore(li, li.previousElementSibling);
      else if (button.classList.contains("down") && li.nextElementSibling) li.parentElement.insertBefore(li.nextElementSibling, li);
      button.focus();
      changed();
    } else if (button.classList.contains("clear")) {
      field.dataset.value = "";
      field.querySelector(".current").textContent = "Intet logo";
      field.querySelector("input[type=file]").value = "";
      changed();
    }
  });
  document.querySelectorAll(".field[data-kind=image] input[type=file]").forEach((input) => {
    input.addEventListener("change", async () => {
      const field = input.closest(".field");
      const file = input.files[0];
      if (!file) return;
      const current = field.querySelector(".current");
      current.textContent = "Logoet kontrolleres …";
      const reply = await post(`/e/${slug}/logo`, file, true);
      if (reply.status === "stored") {
        field.dataset.value = reply.name;
        current.textContent = `Nu: ${file.name}`;
        changed();
      } else {
        current.textContent = field.dataset.value ? `Nu: ${field.dataset.value}` : "Intet logo";
        const error = field.querySelector(":scope > .error");
        error.textContent = reply.errors ? reply.errors.logo.join(" ") : reply.message;
        error.hidden = false;
        input.setAttribute("aria-invalid", "true");
      }
    });
  });

  editionForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = document.getElementById("save-status");
    status.textContent = "Gemmer …";
    const reply = await post(`/e/${slug}/save`, { values: recordValues(document.getElementById("root")), version: body.dataset.version });
    const conflict = document.getElementById("conflict");
    conflict.hidden = true;
    if (reply.status === "saved") {
      body.dataset.version = reply.version;
      body.dataset.saved = "true";
      showErrors({}, []);
      status.textContent = "Gemt i source/editions/" + slug + "/.";
    } else if (reply.status === "invalid") {
      showErrors(reply.errors, reply.general);
      status.textContent = "Ikke gemt: udgaven har fejl (se ved felterne).";
    } else if (reply.status === "conflict") {
      status.textContent = "Ikke gemt.";
      document.getElementById("conflict-message").textContent = reply.message;
      conflict.hidden = false;
      document.getElementById("reload").focus();
    } else {
      status.textContent = reply.message || "Ikke gemt.";
    }
  });

  document.getElementById("reload").addEventListener("click", async () => {
    const reply = await post(`/e/${slug}/reload`, {});
    if (reply.status === "reloaded") window.location.reload();
  });

  document.querySelectorAll(".download").forEach((link) => {
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      const status = document.getElementById("download-status");
      if (body.dataset.saved !== "true") { status.textContent = "Gem udgaven først: filerne bygges af den gemte udgave."; return; }
      const kind = link.dataset.kind;
      const query = new URLSearchParams({ marks: document.getElementById("marks").value, wish: document.getElementById("wish").value });
      status.textContent = "Filen bygges …";
      const response = await fetch(`/e/${slug}/download/${kind}?${query}`, { headers: { "X-Studio-Token": token } });
      if (!response.ok) { status.textContent = (await response.json()).message || "Filen kunne ikke bygges."; return; }
      const blob = await response.blob();
      const name = decodeURIComponent((response.headers.get("Content-Disposition") || "").replace(/.*filename="([^"]+)".*/, "$1"));
      const a = document.createElement("a");
      a.href = URL.createObjectURL(blob);
      a.download = name;
      document.body.append(a);
      a.click();
      a.remove();
      status.textContent = `Hentet: ${name}.`;
    });
  });

  requestProof();
}
