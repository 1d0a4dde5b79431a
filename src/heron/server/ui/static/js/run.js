// The run page's behaviour, wired by data- attributes:
//
//   <input data-filter-rows="table-id" name="q">   hide the table's rows whose text does
//       not contain the input's text; the text is kept in the URL's query string (?q=...)
//       so that a filtered table can be shared.
//   <span data-filter-count="table-id">           "N of M" while a filter hides rows
//   <select data-auto-submit>                     submit its form on change (inputs too)
//
// Rows swapped in by HTMX later are filtered too.
//
// Nothing here builds HTML: rows are shown or hidden, counts set with textContent.

function filterRows(input) {
  const table = document.getElementById(input.dataset.filterRows);
  if (!table) return;
  const needle = input.value.trim().toLowerCase();
  const rows = table.tBodies[0]?.rows ?? [];
  let shown = 0;
  for (const row of rows) {
    const match = !needle || row.textContent.toLowerCase().includes(needle);
    row.hidden = !match;
    if (match) shown += 1;
  }
  const count = document.querySelector(`[data-filter-count="${CSS.escape(input.dataset.filterRows)}"]`);
  if (count) count.textContent = needle ? `${shown} of ${rows.length}` : "";
}

function keepInUrl(input) {
  const url = new URL(location.href);
  if (input.value.trim()) url.searchParams.set(input.name, input.value.trim());
  else url.searchParams.delete(input.name);
  history.replaceState(history.state, "", url);
}

for (const input of document.querySelectorAll("input[data-filter-rows]")) {
  filterRows(input);
  input.addEventListener("input", () => { filterRows(input); keepInUrl(input); });
}

// Rows that arrive later (the metrics with their sparklines) get the current filter.
document.addEventListener("htmx:load", () => {
  for (const input of document.querySelectorAll("input[data-filter-rows]")) filterRows(input);
});

document.addEventListener("change", (event) => {
  const control = event.target.closest("select[data-auto-submit], input[data-auto-submit]");
  if (control && control.form && control.checkValidity()) control.form.requestSubmit();
});
