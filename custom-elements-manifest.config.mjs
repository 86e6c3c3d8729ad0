// Custom Elements Manifest of @latchkey/elements, read from the elements' JSDoc
// (@summary @event @slot @csspart @cssproperty @cssstate) and Lit decorators.
// Storybook's docs pages and argTypes come from it (stories/.storybook/preview.ts), and the
// published package ships it (custom-elements.json, with the Vue/Preact/Solid types made from it).
// Generated, not committed: where it goes is the caller's `--outdir` (relative to the repo root):
// stories/.storybook/main.ts writes Storybook's whenever Storybook or its Vitest project starts,
// packages/elements/build.mjs the package's; `pnpm cem` writes `outdir` below by hand.

/**
 * Keeps the public surface only: private, protected and static members are not the element's
 * API, and neither are the attributes the analyzer reads off their entries in a static
 * `properties` block (internal `state: true` fields have no attribute at all).
 */
function publicMembersOnly() {
  const isPublic = (m) => !m.static && m.privacy !== 'private' && m.privacy !== 'protected' && !m.name.startsWith('#') && !m.name.startsWith('_');
  return {
    name: 'latchkey-public-members-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const mod of customElementsManifest.modules) {
        for (const declaration of mod.declarations ?? []) {
          if (!declaration.members) continue;
          const hidden = new Set(declaration.members.filter((m) => !isPublic(m)).map((m) => m.name));
          declaration.members = declaration.members.filter(isPublic);
          if (declaration.attributes) declaration.attributes = declaration.attributes.filter((a) => !hidden.has(a.fieldName ?? a.name));
        }
      }
    },
  };
}

export default {
  globs: ['packages/elements/src/**/*.ts'],
  exclude: ['**/*.test.ts', '**/test-helpers.ts', '**/*.d.ts', 'packages/elements/src/locales/**'],
  outdir: 'stories/.storybook/generated',
  litelement: true,
  dependencies: false,
  packagejson: false,
  plugins: [publicMembersOnly()],
};
