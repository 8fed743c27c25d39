// A self-hosted Nx remote cache on 127.0.0.1, following Nx's OpenAPI
// specification for custom caching servers: PUT and GET /v1/cache/{hash}
// with tar archives as bodies and a bearer token. Entries are files in one
// folder; an upload is written to a temporary file and renamed, so a reader
// never sees half an entry.
//
//   node tools/nx-cache-server.mjs --dir /tmp/nx-cache --token secret [--port 0]
//
// It prints "listening on http://127.0.0.1:<port>" once ready, then one line
// per request. Use it with NX_SELF_HOSTED_REMOTE_CACHE_SERVER=<that URL> and
// NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN=<token>.
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    token: { type: 'string' },
    port: { type: 'string', default: '0' },
  },
});
if (!values.dir || !values.token) {
  console.error(
    'usage: node tools/nx-cache-server.mjs --dir <folder> --token <token> [--port <port>]',
  );
  process.exit(2);
}
mkdirSync(values.dir, { recursive: true });

const HASH = /^\/v1\/cache\/([A-Za-z0-9_-]+)$/;

const server = createServer((request, response) => {
  const match = HASH.exec(request.url ?? '');
  const done = (status, message = '') => {
    console.log(`${request.method} ${request.url} ${status}`);
    response.writeHead(status, { 'content-type': 'text/plain' }).end(message);
  };
  if (request.headers.authorization !== `Bearer ${values.token}`) {
    return done(401, 'missing or wrong bearer token');
  }
  if (!match) {
    return done(404, 'unknown path');
  }
  const entry = join(values.dir, match[1]);
  if (request.method === 'GET') {
    if (!existsSync(entry)) {
      return done(404, 'no such entry');
    }
    console.log(`GET ${request.url} 200`);
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': statSync(entry).size,
    });
    return createReadStream(entry).pipe(response);
  }
  if (request.method === 'PUT') {
    if (existsSync(entry)) {
      request.resume();
      return done(409, 'entry exists');
    }
    const partial = `${entry}.${process.pid}.${Date.now()}.partial`;
    const file = createWriteStream(partial);
    request.pipe(file);
    file.on('finish', () => {
      renameSync(partial, entry);
      done(202);
    });
    request.on('error', () => {
      rmSync(partial, { force: true });
      done(400, 'upload aborted');
    });
    return undefined;
  }
  return done(405, 'only GET and PUT are supported');
});

server.listen(Number(values.port), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
