// @vitest-environment jsdom
// The router moves focus to a new screen's heading one frame after the screen changes, as a page
// load would, but never while the person is in a field: WebKit stored "XENG" for "XENG-1" typed the
// moment its screen appeared, the rest of the keys going to the heading.
import { cleanup, render } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useRoute } from '../../src/ui/router.ts';

function Screen() {
  const route = useRoute();
  return (
    <main>
      <h1 tabIndex={-1}>{route.name}</h1>
      <input id="field" />
      <a href="#/outbox" id="link">
        Outbox
      </a>
    </main>
  );
}

const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
/** A hash change as the browser makes it, then the router's frame. */
async function navigate(hash: string) {
  const oldURL = location.href;
  history.pushState(null, '', hash);
  dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: location.href }));
  await frame();
  await frame();
}

beforeEach(() => history.replaceState(null, '', '#/'));
afterEach(cleanup);

describe('focus after a screen change', () => {
  it('goes to the heading from the page itself, or from the link that led there', async () => {
    render(<Screen />);
    await navigate('#/settings');
    expect(document.activeElement?.tagName).toBe('H1');
    document.getElementById('link')!.focus();
    await navigate('#/outbox');
    expect(document.activeElement?.tagName).toBe('H1');
  });

  it('stays in a field the person went into before the frame came', async () => {
    render(<Screen />);
    const oldURL = location.href;
    history.pushState(null, '', '#/settings');
    dispatchEvent(new HashChangeEvent('hashchange', { oldURL, newURL: location.href }));
    document.getElementById('field')!.focus(); // typing starts as the screen appears
    await frame();
    await frame();
    expect(document.activeElement?.id).toBe('field');
  });

  it('stays in a field that led there (Enter in a field that moves on)', async () => {
    render(<Screen />);
    document.getElementById('field')!.focus();
    await navigate('#/outbox');
    expect(document.activeElement?.id).toBe('field');
  });
});
