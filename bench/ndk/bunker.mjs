// A NIP-46 bunker built on NDK's own backend (NDKNip46Backend), auto-approving every request: the peer that
// bench/e2e/peer.sh measures Keycast against with the same load generator on the same relay.
//
//   node bunker.mjs --relay ws://127.0.0.1:7777 [--key-file PATH]
//
// The signing key is read from PATH (64 hex characters) or from the environment variable NDK_BUNKER_KEY_HEX, or
// generated when neither is given; it is never taken as an argument. The first line on stdout is the bunker URI
// (bunker://<pubkey>?relay=...); "ready" on stderr follows once the subscription is live. Runs until SIGTERM/SIGINT.
// Benchmark tool only: it approves everything and must only ever be bound to a loopback relay.
import { readFileSync } from "node:fs";
import NDK, { NDKNip46Backend, NDKPrivateKeySigner } from "@nostr-dev-kit/ndk";
import WebSocket from "ws";

if (typeof globalThis.WebSocket === "undefined") {
  // Node 20 has no global WebSocket without --experimental-websocket; NDK uses the global one.
  globalThis.WebSocket = WebSocket;
}

function usage(message) {
  process.stderr.write(`${message}\nusage: node bunker.mjs --relay ws://127.0.0.1:PORT [--key-file PATH]\n`);
  process.exit(64);
}

const args = process.argv.slice(2);
let relay = null;
let keyFile = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--relay") relay = args[++i];
  else if (args[i] === "--key-file") keyFile = args[++i];
  else usage(`unknown argument: ${args[i]}`);
}
if (!relay || !/^wss?:\/\//.test(relay)) usage("--relay ws://... is required");

let keyHex = null;
if (keyFile) keyHex = readFileSync(keyFile, "utf8").trim();
else if (process.env.NDK_BUNKER_KEY_HEX) keyHex = process.env.NDK_BUNKER_KEY_HEX.trim();
const signer = keyHex ? new NDKPrivateKeySigner(keyHex) : NDKPrivateKeySigner.generate();

const ndk = new NDK({ explicitRelayUrls: [relay], enableOutboxModel: false, autoConnectUserRelays: false });
await ndk.connect(5000);

let handled = 0;
const backend = new NDKNip46Backend(ndk, signer, async () => {
  handled++;
  return true; // auto-approve: benchmark only
}, [relay]);
await backend.start();

const user = await signer.user();
process.stdout.write(`bunker://${user.pubkey}?relay=${encodeURIComponent(relay)}\n`);
process.stderr.write("ready\n");

function stop() {
  process.stderr.write(`ndk bunker: ${handled} requests approved, stopping\n`);
  process.exit(0);
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
