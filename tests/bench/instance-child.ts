// One instance of the server in a process of its own, for the three-instance drill: started on a free
// loopback port with the data folder, the shared secrets folder and the database it is given (the public
// address, CSE_PUBLIC_URL, comes from the environment: the load balancer's). Prints {"port"} once listening.
import { startServer } from '../../src/server/main.ts';

const [dataDir, secretsDir, database] = process.argv.slice(2);
const s = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: dataDir!,
  secretsDir: secretsDir!,
  database: database!,
});
console.log(JSON.stringify({ port: s.address().port }));
