// The login page (login.html). The form posts itself; this module only carries `next` (which page to return to)
// into it and says why the last attempt failed. Everything is set as text, never as markup.

const params = new URLSearchParams(window.location.search);
const message = document.getElementById('login-message');
const next = document.getElementById('login-next');

// The server accepts only its own page names here; anything else takes the user to the graph.
const NEXT_PAGES = new Set(['.', 'access_logs']);
if (NEXT_PAGES.has(params.get('next'))) next.value = params.get('next');

function say(text) {
  message.textContent = text;
  message.hidden = false;
}

if (params.has('failed')) say('Wrong user name or password.');
else if (params.has('signedOut')) say('Signed out.');
