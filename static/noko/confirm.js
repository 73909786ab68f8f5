// Ask before submitting a form marked data-confirm="Удалить организацию?".
// Inline handlers (onsubmit="return confirm(…)") are blocked by the Content-Security-Policy,
// so templates use this attribute and base.html loads this file.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true
);
