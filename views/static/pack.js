// The packing station: a scan lands in the page's scan field wherever the
// focus is (after choosing a box, the focus is on its radio button), and
// the expected weight follows the chosen box.
(function () {
  "use strict";
  document.addEventListener("scan", function (e) {
    var f = document.getElementById("f-code") || document.getElementById("f-order");
    if (!f || e.target === f) return;
    e.preventDefault();
    f.value = e.detail.code;
    f.form.requestSubmit ? f.form.requestSubmit() : f.form.submit();
  });
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
