import { tokens, cardStyles } from '../internal/tokens.js';

export const signUpStyles = [tokens, cardStyles];
