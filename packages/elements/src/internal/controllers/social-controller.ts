import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { getPublicConfig, type SessionClient, type SocialProvider } from '@latchkey/client';
import type { providerIcon } from '../provider-icons.js';

/** The social buttons to draw: the broker's providers, in its order, and how to draw their icons. */
export interface SocialOffer {
  providers: SocialProvider[];
  icon: typeof providerIcon;
}

const none: SocialOffer = { providers: [], icon: () => undefined as never };

/**
 * The social providers of the broker's public configuration (`GET /v1/config`),
 * read once per client when the element first draws, with the icons' chunk
 * (`provider-icons.ts`, shared with lk-user-profile's connected accounts) fetched beside it. Until both are in, and when the configuration cannot be
 * read, there are no buttons: the form stays as it is, with nothing reserved.
 * Shared by lk-sign-in and lk-sign-up.
 *
 * @example
 * private readonly social = new SocialController(this, () => this.latchkey);
 * renderSocialButtons(this.social.offer, { divider: true, pending, onPick })
 */
export class SocialController implements ReactiveController {
  offer: SocialOffer = none;
  #asked?: SessionClient;

  readonly #host: ReactiveControllerHost;
  readonly #client: () => SessionClient | undefined;

  constructor(host: ReactiveControllerHost, client: () => SessionClient | undefined) {
    this.#host = host;
    this.#client = client;
    host.addController(this);
  }

  hostUpdated(): void {
    const client = this.#client();
    if (!client || client === this.#asked) return;
    this.#asked = client;
    void Promise.all([getPublicConfig(client.connection), import('../provider-icons.js')]).then(
      ([config, { providerIcon }]) => {
        if (this.#asked !== client || !config.social?.length) return;
        this.offer = { providers: config.social, icon: providerIcon };
        this.#host.requestUpdate();
      },
      // No buttons rather than an error: every other way in still works.
      () => {},
    );
  }
}
