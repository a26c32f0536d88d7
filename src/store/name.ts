// The database's name, on its own so the lock screen need not load Dexie.
export const DB_NAME = 'cse-screen';
