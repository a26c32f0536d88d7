// A cap on concurrent connections that idle connections cannot fill: when the
// cap is reached, the oldest connection that has not yet sent a byte is
// closed to make room (an attacker's idle sockets go first); if every one
// is busy, the newcomer is closed. Sockets that stall are closed by the
// server's own timeouts.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export function capConnections(server: Server, max: number): { open(): number } {
  const sockets = new Map<Socket, { spoke: boolean }>();
  server.on('connection', (socket: Socket) => {
    // A client's reset must never become an unhandled 'error' event.
    socket.on('error', () => {});
    if (sockets.size >= max) {
      let victim: Socket | undefined;
      for (const [s, st] of sockets)
        if (!st.spoke) {
          victim = s;
          break;
        }
      if (!victim) {
        socket.destroy();
        return;
      }
      sockets.delete(victim);
      victim.destroy();
    }
    const state = { spoke: false };
    sockets.set(socket, state);
    socket.once('data', () => {
      state.spoke = true;
    });
    socket.once('close', () => sockets.delete(socket));
  });
  return { open: () => sockets.size };
}
