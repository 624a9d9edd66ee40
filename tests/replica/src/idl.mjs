// Candid types of the management canister: DFINITY's own interface from
// @icp-sdk/canisters, with `canister_status` replaced by the newer result
// that icp-cli 1.5.0 requires (icp-cli-observed.md) and that 3.6 predates.
import { IDL } from '@icp-sdk/core/candid';

// The package does not export its declarations, so load the file by path
// next to the package's entry point.
const { idlFactory } = await import(
  new URL('declarations/ic-management/ic-management.idl.js', import.meta.resolve('@icp-sdk/canisters')).href
);

const visibility = IDL.Variant({
  controllers: IDL.Null,
  public: IDL.Null,
  allowed_viewers: IDL.Vec(IDL.Principal),
});

export const canisterStatusResult = IDL.Record({
  status: IDL.Variant({ running: IDL.Null, stopping: IDL.Null, stopped: IDL.Null }),
  ready_for_migration: IDL.Bool,
  version: IDL.Nat64,
  settings: IDL.Record({
    controllers: IDL.Vec(IDL.Principal),
    compute_allocation: IDL.Nat,
    memory_allocation: IDL.Nat,
    freezing_threshold: IDL.Nat,
    reserved_cycles_limit: IDL.Nat,
    minimum_incoming_canister_call_cycles: IDL.Nat,
    log_memory_limit: IDL.Nat,
    log_visibility: visibility,
    snapshot_visibility: visibility,
    status_visibility: visibility,
    wasm_memory_limit: IDL.Nat,
    wasm_memory_threshold: IDL.Nat,
    environment_variables: IDL.Vec(IDL.Record({ name: IDL.Text, value: IDL.Text })),
  }),
  module_hash: IDL.Opt(IDL.Vec(IDL.Nat8)),
  memory_size: IDL.Nat,
  memory_metrics: IDL.Record({
    wasm_memory_size: IDL.Nat,
    stable_memory_size: IDL.Nat,
    global_memory_size: IDL.Nat,
    wasm_binary_size: IDL.Nat,
    custom_sections_size: IDL.Nat,
    canister_history_size: IDL.Nat,
    wasm_chunk_store_size: IDL.Nat,
    snapshots_size: IDL.Nat,
    log_memory_store_size: IDL.Nat,
  }),
  cycles: IDL.Nat,
  reserved_cycles: IDL.Nat,
  idle_cycles_burned_per_day: IDL.Nat,
  query_stats: IDL.Record({
    num_calls_total: IDL.Nat,
    num_instructions_total: IDL.Nat,
    request_payload_bytes_total: IDL.Nat,
    response_payload_bytes_total: IDL.Nat,
  }),
});

const service = idlFactory({ IDL });
const methods = new Map(service._fields.map(([name, func]) => [name, func]));

// Argument and result types of management method `name`, or undefined.
export function methodTypes(name) {
  const func = methods.get(name);
  if (!func) return undefined;
  const retTypes = name === 'canister_status' ? [canisterStatusResult] : func.retTypes;
  return { argTypes: func.argTypes, retTypes };
}

export { IDL };
