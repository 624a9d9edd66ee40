// Copies the Wasm under test into place; with a URL, first writes the module's stable memory
// through the replica's admin API (a change the module makes while the build runs).
import { copyFileSync } from 'node:fs';

const [source, destination, writeUrl] = process.argv.slice(2);
if (writeUrl) {
  const res = await fetch(writeUrl, { method: 'PUT', body: new TextEncoder().encode('written during the build') });
  if (!res.ok) throw new Error(`admin write failed: ${res.status}`);
}
copyFileSync(source, destination);
