// Self-check for bunker.mjs without the Java side: a minimal in-process NIP-01 relay on 127.0.0.1 (broadcast only,
// enough for ephemeral kind-24133 traffic), the NDK bunker as a child process, and NDK's own NIP-46 client doing
// connect, ping, sign_event (signature verified) and nip44_encrypt. Exit 0 on success.
//
//   node smoke.mjs [--relay ws://127.0.0.1:PORT]   (an external relay, e.g. keycast's dev relay, instead of the built-in one)
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import NDK, { NDKEvent, NDKNip46Signer, NDKPrivateKeySigner, NDKUser } from "@nostr-dev-kit/ndk";
import WebSocket, { WebSocketServer } from "ws";

if (typeof globalThis.WebSocket === "undefined") globalThis.WebSocket = WebSocket;

function matches(f, ev) {
  if (f.kinds && !f.kinds.includes(ev.kind)) return false;
  if (f.authors && !f.authors.includes(ev.pubkey)) return false;
  if (f.since && ev.created_at < f.since) return false;
  for (const [k, vals] of Object.entries(f)) {
    if (k.startsWith("#") && !ev.tags.some((t) => t[0] === k.slice(1) && vals.includes(t[1]))) return false;
  }
  return true;
}

const external = process.argv[2] === "--relay" ? process.argv[3] : null;
const wss = external ? null : new WebSocketServer({ host: "127.0.0.1", port: 0 });
const subs = new Map(); // ws -> Map(subId -> filters)
wss?.on("connection", (ws) => {
  subs.set(ws, new Map());
  ws.on("close", () => subs.delete(ws));
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString());
    if (msg[0] === "REQ") {
      subs.get(ws).set(msg[1], msg.slice(2));
      ws.send(JSON.stringify(["EOSE", msg[1]]));
    } else if (msg[0] === "CLOSE") {
      subs.get(ws).delete(msg[1]);
    } else if (msg[0] === "EVENT") {
      const ev = msg[1];
      ws.send(JSON.stringify(["OK", ev.id, true, ""]));
      for (const [peer, m] of subs) {
        for (const [id, filters] of m) if (filters.some((f) => matches(f, ev))) peer.send(JSON.stringify(["EVENT", id, ev]));
      }
    }
  });
});
if (wss) await new Promise((r) => wss.on("listening", r));
const relay = external ?? `ws://127.0.0.1:${wss.address().port}`;

const child = spawn(process.execPath, [new URL("./bunker.mjs", import.meta.url).pathname, "--relay", relay], {
  stdio: ["ignore", "pipe", "inherit"],
});
const uri = await new Promise((resolve, reject) => {
  createInterface({ input: child.stdout }).once("line", resolve);
  child.once("exit", (c) => reject(new Error(`bunker exited ${c}`)));
});
console.log("bunker uri:", uri);

const fail = (m) => { console.error("FAIL:", m); child.kill(); process.exit(1); };
const timer = setTimeout(() => fail("timed out after 30 s"), 30000);

const ndk = new NDK({ explicitRelayUrls: [relay] });
await ndk.connect(5000);
const nip46 = NDKNip46Signer.bunker(ndk, uri, NDKPrivateKeySigner.generate());
const user = await nip46.blockUntilReady();
console.log("connected, user", user.pubkey);

const pong = await new Promise((resolve) => nip46.rpc.sendRequest(nip46.bunkerPubkey, "ping", [], 24133, (r) => resolve(r.result)));
if (pong !== "pong") fail(`ping answered ${pong}`);

const ev = new NDKEvent(ndk, { kind: 1, content: "hello from the smoke test", tags: [], created_at: Math.floor(Date.now() / 1000) });
await ev.sign(nip46);
if (!ev.verifySignature(false)) fail("signature does not verify");
if (ev.pubkey !== user.pubkey) fail("signed by the wrong key");
console.log("sign_event ok", ev.id);

const third = NDKPrivateKeySigner.generate();
const ct = await nip46.encrypt(new NDKUser({ pubkey: (await third.user()).pubkey }), "secret text", "nip44");
const back = await third.decrypt(new NDKUser({ pubkey: user.pubkey }), ct, "nip44");
if (back !== "secret text") fail("nip44 round trip");
console.log("nip44_encrypt ok");

clearTimeout(timer);
child.kill("SIGTERM");
wss?.close();
console.log("ndk smoke: ok");
process.exit(0);
