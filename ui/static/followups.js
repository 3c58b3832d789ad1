// js_on_load of the follow-up questions (#followups). A click (or Enter/Space on the button) becomes a
// "click" event of this block carrying {turn, i}; the server looks the question up and asks it.
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button.followup');
  if (!b) return;
  trigger('click', {turn: Number(b.dataset.turn), i: Number(b.dataset.i)});
});
