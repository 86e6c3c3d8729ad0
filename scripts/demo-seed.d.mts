/** LATCHKEY_SOCIAL for the demo: "Continue with DevHub", the dev IdP's GitHub-style provider. */
export function demoSocialProviders(devIdpUrl: string): Array<Record<string, string>>;
/** Seeds the demo through the broker's admin API; answers one line per thing made. */
export function seedDemo(options: { brokerUrl: string; adminToken: string; devIdpUrl: string }): Promise<string[]>;
