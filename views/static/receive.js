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
    busy = true;
    document.getElementById("receive").classList.add("busy");
    if (window.htmx) htmx.trigger(f, "submit"); else f.submit();
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
    if (t && t.closest && t.closest("#receive-form") && t.id !== "f-item" && t.hasAttribute("data-scan")) return;
    if (t && t.closest && t.closest("form") && !t.closest("#receive-form")) return;
    e.preventDefault();
    paused = false;
    var q = load();
    q.push({ code: e.detail.code, po: f.dataset.po });
    save(q);
    pump();
  });

  // A refused scan (400, 404, 409) comes back as the screen with the error:
  // show it like an answer.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var s = e.detail.xhr.status;
    if ((s === 400 || s === 404 || s === 409) && e.detail.target && e.detail.target.id === "receive") {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (!e.detail.elt || e.detail.elt.id !== "receive-form" || !busy) return;
    if (e.detail.xhr && e.detail.xhr.status > 0) { ack(); return; }
    // No answer (network down): try the same scan, same key, again.
    busy = false;
    setTimeout(pump, 2000);
  });
  document.addEventListener("htmx:afterSettle", function (e) {
    if (!form()) return;
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
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
