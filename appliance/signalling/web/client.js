// Rapport's browser client for remote peers: join a running session with a pairing code, then
// hear it (and, as the actor, speak into it) over WebRTC, with the role's view of its events.
// Plain modern JavaScript, no dependencies. It stores nothing: no cookies, no storage, no cache;
// everything lives in this page's memory and goes when the page goes.
// The protocol is rapport-wire's (appliance/wire): JSON messages with a "type" over one WebSocket.
'use strict';

const PROTOCOL_VERSION = 1;
const $ = (id) => document.getElementById(id);

const ERRORS = {
  bad_code: 'That code was not accepted: it may be mistyped, used already or expired. Ask for a new one.',
  rate_limited: 'Too many wrong codes from this computer: wait a minute, then try again.',
  no_session: 'No session is running at the station right now.',
  unsupported_version: 'This page is out of date: reload it.',
  not_allowed: 'Your role does not allow that.',
  out_of_order: 'The station did not expect that message.',
  malformed: 'The station could not read a message.',
  too_large: 'That message is too long.',
};

let socket = null;
let connection = null;
let microphone = null;
let me = null;
let queue = Promise.resolve();
// What the tests read (through the page, never stored anywhere).
window.rapport = { events: [], errors: [], removed: null, joinedAt: null, peer: null, role: null };

function status(text) { $('status').textContent = text; }

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
}

function item(list, text, attributes = {}) {
  const li = document.createElement('li');
  li.textContent = text;
  for (const [name, value] of Object.entries(attributes)) li.dataset[name] = value;
  $(list).append(li);
  return li;
}

function definitions(list, entries) {
  const dl = $(list);
  dl.replaceChildren();
  for (const [name, value] of entries) {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = value;
    dl.append(dt, dd);
  }
}

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  join($('code').value.trim());
});

$('leave').addEventListener('click', () => {
  send({ type: 'leave' });
  finish('You left the session.');
});

$('take-over').addEventListener('click', () => send({ type: 'take_over' }));
$('hand-back').addEventListener('click', () => send({ type: 'hand_back' }));

$('nudge-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('nudge-text').value.trim();
  if (!text) return;
  send({ type: 'nudge', text });
  $('nudge-text').value = '';
});

window.addEventListener('pagehide', () => { if (socket) socket.close(); });

// The kiosk's QR code carries the code after '#', which browsers never send: take it into the
// field and drop it from the address bar.
if (location.hash.length > 1) {
  $('code').value = decodeURIComponent(location.hash.slice(1)).slice(0, 16);
  history.replaceState(null, '', location.pathname);
  $('join-button').focus();
}

function join(code) {
  if (!code) return;
  $('join-button').disabled = true;
  status('Connecting to the station…');
  window.rapport.joinStartedAt = performance.now();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  socket = new WebSocket(`${scheme}://${location.host}/ws`);
  socket.addEventListener('open', () => send({ type: 'join', version: PROTOCOL_VERSION, code }));
  socket.addEventListener('message', (message) => {
    queue = queue.then(() => handle(JSON.parse(message.data))).catch((error) => {
      window.rapport.errors.push(String(error));
      status(`Something went wrong: ${error.message}`);
    });
  });
  socket.addEventListener('close', () => {
    if (me) finish(window.rapport.removed ? removedText(window.rapport.removed) : 'The connection to the station closed.');
    else $('join-button').disabled = false;
  });
}

async function handle(message) {
  switch (message.type) {
    case 'welcome': return welcome(message);
    case 'offer': return offer(message.sdp);
    case 'ice':
      if (connection) await connection.addIceCandidate({ candidate: message.candidate, sdpMLineIndex: message.sdp_m_line_index });
      return;
    case 'event': return show(message.event);
    case 'removed':
      window.rapport.removed = message.reason;
      return finish(removedText(message.reason));
    case 'error':
      window.rapport.errors.push(message.error);
      status(ERRORS[message.error] || 'The station refused a message.');
      if (!me) $('join-button').disabled = false;
      return;
    default:
      return;
  }
}

async function welcome(message) {
  me = { peer: message.peer, role: message.role };
  window.rapport.peer = message.peer;
  window.rapport.role = message.role;
  window.rapport.joinedAt = performance.now();
  $('join').hidden = true;
  $('session').hidden = false;
  $('role-name').textContent = message.role;
  $('actor-view').hidden = message.role !== 'actor';
  $('supervisor-view').hidden = message.role !== 'supervisor';
  $('codes-view').hidden = message.role === 'actor';
  status(`Joined as ${message.role}. Setting up audio…`);
  if (message.role === 'actor') {
    try {
      microphone = await navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        video: false,
      });
      $('audio-out').textContent = 'microphone on';
    } catch (error) {
      $('audio-out').textContent = 'microphone refused';
      status('Without the microphone you can listen, but not speak as the patient.');
    }
  }
  connection = new RTCPeerConnection({ iceServers: message.ice_servers.map((urls) => ({ urls })) });
  window.rapport.connection = connection;
  connection.addEventListener('icecandidate', (event) => {
    if (event.candidate && event.candidate.candidate) {
      send({ type: 'ice', candidate: event.candidate.candidate, sdp_m_line_index: event.candidate.sdpMLineIndex ?? 0 });
    }
  });
  connection.addEventListener('track', (event) => {
    if (event.track.kind === 'video') {
      const video = $('remote-video');
      video.srcObject = new MediaStream([event.track]);
      video.hidden = false;
      return;
    }
    const audio = $('remote-audio');
    audio.srcObject = new MediaStream([event.track]);
    audio.play().catch(() => status('Press any button to hear the session (the browser blocked autoplay).'));
    $('audio-in').textContent = 'receiving';
  });
  connection.addEventListener('connectionstatechange', () => {
    $('connection').textContent = connection.connectionState;
    if (connection.connectionState === 'connected') status(`Connected as ${me.role}.`);
  });
}

async function offer(sdp) {
  await connection.setRemoteDescription({ type: 'offer', sdp });
  if (microphone) {
    const [track] = microphone.getAudioTracks();
    const transceiver = connection.getTransceivers().find((t) => t.receiver.track.kind === 'audio');
    if (transceiver && track) {
      await transceiver.sender.replaceTrack(track);
      transceiver.direction = 'sendrecv';
    }
  }
  const answer = await connection.createAnswer();
  await connection.setLocalDescription(answer);
  send({ type: 'answer', sdp: connection.localDescription.sdp });
}

function show(event) {
  window.rapport.events.push(event.event);
  switch (event.event) {
    case 'patient': item('conversation', event.text, { who: 'patient' }); break;
    case 'trainee': item('conversation', event.text, { who: 'trainee' }); break;
    case 'code':
      item('codes', `Turn ${event.turn}: ${event.fine.replaceAll('_', ' ')}${event.uncertain ? ' (uncertain)' : ''}`);
      break;
    case 'gauges':
      definitions('gauges', Object.entries(event).filter(([name]) => name !== 'event')
        .map(([name, value]) => [name.replaceAll('_', ' '), typeof value === 'number' ? value.toFixed(2) : String(value)]));
      break;
    case 'state':
      definitions('patient-state', [['Rapport', event.rapport], ['Resistance', event.resistance],
        ['Progress', `${event.progress} of ${event.goal}`], ['Mood', event.mood]]);
      break;
    case 'nudge': item('nudges', event.text); break;
    case 'brief':
      $('brief-view').hidden = false;
      $('brief-title').textContent = event.title;
      $('brief-text').textContent = `${event.setting} ${event.brief}`;
      $('brief-patient').textContent = `${event.patient.name}, ${event.patient.age}: ${event.patient.situation}`;
      $('goals').replaceChildren();
      for (const goal of event.goals || []) item('goals', goal);
      break;
    case 'suggestions':
      $('suggestions').replaceChildren();
      for (const line of event.lines || []) {
        const li = item('suggestions', '');
        const button = document.createElement('button');
        button.type = 'button';
        button.textContent = `Say: “${line}”`;
        button.addEventListener('click', () => send({ type: 'say', line }));
        li.append(button);
      }
      break;
    case 'peer_joined': item('peers', `Peer ${event.peer}: ${event.role}`, { peer: event.peer }); break;
    case 'peer_left': {
      const li = document.querySelector(`#peers li[data-peer="${event.peer}"]`);
      if (li) li.remove();
      break;
    }
    case 'patient_voice': {
      const mine = me && event.actor === me.peer;
      $('voice').textContent = event.actor === null ? 'simulation' : mine ? 'you' : `peer ${event.actor}`;
      $('take-over').disabled = mine;
      $('hand-back').disabled = !mine;
      break;
    }
    case 'ended': status('The conversation is over.'); break;
    default: break;
  }
}

function removedText(reason) {
  return reason === 'by_trainee' ? 'The trainee removed you from the session.'
    : reason === 'session_ended' ? 'The session ended; everything shown here is gone.'
      : 'This connection was replaced.';
}

function finish(text) {
  if (connection) connection.close();
  connection = null;
  if (microphone) for (const track of microphone.getTracks()) track.stop();
  microphone = null;
  if (socket) socket.close();
  socket = null;
  me = null;
  for (const list of ['conversation', 'codes', 'nudges', 'peers', 'suggestions', 'goals']) $(list).replaceChildren();
  for (const field of ['brief-title', 'brief-text', 'brief-patient']) $(field).textContent = '';
  $('brief-view').hidden = true;
  $('remote-audio').srcObject = null;
  $('remote-video').srcObject = null;
  $('remote-video').hidden = true;
  $('session').hidden = true;
  $('join').hidden = false;
  $('join-button').disabled = false;
  $('code').value = '';
  status(text);
}
