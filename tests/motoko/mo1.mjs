import mo from 'motoko';
const src = 'persistent actor Counter { var count : Nat = 0; public func increment() : async Nat { count += 1; count }; public query func get() : async Nat { count } }';
mo.write('Main.mo', src);
function show(label, w) {
  const m = new WebAssembly.Module(w);
  console.log(label, w.length, WebAssembly.Module.imports(m).map(i=>i.name).join(' '));
  console.log(' exports', WebAssembly.Module.exports(m).map(e=>e.name).join(' '));
  const names = []; // list custom sections
  let at = 8; while (at < w.length) { const id = w[at++]; let size=0,sh=0,b; do { b=w[at++]; size+= (b&0x7f)*2**sh; sh+=7;} while(b&0x80); if (id===0){ let l=w[at]; names.push(new TextDecoder().decode(w.subarray(at+1, at+1+l))); } else names.push(id); at+=size; }
  console.log(' sections', names.join(','));
}
try {
const a = mo.wasm('Main.mo', 'ic'); show('eop', a.wasm);
console.log(a.stable);
mo.compiler.gcFlags('classicOP');
const b = mo.wasm('Main.mo', 'ic'); show('classic', b.wasm);
console.log(b.stable);
} catch (e) { console.log('ERR', e.message.slice(0, 2000)); }
