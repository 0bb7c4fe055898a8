// depot's scan-to-receive glue (/floor/receive). Every scan of an item is
// posted as a receipt of its own; scans wait in a queue kept in
// sessionStorage until the server has answered, so a scan that comes while
// the previous one posts, or just before a reload, is still posted, once.
// A queued scan keeps the idempotency key it was first sent with: sent
// again after a reload it returns the receipt already posted.
(function () {
  "use strict";
  var KEY = "depot.receive.queue";
  var busy = false;
  // paused while the screen asks to confirm an expiry: a queued scan must
  // not be taken for the answer. A new scan ends the pause.
  var paused = false;

  function form() { return document.getElementById("receive-form"); }
  function load() { try { return JSON.parse(sessionStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(q) { sessionStorage.setItem(KEY, JSON.stringify(q)); }
  function focusScan() {
    var f = form();
    if (!f) return;
    var el = f.querySelector("[autofocus]") || f.querySelector("#f-item");
    if (el) el.focus();
  }

  // pump sends the oldest queued scan when nothing is being sent.
  function pump() {
    var f = form();
    if (busy || paused || !f) return;
    var q = load().filter(function (s) { return s.po === f.dataset.po; });
    save(q);
    if (!q.length) return;
    var head = q[0], key = f.querySelector("input[name=key]");
    if (head.key) key.value = head.key; else { head.key = key.value; save(q); }
    // The screen asked for the lot: the next scan is the lot.
    var into = f.querySelector("[autofocus][data-scan]") || f.querySelector("#f-item");
    into.value = head.code;
    if (into.id === "f-item") {
      var mode = f.querySelector("input[name=condition][value='" + (head.condition || "ok") + "']");
      if (mode) mode.checked = true;
      f.querySelector("#f-qty").value = head.qty || "";
    }
    busy = true;
    document.getElementById("receive").classList.add("busy");
    // htmx sends it when it has taken the form over, the browser otherwise.
    f.requestSubmit();
  }

  // ack drops the queued scan the page has answered.
  function ack() {
    var q = load();
    q.shift();
    save(q);
    busy = false;
  }

  document.addEventListener("scan", function (e) {
    var f = form(), t = e.target;
    if (!f) return;
    // The lot field takes its own scans (scan.js fills it and posts).
    if (t && t.id === "f-lot") return;
    if (t && t.closest && t.closest("form") && !t.closest("#receive-form")) return;
    e.preventDefault();
    // A scan while the quantity or expiry had the focus typed into it
    // (scan.js leaves a field's keys alone): take it back out.
    if (t && (t.id === "f-qty" || t.id === "f-expiry")) {
      var typed = e.detail.code.replace(/\x1d/g, "");
      if (t.value.slice(-typed.length) === typed) t.value = t.value.slice(0, -typed.length);
    }
    paused = false;
    // The condition and quantity chosen when the scan came go with it.
    var mode = f.querySelector("input[name=condition]:checked");
    var q = load();
    q.push({ code: e.detail.code, po: f.dataset.po, condition: mode ? mode.value : "ok", qty: f.querySelector("#f-qty").value });
    save(q);
    pump();
  });

  // On the first step a scan anywhere names the purchase order.
  document.addEventListener("scan", function (e) {
    var start = document.getElementById("receive-start");
    if (!start || e.target === start.querySelector("#f-po")) return;
    e.preventDefault();
    start.querySelector("#f-po").value = e.detail.code;
    start.requestSubmit();
  });

  // fromForm reports whether an htmx event is of a request the scan form
  // sent (its detail.elt is the element being swapped, not the sender).
  function fromForm(e) {
    var c = e.detail.requestConfig;
    return !!(c && c.elt && c.elt.id === "receive-form");
  }

  // The answer to a queued scan, refused (400, 404, 409) or not, comes
  // back as the screen: show it, and drop the scan from the queue. This
  // runs before the swap.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var s = e.detail.xhr.status;
    if ((s === 400 || s === 404 || s === 409) && e.detail.target && e.detail.target.id === "receive") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
    if (busy && s > 0 && s < 500 && fromForm(e)) ack();
  });
  // No answer (network down, a 5xx): the same scan, same key, again.
  function retry(e) {
    var s = e.detail.xhr ? e.detail.xhr.status : 0;
    if (!busy || (s > 0 && s < 500) || !fromForm(e)) return;
    busy = false;
    setTimeout(pump, 2000);
  }
  document.addEventListener("htmx:sendError", retry);
  document.addEventListener("htmx:responseError", retry);
  // The new screen after an answer: focus the field it asks for, and send
  // the next queued scan.
  document.addEventListener("htmx:load", function (e) {
    if (!e.target || e.target.id !== "receive" || !form()) return;
    paused = !!document.getElementById("confirm");
    focusScan();
    pump();
  });
  // The condition buttons hand the focus back to the scan field, so the
  // next scan goes there.
  document.addEventListener("change", function (e) {
    if (e.target && e.target.name === "condition") focusScan();
  });

  function ready() {
    var f = form();
    if (!f) return;
    // After a reload: a scan this page already answered leaves the queue.
    var q = load(), last = document.getElementById("receive").dataset.lastKey;
    if (q.length && q[0].key && q[0].key === last) ack();
    paused = !!document.getElementById("confirm");
    focusScan();
    pump();
  }
  // After htmx's own start (it waits for DOMContentLoaded too).
  if (document.readyState === "complete") ready(); else document.addEventListener("DOMContentLoaded", ready);
})();
