// Enrolling this device with the endpoint: make a key pair here (the private
// half never leaves WebCrypto), redeem the administrator's one-time code with
// a proof made by that key, fetch the endpoint's sealing key, and keep all of
// it in the endpoint setting (readable by the service worker, which signs too).
import type { CseDb } from '../store/db.ts';
import { learnServerClock, makeProof, newDeviceKey } from './device-proof.ts';
import { fetchEndpointKey } from './seal.ts';
import { requeueWithdrawn } from './sender.ts';
import { type Endpoint, defaultEndpointUrl, saveEndpoint } from './settings.ts';

export type EnrolOutcome = { ok: true; endpoint: Endpoint } | { ok: false; message: string };

export async function enrolThisDevice(
  db: CseDb,
  origin: string,
  code: string,
  fetchImpl: typeof fetch = fetch,
): Promise<EnrolOutcome> {
  const key = await newDeviceKey();
  const enrolUrl = `${origin}/api/enrol`;
  const post = async () =>
    fetchImpl(enrolUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', DPoP: await makeProof(key, 'POST', enrolUrl) },
      body: JSON.stringify({ code }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
    });
  let res: Response;
  let body: {
    deviceId?: string;
    name?: string;
    enrolledAt?: string;
    area?: string | null;
    error?: { code?: string; message?: string };
  };
  try {
    res = await post();
    body = await res.json().catch(() => ({}));
    // A device clock far out: learn the endpoint's time and try once more.
    if (res.status === 401 && body.error?.code === 'proof-stale' && learnServerClock(res.headers.get('date'))) {
      res = await post();
      body = await res.json().catch(() => ({}));
    }
  } catch {
    return { ok: false, message: 'No connection to the MASH inbox. Connect to the internet and open the link again.' };
  }
  if (res.status !== 201 || !body.deviceId)
    return { ok: false, message: body.error?.message ?? `The MASH inbox did not enrol this device (${res.status}).` };
  const url = defaultEndpointUrl(origin);
  const publicKey = await fetchEndpointKey(url, fetchImpl);
  const endpoint: Endpoint = {
    url,
    ...(publicKey ? { publicKey } : {}),
    device: {
      id: body.deviceId,
      name: body.name ?? body.deviceId,
      key,
      enrolledAt: body.enrolledAt ?? new Date().toISOString(),
      // Kept as the directory spells it; anything else is not an area and is not kept.
      ...(typeof body.area === 'string' && body.area.length <= 60 ? { area: body.area } : {}),
    },
  };
  await saveEndpoint(db, endpoint);
  await requeueWithdrawn(db);
  return { ok: true, endpoint };
}
