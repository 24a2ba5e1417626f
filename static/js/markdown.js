// Model answers as markdown, rendered safely: the browser's half of one set of rules.
// core/markdown.py is the server's half and explains the rules; both read the same JSON
// (#markdown-rules, rendered by the server), so a streamed answer and a stored one look alike.
// markdown-it and DOMPurify come from npm; highlight.js colours code after sanitising.
(function () {
  "use strict";
  var rulesNode = document.getElementById("markdown-rules");
  if (!rulesNode || !window.markdownit || !window.DOMPurify) return;
  var RULES = JSON.parse(rulesNode.textContent);
  var LINK = /^(?:https?:|mailto:)/i;
  var ALIGN = /^text-align:(left|center|right)$/;
  var CODE_CLASS = new RegExp(RULES.codeClass);

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  }
  function isSpace(ch) { return /\s/.test(ch); }

  // Math as source text; "$" opens before a non-space, closes after one, and not before a digit.
  function math(state, silent) {
    var src = state.src, start = state.pos, end = state.posMax, close = null, found;
    if (src.startsWith("$$", start)) {
      found = src.indexOf("$$", start + 2);
      if (found > start + 2 && found + 2 <= end) close = found + 2;
    } else if (src.startsWith("\\(", start) || src.startsWith("\\[", start)) {
      var closer = src[start + 1] === "(" ? "\\)" : "\\]";
      found = src.indexOf(closer, start + 2);
      if (found > start + 2 && found + 2 <= end) close = found + 2;
    } else if (src[start] === "$" && start + 1 < end && !isSpace(src[start + 1]) && src[start + 1] !== "$") {
      found = start + 1;
      while ((found = src.indexOf("$", found + 1)) !== -1 && found < end) {
        if (!isSpace(src[found - 1]) && src[found - 1] !== "\\") {
          if (!(found + 1 < end && /[0-9]/.test(src[found + 1]))) { close = found + 1; break; }
        }
      }
    }
    if (close === null) return false;
    if (!silent) {
      var token = state.push("math_text", "", 0);
      token.content = src.slice(start, close);
    }
    state.pos = close;
    return true;
  }

  function safeLinks(state) {
    state.tokens.forEach(function (block) {
      if (block.type !== "inline" || !block.children) return;
      var stack = [];
      block.children.forEach(function (token) {
        if (token.type === "link_open") {
          var allowed = LINK.test(token.attrGet("href") || "");
          stack.push(allowed);
          if (!allowed) { token.tag = "span"; token.attrs = null; }
        } else if (token.type === "link_close" && stack.length && !stack.pop()) {
          token.tag = "span";
        }
      });
    });
  }

  function tableAlign(state) {
    state.tokens.forEach(function (token) {
      if (token.type !== "th_open" && token.type !== "td_open") return;
      var style = token.attrGet("style");
      if (!style) return;
      token.attrs = token.attrs.filter(function (pair) { return pair[0] !== "style"; });
      var match = ALIGN.exec(style);
      if (match) token.attrSet("class", "md-align-" + match[1]);
    });
  }

  var md = window.markdownit("commonmark", { html: false, linkify: false, typographer: false });
  md.enable(["table", "strikethrough"]);
  md.inline.ruler.before("escape", "math_text", math);
  md.core.ruler.push("safe_links", safeLinks);
  md.core.ruler.push("table_align", tableAlign);
  md.renderer.rules.math_text = function (tokens, idx) {
    return '<span class="math">' + escapeHtml(tokens[idx].content) + "</span>";
  };
  md.renderer.rules.image = function (tokens, idx, options, env, self) {
    var token = tokens[idx];
    var alt = self.renderInlineAsText(token.children || [], options, env);
    var address = token.attrGet("src") || "";
    if (address.length > RULES.addressShown) address = address.slice(0, RULES.addressShown) + "\u2026";
    return '<span class="md-image">[' + escapeHtml(RULES.imageLabel) + ": " + escapeHtml(alt) + "] " +
      '<span class="md-address">' + escapeHtml(address) + "</span></span>";
  };
  md.renderer.rules.table_open = function () { return '<div class="md-table" tabindex="0"><table>\n'; };
  md.renderer.rules.table_close = function () { return "</table></div>\n"; };

  // A purifier of our own, so its hooks touch nothing else on the page.
  var purify = window.DOMPurify(window);
  var allAttributes = [];
  Object.keys(RULES.attributes).forEach(function (tag) {
    RULES.attributes[tag].forEach(function (name) {
      if (allAttributes.indexOf(name) < 0) allAttributes.push(name);
    });
  });
  purify.addHook("uponSanitizeAttribute", function (node, data) {
    var tag = node.nodeName.toLowerCase();
    var allowed = RULES.attributes[tag] || [];
    if (allowed.indexOf(data.attrName) < 0) { data.keepAttr = false; return; }
    if (data.attrName === "tabindex") { if (data.attrValue !== "0") data.keepAttr = false; return; }
    if (data.attrName !== "class") return;
    if (tag === "code") {
      if (!CODE_CLASS.test(data.attrValue)) data.keepAttr = false;
      return;
    }
    var kept = data.attrValue.split(/\s+/).filter(function (name) {
      return (RULES.classes[tag] || []).indexOf(name) >= 0;
    });
    if (kept.length) data.attrValue = kept.join(" ");
    else data.keepAttr = false;
  });
  purify.addHook("afterSanitizeAttributes", function (node) {
    if (node.nodeName !== "A") return;
    if (node.hasAttribute("href")) {
      node.setAttribute("target", "_blank");
      node.setAttribute("rel", RULES.rel);
    }
  });
  var config = {
    ALLOWED_TAGS: RULES.tags,
    ALLOWED_ATTR: allAttributes,
    ALLOWED_URI_REGEXP: new RegExp("^(?:" + RULES.schemes.join("|") + "):", "i"),
    // Attributes that hold no address (DOMPurify tests any other against the URI pattern above).
    ADD_URI_SAFE_ATTR: allAttributes.filter(function (name) { return name !== "href"; }),
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false
  };

  function render(text) {
    return purify.sanitize(md.render(text || ""), config);
  }

  // Colour code blocks that name a language highlight.js knows (no guessing: it is slow and wrong).
  function highlight(root) {
    if (!window.hljs) return;
    root.querySelectorAll("pre code[class^='language-']").forEach(function (code) {
      var lang = code.className.slice("language-".length);
      if (code.dataset.highlighted || !window.hljs.getLanguage(lang)) return;
      window.hljs.highlightElement(code);
    });
  }

  // Server-rendered answers (battle record, review, my-data) get their code coloured too.
  function enhanceStored() {
    document.querySelectorAll(".md").forEach(highlight);
  }
  if (window.hljs) window.hljs.configure({ ignoreUnescapedHTML: true });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceStored);
  else enhanceStored();

  window.KaiMarkdown = { render: render, highlight: highlight };
})();
