// Asks the browser to keep this app's storage when the device runs short of space (Chromium and
// Firefox may grant it; Safari decides by its own rules, and clears the storage of a site not
// added to the Home Screen after some days unused: home-screen-note.tsx says so on iPhone and iPad).

type Storage = Pick<StorageManager, 'persisted' | 'persist'>;

/** True when the storage is kept, false when refused, undefined where the browser cannot say. */
export async function askToKeepStorage(
  storage: Storage | undefined = typeof navigator === 'undefined' ? undefined : navigator.storage,
): Promise<boolean | undefined> {
  if (!storage?.persist || !storage.persisted) return undefined;
  try {
    return (await storage.persisted()) || (await storage.persist());
  } catch {
    return undefined;
  }
}
