import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { html, render } from 'lit';
import { LatchkeyError, type LatchkeyErrorCode, type Problem } from '@latchkey/client';
import '../config/config.js';
import '../sign-in/sign-in.js';
import '../sign-up/sign-up.js';
import '../user-button/user-button.js';
import type { LkSignIn } from '../sign-in/sign-in.js';
import type { LkSignUp } from '../sign-up/sign-up.js';
import type { LkUserButton } from '../user-button/user-button.js';
import type { LkConfig } from '../config/config.js';
import { generateMsgId } from '@lit/localize/internal/id-generation.js';
import { LOCALE_STATUS_EVENT as litLocaleStatusEvent } from '@lit/localize';
import { LOCALE_STATUS_EVENT } from './localize.js';
import { getLocale, matchLocale, setLocale } from './localization.js';
import { errorMessage, loadErrorMessages } from './messages.js';
import { renderCodeField } from './templates/code-field.js';
import { templates as de } from '../locales/de.js';
import { templates as ar } from '../locales/ar.js';
import { axeViolations, cleanup, fakeBroker, mount, until } from './test-helpers.js';

afterEach(async () => {
  cleanup();
  document.documentElement.removeAttribute('dir');
  document.documentElement.lang = 'en';
  await setLocale(null);
});

describe('a page that only sets <html lang>', () => {
  // First in the file, before any test calls setLocale(): loading the localization module (this
  // file imports <lk-config>, which brings it, as @latchkey/elements does) must be enough.
  it("follows the page's <html lang> without any call, also when the page changes it", async () => {
    const broker = fakeBroker();
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    const title = () => el.shadowRoot!.querySelector('[part~="title"]')!.textContent;
    expect(title()).toBe('Sign in');
    document.documentElement.lang = 'de-AT';
    await until(() => title() === 'Anmelden');
    document.documentElement.lang = 'fr';
    await until(() => title() === 'Sign in');
  });
});

/**
 * Every `msg()` id in the element sources, read from the sources themselves
 * (not from the XLIFF), so a string added without running `localize:extract`
 * is caught too. A call without `{ id }` has the id lit-localize derives from
 * its English text (`generateMsgId`), as the extractor and the runtime do.
 */
const sources = import.meta.glob(['../**/*.ts', '!../**/*.test.ts', '!../locales/**'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const ids = new Map<string, string>();
/** Files with an `msg()` call whose message is not a literal the extractor can read. */
const unreadable: string[] = [];
const MSG_CALL = /\bmsg\(\s*(str)?(`(?:[^`\\]|\\.)*`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")\s*(?:,\s*\{\s*id:\s*(['"])([^'"]+)\3\s*,?\s*\})?\s*\)/g;
/** The strings of a message literal as the runtime sees them: a template's parts around its `${}`s, cooked. */
function messageStrings(literal: string): string[] {
  const marker = '\u241E';
  const cooked = new Function(`return ${literal.replace(/\$\{[^}]*\}/g, marker)}`)() as string;
  return cooked.split(marker);
}
for (const [file, text] of Object.entries(sources)) {
  // Skip comments: a JSDoc @example may show msg() loosely.
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const calls = code.match(/\bmsg\(/g)?.length ?? 0;
  const found = [...code.matchAll(MSG_CALL)];
  for (const m of found) ids.set(m[4] ?? generateMsgId(messageStrings(m[2]!), false), file);
  if (found.length !== calls) unreadable.push(file);
}

describe('translations', () => {
  it('finds the messages of every element, each a literal the extractor reads', () => {
    expect(ids.size).toBeGreaterThan(100);
    expect(ids.has('error.invalid_credentials')).toBe(true);
    expect(ids.has(generateMsgId('Sign out', false))).toBe(true);
    expect(ids.has(generateMsgId(['Resend in ', ' s'], false))).toBe(true);
    expect(unreadable).toEqual([]);
  });

  it('loads translations only through import(), so each stays a lazy chunk out of the main bundle', () => {
    const staticImports = Object.entries(sources).filter(([, text]) => /^\s*(import|export)\b[^;]*from\s+['"][./]*locales\/(?!locale-codes)/m.test(text));
    expect(staticImports.map(([file]) => file)).toEqual([]);
    expect(sources['./localization.ts']).toMatch(/import\('\.\.\/locales\/de\.js'\)/);
  });

  for (const [locale, templates] of [['de', de], ['ar', ar]] as const) {
    it(`has a ${locale} translation for every msg() id (run localize:extract, translate xliff/${locale}.xlf, localize:build)`, () => {
      const missing = [...ids.keys()].filter((id) => !(id in templates)).map((id) => `${id} (${ids.get(id)})`);
      expect(missing).toEqual([]);
    });
  }
});

describe('choosing the locale', () => {
  it("listens for @lit/localize's own status event, whose name the elements write out", () => {
    expect(LOCALE_STATUS_EVENT).toBe(litLocaleStatusEvent);
  });

  it('matches regional tags to the shipped language', () => {
    expect(matchLocale('de-AT')).toBe('de');
    expect(matchLocale('ar_EG')).toBe('ar');
    expect(matchLocale('AR')).toBe('ar');
    expect(matchLocale('fr-FR')).toBeUndefined();
    expect(matchLocale('')).toBeUndefined();
  });

  it('takes <lk-config locale> over the page, and goes back to the page when it is removed', async () => {
    document.documentElement.lang = 'de';
    const broker = fakeBroker();
    const config = await mount<LkConfig>(html`<lk-config locale="ar" .client=${broker.client()}><lk-sign-in></lk-sign-in></lk-config>`, 'lk-config');
    const el = config.querySelector<LkSignIn>('lk-sign-in')!;
    const title = () => el.shadowRoot!.querySelector('[part~="title"]')?.textContent;
    await until(() => title() === 'تسجيل الدخول');
    expect(getLocale()).toBe('ar');
    config.removeAttribute('locale');
    await until(() => title() === 'Anmelden');
  });

  it('lets the page pick with setLocale(), and null follows the page again', async () => {
    const broker = fakeBroker();
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    await setLocale('de-CH');
    expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent).toBe('Anmelden');
    await setLocale(null);
    expect(el.shadowRoot!.querySelector('[part~="title"]')!.textContent).toBe('Sign in');
  });
});

describe('error messages', () => {
  // Their chunk comes when the page is idle or an error is about to show; these call errorMessage directly.
  beforeAll(() => loadErrorMessages());
  // Every LatchkeyErrorCode; the type below fails to compile when one is missing here.
  const codes = [
    'malformed_json', 'invalid_request', 'payload_too_large', 'unsupported_media_type', 'invalid_credentials', 'invalid_code',
    'code_expired', 'too_many_attempts', 'rate_limited', 'weak_password', 'forbidden_origin', 'invalid_return_to',
    'unauthenticated', 'passkey_rejected', 'passkey_exists', 'last_sign_in_method', 'not_found', 'method_not_allowed', 'internal_error',
    'unknown_provider', 'no_flow', 'idp_unreachable', 'last_way_in', 'sso_required', 'invalid_state', 'saml_rejected', 'reauthentication_required',
    'mfa_required',
    'unauthorized', 'admin_disabled', 'domain_taken', 'slug_taken', 'unsupported_connection_type',
    'forbidden', 'last_owner', 'role_exists', 'role_in_use', 'already_member', 'invitation_invalid', 'invitation_not_for_you',
    'request_pending', 'already_decided', 'public_email_domain', 'domain_unverified', 'no_connection', 'org_policy_unmet',
    'account_suspended', 'service_unavailable',
    'network_error', 'unexpected_response', 'unsupported_step', 'not_configured',
  ] as const satisfies readonly LatchkeyErrorCode[];
  const everyCode: [Exclude<LatchkeyErrorCode, (typeof codes)[number]>] extends [never] ? true : false = true;

  const generic = () => errorMessage(new Error('boom'));

  for (const locale of ['en', 'de', 'ar'] as const) {
    it(`has its own message for every code in ${locale}`, async () => {
      expect(everyCode).toBe(true);
      await setLocale(locale);
      for (const code of codes) {
        const text = errorMessage(new LatchkeyError(code, 'raw server title'));
        expect(text, code).not.toBe(generic());
        expect(text, code).not.toContain('raw server title');
      }
    });
  }

  it('says how long to wait when the broker sent Retry-After, rounded up, in the words of each locale', async () => {
    const limited = (retryAfterSeconds?: number) => errorMessage(new LatchkeyError('rate_limited', 'x', { status: 429, retryAfterSeconds }));
    expect(limited(900)).toBe('Too many attempts. Try again in 15 minutes.');
    expect(limited(61)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(limited(30)).toBe('Too many attempts. Try again in 30 seconds.');
    expect(limited(86_400)).toBe('Too many attempts. Try again in 24 hours.');
    expect(limited(undefined)).toBe('Too many attempts. Wait a moment, then try again.');
    await setLocale('de');
    expect(limited(900)).toBe('Zu viele Versuche. Versuchen Sie es in 15 Minuten erneut.');
    await setLocale('ar');
    expect(limited(900)).toContain(new Intl.NumberFormat('ar', { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(15));
  });

  it('answers an unknown code with the generic message', async () => {
    await setLocale('de');
    const unknown = new LatchkeyError('from_a_newer_broker' as LatchkeyErrorCode, 'x');
    expect(errorMessage(unknown)).toBe('Etwas ist schiefgelaufen. Bitte versuchen Sie es erneut.');
  });

  it("says how many tries are left in each language's plural forms", async () => {
    const wrong = (left: number) => errorMessage(new LatchkeyError('invalid_code', 'x', { problem: { code: 'invalid_code', attempts_left: left } as Problem }));
    expect(wrong(1)).toBe("That code isn't right. 1 try left.");
    expect(wrong(4)).toBe("That code isn't right. 4 tries left.");
    await setLocale('de');
    expect(wrong(1)).toBe('Der Code ist nicht richtig. Sie haben noch 1 Versuch.');
    expect(wrong(4)).toBe('Der Code ist nicht richtig. Sie haben noch 4 Versuche.');
    await setLocale('ar');
    expect(wrong(1)).toBe('الرمز غير صحيح. تبقّت لك محاولة واحدة.');
    expect(wrong(2)).toBe('الرمز غير صحيح. تبقّت لك محاولتان.');
    expect(wrong(4)).toBe('الرمز غير صحيح. تبقّت لك 4 محاولات.');
    expect(wrong(11)).toBe('الرمز غير صحيح. تبقّت لك 11 محاولة.');
    expect(wrong(0)).toBe(errorMessage(new LatchkeyError('too_many_attempts', 'x')));
  });

  it('says the tries left at the code field in the plural forms of each language too', async () => {
    const hint = (attemptsLeft: number) => {
      const host = document.createElement('div');
      const form = { uid: 'lkt', fieldErrors: {}, pending: false, alert: '', now: Date.now(), resent: false };
      render(renderCodeField(form, { email: 'ada@example.com', resendAfter: new Date().toISOString(), attemptsLeft, onResend: () => {} }), host);
      return host.querySelector('#lkt-code-hint')!.textContent;
    };
    expect([hint(3), hint(2), hint(1)]).toEqual(['3 tries left.', '2 tries left.', '1 try left.']);
    await setLocale('ar');
    // Arabic: 3 takes the `few` form, 2 the dual (no numeral), 1 the singular.
    expect([hint(3), hint(2), hint(1)]).toEqual(['تبقّت لك 3 محاولات.', 'تبقّت لك محاولتان.', 'تبقّت لك محاولة واحدة.']);
  });
});

/** Each element rendered in a locale, the way a page sets it: `<lk-config locale>`. */
async function inLocale<T extends HTMLElement>(locale: string, element: 'lk-sign-in' | 'lk-sign-up' | 'lk-user-button') {
  const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery' }, signedInAs: element === 'lk-user-button' ? 'ada@example.com' : undefined });
  const config = await mount<LkConfig>(
    element === 'lk-sign-in' ? html`<lk-config locale=${locale} .client=${broker.client()}><lk-sign-in></lk-sign-in></lk-config>`
    : element === 'lk-sign-up' ? html`<lk-config locale=${locale} .client=${broker.client()}><lk-sign-up></lk-sign-up></lk-config>`
    : html`<lk-config locale=${locale} .client=${broker.client()}><lk-user-button></lk-user-button></lk-config>`,
    'lk-config',
  );
  await until(() => getLocale() === matchLocale(locale));
  const el = config.querySelector(element) as unknown as T & { updateComplete: Promise<unknown> };
  await el.updateComplete;
  return el;
}

const label = (el: Element, autocomplete: string) => el.querySelector<HTMLInputElement>(`input[autocomplete~="${autocomplete}"]:not([aria-hidden])`)!.labels![0]!.textContent!.trim();
const title = (el: Element) => el.shadowRoot!.querySelector('[part~="title"]')!.textContent!.trim();

describe('elements in German', () => {
  it('lk-sign-in: title, label and button in German, left to right, axe clean', async () => {
    const el = await inLocale<LkSignIn>('de', 'lk-sign-in');
    expect(title(el)).toBe('Anmelden');
    expect(label(el, 'username')).toBe('E-Mail');
    expect(el.querySelector('button[type="submit"]')!.textContent!.trim()).toBe('Weiter');
    expect(el.hasAttribute('dir')).toBe(false);
    expect(getComputedStyle(el).direction).toBe('ltr');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('lk-sign-up: title and labels in German, axe clean', async () => {
    const el = await inLocale<LkSignUp>('de', 'lk-sign-up');
    expect(title(el)).toBe('Konto erstellen');
    expect(label(el, 'username')).toBe('E-Mail');
    expect(label(el, 'new-password')).toBe('Passwort');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('lk-user-button: menu in German, axe clean', async () => {
    const el = await inLocale<LkUserButton>('de', 'lk-user-button');
    await until(() => el.shadowRoot!.querySelector('[part~="button"]'));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
    await until(() => el.shadowRoot!.querySelector('[role="menu"]'));
    expect(el.shadowRoot!.querySelector('[role="menu"]')!.getAttribute('aria-label')).toBe('Konto');
    expect(el.shadowRoot!.querySelector('[role="menuitem"]')!.textContent!.trim()).toBe('Abmelden');
    expect(await axeViolations(el)).toEqual([]);
  });
});

describe('elements in Arabic', () => {
  const base = (el: Element) => el.shadowRoot!.querySelector<HTMLElement>('[part~="base"]')!;

  it('lk-sign-in: Arabic text laid out right to left inside the card on a page without dir, the element itself left as the page lays it out, axe clean', async () => {
    const el = await inLocale<LkSignIn>('ar', 'lk-sign-in');
    expect(title(el)).toBe('تسجيل الدخول');
    expect(label(el, 'username')).toBe('البريد الإلكتروني');
    expect(el.querySelector('button[type="submit"]')!.textContent!.trim()).toBe('متابعة');
    await until(() => base(el).getAttribute('dir') === 'rtl');
    expect(getComputedStyle(el.querySelector('form')!).direction).toBe('rtl');
    // The page's `margin-inline-start: auto` on the element keeps meaning the page's start.
    expect(el.hasAttribute('dir')).toBe(false);
    expect(getComputedStyle(el).direction).toBe('ltr');
    // An address is left to right whatever the language around it.
    expect(el.querySelector('input[type="email"]')!.getAttribute('dir')).toBe('ltr');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('lk-sign-in: right to left with setLocale() alone, outside any lk-config; addresses isolated in Arabic sentences', async () => {
    const broker = fakeBroker({ accounts: { 'ada@example.com': 'correct horse battery staple' } });
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    await setLocale('ar');
    await until(() => base(el).getAttribute('dir') === 'rtl');
    const email = el.querySelector<HTMLInputElement>('input[type="email"]')!;
    email.value = 'ada@example.com';
    el.querySelector('form')!.requestSubmit();
    await until(() => el.querySelector('input[autocomplete="current-password"]'));
    expect(el.querySelector('input[autocomplete="current-password"]')!.getAttribute('dir')).toBe('ltr');
    expect(el.querySelector('.lk-identity bdi')!.textContent).toBe('ada@example.com');
    el.querySelector<HTMLButtonElement>('.lk-secondary')!.click();
    await until(() => el.querySelector('input[autocomplete="one-time-code"]'));
    expect(el.querySelector('input[autocomplete="one-time-code"]')!.getAttribute('dir')).toBe('ltr');
    expect(el.shadowRoot!.querySelector('[part~="subtitle"]')!.textContent).toContain('\u2068ada@example.com\u2069');
  });

  it('lk-sign-in: inherits the page dir when the page sets one', async () => {
    document.documentElement.dir = 'rtl';
    document.documentElement.lang = 'ar';
    const broker = fakeBroker();
    const el = await mount<LkSignIn>(html`<lk-sign-in .client=${broker.client()}></lk-sign-in>`, 'lk-sign-in');
    await until(() => title(el) === 'تسجيل الدخول');
    expect(base(el).hasAttribute('dir')).toBe(false);
    expect(el.matches(':dir(rtl)')).toBe(true);
    expect(getComputedStyle(base(el)).direction).toBe('rtl');
  });

  it('lk-sign-in: leaves the page its own dir="ltr"', async () => {
    document.documentElement.dir = 'ltr';
    const el = await inLocale<LkSignIn>('ar', 'lk-sign-in');
    expect(title(el)).toBe('تسجيل الدخول');
    expect(base(el).hasAttribute('dir')).toBe(false);
    expect(getComputedStyle(base(el)).direction).toBe('ltr');
  });

  it('lk-sign-in: drops the dir it set when the locale goes back to a left-to-right one', async () => {
    const el = await inLocale<LkSignIn>('ar', 'lk-sign-in');
    await until(() => base(el).getAttribute('dir') === 'rtl');
    el.closest('lk-config')!.setAttribute('locale', 'de');
    await until(() => title(el) === 'Anmelden');
    await until(() => !base(el).hasAttribute('dir'));
  });

  it('lk-sign-up: Arabic labels, dir="rtl", axe clean', async () => {
    const el = await inLocale<LkSignUp>('ar', 'lk-sign-up');
    expect(title(el)).toBe('أنشئ حسابك');
    expect(label(el, 'username')).toBe('البريد الإلكتروني');
    expect(label(el, 'new-password')).toBe('كلمة المرور');
    await until(() => base(el).getAttribute('dir') === 'rtl');
    expect(await axeViolations(el)).toEqual([]);
  });

  it('lk-user-button: Arabic menu, dir="rtl", axe clean', async () => {
    const el = await inLocale<LkUserButton>('ar', 'lk-user-button');
    await until(() => el.shadowRoot!.querySelector('[part~="button"]')?.getAttribute('dir') === 'rtl');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
    await until(() => el.shadowRoot!.querySelector('[role="menu"]'));
    const menu = el.shadowRoot!.querySelector<HTMLElement>('[role="menu"]')!;
    expect(getComputedStyle(menu.querySelector('[part~="menu-header"]')!).direction).toBe('rtl');
    // The menu opens towards the page's inside: its inline end meets the button's, as the page lays them out.
    expect(Math.round(menu.getBoundingClientRect().right)).toBe(Math.round(el.getBoundingClientRect().right));
    expect(el.shadowRoot!.querySelector('[role="menu"]')!.getAttribute('aria-label')).toBe('الحساب');
    expect(el.shadowRoot!.querySelector('[role="menuitem"]')!.textContent!.trim()).toBe('تسجيل الخروج');
    expect(await axeViolations(el)).toEqual([]);
  });
});
