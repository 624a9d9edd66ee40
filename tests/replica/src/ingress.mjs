// The replica proper: admits, executes and certifies calls, answers
// read_state and queries. HTTP concerns stay in http.mjs.
import { Cbor, hashOfMap } from '@icp-sdk/core/agent';
import { ed25519 } from '@noble/curves/ed25519';
import { BlsKey, blsReady, certifyMany, subtree, bucketedSubtree, leaf } from './certification.mjs';
import { SubnetDelegation, RANGES_FORM } from './delegation.mjs';
import { CanisterRanges } from './ranges.mjs';
import { parseEnvelope, checkExpiry, authenticate } from './envelope.mjs';
import { HttpError, IcReject, reject, E } from './errors.mjs';
import { admit, execute, QUERY_METHODS } from './management.mjs';
import { executeUpdate, executeQuery } from './execution.mjs';
import { metadataSections, decodeModule } from './wasm.mjs';
import { newSubnet, getCanister, isController, checkpoint } from './state.mjs';
import {
  toHex, fromHex, concat, utf8, leb128, nowNanos, bytesEqual, principalText, Principal,
} from './util.mjs';

// Ingress history entries outlive their expiry by this much before pruning.
const HISTORY_GRACE_NS = 5n * 60n * 1_000_000_000n;
// How long a round collects the certificates it signs for.
const ROUND_MS = 2;
const ED25519_DER_PREFIX = fromHex('302a300506032b6570032100');
const RESPONSE_DOMAIN = concat(Uint8Array.of(11), utf8('ic-response'));

export class Replica {
  constructor({ subnet = newSubnet(), rootKey, nodeSecret, topology, faults, onChange = () => {} } = {}) {
    this.subnet = subnet;
    this.rootKey = new BlsKey(rootKey);
    this.nodeSecret = nodeSecret ?? ed25519.utils.randomPrivateKey();
    this.nodeKeyDer = concat(ED25519_DER_PREFIX, ed25519.getPublicKey(this.nodeSecret));
    this.nodeId = Principal.selfAuthenticating(this.nodeKeyDer).toUint8Array();
    // The root subnet's id is the self-authenticating id of its key (agent-rs does the same).
    this.rootSubnetId = Principal.selfAuthenticating(this.rootKey.der).toUint8Array();
    this.faults = faults;
    this.onChange = onChange;
    this.log = [];
    this.internalErrors = 0; // requests answered 500 (http.mjs)
    this.pendingCertificates = [];
    this.configureTopology(topology ?? {});
  }

  // Plain mode: the replica is the root subnet and signs with the root key.
  // Delegation mode: it is another subnet, whose key the root key vouches for.
  configureTopology({ delegation = false, ranges, rangesPerShard = 1 }) {
    this.ranges = ranges ? CanisterRanges.fromJson(ranges, { perShard: rangesPerShard }) : new CanisterRanges(undefined, { perShard: rangesPerShard });
    this.delegation = delegation ? new SubnetDelegation({ rootKey: this.rootKey, ranges: this.ranges }) : null;
  }

  topology() {
    return { delegation: Boolean(this.delegation), ranges: this.ranges.toJson(), rangesPerShard: this.ranges.perShard };
  }

  get subnetId() {
    return this.delegation?.subnetId ?? this.rootSubnetId;
  }

  get subnetKey() {
    return this.delegation?.subnetKey ?? this.rootKey;
  }

  // A certificate revealing `paths`, signed as this subnet signs; in
  // delegation mode `form` and `ecid` decide which ranges the delegation shows. Resolves at the
  // end of the current round: as on the IC, the state is certified once per round (a few
  // milliseconds here), and every certificate asked for in it shares the one signature, so that
  // the cost of a call stays flat however many clients call at once.
  certificate(paths, { form, ecid }) {
    return new Promise((resolve, reject) => {
      this.pendingCertificates.push({ paths, form, ecid, resolve, reject });
      if (this.pendingCertificates.length === 1) setTimeout(() => this.certifyRound(), ROUND_MS);
    });
  }

  async certifyRound() {
    await blsReady;
    const round = this.pendingCertificates.splice(0);
    try {
      for (const r of round) r.delegation = this.delegation?.delegationFor(r);
      const certificates = certifyMany(this.subnetKey, this.stateTree(), round);
      round.forEach((r, i) => r.resolve(certificates[i]));
    } catch (err) {
      for (const r of round) r.reject(err);
    }
  }

  status() {
    return Cbor.encode({
      root_key: this.rootKey.der,
      impl_version: 'juno-cmake-local-replica-0.1.0',
      impl_hash: toHex(new Uint8Array(32)),
      replica_health_status: 'healthy',
      certified_height: BigInt(this.log.length),
    });
  }

  // POST .../call. Returns {kind: 'replied'|'accepted'|'rejected', ...}.
  call(ecid, body, { sync, version }) {
    const form = version === 'v4' ? RANGES_FORM.sharded : RANGES_FORM.legacy;
    const parsed = parseEnvelope(body, 'call');
    const { content, requestId } = parsed;
    checkExpiry(content, { anonymousExempt: false });
    authenticate(parsed);
    const isManagement = content.canister_id.length === 0;
    if (!isManagement && !bytesEqual(content.canister_id, ecid)) {
      throw new HttpError(400, `Specified CanisterId ${principalText(content.canister_id)} does not match effective canister id in URL ${principalText(ecid)}`);
    }
    const idHex = toHex(requestId);
    const entry = { endpoint: sync ? 'call(sync)' : 'call', method: content.method_name, canister: principalText(isManagement ? ecid : content.canister_id), requestId: idHex, sender: principalText(content.sender) };
    this.record(entry);
    this.pruneHistory();

    const known = this.subnet.requests.get(idHex);
    if (known) {
      // The IC answers a repeated request from its ingress history.
      entry.outcome = 'duplicate';
      if (!sync) return { kind: 'accepted', requestId };
      return { kind: 'replied', requestId, certificate: this.requestCertificate(requestId, { form, ecid }) };
    }

    let admitted;
    try {
      admitted = isManagement
        ? admit(this.subnet, { sender: content.sender, method: content.method_name, arg: content.arg })
        : this.admitCanisterCall(content);
    } catch (err) {
      if (!(err instanceof IcReject)) throw err;
      entry.outcome = err.errorCode;
      return { kind: 'rejected', reject: err };
    }
    if (isManagement && admitted.target && !bytesEqual(admitted.target, ecid)) {
      entry.outcome = 'ecid mismatch';
      throw new HttpError(400, `Specified CanisterId ${principalText(admitted.target)} does not match effective canister id in URL ${principalText(ecid)}`);
    }

    const record = { sender: content.sender, ecid, expiry: BigInt(content.ingress_expiry), time: nowNanos() };
    // A failed call changes nothing: handlers and canister code change the state as they go, so
    // whatever stops them half-way (a reject, or a replica bug, which still answers 500) would
    // otherwise leave a half-installed module or a half-loaded snapshot behind.
    const { rollback, undo } = checkpoint(this.subnet);
    try {
      record.reply = isManagement
        ? execute(this.subnet, { sender: content.sender, method: content.method_name, args: admitted.args }, { faults: this.faults, subnetId: this.subnetId, undo })
        : this.executeCanisterCall(content);
      if (this.faults?.take('internal_error_after_execute')) throw new Error(`injected internal error after ${content.method_name} ran (local replica fault)`);
      record.status = 'replied';
      entry.outcome = 'replied';
    } catch (err) {
      if (!(err instanceof IcReject && err.committed)) rollback();
      if (!(err instanceof IcReject)) {
        entry.outcome = 'internal error';
        throw err;
      }
      Object.assign(record, { status: 'rejected', rejectCode: err.rejectCode, rejectMessage: err.message, errorCode: err.errorCode });
      entry.outcome = err.errorCode;
    }
    this.subnet.requests.set(idHex, record);
    this.noteRequest(idHex);
    this.onChange();
    if (!sync || this.faults?.take('accept_async')) return { kind: 'accepted', requestId };
    return { kind: 'replied', requestId, certificate: this.requestCertificate(requestId, { form, ecid }) };
  }

  admitCanisterCall(content) {
    getCanister(this.subnet, content.canister_id);
    return { args: null, target: null };
  }

  // An update call to a canister's own method: runs its Wasm (execution.mjs).
  executeCanisterCall(content) {
    const canister = this.runnableCanister(content.canister_id);
    return executeUpdate(canister, { method: content.method_name, arg: Uint8Array.from(content.arg), caller: Uint8Array.from(content.sender), subnetId: this.subnetId });
  }

  // The checks before a canister's code runs: the canister exists, is
  // running and has a module.
  runnableCanister(canisterId, { query = false } = {}) {
    const canister = getCanister(this.subnet, canisterId);
    const id = principalText(canister.id);
    if (canister.status !== 'running') {
      const code = canister.status === 'stopped' ? E.CanisterStopped : E.CanisterStopping;
      // Ingress to a stopped canister fails when it is inducted; a query finds it not running.
      if (query || canister.status === 'stopping') throw reject(code, `Canister ${id} is not running`);
      throw reject(code, `Canister ${id} is stopped and therefore does not have a CallContextManager`);
    }
    if (!canister.module) throw reject(E.CanisterWasmModuleNotFound, `Error from Canister ${id}: Attempted to execute a message, but the canister contains no Wasm module.`);
    return canister;
  }

  requestCertificate(requestId, { form, ecid }) {
    return this.certificate([[utf8('request_status'), requestId], [utf8('time')]], { form, ecid });
  }

  // POST .../read_state: `version` of a canister's read_state, or `subnet` for a subnet's.
  async readState(ecid, body, { version = 'v3', subnet = false } = {}) {
    const form = subnet ? RANGES_FORM.none : version === 'v3' ? RANGES_FORM.sharded : RANGES_FORM.legacy;
    const parsed = parseEnvelope(body, 'read_state');
    const { content } = parsed;
    checkExpiry(content, { anonymousExempt: true });
    authenticate(parsed);
    this.record({ endpoint: 'read_state', canister: principalText(ecid), sender: principalText(content.sender), paths: content.paths.map((p) => p.map(labelText).join('/')) });
    const requestIds = new Set(
      content.paths.filter((p) => p.length >= 2 && labelText(p[0]) === 'request_status').map((p) => toHex(p[1])),
    );
    if (requestIds.size > 1) throw new HttpError(400, 'Can only request a single request ID in request_status paths.');
    for (const path of content.paths) {
      const [head, ...rest] = path.map((l) => Uint8Array.from(l));
      const name = head ? new TextDecoder().decode(head) : '';
      if (name === 'time' || name === 'subnet' || name === 'canister_ranges' || name === 'api_boundary_nodes') continue;
      if (name === 'canister') {
        if (rest[0] && !bytesEqual(rest[0], ecid)) {
          throw new HttpError(400, `Effective principal id in URL ${principalText(ecid)} does not match requested canister id: ${principalText(rest[0])}.`);
        }
        if (rest[1] && new TextDecoder().decode(rest[1]) === 'metadata' && rest[2]) {
          this.checkMetadataAccess(ecid, new TextDecoder().decode(rest[2]), content.sender);
        }
        continue;
      }
      if (name === 'request_status' && rest[0]) {
        const record = this.subnet.requests.get(toHex(rest[0]));
        if (record && !bytesEqual(record.sender, content.sender)) {
          throw new HttpError(403, 'Request IDs must be for requests signed by the caller.');
        }
        if (record && !bytesEqual(record.ecid, ecid)) {
          throw new HttpError(403, `Request ID ${toHex(rest[0])} was not sent to canister ${principalText(ecid)}.`);
        }
        continue;
      }
      throw new HttpError(404, `Invalid path requested: /${path.map(labelText).join('/')}`);
    }
    const paths = [[utf8('time')], ...content.paths.map((p) => p.map((l) => Uint8Array.from(l)))];
    return Cbor.encode({ certificate: await this.certificate(paths, { form, ecid }) });
  }

  checkMetadataAccess(ecid, name, sender) {
    const canister = this.subnet.canisters.get(toHex(ecid));
    if (!canister?.module) return;
    const section = moduleMetadata(canister).get(name);
    if (section?.visibility === 'private' && !isController(canister, sender)) {
      throw new HttpError(403, `Custom section ${name} can only be requested by the controllers of the canister.`);
    }
  }

  // POST .../query
  query(ecid, body) {
    const parsed = parseEnvelope(body, 'query');
    const { content, requestId } = parsed;
    checkExpiry(content, { anonymousExempt: true });
    authenticate(parsed);
    this.record({ endpoint: 'query', method: content.method_name, canister: principalText(ecid), sender: principalText(content.sender) });
    let response;
    try {
      const arg = content.canister_id.length !== 0 ? this.canisterQuery(ecid, content) : this.managementQuery(ecid, content);
      response = { status: 'replied', reply: { arg } };
    } catch (err) {
      if (!(err instanceof IcReject)) throw err;
      response = { status: 'rejected', reject_code: err.rejectCode, reject_message: err.message, error_code: err.errorCode };
    }
    const timestamp = nowNanos();
    const signed = hashOfMap({ ...response, timestamp, request_id: requestId });
    const signature = ed25519.sign(concat(RESPONSE_DOMAIN, signed), this.nodeSecret);
    return Cbor.encode({ ...response, signatures: [{ timestamp, signature, identity: this.nodeId }] });
  }

  // A query to a canister's own `canister_query` method, on a throwaway copy of its state.
  canisterQuery(ecid, content) {
    if (!bytesEqual(content.canister_id, ecid)) {
      throw new HttpError(400, `Specified CanisterId ${principalText(content.canister_id)} does not match effective canister id in URL ${principalText(ecid)}`);
    }
    const canister = this.runnableCanister(content.canister_id, { query: true });
    return executeQuery(canister, { method: content.method_name, arg: Uint8Array.from(content.arg), caller: Uint8Array.from(content.sender), subnetId: this.subnetId });
  }

  managementQuery(ecid, content) {
    if (!QUERY_METHODS.has(content.method_name)) {
      throw reject(E.CanisterMethodNotFound, `Query method ${content.method_name} not found on the management canister.`);
    }
    const { args, target } = admit(this.subnet, { sender: content.sender, method: content.method_name, arg: content.arg });
    if (target && !bytesEqual(target, ecid)) {
      throw new HttpError(400, `Specified CanisterId ${principalText(target)} does not match effective canister id in URL ${principalText(ecid)}`);
    }
    return execute(this.subnet, { sender: content.sender, method: content.method_name, args }, {});
  }

  // The certified state tree (spec: certification.md, "The system state tree"). Built every round,
  // from sub-trees kept while what they show is unchanged (canisterNode, requestEntry): a round then
  // costs the same early and late in a run, however many canisters and requests it shows.
  stateTree() {
    const canisters = [...this.subnet.canisters.values()].map((c) => [c.id, canisterNode(c)]);
    return subtree([
      ['canister', subtree(canisters)],
      ['canister_ranges', subtree([[this.subnetId, subtree(this.ranges.shards())]])],
      ['request_status', this.requestStatusNode()],
      ['subnet', subtree([[this.subnetId, subtree([
        ['canister_ranges', this.ranges.legacyLeaf()],
        ['node', subtree([[this.nodeId, subtree([['public_key', this.nodeKeyDer]])]])],
        ['public_key', this.subnetKey.der],
      ])]])],
      ['time', leb128(nowNanos())],
    ]);
  }

  // The request_status sub-tree, laid out by the first byte of the request ids (bucketedSubtree):
  // a bucket's array is rebuilt only when one of its requests came or went (noteRequest), so its
  // hashes are computed once, and a round hashes one bucket and the forks above the buckets.
  requestStatusNode() {
    const { requests } = this.subnet;
    let cache = this.requestStatusCache;
    if (cache?.requests !== requests) {
      // A new history (start-up, a state loaded): every bucket is built.
      cache = this.requestStatusCache = { requests, buckets: new Map(), dirty: new Set(), node: null };
      for (const id of requests.keys()) cache.dirty.add(id.slice(0, 2));
    }
    if (cache.node && cache.dirty.size === 0) return cache.node;
    for (const prefix of cache.dirty) {
      // Request ids are 32 bytes, so their hex order is the order of their labels.
      const ids = [...requests.keys()].filter((id) => id.startsWith(prefix)).sort();
      if (ids.length) cache.buckets.set(prefix, ids.map((id) => requestEntry(id, requests.get(id))));
      else cache.buckets.delete(prefix);
    }
    cache.dirty.clear();
    cache.node = bucketedSubtree([...cache.buckets.keys()].sort().map((prefix) => cache.buckets.get(prefix)));
    return cache.node;
  }

  // A request came into the ingress history or left it.
  noteRequest(idHex) {
    this.requestStatusCache?.dirty.add(idHex.slice(0, 2));
  }

  // The request log (GET /_/admin/log); callers fill in `outcome` later.
  record(entry) {
    this.log.push(Object.assign(entry, { time: new Date().toISOString() }));
    if (this.log.length > 10_000) this.log.splice(0, this.log.length - 10_000);
  }

  pruneHistory() {
    const now = nowNanos();
    for (const [id, r] of this.subnet.requests) {
      if (r.expiry + HISTORY_GRACE_NS < now && this.subnet.requests.delete(id)) this.noteRequest(id);
    }
  }
}

// A canister's sub-tree, kept while the arrays it is built from are the same objects: every change
// to a canister replaces them (install, controllers, certified data), none edits them in place. Its
// metadata comes from decoding the whole module, which is what makes it worth keeping.
const canisterNodes = new WeakMap();
function canisterNode(c) {
  const cached = canisterNodes.get(c);
  if (cached && cached.controllers === c.controllers && cached.certifiedData === c.certifiedData && cached.module === c.module && cached.moduleHash === c.moduleHash) {
    return cached.node;
  }
  const entries = [['controllers', Cbor.encode(c.controllers)]];
  if (c.certifiedData.length) entries.push(['certified_data', c.certifiedData]);
  if (c.module) {
    entries.push(['module_hash', c.moduleHash]);
    const sections = moduleMetadata(c);
    entries.push(['metadata', subtree([...sections].map(([name, s]) => [name, s.content]))]);
  }
  const node = subtree(entries);
  canisterNodes.set(c, { controllers: c.controllers, certifiedData: c.certifiedData, module: c.module, moduleHash: c.moduleHash, node });
  return node;
}

// The `icp:*` sections of a canister's module. A module the replica cannot decode has none: install
// and snapshot loads refuse such modules, but a state saved (--state-dir) by an older replica can
// still hold one, and one canister's bytes must not fail every certificate (every read_state and
// every call's answer) of the subnet.
function moduleMetadata(c) {
  try {
    return metadataSections(decodeModule(c.id, c.module));
  } catch (err) {
    if (!(err instanceof IcReject)) throw err;
    return new Map();
  }
}

// A request's [label, sub-tree] entry: its record never changes once in the ingress history.
const requestEntries = new WeakMap();
function requestEntry(id, r) {
  let entry = requestEntries.get(r);
  if (entry) return entry;
  const entries = [['status', leaf(r.status)]];
  if (r.status === 'replied') entries.push(['reply', r.reply]);
  if (r.status === 'rejected') {
    entries.push(['reject_code', leb128(r.rejectCode)], ['reject_message', leaf(r.rejectMessage)], ['error_code', leaf(r.errorCode)]);
  }
  entry = [fromHex(id), subtree(entries)];
  requestEntries.set(r, entry);
  return entry;
}

const labelText = (label) => {
  const bytes = Uint8Array.from(label);
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return /^[\x20-\x7e]+$/.test(text) ? text : toHex(bytes);
};

