// Juno's own code, run as its users run it, for tests/bench/side_by_side.mjs: one process per
// operation, so that its wall time counts the start-up a CLI pays too.
//
//   node juno_js.mjs upgrade <url> <canister> <pem> <wasm> [--snapshot]
//       @junobuild/admin's upgradeModule, as Juno's emulator and scripts call it: one HttpAgent
//       (the root key fetched, since the replica is local) given as `actor.agent`, mode upgrade,
//       an empty argument; a snapshot first only with --snapshot (`takeSnapshot`).
//   node juno_js.mjs snapshot <url> <canister> <pem> [<snapshot id hex>]
//       Juno Console's snapshot path (executeSnapshot): stop_canister, take_canister_snapshot
//       replacing the given snapshot (the Console holds the module's snapshot list from when its
//       page opened), and start_canister in a `finally`, through @icp-sdk/canisters'
//       IcManagementCanister on one agent.
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { HttpAgent } from '@icp-sdk/core/agent';
import { IDL } from '@icp-sdk/core/candid';
import { Principal } from '@icp-sdk/core/principal';
import { Secp256k1KeyIdentity } from '@icp-sdk/core/identity/secp256k1';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';
import { upgradeModule } from '@junobuild/admin';

const [operation, url, canisterText, pemFile, wasmFile, ...flags] = process.argv.slice(2);
if (!['upgrade', 'snapshot'].includes(operation) || !pemFile) {
  process.stderr.write('usage: node juno_js.mjs upgrade|snapshot <url> <canister> <pem> <wasm> [--snapshot] | [<snapshot id hex>]\n');
  process.exit(2);
}
const key = createPrivateKey(readFileSync(pemFile));
const identity = Secp256k1KeyIdentity.fromSecretKey(Buffer.from(key.export({ format: 'jwk' }).d, 'base64url'));
const agent = await HttpAgent.create({ host: url, identity, shouldFetchRootKey: true });
const canisterId = Principal.fromText(canisterText);

if (operation === 'upgrade') {
  await upgradeModule({
    actor: { agent, identity },
    canisterId,
    wasmModule: new Uint8Array(readFileSync(wasmFile)),
    arg: new Uint8Array(IDL.encode([], [])),
    mode: { upgrade: [{ skip_pre_upgrade: [false], wasm_memory_persistence: [{ replace: null }] }] },
    takeSnapshot: flags.includes('--snapshot'),
  });
} else {
  const ic = IcManagementCanister.create({ agent });
  const replaced = wasmFile ? Uint8Array.from(Buffer.from(wasmFile, 'hex')) : undefined;
  await ic.stopCanister(canisterId);
  try {
    await ic.takeCanisterSnapshot({ canisterId, snapshotId: replaced });
  } finally {
    await ic.startCanister(canisterId);
  }
}
