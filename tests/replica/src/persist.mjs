// --state-dir: the whole replicated state, the BLS key, the node key and the
// subnet topology (delegation mode, canister ranges) in one v8-serialized
// file, written atomically shortly after each change and on shutdown, so a
// restarted replica answers with the same root key.
import { serialize, deserialize } from 'node:v8';
import { mkdirSync, readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const FILE = 'replica-state.v8';
const FORMAT = 1;

export class Store {
  constructor(dir) {
    this.dir = dir;
    this.timer = null;
    mkdirSync(dir, { recursive: true });
  }

  load() {
    const path = join(this.dir, FILE);
    if (!existsSync(path)) return null;
    const data = deserialize(readFileSync(path));
    if (data.format !== FORMAT) throw new Error(`${path}: unsupported state format ${data.format}`);
    return data;
  }

  // Debounced: chunk uploads arrive in bursts and each write copies everything.
  schedule(replica) {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(replica), 50);
  }

  flush(replica) {
    clearTimeout(this.timer);
    this.timer = null;
    const path = join(this.dir, FILE);
    const data = {
      format: FORMAT,
      subnet: replica.subnet,
      rootKey: { secretKey: replica.rootKey.secretKey, publicKey: replica.rootKey.publicKey },
      nodeSecret: replica.nodeSecret,
      topology: replica.topology(),
    };
    writeFileSync(`${path}.tmp`, serialize(data));
    renameSync(`${path}.tmp`, path);
  }
}
