/**
 * WeChat's user-privacy flow: before an API that touches personal data (clipboard, camera for
 * scanning, the avatar picker, phone calls …) runs for the first time, WeChat calls the handler
 * registered with `wx.onNeedPrivacyAuthorization` and waits. The gate keeps that pending answer;
 * the `privacy-sheet` component on a page shows the request, and the user's tap on its
 * `open-type="agreePrivacyAuthorization"` button (or 不同意) settles it.
 */

/** WeChat's `resolve` of the privacy request: agree names the agree button's id. */
export type PrivacyResolve = (r: { event: 'agree'; buttonId: string } | { event: 'disagree' }) => void;

export interface PrivacyGate {
  /** Called by WeChat's handler: shows the sheet until the user answers. */
  need(resolve: PrivacyResolve): void;
  /** Listens to "a request is waiting" (true) / "answered" (false); returns the unsubscribe. */
  subscribe(listener: (waiting: boolean) => void): () => void;
  agree(buttonId: string): void;
  decline(): void;
  waiting(): boolean;
}

export function createPrivacyGate(): PrivacyGate {
  let pending: PrivacyResolve | undefined;
  const listeners = new Set<(waiting: boolean) => void>();
  const settle = (answer: Parameters<PrivacyResolve>[0]) => {
    const r = pending;
    pending = undefined;
    listeners.forEach((l) => l(false));
    r?.(answer);
  };
  return {
    need(resolve) {
      // A second request while one waits replaces it: WeChat asks again for the newer call.
      pending = resolve;
      listeners.forEach((l) => l(true));
    },
    subscribe(listener) {
      listeners.add(listener);
      listener(pending !== undefined);
      return () => listeners.delete(listener);
    },
    agree: (buttonId) => settle({ event: 'agree', buttonId }),
    decline: () => settle({ event: 'disagree' }),
    waiting: () => pending !== undefined,
  };
}
