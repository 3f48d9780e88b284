// facesearch console: the little JavaScript the pages use (they also work without it).
document.addEventListener('DOMContentLoaded', function () {
  // Forms marked data-confirm ask before they submit (delete, revoke, approve).
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (e) {
      if (!window.confirm(form.getAttribute('data-confirm'))) { e.preventDefault(); }
    });
  });
  // Selects marked data-autosubmit submit their form on change (status filter, application).
  document.querySelectorAll('select[data-autosubmit]').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
});
