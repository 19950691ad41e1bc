// Drives a Keycast bunker with nostr-tools' BunkerSigner (the NIP-46 client many web apps use).
// Usage: node [--experimental-websocket] bunker-signer.mjs <bunker-uri> [--denied-kind N] [--timeout-ms MS]
// With --denied-kind N it also checks that signing kind N is refused with an error reply (the policy must deny it).
// Prints one JSON line per step ({"step","ok",...}) and a final {"summary":...}; exits 0 only if every step passed.
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import { generateSecretKey, getPublicKey, verifyEvent } from 'nostr-tools/pure'
import * as nip44 from 'nostr-tools/nip44'
import * as nip04 from 'nostr-tools/nip04'

const args = process.argv.slice(2)
const uri = args[0]
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt }
const deniedKindArg = opt('--denied-kind', null)
const timeoutMs = Number(opt('--timeout-ms', '20000'))
if (!uri || typeof WebSocket === 'undefined') {
  console.error(!uri ? 'usage: bunker-signer.mjs <bunker-uri>' : 'no global WebSocket: run node with --experimental-websocket (Node 20) or use Node 22+')
  process.exit(2)
}

const withTimeout = (p, what) => Promise.race([
  p, new Promise((_, rej) => setTimeout(() => rej(new Error(`timeout after ${timeoutMs} ms: ${what}`)), timeoutMs))])
let failures = 0
const results = {}
async function step(name, fn) {
  try {
    const detail = await withTimeout(fn(), name)
    results[name] = 'ok'
    console.log(JSON.stringify({ step: name, ok: true, ...(detail ?? {}) }))
  } catch (e) {
    failures++
    results[name] = 'FAILED'
    console.log(JSON.stringify({ step: name, ok: false, error: String(e?.message ?? e) }))
  }
}
function expect(cond, message) { if (!cond) throw new Error(message) }

const bp = await parseBunkerInput(uri)
expect(bp, 'nostr-tools could not parse the bunker URI')
const clientSk = generateSecretKey()
const signer = BunkerSigner.fromBunker(clientSk, bp)
const third = generateSecretKey()
const thirdPk = getPublicKey(third)
let userPk

await step('connect', async () => { await signer.connect({ name: 'nostr-tools interop' }) })
await step('get_public_key', async () => {
  userPk = await signer.getPublicKey()
  expect(/^[0-9a-f]{64}$/.test(userPk), `not a pubkey: ${userPk}`)
  return { pubkey: userPk }
})
await step('sign_event', async () => {
  const ev = await signer.signEvent({ kind: 1, content: 'hello from nostr-tools "quoted" \n ünïcödé', tags: [['t', 'keycast']], created_at: Math.floor(Date.now() / 1000) })
  expect(verifyEvent(ev), 'signature does not verify')
  expect(ev.pubkey === userPk, `signed by ${ev.pubkey}, not the user key ${userPk}`)
  return { id: ev.id, event: ev }
})
await step('nip44_encrypt', async () => {
  const ct = await signer.nip44Encrypt(thirdPk, 'to the third party (nip44)')
  const pt = nip44.decrypt(ct, nip44.getConversationKey(third, userPk))
  expect(pt === 'to the third party (nip44)', 'third party cannot decrypt')
})
await step('nip44_decrypt', async () => {
  const ct = nip44.encrypt('from the third party (nip44)', nip44.getConversationKey(third, userPk))
  const pt = await signer.nip44Decrypt(thirdPk, ct)
  expect(pt === 'from the third party (nip44)', `bunker decrypted to something else`)
})
await step('nip04_encrypt', async () => {
  const ct = await signer.nip04Encrypt(thirdPk, 'to the third party (nip04)')
  const pt = nip04.decrypt(third, userPk, ct)
  expect(pt === 'to the third party (nip04)', 'third party cannot decrypt')
})
await step('nip04_decrypt', async () => {
  const ct = nip04.encrypt(third, userPk, 'from the third party (nip04)')
  const pt = await signer.nip04Decrypt(thirdPk, ct)
  expect(pt === 'from the third party (nip04)', 'bunker decrypted to something else')
})
await step('ping', async () => { await signer.ping() })
await step('unknown_method', async () => {
  try {
    const r = await signer.sendRequest('frobnicate', [])
    throw new Error(`expected an error reply, got result ${r}`)
  } catch (e) {
    // BunkerSigner rejects with the bare error string of an error reply; anything else is a local failure
    if (typeof e !== 'string') throw e
    return { error: e }
  }
})
if (deniedKindArg !== null) await step('policy_denied', async () => {
  try {
    const ev = await signer.signEvent({ kind: Number(deniedKindArg), content: 'denied', tags: [], created_at: Math.floor(Date.now() / 1000) })
    throw new Error(`expected a denial, got a signed event ${ev.id}`)
  } catch (e) {
    if (typeof e !== 'string') throw e
    return { error: e }
  }
})
console.log(JSON.stringify({ summary: results, failures }))
await signer.close()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
