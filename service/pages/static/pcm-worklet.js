// AudioWorklet processor: the microphone's float samples -> little-endian PCM16 frames of `frame` samples,
// posted to the page, which sends each one as a binary WebSocket message to /v1/live.
"use strict";

class Pcm16Frames extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frame = options.processorOptions.frame;
    this.buffer = new Int16Array(this.frame);
    this.filled = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = Math.max(-1, Math.min(1, channel[i]));
      this.buffer[this.filled++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.filled === this.frame) {
        const out = this.buffer.buffer;
        this.port.postMessage(out, [out]);
        this.buffer = new Int16Array(this.frame);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm16-frames", Pcm16Frames);
