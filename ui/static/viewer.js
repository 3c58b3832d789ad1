// js_on_load of every document viewer (#viewer, #proj-viewer, #reader). When a passage is
// highlighted, the viewer's own box scrolls it to the upper third, then the page (or the sticky
// side panel on a wide screen) moves just enough that the passage is inside the window.
// "Back to the answer" returns to the chip or card that opened it. A reader in a hidden tab
// has no size yet, so the reveal waits until it is laid out.
let pending = true;
const place = (m, body) => {
  body.scrollTop = Math.max(0, m.offsetTop - body.clientHeight / 3);
  const side = element.closest('.side-panel');
  if (side && getComputedStyle(side).position === 'sticky') {
    // wide screen: the panel's top at the window's top (it sticks there), the viewer at the panel's top
    const top = side.getBoundingClientRect().top;
    if (top > 16 || side.getBoundingClientRect().bottom > window.innerHeight) window.scrollBy(0, top - 8);
    side.scrollTop += element.getBoundingClientRect().top - side.getBoundingClientRect().top - 12;
  } else {
    element.scrollIntoView({block: 'start'});
  }
  const r = m.getBoundingClientRect();
  if (r.top < 0) window.scrollBy(0, r.top - 24);
  else if (r.bottom > window.innerHeight) window.scrollBy(0, Math.min(r.top - 24, r.bottom - window.innerHeight + 24));
};
const reveal = () => {
  const m = element.querySelector('mark.hl');
  const body = element.querySelector('.doc-body');
  if (!m && body && window.cscRevealReader && element.closest('#reader')) {
    window.cscRevealReader = null;  // a title was selected in the table: show the document's start
    body.scrollTop = 0;
    element.scrollIntoView({block: 'start'});
  }
  if (!m || !body) { pending = false; return; }
  if (body.clientHeight === 0) return;
  pending = false;
  place(m, body);
  setTimeout(() => { if (m.isConnected) place(m, body); }, 200);  // again once the sources panel has settled
  if (window.cscOpenPending) {
    window.cscOpenPending = false;
    const back = element.querySelector('button.back');
    if (back) back.focus({preventScroll: true});
  }
};
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.back');
  if (!b) return;
  const side = element.closest('.side-panel');
  if (side) side.scrollTop = 0;
  const to = window.cscOpener && window.cscOpener.isConnected ? window.cscOpener
    : document.querySelector(b.dataset.fallback || '#chat');
  if (to) {
    to.scrollIntoView({block: 'center'});
    if (to.focus) to.focus({preventScroll: true});
  }
});
new ResizeObserver(() => { if (pending) reveal(); }).observe(element);
watch('value', () => { pending = true; requestAnimationFrame(reveal); });
requestAnimationFrame(reveal);
