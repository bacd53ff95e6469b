/**
 * Holds N idle keep-alive connections to a proxy, each after one answered request, so the bench can read
 * what the proxy's memory grew by. Runs in its own process: in-thread Slipway lives in the bench's process,
 * and the client sockets must not count as its memory. Prints "ready" once every connection got its answer;
 * exits on SIGTERM or when stdin closes.
 *
 * Usage: node bench/proxy/idle-clients.ts PORT N
 */
import { connect, type Socket } from 'node:net';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const sockets: Socket[] = [];
let answered = 0;

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
    });
    socket.once('data', () => {
      answered++;
      resolve();
    });
    socket.on('error', reject);
    sockets.push(socket);
  });
}

// 50 at a time: a burst of 1,000 connects could overflow a small accept backlog.
for (let i = 0; i < count; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open()));
}
process.stdout.write(`ready ${answered}\n`);
const quit = () => {
  for (const socket of sockets) socket.destroy();
  process.exit(0);
};
process.on('SIGTERM', quit);
process.stdin.on('end', quit).resume();
