// Drives a NIP-46 signer with nostr-tools' BunkerSigner, the way web clients do, and prints one JSON object per
// step on stdout. Used by Keycast's NostrToolsInteropTest (keycast-nip46). Needs a global WebSocket: run with
// `node --experimental-websocket` on Node 20/21 (built in from Node 22).
//
//   node bunker-client.mjs bunker <bunker-url>       signer-initiated: connect, then every method
//   node bunker-client.mjs nostrconnect <relay-url>  client-initiated: prints the nostrconnect:// URI, waits
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { BunkerSigner, createNostrConnectURI, parseBunkerInput } from 'nostr-tools/nip46'
import { bytesToHex } from '@noble/hashes/utils.js'

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n')
const step = async (name, fn) => {
  try {
    out({ step: name, ok: true, value: await fn() })
  } catch (e) {
    out({ step: name, ok: false, error: String(e && e.message ? e.message : e) })
  }
}

async function exercise(signer) {
  await step('get_public_key', () => signer.getPublicKey())
  await step('ping', async () => { await signer.ping(); return 'pong' })
  await step('sign_event', async () => {
    const e = await signer.signEvent({ kind: 1, content: 'from nostr-tools "quoted"\n', tags: [['t', 'x']], created_at: Math.floor(Date.now() / 1000) })
    if (!verifyEvent(e)) throw new Error('signature does not verify')
    return e
  })
  await step('sign_event_denied', () => signer.signEvent({ kind: 31337, content: 'x', tags: [], created_at: Math.floor(Date.now() / 1000) }))
  const self = await signer.getPublicKey()
  await step('nip44_roundtrip', async () => signer.nip44Decrypt(self, await signer.nip44Encrypt(self, 'nip44 ✓')))
  await step('nip04_roundtrip', async () => signer.nip04Decrypt(self, await signer.nip04Encrypt(self, 'nip04 ✓')))
  await step('unknown_method', () => signer.sendRequest('frobnicate', []))
}

const [mode, arg] = process.argv.slice(2)
const sk = generateSecretKey()
const timer = setTimeout(() => { out({ step: 'timeout', ok: false }); process.exit(2) }, 60000)
if (mode === 'bunker') {
  const bp = await parseBunkerInput(arg)
  const signer = BunkerSigner.fromBunker(sk, bp, { onauth: (url) => out({ step: 'auth_url', ok: true, value: url }) })
  await step('connect', async () => { await signer.connect(); return 'ack' })
  await exercise(signer)
  await signer.close()
} else if (mode === 'nostrconnect') {
  const secret = bytesToHex(generateSecretKey()).slice(0, 16)
  const uri = createNostrConnectURI({ clientPubkey: getPublicKey(sk), relays: [arg], secret, perms: ['sign_event:1', 'nip44_encrypt', 'nip44_decrypt', 'nip04_encrypt', 'nip04_decrypt'], name: 'nostr-tools interop' })
  out({ step: 'uri', ok: true, value: uri })
  const signer = await BunkerSigner.fromURI(sk, uri, { skipSwitchRelays: true }, 30000)
  out({ step: 'connected', ok: true, value: signer.bp.pubkey })
  await exercise(signer)
  await signer.close()
} else {
  out({ step: 'usage', ok: false })
  process.exit(64)
}
clearTimeout(timer)
process.exit(0)
