// Jili's one script. A refused form comes back to the page it was filled in on: the server keeps
// what was typed (never a password) in #jili-kept; this puts it back into the form, opens the
// <details> the form is in, and says the reason at the field it is about.
(function () {
  "use strict";
  function restore() {
    var holder = document.getElementById("jili-kept");
    if (!holder) return;
    var kept;
    try { kept = JSON.parse(holder.getAttribute("data-kept")); } catch (e) { return; }
    var values = kept.values || {};
    // The form with that action; of several (one per line of a statement), the one whose hidden
    // fields were the ones sent.
    var form = null;
    var forms = document.querySelectorAll("form");
    for (var i = 0; i < forms.length; i++) {
      var action = forms[i].getAttribute("action") || window.location.pathname;
      if (action !== kept.form) continue;
      var hidden = forms[i].querySelectorAll("input[type=hidden][name]");
      var same = true;
      for (var h = 0; h < hidden.length; h++) {
        if (hidden[h].name !== "_csrf" && hidden[h].name in values && values[hidden[h].name] !== hidden[h].value) same = false;
      }
      if (same) { form = forms[i]; break; }
      if (!form) form = forms[i];
    }
    if (!form) return;
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll("[name]");
      for (var k = 0; k < fields.length; k++) {
        var field = fields[k];
        if (field.name !== name || field.type === "hidden" || field.type === "file" || field.type === "password") continue;
        if (field.type === "checkbox" || field.type === "radio") {
          field.checked = field.value === values[name] || (field.value === "on" && values[name] !== "");
        } else {
          field.value = values[name];
        }
      }
    });
    // Checkboxes the form did not send were not ticked.
    var boxes = form.querySelectorAll("input[type=checkbox][name]");
    if (Object.keys(values).length) for (var b = 0; b < boxes.length; b++) { if (!(boxes[b].name in values)) boxes[b].checked = false; }
    for (var d = form.parentElement; d; d = d.parentElement) { if (d.tagName === "DETAILS") d.open = true; }
    // Each field to change says why beside it; the first of them takes the focus.
    var reasons = kept.fields || {};
    if (kept.field && kept.message && !(kept.field in reasons)) reasons[kept.field] = kept.message;
    var first = null, n = 0;
    var named = form.querySelectorAll("[name]");
    for (var t = 0; t < named.length; t++) {
      var target = named[t];
      if (!(target.name in reasons) || target.type === "hidden" || target.getAttribute("aria-invalid")) continue;
      target.setAttribute("aria-invalid", "true");
      target.classList.add("invalid");
      var note = document.createElement("p");
      note.className = "error field";
      note.id = "jili-field-error-" + (n++);
      note.textContent = reasons[target.name];
      target.setAttribute("aria-describedby", note.id);
      var choice = target.type === "radio" || target.type === "checkbox";
      ((choice && target.closest("fieldset")) || target.closest("label") || target).insertAdjacentElement("afterend", note);
      delete reasons[target.name];
      first = first || target;
    }
    if (first) {
      first.focus();
    } else {
      (form.querySelector("input:not([type=hidden]), select, textarea") || form).scrollIntoView({ block: "center" });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", restore); else restore();
})();
