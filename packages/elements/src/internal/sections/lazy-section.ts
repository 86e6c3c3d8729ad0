import type { ReactiveControllerHost, TemplateResult } from 'lit';
import { errorMessage } from '../messages.js';
import { renderLoadFailed, renderRowsLoading } from './section-templates.js';
import type { Section, SectionHost } from './section.js';

/** How a lazily loaded module makes its section (`Host`: what its element gives it, a `SectionHost` or more). */
export type SectionFactory<Subject, Host extends SectionHost = SectionHost> = (host: ReactiveControllerHost & HTMLElement, section: Host) => Section<Subject>;

/**
 * A section whose code is a chunk of its own, imported when the stand-in is
 * made (alongside the element's first request, so it is in before the page
 * needs it): the first screen's bundle carries only this stand-in. Until the
 * chunk is in it draws placeholder rows and says `loading`; if the chunk cannot
 * load, why and "Try again". The subject it was given meanwhile is handed on.
 */
export class LazySection<Subject, Host extends SectionHost = SectionHost> implements Section<Subject> {
  #section?: Section<Subject>;
  #subject?: Subject;
  #failed?: unknown;
  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #sectionHost: Host;
  readonly #load: () => Promise<SectionFactory<Subject, Host>>;
  readonly #loading: () => string;

  constructor(host: ReactiveControllerHost & HTMLElement, section: Host, load: () => Promise<SectionFactory<Subject, Host>>, loading: () => string) {
    this.#host = host;
    this.#sectionHost = section;
    this.#load = load;
    this.#loading = loading;
    host.addController(this);
    this.#import();
  }

  #import() {
    this.#failed = undefined;
    this.#load().then(
      (make) => {
        this.#section = make(this.#host, this.#sectionHost);
        this.#section.subjectChanged(this.#subject);
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

  subjectChanged(subject: Subject | undefined) {
    this.#subject = subject;
    this.#section?.subjectChanged(subject);
  }

  hostConnected() {}

  render(): TemplateResult {
    if (this.#section) return this.#section.render();
    if (this.#failed !== undefined) return renderLoadFailed(errorMessage(this.#failed), () => this.#import());
    return renderRowsLoading(this.#loading(), 1);
  }
}
