import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, inject, test } from 'vitest';
import { freshProject, npmInstall, runIn } from './project.js';

// README, Install, "Vue": the same component and tsconfig.
const APP = `<script setup lang="ts">
import '@latchkey/elements/sign-in.js';
import type { LkSignedInEvent } from '@latchkey/elements';
import { ref } from 'vue';

const email = ref<string>();
const signedIn = (event: LkSignedInEvent) => (email.value = event.detail.user.email);
</script>

<template>
  <p v-if="email">Signed in as {{ email }}</p>
  <lk-sign-in v-else sign-up-url="/sign-up" @lk-signed-in="signedIn" />
</template>
`;

const TSCONFIG = {
  compilerOptions: { target: 'ES2022', lib: ['ES2022', 'DOM', 'DOM.Iterable'], module: 'ESNext', moduleResolution: 'bundler', strict: true, noEmit: true, jsx: 'preserve', types: ['@latchkey/elements/vue'] },
  vueCompilerOptions: { strictTemplates: true },
  include: ['src/**/*.ts', 'src/**/*.vue'],
};

test('a Vue 3 single-file component using <lk-sign-in> type-checks with vue-tsc (strict templates), and a wrong attribute or handler does not', async () => {
  const dir = freshProject('vue', inject('packs'), {
    ours: ['@latchkey/elements'],
    dependencies: { vue: '^3.5.0' },
    devDependencies: { 'vue-tsc': '^3.0.0', typescript: '~5.9.3' },
  }, { 'src/App.vue': APP, 'tsconfig.json': JSON.stringify(TSCONFIG) });
  await npmInstall(dir);

  const checked = await runIn(dir, 'npx', ['vue-tsc', '--noEmit', '-p', '.']);
  expect(checked.output).toBe('');
  expect(checked.code).toBe(0);

  // The types bite: a misspelled attribute and a handler for the wrong event fail the check.
  writeFileSync(join(dir, 'src/Typo.vue'), '<script setup lang="ts">\nimport \'@latchkey/elements/sign-in.js\';\nconst click = (event: MouseEvent) => event.button;\n</script>\n\n<template>\n  <lk-sign-in sign-up-urll="/sign-up" />\n  <lk-sign-in @lk-signed-in="click" />\n</template>\n');
  const typo = await runIn(dir, 'npx', ['vue-tsc', '--noEmit', '-p', '.']);
  expect(typo.code).not.toBe(0);
  expect(typo.output).toMatch(/Typo\.vue\(7,\d+\): error TS\d+/);
  expect(typo.output).toMatch(/Typo\.vue\(8,\d+\): error TS\d+/);
  rmSync(join(dir, 'src/Typo.vue'));
});
