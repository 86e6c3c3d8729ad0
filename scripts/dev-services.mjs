// How `pnpm start` (start.mjs) and the e2e suite (playwright.config.ts) run the three dev
// services: node straight on each entry, in a folder relative to the repository, rather than
// `pnpm --filter … start` (a pnpm process costs ~0.5 s before the service starts), and
// TypeScript through tsx's ESM loader in that same process (the tsx command starts a second
// node, and its CommonJS hooks slow every require() of the dependencies).
export const devServices = {
  broker: { cwd: '.', args: ['--import', 'tsx/esm', 'scripts/dev-broker.mjs'] },
  devIdp: { cwd: '.', args: ['--import', 'tsx/esm', 'apps/dev-idp/src/main.ts'] },
  demo: { cwd: 'apps/demo', args: ['../../node_modules/vite/bin/vite.js', '--configLoader', 'runner'] },
};
