// A client-initiated (nostrconnect://) NIP-46 connection with nostr-tools' BunkerSigner.fromURI.
// Usage: node [--experimental-websocket] nostrconnect-client.mjs <relay-url> [--timeout-ms MS]
// Prints the nostrconnect:// URI as the first stdout line, waits for the signer to accept it (keycast connect),
// then calls get_public_key and sign_event and prints {"connected":true,"pubkey","event_id"}; exit 0 on success.
import { BunkerSigner, createNostrConnectURI } from 'nostr-tools/nip46'
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import { randomBytes } from 'node:crypto'

const args = process.argv.slice(2)
const relay = args[0]
const i = args.indexOf('--timeout-ms')
const timeoutMs = Number(i >= 0 ? args[i + 1] : '30000')
if (!relay || typeof WebSocket === 'undefined') {
  console.error(!relay ? 'usage: nostrconnect-client.mjs <relay-url>' : 'no global WebSocket: run node with --experimental-websocket (Node 20) or use Node 22+')
  process.exit(2)
}
const sk = generateSecretKey()
const uri = createNostrConnectURI({
  clientPubkey: getPublicKey(sk), relays: [relay], secret: randomBytes(8).toString('hex'),
  perms: ['sign_event:1', 'nip44_encrypt'], name: 'nostr-tools interop', url: 'https://example.com'
})
console.log(uri)
try {
  const signer = await BunkerSigner.fromURI(sk, uri, {}, timeoutMs)
  const pubkey = await signer.getPublicKey()
  const ev = await signer.signEvent({ kind: 1, content: 'via nostrconnect', tags: [], created_at: Math.floor(Date.now() / 1000) })
  if (!verifyEvent(ev) || ev.pubkey !== pubkey) throw new Error('bad signature or signer')
  console.log(JSON.stringify({ connected: true, pubkey, event_id: ev.id }))
  await signer.close()
  setTimeout(() => process.exit(0), 100)
} catch (e) {
  console.log(JSON.stringify({ connected: false, error: String(e?.message ?? e) }))
  process.exit(1)
}
