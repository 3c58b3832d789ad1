// The staff sign-in form (ui/login_page.py). It posts to the staff area's own login endpoint (the
// one Gradio's page uses, behind ui/security.py's throttle) and says in words what each answer means:
// a wrong login, too many tries (429 with Retry-After: the button waits that long), or a server error.
(() => {
  const form = document.getElementById('login-form');
  const user = document.getElementById('username');
  const pass = document.getElementById('password');
  const button = form.querySelector('button[type=submit]');
  const error = document.getElementById('login-error');
  const say = (text, field) => {
    error.textContent = text;
    for (const f of [user, pass]) f.setAttribute('aria-invalid', f === field || (!field && text) ? 'true' : 'false');
    if (field) field.focus();
  };
  const wait = (seconds) => {
    button.disabled = true;
    setTimeout(() => { button.disabled = false; }, seconds * 1000);
  };
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!user.value.trim()) return say('Enter your user name.', user);
    if (!pass.value) return say('Enter your password.', pass);
    say('');
    error.textContent = '';
    button.disabled = true;
    let resp;
    try {
      resp = await fetch(form.action, {
        method: 'POST', body: new URLSearchParams(new FormData(form)), credentials: 'same-origin',
      });
    } catch (e) {
      button.disabled = false;
      return say('Could not reach the server. Check the connection and try again.');
    }
    if (resp.ok) { window.location.assign(form.dataset.next); return; }
    button.disabled = false;
    if (resp.status === 429) {
      const seconds = Math.max(1, parseInt(resp.headers.get('Retry-After') || '30', 10) || 30);
      wait(seconds);
      return say(`Too many failed sign-ins. Wait ${seconds} seconds, then try again.`);
    }
    if (resp.status === 400 || resp.status === 401) {
      pass.value = '';
      return say('That user name and password do not match a staff login. Check them and try again.', pass);
    }
    say(`Sign-in failed (error ${resp.status}). Try again in a moment.`);
  });
})();
