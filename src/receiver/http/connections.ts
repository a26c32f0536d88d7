// A cap on concurrent connections that idle connections cannot fill: a
// connection that has not sent a byte within 5 s is closed, and when the
// cap is reached, the oldest connection that has not yet sent a byte is
// closed to make room (an attacker's idle sockets go first); if every one
// is busy, the newcomer is closed. Sockets that stall are closed by the
// server's own timeouts.
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionStats {
  open(): number;
  accepted: number;
  /** Idle connections closed to make room for a newcomer. */
  evicted: number;
  /** Newcomers closed because every connection was busy. */
  refused: number;
}

export function capConnections(server: Server, max: number, firstByteMs = 5_000, idleMs = 15_000): ConnectionStats {
  const sockets = new Map<Socket, { spoke: boolean }>();
  const stats: ConnectionStats = { open: () => sockets.size, accepted: 0, evicted: 0, refused: 0 };
  server.on('connection', (socket: Socket) => {
    // A client's reset must never become an unhandled 'error' event.
    socket.on('error', () => {});
    stats.accepted++;
    if (sockets.size >= max) {
      let victim: Socket | undefined;
      for (const [s, st] of sockets)
        if (!st.spoke) {
          victim = s;
          break;
        }
      if (!victim) {
        stats.refused++;
        socket.destroy();
        return;
      }
      stats.evicted++;
      sockets.delete(victim);
      victim.destroy();
    }
    const state = { spoke: false };
    sockets.set(socket, state);
    // A connection that says nothing gets a short life; once it speaks, the usual idle timeout.
    socket.setTimeout(firstByteMs);
    socket.once('data', () => {
      state.spoke = true;
      socket.setTimeout(idleMs);
    });
    socket.once('close', () => sockets.delete(socket));
  });
  return stats;
}
