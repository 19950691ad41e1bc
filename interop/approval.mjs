// Human approval over NIP-46 auth_url with nostr-tools' BunkerSigner and its onauth callback.
// Usage: node [--experimental-websocket] approval.mjs <bunker-uri> --kind N [--timeout-ms MS]
// The bunker's policy must ask (--ask) for sign_event:N. Signs kind N three times; for each, onauth prints
// {"onauth": url, "expect": "allow"|"deny"|"timeout"} and whoever runs the script decides through the approval
// API (allow, then deny, then nothing, so the bunker's approval timeout answers). Prints one JSON line per step
// and a final {"summary":...}; exits 0 only if the first request was signed and the other two got error replies.
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import { generateSecretKey, verifyEvent } from 'nostr-tools/pure'
import { expectErrorReply, parseArgs, stepRunner } from './steps.mjs'

const { target: uri, timeoutMs } = parseArgs('approval.mjs <bunker-uri> --kind N [--timeout-ms MS]', 60000)
const args = process.argv.slice(2)
const kind = Number(args[args.indexOf('--kind') + 1])
const { step, finish } = stepRunner(timeoutMs)

const bp = await parseBunkerInput(uri)
if (!bp || !Number.isInteger(kind) || args.indexOf('--kind') < 0) {
  console.error('usage: approval.mjs <bunker-uri> --kind N [--timeout-ms MS]')
  process.exit(2)
}
let expectNext = 'allow'
const urls = []
const signer = BunkerSigner.fromBunker(generateSecretKey(), bp, {
  onauth: (url) => {
    urls.push(url)
    console.log(JSON.stringify({ onauth: url, expect: expectNext }))
  }
})
const template = (content) => ({ kind, content, tags: [], created_at: Math.floor(Date.now() / 1000) })

await step('connect', async () => { await signer.connect({ name: 'nostr-tools approval' }) })
await step('approved_sign_event', async () => {
  const ev = await signer.signEvent(template('approved through onauth'))
  if (!verifyEvent(ev)) throw new Error('signature does not verify')
  if (urls.length !== 1) throw new Error(`expected one auth_url before the event, got ${urls.length}`)
  return { id: ev.id, kind: ev.kind }
})
expectNext = 'deny'
await step('denied_sign_event', () => expectErrorReply(() => signer.signEvent(template('denied')), 'a signed event'))
expectNext = 'timeout'
await step('timed_out_sign_event', () => expectErrorReply(() => signer.signEvent(template('nobody decides')), 'a signed event'))
const failures = finish() + (urls.length === 3 ? 0 : 1)
if (urls.length !== 3) console.log(JSON.stringify({ error: `expected 3 auth_urls, got ${urls.length}` }))
await signer.close()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
