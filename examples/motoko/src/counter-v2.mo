// Version 2 adds a field to the actor's state; `count` keeps the value version 1 left.
persistent actor Counter {
  var count : Nat = 0;
  var increments : Nat = 0; // how many increment() calls version 2 has answered

  public func increment() : async Nat {
    count += 1;
    increments += 1;
    count
  };

  public query func get() : async Nat { count };

  public query func increments_since_upgrade() : async Nat { increments };
};
