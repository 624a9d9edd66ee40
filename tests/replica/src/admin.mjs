// Test-only endpoints under /_/admin/, in the spirit of PocketIC's REST API:
// inspect and edit canister state, create canisters, inject faults.
import { newCanister, canisterIdFromIndex, canisterSnapshots, snapshotSize, DEFAULT_PROVISIONAL_CYCLES, chunkStoreSize, settleStopping } from './state.mjs';
import { HttpError } from './errors.mjs';
import { sha256, toHex, principalText, Principal, roundUpToPage, nowNanos } from './util.mjs';
import { advanceClock, clockOffsetMs } from './clock.mjs';

const MEMORIES = { stable_memory: 'stable', wasm_memory: 'heap', heap_memory: 'heap' };

const principalFromText = (text) => {
  try {
    return Principal.fromText(text).toUint8Array();
  } catch {
    throw new HttpError(400, `invalid principal ${JSON.stringify(text)}`);
  }
};

const digest = (bytes) => (bytes ? toHex(sha256(bytes)) : null);

function snapshotSummary(s) {
  return {
    id: toHex(s.id),
    local_id: Number(s.localId),
    source: s.source,
    taken_at_timestamp: s.takenAt.toString(),
    total_size: Number(snapshotSize(s)),
    canister_version: Number(s.canisterVersion),
    // The hash kept with the snapshot (it follows every upload), not one of the whole module per
    // poll: a benchmark polls this every 20 ms while 20 MB modules sit in snapshots.
    module_hash: s.module ? toHex(s.moduleHash ?? sha256(s.module)) : null,
    module_size: s.module?.length ?? 0,
    wasm_memory_size: s.heap.length,
    wasm_memory_sha256: digest(s.heap),
    stable_memory_size: s.stable.length,
    stable_memory_sha256: digest(s.stable),
    certified_data: toHex(s.certifiedData),
    chunk_hashes: [...s.chunks.keys()],
    loaded: s.loaded,
  };
}

export function canisterSummary(subnet, c) {
  return {
    canister_id: principalText(c.id),
    status: c.status,
    version: Number(c.version),
    controllers: c.controllers.map(principalText),
    cycles: c.cycles.toString(),
    module_hash: c.moduleHash ? toHex(c.moduleHash) : null,
    module_size: c.module?.length ?? 0,
    wasm_memory_size: c.heap.length,
    wasm_memory_sha256: digest(c.heap),
    stable_memory_size: c.stable.length,
    stable_memory_sha256: digest(c.stable),
    certified_data: toHex(c.certifiedData),
    globals: c.globals.map((g) => Object.fromEntries(Object.entries(g).map(([k, v]) => [k, String(v)]))),
    chunk_hashes: [...c.chunks.keys()],
    chunk_store_size: chunkStoreSize(c),
    snapshots: canisterSnapshots(subnet, c).map(snapshotSummary),
  };
}

function delegationSummary(replica) {
  return {
    enabled: Boolean(replica.delegation),
    subnet_id: principalText(replica.subnetId),
    root_subnet_id: principalText(replica.rootSubnetId),
    ranges: replica.ranges.toJson(),
    ranges_per_shard: replica.ranges.perShard,
    ...(replica.delegation ? replica.delegation.toJson() : {}),
  };
}

// Returns {status, json} or {status, bytes}; throws HttpError.
export async function handleAdmin(replica, req, url, body) {
  const parts = url.pathname.split('/').filter(Boolean).slice(2); // drop "_", "admin"
  const method = req.method;
  const { subnet } = replica;
  const json = (value, status = 200) => ({ status, json: value });
  const parseJson = () => {
    if (!body.length) return {};
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      throw new HttpError(400, 'body must be JSON');
    }
  };

  if (parts[0] === 'health' && method === 'GET') return json({ status: 'healthy' });

  if (parts[0] === 'status' && method === 'GET') {
    return json({
      root_key: toHex(replica.rootKey.der),
      subnet_id: principalText(replica.subnetId),
      root_subnet_id: principalText(replica.rootSubnetId),
      delegation: Boolean(replica.delegation),
      canisters: subnet.canisters.size,
      snapshots: subnet.snapshots.size,
      internal_errors: replica.internalErrors,
    });
  }

  if (parts[0] === 'faults') {
    if (method === 'GET') return json(replica.faults.toJSON());
    if (method === 'POST' || method === 'PUT') {
      try {
        replica.faults.set(parseJson());
      } catch (err) {
        throw new HttpError(400, err.message);
      }
      return json(replica.faults.toJSON());
    }
    if (method === 'DELETE') {
      replica.faults.reset();
      return json(replica.faults.toJSON());
    }
  }

  if (parts[0] === 'delegation') {
    if (method === 'POST' || method === 'PUT' || method === 'DELETE') {
      // Any subset of the topology; DELETE returns to plain mode with the default ranges.
      const spec = method === 'DELETE' ? {} : parseJson();
      const current = replica.topology();
      const next = {
        delegation: spec.enabled ?? (method === 'DELETE' ? false : current.delegation),
        ranges: spec.ranges ?? (method === 'DELETE' ? undefined : current.ranges),
        rangesPerShard: spec.ranges_per_shard ?? (method === 'DELETE' ? 1 : current.rangesPerShard),
      };
      if (typeof next.delegation !== 'boolean') throw new HttpError(400, 'enabled must be true or false');
      try {
        replica.configureTopology(next);
      } catch (err) {
        throw new HttpError(400, err.message);
      }
      replica.onChange();
    } else if (method !== 'GET') {
      throw new HttpError(405, `${method} not allowed`);
    }
    return json(delegationSummary(replica));
  }

  if (parts[0] === 'time') {
    if (method === 'POST') {
      const { advance_ms: ms } = parseJson();
      try {
        advanceClock(ms);
      } catch (err) {
        throw new HttpError(400, err.message);
      }
    } else if (method !== 'GET') {
      throw new HttpError(405, `${method} not allowed`);
    }
    return json({ time_ns: nowNanos().toString(), offset_ms: clockOffsetMs() });
  }

  if (parts[0] === 'log') {
    if (method === 'GET') return json(replica.log);
    if (method === 'DELETE') {
      replica.log.length = 0;
      return json([]);
    }
  }

  if (parts[0] !== 'canisters') throw new HttpError(404, `no admin endpoint ${url.pathname}`);

  if (parts.length === 1) {
    if (method === 'GET') return json([...subnet.canisters.values()].map((c) => canisterSummary(subnet, c)));
    if (method === 'POST') {
      const spec = parseJson();
      const controllers = (spec.controllers ?? []).map(principalFromText);
      let id;
      if (spec.canister_id) id = principalFromText(spec.canister_id);
      else do id = canisterIdFromIndex(subnet.nextCanisterIndex++);
      while (subnet.canisters.has(toHex(id)));
      if (subnet.canisters.has(toHex(id))) throw new HttpError(409, `canister ${spec.canister_id} exists`);
      const canister = newCanister(id, {
        controllers,
        cycles: spec.cycles !== undefined ? BigInt(spec.cycles) : DEFAULT_PROVISIONAL_CYCLES,
      });
      subnet.canisters.set(toHex(id), canister);
      replica.onChange();
      return json(canisterSummary(subnet, canister), 201);
    }
  }

  const canister = subnet.canisters.get(toHex(principalFromText(parts[1])));
  if (canister) settleStopping(canister);
  if (!canister) throw new HttpError(404, `canister ${parts[1]} not found`);

  if (parts.length === 2 && method === 'GET') return json(canisterSummary(subnet, canister));

  const field = MEMORIES[parts[2]];
  if (parts.length === 3 && field) {
    const offset = Number(url.searchParams.get('offset') ?? 0);
    if (method === 'GET') {
      const size = url.searchParams.has('size') ? Number(url.searchParams.get('size')) : canister[field].length - offset;
      return { status: 200, bytes: canister[field].slice(offset, offset + size) };
    }
    if (method === 'PUT') {
      canister[field] = new Uint8Array(body);
    } else if (method === 'POST' || method === 'PATCH') {
      // Write at `offset`, growing the memory in whole Wasm pages as memory.grow would. Always
      // into a new array: the canister's live instance (execution.mjs) notices the change by identity.
      const end = offset + body.length;
      const next = new Uint8Array(end > canister[field].length ? roundUpToPage(end) : canister[field].length);
      next.set(canister[field]);
      next.set(body, offset);
      canister[field] = next;
    } else {
      throw new HttpError(405, `${method} not allowed`);
    }
    // A write stands in for an update message the module executed, and the IC counts every
    // executed message in the canister version; clients rely on that to notice changes.
    canister.version += 1n;
    replica.onChange();
    return json(canisterSummary(subnet, canister));
  }

  if (parts[2] === 'certified_data' && method === 'PUT') {
    if (body.length > 32) throw new HttpError(400, 'certified data is at most 32 bytes');
    canister.certifiedData = new Uint8Array(body);
    replica.onChange();
    return json(canisterSummary(subnet, canister));
  }

  if (parts[2] === 'state' && method === 'POST') {
    // Direct edits of status, controllers and cycles, for setting up tests.
    const spec = parseJson();
    if (spec.status) {
      if (!['running', 'stopping', 'stopped'].includes(spec.status)) throw new HttpError(400, 'bad status');
      canister.status = spec.status;
    }
    if (spec.controllers) canister.controllers = spec.controllers.map(principalFromText);
    if (spec.cycles !== undefined) canister.cycles = BigInt(spec.cycles);
    replica.onChange();
    return json(canisterSummary(subnet, canister));
  }

  throw new HttpError(404, `no admin endpoint ${method} ${url.pathname}`);
}

