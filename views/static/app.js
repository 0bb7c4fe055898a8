// depot's own script: small glue around htmx. Everything else is HTML.
(function () {
  "use strict";
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    // A session that ended (signed out elsewhere, expired): go sign in.
    if (xhr.status === 401) {
      window.location.assign("/login?next=" + encodeURIComponent(location.pathname + location.search));
    }
  });
  // SSE reconnects by itself; say so on the page while it is down.
  document.addEventListener("htmx:sseError", function (e) {
    document.body.classList.add("offline");
  });
  document.addEventListener("htmx:sseOpen", function () {
    document.body.classList.remove("offline");
  });
})();
