// Empties a module, as a disaster would: the management canister's uninstall_code, called by a
// controller through DFINITY's own client (@icp-sdk/canisters), since `icp` has no command for it
// (its `canister call aaaaa-aa` sends management calls to the wrong effective canister id).
//
//   node tests/replica/tools/uninstall-code.mjs <url> <controller's Ed25519 PEM file> <canister>
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { HttpAgent } from '@icp-sdk/core/agent';
import { Ed25519KeyIdentity } from '@icp-sdk/core/identity';
import { Principal } from '@icp-sdk/core/principal';
import { IcManagementCanister } from '@icp-sdk/canisters/ic-management';

const [url, pem, canister] = process.argv.slice(2);
if (!canister) {
  console.error('usage: uninstall-code.mjs <url> <controller PEM (Ed25519)> <canister id>');
  process.exit(2);
}
const key = createPrivateKey(readFileSync(pem));
const identity = Ed25519KeyIdentity.fromSecretKey(Buffer.from(key.export({ format: 'jwk' }).d, 'base64url'));
const agent = await HttpAgent.create({ host: url, identity, shouldFetchRootKey: true });
await IcManagementCanister.create({ agent }).uninstallCode({ canisterId: Principal.fromText(canister) });
console.log(`uninstalled the code of ${canister}`);
