// Drives the web console in headless Chromium (playwright-core with the system's chromium, no browser download)
// against a running daemon, while nostr-tools' BunkerSigner raises real NIP-46 requests.
// Usage: node [--experimental-websocket] console-browser.mjs <console-url> --token-file F --ask-uri URI
//          --load-uri URI --relay URL --img DIR [--chromium PATH] [--admin-api] [--timeout-ms MS]
// --ask-uri: an authorization whose policy asks (--ask) for sign_event:30023; --load-uri: one allowed kind 1.
// --admin-api: the daemon serves /api/v1/authorizations, so creating an authorization in the UI is checked.
// Prints one JSON line per step and a final {"summary":...}; exits 0 only if every step passed.
import { chromium } from 'playwright-core'
import { BunkerSigner, parseBunkerInput } from 'nostr-tools/nip46'
import { generateSecretKey, verifyEvent } from 'nostr-tools/pure'
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectErrorReply, stepRunner } from './steps.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt }
const base = args[0]
const token = readFileSync(opt('--token-file'), 'utf8').trim()
const askUri = opt('--ask-uri')
const loadUri = opt('--load-uri')
const relay = opt('--relay')
const imgDir = opt('--img')
const adminApi = args.includes('--admin-api')
const timeoutMs = Number(opt('--timeout-ms', '60000'))
const executablePath = opt('--chromium', '/usr/bin/chromium')
mkdirSync(imgDir, { recursive: true })
const { step, finish } = stepRunner(timeoutMs)

const profile = mkdtempSync(join(tmpdir(), 'keycast-chromium-'))
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  viewport: { width: 1280, height: 860 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync']
})
const page = context.pages()[0] ?? await context.newPage()
const consoleErrors = []
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()) })
page.on('pageerror', (e) => consoleErrors.push(String(e)))
const foreignRequests = [] // the console must never fetch a client-supplied URL (its icon, its site)
page.on('request', (r) => { if (r.url().includes('evil.example')) foreignRequests.push(r.url()) })
const shot = (name) => page.screenshot({ path: join(imgDir, name + '.png'), fullPage: false })
const go = async (hash) => { await page.evaluate((h) => { location.hash = h }, hash); await page.waitForSelector(`#page[data-page="${hash}"]`) }

const XSS_NAME = 'Evil <img src=x onerror="window.__xss=1"> app'
let asker = null
let waiting = null
const template = (kind, content) => ({ kind, content, tags: [], created_at: Math.floor(Date.now() / 1000) })

try {
  await step('sign_in', async () => {
    const res = await page.goto(base)
    const csp = res.headers()['content-security-policy'] || ''
    if (!csp.includes("script-src 'self'")) throw new Error('no strict CSP on the console: ' + csp)
    await page.waitForSelector('#sign-in-form')
    await shot('console-sign-in')
    await page.fill('#token', 'not-the-token-at-all')
    await page.click('#sign-in')
    await page.waitForFunction(() => document.querySelector('#sign-in-error').textContent.includes('refused'))
    await page.fill('#token', token)
    await page.click('#sign-in')
    await page.waitForSelector('#nav:not([hidden])')
    await page.waitForSelector('#page[data-page="overview"]')
    const stored = await page.evaluate(() => sessionStorage.getItem('keycast.adminToken') !== null)
    if (!stored) throw new Error('the token is not in sessionStorage')
  })

  if (adminApi) {
    await step('create_authorization', async () => {
      await go('authorizations')
      await page.fill('#auth-key', 'demo')
      await page.fill('#auth-policy', 'full')
      await page.fill('#auth-relays', relay)
      await page.fill('#auth-label', 'from the console')
      const signerKeys = async () => (await (await fetch(new URL('/health', base))).json()).signer_keys
      const before = await signerKeys()
      await page.click('#authorization-form-submit')
      await page.waitForSelector('#bunker-uri')
      const uri = await page.inputValue('#bunker-uri')
      const bp = await parseBunkerInput(uri)
      if (!bp || !bp.secret || !bp.relays.includes(relay)) throw new Error('not a bunker URI with a secret and the relay: ' + uri)
      const qr = await page.$eval('#bunker-qr', (img) => img.complete && img.naturalWidth > 0)
      if (!qr) throw new Error('the QR code did not render')
      await shot('console-authorizations')
      // the URI works: a client connects with it and gets the user's key (once the daemon, which polls the
      // store, has subscribed to the new bunker key: a request sent before that would not be seen)
      while ((await signerKeys()) <= before) await new Promise((r) => setTimeout(r, 200))
      const s = BunkerSigner.fromBunker(generateSecretKey(), bp, {})
      await s.connect()
      const pk = await s.getPublicKey()
      await s.close()
      return { bunker_uri_prefix: uri.slice(0, 18), user_pubkey: pk }
    })
  }

  asker = BunkerSigner.fromBunker(generateSecretKey(), await parseBunkerInput(askUri), { onauth: () => {} })
  await step('client_connect', () => asker.connect({ name: XSS_NAME, url: 'https://evil.example', image: 'https://evil.example/icon.png' }))

  await step('approve_in_console', async () => {
    const signed = asker.signEvent(template(30023, 'Long-form article <script>alert(1)</script>'))
    await go('approvals')
    await page.waitForSelector('#approvals article.approval')
    await page.waitForSelector('#approvals-badge:not([hidden])')
    const badge = await page.textContent('#approvals-badge')
    const shown = await page.textContent('#approvals article.approval')
    if (!shown.includes(XSS_NAME)) throw new Error('the client name is not shown literally: ' + shown)
    if (await page.evaluate(() => window.__xss !== undefined || document.querySelector('#approvals img') !== null)) {
      throw new Error('client-supplied markup was interpreted')
    }
    await shot('console-approvals')
    await page.click('#approvals article.approval button.allow')
    const ev = await signed
    if (!verifyEvent(ev) || ev.kind !== 30023) throw new Error('the signed event does not verify')
    return { badge, id: ev.id }
  })

  await step('deny_in_console', async () => {
    const denied = expectErrorReply(() => asker.signEvent(template(30023, 'deny me')), 'a signed event')
    await page.waitForSelector('#approvals article.approval:not([data-decided])')
    await page.click('#approvals article.approval:not([data-decided]) button.deny')
    const r = await denied
    if (!/denied/.test(r.error)) throw new Error('expected an approval-denied error, got ' + r.error)
    return r
  })

  await step('tasks_move_under_load', async () => {
    await go('tasks')
    // one request stays waiting for approval during the load, so the page always has a task to show
    waiting = asker.signEvent(template(30023, 'nobody decides')).catch(() => null)
    const loader = BunkerSigner.fromBunker(generateSecretKey(), await parseBunkerInput(loadUri), {})
    await loader.connect()
    let stop = false
    let answered = 0
    let refused = 0
    const lane = async () => {
      while (!stop) {
        try {
          await loader.signEvent(template(1, 'load ' + answered))
          answered++
        } catch (e) {
          // an error reply (the policy's rate limit, overload) also went through the daemon; back off a little
          if (typeof e !== 'string') throw e
          refused++
          await new Promise((r) => setTimeout(r, 50))
        }
      }
    }
    const lanes = Array.from({ length: 24 }, lane)
    const seen = new Set()
    let maxCount = 0
    let shotTaken = false
    const startUpdates = Number(await page.getAttribute('#tasks', 'data-updates') || 0)
    const until = Date.now() + 8000
    while (Date.now() < until) {
      const state = await page.evaluate(() => {
        const t = document.querySelector('#tasks')
        return { count: Number(t.dataset.count || 0), updates: Number(t.dataset.updates || 0), rows: t.textContent }
      })
      seen.add(state.rows)
      maxCount = Math.max(maxCount, state.count)
      if (!shotTaken && state.count > 3) { await shot('console-tasks'); shotTaken = true }
      await new Promise((r) => setTimeout(r, 250))
    }
    stop = true
    await Promise.all(lanes)
    await loader.close()
    const updates = Number(await page.getAttribute('#tasks', 'data-updates')) - startUpdates
    if (!shotTaken) await shot('console-tasks')
    if (updates < 8) throw new Error(`the tasks view refreshed only ${updates} times in 8 s`)
    // the request waiting for approval is one; at least one load request must have been caught in
    // flight (each spends only milliseconds in the daemon: the page refreshes four times a second)
    const seenInFlight = Number(await page.getAttribute('#tasks-seen', 'data-count'))
    if (seenInFlight < 2) throw new Error(`only ${seenInFlight} distinct requests shown in flight during the load (${answered} answered, ${refused} refused, at most ${maxCount} shown at once)`)
    if (seen.size < 2) throw new Error('the task list never changed during the load')
    return { answered, refused, max_in_flight_shown: maxCount, seen_in_flight: seenInFlight, distinct_states: seen.size, refreshes: updates }
  })

  await step('overview_charts', async () => {
    await go('overview')
    await page.waitForFunction(() => Number(document.querySelector('#page').dataset.samples || 0) >= 5)
    const lines = await page.$$eval('#chart-rps polyline', (p) => p.length)
    if (lines < 1) throw new Error('no line drawn in the requests chart')
    await page.waitForTimeout(1500)
    await shot('console-overview')
    // the request left waiting during the load is denied from the console, so the client is not left hanging
    await go('approvals')
    await page.waitForSelector('#approvals article.approval:not([data-decided])')
    await page.click('#approvals article.approval:not([data-decided]) button.deny')
    await waiting
    return { polylines: lines }
  })

  await step('other_pages', async () => {
    const pages = adminApi ? ['keys', 'clients', 'policies', 'audit'] : []
    for (const p of pages) {
      await go(p)
      await page.waitForFunction(() => document.querySelector('#page table, #page .empty, #page .error'))
      const err = await page.$('#page > .error')
      if (err) throw new Error(`${p}: ${await err.textContent()}`)
      if (p === 'policies') {
        await page.fill('#policy-name', 'console-asks')
        await page.fill('#policy-allow', 'sign_event:1')
        await page.fill('#policy-ask', 'sign_event:0')
        await page.click('#policy-form-submit')
        await page.waitForFunction(() => [...document.querySelectorAll('#page tbody tr')]
          .some((tr) => tr.textContent.includes('console-asks') && tr.textContent.includes('sign_event:0')))
      }
      if (p === 'clients') {
        // the metadata the asking client sent with connect, stored by the daemon: shown literally, the site as a
        // link, the icon URL as text only (never loaded)
        await page.waitForSelector('#clients tr.client')
        const names = await page.$$eval('#clients td.client-name', (tds) => tds.map((td) => td.textContent))
        if (!names.includes(XSS_NAME)) throw new Error('the client name is not shown literally: ' + JSON.stringify(names))
        const links = await page.$$eval('#clients td.client-url a', (as) => as.map((a) => a.getAttribute('href')))
        if (!links.includes('https://evil.example')) throw new Error('the client url is not shown: ' + JSON.stringify(links))
        const icons = await page.$$eval('#clients td.client-image', (tds) => tds.map((td) => td.textContent))
        if (!icons.includes('https://evil.example/icon.png')) throw new Error('the icon URL is not shown: ' + JSON.stringify(icons))
        if (await page.evaluate(() => window.__xss !== undefined || document.querySelector('#clients img') !== null)) {
          throw new Error('client-supplied markup was interpreted on the clients page')
        }
        if (foreignRequests.length) throw new Error('the console fetched a client-supplied URL: ' + foreignRequests[0])
      }
      await shot('console-' + p)
    }
    await page.setViewportSize({ width: 390, height: 844 })
    await go('overview')
    await page.waitForTimeout(1200)
    await shot('console-phone')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
    if (overflow) throw new Error('the overview is wider than a phone screen')
    return { pages }
  })

  await step('no_console_errors', async () => {
    const real = consoleErrors.filter((e) => !e.includes('401'))
    if (real.length) throw new Error(real.join(' | '))
  })
} finally {
  await asker?.close?.()
  await context.close()
  rmSync(profile, { recursive: true, force: true })
}
const failures = finish()
setTimeout(() => process.exit(failures === 0 ? 0 : 1), 100)
