// Apart from passkeys.ts, so a first screen can ask without pulling in the WebAuthn code.

/** Whether this browser has WebAuthn at all. */
export const passkeysSupported = (): boolean => typeof globalThis.PublicKeyCredential === 'function';
