import type { ReactiveControllerHost, TemplateResult } from 'lit';
import type { User } from '@latchkey/client';
import { msg } from '../internal/localize.js';
import { errorMessage } from '../internal/messages.js';
import { renderPasskeysFailed, renderPasskeysLoading } from './passkeys.template.js';
import type { ProfileSection, SectionHost } from './section.js';

/** How a lazily loaded module makes its section. */
export type SectionFactory = (host: ReactiveControllerHost & HTMLElement, section: SectionHost) => ProfileSection;

/**
 * A section whose code is a chunk of its own, imported when the element is
 * made (alongside the session request, so it is in before the page needs it):
 * the first screen's bundle carries only this stand-in. Until the chunk is in
 * it draws placeholder rows; if the chunk cannot load, why and "Try again".
 */
export class LazySection implements ProfileSection {
  #section?: ProfileSection;
  #user?: User;
  #failed?: unknown;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #sectionHost: SectionHost;
  readonly #load: () => Promise<SectionFactory>;

  constructor(host: ReactiveControllerHost & HTMLElement, section: SectionHost, load: () => Promise<SectionFactory>) {
    this.#host = host;
    this.#sectionHost = section;
    this.#load = load;
    host.addController(this);
    this.#import();
  }

  #import() {
    this.#failed = undefined;
    this.#load().then(
      (make) => {
        this.#section = make(this.#host, this.#sectionHost);
        this.#section.userChanged(this.#user);
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        this.#failed = error;
        this.#host.requestUpdate();
      },
    );
  }

  get states(): string[] {
    return this.#section?.states ?? [];
  }

  userChanged(user: User | undefined) {
    this.#user = user;
    this.#section?.userChanged(user);
  }

  hostConnected() {}

  render(): TemplateResult {
    if (this.#section) return this.#section.render();
    if (this.#failed !== undefined) return renderPasskeysFailed(errorMessage(this.#failed), () => this.#import());
    return renderPasskeysLoading(msg('Loading your account…'), 1);
  }
}
