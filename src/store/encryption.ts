// Encryption at rest, in one place: a Dexie DBCore middleware. On the way in,
// every field not named as clear is sealed into `_enc` (AES-GCM, the table and
// primary key as associated data); on the way out it is opened again. Only
// what lists and indexes need stays clear. Without the key (locked, or in the
// service worker), rows read back with `_enc` untouched, and writing them
// keeps it as it is; writing new sensitive content while locked is refused.
// Reads are also checked against each table's schema (schemas.ts): this is
// the one place every stored row passes through on its way to a screen.
import type { DBCore, DBCoreTable, Middleware } from 'dexie';
import { type Sealed, TamperedError, openJson, sealJson } from '../crypto/cipher.ts';
import { LockedError } from '../crypto/keyring.ts';

export type ClearFields = (value: Record<string, unknown>) => readonly string[];

const RECORD_CLEAR = [
  'id',
  'instrumentId',
  'instrumentVersion',
  'state',
  'createdAt',
  'updatedAt',
  'finalisedAt',
  'section',
  'sectionId',
  'factsLast',
  'pageUnknown',
  'previousId',
  'purgedAt',
] as const;
// lastError is clear because the service worker writes it while the app is
// locked; the endpoint's messages name fields, never their values.
const OUTBOX_CLEAR = [
  'id',
  'recordId',
  'state',
  'contentType',
  'attempts',
  'createdAt',
  'nextAttemptAt',
  'lastAttemptAt',
  'lastError',
  'deliveredAt',
  'receipt',
] as const;
/** Meta rows readable without the key: the vault itself, where to send, lock policy. */
export const CLEAR_META = new Set(['vault', 'endpoint', 'lock-policy', 'lock-attempts', 'retention']);

export const ENCRYPTED_TABLES: Record<string, ClearFields> = {
  records: () => RECORD_CLEAR,
  // A JWE payload is already unreadable without the endpoint's private key, so
  // it can stay outside `_enc` and the service worker can send it while locked.
  outbox: (v) => (v.contentType === 'application/jose' ? [...OUTBOX_CLEAR, 'payload'] : OUTBOX_CLEAR),
  meta: (v) => (CLEAR_META.has(String(v.key)) ? ['key', 'value'] : ['key']),
};

function split(value: Record<string, unknown>, clear: readonly string[]) {
  const open: Record<string, unknown> = {};
  const secret: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '_enc' || k === '_damage') continue;
    if (clear.includes(k)) open[k] = v;
    else if (v !== undefined) secret[k] = v;
  }
  return { open, secret };
}

/** Checks a decrypted row against its table's schema: the problem in words, or undefined. */
export type Validate = (table: string, row: Record<string, unknown>) => string | undefined;

export function encryptionMiddleware(
  getKey: () => Uint8Array | undefined,
  tables = ENCRYPTED_TABLES,
  validate?: Validate,
): Middleware<DBCore> {
  return {
    stack: 'dbcore',
    name: 'cse-encryption',
    create(down) {
      return {
        ...down,
        table(name: string): DBCoreTable {
          const table = down.table(name);
          const clearOf = tables[name];
          if (!clearOf) return table;
          const pk = table.schema.primaryKey.keyPath as string;
          const aad = (v: Record<string, unknown>) => `${name}:${String(v[pk])}`;

          const encode = (value: Record<string, unknown>) => {
            const { open, secret } = split(value, clearOf(value));
            const key = getKey();
            const previous = value._enc as Sealed | undefined;
            if (Object.keys(secret).length === 0) return previous ? { ...open, _enc: previous } : open;
            if (!key) throw new LockedError();
            const merged = previous
              ? { ...openJson<Record<string, unknown>>(key, aad(value), previous), ...secret }
              : secret;
            return { ...open, _enc: sealJson(key, aad(value), merged) };
          };
          const decode = (value: unknown) => {
            if (!value || typeof value !== 'object') return value;
            const row = value as Record<string, unknown>;
            const key = getKey();
            // Locked (or the service worker): sealed rows come back as stored, for the sender to pass on.
            if ('_enc' in row && !key) return value;
            let open = row;
            if ('_enc' in row) {
              const { _enc, ...clear } = row;
              try {
                open = { ...clear, ...openJson<Record<string, unknown>>(key!, aad(clear), _enc as Sealed) };
              } catch (e) {
                // One damaged row must not hide the others: mark it, keep its stored bytes (for a
                // support export; and any write to it is then refused, as the merge cannot open it).
                if (e instanceof TamperedError)
                  return { ...row, _damage: 'its encrypted content failed the integrity check (altered or corrupted)' };
                throw e;
              }
            }
            const problem = validate?.(name, open);
            return problem ? { ...open, ...('_enc' in row ? { _enc: row._enc } : {}), _damage: problem } : open;
          };

          // Every method named: Dexie's table may keep some on its prototype, which a spread would drop.
          return {
            name: table.name,
            schema: table.schema,
            count: (req) => table.count(req),
            mutate(req) {
              if (req.type === 'add' || req.type === 'put')
                return table.mutate({ ...req, values: req.values.map((v) => encode(v)) });
              return table.mutate(req);
            },
            get: (req) => table.get(req).then(decode),
            getMany: (req) => table.getMany(req).then((rows) => rows.map(decode)),
            query: (req) =>
              table.query(req).then((res) => (req.values ? { ...res, result: res.result.map(decode) } : res)),
            openCursor: (req) =>
              table.openCursor(req).then((cursor) => {
                if (!cursor || !req.values) return cursor;
                // A Proxy, not Object.create: native cursor getters need the real cursor as receiver.
                return new Proxy(cursor, {
                  get(target, prop) {
                    if (prop === 'value') return decode(target.value);
                    const v = Reflect.get(target, prop, target);
                    return typeof v === 'function' ? v.bind(target) : v;
                  },
                });
              }),
          };
        },
      };
    },
  };
}
