/* poscare: the few behaviours every page shares, kept out of the templates (no inline script). */
document.addEventListener("change", function (event) {
  // A <select data-autosubmit> (the language switcher, filters) submits its form when changed.
  var target = event.target;
  if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
