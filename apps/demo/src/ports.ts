/** The demo's own port and the broker it talks to, from the environment (DESIGN.md defaults). */
export const demoPort = Number(process.env.DEMO_PORT ?? 5173);
/** Where the page reaches the broker (its calls, the CSP's connect-src). */
export const brokerUrl = (process.env.BROKER_URL ?? `http://localhost:${process.env.BROKER_PORT ?? 8787}`).replace(/\/$/, '');
/**
 * The broker's public URL, which its tokens name as `iss` and where the backend fetches its keys:
 * BROKER_ISSUER, or `brokerUrl`. They differ only when the page reaches the broker by another name
 * (e2e/same-site.spec.ts: auth.latchkey.localhost in the browser, localhost for the broker itself).
 */
export const brokerIssuer = (process.env.BROKER_ISSUER ?? brokerUrl).replace(/\/$/, '');
/**
 * The page's origin (DEMO_ORIGIN; Vite serves it on localhost by default): the `aud` the broker
 * mints the page's tokens for. Another name reaches the same server, e.g. app.latchkey.localhost.
 */
export const demoOrigin = (process.env.DEMO_ORIGIN ?? `http://localhost:${demoPort}`).replace(/\/$/, '');
