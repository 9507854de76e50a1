/* The web chat, loaded only when the reader opens it (site.js). It talks to the bot's REST
   channel; renders every bot text with textContent (never HTML); turns only links to this
   site into links; keeps its random session id in sessionStorage (quick exit wipes it). */
(function () {
  "use strict";
  var KEY = "rights-chat-session";

  function sessionId() {
    var id = null;
    try { id = sessionStorage.getItem(KEY); } catch (e) { /* storage off */ }
    if (!id) {
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { sessionStorage.setItem(KEY, id); } catch (e) { /* storage off */ }
    }
    return id;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }

  /* Text with links to this site made clickable; anything else stays plain text. */
  function renderText(target, text, siteOrigin) {
    var parts = text.split(/(https?:\/\/[^\s]+)/);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var url;
        try { url = new URL(part); } catch (e) { url = null; }
        if (url && url.origin === siteOrigin) {
          var a = el("a", "chat-link", part);
          a.href = url.href;
          target.appendChild(a);
          return;
        }
      }
      target.appendChild(document.createTextNode(part));
    });
  }

  function build(root) {
    var d = root.dataset;
    var siteOrigin = new URL(d.site, window.location.href).origin;
    var box = el("section", "chat-box");
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", d.tChatTitle);
    box.dir = d.dir;
    box.lang = d.lang;
    var head = el("header", "chat-head");
    head.appendChild(el("strong", "", d.tChatTitle));
    var close = el("button", "chat-close", "×");
    close.type = "button";
    close.setAttribute("aria-label", d.tChatClose);
    head.appendChild(close);
    var log = el("div", "chat-log");
    log.setAttribute("aria-live", "polite");
    var note = el("p", "chat-note", d.tChatPrivacy);
    var form = el("form", "chat-form");
    var input = el("input", "chat-input");
    input.type = "text";
    input.maxLength = 500;
    input.autocomplete = "off";
    input.placeholder = d.tChatPlaceholder;
    input.setAttribute("aria-label", d.tChatPlaceholder);
    var send = el("button", "chat-send", d.tChatSend);
    send.type = "submit";
    form.appendChild(input);
    form.appendChild(send);
    box.appendChild(head);
    box.appendChild(note);
    box.appendChild(log);
    box.appendChild(form);
    root.appendChild(box);

    function add(who, text, buttons) {
      var msg = el("div", "chat-msg chat-" + who);
      msg.dir = "auto";
      renderText(msg, text || "", siteOrigin);
      log.appendChild(msg);
      if (buttons && buttons.length) {
        var row = el("div", "chat-buttons");
        buttons.forEach(function (b) {
          var btn = el("button", "chat-choice", b.title);
          btn.type = "button";
          btn.addEventListener("click", function () { ask(b.payload, b.title); });
          row.appendChild(btn);
        });
        log.appendChild(row);
      }
      log.scrollTop = log.scrollHeight;
    }

    function ask(message, shown) {
      add("user", shown || message);
      fetch(d.botUrl.replace(/\/$/, "") + "/webhooks/rest/webhook", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "omit",
        referrerPolicy: "no-referrer",
        body: JSON.stringify({ sender: sessionId(), message: message, metadata: { lang: d.lang } })
      }).then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      }).then(function (replies) {
        replies.forEach(function (reply) { add("bot", reply.text, reply.buttons); });
      }).catch(function () { add("bot error", d.tChatError); });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) return;
      input.value = "";
      ask(text);
    });
    close.addEventListener("click", function () { box.hidden = true; });
    return { box: box, input: input };
  }

  var chat = null;
  window.RightsChat = {
    open: function (root) {
      if (!chat) chat = build(root);
      chat.box.hidden = false;
      chat.input.focus();
    }
  };
})();
