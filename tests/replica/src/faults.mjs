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
      } else if (key in this && typeof this[key] === 'number') {
        this[key] = Number(value);
      } else {
        throw new Error(`unknown fault ${key}`);
      }
    }
  }

  toJSON() {
    const { drop_connections, http_error, accept_async, delay_ms, delay_count, fail_install_code, legacy_api } = this;
    return { drop_connections, http_error, accept_async, delay_ms, delay_count, fail_install_code, legacy_api };
  }
}
