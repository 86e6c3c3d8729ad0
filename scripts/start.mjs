// `pnpm start`: the broker on its embedded database, the demo app and the dev identity
// providers, with their URLs printed when all answer.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoSocialProviders, seedDemo } from './demo-seed.mjs';
import { devServices } from './dev-services.mjs';

const repo = new URL('..', import.meta.url);

const brokerPort = process.env.BROKER_PORT ?? '8787';
const demoPort = process.env.DEMO_PORT ?? '5173';
const devIdpPort = process.env.DEV_IDP_PORT ?? '8788';
const brokerUrl = process.env.LATCHKEY_PUBLIC_URL ?? `http://localhost:${brokerPort}`;
const demoUrl = `http://localhost:${demoPort}`;
// 127.0.0.1, not localhost: another site than the broker and the demo, as a real IdP is.
const devIdpUrl = `http://127.0.0.1:${devIdpPort}`;
// The demo seed goes through the admin API: a token of this run's own unless one is given.
const adminToken = process.env.LATCHKEY_ADMIN_TOKEN ?? randomBytes(32).toString('base64url');
const env = { ...process.env, BROKER_PORT: brokerPort, DEMO_PORT: demoPort, DEV_IDP_PORT: devIdpPort, BROKER_URL: brokerUrl };

const services = [
  // Dev mode (the outbox, a generated secret) is asked for here, never assumed by the broker.
  { name: 'broker', ...devServices.broker, ready: `${brokerUrl}/ready`, env: {
      LATCHKEY_DEV: '1',
      LATCHKEY_SIGN_IN_METHODS: process.env.LATCHKEY_SIGN_IN_METHODS ?? 'password,email-code,passkey',
      LATCHKEY_ADMIN_TOKEN: adminToken,
      LATCHKEY_SOCIAL: process.env.LATCHKEY_SOCIAL ?? JSON.stringify(demoSocialProviders(devIdpUrl)),
      // Invitations and invite links open the demo's sign-up card.
      LATCHKEY_ORGS_JOIN_URL: process.env.LATCHKEY_ORGS_JOIN_URL ?? `${demoUrl}/#sign-up`,
    },
  },
  { name: 'demo', ...devServices.demo, ready: demoUrl },
  { name: 'dev-idp', ...devServices.devIdp, ready: `${devIdpUrl}/oidc/.well-known/openid-configuration` },
];

// A port already taken (often a `pnpm start` still running) would make the URLs below lie.
for (const [name, port] of [['BROKER_PORT', brokerPort], ['DEMO_PORT', demoPort], ['DEV_IDP_PORT', devIdpPort]]) {
  const taken = await new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(true)).once('listening', () => probe.close(() => resolve(false)));
    probe.listen(Number(port));
  });
  if (taken) {
    console.error(`Port ${port} is already in use. Stop what is using it, or pick another with ${name}=…`);
    process.exit(1);
  }
}

const children = services.map(({ name, cwd, args, env: own }) => {
  // A process group of its own, so stop() signals whatever the service itself started too.
  const child = spawn(process.execPath, args, { cwd: fileURLToPath(new URL(cwd, repo)), env: { ...env, ...own }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk) => {
      for (const line of String(chunk).split('\n')) if (line.trim()) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
  child.on('exit', (code) => {
    if (stopping) return;
    console.error(`[${name}] exited with code ${code}; stopping.`);
    stop(code ?? 1);
  });
  return child;
});

let stopping = false;
function stop(code = 0) {
  stopping = true;
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {}
  }
  setTimeout(() => process.exit(code), 500).unref();
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Whether something listens at the URL's host and port: a bare connection, cheaper than a request. */
function listening(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(port) });
    const done = (open) => {
      socket.destroy();
      resolve(open);
    };
    socket.once('connect', () => done(true)).once('error', () => done(false)).setTimeout(1_000, () => done(false));
  });
}

/** Polls until the URL answers 2xx; the first run also creates the database. */
async function waitFor(url, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      // A request made while a server starts can hang: each try gets 2 s. Tries are often
      // (each one missed is time lost), so they start with a connection only.
      if ((await listening(url)) && (await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {}
    await sleep(50);
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

// Seconds since this process began (node's own start-up included), for the ready line.
const since = () => `${process.uptime().toFixed(2)} s`;
const readyAt = {};

try {
  const answering = Object.fromEntries(services.map((s) => [s.name, waitFor(s.ready).then(() => void (readyAt[s.name] = since()))]));
  // The seed needs the broker and the dev IdP (the broker reads the SAML IdP's metadata), not
  // the demo: it runs while the demo's dev server may still be starting.
  const seeded = Promise.all([answering.broker, answering['dev-idp']]).then(async () => {
    const lines = await seedDemo({ brokerUrl, adminToken, devIdpUrl });
    readyAt.seed = since();
    return lines;
  });
  await Promise.all(Object.values(answering));
  for (const line of await seeded) console.log(`[seed] ${line}`);
  console.log(`
  Latchkey is running (ready in ${since()}: ${Object.entries(readyAt).map(([name, at]) => `${name} ${at}`).join(', ')}).

    Demo app         ${demoUrl}
    Broker           ${brokerUrl}   (health: ${brokerUrl}/health)
    Dev outbox       ${brokerUrl}/dev/outbox   (verification codes land here)
    JWKS             ${brokerUrl}/.well-known/jwks.json
    Dev IdP (OIDC)   ${devIdpUrl}/oidc   (client latchkey-acme)
    DevHub (OAuth)   ${devIdpUrl}/devhub/login/oauth/authorize   (client latchkey-devhub)
    Dev IdP (SAML)   ${devIdpUrl}/saml/metadata   (bo@globex.test; IdP-initiated: ${devIdpUrl}/saml/launch?sp=<SP entity ID>)
    Dev sign-in      users ana@acme.test, bo@globex.test, cy@devhub.test, password latchkey-dev
    Admin API        ${brokerUrl}/admin/v1   (Authorization: Bearer ${process.env.LATCHKEY_ADMIN_TOKEN ? '$LATCHKEY_ADMIN_TOKEN' : adminToken})

  Press Ctrl+C to stop.
`);
} catch (error) {
  if (!stopping) {
    console.error(String(error));
    stop(1);
  }
}
