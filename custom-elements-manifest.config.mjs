// Custom Elements Manifest of @latchkey/elements, read from the elements' JSDoc
// (@summary @event @slot @csspart @cssproperty @cssstate) and Lit decorators.
// Storybook's docs pages and argTypes come from it (stories/.storybook/preview.ts).
// Generated, not committed: stories/.storybook/main.ts regenerates it whenever
// Storybook or its Vitest project starts; `pnpm cem` does it by hand.
export default {
  globs: ['packages/elements/src/**/*.ts'],
  exclude: ['**/*.test.ts', '**/test-helpers.ts', '**/*.d.ts'],
  outdir: 'stories/.storybook/generated',
  litelement: true,
  dependencies: false,
  packagejson: false,
};
