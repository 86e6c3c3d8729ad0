// How `pnpm start` (start.mjs) and the e2e suite (playwright.config.ts) run the three dev
// services: node straight on each entry, in a folder relative to the repository, rather than
// `pnpm --filter … start` (a pnpm process costs ~0.5 s before the service starts), and the
// broker and the dev IdP as JavaScript bundles rebuilt when a source changes (run-bundled.mjs,
// dev-bundle.mjs) rather than TypeScript through tsx (~1–2 s more at each start).
export const devServices = {
  broker: { cwd: '.', args: ['scripts/run-bundled.mjs', 'broker'] },
  devIdp: { cwd: '.', args: ['scripts/run-bundled.mjs', 'dev-idp'] },
  demo: { cwd: 'apps/demo', args: ['../../node_modules/vite/bin/vite.js', '--configLoader', 'runner'] },
};
