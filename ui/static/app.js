// csc-assistant page behaviour, loaded once in the page head (ui/server.py launch_options).
// Gradio owns the components; this script only adds what a reader needs around them:
//  * [n] chips get their accessible name and a hover/focus preview of the passage;
//  * the newest turn is scrolled into view, and focus goes back to the question box;
//  * Ask does nothing (and says why) while the question box is empty;
//  * the first screen opens at the top with the title and the examples.
(() => {
  if (window.cscApp) return;
  window.cscApp = true;
  window.cscCites = window.cscCites || {};

  const $ = (sel, root) => (root || document).querySelector(sel);
  const box = () => $('#question textarea');
  const sendBtn = () => $('#send');

  // ---------------------------------------------------------------- citation chips
  let tip = null;
  const tipEl = () => {
    if (tip && tip.isConnected) return tip;
    tip = document.createElement('div');
    tip.id = 'cite-preview';
    tip.setAttribute('role', 'tooltip');
    tip.hidden = true;
    document.body.appendChild(tip);
    return tip;
  };
  const chipKey = (a) => {
    const m = (a.getAttribute('href') || '').match(/^#cite-(\d+)-(\d+)$/);
    return m ? [m[1], m[2]] : null;
  };
  const enhance = (a) => {
    if (a.dataset.enh) return;
    a.dataset.enh = '1';
    const name = a.getAttribute('title') || a.textContent;
    a.setAttribute('aria-label', name);
    a.dataset.name = name;
    a.removeAttribute('title');  // the preview replaces the browser's tooltip
  };
  let tipFor = null;  // the chip the preview belongs to
  const showTip = (a) => {
    const key = chipKey(a);
    if (!key) return;
    tipFor = a;
    const info = (window.cscCites[key[0]] || {})[key[1]];
    const t = tipEl();
    t.textContent = '';
    const head = document.createElement('strong');
    head.textContent = info ? `[${key[1]}] ${info.label}` : (a.dataset.name || '');
    t.appendChild(head);
    if (info && info.quote) {
      const q = document.createElement('span');
      q.className = 'tip-quote';
      q.textContent = info.quote.length > 260 ? info.quote.slice(0, 257) + '…' : info.quote;
      t.appendChild(q);
    }
    const hint = document.createElement('span');
    hint.className = 'tip-hint';
    hint.textContent = 'Select to read it in the document';
    t.appendChild(hint);
    t.hidden = false;
    const r = a.getBoundingClientRect();
    const w = Math.min(360, window.innerWidth - 16);
    t.style.width = w + 'px';
    t.style.left = Math.max(8, Math.min(r.left, window.innerWidth - w - 8)) + 'px';
    const below = r.bottom + 6;
    t.style.top = below + 'px';
    const h = t.getBoundingClientRect().height;
    if (below + h > window.innerHeight - 8) t.style.top = Math.max(8, r.top - h - 6) + 'px';
    a.setAttribute('aria-describedby', 'cite-preview');
  };
  const hideTip = () => { if (tip) tip.hidden = true; tipFor = null; };
  document.addEventListener('mouseover', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.cite-ref');
    if (a) { enhance(a); showTip(a); }
  });
  document.addEventListener('mouseout', (ev) => {
    if (ev.target.closest && ev.target.closest('a.cite-ref')) hideTip();
  });
  document.addEventListener('focusin', (ev) => {
    const a = ev.target.closest && ev.target.closest('a.cite-ref');
    if (a) { enhance(a); showTip(a); } else hideTip();
  });
  document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') hideTip(); });
  // a scroll moves the chip: a focused chip's preview follows it, a hovered one's goes away
  window.addEventListener('scroll', () => {
    if (tipFor && tipFor === document.activeElement && tipFor.isConnected) showTip(tipFor); else hideTip();
  }, true);

  // a click on a chip opens the passage (the sources panel's script does the opening)
  document.addEventListener('click', (ev) => {
    const a = ev.target && ev.target.closest ? ev.target.closest('a.cite-ref') : null;
    if (!a) return;
    const key = chipKey(a);
    if (!key) return;
    ev.preventDefault();
    ev.stopPropagation();
    hideTip();
    window.cscOpener = a;
    window.cscOpenPending = true;
    if (window.cscOpenCitation) window.cscOpenCitation(key[0], key[1]);
  }, true);

  // ---------------------------------------------------------------- the question box
  const hint = () => $('#ask-hint');
  const syncSend = () => {
    const b = sendBtn();
    const t = box();
    if (!b || !t) return;
    const empty = !t.value.trim();
    if (b.disabled !== empty) b.disabled = empty;
    b.setAttribute('aria-disabled', empty ? 'true' : 'false');
    if (!empty && hint()) hint().textContent = '';
  };
  const sayEmpty = () => {
    const h = hint();
    if (h) h.textContent = 'Type a question first, or pick one of the examples.';
  };
  document.addEventListener('input', (ev) => { if (ev.target === box()) syncSend(); }, true);
  document.addEventListener('keydown', (ev) => {
    if (ev.target !== box() || ev.key !== 'Enter' || ev.shiftKey) return;
    if (!ev.target.value.trim()) { ev.preventDefault(); ev.stopImmediatePropagation(); sayEmpty(); }
  }, true);
  setInterval(syncSend, 400);  // the box is also emptied by the server after each answer

  // ---------------------------------------------------------------- the newest turn in view
  const scroller = (el) => {
    for (let e = el && el.parentElement; e && e !== document.body; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (/(auto|scroll)/.test(s.overflowY) && e.scrollHeight > e.clientHeight + 2) return e;
    }
    return null;
  };
  let lastUsers = 0;
  let answering = false;
  const onChat = () => {
    const chat = $('#chat');
    if (!chat) return;
    const users = chat.querySelectorAll("[data-testid='user']");
    if (users.length > lastUsers) {
      // a new question: show it at the top of the conversation, its answer below it
      const q = users[users.length - 1];
      const s = scroller(q);
      if (s) s.scrollTop += q.getBoundingClientRect().top - s.getBoundingClientRect().top - 8;
      const r = chat.getBoundingClientRect();
      if (r.top < 0 || r.top > window.innerHeight * 0.5) chat.scrollIntoView({block: 'start'});
      answering = true;
    }
    lastUsers = users.length;
    const bots = chat.querySelectorAll("[data-testid='bot']");
    const last = bots[bots.length - 1];
    if (answering && last && !last.querySelector('.pending, .cursor')) {
      answering = false;
      const s = scroller(last);
      const q = users[users.length - 1];
      if (s && q) {
        // keep the question's top in view; scroll further only as far as the answer's end
        const top = q.getBoundingClientRect().top - s.getBoundingClientRect().top - 8;
        const over = last.getBoundingClientRect().bottom - s.getBoundingClientRect().bottom + 8;
        if (over > 0) s.scrollTop += Math.min(top, over);
      }
      const a = document.activeElement;
      if (!a || a === document.body) { const t = box(); if (t) t.focus({preventScroll: true}); }
    }
  };
  // Gradio's file drop zones are named "Click to upload or drop files" while they show "Drop File
  // Here - or - Click to Upload": a speech-input user says what they see, so the name must contain it
  const nameUploads = () => {
    document.querySelectorAll('.upload-container[aria-label]:not([data-named])').forEach((z) => {
      const seen = (z.innerText || '').replace(/\s+/g, ' ').trim();
      const block = z.closest('[id]');
      const label = block ? (block.querySelector('[data-testid="block-label"]') || {}).textContent : '';
      if (seen) z.setAttribute('aria-label', seen + (label ? `: ${label.trim()}` : ''));
      z.dataset.named = '1';
    });
  };
  new MutationObserver(() => {
    onChat();
    document.querySelectorAll('a.cite-ref:not([data-enh])').forEach(enhance);
    nameUploads();
  }).observe(document.documentElement, {childList: true, subtree: true});

  // ---------------------------------------------------------------- first screen
  window.addEventListener('load', () => {
    if (!location.hash) setTimeout(() => window.scrollTo(0, 0), 50);
  });
})();
