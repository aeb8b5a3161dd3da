// Microphone capture on the audio thread: hands each 128-sample block of channel 0 to the page,
// which batches them into 20 ms chunks for the WebSocket.
class PcmCapture extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("pcm-capture", PcmCapture);
