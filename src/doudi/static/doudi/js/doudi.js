// Doudi staff pages: small behaviours that CSP keeps out of the markup.
(function () {
  "use strict";

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    window.clearTimeout(toast.timer);
    toast.timer = window.setTimeout(function () { el.hidden = true; }, 5000);
  }

  var STATUS_TEXT = {
    400: "提交的内容有误，请检查后重试",
    403: "您无权执行此操作",
    404: "内容不存在，或不在您的管辖范围内",
    500: "服务器出错，请稍后再试"
  };

  document.addEventListener("htmx:responseError", function (evt) {
    var status = evt.detail.xhr ? evt.detail.xhr.status : 0;
    toast(STATUS_TEXT[status] || "请求失败（" + status + "），请稍后再试");
  });
  document.addEventListener("htmx:sendError", function () {
    toast("无法连接服务器，请检查网络后重试");
  });

  // Close the phone menu after following a link inside it.
  document.addEventListener("click", function (evt) {
    var link = evt.target.closest && evt.target.closest(".nav a");
    var toggle = document.getElementById("nav-toggle");
    if (link && toggle) toggle.checked = false;
  });
})();
