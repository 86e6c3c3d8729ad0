import { expect, inject, test } from 'vitest';
import { tokenForNewAccount, uniqueEmail } from './accounts.js';
import { freshProject, npmInstall, runIn } from './project.js';

// README, Install: "A Node backend verifying tokens" — the same lines.
const VERIFY = `import { createVerifier } from '@latchkey/server';

const verifier = createVerifier({ issuer: process.env.LATCHKEY_URL, audience: process.env.APP_ORIGIN });
const claims = await verifier.verify(process.argv[2]);
console.log(JSON.stringify({ sub: claims.sub, aud: claims.aud, amr: claims.amr }));
`;

test('a Node backend installs @latchkey/server from its tarball and verifies a token the broker minted', async () => {
  const brokerUrl = inject('brokerUrl');
  const origin = `http://localhost:${inject('pagePorts').cdn}`;
  const dir = freshProject('server', inject('packs'), { ours: ['@latchkey/server'] }, { 'verify.mjs': VERIFY });
  await npmInstall(dir);

  const token = await tokenForNewAccount(brokerUrl, origin, uniqueEmail('server'), 'correct horse battery staple');
  const env = { LATCHKEY_URL: brokerUrl, APP_ORIGIN: origin };
  const verified = await runIn(dir, 'node', ['verify.mjs', token], env);
  expect(verified.output).toContain('"amr":["pwd"]');
  expect(verified.code).toBe(0);
  expect(JSON.parse(verified.output).sub).toMatch(/\S/);

  // The same token with one signature character changed is refused, as is one for another app.
  const [head, body, signature] = token.split('.');
  const forged = `${head}.${body}.${signature!.startsWith('A') ? 'B' : 'A'}${signature!.slice(1)}`;
  expect((await runIn(dir, 'node', ['verify.mjs', forged], env)).code).not.toBe(0);
  expect((await runIn(dir, 'node', ['verify.mjs', token], { ...env, APP_ORIGIN: 'https://other.example' })).code).not.toBe(0);
});
