// A user DUT adapter in plain JavaScript (what `dut.adapter` loads): the tutorial sketch driven over the socket
// class the runner hands in, declaring only led.set.
const READY = 'WebSocket server started on port (?<port>\\d+)';

function once(ws, type) {
  return new Promise((resolve, reject) => {
    ws.addEventListener(type, resolve, { once: true });
    ws.addEventListener('error', () => reject(new Error(`socket error before ${type}`)), { once: true });
  });
}

export default {
  name: 'my-tutorial',
  capabilities: ['led.set'],
  ready: {
    pattern: READY,
    url(match, lines) {
      const ip = lines
        .map((l) => /IP address: (\S+)/.exec(l)?.[1])
        .filter(Boolean)
        .pop();
      return ip ? `ws://${ip}:${match.groups.port}/` : null;
    },
  },
  async connect(opts) {
    const ws = new opts.WebSocket(opts.url);
    await once(ws, 'open');
    return {
      async ledSet(_led, on) {
        const reply = once(ws, 'message');
        ws.send(on ? 'LED ON' : 'LED OFF');
        const { data } = await reply;
        if (String(data) !== `LED is now ${on ? 'ON' : 'OFF'}`) throw new Error(`unexpected reply ${data}`);
      },
      async close() {
        if (ws.readyState === 3) return;
        const closed = once(ws, 'close');
        ws.close();
        await closed;
      },
    };
  },
};
