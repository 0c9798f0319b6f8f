// Drives Debian's chromium as remote peers of a running `rapport session --remote`: a small
// line protocol, so the Rust test (appliance/station/tests/remote_browser.rs) decides what
// happens and asserts on the answers. One JSON command per line on stdin, one JSON answer per
// line on stdout: {"id":N,"ok":true,...} or {"id":N,"ok":false,"error":"..."}.
// Commands: open {name, url}, join {name, code}, stats {name}, client {name}, nudge {name, text},
// click {name, selector}, click_join {name},
// reload {name}, privacy {name}, close {name}, quit; for the bench: join_until_audio {name, code},
// echo_start {name}.
// Usage: node remote.mjs   (CHROMIUM overrides /usr/bin/chromium)
import { chromium } from 'playwright-core';
import { createInterface } from 'node:readline';

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required',
    '--ignore-certificate-errors',
  ],
});

const pages = new Map();

async function open({ name, url }) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['microphone'] });
  const page = await context.newPage();
  page.on('pageerror', (error) => process.stderr.write(`[${name}] page error: ${error.message}\n`));
  const response = await page.goto(url);
  const headers = response.headers();
  const loadedAt = Date.now();
  pages.set(name, { context, page, url, loadedAt });
  return { status: response.status(), cacheControl: headers['cache-control'] || null, loadedAt };
}

function get(name) {
  const entry = pages.get(name);
  if (!entry) throw new Error(`no page ${name}`);
  return entry;
}

async function join({ name, code }) {
  const { page } = get(name);
  const errorsBefore = await page.evaluate(() => window.rapport.errors.length);
  const started = Date.now();
  await page.fill('#code', code);
  await page.click('#join-button');
  await page.waitForFunction((before) => window.rapport.peer !== null || window.rapport.errors.length > before,
    errorsBefore, { timeout: 20000 });
  const client = await page.evaluate(() => ({ peer: window.rapport.peer, role: window.rapport.role, errors: window.rapport.errors }));
  return { ...client, elapsedMs: Date.now() - started };
}

// Bytes and audio energy both ways, from the page's own RTCPeerConnection.
async function stats({ name }) {
  const { page } = get(name);
  return page.evaluate(async () => {
    const pc = window.rapport.connection;
    if (!pc) return { connection: null };
    const report = await pc.getStats();
    const out = { connection: pc.connectionState, inbound: null, outbound: null, source: null, video: null };
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') {
        out.video = { bytes: s.bytesReceived, frames: s.framesDecoded ?? 0 };
      } else if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        out.inbound = { bytes: s.bytesReceived, packets: s.packetsReceived, energy: s.totalAudioEnergy ?? 0, level: s.audioLevel ?? 0, jitterBufferDelay: s.jitterBufferDelay, emitted: s.jitterBufferEmittedCount };
      } else if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        out.outbound = { bytes: s.bytesSent, packets: s.packetsSent };
      } else if (s.type === 'media-source' && s.kind === 'audio') {
        out.source = { energy: s.totalAudioEnergy ?? 0, level: s.audioLevel ?? 0 };
      }
    });
    return out;
  });
}

async function client({ name }) {
  const { page } = get(name);
  return page.evaluate(() => ({
    peer: window.rapport.peer,
    role: window.rapport.role,
    events: window.rapport.events,
    errors: window.rapport.errors,
    removed: window.rapport.removed,
    connection: window.rapport.connection ? window.rapport.connection.connectionState : null,
    joinedAt: window.rapport.joinedAt,
    status: document.getElementById('status').textContent,
  }));
}

async function nudge({ name, text }) {
  const { page } = get(name);
  await page.fill('#nudge-text', text);
  await page.click('#nudge-form button[type=submit]');
  return {};
}

// Joins with whatever the code field holds (the QR code's URL fills it in).
async function clickJoin({ name }) {
  const { page } = get(name);
  const code = await page.inputValue('#code');
  const url = page.url();
  await page.click('#join-button');
  await page.waitForFunction(() => window.rapport.peer !== null || window.rapport.errors.length > 0, null, { timeout: 20000 });
  const client = await page.evaluate(() => ({ peer: window.rapport.peer, role: window.rapport.role, errors: window.rapport.errors }));
  return { ...client, code, url };
}

async function click({ name, selector }) {
  const { page } = get(name);
  const text = await page.locator(selector).first().textContent();
  await page.locator(selector).first().click();
  return { text };
}

async function reload({ name }) {
  const { page } = get(name);
  await page.reload();
  return {};
}

// What the page keeps: nothing.
async function privacy({ name }) {
  const { page, context } = get(name);
  const cookies = await context.cookies();
  const storage = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, notice: document.getElementById('privacy').textContent }));
  return { cookies: cookies.length, ...storage };
}

async function close({ name }) {
  const { context } = get(name);
  await context.close();
  pages.delete(name);
  return {};
}

// For `rapport bench remote`: join, then wait until audio flows both ways; times in ms from
// the click on Join (and from the page's load).
async function joinUntilAudio({ name, code }) {
  const entry = get(name);
  const { page } = entry;
  const started = Date.now();
  await page.fill('#code', code);
  await page.click('#join-button');
  // Polled from here: waitForFunction would take the async check's promise for a true value.
  for (;;) {
    const flowing = await page.evaluate(async () => {
      const pc = window.rapport.connection;
      if (!pc || pc.connectionState !== 'connected') return false;
      let inbound = 0;
      let outbound = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') inbound = s.packetsReceived;
        if (s.type === 'outbound-rtp' && s.kind === 'audio') outbound = s.packetsSent;
      });
      return inbound > 0 && outbound > 0;
    });
    if (flowing) break;
    if (Date.now() - started > 30000) throw new Error('audio did not flow within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const now = Date.now();
  return { joinToAudioMs: now - started, loadToAudioMs: now - entry.loadedAt };
}

// Sends what the page hears straight back in place of the microphone, so the station can time a
// sound's round trip on its own clock.
async function echoStart({ name }) {
  const { page } = get(name);
  await page.evaluate(async () => {
    const pc = window.rapport.connection;
    const receiver = pc.getReceivers().find((r) => r.track && r.track.kind === 'audio');
    const sender = pc.getSenders().find((s) => s.track && s.track.kind === 'audio');
    await sender.replaceTrack(receiver.track);
  });
  return {};
}

const handlers = { open, join, click_join: clickJoin, stats, client, nudge, click, reload, privacy, close, join_until_audio: joinUntilAudio, echo_start: echoStart };
const lines = createInterface({ input: process.stdin });
for await (const text of lines) {
  if (!text.trim()) continue;
  let command;
  try {
    command = JSON.parse(text);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ ok: false, error: 'not JSON' })}\n`);
    continue;
  }
  if (command.do === 'quit') break;
  try {
    const handler = handlers[command.do];
    if (!handler) throw new Error(`unknown command ${command.do}`);
    const result = await handler(command);
    process.stdout.write(`${JSON.stringify({ id: command.id, ok: true, ...result })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ id: command.id, ok: false, error: String(error.message || error) })}\n`);
  }
}
await browser.close();
