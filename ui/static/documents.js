// js_on_load of the Documents table: a title button opens that document in the reader below,
// and the reader (static/viewer.js) brings itself into view when it has the document.
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.doc-open');
  if (!b) return;
  window.cscRevealReader = b.dataset.doc;
  trigger('click', {doc_id: b.dataset.doc});
});
