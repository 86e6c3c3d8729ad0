import { storybookProject } from './vitest.shared.js';

// Every story again in the dark theme: the same play functions, axe on dark colours.
export default storybookProject('dark');
