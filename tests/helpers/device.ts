// A device, as the app is one, for tests over real HTTP: its own key pair,
// enrolled with a one-time code, every request signed with a fresh proof.
import { type DeviceKey, makeProof, newDeviceKey } from '../../src/sync/device-proof.ts';

export interface TestDevice {
  key: DeviceKey;
  deviceId?: string;
}

export async function enrolDevice(
  base: string,
  code: string,
  key?: DeviceKey,
): Promise<{ res: Response; body: Record<string, unknown>; device: TestDevice }> {
  const k = key ?? (await newDeviceKey());
  const url = `${base}/api/enrol`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', DPoP: await makeProof(k, 'POST', url) },
    body: JSON.stringify({ code }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  return { res, body, device: { key: k, ...(typeof body.deviceId === 'string' ? { deviceId: body.deviceId } : {}) } };
}

export async function signedPost(
  base: string,
  device: TestDevice,
  body: unknown,
  headers: Record<string, string> = {},
  proof?: string,
): Promise<Response> {
  const url = `${base}/api/submissions`;
  const id = (body as { id?: string })?.id;
  return fetch(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(id ? { 'Idempotency-Key': id } : {}),
      DPoP: proof ?? (await makeProof(device.key, 'POST', url)),
      ...headers,
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** POST /api/submissions/batch, signed; `items` as the batch carries them, or the raw body text. */
export async function signedBatch(
  base: string,
  device: TestDevice,
  items: { id: string; type: string; body: string }[] | string,
  proof?: string,
): Promise<Response> {
  const url = `${base}/api/submissions/batch`;
  return fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', DPoP: proof ?? (await makeProof(device.key, 'POST', url)) },
    body: typeof items === 'string' ? items : JSON.stringify({ submissions: items }),
  });
}

/** A submission as a plain-JSON batch item. */
export function asItem<T extends { id: string }>(sub: T): { id: string; type: string; body: string } {
  return { id: sub.id, type: 'application/json', body: JSON.stringify(sub) };
}
