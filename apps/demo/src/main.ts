import type { SessionState } from '@latchkey/client';
import { $, setUpPage } from './page.js';

const { client, lang } = setUpPage();

// After signing in, the elements go to return_to (the broker checks it against its allowlist),
// in the same language.
const back = `${location.origin}/${lang ? `?lang=${encodeURIComponent(lang)}` : ''}#signed-in`;
for (const id of ['sign-in', 'sign-up']) $(id).setAttribute('return-to', back);

/**
 * An invitation or invite link (`?lk_invitation=` / `?lk_invite=`, where the broker's mails and
 * links point): lk-sign-up shows it, signed in ("Join") or not (make an account, then join).
 */
const joining = () => ['lk_invitation', 'lk_invite'].some((name) => new URLSearchParams(location.search).has(name));

/** Sign in and sign up share one spot; the hash picks which card shows. */
function showAuthCard() {
  const signUp = location.hash === '#sign-up' || joining();
  $('sign-up').hidden = !signUp;
  $('sign-in').hidden = signUp;
}
addEventListener('hashchange', showAuthCard);
showAuthCard();

let shown: SessionState['status'] = 'loading';
client.session.subscribe((state) => {
  $('loading').hidden = state.status !== 'loading';
  // Broker unreachable: the cards say so themselves, with "Try again".
  const invited = joining();
  $('signed-out').hidden = state.status === 'loading' || (state.status === 'signed-in' && !invited);
  $('signed-in').hidden = state.status !== 'signed-in' || invited;
  if (state.status === 'signed-in' && !invited) {
    $('welcome').textContent = `Welcome, ${state.user.name ?? state.user.email}`;
    if (shown !== 'signed-in') {
      $('welcome').focus();
      void callBackend();
    }
  }
  if (state.status === 'signed-out' && shown === 'signed-in') history.replaceState(null, '', '#sign-in'), showAuthCard();
  shown = state.status;
});
// A failure becomes the store's `error` state, shown above.
client.session.refresh().catch(() => {});

/** The host-backend path: token from the broker, verified by this app's server. */
async function callBackend() {
  const status = $('backend-status');
  const list = $('claims');
  status.textContent = 'Asking the backend…';
  list.replaceChildren();
  try {
    const token = await client.session.getToken();
    const response = await fetch('/api/me', { headers: { authorization: `Bearer ${token}` } });
    const body = await response.json();
    if (!response.ok) throw new Error(body.title ?? `HTTP ${response.status}`);
    status.textContent = 'Token verified by the demo backend.';
    for (const [name, value] of Object.entries(body.claims as Record<string, unknown>)) {
      const dt = document.createElement('dt');
      dt.textContent = name;
      const dd = document.createElement('dd');
      dd.textContent = name === 'iat' || name === 'exp' ? `${value} (${new Date(Number(value) * 1000).toLocaleTimeString()})` : JSON.stringify(value);
      list.append(dt, dd);
    }
  } catch (error) {
    status.textContent = `The backend refused the token: ${(error as Error).message}`;
  }
}
$('call-backend').addEventListener('click', () => void callBackend());
// Another organization for this tab (the header's switcher): the backend sees its token at once.
document.addEventListener('lk-org-changed', () => {
  if (client.session.state.status === 'signed-in') void callBackend();
});
