import { tokens, cardStyles } from '../internal/tokens.js';

export const signInStyles = [tokens, cardStyles];
