// A hostile client, as a child process of `npm run drill` (its own file
// descriptors): opens many TCP connections to the server on loopback and
//   idle: sends nothing at all
//   slow: sends a POST's headers, then one body byte a second
// It stops by itself after `seconds` and prints what it saw as JSON.
import { connect } from 'node:net';

const [port, mode, countArg, secondsArg] = process.argv.slice(2);
const count = Number(countArg);
const seconds = Number(secondsArg);
const stats = { opened: 0, failed: 0, closedByServer: 0, bytesSent: 0 };
const sockets = new Set();
let opening = 0;

function open() {
  opening++;
  const s = connect({ port: Number(port), host: '127.0.0.1' });
  let done = false;
  s.on('connect', () => {
    stats.opened++;
    sockets.add(s);
    if (mode === 'slow') {
      s.write(
        `POST /api/submissions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\nIdempotency-Key: x\r\n\r\n`,
      );
      const t = setInterval(() => {
        if (s.writable) {
          s.write('{');
          stats.bytesSent++;
        }
      }, 1000);
      s.on('close', () => clearInterval(t));
    }
  });
  s.on('error', () => {
    if (!done && !sockets.has(s)) stats.failed++;
  });
  s.on('close', () => {
    done = true;
    if (sockets.delete(s) && !stopping) stats.closedByServer++;
  });
}

let stopping = false;
// Open in bursts so the kernel's accept queue is not the thing measured.
const timer = setInterval(() => {
  for (let i = 0; i < 500 && opening < count; i++) open();
  if (opening >= count) clearInterval(timer);
}, 20);
setTimeout(() => {
  stopping = true;
  for (const s of sockets) s.destroy();
  console.log(JSON.stringify(stats));
  process.exit(0);
}, seconds * 1000);
