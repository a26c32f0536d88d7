// Screens most reviewers rarely open (the audit, users, entries seen most) are
// fetched when first opened, not with the page: the queue and a referral, what a
// duty reviewer needs at once, stay in the first download (Squoosh's split).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { focusHeading } from '../shared-ui/hash-router.ts';

export function later<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  return function Later(props: P) {
    const [Screen, setScreen] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState(false);
    useEffect(() => {
      if (Screen) return;
      load().then(
        (c) => {
          loaded = c;
          setScreen(() => c);
          // The router looked for this screen's heading before it was here: look again (same rule).
          focusHeading();
        },
        () => setFailed(true),
      );
    }, []);
    if (failed)
      return (
        <p role="alert">This screen could not be opened. Check the connection, then reload the page to try again.</p>
      );
    return Screen ? <Screen {...props} /> : <p aria-busy="true">Opening…</p>;
  };
}
