import { createServer, type Server, type Socket } from 'node:net';

/** An ESC/POS printer on 127.0.0.1: answers the status query (DLE EOT 1) "online" and keeps each job. */
export function fakePrinter() {
  const jobs: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      if (d.includes(Buffer.from([0x10, 0x04, 0x01]))) socket.write(Buffer.from([0x16]));
    });
    socket.on('end', () => {
      jobs.push(Buffer.concat(chunks));
      socket.end();
    });
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  return {
    jobs,
    listen: () =>
      new Promise<number>((r) => server.listen(0, '127.0.0.1', () => r((server.address() as { port: number }).port))),
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise((r) => server.close(r));
    },
  };
}
