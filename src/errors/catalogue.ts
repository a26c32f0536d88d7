// Every refusal the service gives, in one place: its code, its HTTP status and
// what it says. The receiver and the inbox answer with these alone, always as
// {"error": {"code", "message"}}. A message names the problem (a field, a
// limit), never a value from the request: a value could be a child's name, and
// error bodies end up in clients' logs.

interface Entry {
  status: number;
  message: string;
}

const catalogue = {
  // Requests in general
  'bad-request': { status: 400, message: 'The request could not be understood.' },
  'invalid-json': { status: 400, message: 'The body is not valid JSON.' },
  'too-deep': { status: 400, message: 'The body nests deeper than any submission can.' },
  'too-large': { status: 413, message: 'The request body is larger than this endpoint accepts.' },
  'unsupported-media-type': {
    status: 415,
    message: 'Content-Type must be application/json or application/jose.',
  },
  'not-found': { status: 404, message: 'Not found.' },
  method: { status: 405, message: 'Not allowed here.' },
  'rate-limited': { status: 429, message: 'Too many requests: wait and send again.' },
  internal: { status: 500, message: 'Internal error' },

  // Devices: enrolment and proofs
  'invalid-enrolment': { status: 400, message: 'The body must be {"code": "<the code from the enrolment link>"}.' },
  'code-unknown': { status: 400, message: 'This enrolment link is not valid. Ask your administrator for a new one.' },
  'code-used': {
    status: 409,
    message: 'This enrolment link has already been used. Ask your administrator for a new one.',
  },
  'code-expired': { status: 410, message: 'This enrolment link has expired. Ask your administrator for a new one.' },
  'code-revoked': { status: 410, message: 'This enrolment was withdrawn. Ask your administrator for a new one.' },
  'code-key-in-use': { status: 409, message: 'This device key is already enrolled.' },
  'proof-missing': {
    status: 401,
    message: 'This request must carry a device proof (DPoP header). Enrol the device first.',
  },
  'proof-invalid': { status: 401, message: 'The device proof does not verify.' },
  'proof-stale': { status: 401, message: "The device proof is too old or from the future: check the device's clock." },
  'proof-replayed': { status: 401, message: 'This device proof was already used.' },
  'not-enrolled': {
    status: 401,
    message: 'This device is not enrolled. Ask your administrator for an enrolment link.',
  },
  'device-revoked': { status: 401, message: "This device's access was withdrawn; ask your administrator." },
  'devices-cannot-read': { status: 403, message: 'A device credential can send submissions; it cannot read them.' },
  'bad-cursor': {
    status: 400,
    message: 'after must be a cursor from a previous page; limit a whole number from 1 to 500.',
  },
  unauthorised: { status: 401, message: 'Reading submissions needs a reader credential.' },

  // Submissions
  'invalid-jwe': { status: 400, message: "The sealed submission could not be decrypted with this endpoint's key." },
  'invalid-submission': { status: 400, message: 'The submission is not valid.' },
  'idempotency-key': { status: 400, message: 'Idempotency-Key must be the submission id.' },
  'unknown-instrument': { status: 400, message: 'instrument.id: not a tool this endpoint knows.' },
  'invalid-answers': { status: 400, message: 'The answers are not valid for this tool.' },
  'invalid-batch': { status: 400, message: 'The batch is not valid.' },
  'batch-too-large': { status: 413, message: 'The batch holds more submissions than this endpoint accepts.' },
  conflict: { status: 409, message: 'A different submission is already stored under this id.' },
  'daily-quota': { status: 429, message: "This device has sent today's most submissions." },

  // The inbox
  'cross-site': { status: 403, message: 'Cross-site requests are refused.' },
  'device-credential': { status: 403, message: 'A device credential can send submissions; it cannot read them.' },
  'no-session': { status: 401, message: 'Sign in to use the inbox.' },
  'bad-credentials': { status: 401, message: 'The e-mail address, password or code is not right.' },
  throttled: { status: 429, message: 'Too many failed sign-ins. Try again later.' },
  'export-busy': {
    status: 429,
    message:
      'Your other exports are still being made (or the server is making as many as it can). Try again when one has finished.',
  },
  busy: { status: 503, message: 'The server is busy checking other sign-ins. Try again in a moment.' },
  'no-second-factor': {
    status: 403,
    message: 'This account has no second factor yet. Ask your administrator for a new set-password link.',
  },
  'second-factor-code': {
    status: 400,
    message: 'The code from your authenticator app is not right. Enter the six digits it shows now.',
  },
  'second-factor-needed': {
    status: 403,
    message: 'Sign in again with the code from your authenticator app: referrals, exports and the audit need it.',
  },
  token: { status: 400, message: 'This link has been used or has expired. Ask your administrator for a new one.' },
  'admin-only': { status: 403, message: 'Only an administrator can do this.' },
  'out-of-scope': { status: 403, message: 'This referral is outside the area teams your account covers.' },
  self: { status: 400, message: 'You cannot disable your own account or remove your own admin role.' },
  invalid: { status: 400, message: 'Check what was entered.' },
  'child-in-address': {
    status: 400,
    message:
      "A child's reference is never put in a web address (proxies and server logs keep addresses): search with the form, which sends it in the request's body.",
  },
  exists: { status: 409, message: 'That already exists.' },
  'account-scope': {
    status: 403,
    message:
      'That account covers areas yours does not. Only an administrator who covers all of them (or every area) can change it, give it a link or reset its second factor.',
  },
  transition: { status: 400, message: 'A referral cannot move to that review state from where it is.' },
  note: { status: 400, message: 'Write a note saying what was done or why.' },
  area: { status: 400, message: 'Choose one of the areas of this referral’s region.' },
  'no-enrolment': { status: 501, message: 'Device enrolment is not available on this server yet.' },
} satisfies Record<string, Entry>;

export type ProblemCode = keyof typeof catalogue;

export const PROBLEMS: Readonly<Record<ProblemCode, Entry>> = catalogue;

/** A refusal the service gives: its status comes from the catalogue; `message` may say more precisely what is wrong. */
export class Problem extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    message: string = PROBLEMS[code].message,
  ) {
    super(message);
    this.name = 'Problem';
    this.status = PROBLEMS[code].status;
  }
}

/** The body every refusal has. */
export function problemBody(code: ProblemCode, message: string = PROBLEMS[code].message) {
  return { error: { code, message } };
}
