// The receiver as a separate process, for the drill that SIGKILLs it: starts
// on a free port with the data, secrets and database it is given, makes one
// enrolment code and prints {port, code} on stdout.
import { startServer } from '../../src/server/main.ts';

const [dataDir, secretsDir, database] = process.argv.slice(2);
const s = await startServer({
  port: 0,
  dataDir: dataDir!,
  secretsDir: secretsDir!,
  database: database!,
  limits: { perDevicePerMinute: 1_000_000, dailyQuota: 1_000_000 },
});
const { code } = await s.addDevice('drill device');
console.log(JSON.stringify({ port: s.address().port, code }));
