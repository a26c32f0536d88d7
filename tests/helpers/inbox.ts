// Helpers for the inbox tests: an account with a password and a second
// factor, a signed-in cookie, and referrals sent by an enrolled device
// (signed, as the app sends).
import { generate } from 'otplib';
import type { InboxService } from '../../src/inbox-server/service.ts';
import type { Submission } from '../../src/contract/submission.ts';
import { scores, spread } from './answers.ts';
import { enrolDevice, signedPost, type TestDevice } from './device.ts';
import { makeSubmission } from './submission.ts';

export const PASSWORD = 'correct horse battery';

/** Each test account's TOTP secret (as its owner's app holds it), and the last time step it signed in with. */
const secrets = new Map<string, { secret: string; last: number }>();

/** Remembers an account's second factor (set some other way than `account`), so signIn can make its codes. */
export function rememberSecret(email: string, secret: string, lastStep = 0) {
  secrets.set(email.toLowerCase(), { secret: secret.replace(/\s+/g, ''), last: lastStep });
}

/**
 * A code from the account's app never used before: the server takes a code for the step before,
 * now or the next one, each once; past those, waits for the next step.
 */
export async function nextCode(email: string): Promise<string> {
  const s = secrets.get(email.toLowerCase());
  if (!s) throw new Error(`no second factor known for ${email}`);
  for (;;) {
    const now = Date.now() / 1000;
    const step = Math.floor(now / 30);
    // This step or the next, never the one before: a code typed key by key on a busy machine can reach the
    // server after the step has moved on, when the step before is no longer taken (this step's is, for 30 s).
    const candidates = [step, step + 1].filter((c) => c > s.last);
    if (candidates.length) {
      s.last = candidates[0]!;
      return generate({ secret: s.secret, epoch: s.last * 30 + 1 });
    }
    await new Promise((r) => setTimeout(r, ((step + 1) * 30 - now) * 1000 + 50));
  }
}

/** Uses a set-password link as its owner would: the password, and the second factor put in an app. */
export async function useLink(svc: InboxService, token: string, password = PASSWORD) {
  const { user, secret } = (await svc.accounts.linkSecondFactor(token))!;
  // The code of the step before when well inside this one, leaving this step and the next for sign-ins.
  const now = Date.now() / 1000;
  const step = Math.floor(now / 30) - (now % 30 < 25 ? 1 : 0);
  await svc.accounts.setPassword(token, password, await generate({ secret, epoch: step * 30 + 1 }));
  rememberSecret(user.email, secret, step);
  return { user, secret };
}

export async function account(svc: InboxService, email: string, role: 'reviewer' | 'admin', teams: string[] = []) {
  const { user, token } = await svc.accounts.add({ email, role, teams });
  await useLink(svc, token);
  return user;
}

/** Signs in over HTTP (with a fresh code from the account's app); returns the cookie pair to send back ("name=value"). */
export async function signIn(
  base: string,
  email: string,
  password = PASSWORD,
  cookie?: string,
  code?: string,
): Promise<{ status: number; cookie: string | undefined; setCookie: string | null }> {
  const known = secrets.get(email.toLowerCase());
  const before = known?.last;
  const res = await fetch(`${base}/inbox/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify({ email, password, code: code ?? (known ? await nextCode(email) : '000000') }),
  });
  // A refused sign-in used no code: the step is free again.
  if (known && res.status !== 200) known.last = before!;
  const setCookie = res.headers.get('set-cookie');
  await res.arrayBuffer();
  return { status: res.status, cookie: setCookie?.split(';')[0], setCookie };
}

/**
 * A GM measurement-tool referral: ten categories adding up to `cats`, and a
 * professional judgement `pj`. The total is cats + pj, banded by 000 L1661:
 * Lower 10–20, Medium 21–40, High 41–60.
 */
export function gmReferral(cats: number, pj: number, over: Partial<Submission> = {}): Submission {
  return makeSubmission(over, scores('gm-cse-measurement-tool', spread(cats), pj));
}

/** Enrols a device with the server (for `area`, as `device add --area` does), as the app does from an enrolment link. */
export async function enrolledDevice(
  server: { addDevice(name: string, validForMs?: number, area?: string | null): Promise<{ code: string }> },
  base: string,
  name = 'Sam Nurse, school nurse',
  area: string | null = null,
): Promise<TestDevice> {
  const { code } = await server.addDevice(name, undefined, area);
  const e = await enrolDevice(base, code);
  if (e.res.status !== 201) throw new Error(`enrolment failed: ${e.res.status}`);
  return e.device;
}

export async function send(base: string, device: TestDevice, sub: Submission): Promise<number> {
  const res = await signedPost(base, device, sub);
  await res.arrayBuffer();
  return res.status;
}
