/** The demo's own port and the broker it talks to, from the environment (DESIGN.md defaults). */
export const demoPort = Number(process.env.DEMO_PORT ?? 5173);
export const brokerUrl = (process.env.BROKER_URL ?? `http://localhost:${process.env.BROKER_PORT ?? 8787}`).replace(/\/$/, '');
/**
 * The origins the demo's pages are opened at (`DEMO_ORIGINS`, comma-separated; default
 * `http://localhost:<port>`). Vite also answers `*.localhost`, so the e2e suite opens the
 * same server as `app.localhost` too (a page same-site with the broker on `localhost`,
 * another origin): the broker mints each page's token for its own origin.
 */
export const demoOrigins = (process.env.DEMO_ORIGINS ?? `http://localhost:${demoPort}`)
  .split(',')
  .map((origin) => origin.trim().replace(/\/$/, ''))
  .filter(Boolean);
