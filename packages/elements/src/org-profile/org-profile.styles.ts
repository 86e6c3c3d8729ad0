import { unsafeCSS } from 'lit';
import { sectionStyles } from '../internal/sections/section-styles.js';

/**
 * lk-org-profile is a card of sections like lk-user-profile's (the same
 * styles), wider for the audit log's table. What only its sections draw (role
 * pickers, the TXT record, the audit table…) comes with their chunk
 * (org-section.styles.ts), so the first screen does not carry it.
 */
export const orgProfileStyles = [
  ...sectionStyles,
  unsafeCSS(`
:host{max-inline-size:var(--lk-card-max-width,720px)}
.ended{padding:var(--_space-m);text-align:center;border:var(--_border-width) dashed var(--_border);border-radius:var(--_radius)}
`),
];
