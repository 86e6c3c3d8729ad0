// A SAML sign-in at the dev IdP without a browser, for SP tests (the broker's): it follows the
// AuthnRequest (or the IdP-initiated launch) to the sign-in page, submits it with TestBrowser, and
// answers what the auto-post page would have posted to the SP's ACS.

import type { DevIdp } from './server.js';
import { TestBrowser } from './test-browser.js';

export interface SamlSignInOptions {
  /** SP-initiated, HTTP-Redirect binding: where the SP redirected the browser (`${ssoUrl}?SAMLRequest=…&RelayState=…`). */
  authnRequestUrl?: string;
  /** SP-initiated, HTTP-POST binding: the fields the SP's form posted to `ssoUrl`. */
  authnRequestForm?: { SAMLRequest: string; RelayState?: string };
  /** IdP-initiated: the SP's entity ID (`${brokerUrl}/v1/saml/<id>/metadata`). */
  spEntityId?: string;
  email: string;
  password: string;
  /** Press Cancel instead of Continue: the SP then gets a Responder / AuthnFailed Response. */
  cancel?: boolean;
}

/** The HTTP-POST binding's message, as the browser would post it to the SP. */
export interface SamlPost {
  /** The form's action: the SP's ACS URL. */
  acsUrl: string;
  /** Base64 of the Response XML. */
  SAMLResponse: string;
  /** The AuthnRequest's RelayState, unchanged; undefined when there was none (IdP-initiated). */
  RelayState: string | undefined;
}

const htmlEntities: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };
const unescapeHtml = (text: string) => text.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => htmlEntities[entity]!);

/** Reads the auto-post page (page.ts autoPostPage); undefined for any other page. */
export function readAutoPost(html: string): SamlPost | undefined {
  const action = /<form method="post" action="([^"]*)"/.exec(html)?.[1];
  const fields = new Map([...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map((m) => [unescapeHtml(m[1]!), unescapeHtml(m[2]!)]));
  const samlResponse = fields.get('SAMLResponse');
  if (action === undefined || samlResponse === undefined) return undefined;
  return { acsUrl: unescapeHtml(action), SAMLResponse: samlResponse, RelayState: fields.get('RelayState') };
}

/** Signs in at the dev SAML IdP with fetch; throws with the page's message when no Response comes. */
export async function samlSignIn(idp: Pick<DevIdp, 'url' | 'saml'>, options: SamlSignInOptions): Promise<SamlPost> {
  const browser = new TestBrowser(idp.url);
  const start = options.authnRequestForm
    ? browser.navigate(idp.saml.ssoUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(Object.entries(options.authnRequestForm).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString(),
      })
    : browser.navigate(options.authnRequestUrl ?? `${idp.saml.launchUrl}?${new URLSearchParams({ sp: options.spEntityId ?? '' })}`);
  const signIn = await start;
  const signInPage = await signIn.response.text();
  if (signIn.response.status !== 200) throw new Error(`samlSignIn: the dev IdP refused the sign-in (${signIn.response.status}): ${pageMessage(signInPage)}`);
  // The page's first form signs in, its second one cancels.
  const { response } = options.cancel
    ? await browser.submit(signInPage, {}, 1)
    : await browser.submit(signInPage, { email: options.email, password: options.password });
  const answer = await response.text();
  const post = response.status === 200 ? readAutoPost(answer) : undefined;
  if (!post) throw new Error(`samlSignIn: no SAML Response (${response.status}): ${pageMessage(answer)}`);
  return post;
}

/** The page's alert, or else its first paragraph: what a person would read there. */
function pageMessage(html: string): string {
  const text = /<p class="error"[^>]*>([^<]*)</.exec(html)?.[1] ?? /<p class="lead">([^<]*)</.exec(html)?.[1] ?? html.slice(0, 200);
  return unescapeHtml(text);
}
