import { html, page } from '../../http/page.js';
import type { ConnectionTestReport } from './connection-test.js';

/** The refusal page's words, in the languages the elements speak (en, de, ar). */
const REFUSAL = {
  en: { dir: 'ltr', title: 'Sign-in failed', lead: 'Your organization’s sign-in service sent a response that could not be accepted. Nobody was signed in.', reference: 'Reference for your IT admin:', next: 'Go back to the app and try again. If it keeps happening, give your IT admin the reference above.' },
  de: { dir: 'ltr', title: 'Anmeldung fehlgeschlagen', lead: 'Der Anmeldedienst Ihrer Organisation hat eine Antwort gesendet, die nicht angenommen werden konnte. Niemand wurde angemeldet.', reference: 'Referenz für Ihre IT-Administration:', next: 'Gehen Sie zurück zur App und versuchen Sie es erneut. Wenn es wieder passiert, geben Sie Ihrer IT-Administration die Referenz oben.' },
  ar: { dir: 'rtl', title: 'تعذّر تسجيل الدخول', lead: 'أرسلت خدمة تسجيل الدخول في مؤسستك ردًا تعذّر قبوله. لم يُسجَّل دخول أحد.', reference: 'مرجع لمسؤول تقنية المعلومات:', next: 'ارجع إلى التطبيق وحاول مرة أخرى. إن تكرر ذلك، فأعطِ مسؤول تقنية المعلومات المرجع أعلاه.' },
} as const;
type Language = keyof typeof REFUSAL;

/** The first language of `Accept-Language` the page speaks, else English. */
export function languageOf(acceptLanguage: string | undefined): Language {
  const wanted = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', q = 'q=1'] = part.trim().toLowerCase().split(';');
      return { language: tag.split('-')[0]!, q: Number(q.replace(/^q=/, '')) || 0 };
    })
    .filter((entry) => entry.q > 0)
    .sort((a, b) => b.q - a.q);
  return (wanted.find((entry) => entry.language in REFUSAL)?.language as Language | undefined) ?? 'en';
}

/**
 * What a person sees when the ACS refused a response it cannot send back to any sign-in
 * (unsolicited, replayed, forged, or naming no open request): that nobody was signed in,
 * and the reference the organization's admins find the reason under. Never the reason.
 */
export function refusalPage(reference: string, acceptLanguage: string | undefined): string {
  const lang = languageOf(acceptLanguage);
  const words = REFUSAL[lang];
  return page({
    lang,
    dir: words.dir,
    title: words.title,
    body: html`<span class="badge bad">SAML</span><h1>${words.title}</h1><p>${words.lead}</p><p>${words.reference} <code>${reference}</code></p><p>${words.next}</p>`,
  });
}

const list = (values: string[]) => (values.length ? values.join(', ') : '—');

/** The report of a connection test, for the admin who ran it: what the IdP sent, what was mapped, whether it would sign in. */
export function testReportPage(connectionName: string, report: ConnectionTestReport): string {
  const passed = report.status === 'passed';
  const title = passed ? 'Connection test passed' : 'Connection test failed';
  const rows = (entries: Array<[string, string]>) => html`<dl>${entries.map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}</dl>`;
  const body = passed
    ? html`<span class="badge ok">Passed</span><h1>${title}</h1>
        <p>${connectionName}: the response was valid and ${report.sign_in.would_sign_in ? 'would sign this user in.' : `would not sign this user in (${report.sign_in.reason ?? 'refused'}).`} Nobody was signed in by this test.</p>
        ${report.sign_in.detail ? html`<p>${report.sign_in.detail}</p>` : ''}
        <h2>What the IdP sent</h2>
        ${rows([
          ['Issuer', report.received!.issuer],
          ['NameID', report.received!.name_id],
          ['NameID format', report.received!.name_id_format ?? '—'],
          ...Object.entries(report.received!.attributes).map(([name, values]): [string, string] => [name, list(values)]),
        ])}
        <h2>What was mapped</h2>
        ${rows([
          ['Email', report.mapped!.email ?? '—'],
          ['Name', report.mapped!.name ?? '—'],
          ['Groups', list(report.mapped!.groups)],
          ['Role', report.mapped!.role],
        ])}`
    : html`<span class="badge bad">Failed</span><h1>${title}</h1>
        <p>${connectionName}: the response was refused. Nobody was signed in.</p>
        ${rows([
          ['Reason', report.rejection!.reason],
          ['Detail', report.rejection!.detail],
          ['Reference', report.rejection!.reference],
        ])}`;
  return page({ lang: 'en', title, body: html`${body}<p>The same report is in the admin API: <code>GET …/connections/{id}/tests/${report.id}</code>.</p>` });
}
