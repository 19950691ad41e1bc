// Sends client metadata with NIP-46 connect through nostr-tools' BunkerSigner (its connect(clientMetadata) puts
// the JSON in connect's fourth parameter), then asks for the public key to show the connect succeeded.
// Usage: node [--experimental-websocket] client-metadata.mjs <bunker-uri> (--friendly | --hostile) [--timeout-ms MS]
// --friendly: {name: 'Interop App', url: 'https://app.example', image: 'https://app.example/icon.png'}.
// --hostile: a 10 KB name with a script tag and bidi overrides, a javascript: url and a data: image.
// Prints one JSON line per step and a final {"summary":...}; exits 0 only if every step passed.
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import { generateSecretKey, getPublicKey } from 'nostr-tools/pure'
import { parseArgs, stepRunner } from './steps.mjs'

const { target: uri, timeoutMs } = parseArgs('client-metadata.mjs <bunker-uri> (--friendly | --hostile)', 20000)
const hostile = process.argv.includes('--hostile')
const metadata = hostile
  ? {
      name: '\u202E<script>alert(1)</script>\u2066Evil\u2069\u200B App\u0000\n' + 'x'.repeat(10 * 1024),
      url: 'javascript:alert(1)',
      image: 'data:image/svg+xml,<svg onload=alert(1)>'
    }
  : { name: 'Interop App', url: 'https://app.example', image: 'https://app.example/icon.png' }
const { step, finish } = stepRunner(timeoutMs)

const bp = await parseBunkerInput(uri)
if (!bp) {
  console.error('nostr-tools could not parse the bunker URI')
  process.exit(2)
}
const clientKey = generateSecretKey()
const signer = BunkerSigner.fromBunker(clientKey, bp)
await step('connect', async () => {
  await signer.connect(metadata)
  return { client_pubkey: getPublicKey(clientKey) }
})
await step('get_public_key', async () => ({ pubkey: await signer.getPublicKey() }))
const failures = finish()
await signer.close()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
