// Behaviour shared by every page. No inline script or on*= handler anywhere: the
// Content-Security-Policy allows scripts from our own static files only.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-collapse]");
  if (!button) return;
  document.querySelectorAll(button.dataset.collapse).forEach(function (d) { d.open = false; });
});
