import { createRef, version as reactVersion } from 'react';
import { flushSync, version as reactDomVersion } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, inject, test, vi } from 'vitest';
import { LkErrorEvent, LkSignedInEvent, LkSignIn, type LkSignedInDetail } from '@latchkey/elements';
import { SignIn } from './sign-in.js';

declare module 'vitest' {
  interface ProvidedContext {
    /** The React major this project resolves `react` and `react-dom` to (vitest.config.ts, vitest.react18.config.ts). */
    reactMajor: string;
  }
}

const signedIn: LkSignedInDetail = {
  user: { id: 'usr_1', email: 'ada@example.com' },
  session: { id: 'ses_1' },
  return_to: null,
} as unknown as LkSignedInDetail;

let root: Root | undefined;
afterEach(() => {
  root?.unmount();
  root = undefined;
  document.body.replaceChildren();
});

/** Renders synchronously (flushSync exists in React 18 and 19) and returns the lk-sign-in it made. */
function render(element: React.ReactNode): LkSignIn {
  const container = document.body.appendChild(document.createElement('div'));
  root ??= createRoot(container);
  flushSync(() => root!.render(element));
  return document.querySelector('lk-sign-in')!;
}

describe(`SignIn with React ${inject('reactMajor')}`, () => {
  test('runs on the React this project resolves, with a react-dom of the same version', () => {
    expect(reactVersion.split('.')[0]).toBe(inject('reactMajor'));
    expect(reactDomVersion).toBe(reactVersion);
  });

  test('renders the registered element and sets props as properties, not attributes', () => {
    const navigate = vi.fn();
    const ref = createRef<LkSignIn>();
    const element = render(<SignIn ref={ref} appName="Acme" navigate={navigate} className="login" />);
    expect(element).toBeInstanceOf(LkSignIn);
    expect(ref.current).toBe(element);
    // A function can only arrive as a property; `appName` without an `app-name` (or React 18's
    // lower-cased `appname`) attribute shows the string did too.
    expect(element.navigate).toBe(navigate);
    expect(element.appName).toBe('Acme');
    expect(element.hasAttribute('app-name')).toBe(false);
    expect(element.hasAttribute('appname')).toBe(false);
    expect(element.getAttribute('class')).toBe('login');
  });

  test('onSignedIn and onError receive the typed events the element dispatches', () => {
    const onSignedIn = vi.fn<(event: LkSignedInEvent) => void>();
    const onError = vi.fn<(event: LkErrorEvent) => void>();
    const element = render(<SignIn onSignedIn={onSignedIn} onError={onError} />);

    const signedInEvent = new LkSignedInEvent(signedIn);
    element.dispatchEvent(signedInEvent);
    expect(onSignedIn).toHaveBeenCalledExactlyOnceWith(signedInEvent);
    expect(onSignedIn.mock.calls[0]![0].detail.user.email).toBe('ada@example.com');

    const errorEvent = new LkErrorEvent({ code: 'invalid_credentials' });
    element.dispatchEvent(errorEvent);
    // The element may report its own `not_configured` too (no broker here): look for ours.
    expect(onError).toHaveBeenCalledWith(errorEvent);
    expect(onSignedIn).toHaveBeenCalledOnce();
  });

  test('a new handler replaces the old one on re-render', () => {
    const first = vi.fn();
    const second = vi.fn();
    render(<SignIn onSignedIn={first} />);
    const element = render(<SignIn onSignedIn={second} />);
    element.dispatchEvent(new LkSignedInEvent(signedIn));
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledOnce();
  });

});
