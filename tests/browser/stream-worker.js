// A page's Worker feeding a live stream: a 500 Hz sine of amplitude 0.5,
// written into the stream ring in the mixer's shared memory as room allows.
import { StreamWriter } from '/js/stream.js';

onmessage = ({ data: { memory, byteOffset, sampleRate } }) => {
  const writer = new StreamWriter(memory.buffer, byteOffset);
  const chunk = new Float32Array(2 * 1024);
  let phase = 0;
  const feed = () => {
    while (writer.room >= 1024) {
      for (let i = 0; i < 1024; i++, phase++) chunk[2 * i] = chunk[2 * i + 1] = 0.5 * Math.sin((2 * Math.PI * 500 * phase) / sampleRate);
      writer.push(chunk, 1024);
    }
    setTimeout(feed, 10);
  };
  feed();
  postMessage('feeding');
};
