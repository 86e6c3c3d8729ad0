import { storybookProject } from './vitest.shared.js';

// Every story in the light theme (the dark one: vitest.dark.config.ts).
export default storybookProject('light');
