// Raw HTTP over a socket, for requests fetch() would refuse or normalise (invalid
// bytes in paths, bodies sent slowly, many sockets at once, chosen source addresses).
import net from 'node:net';
import { readFileSync } from 'node:fs';

// Sends text (a string or Buffer) and reads until the server closes or timeoutMs passes.
// Returns {status, headers, body, closed, ms}; status is 0 when no answer came.
export function rawRequest(port, text, { localAddress, timeoutMs = 5000, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const started = Date.now();
    const sock = net.connect({ port, host, localAddress });
    const chunks = [];
    let done = false;
    const finish = (closed) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ ...parseResponse(Buffer.concat(chunks)), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    sock.on('connect', () => sock.write(text));
    sock.on('data', (d) => {
      chunks.push(d);
      const r = parseResponse(Buffer.concat(chunks));
      if (r.complete) finish(false);
    });
    sock.on('error', () => finish(true));
    sock.on('close', () => finish(true));
  });
}

// Parses one HTTP/1.1 response with a Content-Length body.
export function parseResponse(buf) {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: 0, headers: {}, body: '', complete: false };
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const headers = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
  }
  const length = Number(headers['content-length'] ?? 0);
  const body = buf.subarray(end + 4, end + 4 + length);
  return {
    status: Number(statusLine.split(' ')[1]),
    headers,
    body: body.toString('utf8'),
    complete: buf.length >= end + 4 + length,
  };
}

// Resident memory of a process in KiB (VmRSS of /proc/PID/status).
export function rssKiB(pid) {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Number(m[1]);
}

// Opens a socket and keeps it open; resolves with the socket once connected (or null
// when the connection failed). The caller writes to it and destroys it. The socket
// gets openedAt and, once the other side closes it, closedByServer and closedAt (ms).
export function openSocket(port, { localAddress, host = '127.0.0.1' } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host, localAddress });
    sock.closedByServer = false;
    const closed = () => {
      if (!sock.closedByServer) sock.closedAt = Date.now();
      sock.closedByServer = true;
    };
    sock.on('connect', () => { sock.openedAt = Date.now(); resolve(sock); });
    sock.on('error', () => { closed(); resolve(sock.connecting ? null : sock); });
    sock.on('end', closed);
    sock.on('close', closed);
  });
}
