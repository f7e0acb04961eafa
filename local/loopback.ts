// The local stand-ins' one way to serve: a free port on 127.0.0.1, never keeping a test runner or the CLI alive on
// its own, and a close that ends open connections too and can be called twice.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Loopback {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  close(): Promise<void>;
}

export function listenOnLoopback(server: Server): Promise<Loopback> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', fail);
      server.unref();
      const { port } = server.address() as AddressInfo;
      let closing: Promise<void> | undefined;
      ok({
        url: `http://127.0.0.1:${port}`,
        close: () => (closing ??= new Promise<void>((done) => {
          server.close(() => done());
          server.closeAllConnections();
        })),
      });
    });
  });
}
