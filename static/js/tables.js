// A table wider than the screen scrolls inside its own box (.table-wrap), never the page. Such a box
// must be reachable by keyboard and named for screen readers (WCAG 2.1.1, 1.3.1): it becomes a
// focusable region named after the table's caption, or the heading before it, while it overflows
// (checked again whenever its size changes: the web font arriving, a turned phone, an htmx swap).
(function () {
  "use strict";
  function label(wrap) {
    var caption = wrap.querySelector("caption");
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var table = wrap.querySelector("table");
    var by = table && table.getAttribute("aria-labelledby");
    if (by) {
      var named = document.getElementById(by.split(" ")[0]);
      if (named) return named.textContent.trim();
    }
    var el = wrap.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    return el ? el.textContent.trim() : document.title;
  }
  function mark(wrap) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      if (!wrap.hasAttribute("aria-label")) wrap.setAttribute("aria-label", label(wrap));
    } else if (wrap.getAttribute("role") === "region") {
      wrap.removeAttribute("tabindex");
      wrap.removeAttribute("role");
    }
  }
  var observer = "ResizeObserver" in window ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) {
      var wrap = entry.target.closest(".table-wrap, .krds-table-wrap");
      if (wrap) mark(wrap);
    });
  }) : null;
  function watch(root) {
    root.querySelectorAll(".table-wrap, .krds-table-wrap").forEach(function (wrap) {
      mark(wrap);
      if (observer) {
        observer.observe(wrap);
        var table = wrap.querySelector("table");
        if (table) observer.observe(table);
      }
    });
  }
  watch(document);
  document.body.addEventListener("htmx:afterSettle", function (event) { watch(event.target); });
})();
