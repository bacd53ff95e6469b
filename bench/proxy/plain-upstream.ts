/** The smallest useful upstream (node:http, fixed 12-byte body): shows each proxy's own cost. */
import { createServer } from 'node:http';

const port = Number(process.env.PORT);
createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 12 });
  res.end('hello world\n');
}).listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
