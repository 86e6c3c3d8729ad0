import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { whenIdle } from '../idle.js';

/**
 * An element's steps that are not on its first screen: step name -> the
 * `import()` of its chunk, whose `render` draws the step. A static path, so
 * bundlers emit each as its own chunk and a strict CSP has nothing to object to.
 *
 * @example
 * const steps = { password: () => import('./steps/password.js') } satisfies StepChunks;
 */
export type StepChunks = Record<string, () => Promise<{ render: unknown }>>;

/** Stands in for a step's `import()`: tests and stories delay it or make it fail. */
export type StepImport = <M>(step: string, load: () => Promise<M>) => Promise<M>;

/** The render function a step's chunk exports. */
export type StepRender<Chunks extends StepChunks, Name extends keyof Chunks> = Awaited<ReturnType<Chunks[Name]>>['render'];

/**
 * Loads the steps of an element the first time they are needed, and asks for
 * all of them once the page is idle after the first render, so by the time the
 * broker answers with one it is (almost always) there. The flow awaits `load()`
 * before it shows a step (its `prepare`), so a slow chunk keeps the previous
 * step in its pending state instead of a blank card.
 *
 * @example
 * readonly #steps = new LazyStepsController(this, signInSteps, () => this.stepImport);
 * prepare: (view) => this.#steps.load(view.name)
 */
export class LazyStepsController<Chunks extends StepChunks> implements ReactiveController {
  readonly #loaded = new Map<keyof Chunks, unknown>();
  readonly #loading = new Map<keyof Chunks, Promise<void>>();
  #asked = false;

  readonly #chunks: Chunks;
  readonly #stepImport: () => StepImport | undefined;

  constructor(host: ReactiveControllerHost, chunks: Chunks, stepImport: () => StepImport | undefined) {
    this.#chunks = chunks;
    this.#stepImport = stepImport;
    host.addController(this);
  }

  /** The render function of a loaded step; undefined while its chunk is not in (or for a name with no chunk). */
  render<Name extends keyof Chunks>(name: Name): StepRender<Chunks, Name> | undefined {
    return this.#loaded.get(name) as StepRender<Chunks, Name> | undefined;
  }

  /**
   * Imports the chunk of `name`, once; resolves at once for a step loaded
   * already or one without a chunk (drawn by the element itself). A failed
   * import is forgotten, so the next call imports again.
   */
  load(name: string): Promise<void> {
    const load = Object.hasOwn(this.#chunks, name) ? this.#chunks[name] : undefined;
    if (!load) return Promise.resolve();
    // A chunk already in keeps its settled promise here.
    let loading = this.#loading.get(name);
    if (!loading) {
      const using = this.#stepImport() ?? ((_step, load) => load());
      loading = using(name, load).then(
        (chunk) => void this.#loaded.set(name, chunk.render),
        (error: unknown) => {
          this.#loading.delete(name);
          throw error;
        },
      );
      this.#loading.set(name, loading);
    }
    return loading;
  }

  hostUpdated(): void {
    if (this.#asked) return;
    this.#asked = true;
    // After the first render, while the page has nothing else to do; a failure
    // here is left for the step to meet (and say) when it is needed.
    whenIdle(() => Object.keys(this.#chunks).forEach((name) => void this.load(name).catch(() => {})));
  }
}
