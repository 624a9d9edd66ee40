// HTTP front end: routes the IC HTTPS interface and the admin API, applies
// injected faults, and turns errors into the status codes the IC uses.
import { createServer } from 'node:http';
import { Cbor } from '@icp-sdk/core/agent';
import { HttpError } from './errors.mjs';
import { handleAdmin } from './admin.mjs';
import { Principal, bufferView } from './util.mjs';

const MAX_REQUEST_BYTES = 5 * 1024 * 1024; // rs/config http_handler.rs
const API = /^\/api\/(v2|v3|v4)\/canister\/([^/]+)\/(call|read_state|query)$/;
const SUBNET_READ_STATE = /^\/api\/(v2|v3)\/subnet\/([^/]+)\/read_state$/;

const isLoopback = (address) =>
  address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1' || address?.startsWith('127.');

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        reject(new HttpError(413, `Request body is too large: more than ${MAX_REQUEST_BYTES} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function send(res, status, body, type) {
  if (res.headersSent || res.destroyed) return;
  const headers = { 'content-length': body ? body.length : 0 };
  if (type) headers['content-type'] = type;
  res.writeHead(status, headers);
  res.end(body);
}
const sendCbor = (res, status, value) => send(res, status, bufferView(Cbor.encode(value)), 'application/cbor');
const sendText = (res, status, text) => send(res, status, Buffer.from(text), 'text/plain; charset=utf-8');

function parseEcid(text) {
  try {
    return Principal.fromText(decodeURIComponent(text)).toUint8Array();
  } catch {
    throw new HttpError(400, `Could not parse effective canister id ${JSON.stringify(text)}`);
  }
}

// The method a call envelope names, or null when the body is not one (the call path refuses it).
function methodOf(body) {
  try {
    const name = Cbor.decode(body)?.content?.method_name;
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

export function createReplicaServer(replica) {
  const { faults } = replica;

  // Acts on a method fault (faults.mjs) for this call, if one applies; true when the request has
  // been answered (or dropped) by it.
  async function methodFault(method, when, req, res, sync) {
    const rule = method && faults.takeMethodFault(method, when);
    if (!rule) return false;
    if (rule.action === 'pause') {
      const entry = { method, when, since: new Date().toISOString() };
      faults.paused.push(entry);
      await sleep(rule.ms);
      faults.paused.splice(faults.paused.indexOf(entry), 1);
      return false;
    }
    if (rule.action === 'drop') {
      req.socket.destroy();
      return true;
    }
    if (rule.action === 'reject') {
      const fields = { reject_code: Math.floor(rule.code / 100), reject_message: rule.message, error_code: `IC${String(rule.code).padStart(4, '0')}` };
      sendCbor(res, 200, sync ? { status: 'non_replicated_rejection', ...fields } : fields);
      return true;
    }
    sendText(res, rule.status, `injected fault before ${method} (local replica)`);
    return true;
  }

  async function handleApi(req, res, url) {
    if (faults.take('drop_connections')) {
      req.socket.destroy();
      return;
    }
    if (faults.http_error.count > 0 && faults.http_error.after > 0) {
      faults.http_error.after -= 1; // this request still gets through
    } else if (faults.http_error.count > 0) {
      faults.http_error.count -= 1;
      await readBody(req).catch(() => {});
      if (faults.http_error.status === 429) res.setHeader('retry-after', '1');
      sendText(res, faults.http_error.status, faults.http_error.body);
      return;
    }
    // The body is read while the answer is delayed, as a network's latency delays a request's
    // processing but not the sending of its bytes: a wave of 1 MB uploads then costs the delay
    // once, not the delay and then one transfer after another.
    const body = req.method === 'POST' ? readBody(req) : null;
    body?.catch(() => {}); // a refused body is told below, once the delay has passed
    if (faults.delay_ms > 0 && faults.delay_count !== 0) {
      if (faults.delay_count > 0) faults.delay_count -= 1;
      await sleep(faults.delay_ms);
    }

    if (req.method === 'GET' && url.pathname === '/api/v2/status') {
      send(res, 200, bufferView(replica.status()), 'application/cbor');
      return;
    }
    const match = API.exec(url.pathname);
    const subnetMatch = SUBNET_READ_STATE.exec(url.pathname);
    if (!match && !subnetMatch) throw new HttpError(404, `Not found: ${url.pathname}`);
    if (req.method !== 'POST') throw new HttpError(405, `Method ${req.method} not allowed`);
    const bytes = new Uint8Array(await body);

    if (subnetMatch) {
      parseEcid(subnetMatch[2]);
      send(res, 200, bufferView(await replica.readState(new Uint8Array(0), bytes, { version: subnetMatch[1], subnet: true })), 'application/cbor');
      return;
    }
    const [, version, ecidText, kind] = match;
    if (faults.legacy_api && version !== 'v2') throw new HttpError(404, `Not found: ${url.pathname}`);
    const ecid = parseEcid(ecidText);
    if (kind === 'read_state') {
      if (version === 'v4') throw new HttpError(404, `Not found: ${url.pathname}`);
      send(res, 200, bufferView(await replica.readState(ecid, bytes, { version })), 'application/cbor');
    } else if (kind === 'query') {
      if (version === 'v4') throw new HttpError(404, `Not found: ${url.pathname}`);
      send(res, 200, bufferView(replica.query(ecid, bytes)), 'application/cbor');
    } else {
      const sync = version !== 'v2';
      const method = methodOf(bytes);
      if (await methodFault(method, 'before', req, res, sync)) return;
      const outcome = replica.call(ecid, bytes, { sync, version });
      // The round that certifies the call ends (and its answer exists) before an `after` fault.
      if (outcome.kind === 'replied') outcome.certificate = await outcome.certificate;
      if (await methodFault(method, 'after', req, res, sync)) return;
      if (outcome.kind === 'accepted') send(res, 202, null);
      else if (outcome.kind === 'replied') sendCbor(res, 200, { status: 'replied', certificate: outcome.certificate });
      else {
        const { rejectCode, message, errorCode } = outcome.reject;
        const fields = { reject_code: rejectCode, reject_message: message, error_code: errorCode };
        sendCbor(res, 200, sync ? { status: 'non_replicated_rejection', ...fields } : fields);
      }
    }
  }

  async function handleAdminRequest(req, res, url) {
    if (!isLoopback(req.socket.remoteAddress)) throw new HttpError(403, 'admin endpoints are loopback-only');
    const body = await readBody(req);
    const result = await handleAdmin(replica, req, url, body);
    if (result.bytes) send(res, result.status, Buffer.from(result.bytes), 'application/octet-stream');
    else send(res, result.status, Buffer.from(JSON.stringify(result.json, null, 1) + '\n'), 'application/json');
  }

  return createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    try {
      if (url.pathname.startsWith('/_/admin/') || url.pathname === '/_/admin') await handleAdminRequest(req, res, url);
      else await handleApi(req, res, url);
    } catch (err) {
      if (err instanceof HttpError) {
        if (url.pathname.startsWith('/_/')) send(res, err.status, Buffer.from(JSON.stringify({ error: err.message }) + '\n'), 'application/json');
        else sendText(res, err.status, err.message);
      } else {
        // Every failure a client can cause is an IC reject or an HttpError; what is left is a bug
        // of the replica's. It still answers 500 (never a reject that would hide it), and is
        // counted (admin status: internal_errors) and shouted, so that the tests notice.
        replica.internalErrors += 1;
        process.stderr.write(`replica: BUG: internal error on ${req.method} ${url.pathname} (answered 500): ${err?.stack ?? err}\n`);
        sendText(res, 500, `Internal error: ${err?.message ?? err}`);
      }
    }
  });
}
