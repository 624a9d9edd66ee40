// The replica's clock: the host's clock plus an offset a test can move
// forward (POST /_/admin/time), so that certificates recorded earlier become
// stale without the test waiting for minutes. Everything time-dependent in
// the replica (certified /time, ingress expiry, history pruning, snapshot
// timestamps, ic0.time) reads this clock, so the shift is consistent.
let offsetMs = 0;

export const nowNanos = () => BigInt(Date.now() + offsetMs) * 1_000_000n;

export const clockOffsetMs = () => offsetMs;

// The IC's time never goes backwards; neither may ours.
export function advanceClock(ms) {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new Error('the clock only moves forward: give a whole number of milliseconds >= 0');
  offsetMs += ms;
  return offsetMs;
}
