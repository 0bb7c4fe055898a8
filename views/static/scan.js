// depot's scanner capture: keyboard-wedge bursts page-wide, and the phone
// camera where the browser has BarcodeDetector. No dependencies.
//
// A burst is at least minLen keys whose mean gap is under maxGapMs, ended
// by Enter. Ctrl+] is GS (0x1D, the GS1 separator); an AIM prefix such as
// "]C1" is kept and left to the server. Both thresholds can be set per
// station: localStorage["depot.scan"] = '{"minLen":4,"maxGapMs":35}'.
(function () {
  "use strict";
  var GS = "\x1d";
  var cfg = { minLen: 4, maxGapMs: 35, resetMs: 120 };
  try { Object.assign(cfg, JSON.parse(localStorage.getItem("depot.scan") || "{}")); } catch (e) {}

  var buf = [], times = [], keys = [];

  function isField(el) {
    return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  function scanTarget(el) { return isField(el) && el.hasAttribute("data-scan"); }
  function meanGap() {
    if (times.length < 2) return Infinity;
    return (times[times.length - 1] - times[0]) / (times.length - 1);
  }
  function reset() { buf = []; times = []; keys = []; }

  // steps are a form's inputs that a scan fills in turn.
  function steps(form) {
    return Array.prototype.filter.call(form.querySelectorAll("[data-step]"), function (e) {
      return !e.disabled && e.type !== "hidden" && e.offsetParent !== null;
    });
  }
  function nextStep(el) {
    var list = el.form ? steps(el.form) : [];
    var i = list.indexOf(el);
    return i >= 0 && i + 1 < list.length ? list[i + 1] : null;
  }
  function advance(el) {
    var next = nextStep(el);
    if (next) { next.focus(); if (next.select) next.select(); return; }
    if (el.form) { el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit(); }
  }

  // deliver hands a complete scan to the focused step, or opens what it
  // names.
  function deliver(code, el) {
    var aim = /^\][A-Za-z][0-9A-Za-z]/.test(code) ? code.slice(0, 3) : "";
    var ev = new CustomEvent("scan", { bubbles: true, cancelable: true, detail: { code: code, aim: aim } });
    if (!(el || document.body).dispatchEvent(ev)) return; // a page took it
    if (scanTarget(el)) {
      // A code that is not a number scanned into a quantity is the next
      // step's: the quantity stays as it is (empty means one).
      if (el.inputMode === "numeric" && !/^[0-9]+$/.test(code)) {
        var next = nextStep(el);
        if (next) { next.value = code; advance(next); return; }
      }
      el.value = code;
      el.dispatchEvent(new Event("change", { bubbles: true }));
      if (el.hasAttribute("data-step")) { advance(el); } else if (el.form) { el.form.requestSubmit(); }
      return;
    }
    if (!isField(el)) window.location.assign("/scan?code=" + encodeURIComponent(code));
  }

  document.addEventListener("keydown", function (e) {
    var el = document.activeElement;
    var testing = document.getElementById("scanner-test");
    if (isField(el) && !scanTarget(el) && (!testing || el.closest("#scan-settings"))) return;
    var now = performance.now();
    if (times.length && now - times[times.length - 1] > cfg.resetMs) reset();
    var ch = null;
    if (e.ctrlKey && (e.key === "]" || e.code === "BracketRight")) ch = GS;
    else if (e.key === "Tab" && buf.length) ch = "\t";
    else if (e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) ch = e.key;
    if (ch !== null) {
      buf.push(ch); times.push(now); keys.push({ key: e.key, code: e.code, t: now });
      // In a burst, keys are data, not shortcuts.
      if ((ch === GS || ch === "\t" || !isField(el)) && buf.length > 1 && meanGap() < cfg.maxGapMs) e.preventDefault();
      if (ch === GS || ch === "\t") e.preventDefault();
      return;
    }
    if (e.key !== "Enter") return;
    var burst = buf.length >= cfg.minLen && meanGap() < cfg.maxGapMs && now - times[times.length - 1] < cfg.resetMs;
    if (testing) {
      if (buf.length) { e.preventDefault(); report(testing, buf.join(""), keys, now); }
      reset();
      return;
    }
    if (burst) {
      e.preventDefault();
      var code = buf.join("");
      reset();
      deliver(code, el);
      return;
    }
    reset();
    // Enter typed by hand in a step goes on to the next step.
    if (scanTarget(el) && el.hasAttribute("data-step")) { e.preventDefault(); advance(el); }
  }, true);

  // report fills the scanner self-test panel: every key with its gap, and
  // what differs from the expected code, with the usual layout causes.
  function report(panel, got, ks, end) {
    var want = panel.getAttribute("data-expect") || "";
    var aim = /^\][A-Za-z][0-9A-Za-z]/.test(got) ? got.slice(0, 3) : "";
    var data = aim ? got.slice(3) : got;
    var gaps = [];
    for (var i = 1; i < ks.length; i++) gaps.push(ks[i].t - ks[i - 1].t);
    var mean = gaps.length ? gaps.reduce(function (a, b) { return a + b; }, 0) / gaps.length : 0;
    set("scanner-got", visible(got));
    set("scanner-keys", String(ks.length));
    set("scanner-gap", gaps.length ? mean.toFixed(1) + " ms" : "–");
    set("scanner-maxgap", gaps.length ? Math.max.apply(null, gaps).toFixed(1) + " ms" : "–");
    set("scanner-aim", aim || "none");
    var body = panel.querySelector("#scanner-bytes tbody");
    body.textContent = "";
    var off = aim ? 3 : 0;
    ks.forEach(function (k, i) {
      var tr = document.createElement("tr");
      var c = got.charAt(i), w = i >= off ? want.charAt(i - off) : "";
      if (i >= off && c !== w) tr.className = "bad";
      [String(i + 1), visible(c), "0x" + c.charCodeAt(0).toString(16).padStart(2, "0") + " " + (k.code || ""),
        i ? (k.t - ks[i - 1].t).toFixed(1) : "", i >= off ? visible(w) : "(AIM)"].forEach(function (t, j) {
        var td = document.createElement("td"); td.textContent = t; if (j === 3) td.className = "num"; tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    var verdict;
    if (data === want) {
      verdict = "OK: the scan arrived intact (" + ks.length + " keys, mean gap " + mean.toFixed(1) + " ms)." +
        (mean >= cfg.maxGapMs ? " But the keys came slower than " + cfg.maxGapMs + " ms apart: depot takes this for typing, not a scan." : "");
    } else {
      var at = 0;
      while (at < data.length && data.charAt(at) === want.charAt(at)) at++;
      verdict = "Differs at character " + (at + 1) + ": expected " + JSON.stringify(want.charAt(at)) + ", got " +
        JSON.stringify(data.charAt(at)) + ". " + cause(want, data);
    }
    set("scanner-verdict", verdict);
    panel.setAttribute("data-result", data === want ? "ok" : "bad");
  }
  function cause(want, got) {
    var swaps = function (a, b) { return want.indexOf(a) >= 0 && got.indexOf(b) >= 0 && got.indexOf(a) < 0; };
    if (swaps("Z", "Y") || swaps("y", "z")) return "Z and Y are swapped: the scanner types for a US keyboard but this computer uses a German (QWERTZ) layout. Set the scanner's keyboard country to German, or the computer's layout to US.";
    if (swaps("A", "Q") || swaps("q", "a") || swaps("M", ",")) return "A and Q are swapped: the computer uses a French (AZERTY) layout. Set the scanner's keyboard country to French.";
    if (/[üöäßéèàç§]/i.test(got)) return "Letters that are not in the barcode (like ü or ß) arrived: the scanner and this computer disagree on the keyboard layout. Set the scanner's keyboard country to match the computer.";
    if (swaps("#", "\\") || swaps("-", "ß") || swaps("/", "-") || swaps("/", "&")) return "Punctuation moved (# - /): the keyboard layouts of scanner and computer differ. Set the scanner's keyboard country to match.";
    if (got.length < want.length) return "Characters are missing: the scanner may send too fast for this computer; slow its keystroke rate.";
    return "Check the scanner's keyboard country and its prefix and suffix settings.";
  }
  function visible(s) {
    return s.replace(/\x1d/g, "<GS>").replace(/\t/g, "<TAB>");
  }
  function set(id, text) { var e = document.getElementById(id); if (e) e.textContent = text; }

  // The decoder for browsers without BarcodeDetector: ZXing's, vendored
  // and served by the box, loaded the first time the camera is used.
  var base = (document.currentScript && document.currentScript.src) || "/static/scan.js";
  var decoder = null;
  function loadDecoder() {
    if (window.ZXingBrowser) return Promise.resolve(window.ZXingBrowser);
    if (decoder) return decoder;
    decoder = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = base.replace("scan.js", "zxing-browser.min.js");
      s.onload = function () { resolve(window.ZXingBrowser); };
      s.onerror = function () { decoder = null; reject(new Error("the barcode decoder did not load")); };
      document.head.appendChild(s);
    });
    return decoder;
  }

  // Camera scanning, a fallback for phones: the browser's BarcodeDetector
  // where it has one (Chrome on Android, macOS), ZXing elsewhere. The
  // camera needs a secure context, so the button shows only over https.
  function camera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    var top = document.querySelector(".top");
    if (!top || !document.querySelector(".signout")) return;
    var btn = document.createElement("button");
    btn.type = "button"; btn.className = "secondary camera"; btn.textContent = "Camera scan"; btn.id = "camera-scan";
    top.insertBefore(btn, top.querySelector(".signout"));
    var dlg = document.createElement("dialog");
    dlg.className = "camera-dialog";
    dlg.innerHTML = '<video playsinline muted></video><p class="muted" role="status">Point the camera at a barcode.</p><button type="button" class="secondary">Close</button>';
    document.body.appendChild(dlg);
    var video = dlg.querySelector("video"), note = dlg.querySelector("p"), stream = null, timer = null, controls = null, focused = null;
    function stop() {
      if (timer) clearInterval(timer);
      if (controls) controls.stop();
      if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
      stream = timer = controls = null;
      if (dlg.open) dlg.close();
    }
    function found(text, aim) {
      stop();
      if (focused && focused !== document.body && focused.focus) focused.focus();
      deliver(aim + text, scanTarget(focused) ? focused : null);
    }
    dlg.querySelector("button").addEventListener("click", stop);
    dlg.addEventListener("cancel", stop);
    btn.addEventListener("pointerdown", function () { focused = document.activeElement; });
    btn.addEventListener("click", function () {
      if (!focused) focused = document.activeElement;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (s) {
        stream = s; video.srcObject = s; video.play(); dlg.showModal();
        if ("BarcodeDetector" in window) {
          var detector = new window.BarcodeDetector({ formats: ["code_128", "ean_13", "ean_8", "upc_a", "data_matrix", "qr_code", "itf"] });
          timer = setInterval(function () {
            detector.detect(video).then(function (hits) {
              if (!hits.length) return;
              var v = hits[0].rawValue, f = hits[0].format;
              // GS1 symbols carry FNC1 as GS; give them their AIM id.
              var gs1 = v.indexOf(GS) >= 0;
              found(v, gs1 ? ({ code_128: "]C1", data_matrix: "]d2", qr_code: "]Q3" })[f] || "" : "");
            }).catch(function () {});
          }, 200);
          return;
        }
        loadDecoder().then(function (Z) {
          return new Z.BrowserMultiFormatReader().decodeFromVideoElement(video, function (result) {
            if (result) found(result.getText(), "");
          });
        }).then(function (c) { controls = c; if (!stream) c.stop(); }).catch(function (err) { note.textContent = err.message; });
      }).catch(function (err) {
        alert("The camera could not be opened: " + err.message);
      });
    });
  }
  // The station's thresholds, shown and saved on the scanner test page.
  function settings() {
    var f = document.getElementById("scan-settings");
    if (!f) return;
    f.minLen.value = cfg.minLen; f.maxGapMs.value = cfg.maxGapMs;
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      var min = parseInt(f.minLen.value, 10), gap = parseInt(f.maxGapMs.value, 10);
      if (!(min >= 1 && min <= 50 && gap >= 5 && gap <= 200)) { set("scanner-verdict", "Settings not saved: keys 1 to 50, gap 5 to 200 ms."); return; }
      cfg.minLen = min; cfg.maxGapMs = gap;
      localStorage.setItem("depot.scan", JSON.stringify({ minLen: min, maxGapMs: gap }));
      set("scanner-verdict", "Saved: scans of " + min + " keys or more, under " + gap + " ms apart.");
    });
  }
  window.depotScan = { loadDecoder: loadDecoder, deliver: deliver };
  function ready() { camera(); settings(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready); else ready();
})();
