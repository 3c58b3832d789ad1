// js_on_load of the Documents table: a title button opens that document in the reader below.
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.doc-open');
  if (b) trigger('click', {doc_id: b.dataset.doc});
});
