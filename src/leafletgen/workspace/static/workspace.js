// The workspace's small script: placeholders as chips in the translation fields, checking
// as one types, and a document's build progress. Every page works without it (the plain
// text fields stay then), and there is nothing to build: this file is served as it is.
(function () {
  "use strict";
  // A placeholder, or an escaped brace (placeholders.py reads them the same way).
  const TOKEN = /\{\{|\}\}|\{([a-z]+(?::[a-z0-9-]+)?)\}/g;

  function chip(name) {
    const span = document.createElement("span");
    span.className = "chip";
    span.contentEditable = "false";
    span.dataset.placeholder = name;
    span.textContent = name;
    return span;
  }

  function render(editable, text) {
    editable.textContent = "";
    let last = 0;
    for (const match of text.matchAll(TOKEN)) {
      if (!match[1]) continue;
      editable.append(text.slice(last, match.index), chip(match[1]));
      last = match.index + match[0].length;
    }
    editable.append(text.slice(last));
  }

  function serialise(node) {
    let text = "";
    node.childNodes.forEach((child) => {
      if (child.nodeType === Node.TEXT_NODE) {
        text += child.nodeValue;
      } else if (child.dataset && child.dataset.placeholder) {
        text += "{" + child.dataset.placeholder + "}";
      } else if (child.nodeName === "BR") {
        text += "\n";
      } else {
        if (child.nodeName === "DIV" || child.nodeName === "P") text += "\n";
        text += serialise(child);
      }
    });
    return text;
  }

  function insertAtCaret(editable, node) {
    const selection = window.getSelection();
    let range;
    if (selection.rangeCount && editable.contains(selection.getRangeAt(0).startContainer)) {
      range = selection.getRangeAt(0);
      range.deleteContents();
    } else {
      range = document.createRange();
      range.selectNodeContents(editable);
      range.collapse(false);
    }
    range.insertNode(node);
    range.setStartAfter(node);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  let checkTimer = null;
  function scheduleCheck(form) {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(() => check(form), 400);
  }

  async function check(form) {
    const response = await fetch(form.dataset.check, {
      method: "POST", body: new FormData(form), credentials: "same-origin"});
    if (!response.ok) return;
    const result = await response.json();
    const list = document.getElementById("problems");
    list.textContent = "";
    form.querySelectorAll(".editable.invalid").forEach((e) => e.classList.remove("invalid"));
    for (const problem of result.problems) {
      const item = document.createElement("li");
      item.textContent = problem.message;
      list.append(item);
      const field = form.querySelector(`.editable[data-key="${CSS.escape(problem.key)}"]`);
      if (field) field.classList.add("invalid");
    }
    form.dataset.checked = String(Number(form.dataset.checked || 0) + 1);
  }

  function enhance(form, textarea) {
    const editable = document.createElement("div");
    editable.className = "editable";
    editable.contentEditable = "true";
    editable.setAttribute("role", "textbox");
    editable.setAttribute("aria-multiline", "true");
    const label = form.querySelector(`label[for="${CSS.escape(textarea.id)}"]`);
    if (label) editable.setAttribute("aria-label", `${label.textContent} ${textarea.id}`);
    editable.lang = textarea.lang;
    editable.dir = textarea.dir;
    editable.style.cssText = textarea.style.cssText;
    editable.dataset.key = textarea.dataset.key;
    editable.dataset.for = textarea.id;
    render(editable, textarea.value);
    textarea.hidden = true;
    textarea.after(editable);
    const changed = () => {
      textarea.value = serialise(editable);
      scheduleCheck(form);
    };
    editable.addEventListener("input", changed);
    editable.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();  // a line end, not the <div> a browser would make
      insertAtCaret(editable, document.createTextNode("\n"));
      changed();
    });
    editable.addEventListener("paste", (event) => {
      event.preventDefault();  // text only: no markup from a word processor
      insertAtCaret(editable, document.createTextNode(event.clipboardData.getData("text/plain")));
      changed();
    });
    return editable;
  }

  const translation = document.getElementById("translation");
  if (translation) {
    translation.querySelectorAll("textarea[data-key]").forEach((t) => enhance(translation, t));
    translation.querySelectorAll(".chips button[data-placeholder]").forEach((button) => {
      button.addEventListener("click", () => {
        const holder = button.closest(".chips");
        const editable = translation.querySelector(`.editable[data-for="${CSS.escape(holder.dataset.for)}"]`);
        insertAtCaret(editable, chip(button.dataset.placeholder));
        editable.dispatchEvent(new Event("input"));
      });
    });
    translation.querySelectorAll("input[type=checkbox]").forEach((box) =>
      box.addEventListener("change", () => scheduleCheck(translation)));
    document.documentElement.classList.add("enhanced");
  }

  const progress = document.getElementById("progress");
  if (progress) {
    const builds = Number(progress.dataset.builds);
    const state = progress.querySelector(".build-state");
    const detail = progress.querySelector(".build-detail");
    const poll = async () => {
      const response = await fetch(progress.dataset.url, {credentials: "same-origin"});
      if (response.ok) {
        const known = await response.json();
        state.textContent = known.state;
        state.dataset.state = known.state;
        detail.textContent = known.total ? `${known.done}/${known.total} ${known.current}` : "";
        if (known.builds > builds && (known.state === "ready" || known.state === "failed")) {
          window.location.reload();  // the new pages and findings
          return;
        }
      }
      setTimeout(poll, 1000);
    };
    poll();
  }
})();
