import { css } from 'lit';
import { tokens } from '../internal/tokens.js';

export const userButtonStyles = [
  tokens,
  css`
    :host {
      display: inline-block;
      position: relative;
    }
    [part~='button'] {
      display: inline-flex;
      align-items: center;
      gap: 10px;
      padding: 4px 10px 4px 4px;
      font: inherit;
      font-size: 0.875rem;
      color: var(--_text);
      background: transparent;
      border: 1px solid var(--_border);
      border-radius: 999px;
      cursor: pointer;
    }
    [part~='button']:hover {
      background: color-mix(in srgb, var(--_text) 5%, transparent);
    }
    [part~='button']:focus-visible {
      outline: none;
      box-shadow: 0 0 0 3px var(--_focus);
    }
    [part~='avatar'] {
      display: grid;
      place-items: center;
      inline-size: 30px;
      block-size: 30px;
      border-radius: 50%;
      font-weight: 650;
      font-size: 0.8125rem;
      color: var(--_on-primary);
      background: var(--_primary);
    }
    .label {
      max-inline-size: 22ch;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .chevron {
      inline-size: 10px;
      block-size: 10px;
      border-inline-end: 2px solid var(--_muted);
      border-block-end: 2px solid var(--_muted);
      transform: translateY(-2px) rotate(45deg);
      margin-inline: 2px 4px;
    }
    [part~='menu'] {
      position: absolute;
      inset-inline-end: 0;
      inset-block-start: calc(100% + 8px);
      z-index: 10;
      min-inline-size: 240px;
      padding: 6px;
      background: var(--_surface);
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      box-shadow: var(--_shadow);
    }
    [part~='menu-header'] {
      padding: 8px 10px 10px;
      margin-block-end: 6px;
      border-block-end: 1px solid var(--_border);
    }
    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }
    .email {
      color: var(--_muted);
      font-size: 0.8125rem;
      overflow-wrap: anywhere;
    }
    [part~='menu-item'] {
      display: block;
      inline-size: 100%;
      padding: 9px 10px;
      font: inherit;
      font-size: 0.875rem;
      text-align: start;
      color: var(--_text);
      background: none;
      border: 0;
      border-radius: calc(var(--_radius) * 0.7);
      cursor: pointer;
    }
    [part~='menu-item']:hover,
    [part~='menu-item']:focus-visible {
      outline: none;
      background: color-mix(in srgb, var(--_primary) 12%, transparent);
    }
    .skeleton {
      display: inline-block;
      inline-size: 38px;
      block-size: 38px;
      border-radius: 50%;
      background: color-mix(in srgb, var(--_text) 8%, transparent);
    }
  `,
];
