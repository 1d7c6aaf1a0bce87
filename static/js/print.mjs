// "Print this page" buttons: <button type="button" data-print-page>. The stylesheet hides them
// until the body is marked js-enabled, because without this module they would do nothing.
// Kept in a file, never inline, because the content security policy forbids inline scripts.
for (const button of document.querySelectorAll("[data-print-page]")) {
  button.addEventListener("click", () => window.print());
}
