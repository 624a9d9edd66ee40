// Version 1 of the counter. A `persistent actor`'s variables are stable: with enhanced orthogonal
// persistence they live on in the Wasm heap across upgrades; with classical persistence the
// runtime carries them through stable memory.
persistent actor Counter {
  var count : Nat = 0;

  public func increment() : async Nat {
    count += 1;
    count
  };

  public query func get() : async Nat { count };
};
