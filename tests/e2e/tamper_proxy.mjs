// A man in the middle for the end-to-end tests: an HTTP proxy between juno-helper and the replica
// that forwards the IC API, records every exchange, and on request tampers with the certificate in
// a call or read_state reply, the way a compromised boundary node could. The replica stays honest;
// only what reaches the helper changes.
import { createServer } from 'node:http';
import { Cbor, requestIdOf } from '../replica/test/harness.mjs';

const API = /^\/api\/(v2|v3|v4)\/(canister|subnet)\/([^/]+)\/(call|read_state|query)$/;
const hex = (bytes) => Buffer.from(bytes).toString('hex');
const labelText = (label) => {
  const text = Buffer.from(label).toString('latin1');
  return /^[\x20-\x7e]+$/.test(text) ? text : hex(label);
};

// What a request is, from its URL and CBOR envelope: enough for a test to pick the one to tamper with.
function describeRequest(req, body) {
  const match = API.exec(new URL(req.url, 'http://proxy').pathname);
  if (!match) return { path: req.url, endpoint: req.url === '/api/v2/status' ? 'status' : 'other' };
  const [, version, scope, id, endpoint] = match;
  const exchange = { path: req.url, version, scope, id, endpoint };
  try {
    const { content } = Cbor.decode(body);
    exchange.requestType = content.request_type;
    exchange.method = content.method_name;
    exchange.requestId = hex(requestIdOf(content));
    exchange.paths = content.paths?.map((p) => p.map(labelText).join('/'));
    exchange.anonymous = content.sender?.length === 1 && content.sender[0] === 4;
  } catch {
    exchange.undecodable = true; // forwarded as it is; the replica answers 400
  }
  return exchange;
}

// ---- certificate surgery -------------------------------------------------------------------------

const flipLastBit = (bytes) => {
  const out = Uint8Array.from(bytes);
  out[out.length - 1] ^= 1;
  return out;
};

// The first leaf node ([3, value]) under a label named `name`, depth first; edited in place.
function findLeaf(tree, name) {
  if (tree[0] === 1) return findLeaf(tree[1], name) ?? findLeaf(tree[2], name);
  if (tree[0] === 2) {
    if (labelText(tree[1]) === name && tree[2][0] === 3) return tree[2];
    return findLeaf(tree[2], name);
  }
  return null;
}

const edit = (certificate, change) => {
  const decoded = Cbor.decode(certificate);
  change(decoded);
  return Cbor.encode(decoded);
};

const requireDelegation = (decoded) => {
  if (!decoded.delegation) throw new Error('tamper: the certificate carries no delegation (is the replica in delegation mode?)');
  return decoded.delegation;
};

// Each takes the certificate's CBOR and returns the forged one.
export const forge = {
  // One bit of the BLS signature.
  signature: (certificate) => edit(certificate, (c) => {
    c.signature = flipLastBit(c.signature);
  }),
  // One bit of a leaf in the tree: the reply a forger would change, else the time.
  tree: (certificate) => edit(certificate, (c) => {
    const leaf = findLeaf(c.tree, 'reply') ?? findLeaf(c.tree, 'time');
    leaf[1] = flipLastBit(leaf[1]);
  }),
  // One bit of the root key's signature on the delegation.
  delegationSignature: (certificate) => edit(certificate, (c) => {
    const d = requireDelegation(c);
    d.certificate = edit(d.certificate, (inner) => {
      inner.signature = flipLastBit(inner.signature);
    });
  }),
  // One bit of the subnet's public key inside the delegation: a key the forger would control.
  delegationKey: (certificate) => edit(certificate, (c) => {
    const d = requireDelegation(c);
    d.certificate = edit(d.certificate, (inner) => {
      const key = findLeaf(inner.tree, 'public_key');
      key[1] = flipLastBit(key[1]);
    });
  }),
  // Another, genuine certificate in place of this one.
  substitute: (other) => () => other,
};

// ---- the proxy ------------------------------------------------------------------------------------

// Where the proxy can drop a connection, as a network or a crashing boundary node does:
//   'request-body': once part of a large request body has arrived (the replica sees nothing);
//   'answer': after the replica answered, before any of the answer reaches the helper (the call
//     took effect; its answer is lost);
//   'response': after the status line and half of the answer's body.
export const DROP_POINTS = ['request-body', 'answer', 'response'];

// Starts a proxy in front of `upstream` on a free loopback port.
//   proxy.tamper(match, forgery, {times}) tampers with the next `times` (default 1) replies that
//     carry a certificate and whose exchange satisfies `match` (a predicate over the exchange);
//   proxy.drop(match, at, {times, skip}) drops the connection at `at` (one of DROP_POINTS) for the
//     next `times` (default 1; -1: until proxy.heal()) exchanges satisfying `match`, once `skip`
//     (default 0) of them have passed. For 'request-body', `match` sees only what is known before
//     the body is read: { path, length } (the Content-Length); the exchange then records
//     dropped: 'request-body' with no method. proxy.dropped() lists the exchanges dropped;
//   proxy.exchanges lists every IC API exchange: what was asked, the HTTP status, the certificate
//     the replica sent (`certificate`) and whether the proxy replaced it (`tampered`).
export async function startTamperProxy(upstream) {
  const exchanges = [];
  const rules = [];
  let drops = [];

  // The drop rule that acts on this exchange at `at`, consuming one of its times.
  const takeDrop = (at, exchange) => {
    const rule = drops.find((d) => d.at === at && d.times !== 0 && d.match(exchange));
    if (!rule) return null;
    if (rule.skip > 0) {
      rule.skip -= 1;
      return null;
    }
    if (rule.times > 0) rule.times -= 1;
    return rule;
  };

  async function forward(req, res) {
    const early = { path: req.url, length: Number(req.headers['content-length'] ?? 0) };
    if (takeDrop('request-body', early)) {
      exchanges.push({ ...early, dropped: 'request-body' });
      // Wait for the first part of the body so that the helper is mid-send when the socket goes.
      await new Promise((resolve) => {
        req.once('data', resolve);
        req.once('end', resolve);
      });
      req.socket.destroy();
      return;
    }
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = new Uint8Array(Buffer.concat(chunks));
    const exchange = describeRequest(req, body);
    exchanges.push(exchange);

    const headers = {};
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    let answer;
    try {
      answer = await fetch(`${upstream}${req.url}`, { method: req.method, headers, body: req.method === 'GET' ? undefined : body });
    } catch {
      req.socket.destroy(); // the replica dropped the connection: so does the proxy
      return;
    }
    let reply = new Uint8Array(await answer.arrayBuffer());
    exchange.status = answer.status;

    const type = answer.headers.get('content-type') ?? '';
    if (answer.status === 200 && type === 'application/cbor' && (exchange.endpoint === 'call' || exchange.endpoint === 'read_state')) {
      const decoded = Cbor.decode(reply);
      if (decoded.certificate) {
        exchange.certificate = decoded.certificate;
        exchange.delegated = Boolean(Cbor.decode(decoded.certificate).delegation);
        const rule = rules.find((r) => r.times > 0 && r.match(exchange));
        if (rule) {
          rule.times -= 1;
          decoded.certificate = rule.forgery(decoded.certificate, exchange);
          exchange.tampered = rule.name;
          reply = Cbor.encode(decoded);
        }
      }
    }
    const out = { 'content-length': reply.length };
    for (const name of ['content-type', 'retry-after']) if (answer.headers.has(name)) out[name] = answer.headers.get(name);
    if (takeDrop('answer', exchange)) {
      exchange.dropped = 'answer';
      req.socket.destroy();
      return;
    }
    if (takeDrop('response', exchange)) {
      exchange.dropped = 'response';
      res.writeHead(answer.status, out);
      res.write(reply.subarray(0, Math.floor(reply.length / 2)));
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the half reach the helper
      req.socket.destroy();
      return;
    }
    res.writeHead(answer.status, out);
    res.end(reply);
  }

  const server = createServer((req, res) => {
    forward(req, res).catch((err) => {
      process.stderr.write(`tamper proxy: ${err.stack}\n`);
      if (!res.headersSent) res.writeHead(502).end(String(err.message));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    exchanges,
    tamper(match, forgery, { times = 1, name = forgery.name || 'forged' } = {}) {
      rules.push({ match, forgery, times, name });
    },
    // The exchanges whose certificate the proxy replaced.
    tampered: () => exchanges.filter((e) => e.tampered),
    drop(match, at, { times = 1, skip = 0 } = {}) {
      if (!DROP_POINTS.includes(at)) throw new Error(`drop: at must be one of ${DROP_POINTS.join(', ')}`);
      drops.push({ match, at, times, skip });
    },
    // Ends every drop rule: the network is back.
    heal() {
      drops = [];
    },
    dropped: () => exchanges.filter((e) => e.dropped),
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

// Common matches.
export const isCall = (method) => (e) => e.endpoint === 'call' && e.method === method;
export const isStatusRead = (e) => e.endpoint === 'read_state' && e.paths?.some((p) => p.startsWith('request_status/'));
