// The label page's "Print from the browser" button: the page's print
// stylesheet (labels.css) shows only the labels, one per sheet.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-print-page]");
    if (b) {
      e.preventDefault();
      window.print();
    }
  });
})();
