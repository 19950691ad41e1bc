// Single-thread ops/s of the pinned nostr-tools (interop/package-lock.json) for the operations keycast-crypto's JMH
// benchmarks measure, with the same inputs (keys, 100 B / 10 KB plaintexts, the same event shape).
//
//   node bench/node/bench.mjs [seconds-per-op]      (default 3; needs `cd interop && npm ci` first)
//
// Output: one machine-readable line per op:
//   nostr-tools impl=<pure|wasm> op=<name> ops_per_s=<mean> best_ops_per_s=<best 0.5 s> ns_per_op=<mean> ...
// impl=pure is nostr-tools' default build (@noble/curves, @noble/ciphers); impl=wasm is nostr-tools/wasm with
// nostr-wasm (libsecp256k1 compiled to WebAssembly), which only covers event sign/verify.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';

const interop = process.env.KEYCAST_INTEROP_DIR
  ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../interop');
// Resolves 'pkg/sub' against interop/node_modules through the package's "exports" map (ESM "import" condition), so
// this script uses exactly the versions interop/package-lock.json pins.
function resolve(spec) {
  const parts = spec.split('/');
  const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  const sub = '.' + spec.slice(name.length);
  const dir = path.join(interop, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  let target = pkg.exports?.[sub] ?? (sub === '.' ? pkg.module ?? pkg.main : sub);
  if (typeof target === 'object') target = target.import ?? target.default;
  if (typeof target === 'object') target = target.default;
  return import(pathToFileURL(path.join(dir, target)).href);
}
const version = (name) => JSON.parse(readFileSync(path.join(interop, 'node_modules', name, 'package.json'), 'utf8')).version;

const { schnorr, secp256k1 } = await resolve('@noble/curves/secp256k1.js');
const { bytesToHex, hexToBytes } = await resolve('@noble/hashes/utils.js');
const pure = await resolve('nostr-tools/pure');
const nip44 = await resolve('nostr-tools/nip44');
const wasmTools = await resolve('nostr-tools/wasm');
const { initNostrWasm } = await resolve('nostr-wasm');

const seconds = Number(process.argv[2] ?? 3) > 0 ? Number(process.argv[2] ?? 3) : 3;

// Same fixed inputs as bench/c/secp_bench.c and the JMH state (keycast-crypto/src/jmh BenchInputs).
const bytes = (f) => Uint8Array.from({ length: 32 }, (_, k) => f(k) & 0xff);
const sec = bytes((k) => k * 7 + 1);
const msg = bytes((k) => k * 13 + 5);
const aux = bytes((k) => k * 3 + 11);
const peerSec = bytes((k) => 255 - k * 5);
const pub = schnorr.getPublicKey(sec);
const peerPubHex = bytesToHex(schnorr.getPublicKey(peerSec));
const verifyMsg = msg.slice();
const sig = schnorr.sign(verifyMsg, sec, aux);
const convKey = nip44.v2.utils.getConversationKey(sec, peerPubHex);
const nonce = bytes((k) => k + 100);
const text100 = 'a'.repeat(100);
const text10k = 'b'.repeat(10 * 1024);
const payload100 = nip44.v2.encrypt(text100, convKey, nonce);
const eventContent = 'c'.repeat(256);
const template = () => ({
  kind: 24133,
  created_at: 1_700_000_000,
  tags: [['p', peerPubHex]],
  content: eventContent,
});
const signedEvent = pure.finalizeEvent(template(), sec);
// verifyEvent caches its answer on the object under a symbol, so each call gets a fresh object.
const freshCopy = (e) => ({ id: e.id, pubkey: e.pubkey, created_at: e.created_at, kind: e.kind, tags: e.tags,
  content: e.content, sig: e.sig });

let sink = 0;
// Runs body for `seconds` after a 1 s warm-up, in 0.5 s slices; reports the mean and the best slice (the figure
// least disturbed by other processes on a shared machine, as in bench/c and bench/run-jmh.sh).
function run(impl, name, body) {
  let i = 0;
  let n = 0;
  let start = performance.now();
  while (performance.now() - start < 1000) { for (let k = 0; k < 16; k++) body(i++); }
  start = performance.now();
  let sliceStart = start;
  let sliceN = 0;
  let best = 0;
  let end;
  do {
    for (let k = 0; k < 16; k++) body(i++);
    n += 16;
    sliceN += 16;
    end = performance.now();
    if (end - sliceStart >= 500) {
      best = Math.max(best, sliceN * 1000 / (end - sliceStart));
      sliceStart = end;
      sliceN = 0;
    }
  } while (end - start < seconds * 1000);
  const elapsed = (end - start) / 1000;
  console.log(`nostr-tools impl=${impl} op=${name} ops_per_s=${(n / elapsed).toFixed(0)} ` +
    `best_ops_per_s=${best.toFixed(0)} ns_per_op=${(elapsed * 1e9 / n).toFixed(0)} iterations=${n} ` +
    `seconds=${elapsed.toFixed(2)}`);
}
const check = (ok, what) => { if (!ok) throw new Error(`${what} failed`); };

console.log(`# nostr-tools ${version('nostr-tools')}, @noble/curves ${version('@noble/curves')}, node ${process.version}, ${os.cpus().length} cpu ${os.cpus()[0].model}, ` +
  `load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

run('pure', 'sign', (i) => { msg[0] = i; sink ^= schnorr.sign(msg, sec, aux)[0]; });
run('pure', 'verify', () => check(schnorr.verify(sig, verifyMsg, pub), 'verify'));
run('pure', 'ecdh_x', () => { sink ^= secp256k1.getSharedSecret(sec, hexToBytes('02' + peerPubHex))[1]; });
run('pure', 'nip44_encrypt_100B', () => { sink ^= nip44.v2.encrypt(text100, convKey).length; });
run('pure', 'nip44_encrypt_10KB', () => { sink ^= nip44.v2.encrypt(text10k, convKey).length; });
run('pure', 'nip44_conversation_key', () => { sink ^= nip44.v2.utils.getConversationKey(sec, peerPubHex)[0]; });
run('pure', 'nip44_decrypt_100B', () => { sink ^= nip44.v2.decrypt(payload100, convKey).length; });
run('pure', 'event_id_sign', () => { sink ^= pure.finalizeEvent(template(), sec).sig.length; });
run('pure', 'event_verify', () => check(pure.verifyEvent(freshCopy(signedEvent)), 'verifyEvent'));

wasmTools.setNostrWasm(await initNostrWasm());
run('wasm', 'event_id_sign', () => { sink ^= wasmTools.finalizeEvent(template(), sec).sig.length; });
run('wasm', 'event_verify', () => check(wasmTools.verifyEvent(freshCopy(signedEvent)), 'verifyEvent'));
if (sink === 0.5) console.log(sink);
