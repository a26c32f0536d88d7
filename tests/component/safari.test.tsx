// @vitest-environment jsdom
// Safari's realities: the explanation shown once on an iPhone or iPad when the app is not on the
// Home Screen, and the request for storage that is kept.
import { cleanup, fireEvent, render, screen } from '@testing-library/preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BrowserFacts, HomeScreenNote, safariNotOnHomeScreen } from '../../src/ui/home-screen-note.tsx';
import { askToKeepStorage } from '../../src/ui/persist.ts';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

const UA = {
  iPhone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  iPadOld:
    'Mozilla/5.0 (iPad; CPU OS 15_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Mobile/15E148 Safari/604.1',
  /** iPadOS 13 and later by default: a Mac's user agent, with a touch screen. */
  iPadDesktop:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  chromeOnIPhone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
};
const facts = (userAgent: string, more: Partial<BrowserFacts> = {}): BrowserFacts => ({
  userAgent,
  maxTouchPoints: 5,
  displayStandalone: false,
  ...more,
});

describe('who is told about the Home Screen', () => {
  it('Safari on an iPhone or iPad, opened in the browser', () => {
    expect(safariNotOnHomeScreen(facts(UA.iPhone))).toBe('iPhone');
    expect(safariNotOnHomeScreen(facts(UA.iPadOld))).toBe('iPad');
    expect(safariNotOnHomeScreen(facts(UA.iPadDesktop))).toBe('iPad');
  });
  it('not once it is opened from the Home Screen', () => {
    expect(safariNotOnHomeScreen(facts(UA.iPadOld, { standalone: true }))).toBeUndefined();
    expect(safariNotOnHomeScreen(facts(UA.iPhone, { displayStandalone: true }))).toBeUndefined();
  });
  it('not a Mac, another browser on an iPhone, or Android', () => {
    expect(safariNotOnHomeScreen(facts(UA.iPadDesktop, { maxTouchPoints: 0 }))).toBeUndefined();
    expect(safariNotOnHomeScreen(facts(UA.chromeOnIPhone))).toBeUndefined();
    expect(safariNotOnHomeScreen(facts(UA.androidChrome))).toBeUndefined();
  });
});

describe('the explanation', () => {
  it('says in plain words what can happen and how to add the app, and is not shown again once read', () => {
    const { unmount } = render(<HomeScreenNote device="iPad" />);
    const note = screen.getByTestId('home-screen-note');
    expect(note.textContent).toContain('If this app is not opened for a few days, Safari may delete the records');
    expect(note.textContent).toContain('Add to Home Screen');
    fireEvent.click(screen.getByText('I understand'));
    expect(screen.queryByTestId('home-screen-note')).toBeNull();
    unmount();
    render(<HomeScreenNote device="iPad" />);
    expect(screen.queryByTestId('home-screen-note')).toBeNull();
  });
  it('is not shown elsewhere', () => {
    render(<HomeScreenNote device={undefined} />);
    expect(screen.queryByTestId('home-screen-note')).toBeNull();
  });
});

describe('asking to keep storage', () => {
  it('asks when not yet kept, and not again once kept', async () => {
    const persist = vi.fn(async () => true);
    expect(await askToKeepStorage({ persisted: async () => false, persist })).toBe(true);
    expect(persist).toHaveBeenCalledOnce();
    const again = vi.fn(async () => true);
    expect(await askToKeepStorage({ persisted: async () => true, persist: again })).toBe(true);
    expect(again).not.toHaveBeenCalled();
  });
  it('a refusal is false; a browser without the question (or one that throws) says nothing', async () => {
    expect(await askToKeepStorage({ persisted: async () => false, persist: async () => false })).toBe(false);
    expect(await askToKeepStorage(undefined)).toBeUndefined();
    expect(
      await askToKeepStorage({
        persisted: async () => false,
        persist: async () => {
          throw new Error('no');
        },
      }),
    ).toBeUndefined();
  });
});
