// 适老化: font-size switch and high-contrast mode, persisted in cookies so the server renders
// the chosen mode on the next page without a flash.
(function () {
  "use strict";
  var root = document.documentElement;
  function setCookie(name, value) {
    var secure = window.location.protocol === "https:" ? ";Secure" : "";
    document.cookie = name + "=" + value + ";path=/;max-age=31536000;SameSite=Lax" + secure;
  }
  function sync() {
    var font = document.getElementById("font-switch");
    var contrast = document.getElementById("contrast-switch");
    if (font) font.setAttribute("aria-pressed", String(root.dataset.font === "large"));
    if (contrast) contrast.setAttribute("aria-pressed", String(root.dataset.contrast === "high"));
  }
  function toggle(kind) {
    if (kind === "font") {
      root.dataset.font = root.dataset.font === "large" ? "normal" : "large";
      setCookie("yg_font", root.dataset.font);
    } else {
      root.dataset.contrast = root.dataset.contrast === "high" ? "normal" : "high";
      setCookie("yg_contrast", root.dataset.contrast);
    }
    sync();
  }
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    document.querySelectorAll("[data-a11y]").forEach(function (btn) {
      btn.addEventListener("click", function () { toggle(btn.dataset.a11y); });
    });
  });
})();
