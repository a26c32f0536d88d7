// Duty alerts, for admins: whether alerts are on (without SMTP settings they are off, and
// this says so), the duty address of each area or region, and the outbox's counts; set and
// remove an address (area and region names checked against the directory). Audited.
import { AlertError, type ScopeKind } from '../alerts.ts';
import { type ApiRequest, type InboxRoute, type RouteContext, bodyOf, fail, json, str } from './route.ts';

const KINDS: ScopeKind[] = ['area', 'region'];

function scopeOf(req: ApiRequest): { kind: ScopeKind; name: string } | undefined {
  const b = bodyOf(req);
  const area = str(b.area, 100)?.trim();
  const region = str(b.region, 100)?.trim();
  if (area && !region) return { kind: 'area', name: area };
  if (region && !area) return { kind: 'region', name: region };
  return undefined;
}

export function alertRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  const refusal = (e: unknown) => {
    if (e instanceof AlertError) return fail(e.code, e.message);
    throw e;
  };
  return [
    {
      method: 'GET',
      url: '/alerts',
      guard: 'admin',
      audits: 'none',
      handler: async () => json(200, await svc.alerts.status()),
    },
    {
      method: 'POST',
      url: '/alerts/addresses',
      guard: 'admin',
      audits: ['alert-address-set'],
      handler: async (req, caller) => {
        const scope = scopeOf(req);
        if (!scope) return fail('invalid', 'Name one area or one region, and the duty address.');
        try {
          const set = await svc.alerts.setAddress(
            scope.kind,
            scope.name,
            str(bodyOf(req).address, 320) ?? '',
            caller!.user.email,
          );
          await audit(req, caller!.user, 'alert-address-set', null, `${set.kind} ${set.scope}: ${set.address}`);
          return json(200, { address: set, enabled: svc.alerts.enabled });
        } catch (e) {
          return refusal(e);
        }
      },
    },
    {
      method: 'DELETE',
      url: '/alerts/addresses/:kind/:scope',
      guard: 'admin',
      audits: ['alert-address-remove'],
      handler: async (req, caller) => {
        const kind = req.params.kind as ScopeKind;
        if (!KINDS.includes(kind)) return fail('not-found', 'No such duty address.');
        try {
          const scope = await svc.alerts.removeAddress(kind, (req.params.scope ?? '').slice(0, 100));
          await audit(req, caller!.user, 'alert-address-remove', null, `${kind} ${scope}`);
          return json(200, { ok: true });
        } catch (e) {
          return refusal(e);
        }
      },
    },
  ];
}
