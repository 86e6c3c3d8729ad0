import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface MenuOptions {
  /** The button that opens the menu (focus returns to it). */
  button(): HTMLElement | null | undefined;
  /** The menu's entries in order, where arrow keys move (the host's slotted ones too). */
  items(): HTMLElement[];
}

/**
 * The menu-button pattern (WAI-ARIA APG) of lk-user-button and lk-org-switcher:
 * Enter, Space or ArrowDown on the button open the menu on its checked entry (else
 * the first), ArrowUp on the last; ArrowUp/ArrowDown wrap, Home/End jump; Escape
 * closes and gives focus back to the button, Tab closes and moves on; a click
 * outside closes. The host renders the menu while `open`.
 *
 * @example
 * readonly #menu = new MenuController(this, { button: () => this.renderRoot.querySelector('[part~=button]'), items: () => [...this.renderRoot.querySelectorAll('[role^=menuitem]')] });
 * html`<button @click=${this.#menu.toggle} @keydown=${this.#menu.onButtonKeydown}>…</button> ${this.#menu.open ? html`<div role="menu" @keydown=${this.#menu.onMenuKeydown}>…</div>` : nothing}`
 */
export class MenuController implements ReactiveController {
  open = false;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: MenuOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, options: MenuOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  hostConnected() {
    document.addEventListener('click', this.#onDocumentClick);
  }

  hostDisconnected() {
    document.removeEventListener('click', this.#onDocumentClick);
  }

  /** Opens the menu and focuses its checked entry, else the first (`last`: the last). */
  async show(last = false): Promise<void> {
    this.open = true;
    this.#host.requestUpdate();
    await this.#host.updateComplete;
    this.focusEntry(last);
  }

  /** Focuses an entry of the open menu (after its entries changed, say). */
  focusEntry(last = false) {
    const items = this.#options.items();
    // Arrow keys move between entries; Tab leaves the menu (menu-button pattern).
    for (const item of items) item.tabIndex = -1;
    const checked = items.find((item) => item.getAttribute('aria-checked') === 'true');
    (last ? items.at(-1) : (checked ?? items[0]))?.focus();
  }

  close(returnFocus: boolean) {
    if (!this.open) return;
    this.open = false;
    this.#host.requestUpdate();
    if (returnFocus) void this.#host.updateComplete.then(() => this.#options.button()?.focus());
  }

  toggle = () => (this.open ? this.close(false) : void this.show());

  onButtonKeydown = (event: KeyboardEvent) => {
    if (['ArrowDown', 'ArrowUp', 'Enter', ' '].includes(event.key)) {
      event.preventDefault();
      void this.show(event.key === 'ArrowUp');
    }
  };

  onMenuKeydown = (event: KeyboardEvent) => {
    const items = this.#options.items();
    const at = items.findIndex((item) => item.matches(':focus'));
    const go = (index: number) => {
      event.preventDefault();
      items[(index + items.length) % items.length]?.focus();
    };
    if (event.key === 'Escape' || event.key === 'Tab') {
      if (event.key === 'Escape') event.preventDefault();
      this.close(event.key === 'Escape');
    } else if (event.key === 'ArrowDown') go(at + 1);
    else if (event.key === 'ArrowUp') go(at - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(items.length - 1);
  };

  #onDocumentClick = (event: MouseEvent) => {
    if (this.open && !event.composedPath().includes(this.#host)) this.close(false);
  };
}
