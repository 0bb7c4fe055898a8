// The packing station: a scan lands in the page's scan field wherever the
// focus is (after choosing a box, the focus is on its radio button), the
// station's own scanner (serial, HID or simulated: it types into no
// browser) arrives over an event stream and goes the same way, and the
// expected weight follows the chosen box.
(function () {
  "use strict";
  function field() { return document.getElementById("f-code") || document.getElementById("f-order"); }
  function submit(f, code) {
    f.value = code;
    f.form.requestSubmit ? f.form.requestSubmit() : f.form.submit();
  }
  document.addEventListener("scan", function (e) {
    var f = field();
    if (!f || e.target === f) return;
    e.preventDefault();
    submit(f, e.detail.code);
  });
  var form = document.querySelector("form[data-scans]");
  if (form && window.EventSource) {
    var sent = false;
    var es = new EventSource(form.getAttribute("data-scans"));
    window.depotPackScans = es;
    es.addEventListener("scan", function (e) {
      var f = field();
      if (!f || sent) return;
      sent = true; // one scan per page: the next page listens again
      submit(f, JSON.parse(e.data).code);
    });
  }
  function grams(mg) {
    if (mg >= 1000000) return (mg / 1000000).toFixed(3) + " kg";
    return String(Math.round(mg) / 1000) + " g";
  }
  document.addEventListener("change", function (e) {
    var el = e.target;
    if (el.name !== "box" || el.type !== "radio") return;
    document.querySelectorAll("form input[type=hidden][name=box]").forEach(function (h) { h.value = el.value; });
    var exp = document.getElementById("pack-expected");
    if (exp) exp.textContent = grams(Number(exp.getAttribute("data-items")) + Number(el.getAttribute("data-tare")));
    var f = document.getElementById("f-code");
    if (f) f.focus();
  });
})();

// Verify by itself: once every item is in and no failed check is on the
// screen, a new stable weight from the scale (the live part, swapped in by
// the event stream) submits the check, once per page. Off and on is kept
// per browser.
(function () {
  "use strict";
  var auto = document.getElementById("pack-auto");
  var form = document.getElementById("pack-verify");
  var live = document.querySelector(".pack-live");
  if (!auto || !form || !live) return;
  auto.checked = localStorage.getItem("depot.pack.auto") !== "off";
  auto.addEventListener("change", function () { localStorage.setItem("depot.pack.auto", auto.checked ? "on" : "off"); });
  function weight() {
    var w = live.querySelector(".weight");
    return w ? w.textContent.trim() : "";
  }
  var first = weight(), sent = false;
  new MutationObserver(function () {
    var text = weight();
    if (sent || !auto.checked || text === first) return;
    if (!document.getElementById("pack-ready") || document.getElementById("pack-result")) return;
    var m = /^(-?[0-9.]+) [a-z]+ stable$/.exec(text);
    if (!m || !(parseFloat(m[1]) > 0)) return;
    sent = true;
    form.requestSubmit ? form.requestSubmit() : form.submit();
  }).observe(live, { childList: true, subtree: true, characterData: true });
})();
