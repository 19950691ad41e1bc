// A client-initiated (nostrconnect://) NIP-46 connection with nostr-tools' BunkerSigner.fromURI.
// Usage: node [--experimental-websocket] nostrconnect-client.mjs <relay-url> [--denied-kind N] [--timeout-ms MS]
// Prints the nostrconnect:// URI (asking for sign_event:1 and nip44/nip04 both ways) as the first stdout line and
// waits for the signer to accept it (keycast connect). Then, like bunker-signer.mjs (the steps are shared,
// steps.mjs): one JSON line per step ({"step":"connect","ok":true,"bunker_pubkey":...}, then every method) and a
// final {"summary":...,"failures":N}; exits 0 only if every step passed.
import { BunkerSigner, createNostrConnectURI } from 'nostr-tools/nip46'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { randomBytes } from 'node:crypto'
import { everyMethod, parseArgs, stepRunner } from './steps.mjs'

const { target: relay, deniedKind, timeoutMs } = parseArgs(
  'nostrconnect-client.mjs <relay-url> [--denied-kind N] [--timeout-ms MS]', 30000)
const { step, finish } = stepRunner(timeoutMs)

const sk = generateSecretKey()
const uri = createNostrConnectURI({
  clientPubkey: getPublicKey(sk), relays: [relay], secret: randomBytes(8).toString('hex'),
  perms: ['sign_event:1', 'nip44_encrypt', 'nip44_decrypt', 'nip04_encrypt', 'nip04_decrypt'],
  name: 'nostr-tools interop', url: 'https://example.com'
})
console.log(uri)
let signer
const connected = await step('connect', async () => {
  signer = await BunkerSigner.fromURI(sk, uri, {}, timeoutMs)
  return { bunker_pubkey: signer.bp.pubkey }
})
if (connected) await everyMethod(signer, step, deniedKind)
const failures = finish()
await signer?.close()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
