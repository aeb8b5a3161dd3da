"use strict";
// The facetalk page: a photo becomes an avatar; speech (typed text, an audio file or the
// microphone) streams to the server over a WebSocket in 20 ms chunks and the frames coming back
// are drawn in step with the audio; "Render MP4" runs the same speech as a render job. In WebRTC
// mode the speech is an audio track instead, and the avatar comes back as video with the speech.

const CHUNK_S = 0.02;    // audio per WebSocket message
const PREROLL_S = 0.25;  // a clip is heard this long after it is streamed, so its frames arrive in time
const $ = (id) => document.getElementById(id);

// Read by the end-to-end test, and useful in the console.
const stats = (window.facetalk = {
  state: "idle", avatarId: null, framesReceived: 0, framesShown: 0, framesLate: 0, latencyMs: [], error: null,
  audioSamplesReceived: 0, sessionId: null,
});

// Ranges for the controls this page knows. Which controls exist is up to the server
// (/api/controls): only those are shown and sent, and metadata it gives overrides these.
const SPECS = {
  gaze: { label: "Gaze" },
  distance: { label: "Head distance", min: 0.5, max: 2, step: 0.05 },
  emotion: { label: "Emotion", choices: ["none", "neutral", "happy", "sad", "angry", "surprised", "disgusted", "fearful", "contempt"] },
  emotion_strength: { label: "Emotion strength", min: 0, max: 1, step: 0.05 },
  head_motion: { label: "Head motion", min: 0, max: 3, step: 0.05 },
  blink_rate_per_min: { label: "Blinks per minute", min: 0, max: 60, step: 1 },
  mouth_gain: { label: "Mouth opening", min: 0, max: 2, step: 0.05 },
  expressiveness: { label: "Expressiveness", min: 0, max: 2, step: 0.05 },
  seed: { label: "Seed (take)", step: 1 },
};

let info = null;           // /api/info: fps, sample_rate, limits
let schema = [];           // /api/controls
const readers = {};        // control name -> () => value
let audioCtx = null;
let live = null;           // the running stream
let recorded = null;       // Float32Array of the last microphone take, for "Render MP4"

// A server started with --token answers 401 until the page presents it: asked once, kept for
// this tab, sent as a header (fetch) or as ?token= where a browser sends no headers (img, video,
// WebSocket).
let token = sessionStorage.getItem("facetalk-token") || "";

function withToken(url) {
  return token ? `${url}${url.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : url;
}

function authorized(options) {
  return { ...options, headers: { ...(options.headers || {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) } };
}

async function api(path, options = {}) {
  let res = await fetch(path, authorized(options));
  if (res.status === 401) {
    const given = window.prompt("This facetalk server needs its access token:");
    if (given) {
      token = given.trim();
      sessionStorage.setItem("facetalk-token", token);
      res = await fetch(path, authorized(options));
    }
  }
  if (!res.ok) {
    let detail = res.statusText;
    try {
      const body = await res.json();
      detail = typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch { /* not JSON: keep the status text */ }
    throw new Error(detail);
  }
  return res;
}

function setStatus(el, text, isError = false) {
  el.textContent = text;
  el.classList.toggle("error", isError);
}

function fail(err) {
  stats.state = "error";
  stats.error = String(err.message || err);
  setStatus($("stats"), stats.error, true);
  stopLive();
}

// ---- controls -------------------------------------------------------------------------------

function row(label, input, output, extraClass = "", help = "") {
  const div = document.createElement("div");
  div.className = `control ${extraClass}`;
  div.title = help;
  const name = document.createElement("label");
  name.textContent = label;
  div.append(name, input, output || document.createElement("span"));
  return div;
}

function slider(min, max, step, value, onInput) {
  const input = Object.assign(document.createElement("input"), { type: "range", min, max, step, value });
  const out = document.createElement("output");
  const show = () => { out.textContent = Number(input.value).toFixed(step >= 1 ? 0 : 2); onInput?.(); };
  input.addEventListener("input", show);
  show();
  return [input, out];
}

function gazeControl(field, label) {
  const wrap = document.createElement("div");
  const mode = document.createElement("select");
  for (const [value, text] of [["camera", "at the camera"], ["free", "free"], ["angle", "yaw, pitch"]]) {
    mode.append(new Option(text, value));
  }
  const [yaw, yawOut] = slider(-30, 30, 1, 0);
  const [pitch, pitchOut] = slider(-20, 20, 1, 0);
  const yawRow = row("yaw °", yaw, yawOut, "sub");
  const pitchRow = row("pitch °", pitch, pitchOut, "sub");
  const angle = /^\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)\s*$/.exec(String(field.default ?? ""));
  if (angle) { mode.value = "angle"; yaw.value = angle[1]; pitch.value = angle[2]; }
  else if (field.default) mode.value = field.default;
  const sync = () => { yawRow.hidden = pitchRow.hidden = mode.value !== "angle"; };
  mode.addEventListener("change", sync);
  sync();
  wrap.append(row(label, mode, null, "", field.help || ""), yawRow, pitchRow);
  readers[field.name] = () => (mode.value === "angle" ? `${yaw.value},${pitch.value}` : mode.value);
  return wrap;
}

function buildControls() {
  const box = $("controls");
  box.replaceChildren();
  for (const field of schema) {
    const spec = { ...(SPECS[field.name] || {}) };
    for (const key of ["label", "min", "max", "step", "choices"]) if (field[key] !== undefined) spec[key] = field[key];
    const label = spec.label || field.name.replaceAll("_", " ");
    const help = field.help || "";
    if (field.name === "gaze" && field.type === "str" && !spec.choices) {
      box.append(gazeControl(field, label));
    } else if (spec.choices) {
      const select = document.createElement("select");
      const choices = spec.choices.includes(field.default) ? spec.choices : [field.default, ...spec.choices];
      for (const c of choices) select.append(new Option(c, c));
      select.value = field.default;
      readers[field.name] = () => select.value;
      box.append(row(label, select, null, "", help));
    } else if (field.type === "bool") {
      const check = Object.assign(document.createElement("input"), { type: "checkbox", checked: !!field.default });
      readers[field.name] = () => check.checked;
      box.append(row(label, check, null, "", help));
    } else if (spec.min !== undefined && spec.max !== undefined) {
      const [input, out] = slider(spec.min, spec.max, spec.step ?? 0.01, field.default);
      readers[field.name] = () => Number(input.value);
      box.append(row(label, input, out, "", help));
    } else {
      const numeric = field.type === "int" || field.type === "float";
      const input = Object.assign(document.createElement("input"),
        { type: numeric ? "number" : "text", value: field.default ?? "", step: spec.step ?? "any" });
      readers[field.name] = () => (numeric ? Number(input.value) : input.value);
      box.append(row(label, input, null, "", help));
    }
  }
}

function readControls() {
  const out = {};
  for (const field of schema) {
    let value = readers[field.name]?.();
    if (value === undefined) continue;
    if (field.type === "int") value = Math.round(value);
    out[field.name] = value;
  }
  return out;
}

// ---- photo ----------------------------------------------------------------------------------

async function setAvatar(request, what) {
  setStatus($("photo-status"), `Analysing ${what}…`);
  try {
    const avatar = await (await request).json();
    stats.avatarId = avatar.avatar_id;
    const screen = $("screen");
    screen.width = avatar.width;
    screen.height = avatar.height;
    const img = new Image();
    img.onload = () => screen.getContext("2d").drawImage(img, 0, 0);
    img.src = withToken(avatar.image_url);
    setStatus($("photo-status"), `Ready: ${what} (${avatar.width}×${avatar.height}).`);
    for (const id of ["play", "render"]) $(id).disabled = false;
  } catch (err) {
    setStatus($("photo-status"), err.message, true);
  }
}

// ---- speech ---------------------------------------------------------------------------------

function source() {
  return document.querySelector('input[name="source"]:checked').value;
}

async function context() {
  // The server analyses 16 kHz audio: an AudioContext at that rate resamples files and the
  // microphone for us, and plays at it too.
  if (!audioCtx) audioCtx = new AudioContext({ sampleRate: info.sample_rate });
  await audioCtx.resume();
  return audioCtx;
}

async function clipBuffer() {
  const ctx = await context();
  let bytes;
  if (source() === "text") {
    const text = $("text").value;
    bytes = await (await api("/api/speech", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ text, lang: $("lang").value }),
    })).arrayBuffer();
  } else {
    const file = $("audio-file").files[0];
    if (!file) throw new Error("choose an audio file first");
    bytes = await file.arrayBuffer();
  }
  try {
    return await ctx.decodeAudioData(bytes);
  } catch {
    throw new Error("this browser cannot decode that audio file");
  }
}

function mono(buffer) {
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const ch = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i] += ch[i] / buffer.numberOfChannels;
  }
  return out;
}

function int16(samples) {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = Math.max(-1, Math.min(1, samples[i])) * 32767;
  return out.buffer;
}

// ---- frames ---------------------------------------------------------------------------------

// Holds decoded frames and draws, on each display refresh, the newest one due by `clock()`
// (seconds on the audio's timeline), so the picture follows what is heard.
class FramePlayer {
  constructor(canvas, clock) {
    this.ctx = canvas.getContext("2d");
    this.clock = clock;
    this.queue = [];
    this.running = true;
    requestAnimationFrame(() => this.tick());
  }

  async add(t, blob) {
    const bitmap = await createImageBitmap(blob);
    if (!this.running) return bitmap.close();
    this.queue.push({ t, bitmap });
  }

  tick() {
    if (!this.running) return;
    const now = this.clock();
    let due = -1;
    while (due + 1 < this.queue.length && this.queue[due + 1].t <= now) due++;
    if (due >= 0) {
      const frame = this.queue[due];
      this.ctx.drawImage(frame.bitmap, 0, 0);
      stats.framesShown++;
      stats.framesLate += due;  // frames due before this one never got their turn
      stats.lastShownT = frame.t;
      for (const f of this.queue.splice(0, due + 1)) f.bitmap.close();
    }
    requestAnimationFrame(() => this.tick());
  }

  stop() {
    this.running = false;
    for (const f of this.queue.splice(0)) f.bitmap.close();
  }
}

function openStream(onFrame) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(withToken(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/api/stream`));
    ws.binaryType = "arraybuffer";
    let ready = false;
    ws.onopen = () => ws.send(JSON.stringify({
      type: "start", avatar_id: stats.avatarId, controls: readControls(),
      sample_rate: info.sample_rate, format: "s16le",
    }));
    ws.onmessage = (event) => {
      if (typeof event.data !== "string") {
        const view = new DataView(event.data);
        onFrame(view.getUint32(0, true), view.getFloat64(4, true),
          new Blob([new Uint8Array(event.data, 12)], { type: "image/jpeg" }));
        return;
      }
      const msg = JSON.parse(event.data);
      if (msg.type === "ready") { ready = true; resolve(ws); }
      else if (msg.type === "end") ended(msg.frames);
      else if (msg.type === "error") (ready ? fail : reject)(new Error(msg.message));
    };
    ws.onerror = () => reject(new Error("cannot reach the server's stream"));
    ws.onclose = (event) => {
      if (!ready) reject(new Error("the server closed the stream"));
      else if (live?.ws === ws && !live.serverEnded) fail(new Error(`the stream closed (${event.code})`));
    };
  });
}

function onFrame(index, t, blob) {
  if (!live) return;
  stats.framesReceived++;
  // Sample 0 was "spoken" one chunk before the first chunk was sent (it is sent once captured).
  stats.latencyMs.push(performance.now() - (live.firstSentMs - CHUNK_S * 1000 + t * 1000));
  if (stats.latencyMs.length > 250) stats.latencyMs.shift();  // the last 10 s
  live.player.add(t, blob);
  const lat = [...stats.latencyMs].sort((a, b) => a - b)[Math.floor(stats.latencyMs.length / 2)];
  setStatus($("stats"), `frame ${index} at ${t.toFixed(2)} s · ${stats.framesReceived} received · ` +
    `audio→frame ${lat.toFixed(0)} ms (median of the last 10 s)`);
}

function sendChunk(samples) {
  if (live.firstSentMs === undefined) live.firstSentMs = performance.now();
  live.ws.send(int16(samples));
}

function ended(n) {
  if (!live) return;
  live.serverEnded = true;
  live.framesTotal = n;
  const done = () => { stats.state = "done"; stopLive(); };
  // A clip's last frames are due when its audio ends; the microphone is done now.
  if (live.clip && !live.audioEnded) live.audio.onended = () => setTimeout(done, 100);
  else done();
}

function resetStats() {
  Object.assign(stats, {
    state: "starting", framesReceived: 0, framesShown: 0, framesLate: 0, latencyMs: [], error: null,
    audioSamplesReceived: 0, sessionId: null,
  });
  $("result").hidden = $("download").hidden = $("job-progress").hidden = true;
}

async function playLive() {
  resetStats();
  $("play").disabled = true;
  $("stop").disabled = false;
  try {
    if (transport() === "webrtc") await startRtc();
    else if (source() === "mic") await startMic();
    else await startClip(await clipBuffer());
    stats.state = "playing";
  } catch (err) {
    fail(err);
  }
}

async function startClip(buffer) {
  const ctx = await context();
  const pcm = mono(buffer);
  live = { clip: true };
  live.ws = await openStream(onFrame);
  // Audio time 0 is heard at startAt: streaming starts PREROLL_S earlier, in real time.
  const startAt = ctx.currentTime + PREROLL_S;
  const clock = () => ctx.currentTime - startAt - (ctx.outputLatency || 0);
  live.player = new FramePlayer($("screen"), clock);
  live.audio = ctx.createBufferSource();
  live.audio.buffer = buffer;
  live.audio.connect(ctx.destination);
  const current = live;
  current.audio.onended = () => { current.audioEnded = true; };
  live.audio.start(startAt);
  const n = Math.round(CHUNK_S * ctx.sampleRate);
  let k = 0;
  current.timer = setInterval(() => {
    while (k * n < pcm.length && ((k + 1) * n) / ctx.sampleRate <= clock() + PREROLL_S) {
      sendChunk(pcm.subarray(k * n, (k + 1) * n));
      k++;
    }
    if (k * n >= pcm.length) {
      clearInterval(current.timer);
      current.ws.send(JSON.stringify({ type: "end" }));
    }
  }, 5);
}

async function startMic() {
  const ctx = await context();
  const media = await navigator.mediaDevices.getUserMedia({
    audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
  });
  await ctx.audioWorklet.addModule("/static/pcm-worklet.js");
  live = { clip: false, media };
  live.ws = await openStream(onFrame);
  // Your own voice is the sound: each frame is shown as soon as it arrives.
  live.player = new FramePlayer($("screen"), () => Infinity);
  const n = Math.round(CHUNK_S * ctx.sampleRate);
  const maxSamples = info.limits.max_stream_s * ctx.sampleRate;
  const takes = [];
  let pending = new Float32Array(0);
  let total = 0;
  live.node = new AudioWorkletNode(ctx, "pcm-capture");
  live.node.port.onmessage = (event) => {
    if (!live?.node) return;
    const joined = new Float32Array(pending.length + event.data.length);
    joined.set(pending);
    joined.set(event.data, pending.length);
    let start = 0;
    for (; start + n <= joined.length && total + n <= maxSamples; start += n, total += n) {
      const chunk = joined.slice(start, start + n);
      takes.push(chunk);
      sendChunk(chunk);
    }
    pending = joined.slice(start);
    if (total + n > maxSamples) stopLive(true);
  };
  live.source = ctx.createMediaStreamSource(media);
  live.source.connect(live.node);
  live.node.connect(ctx.destination);  // outputs silence; being connected keeps it processing
  live.takes = takes;
}

// Ends the current stream. `graceful`: ask the server for the last frames first.
function stopLive(graceful = false) {
  if (!live) return;
  const current = live;
  clearInterval(current.timer);
  if (current.rtc) return stopRtc(current);
  if (current.node) {
    current.media.getTracks().forEach((t) => t.stop());
    current.source.disconnect();
    current.node.disconnect();
    current.node = undefined;
    recorded = new Float32Array(current.takes.reduce((n, c) => n + c.length, 0));
    current.takes.reduce((at, c) => (recorded.set(c, at), at + c.length), 0);
  }
  if (graceful && current.ws.readyState === WebSocket.OPEN) {
    current.ws.send(JSON.stringify({ type: "end" }));
    return;  // ended() comes back here when the last frames are in
  }
  current.audio?.stop();
  current.player?.stop();
  if (current.ws.readyState <= WebSocket.OPEN) current.ws.close();
  live = null;
  $("play").disabled = !stats.avatarId;
  $("stop").disabled = true;
}

// ---- WebRTC ---------------------------------------------------------------------------------

// The same speech sources as one audio track to the server, which answers with the avatar's video
// and the speech itself, delayed to play with the mouth, as one stream in the <video>. ICE is not
// trickled: the offer goes once the candidates are gathered; no STUN or TURN server unless the
// server was started with --ice-server.

function transport() {
  return document.querySelector('input[name="transport"]:checked').value;
}

async function outgoingAudio(ctx) {
  if (source() === "mic") {
    const media = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    return { track: media.getAudioTracks()[0], begin: () => {}, stop: () => media.getTracks().forEach((t) => t.stop()) };
  }
  // A clip (typed text spoken by the server, or a file) plays into a track; once it ends the
  // track carries silence and the face idles until Stop.
  const buffer = await clipBuffer();
  const dest = ctx.createMediaStreamDestination();
  const node = ctx.createBufferSource();
  node.buffer = buffer;
  node.connect(dest);
  let begun = false;
  return {
    track: dest.stream.getAudioTracks()[0],
    begin: () => { if (!begun) { begun = true; node.start(); } },  // once connected: no speech lost
    stop: () => { if (begun) node.stop(); dest.stream.getTracks().forEach((t) => t.stop()); },
  };
}

function iceGathered(pc, timeoutMs = 3000) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === "complete") return resolve();
    pc.addEventListener("icegatheringstatechange", () => { if (pc.iceGatheringState === "complete") resolve(); });
    setTimeout(resolve, timeoutMs);  // send what there is: host candidates come first
  });
}

async function startRtc() {
  const ctx = await context();
  const config = await (await api("/api/webrtc/config")).json();
  const iceServers = config.ice_servers.map((s) => ({ urls: s.urls, username: s.username ?? undefined,
    credential: s.credential ?? undefined }));
  const pc = new RTCPeerConnection({ iceServers });  // [] unless configured: nothing leaves the network
  const out = await outgoingAudio(ctx);
  live = { rtc: true, pc, out };
  const current = live;
  pc.addTransceiver(out.track, { direction: "sendrecv" });
  pc.addTransceiver("video", { direction: "recvonly" });
  const video = $("live-video");
  pc.ontrack = (event) => { video.srcObject = event.streams[0]; video.play().catch(() => {}); };
  pc.onconnectionstatechange = () => {
    if (live !== current) return;
    if (pc.connectionState === "connected") out.begin();
    else if (pc.connectionState === "failed") fail(new Error("the WebRTC connection failed (no route to the server?)"));
  };
  await pc.setLocalDescription(await pc.createOffer());
  await iceGathered(pc);
  const answer = await (await api("/api/webrtc/offer", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      sdp: pc.localDescription.sdp, type: "offer", avatar_id: stats.avatarId, controls: readControls(),
    }),
  })).json();
  current.sessionId = stats.sessionId = answer.session_id;
  await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
  countVideoFrames(video, current);
  current.timer = setInterval(() => rtcStats(current), 500);
}

function countVideoFrames(video, current) {
  // Frames the <video> element actually presents, as the end-to-end test reads them.
  if (!("requestVideoFrameCallback" in video)) return;
  const onFrame = () => {
    if (live !== current) return;
    stats.framesShown++;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

async function rtcStats(current) {
  const report = await current.pc.getStats();
  let delayMs = NaN;
  report.forEach((s) => {
    if (s.type !== "inbound-rtp") return;
    if (s.kind === "video") {
      stats.framesReceived = s.framesDecoded || 0;
      if (s.jitterBufferEmittedCount) delayMs = (1000 * s.jitterBufferDelay) / s.jitterBufferEmittedCount;
    } else if (s.kind === "audio") {
      stats.audioSamplesReceived = s.totalSamplesReceived || 0;
    }
  });
  if (live !== current) return;
  setStatus($("stats"), `WebRTC: ${stats.framesReceived} frames decoded, ${stats.framesShown} shown · ` +
    `video jitter buffer ${Number.isNaN(delayMs) ? "-" : delayMs.toFixed(0)} ms`);
}

function stopRtc(current) {
  current.out.stop();
  current.pc.close();
  if (current.sessionId) api(`/api/webrtc/${current.sessionId}`, { method: "DELETE" }).catch(() => {});
  $("live-video").srcObject = null;
  live = null;
  if (stats.state !== "error") stats.state = "done";
  $("play").disabled = !stats.avatarId;
  $("stop").disabled = true;
}

function showTransport() {
  const rtc = transport() === "webrtc";
  $("screen").hidden = rtc;
  $("live-video").hidden = !rtc;
}

// ---- render job -----------------------------------------------------------------------------

function wav(samples, sr) {
  const data = new Int16Array(int16(samples));
  const view = new DataView(new ArrayBuffer(44));
  const text = (at, s) => [...s].forEach((ch, i) => view.setUint8(at + i, ch.charCodeAt(0)));
  text(0, "RIFF"); view.setUint32(4, 36 + data.byteLength, true); text(8, "WAVEfmt ");
  view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
  view.setUint32(24, sr, true); view.setUint32(28, sr * 2, true); view.setUint16(32, 2, true);
  view.setUint16(34, 16, true); text(36, "data"); view.setUint32(40, data.byteLength, true);
  return new Blob([view, data], { type: "audio/wav" });
}

async function renderMp4() {
  const form = new FormData();
  form.append("avatar_id", stats.avatarId);
  form.append("controls", JSON.stringify(readControls()));
  const kind = source();
  if (kind === "text") {
    form.append("text", $("text").value);
    form.append("lang", $("lang").value);
  } else if (kind === "file") {
    const file = $("audio-file").files[0];
    if (!file) return setStatus($("stats"), "choose an audio file first", true);
    form.append("audio", file);
  } else {
    if (!recorded?.length) return setStatus($("stats"), "record with Play live first", true);
    form.append("audio", wav(recorded, info.sample_rate), "microphone.wav");
  }
  const progress = $("job-progress");
  $("render").disabled = true;
  try {
    let job = await (await api("/api/jobs", { method: "POST", body: form })).json();
    progress.hidden = false;
    while (job.status === "queued" || job.status === "running") {
      progress.value = job.progress;
      setStatus($("stats"), `Rendering: ${job.frames_done} / ${job.n_frames} frames`);
      await new Promise((r) => setTimeout(r, 400));
      job = await (await api(`/api/jobs/${job.job_id}`)).json();
    }
    progress.value = 1;
    if (job.status !== "done") throw new Error(job.error || `job ${job.status}`);
    setStatus($("stats"), `Rendered ${job.n_frames} frames.`);
    Object.assign($("download"), { href: withToken(job.video_url), hidden: false });
    Object.assign($("result"), { src: withToken(job.video_url), hidden: false });
  } catch (err) {
    setStatus($("stats"), err.message, true);
  } finally {
    $("render").disabled = false;
  }
}

// ---- wiring ---------------------------------------------------------------------------------

async function main() {
  try {
    info = await (await api("/api/info")).json();
    schema = await (await api("/api/controls")).json();
  } catch (err) {
    return setStatus($("photo-status"), `The server is not answering: ${err.message}`, true);
  }
  buildControls();
  $("photo-file").addEventListener("change", (e) => {
    const file = e.target.files[0];
    if (!file) return;
    const form = new FormData();
    form.append("photo", file);
    setAvatar(api("/api/avatars", { method: "POST", body: form }), file.name);
  });
  $("use-sample").addEventListener("click", () => setAvatar(api("/api/avatars/sample", { method: "POST" }), "the sample"));
  for (const radio of document.querySelectorAll('input[name="source"]')) {
    radio.addEventListener("change", () => {
      for (const div of document.querySelectorAll(".source")) div.hidden = div.dataset.source !== source();
    });
  }
  for (const radio of document.querySelectorAll('input[name="transport"]')) {
    radio.addEventListener("change", () => { stopLive(); showTransport(); });
  }
  showTransport();
  $("play").addEventListener("click", playLive);
  // A clip stops at once; the microphone sends what it has and shows the last frames.
  $("stop").addEventListener("click", () => stopLive(live?.clip === false));
  $("render").addEventListener("click", renderMp4);
  stats.state = "ready";
}

main();
