import { currentLocale } from './locale-state.js';

// Dates as the current locale writes them, wherever an element shows one (passkeys,
// sessions, connected accounts, an organization's members, invitations and audit log).

/** A day ("24 Nov 2026", "24.11.2026"). */
export function formatDate(iso: string): string {
  return format(iso, { dateStyle: 'medium' }, 10);
}

/** A day and a time ("Nov 28, 2026, 12:00 PM"). */
export function formatMoment(iso: string): string {
  return format(iso, { dateStyle: 'medium', timeStyle: 'short' }, 16);
}

function format(iso: string, options: Intl.DateTimeFormatOptions, fallback: number): string {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat(currentLocale(), options).format(date);
  } catch {
    return date.toISOString().slice(0, fallback).replace('T', ' ');
  }
}
