// Behaviour shared by every page. No inline script or on*= handler anywhere: the
// Content-Security-Policy allows scripts from our own static files only.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-collapse]");
  if (!button) return;
  document.querySelectorAll(button.dataset.collapse).forEach(function (d) { d.open = false; });
});

// Export links (PDF, Excel, Word): a spinner while the server builds the file. A download
// does not leave the page, so the spinner goes when the file arrives (the window gets focus
// back from the save dialog) or after a few seconds at most.
document.addEventListener("click", function (event) {
  var link = event.target.closest("a[href]");
  if (!link || !/\.(pdf|xlsx|docx)(\?|$)/.test(link.getAttribute("href"))) return;
  if (link.getAttribute("aria-busy") === "true") return;
  link.setAttribute("aria-busy", "true");
  var done = function () { link.removeAttribute("aria-busy"); };
  setTimeout(done, 8000);
  window.addEventListener("focus", done, { once: true });
});
