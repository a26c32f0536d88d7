// What every screen needs: the database and a way to report save status.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { SaveStatus } from '../store/autosave.ts';
import type { CseDb } from '../store/db.ts';
import type { SyncController } from '../sync/triggers.ts';

/** What the header says about saving: a draft's autosave, or a screen's edits not yet saved ('unsaved', e.g. Settings). */
export type HeaderSaveStatus = SaveStatus | 'unsaved';

export interface AppContextValue {
  db: CseDb;
  setSaveStatus: (s: HeaderSaveStatus, message?: string) => void;
  /** Absent in component tests that do not send. */
  sync?: SyncController | undefined;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const v = useContext(AppContext);
  if (!v) throw new Error('AppContext missing');
  return v;
}
