// Unit and component tests run "unlocked": a fresh random data key per test,
// so every store operation goes through the encryption middleware for real.
import { afterEach, beforeEach } from 'vitest';
import { keyring } from '../../src/crypto/keyring.ts';

beforeEach(() => keyring.set(crypto.getRandomValues(new Uint8Array(32))));
afterEach(() => keyring.clear());
