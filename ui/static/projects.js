// js_on_load of the Projects table: a header button re-sorts ({sort: key}); a row (click, Enter
// or Space) opens its entry ({number: n}). Marked selected at once so the choice shows before
// the server answers; the row is remembered so "Back to the table" can return to it.
const pick = (row) => {
  element.querySelectorAll('tr.proj-row').forEach((r) => {
    const on = r === row;
    r.classList.toggle('selected', on);
    r.setAttribute('aria-selected', on ? 'true' : 'false');
  });
  window.cscOpener = row;
  window.cscOpenPending = true;
  trigger('click', {number: Number(row.dataset.number)});
};
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.sort');
  if (b) { trigger('click', {sort: b.dataset.sort}); return; }
  const row = ev.target.closest('tr.proj-row');
  if (row) pick(row);
});
element.addEventListener('keydown', (ev) => {
  if (ev.key !== 'Enter' && ev.key !== ' ') return;
  const row = ev.target.closest('tr.proj-row');
  if (!row) return;
  ev.preventDefault();
  pick(row);
});
