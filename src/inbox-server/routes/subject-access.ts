// Subject access (issue 24): an admin exports everything held for one child
// reference, as JSON or as a printable page, within the account's areas. The
// reference travels in the body of a POST, never in an address; the audit
// row says how many records were exported, never the reference.
import { subjectAccess, subjectAccessHtml } from '../subject-access.ts';
import { type InboxRoute, type RouteContext, bodyOf, fail, json, str } from './route.ts';

export function subjectAccessRoutes({ svc, audit }: RouteContext): InboxRoute[] {
  return [
    {
      method: 'POST',
      url: '/subject-access',
      guard: 'admin',
      audits: ['subject-access'],
      handler: async (req, caller) => {
        const body = bodyOf(req);
        const childRef = str(body.childRef, 100)?.trim();
        const format =
          body.format === 'html' ? 'html' : body.format === undefined || body.format === 'json' ? 'json' : '';
        if (!childRef || !format)
          return fail('bad-request', 'Send {"childRef": "<the child reference>", "format": "json" or "html"}.');
        const x = await subjectAccess(svc, caller!.user, childRef);
        await audit(
          req,
          caller!.user,
          'subject-access',
          null,
          `subject access export (${format}): ${x.records.length} records${x.outsideScope ? `, ${x.outsideScope} outside the account's areas not included` : ''}`,
        );
        const headers = {
          'Cache-Control': 'no-store',
          'Content-Disposition': `attachment; filename="subject-access.${format}"`,
        };
        if (format === 'html')
          return { status: 200, text: subjectAccessHtml(x), type: 'text/html; charset=utf-8', headers };
        return json(200, x, headers);
      },
    },
  ];
}
