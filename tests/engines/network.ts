// The device's network, as a switch: a TCP relay on loopback in front of the
// app and its endpoint. Cut, every connection (open or new) is dropped, as
// on a ward with no signal; the browser is not told (navigator.onLine stays
// true), which is how a dead Wi-Fi looks to Safari and Firefox too. The
// same in every engine, unlike each driver's own offline switch.
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface NetworkSwitch {
  /** The address the browser opens (http://localhost:PORT). */
  origin: string;
  readonly isCut: boolean;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function networkSwitch(upstreamPort: number): Promise<NetworkSwitch> {
  let cut = false;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (cut) return void client.destroy();
    const up = connect(upstreamPort, '127.0.0.1');
    for (const s of [client, up]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => {
        client.destroy();
        up.destroy();
      });
    }
    client.pipe(up).pipe(client);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    origin: `http://localhost:${port}`,
    get isCut() {
      return cut;
    },
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    restore() {
      cut = false;
    },
    close: () =>
      new Promise((ok) => {
        for (const s of open) s.destroy();
        server.close(() => ok());
      }),
  };
}
