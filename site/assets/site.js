/* Small enhancements on every page: quick exit, copy link, and the chat launcher.
   Everything here also works without JavaScript, only less smoothly. No other host is contacted. */
(function () {
  "use strict";

  function wipe() {
    try { sessionStorage.clear(); } catch (e) { /* storage disabled */ }
    try { localStorage.clear(); } catch (e) { /* storage disabled */ }
  }

  /* Quick exit: forget this site's storage and replace the history entry, so Back
     does not return here. The link itself works without JavaScript. */
  function quickExit(event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) return;
    event.preventDefault();
    wipe();
    document.body.innerHTML = "";
    window.location.replace(link.href);
  }
  document.addEventListener("click", quickExit);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && event.shiftKey) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) link.click();
    }
  });

  /* Copy link: copy the absolute deep link; without clipboard access the anchor still works. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a.copy-link");
    if (!link || !navigator.clipboard) return;
    event.preventDefault();
    navigator.clipboard.writeText(link.dataset.url).then(function () {
      var before = link.textContent;
      link.textContent = link.dataset.done;
      setTimeout(function () { link.textContent = before; }, 2000);
    }, function () { window.location.hash = link.getAttribute("href"); });
  });

  /* Chat: the widget script is loaded only when the reader opens it. */
  var root = document.getElementById("chat-root");
  if (!root) return;
  var button = root.querySelector(".chat-open");
  button.hidden = false;
  button.addEventListener("click", function () {
    if (window.RightsChat) { window.RightsChat.open(root); return; }
    var script = document.createElement("script");
    script.src = root.dataset.script;
    script.onload = function () { window.RightsChat.open(root); };
    document.head.appendChild(script);
  });
  window.RightsWipe = wipe;
})();
