// Rejections as the IC reports them: an `ICxxxx` error code whose first digit
// is the reject code (IC rs/types/error_types), plus a human message.
// `committed`: the call's changes stand although it rejects (a message that ran to completion
// without replying, a stop that goes on after its request timed out); any other reject, like any
// other failure, leaves the replica's state as it was before the call (Replica.call rolls it back).
export class IcReject extends Error {
  constructor(errorCode, message, { committed = false } = {}) {
    super(message);
    this.errorCode = `IC${String(errorCode).padStart(4, '0')}`;
    this.rejectCode = Math.floor(errorCode / 100);
    this.committed = committed;
  }
}

export const reject = (errorCode, message, options) => new IcReject(errorCode, message, options);

// An HTTP-level refusal (the request never reaches execution).
export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// Error codes used by the replica (IC ErrorCode enum values).
export const E = {
  StopCanisterRequestTimeout: 206,
  CanisterNotFound: 301,
  CanisterSnapshotNotFound: 305,
  CanisterRejectedMessage: 406,
  UnknownManagementMessage: 407,
  InvalidManagementPayload: 408,
  CanisterSnapshotImmutable: 409,
  CanisterTrapped: 502,
  CanisterCalledTrap: 503,
  CanisterContractViolation: 504,
  CanisterInvalidWasm: 505,
  CanisterMethodNotFound: 536,
  CanisterDidNotReply: 506,
  CanisterStopped: 508,
  CanisterStopping: 509,
  CanisterNotStopped: 510,
  CanisterInvalidController: 512,
  CanisterNonEmpty: 514,
  CanisterWasmModuleNotFound: 537,
};
