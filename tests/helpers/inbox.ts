// Helpers for the inbox tests: an account with a password, a signed-in
// cookie, and referrals sent by an enrolled device (signed, as the app sends).
import type { InboxService } from '../../src/inbox-server/service.ts';
import type { Submission } from '../../src/contract/submission.ts';
import { scores, spread } from './answers.ts';
import { enrolDevice, signedPost, type TestDevice } from './device.ts';
import { makeSubmission } from './submission.ts';

export const PASSWORD = 'correct horse battery';

export async function account(svc: InboxService, email: string, role: 'reviewer' | 'admin', teams: string[] = []) {
  const { user, token } = await svc.accounts.add({ email, role, teams });
  await svc.accounts.setPassword(token, PASSWORD);
  return user;
}

/** Signs in over HTTP; returns the cookie pair to send back ("name=value"). */
export async function signIn(
  base: string,
  email: string,
  password = PASSWORD,
  cookie?: string,
): Promise<{ status: number; cookie: string | undefined; setCookie: string | null }> {
  const res = await fetch(`${base}/inbox/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify({ email, password }),
  });
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
