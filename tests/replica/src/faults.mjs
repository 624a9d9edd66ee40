// Injected faults for tests: counters consumed by the next matching events.
export class Faults {
  constructor() {
    this.reset();
  }

  reset() {
    this.drop_connections = 0; // close the socket without an answer
    // 5xx or 429 for `count` requests, once `after` more requests have been answered normally
    this.http_error = { status: 503, count: 0, after: 0, body: 'injected fault (local replica)' };
    this.accept_async = 0; // answer 202 to synchronous calls (the call still executes)
    this.delay_ms = 0; // delay every IC API answer by this much...
    this.delay_count = -1; // ...for this many requests (-1: until reset)
    this.fail_install_code = 0; // the next install_code/install_chunked_code traps
    this.legacy_api = 0; // 1: answer 404 on /api/v4 calls and /api/v3 reads, as older replicas do
    // stop_canister leaves the canister `stopping` for this long and answers IC0206 meanwhile, as
    // the IC does while a canister finishes its open calls.
    this.stop_delay_ms = 0;
    // The Wasm chunk store's capacity in bytes (0: the IC's 100 MiB), so tests can fill it.
    this.chunk_store_capacity = 0;
    // The next call that executes fails once its method has run, as a replica bug would there:
    // HTTP 500, and its changes rolled back (Replica.call).
    this.internal_error_after_execute = 0;
    // Faults aimed at one method's calls (/call, any version): see setMethodFaults.
    this.method = [];
    this.paused = []; // the calls held by a `pause` now: [{ method, when, since }]
  }

  // Rules: { method, when: 'before'|'after', action, count = 1, ms, status }. `before` acts before
  // the call executes, `after` once it has executed (its effect is in the state):
  //   pause: hold the request `ms` ms (default 3000), shown in `paused` meanwhile;
  //   drop:  close the connection without an answer (the answer is lost);
  //   error: answer HTTP `status` (default 503) instead (before only: the call does not execute);
  //   reject: answer a rejection with IC error `code` (e.g. 406 for IC0406; its first digit is the
  //           reject code) and `message`, as the IC does for a call it refuses (before only).
  // `skip`: how many matching calls pass untouched first; `count`: how many calls the rule then
  // acts on (-1: until reset); a retried call counts again.
  setMethodFaults(rules) {
    if (!Array.isArray(rules)) throw new Error('method faults must be a list');
    this.method = rules.map((rule) => {
      const { method, when = 'before', action, count = 1, skip = 0, ms = 3000, status = 503 } = rule;
      if (typeof method !== 'string' || !method) throw new Error('a method fault needs a method');
      if (!['before', 'after'].includes(when)) throw new Error('when must be before or after');
      if (!['pause', 'drop', 'error', 'reject'].includes(action)) throw new Error('action must be pause, drop, error or reject');
      if ((action === 'error' || action === 'reject') && when !== 'before') throw new Error(`an ${action} fault acts before the call`);
      const { code = 406, message = `injected rejection of ${method} (local replica)` } = rule;
      if (action === 'reject' && !(Number.isInteger(Number(code)) && code >= 100 && code <= 699)) {
        throw new Error('a reject fault needs an IC error code from 100 to 699');
      }
      return { method, when, action, count: Number(count), skip: Number(skip), ms: Number(ms), status: Number(status), code: Number(code), message: String(message) };
    });
  }

  // The rule that acts on this call of `method` at `when`, consuming one of its count.
  takeMethodFault(method, when) {
    const rule = this.method.find((r) => r.method === method && r.when === when && r.count !== 0);
    if (!rule) return null;
    if (rule.skip > 0) {
      rule.skip -= 1;
      return null;
    }
    if (rule.count > 0) rule.count -= 1;
    return rule;
  }

  // Consumes one occurrence of counter `name`; true when the fault fires.
  take(name) {
    if (this[name] > 0) {
      this[name] -= 1;
      return true;
    }
    return false;
  }

  set(changes) {
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'http_error') {
        const status = Number(value.status ?? 503);
        if (!(status === 429 || (status >= 500 && status <= 599))) throw new Error('http_error.status must be 429 or 5xx');
        this.http_error = {
          status,
          count: Number(value.count ?? 1),
          after: Number(value.after ?? 0),
          body: String(value.body ?? this.http_error.body),
        };
      } else if (key === 'method') {
        this.setMethodFaults(value);
      } else if (key in this && typeof this[key] === 'number') {
        this[key] = Number(value);
      } else {
        throw new Error(`unknown fault ${key}`);
      }
    }
  }

  toJSON() {
    const { drop_connections, http_error, accept_async, delay_ms, delay_count, fail_install_code, legacy_api, stop_delay_ms, chunk_store_capacity, internal_error_after_execute, method, paused } = this;
    return { drop_connections, http_error, accept_async, delay_ms, delay_count, fail_install_code, legacy_api, stop_delay_ms, chunk_store_capacity, internal_error_after_execute, method, paused };
  }
}
