// js_on_load of the sources panel (#sources). A source card (its button: click, Enter, Space) or a [n]
// chip in the chat becomes a "click" event of this panel carrying {turn, n}; the server then
// renders the passage in the viewer. Each render also records the cards' labels and quotes
// (window.cscCites) for the chips' hover/focus previews, and wires "Copy answer with sources".
const fire = (turn, n) => trigger('click', {turn: Number(turn), n: Number(n)});
const mark = (turn, n) => {
  element.querySelectorAll('.src-card').forEach((c) => {
    const on = c.dataset.turn === String(turn) && c.dataset.n === String(n);
    c.classList.toggle('active', on);
    const b = c.querySelector('button.src-open');
    if (b) b.setAttribute('aria-pressed', on ? 'true' : 'false');
  });
};
const remember = () => {
  window.cscCites = window.cscCites || {};
  element.querySelectorAll('.src-card').forEach((c) => {
    const q = c.querySelector('mark.quote');
    (window.cscCites[c.dataset.turn] = window.cscCites[c.dataset.turn] || {})[c.dataset.n] = {
      label: c.dataset.label || '',
      quote: q ? q.textContent.trim() : '',
    };
  });
};
const open = (card) => {
  window.cscOpener = card.querySelector('button.src-open') || card;
  window.cscOpenPending = true;
  mark(card.dataset.turn, card.dataset.n);
  fire(card.dataset.turn, card.dataset.n);
};
const copy = async (btn) => {
  const src = element.querySelector('.copy-text');
  const status = element.querySelector('.copy-status');
  if (!src) return;
  const text = src.textContent;
  let ok = false;
  try { await navigator.clipboard.writeText(text); ok = true; } catch (e) {
    const ta = document.createElement('textarea');
    ta.value = text; ta.setAttribute('readonly', ''); ta.style.position = 'fixed'; ta.style.opacity = '0';
    document.body.appendChild(ta); ta.select();
    try { ok = document.execCommand('copy'); } catch (e2) { ok = false; }
    ta.remove(); btn.focus();
  }
  if (status) status.textContent = ok ? 'Copied the answer and its numbered sources.' : 'Could not copy: select the text instead.';
};
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.copy-answer');
  if (b) { copy(b); return; }
  const card = ev.target.closest('.src-card');
  if (card) open(card);
});
// the card's button is the keyboard path (Enter and Space click it); the whole card takes the mouse
window.cscOpenCitation = (turn, n) => { mark(turn, n); fire(turn, n); };
watch('value', () => requestAnimationFrame(remember));
remember();
