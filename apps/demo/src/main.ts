import '@latchkey/elements';
import { createClient, type SessionState } from '@latchkey/client';

declare const __BROKER_URL__: string;

const client = createClient({ url: __BROKER_URL__ });
const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

// Every element below <lk-config> gets this client through context.
const config = document.querySelector('lk-config')!;
config.client = client;

// After signing in, the elements go to return_to; the broker checks it against its allowlist.
for (const id of ['sign-in', 'sign-up']) $(id).setAttribute('return-to', `${location.origin}/#signed-in`);

$('broker-url').textContent = __BROKER_URL__;
$<HTMLAnchorElement>('outbox-link').href = `${__BROKER_URL__}/dev/outbox`;

/** Sign in and sign up share one spot; the hash picks which card shows. */
function showAuthCard() {
  const signUp = location.hash === '#sign-up';
  $('sign-up').hidden = !signUp;
  $('sign-in').hidden = signUp;
}
addEventListener('hashchange', showAuthCard);
showAuthCard();

let shown: SessionState['status'] = 'loading';
client.session.subscribe((state) => {
  $('loading').hidden = state.status !== 'loading';
  // Broker unreachable: the cards say so themselves, with "Try again".
  $('signed-out').hidden = state.status !== 'signed-out' && state.status !== 'error';
  $('signed-in').hidden = state.status !== 'signed-in';
  if (state.status === 'signed-in') {
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

/**
 * `?lang=de` or `?lang=ar` shows the Latchkey elements in that language through
 * `<lk-config locale>` (the demo's own text stays English). Without it the
 * elements follow `<html lang>`.
 */
function showElementsInUrlLanguage() {
  const lang = new URLSearchParams(location.search).get('lang');
  if (!lang) return;
  document.querySelector('lk-config')!.setAttribute('locale', lang);
  // Come back from sign-in in the same language.
  for (const id of ['sign-in', 'sign-up']) document.getElementById(id)!.setAttribute('return-to', `${location.origin}/?lang=${encodeURIComponent(lang)}#signed-in`);
}
showElementsInUrlLanguage();
