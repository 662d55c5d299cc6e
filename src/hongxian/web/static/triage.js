// Keyboard triage (no mouse needed): queue j/k/Enter/x, / search, [ ] pages;
// detail 1-4 status, r reason, s save, n save and next, u back. Keys are ignored while typing.
(function () {
  "use strict";
  function typing(ev) {
    var t = ev.target;
    return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  function go(id) {
    var a = document.getElementById(id);
    if (a) { window.location.href = a.getAttribute("href"); }
  }
  function queue() {
    var rows = Array.prototype.slice.call(document.querySelectorAll("tr.qrow"));
    var at = -1;
    function mark(i) {
      if (!rows.length) { return; }
      if (at >= 0) { rows[at].classList.remove("kb-current"); }
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows[at].classList.add("kb-current");
      rows[at].scrollIntoView({ block: "nearest" });
    }
    if (rows.length) { mark(0); }
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (typing(ev)) { if (ev.key === "Escape") { ev.target.blur(); } return; }
      var k = ev.key;
      if (k === "j" || k === "ArrowDown") { mark(at + 1); ev.preventDefault(); }
      else if (k === "k" || k === "ArrowUp") { mark(at - 1); ev.preventDefault(); }
      else if ((k === "Enter" || k === "o") && at >= 0) { window.location.href = rows[at].getAttribute("data-href"); ev.preventDefault(); }
      else if (k === "x" && at >= 0) { var c = rows[at].querySelector("input[type=checkbox]"); c.checked = !c.checked; }
      else if (k === "/") { var q = document.querySelector("input[name=q]"); if (q) { q.focus(); ev.preventDefault(); } }
      else if (k === "]") { go("next-page"); }
      else if (k === "[") { go("prev-page"); }
    });
  }
  function detail(form) {
    var codes = { "1": "pending", "2": "confirmed", "3": "dismissed", "4": "escalated" };
    document.addEventListener("keydown", function (ev) {
      if (ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
      if (typing(ev)) { if (ev.key === "Escape") { ev.target.blur(); } return; }
      var k = ev.key;
      if (codes[k]) {
        var r = form.querySelector("input[name=status][value=" + codes[k] + "]");
        if (r) { r.checked = true; r.focus(); r.blur(); }
      } else if (k === "r") { form.querySelector("textarea[name=reason]").focus(); ev.preventDefault(); }
      else if (k === "s") { document.getElementById("save").click(); }
      else if (k === "n") { var b = document.getElementById("save-next"); if (b) { b.click(); } }
      else if (k === "u") { go("back-link"); }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.decide");
    if (document.querySelector("table.queue")) { queue(); }
    else if (form) { detail(form); }
  });
})();
