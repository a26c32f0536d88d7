// Devices, for admins: list, enrol (a one-time link, optionally for an area), revoke.
import { checkArea } from '../../domain/index.ts';
import { type InboxRoute, type RouteContext, bodyOf, fail, json, str } from './route.ts';

export function deviceRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  const devices = () => svc.opts.devices;
  return [
    {
      method: 'GET',
      url: '/devices',
      guard: 'admin',
      audits: 'none',
      handler: async () => {
        const d = devices();
        return d ? json(200, { devices: await d.list() }) : fail('no-enrolment');
      },
    },
    {
      method: 'POST',
      url: '/devices',
      guard: 'admin',
      audits: ['device-add'],
      handler: async (req, caller) => {
        const d = devices();
        if (!d) return fail('no-enrolment');
        const b = bodyOf(req);
        const name = str(b.name, 200)?.trim();
        if (!name) return fail('invalid', 'Name the device (the practitioner or team it is for).');
        const typedArea = str(b.area, 100)?.trim();
        const area = typedArea ? checkArea(typedArea) : undefined;
        if (area && !area.ok) return fail('area', area.message);
        const added = await d.add(name, svc.linkBase, area?.value ?? null);
        await audit(req, caller!.user, 'device-add', null, `${added.id}: ${name}${area ? `; area ${area.value}` : ''}`);
        return json(201, added);
      },
    },
    {
      method: 'POST',
      url: '/devices/:id/revoke',
      guard: 'admin',
      audits: ['device-revoke'],
      handler: async (req, caller) => {
        const d = devices();
        if (!d) return fail('no-enrolment');
        const id = req.params.id ?? '';
        if (id.length > 100 || !(await d.revoke(id))) return fail('not-found', 'No such device.');
        await audit(req, caller!.user, 'device-revoke', null, id);
        return json(200, { ok: true });
      },
    },
  ];
}
