// Drives a Keycast bunker with nostr-tools' BunkerSigner (the NIP-46 client many web apps use).
// Usage: node [--experimental-websocket] bunker-signer.mjs <bunker-uri> [--denied-kind N] [--timeout-ms MS]
// With --denied-kind N it also checks that signing kind N is refused with an error reply (the policy must deny it).
// Prints one JSON line per step ({"step","ok",...}) and a final {"summary":...}; exits 0 only if every step passed.
// The method steps are shared with nostrconnect-client.mjs (steps.mjs).
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import { generateSecretKey } from 'nostr-tools/pure'
import { everyMethod, parseArgs, stepRunner } from './steps.mjs'

const { target: uri, deniedKind, timeoutMs } = parseArgs(
  'bunker-signer.mjs <bunker-uri> [--denied-kind N] [--timeout-ms MS]', 20000)
const { step, finish } = stepRunner(timeoutMs)

const bp = await parseBunkerInput(uri)
if (!bp) {
  console.error('nostr-tools could not parse the bunker URI')
  process.exit(2)
}
const signer = BunkerSigner.fromBunker(generateSecretKey(), bp)
await step('connect', async () => { await signer.connect({ name: 'nostr-tools interop' }) })
await everyMethod(signer, step, deniedKind)
const failures = finish()
await signer.close()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
